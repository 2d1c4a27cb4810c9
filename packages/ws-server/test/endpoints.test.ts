/** The endpoints' policies, with stand-in connections: /updates skips ticks, /chat skips slow members. */
import { EventEmitter } from 'node:events';
import { silentLogger } from 'common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InProcessChatBus } from '../src/chat/bus.ts';
import { createEndpoints, type Endpoint } from '../src/endpoints.ts';
import { LIMITS } from '../src/limits.ts';
import { Opcode, UPDATES_INTERVAL } from '../src/constants.ts';
import { ReadyState, type FrameInfo, type WebSocket } from '../src/websocket.ts';

const CHAT_MAX_BUFFERED = LIMITS.chatMaxBuffered.default;

/** Just what the endpoints use of a connection. */
class FakeWs extends EventEmitter {
  readyState = ReadyState.OPEN;
  bufferedAmount = 0;
  protocol = 'chat';
  sent: (string | Buffer)[] = [];
  send(data: string | Buffer): boolean {
    this.sent.push(data);
    return true;
  }
  observer: ((frame: FrameInfo) => void) | undefined;
  observeFrames(observer: ((frame: FrameInfo) => void) | undefined): void {
    this.observer = observer;
  }
  close(_code?: number, _reason?: string): void {}
  pause(): void {}
  resume(): void {}
}

const asWs = (f: FakeWs): WebSocket => f as unknown as WebSocket;

