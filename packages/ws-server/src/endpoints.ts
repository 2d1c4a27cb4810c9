/**
 * The server's WebSocket endpoints (issue 3): `/echo`, `/chat`, `/updates`, and `/inspect`, the
 * side channel that feeds the page's frame inspector.
 */
import type { Logger } from 'common';
import { CHAT_MAX_BUFFERED, Opcode, UPDATES_INTERVAL } from './constants.ts';
import { ReadyState, type FrameInfo, type WebSocket } from './websocket.ts';

/** Handles one accepted connection on a path. */
export type Endpoint = (ws: WebSocket, url: URL) => void;

/** A tap id links a `/chat?tap=ID` connection to the `/inspect?tap=ID` connections watching it. */
const TAP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `/echo`: every message back with the same opcode; reading pauses while the socket is backed up. */
function echo(ws: WebSocket): void {
  ws.on('message', echoMessage);
  ws.on('drain', ws.resume);
}

/** Shared listener (`this` is the connection): no closure per connection. */
function echoMessage(this: WebSocket, data: Buffer | string, isBinary: boolean): void {
  if (this.readyState !== ReadyState.OPEN) return;
  if (!this.send(data, { binary: isBinary })) this.pause();
}

/** `/updates`: a JSON tick every 50 ms; a tick is skipped while the client has unflushed bytes. */
function updates(ws: WebSocket): void {
  let counter = 0;
  const timer = setInterval(() => {
    counter += 1;
    if (ws.readyState !== ReadyState.OPEN || ws.bufferedAmount > 0) return;
    ws.send(JSON.stringify({ counter, serverTime: Date.now() }));
  }, UPDATES_INTERVAL);
  ws.on('close', () => clearInterval(timer));
}

/** Sends `data` unless the peer is slow (over {@link CHAT_MAX_BUFFERED} unflushed): returns false when skipped. */
function sendUnlessSlow(ws: WebSocket, data: Buffer | string, isBinary: boolean): boolean {
  if (ws.readyState !== ReadyState.OPEN || ws.bufferedAmount > CHAT_MAX_BUFFERED) return false;
  ws.send(data, { binary: isBinary });
  return true;
}

function describe(frame: FrameInfo): string {
  return JSON.stringify({
    type: 'frame',
    direction: frame.direction,
    fin: frame.fin,
    opcode: frame.opcode,
    opcodeName: Opcode[frame.opcode],
    masked: frame.masked,
    payloadLength: frame.payloadLength,
    head: frame.head.toString('hex'),
  });
}

/** The endpoints, sharing one chat room and one tap registry (per server, never module-wide). */
export function createEndpoints(logger: Logger): Map<string, Endpoint> {
  const room = new Set<WebSocket>();
  const taps = new Map<string, Set<WebSocket>>();
  let skipped = 0;

  const report = (tap: string, event: string): void => {
    for (const inspector of taps.get(tap) ?? []) sendUnlessSlow(inspector, event, false);
  };

  const chat: Endpoint = (ws, url) => {
    const tap = url.searchParams.get('tap');
    if (tap !== null && TAP_ID.test(tap)) {
      ws.observeFrames((frame) => report(tap, describe(frame)));
      report(tap, JSON.stringify({ type: 'open', protocol: ws.protocol }));
      ws.on('close', (code: number, reason: string) =>
        report(tap, JSON.stringify({ type: 'close', code, reason })),
      );
    }
    room.add(ws);
    ws.on('close', () => room.delete(ws));
    // Broadcast policy: a member whose unflushed bytes exceed CHAT_MAX_BUFFERED misses the
    // message (skipped, counted in the log) so one slow reader cannot grow server memory.
    ws.on('message', (data: Buffer | string, isBinary: boolean) => {
      for (const member of room) {
        if (!sendUnlessSlow(member, data, isBinary)) {
          skipped += 1;
          logger.debug({ skipped }, 'chat: skipped a slow or closing member');
        }
      }
    });
  };

  const inspect: Endpoint = (ws, url) => {
    const tap = url.searchParams.get('tap');
    if (tap === null || !TAP_ID.test(tap)) {
      ws.close(1008, 'inspect needs ?tap=ID (letters, digits, - and _)');
      return;
    }
    let set = taps.get(tap);
    if (set === undefined) taps.set(tap, (set = new Set()));
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) taps.delete(tap);
    });
  };

  return new Map<string, Endpoint>([
    ['/echo', echo],
    ['/chat', chat],
    ['/updates', updates],
    ['/inspect', inspect],
  ]);
}
