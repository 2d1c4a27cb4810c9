/**
 * Demo `garbled` (§6.3 Buffer的拼接, 6.3.1 乱码是如何产生的): the book's test.md (《静夜思》) read with
 * `fs.createReadStream(path, { highWaterMark: 11 })` and `data += chunk`: every chunk is decoded
 * on its own, so a character cut by a chunk boundary becomes U+FFFD replacement characters. Then
 * the fixes, each on the same real stream: `setEncoding('utf8')`, `StringDecoder` (shown holding
 * back the first bytes of 月), `TextDecoder` with `{ stream: true }`, and collecting the Buffers
 * for one `Buffer.concat`. The same for GBK input (2 bytes per character) with iconv-lite, where
 * a cut character does not only become U+FFFD: the decoder can pair the wrong bytes.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';
import { GARBLED_HIGH_WATER_MARK, POEM, REPLACEMENT_CHARACTER } from '../constants.ts';
import { formatTable } from 'common';
import { withTempDir } from '../temp.ts';
import { textDecoderDecode } from './encodings.ts';

/** One `data` chunk as the stream delivered it. */
export interface Chunk {
  index: number;
  bytes: number;
  hex: string;
  /** The chunk decoded on its own (what `data += chunk` appends). */
  decoded: string;
}

/** One way of turning the chunks into text, and whether it got the poem back. */
export interface Decoding {
  method: string;
  text: string;
  correct: boolean;
  replacementCharacters: number;
}

/** One `decoder.write(chunk)` of the StringDecoder fix. */
export interface DecoderStep {
  chunk: number;
  output: string;
  /** The bytes fed so far that the decoder has not output yet (hex): a character's first bytes. */
  heldBack: string;
}

/** What {@link garbledDemo} returns. */
export interface GarbledResult {
  highWaterMark: number;
  text: string;
  utf8: { bytes: number; chunks: Chunk[]; decodings: Decoding[]; stringDecoder: DecoderStep[] };
  gbk: { bytes: number; chunks: Chunk[]; decodings: Decoding[] };
}

/** Options of {@link garbledDemo}. */
export interface GarbledOptions {
  /** The text written to the file. Default the book's 《静夜思》. */
  text?: string;
  /** Default 11, the book's. */
  highWaterMark?: number;
  signal?: AbortSignal;
  /** Where the temporary directory is made. Default the OS temp dir. */
  tempRoot?: string;
}

/**
 * Writes the text as UTF-8 and as GBK into a temporary directory, reads each file with
 * `fs.createReadStream` once per method, and removes the directory (also on error or abort).
 */
