/** The endpoints' policies, with stand-in connections: /updates skips ticks, /chat skips slow members. */
import { EventEmitter } from 'node:events';
import { silentLogger } from 'common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHAT_MAX_BUFFERED, UPDATES_INTERVAL } from '../src/constants.ts';
import { createEndpoints } from '../src/endpoints.ts';
import { ReadyState, type WebSocket } from '../src/websocket.ts';

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

afterEach(() => {
  vi.useRealTimers();
});

describe('/updates', () => {
  it('sends a tick every 50 ms and skips ticks while bufferedAmount > 0', () => {
    vi.useFakeTimers();
    const ws = new FakeWs();
    createEndpoints(silentLogger()).get('/updates')!(asWs(ws), new URL('ws://x/updates'));
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
    const chat = createEndpoints(silentLogger()).get('/chat')!;
    const [a, b, slow] = [new FakeWs(), new FakeWs(), new FakeWs()];
    for (const ws of [a, b, slow]) chat(asWs(ws), new URL('ws://x/chat'));
    slow.bufferedAmount = CHAT_MAX_BUFFERED + 1;
    a.emit('message', 'hello', false);
    expect([a.sent, b.sent, slow.sent]).toEqual([['hello'], ['hello'], []]);
    slow.bufferedAmount = 0;
    b.emit('message', 'again', false);
    expect(slow.sent).toEqual(['again']);
  });

  it('forgets members that closed', () => {
    const chat = createEndpoints(silentLogger()).get('/chat')!;
    const [a, b] = [new FakeWs(), new FakeWs()];
    chat(asWs(a), new URL('ws://x/chat'));
    chat(asWs(b), new URL('ws://x/chat'));
    b.emit('close', 1000, '');
    a.emit('message', 'anyone?', false);
    expect(b.sent).toEqual([]);
  });
});
