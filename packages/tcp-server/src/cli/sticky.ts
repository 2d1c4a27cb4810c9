/**
 * `tcp-server sticky`: the sticky-packet (粘包) experiment of the book's notes (`pnpm sticky`).
 * 18 `socket.write`s of the 64-character alphabet in the `connect` callback, over loopback;
 * the receiving side counts its `data` events and, with a framing, decodes messages.
 */
import { connect, createServer, type Socket } from 'node:net';
import { boundPort, closeServer, listen, parseFlags, rejectPositionals } from 'common';
import { STICKY_ALPHABET, STICKY_WRITES } from '../constants.ts';
import {
  createDecoder,
  createEncoder,
  type CodecFraming,
  type CodecOptions,
} from '../framing-stream.ts';

type StickyMode = 'none' | CodecFraming;

const USAGE = `usage: tcp-server sticky

Writes the alphabet ${STICKY_WRITES} times in the client's 'connect' callback and shows how the
receiver's 'data' events cut it: no framing, then line, length and fixed framing.`;

/** Runs the experiment in every mode and prints one line each; exit code 1 if a framing lost a message. */
export async function stickyMain(argv: readonly string[]): Promise<void> {
  rejectPositionals(parseFlags(argv, {}, { usage: USAGE }).positionals);
  const out: string[] = [
    `${STICKY_WRITES} × socket.write('${STICKY_ALPHABET.slice(0, 8)}…' (${STICKY_ALPHABET.length} bytes)) in the 'connect' callback, over loopback:`,
    '',
  ];
  for (const mode of ['none', 'line', 'length', 'fixed'] as const) {
    const { dataEvents, messages } = await stickyRun(mode);
    const events = `${dataEvents.length} 'data' event${dataEvents.length === 1 ? '' : 's'} [${dataEvents.join(', ')} bytes]`;
    const label = (
      mode === 'none'
        ? 'no framing'
        : mode === 'fixed'
          ? `fixed (${STICKY_ALPHABET.length} B)`
          : mode
    ).padEnd(16);
    if (mode === 'none') {
      const intact =
        dataEvents.length === STICKY_WRITES &&
        dataEvents.every((n) => n === STICKY_ALPHABET.length);
      out.push(
        `${label} ${events}: ${intact ? 'one per write this time (luck, not a guarantee)' : 'writes merged/split, message boundaries lost (粘包)'}`,
      );
    } else {
      const intact =
        messages.length === STICKY_WRITES &&
        messages.every((m) => m.toString() === STICKY_ALPHABET);
      out.push(
        `${label} ${events} → ${messages.length} messages, ${intact ? 'all intact' : 'NOT intact'}`,
      );
      if (!intact) process.exitCode = 1;
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** One run: a receiving server on an ephemeral loopback port, one client making the writes. */
async function stickyRun(mode: StickyMode): Promise<{ dataEvents: number[]; messages: Buffer[] }> {
  const codec: CodecOptions = { frameSize: STICKY_ALPHABET.length };
  const decoder = mode === 'none' ? undefined : createDecoder(mode, codec);
  const dataEvents: number[] = [];
  const messages: Buffer[] = [];
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const server = createServer((socket: Socket) => {
    // A decode error (none expected) only makes the run "NOT intact": never an uncaught throw.
    const decoding = (step: () => void): void => {
      try {
        step();
      } catch {
        messages.length = 0;
      }
    };
    socket.on('data', (chunk: Buffer) => {
      dataEvents.push(chunk.length);
      if (decoder !== undefined)
        decoding(() => messages.push(...[...decoder.push(chunk)].map((m) => Buffer.from(m))));
    });
    socket.on('end', () => {
      if (decoder !== undefined) decoding(() => decoder.end());
      socket.end();
      ended();
    });
  });
  await listen(server, { host: '127.0.0.1', port: 0 });
  const encode = mode === 'none' ? (m: Buffer) => [m] : createEncoder(mode, codec);
  const client = connect(boundPort(server), '127.0.0.1', () => {
    for (let i = 0; i < STICKY_WRITES; i += 1)
      client.write(Buffer.concat(encode(Buffer.from(STICKY_ALPHABET))));
    client.end();
  });
  client.resume();
  await done;
  await closeServer(server);
  return { dataEvents, messages };
}
