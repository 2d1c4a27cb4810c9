/** A `/chat` test client on `ws` (the interop library): collects the server's JSON frames, awaits one. */
import { waitForEvent, withTimeout, type Teardown } from 'common/harness';
import WsLib from 'ws';
import type { ChatServerFrame } from '../src/chat/messages.ts';

type Match = (frame: ChatServerFrame) => boolean;

export class ChatClient {
  readonly ws: WsLib;
  /** Every frame received, parsed, in order; `raw` the same as text. */
  readonly frames: ChatServerFrame[] = [];
  readonly raw: string[] = [];
  #waiters: { match: Match; resolve(frame: ChatServerFrame): void }[] = [];

  private constructor(ws: WsLib) {
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) throw new Error('/chat sent a binary frame');
      const text = data.toString('utf8');
      const frame = JSON.parse(text) as ChatServerFrame;
      this.raw.push(text);
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => !(w.match(frame) && (w.resolve(frame), true)));
    });
  }

  /** Opens `url` (a `/chat` URL), registered on `teardown`, and waits for `joined`. */
  static async join(url: string, teardown: Teardown): Promise<ChatClient> {
    const ws = new WsLib(url, ['chat'], { perMessageDeflate: false });
    teardown.add(ws, () => ws.terminate());
    const client = new ChatClient(ws); // listening before `open`: `joined` may come with the 101
    await waitForEvent(ws, 'open');
    await client.waitFor((f) => f.type === 'joined');
    return client;
  }

  /** The first frame (received already, or later) matching `match`. */
  waitFor(match: Match, timeoutMs = 10_000): Promise<ChatServerFrame> {
    const seen = this.frames.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    const found = new Promise<ChatServerFrame>((resolve) => this.#waiters.push({ match, resolve }));
    return withTimeout(found, timeoutMs, () => `a chat frame (got ${JSON.stringify(this.frames)})`);
  }

  /** The chat message with this text. */
  message(text: string, timeoutMs?: number): Promise<ChatServerFrame & { type: 'chat' }> {
    return this.waitFor((f) => f.type === 'chat' && f.text === text, timeoutMs) as Promise<
      ChatServerFrame & { type: 'chat' }
    >;
  }

  /** The next error frame. */
  error(timeoutMs?: number): Promise<ChatServerFrame & { type: 'error' }> {
    return this.waitFor((f) => f.type === 'error', timeoutMs) as Promise<
      ChatServerFrame & { type: 'error' }
    >;
  }

  send(text: string): void {
    this.ws.send(text);
  }
}