export async function garbledDemo(options: GarbledOptions = {}): Promise<GarbledResult> {
  const text = options.text ?? POEM;
  const highWaterMark = options.highWaterMark ?? GARBLED_HIGH_WATER_MARK;
  return withTempDir(async (dir) => {
    const utf8Path = join(dir, 'test.md');
    const gbkPath = join(dir, 'test-gbk.md');
    await writeFile(utf8Path, text, 'utf8');
    await writeFile(gbkPath, iconv.encode(text, 'gbk'));
    const open = (path: string) =>
      createReadStream(path, {
        highWaterMark,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    const check = (method: string, decoded: string): Decoding => ({
      method,
      text: decoded,
      correct: decoded === text,
      replacementCharacters: [...decoded].filter((c) => c === REPLACEMENT_CHARACTER).length,
    });

    const utf8Chunks = await readChunks(open(utf8Path));
    const steps: DecoderStep[] = [];
    const utf8Decodings = [
      check('data += chunk (the book)', await concatenateNaively(open(utf8Path))),
      check("rs.setEncoding('utf8')", await withSetEncoding(open(utf8Path))),
      check('StringDecoder', await withStringDecoder(open(utf8Path), steps)),
      check('TextDecoder { stream: true }', await withTextDecoder(open(utf8Path))),
      check('Buffer.concat(chunks, total)', (await collect(open(utf8Path))).toString('utf8')),
    ];

    const gbkChunks = await readChunks(open(gbkPath), (b) => iconv.decode(b, 'gbk'));
    const gbkDecodings = [
      check("iconv.decode(chunk, 'gbk') per chunk", gbkChunks.map((c) => c.decoded).join('')),
      check(
        "Buffer.concat + iconv.decode(all, 'gbk')",
        iconv.decode(await collect(open(gbkPath)), 'gbk'),
      ),
      check("iconv.getDecoder('gbk') write/end", await withIconvDecoder(open(gbkPath))),
    ];
    const viaTextDecoder = textDecoderStream(await readBuffers(open(gbkPath)), 'gbk');
    if (viaTextDecoder !== null) {
      gbkDecodings.push(check("TextDecoder('gbk') { stream: true }", viaTextDecoder));
    }
    return {
      highWaterMark,
      text,
      utf8: {
        bytes: Buffer.byteLength(text, 'utf8'),
        chunks: utf8Chunks,
        decodings: utf8Decodings,
        stringDecoder: steps,
      },
      gbk: { bytes: iconv.encode(text, 'gbk').length, chunks: gbkChunks, decodings: gbkDecodings },
    };
  }, options.tempRoot);
}

type ByteStream = AsyncIterable<Buffer>;

async function readBuffers(stream: ByteStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function readChunks(
  stream: ByteStream,
  decode: (b: Buffer) => string = (b) => b.toString('utf8'),
): Promise<Chunk[]> {
  return (await readBuffers(stream)).map((b, index) => ({
    index,
    bytes: b.length,
    hex: spacedHex(b),
    decoded: decode(b),
  }));
}

/** The book's code: `data += chunk` turns each Buffer into a string on its own. */
async function concatenateNaively(stream: ByteStream): Promise<string> {
  let data = '';
  for await (const chunk of stream) data += chunk;
  return data;
}

async function withSetEncoding(stream: ReturnType<typeof createReadStream>): Promise<string> {
  stream.setEncoding('utf8');
  let data = '';
  for await (const piece of stream as AsyncIterable<string>) data += piece;
  return data;
}

async function withStringDecoder(stream: ByteStream, steps: DecoderStep[]): Promise<string> {
  const decoder = new StringDecoder('utf8');
  const fed: Buffer[] = [];
  let data = '';
  for await (const chunk of stream) {
    fed.push(chunk);
    const output = decoder.write(chunk);
    data += output;
    const all = Buffer.concat(fed);
    steps.push({
      chunk: steps.length,
      output,
      heldBack: spacedHex(all.subarray(Buffer.byteLength(data, 'utf8'))),
    });
  }
  return data + decoder.end();
}

async function withTextDecoder(stream: ByteStream): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let data = '';
  for await (const chunk of stream) data += decoder.decode(chunk, { stream: true });
  return data + decoder.decode();
}

/** Collects the chunks and their total, then one `Buffer.concat(chunks, total)`. */
async function collect(stream: ByteStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    total += chunk.length;
  }
  return Buffer.concat(chunks, total);
}

async function withIconvDecoder(stream: ByteStream): Promise<string> {
  const decoder = iconv.getDecoder('gbk');
  let data = '';
  for await (const chunk of stream) data += decoder.write(chunk);
  return data + (decoder.end() ?? '');
}

/** `TextDecoder(label)` fed chunk by chunk, or `null` when this Node lacks the encoding. */
function textDecoderStream(chunks: readonly Buffer[], label: string): string | null {
  if (textDecoderDecode(label, new Uint8Array(0)) === null) return null;
  const decoder = new TextDecoder(label);
  return chunks.map((c) => decoder.decode(c, { stream: true })).join('') + decoder.decode();
}

function spacedHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The demo's text output: the chunks with their boundaries (`|`), then each method's result. */
export function formatGarbled(r: GarbledResult): string {
  const table = (decodings: readonly Decoding[]): string =>
    formatTable(
      ['method', 'result', 'U+FFFD', 'text'],
      decodings.map((d) => [
        d.method,
        d.correct ? 'correct' : 'WRONG',
        d.replacementCharacters,
        d.text,
      ]),
    );
  return [
    `§6.3 《静夜思》 read with fs.createReadStream(path, { highWaterMark: ${r.highWaterMark} })`,
    '',
    `UTF-8: ${r.utf8.bytes} bytes, ${r.utf8.chunks.length} chunks; each chunk decoded on its own (| = chunk boundary):`,
    `  ${r.utf8.chunks.map((c) => c.decoded).join('|')}`,
    '',
    table(r.utf8.decodings),
    '',
    'StringDecoder holds back the bytes of a character cut by the boundary:',
    formatTable(
      ['chunk', 'bytes in', 'write() returns', 'held back'],
      r.utf8.stringDecoder.map((s) => [
        s.chunk,
        r.utf8.chunks[s.chunk]!.hex,
        s.output,
        s.heldBack || '—',
      ]),
    ),
    '',
    `GBK (2 bytes per character): ${r.gbk.bytes} bytes, ${r.gbk.chunks.length} chunks, decoded on their own:`,
    `  ${r.gbk.chunks.map((c) => c.decoded).join('|')}`,
    '',
    table(r.gbk.decodings),
  ].join('\n');
}
