import { DEFAULT_WAIT_MS, withTimeout } from './wait.ts';

/** What {@link LineCollector} waits for: a substring, a pattern or a predicate. */
export type LineMatch = RegExp | string | ((line: string) => boolean);

/** Collects a stream's text as lines and lets a test wait for one. */
export class LineCollector {
  readonly lines: string[] = [];
  #partial = '';
  #raw: string[] = [];
  #waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.#raw.push(chunk);
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const line of parts) this.#push(line);
    });
    stream.on('end', () => {
      if (this.#partial !== '') this.#push(this.#partial);
      this.#partial = '';
    });
  }

  #push(line: string): void {
    this.lines.push(line);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  /** Every character received so far, exactly (with the final newline, if any). */
  get raw(): string {
    return this.#raw.join('');
  }

  /** All text so far, lines joined with `\n`. */
  get text(): string {
    return this.lines.join('\n') + (this.#partial === '' ? '' : `\n${this.#partial}`);
  }

  /** Resolves with the first line (already seen or future) matching `match`. */
  waitFor(match: LineMatch, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return this.#waitFrom(0, match, timeoutMs);
  }

  /**
   * Resolves with the first line arriving after this call that matches `match`: the reply to
   * a request just written to the process.
   */
  waitForNext(match: LineMatch, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return this.#waitFrom(this.lines.length, match, timeoutMs);
  }

  #waitFrom(start: number, match: LineMatch, timeoutMs: number): Promise<string> {
    const fn =
      typeof match === 'function'
        ? match
        : typeof match === 'string'
          ? (l: string) => l.includes(match)
          : (l: string) => match.test(l);
    const seen = this.lines.slice(start).find(fn);
    if (seen !== undefined) return Promise.resolve(seen);
    const found = new Promise<string>((resolve) => this.#waiters.push({ match: fn, resolve }));
    return withTimeout(
      found,
      timeoutMs,
      () => `a line matching ${String(match)} (got:\n${this.text})`,
    );
  }
}
