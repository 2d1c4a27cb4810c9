/**
 * The server's WebSocket endpoints (issue 3): `/echo`, `/chat`, `/updates`, and `/inspect`, the
 * side channel that feeds the page's frame inspector.
 *
 * Who is in the chat room and who inspects which tap are **domain indexes**, kept per server
 * (one `Set` of members, one `Map` from tap ID to its inspectors), not a second registry of
 * connections: the connection tracker answers "which connections are open" (for `drain`, the
 * heartbeat, `clients`), these answer "who gets this message" in O(members), not O(open
 * connections). Finding the room by walking the tracker made every chat message and every
 * tapped frame cost a pass over every connection of the server (issue 14). Each index entry is
 * removed by the member's own `close`.
 */
import type { Logger } from 'common';
import { Opcode, UPDATES_INTERVAL } from './constants.ts';
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

/** What the endpoints share with the server. */
export interface EndpointsOptions {
  logger: Logger;
  /** `/chat` skips a member with more unflushed bytes than this (`LIMITS.chatMaxBuffered`). */
  chatMaxBuffered: number;
}

function describe(frame: FrameInfo): string {
  return JSON.stringify({
    type: 'frame',
    direction: frame.direction,
    fin: frame.fin,
    rsv1: frame.rsv1,
    opcode: frame.opcode,
    opcodeName: Opcode[frame.opcode],
    masked: frame.masked,
    payloadLength: frame.payloadLength,
    inflatedLength: frame.inflatedLength,
    head: frame.head.toString('hex'),
  });
}

/** Adds `ws` to `set` until it closes. */
function joinUntilClose(set: Set<WebSocket>, ws: WebSocket, onEmpty?: () => void): void {
  set.add(ws);
  ws.on('close', () => {
    set.delete(ws);
    if (set.size === 0) onEmpty?.();
  });
}

/** The endpoints of one server (per server, never module-wide). */
export function createEndpoints(options: EndpointsOptions): Map<string, Endpoint> {
  const { logger, chatMaxBuffered } = options;
  /** The `/chat` room. */
  const members = new Set<WebSocket>();
  /** `/inspect?tap=ID` connections by tap ID. */
  const inspectors = new Map<string, Set<WebSocket>>();
  let skipped = 0;

  /** Sends `data` unless the peer is slow (over `chatMaxBuffered` unflushed): false when skipped. */
  const sendUnlessSlow = (ws: WebSocket, data: Buffer | string, isBinary: boolean): boolean => {
    if (ws.readyState !== ReadyState.OPEN || ws.bufferedAmount > chatMaxBuffered) return false;
    ws.send(data, { binary: isBinary });
    return true;
  };

  /** Sends `event` to every `/inspect` connection watching `tap`. */
  const report = (tap: string, event: string): void => {
    const watching = inspectors.get(tap);
    if (watching === undefined) return;
    for (const ws of watching) sendUnlessSlow(ws, event, false);
  };

  const chat: Endpoint = (ws, url) => {
    const tap = url.searchParams.get('tap');
    if (tap !== null && TAP_ID.test(tap)) {
      ws.observeFrames((frame) => report(tap, describe(frame)));
      report(
        tap,
        JSON.stringify({ type: 'open', protocol: ws.protocol, extensions: ws.extensions }),
      );
      ws.on('close', (code: number, reason: string) =>
        report(tap, JSON.stringify({ type: 'close', code, reason })),
      );
    }
    joinUntilClose(members, ws);
    // Broadcast policy: a member whose unflushed bytes exceed chatMaxBuffered misses the
    // message (skipped, counted in the log) so one slow reader cannot grow server memory.
    ws.on('message', (data: Buffer | string, isBinary: boolean) => {
      for (const member of members) {
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
    let watching = inspectors.get(tap);
    if (watching === undefined) {
      watching = new Set();
      inspectors.set(tap, watching);
    }
    joinUntilClose(watching, ws, () => inspectors.delete(tap));
  };

  return new Map<string, Endpoint>([
    ['/echo', echo],
    ['/chat', chat],
    ['/updates', updates],
    ['/inspect', inspect],
  ]);
}
