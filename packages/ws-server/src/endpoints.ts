/**
 * The server's WebSocket endpoints (issue 3): `/echo`, `/chat`, `/updates`, and `/inspect`, the
 * side channel that feeds the page's frame inspector.
 *
 * Who is in which chat room and who inspects which tap are **domain indexes**, kept per server
 * (`ChatRooms` in `chat/rooms.ts`, a `Map` from tap ID to its inspectors), not a second registry of
 * connections: the connection tracker answers "which connections are open" (for `drain`, the
 * heartbeat, `clients`), these answer "who gets this message" in O(members), not O(open
 * connections). Finding the room by walking the tracker made every chat message and every
 * tapped frame cost a pass over every connection of the server (issue 14). Each index entry is
 * removed by the member's own `close`. `/chat` takes `?room=NAME` (default `lobby`); its
 * messages travel through the server's chat bus (`chat/bus.ts`), so a room can span processes.
 */
import type { Logger } from 'common';
import type { ChatBus } from './chat/bus.ts';
import { DEFAULT_ROOM, isRoomName } from './chat/messages.ts';
import { ChatRooms } from './chat/rooms.ts';
import { CloseCode, Opcode, UPDATES_INTERVAL } from './constants.ts';
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
  /** What carries `/chat` messages between processes (see `chat/bus.ts`). */
  chatBus: ChatBus;
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
  /** The `/chat` rooms: their members here, and the bus between them and other processes. */
  const rooms = new ChatRooms({ bus: options.chatBus, logger, chatMaxBuffered });
  /** `/inspect?tap=ID` connections by tap ID. */
  const inspectors = new Map<string, Set<WebSocket>>();

  /** Sends `event` unless the inspector is slow (over `chatMaxBuffered` unflushed). */
  const sendUnlessSlow = (ws: WebSocket, event: string): void => {
    if (ws.readyState === ReadyState.OPEN && ws.bufferedAmount <= chatMaxBuffered) ws.send(event);
  };

  /** Sends `event` to every `/inspect` connection watching `tap`. */
  const report = (tap: string, event: string): void => {
    const watching = inspectors.get(tap);
    if (watching === undefined) return;
    for (const ws of watching) sendUnlessSlow(ws, event);
  };

  const chat: Endpoint = (ws, url) => {
    const room = url.searchParams.get('room') ?? DEFAULT_ROOM;
    if (!isRoomName(room)) {
      ws.close(CloseCode.PolicyViolation, 'room must be 1-64 letters, digits, - and _');
      return;
    }
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
    rooms.join(ws, room);
  };

  const inspect: Endpoint = (ws, url) => {
    const tap = url.searchParams.get('tap');
    if (tap === null || !TAP_ID.test(tap)) {
      ws.close(CloseCode.PolicyViolation, 'inspect needs ?tap=ID (letters, digits, - and _)');
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