/** The endpoint at `path` of one server's endpoints, and a way to connect stand-ins to it. */
function endpoint(
  path: string,
  endpoints = createEndpoints({
    logger: silentLogger(),
    chatMaxBuffered: CHAT_MAX_BUFFERED,
    chatBus: new InProcessChatBus(),
  }),
): { connect(ws: FakeWs, url?: string): void } {
  const handler: Endpoint = endpoints.get(path)!;
  return {
    connect(ws, url = `ws://x${path}`) {
      handler(asWs(ws), new URL(url));
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('/updates', () => {
  it('sends a tick every 50 ms and skips ticks while bufferedAmount > 0', () => {
    vi.useFakeTimers();
    const ws = new FakeWs();
    endpoint('/updates').connect(ws);
    vi.advanceTimersByTime(UPDATES_INTERVAL * 2);
    ws.bufferedAmount = 10; // the client is not keeping up
    vi.advanceTimersByTime(UPDATES_INTERVAL * 3);
    ws.bufferedAmount = 0;
    vi.advanceTimersByTime(UPDATES_INTERVAL);
    const counters = ws.sent.map((m) => (JSON.parse(String(m)) as { counter: number }).counter);
    expect(counters).toEqual([1, 2, 6]);
    ws.emit('close', 1000, '');
    vi.advanceTimersByTime(UPDATES_INTERVAL * 5);
    expect(ws.sent).toHaveLength(3);
  });
});

describe('/chat', () => {
  /** The chat messages `ws` received, as `seq text`. */
  const chats = (ws: FakeWs): string[] =>
    ws.sent
      .map((m) => JSON.parse(String(m)) as { type: string; seq: number; text: string })
      .filter((m) => m.type === 'chat')
      .map((m) => `${m.seq} ${m.text}`);

  it('broadcasts to every member, numbered per room, but skips one with more than 1 MiB unflushed', async () => {
    const chat = endpoint('/chat');
    const [a, b, slow] = [new FakeWs(), new FakeWs(), new FakeWs()];
    for (const ws of [a, b, slow]) chat.connect(ws);
    slow.bufferedAmount = CHAT_MAX_BUFFERED + 1;
    a.emit('message', 'hello', false);
    expect([chats(a), chats(b), chats(slow)]).toEqual([['1 hello'], ['1 hello'], []]);
    slow.bufferedAmount = 0;
    b.emit('message', 'again', false);
    expect(chats(slow)).toEqual(['2 again']); // the gap (no 1) shows what it missed
    await Promise.resolve(); // the bus confirmed the joins: each got its joined frame first
    expect(JSON.parse(String(a.sent.at(-1)))).toEqual({ type: 'joined', room: 'lobby' });
  });

  it('sends the same bytes to every member: one JSON frame per message, not one per member', () => {
    const chat = endpoint('/chat');
    const [a, b] = [new FakeWs(), new FakeWs()];
    chat.connect(a);
    chat.connect(b);
    a.emit('message', 'héllo "world"', false);
    expect(a.sent[0]).toBe(b.sent[0]);
    expect(String(a.sent[0])).toBe(
      '{"type":"chat","room":"lobby","seq":1,"text":"héllo \\"world\\""}',
    );
  });

  it('keeps rooms apart (?room=), and a room forgets its counter when its last member leaves', () => {
    const chat = endpoint('/chat');
    const [red, blue] = [new FakeWs(), new FakeWs()];
    chat.connect(red, 'ws://x/chat?room=red');
    chat.connect(blue, 'ws://x/chat?room=blue');
    red.emit('message', 'r1', false);
    blue.emit('message', 'b1', false);
    expect([chats(red), chats(blue)]).toEqual([['1 r1'], ['1 b1']]);
    red.emit('close', 1000, '');
    const again = new FakeWs();
    chat.connect(again, 'ws://x/chat?room=red');
    again.emit('message', 'r again', false);
    expect(chats(again)).toEqual(['1 r again']);
  });

  it('closes 1008 for a bad room name, 1003 for a binary message', () => {
    const chat = endpoint('/chat');
    const [bad, binary] = [new FakeWs(), new FakeWs()];
    const closes: [string, number, string][] = [];
    for (const [name, ws] of [
      ['bad', bad],
      ['binary', binary],
    ] as const)
      ws.close = (code: number, reason: string) => closes.push([name, code, reason]);
    chat.connect(bad, 'ws://x/chat?room=no%20spaces');
    chat.connect(binary);
    binary.emit('message', Buffer.from('hi'), true);
    expect(closes).toEqual([
      ['bad', 1008, 'room must be 1-64 letters, digits, - and _'],
      ['binary', 1003, '/chat takes text messages'],
    ]);
  });

  it('forgets members that closed', () => {
    const chat = endpoint('/chat');
    const [a, b] = [new FakeWs(), new FakeWs()];
    chat.connect(a);
    chat.connect(b);
    b.emit('close', 1000, '');
    a.emit('message', 'anyone?', false);
    expect(chats(b)).toEqual([]);
  });
});

describe('/inspect', () => {
  const frame: FrameInfo = {
    direction: 'in',
    fin: true,
    rsv1: false,
    opcode: Opcode.Text,
    masked: true,
    payloadLength: 2,
    head: Buffer.from('hi'),
  };
  const events = (ws: FakeWs): string[] =>
    ws.sent.map((m) => (JSON.parse(String(m)) as { type: string }).type);

  it("reports a tapped /chat connection's frames to the inspectors of its tap only, until they close", () => {
    const endpoints = createEndpoints({
      logger: silentLogger(),
      chatMaxBuffered: CHAT_MAX_BUFFERED,
      chatBus: new InProcessChatBus(),
    });
    const [mine, other, later] = [new FakeWs(), new FakeWs(), new FakeWs()];
    endpoint('/inspect', endpoints).connect(mine, 'ws://x/inspect?tap=a');
    endpoint('/inspect', endpoints).connect(other, 'ws://x/inspect?tap=b');
    const tapped = new FakeWs();
    endpoint('/chat', endpoints).connect(tapped, 'ws://x/chat?tap=a');
    tapped.observer!(frame);
    expect([events(mine), events(other)]).toEqual([['open', 'frame'], []]);
    mine.emit('close', 1000, '');
    tapped.observer!(frame);
    expect(events(mine)).toEqual(['open', 'frame']);
    // A new inspector of the same tap after the last one left gets the frames again.
    endpoint('/inspect', endpoints).connect(later, 'ws://x/inspect?tap=a');
    tapped.observer!(frame);
    expect(events(later)).toEqual(['frame']);
  });

  it('closes an inspector without a valid tap ID with 1008', () => {
    const ws = Object.assign(new FakeWs(), { closed: [] as unknown[] });
    (ws as unknown as { close: (code: number) => void }).close = (code: number) =>
      ws.closed.push(code);
    endpoint('/inspect').connect(ws, 'ws://x/inspect?tap=a%20b');
    expect(ws.closed).toEqual([1008]);
  });
});

describe('/chat rooms', () => {
  it('are per server', () => {
    const [a, b] = [new FakeWs(), new FakeWs()];
    endpoint('/chat').connect(a);
    endpoint('/chat').connect(b);
    a.emit('message', 'only mine', false);
    const texts = (ws: FakeWs) =>
      ws.sent.map((m) => (JSON.parse(String(m)) as { text?: string }).text);
    expect([texts(a), texts(b)]).toEqual([['only mine'], []]);
  });
});
