/**
 * Parser micro-benchmark: prebuilt masked client frames, fed in 64 KiB chunks to the bare
 * decoder (FrameDecoder + MessageAssembler) and to ws's Receiver. Both unmask in place, so every
 * pass feeds fresh copies of the chunks (the copy is the same cost for both).
 */
import type { Writable } from 'node:stream';
import * as wsModule from 'ws';
import { Opcode } from '../src/constants.ts';
import { FrameDecoder } from '../src/protocol/frame-decoder.ts';
import { encodeFrame } from '../src/protocol/frame-encoder.ts';
import { MessageAssembler } from '../src/protocol/message-assembler.ts';

/** ws's frame parser (a named export of ws's ESM wrapper, not declared in @types/ws). */
const Receiver = (wsModule as unknown as { Receiver: new (options: object) => Writable }).Receiver;

const CHUNK = 64 * 1024;
const STREAM_BYTES = 4 * 1024 * 1024;

/** Masked text frames of `size` bytes, about 4 MiB in all, cut into 64 KiB chunks. */
export function prebuilt(size: number): { chunks: Buffer[]; frames: number; bytes: number } {
  const frame = Buffer.concat(encodeFrame(Opcode.Text, 'a'.repeat(size), { mask: true }));
  const frames = Math.max(1, Math.floor(STREAM_BYTES / frame.length));
  const stream = Buffer.concat(Array.from({ length: frames }, () => frame));
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i += CHUNK) chunks.push(stream.subarray(i, i + CHUNK));
  return { chunks, frames, bytes: stream.length };
}

function timed(
  input: ReturnType<typeof prebuilt>,
  feed: (chunks: Buffer[]) => number,
  budgetMs = 400,
): Record<string, number> {
  let bytes = 0;
  let elapsed = 0;
  while (elapsed < budgetMs) {
    const copies = input.chunks.map((c) => Buffer.from(c));
    const start = performance.now();
    const messages = feed(copies);
    elapsed += performance.now() - start;
    if (messages !== input.frames)
      throw new Error(`decoded ${messages} of ${input.frames} messages`);
    bytes += input.bytes;
  }
  return {
    'MB/s': bytes / 1e6 / (elapsed / 1000),
    'msgs/s': ((bytes / input.bytes) * input.frames) / (elapsed / 1000),
  };
}

export function netlabParser(input: ReturnType<typeof prebuilt>): Record<string, number> {
  return timed(input, (chunks) => {
    let messages = 0;
    const assembler = new MessageAssembler(
      {
        onMessage: () => (messages += 1),
        onPing: () => {},
        onPong: () => {},
        onClose: () => {},
        onCompressedFrame: () => {},
      },
      { maxPayload: 64 * 1024 * 1024 },
    );
    const decoder = new FrameDecoder(assembler, { role: 'server', maxPayload: 64 * 1024 * 1024 });
    for (const chunk of chunks) decoder.push(chunk);
    return messages;
  });
}

export function wsParser(input: ReturnType<typeof prebuilt>): Record<string, number> {
  return timed(input, (chunks) => {
    let messages = 0;
    const receiver = new Receiver({ isServer: true, maxPayload: 0 });
    receiver.on('message', () => (messages += 1));
    for (const chunk of chunks) receiver.write(chunk);
    return messages;
  });
}
