/** Runs registered cleanups last-in first-out; errors are collected and thrown together. */
export class Teardown {
  #fns: (() => unknown)[] = [];

  /**
   * Registers `fn`, called with `value` at teardown; returns `value`, so that
   * `const client = teardown.add(await RawClient.connect(…), (c) => c.destroy())` reads well.
   */
  add<T>(value: T, fn: (value: T) => unknown): T {
    this.#fns.push(() => fn(value));
    return value;
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    while (this.#fns.length > 0) {
      const fn = this.#fns.pop()!;
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'teardown failed');
  }
}
