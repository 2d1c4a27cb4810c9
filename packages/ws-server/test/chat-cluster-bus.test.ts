/** The cluster bus: the primary's ChatRelay, and worker buses talking to it over fake IPC channels. */
import { SHUTDOWN_MESSAGE, silentLogger } from 'common';
import { describe, expect, it } from 'vitest';
import { ClusterChatBus, type ChatChannel } from '../src/chat/cluster-bus.ts';
import { chatFrame } from '../src/chat/messages.ts';
import { CHAT_IPC, ChatRelay, type ChatToPrimary, type ChatToWorker } from '../src/chat/relay.ts';

/** A relay whose sends are recorded; `written(w)` completes worker w's pending sends. */
function recordingRelay(chatMaxPending = 1_000) {
  const sent: [number, ChatToWorker][] = [];
  const unwritten = new Map<number, (() => void)[]>();
  const relay = new ChatRelay({
    logger: silentLogger(),
    chatMaxPending,
    send(worker, message, onSent) {
      sent.push([worker, message]);
      const list = unwritten.get(worker) ?? [];
      list.push(() => onSent(null));
      unwritten.set(worker, list);
      return true;
    },
  });
  const written = (worker: number): void => {
    for (const done of unwritten.get(worker)?.splice(0) ?? []) done();
  };
  const frames = (worker: number): string[] =>
    sent
      .filter(([w, m]) => w === worker && m.op === 'deliver')
      .map(([, m]) => (m as { frame: string }).frame);
  return { relay, sent, written, frames };
}

/** A worker's message (loosely typed: some tests send what a worker never would). */
const msg = (m: { op: string; room: string; id?: number; text?: string }): ChatToPrimary =>
  ({ netlab: CHAT_IPC, ...m }) as ChatToPrimary;

describe('ChatRelay (the primary)', () => {
  it("acknowledges a join, numbers a room's messages and sends them to the workers in it only", () => {
    const { relay, sent, frames } = recordingRelay();
    relay.receive(1, msg({ op: 'join', room: 'lobby', id: 7 }));
    relay.receive(2, msg({ op: 'join', room: 'lobby', id: 1 }));
    relay.receive(3, msg({ op: 'join', room: 'other', id: 1 }));
    expect(sent[0]).toEqual([1, { netlab: CHAT_IPC, op: 'joined', room: 'lobby', id: 7 }]);
    relay.receive(2, msg({ op: 'publish', room: 'lobby', text: 'a' }));
    relay.receive(1, msg({ op: 'publish', room: 'lobby', text: 'b' }));
    const expected = [chatFrame('lobby', 1, 'a'), chatFrame('lobby', 2, 'b')];
    expect([frames(1), frames(2), frames(3)]).toEqual([expected, expected, []]);
  });

  it('forgets a room when its last worker leaves or exits: no growth from room names, seq restarts', () => {
    const { relay, frames } = recordingRelay();
    relay.receive(1, msg({ op: 'join', room: 'r', id: 1 }));
    relay.receive(2, msg({ op: 'join', room: 'r', id: 1 }));
    relay.receive(1, msg({ op: 'publish', room: 'r', text: 'x' }));
    relay.receive(1, msg({ op: 'leave', room: 'r' }));
    relay.workerExited(2);
    expect(relay.rooms).toBe(0);
    relay.receive(1, msg({ op: 'join', room: 'r', id: 2 }));
    relay.receive(1, msg({ op: 'publish', room: 'r', text: 'y' }));
    expect(frames(1)).toEqual([chatFrame('r', 1, 'x'), chatFrame('r', 1, 'y')]);
  });

  it('skips a worker whose channel has more than chatMaxPending bytes unwritten, until it drains', () => {
    const frame = chatFrame('r', 1, 'x'.repeat(100));
    const { relay, frames, written } = recordingRelay(Buffer.byteLength(frame));
    relay.receive(1, msg({ op: 'join', room: 'r', id: 1 }));
    relay.receive(2, msg({ op: 'join', room: 'r', id: 1 }));
    written(1);
    written(2);
    for (let i = 0; i < 3; i += 1) {
      relay.receive(1, msg({ op: 'publish', room: 'r', text: 'x'.repeat(100) }));
      written(1); // worker 1 keeps up, worker 2 does not
    }
    expect(frames(1)).toHaveLength(3);
    expect(frames(2)).toHaveLength(2); // at the limit, then over it: the third is skipped
    expect(relay.skipped).toBe(1);
    written(2);
    relay.receive(1, msg({ op: 'publish', room: 'r', text: 'again' }));
    expect(frames(2).at(-1)).toBe(chatFrame('r', 4, 'again')); // the gap 3 shows what it missed
  });

  it("ignores what is not the chat bus's: common's shutdown message, bad rooms, rooms nobody joined", () => {
    const { relay, sent } = recordingRelay();
    relay.receive(1, SHUTDOWN_MESSAGE);
    relay.receive(1, msg({ op: 'join', room: 'no spaces', id: 1 }));
    relay.receive(1, msg({ op: 'publish', room: 'nobody', text: 'x' }));
    expect([sent, relay.rooms]).toEqual([[], 0]);
  });
});

