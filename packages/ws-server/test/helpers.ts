/** Test helpers: raw frames, raw handshakes and a parser for what the server sends. */
import { randomBytes } from 'node:crypto';
import { RawClient } from 'common/harness';
import { Opcode } from '../src/constants.ts';
import { FrameDecoder, type FrameHeader } from '../src/protocol/frame-decoder.ts';
import { encodeFrame, type EncodeOptions } from '../src/protocol/frame-encoder.ts';

/** A decoded frame, for assertions. */
export interface Frame {
  fin: boolean;
  /** RSV1 (a compressed message's first frame, when permessage-deflate was negotiated). */
  rsv1: boolean;
  opcode: Opcode;
  masked: boolean;
  payload: Buffer;
}

/** A masked client frame as one buffer (the encoder under test, client role). */
export function clientFrame(
  opcode: Opcode,
  payload: Buffer | string = '',
  options: EncodeOptions = {},
): Buffer {
  return Buffer.concat(encodeFrame(opcode, payload, { mask: true, ...options }));
}

/** Decodes a complete byte string of frames (sent by a server unless `role` says otherwise). */
export function parseFrames(
  bytes: Buffer,
  role: 'client' | 'server' = 'client',
  maxPayload = 2 ** 30,
): Frame[] {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder(
    {
      onHeader: () => {},
      onFrame: (h: FrameHeader, payload: Buffer) =>
        frames.push({
          fin: h.fin,
          rsv1: h.rsv1,
          opcode: h.opcode,
          masked: h.masked,
          payload: Buffer.from(payload),
        }),
    },
    // RSV1 is let through: tests of compressed messages look at it (the server is checked for
    // never setting it without the extension).
    { role, maxPayload, perMessageDeflate: true },
  );
  decoder.push(bytes);
  if (decoder.bufferedBytes !== 0)
    throw new Error(`${decoder.bufferedBytes} bytes left over after the frames`);
  return frames;
}

/** The close code in a close frame's payload, or undefined for an empty payload. */
export function closeCodeOf(frame: Frame | undefined): number | undefined {
  if (frame === undefined || frame.opcode !== Opcode.Close)
    throw new Error(`not a close frame: ${JSON.stringify(frame)}`);
  return frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined;
}

/** A raw connection past its handshake: `frames()` parses everything received after the 101. */
export interface RawWs {
  client: RawClient;
  /** Frames received so far (complete ones). */
  frames(): Frame[];
  /** Waits until the server closes TCP; returns every frame it sent. */
  framesUntilEnd(): Promise<Frame[]>;
  /** Waits for `n` frames. */
  waitForFrames(n: number): Promise<Frame[]>;
}

/** The request a browser would send, with a fresh key. */
export function upgradeRequest(path: string, extra: Record<string, string> = {}): string {
  const headers: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
  const lines = Object.entries(headers)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

function completeFrames(bytes: Buffer): Frame[] {
  // Parse as many complete frames as there are; a partial frame at the end waits.
  const frames: Frame[] = [];
  const decoder = new FrameDecoder(
    {
      onHeader: () => {},
      onFrame: (h, p) =>
        frames.push({
          fin: h.fin,
          rsv1: h.rsv1,
          opcode: h.opcode,
          masked: h.masked,
          payload: Buffer.from(p),
        }),
    },
    { role: 'client', maxPayload: 2 ** 30, perMessageDeflate: true },
  );
  decoder.push(bytes);
  return frames;
}

/** Connects, performs the handshake on a raw socket and checks the 101. */
export async function openRaw(
  port: number,
  path = '/echo',
  extra: Record<string, string> = {},
): Promise<RawWs> {
  const client = await RawClient.connect({ port });
  client.write(upgradeRequest(path, extra));
  const text = await client.waitForText('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 101 '))
    throw new Error(`expected 101, got ${text.split('\r\n')[0]}`);
  const start = client.received().indexOf('\r\n\r\n') + 4;
  const after = (): Buffer => client.received().subarray(start);
  const ws: RawWs = {
    client,
    frames: () => completeFrames(after()),
    framesUntilEnd: async () => {
      await client.waitForEnd();
      return parseFrames(after());
    },
    waitForFrames: async (n) => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const frames = completeFrames(after());
        if (frames.length >= n) return frames;
        if (client.ended || Date.now() > deadline)
          throw new Error(
            `expected ${n} frames, got ${JSON.stringify(frames)} (ended: ${client.ended})`,
          );
        await client
          .waitForBytes(client.receivedLength + 1, Math.max(1, deadline - Date.now()))
          .catch(() => undefined);
      }
    },
  };
  return ws;
}

// Ways of cutting a stream, shared with every package's decoder tests.
export { randomChunks, seeded, splitAt } from 'common/harness';
