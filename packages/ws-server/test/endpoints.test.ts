/** The endpoints' policies, with stand-in connections: /updates skips ticks, /chat skips slow members. */
import { EventEmitter } from 'node:events';
import { ConnectionTracker, silentLogger } from 'common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../src/clients.ts';
import { UPDATES_INTERVAL } from '../src/constants.ts';
import { createEndpoints, type Endpoint } from '../src/endpoints.ts';
import { LIMITS } from '../src/limits.ts';
import { ReadyState, type WebSocket } from '../src/websocket.ts';

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
  observeFrames(): void {}
  pause(): void {}
  resume(): void {}
}

const asWs = (f: FakeWs): WebSocket => f as unknown as WebSocket;

/**
 * The endpoint at `path`, and a way to connect stand-ins to it: each is registered in the
 * tracker first, as the server does after the handshake.
 */
function endpoint(path: string): { connect(ws: FakeWs, url?: string): void } {
  const connections = new ConnectionTracker<ConnectionState>();
  const endpoints = createEndpoints({
    logger: silentLogger(),
    connections,
    chatMaxBuffered: CHAT_MAX_BUFFERED,
  });
  const handler: Endpoint = endpoints.get(path)!;
  return {
    connect(ws, url = `ws://x${path}`) {
      const fields = { conn: 0, remote: 'test' };
      connections.set(ws, { fields, alive: true, path, tap: undefined });
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
  it('broadcasts to every member but skips one with more than 1 MiB unflushed', () => {
    const chat = endpoint('/chat');
    const [a, b, slow] = [new FakeWs(), new FakeWs(), new FakeWs()];
    for (const ws of [a, b, slow]) chat.connect(ws);
    slow.bufferedAmount = CHAT_MAX_BUFFERED + 1;
    a.emit('message', 'hello', false);
    expect([a.sent, b.sent, slow.sent]).toEqual([['hello'], ['hello'], []]);
    slow.bufferedAmount = 0;
    b.emit('message', 'again', false);
    expect(slow.sent).toEqual(['again']);
  });

  it('forgets members that closed', () => {
    const chat = endpoint('/chat');
    const [a, b] = [new FakeWs(), new FakeWs()];
    chat.connect(a);
    chat.connect(b);
    b.emit('close', 1000, '');
    a.emit('message', 'anyone?', false);
    expect(b.sent).toEqual([]);
  });
});