/** Worker buses wired to one relay through fake channels (asynchronous, like IPC). */
function cluster(workers: number, options: { failSends?: boolean; chatMaxPending?: number } = {}) {
  const listeners = new Map<number, (message: unknown) => void>();
  const relay = new ChatRelay({
    logger: silentLogger(),
    chatMaxPending: 1 << 20,
    send(worker, message, onSent) {
      setImmediate(() => {
        listeners.get(worker)?.(message);
        onSent(null);
      });
      return listeners.has(worker);
    },
  });
  const buses = Array.from({ length: workers }, (_, i) => {
    const id = i + 1;
    const channel: ChatChannel = {
      send(message, onSent) {
        setImmediate(() => {
          if (options.failSends === true) return onSent(new Error('channel closed'));
          relay.receive(id, message);
          onSent(null);
        });
      },
      listen(listener) {
        listeners.set(id, listener);
        return () => listeners.delete(id);
      },
    };
    const bus = new ClusterChatBus({ channel, chatMaxPending: options.chatMaxPending });
    const delivered: string[] = [];
    bus.attach({ deliver: (_room, frame) => delivered.push(frame.toString()) });
    return { bus, delivered };
  });
  return { relay, buses };
}

describe('ClusterChatBus (a worker) through the relay', () => {
  it('join resolves once the primary confirmed it; a message published on one worker reaches the others', async () => {
    const { buses } = cluster(2);
    const [one, two] = buses as [(typeof buses)[0], (typeof buses)[0]];
    await Promise.all([one.bus.join('lobby'), two.bus.join('lobby')]);
    await one.bus.publish('lobby', 'hi');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(two.delivered).toEqual([chatFrame('lobby', 1, 'hi')]);
    expect(one.delivered).toEqual([chatFrame('lobby', 1, 'hi')]);
  });

  it('refuses at once past chatMaxPending, and with UNAVAILABLE when the channel is closed', async () => {
    const { buses } = cluster(1, { chatMaxPending: 4 });
    const { bus } = buses[0]!;
    const first = bus.publish('lobby', 'four');
    await expect(bus.publish('lobby', 'x')).rejects.toMatchObject({
      code: 'ERR_CHAT_BUS_UNAVAILABLE',
      message: 'more than 4 bytes are waiting for the cluster primary',
    });
    await first;
    const broken = cluster(1, { failSends: true }).buses[0]!.bus;
    await expect(broken.publish('lobby', 'x')).rejects.toMatchObject({
      code: 'ERR_CHAT_BUS_UNAVAILABLE',
      message: 'the cluster primary is not reachable',
    });
    await expect(broken.join('lobby')).rejects.toMatchObject({ code: 'ERR_CHAT_BUS_UNAVAILABLE' });
  });

  it('close() refuses what comes after it and a join still waiting', async () => {
    const { buses } = cluster(1);
    const { bus } = buses[0]!;
    const joining = bus.join('lobby');
    await bus.close();
    await expect(joining).rejects.toMatchObject({ message: 'the chat bus is closed' });
    await expect(bus.publish('lobby', 'x')).rejects.toMatchObject({
      message: 'the chat bus is closed',
    });
  });

  it('a bus serves one server', () => {
    const { bus } = cluster(1).buses[0]!;
    expect(() => bus.attach({ deliver() {} })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
