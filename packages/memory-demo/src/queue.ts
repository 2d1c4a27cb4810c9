/**
 * Queues (§5.4.3 关注队列状态, "watch your queues"): a queue consumed slower than it is filled
 * grows without end — the book's example is access logs written to a database that cannot keep
 * up. The leak is a plain array of waiting jobs; the fix is the idea of the book's bagpipe (a
 * limit on concurrency, a timeout per job, and refusing jobs when the queue is full) on
 * p-queue 9, a well-kept promise queue, plus the size check p-queue leaves to its caller.
 */
import PQueue, { TimeoutError } from 'p-queue';
import { QueueFullError } from './errors.ts';

/** Counters of a {@link WorkQueue}. */
export interface QueueStats {
  /** Jobs waiting for a worker slot. */
  waiting: number;
  /** Jobs being worked on. */
  running: number;
  done: number;
  /** Jobs whose worker threw (timeouts included). */
  failed: number;
  /** Jobs that ran past the queue's timeout (bounded queue only). */
  timedOut: number;
  /** Jobs refused because the queue was full (bounded queue only). */
  refused: number;
}

/** Processes jobs with a worker, `concurrency` at a time; fire and forget for the producer. */
export interface WorkQueue<J> {
  /** `unbounded` or `bounded`. */
  readonly kind: string;
  /**
   * Queues `job` for the worker.
   *
   * @throws {QueueFullError} `ERR_QUEUE_FULL` from a bounded queue that is full.
   */
  push(job: J): void;
  stats(): QueueStats;
  /** Resolves when nothing waits and nothing runs. */
  onIdle(): Promise<void>;
}

/** The worker: what happens to each job. Its errors are counted, never thrown at the producer. */
export type Worker<J> = (job: J, signal: AbortSignal | undefined) => Promise<void>;

/**
 * The leak: waiting jobs in an array with no limit. When the worker is slower than the
 * producer, the array, and every job in it, only grows.
 */
export class UnboundedQueue<J> implements WorkQueue<J> {
  readonly kind = 'unbounded';
  readonly #worker: Worker<J>;
  readonly #concurrency: number;
  readonly #waiting: J[] = [];
  #running = 0;
  #done = 0;
  #failed = 0;
  #idle: (() => void)[] = [];

  constructor(worker: Worker<J>, opts: { concurrency: number }) {
    this.#worker = worker;
    this.#concurrency = opts.concurrency;
  }

  push(job: J): void {
    this.#waiting.push(job);
    this.#next();
  }

  stats(): QueueStats {
    return {
      waiting: this.#waiting.length,
      running: this.#running,
      done: this.#done,
      failed: this.#failed,
      timedOut: 0,
      refused: 0,
    };
  }

  onIdle(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #next(): void {
    while (this.#running < this.#concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      this.#running += 1;
      this.#worker(job, undefined).then(
        () => this.#finish(true),
        () => this.#finish(false),
      );
    }
  }

  #finish(ok: boolean): void {
    this.#running -= 1;
    if (ok) this.#done += 1;
    else this.#failed += 1;
    this.#next();
    if (this.#running === 0 && this.#waiting.length === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }
}

/** Bounds of a {@link BoundedQueue}. */
export interface QueueBounds {
  /** Jobs worked on at once (bagpipe's `limit`). */
  concurrency: number;
  /** Jobs allowed to wait; one more is refused with `ERR_QUEUE_FULL` (bagpipe's `refuse`). */
  maxWaiting: number;
  /** A running job that takes longer fails with p-queue's `TimeoutError`, in ms; its slot is freed. */
  timeoutMs: number;
}

/**
 * The fix: p-queue with a concurrency limit and a per-job timeout (counted from the job's
 * start; the `signal` handed to the worker aborts then, so the worker can stop too), and a
 * size check before every push: a full queue refuses the job instead of growing.
 */
export class BoundedQueue<J> implements WorkQueue<J> {
  readonly kind = 'bounded';
  readonly bounds: Readonly<QueueBounds>;
  readonly #queue: PQueue;
  readonly #worker: Worker<J>;
  #done = 0;
  #failed = 0;
  #timedOut = 0;
  #refused = 0;

  constructor(worker: Worker<J>, bounds: QueueBounds) {
    this.bounds = { ...bounds };
    this.#worker = worker;
    this.#queue = new PQueue({ concurrency: bounds.concurrency, timeout: bounds.timeoutMs });
  }

  push(job: J): void {
    if (this.#queue.size >= this.bounds.maxWaiting) {
      this.#refused += 1;
      throw new QueueFullError(this.bounds.maxWaiting);
    }
    // p-queue's timeout rejects the job and frees its slot; aborting tells the worker to stop.
    // (Not AbortSignal.timeout(): its timer cannot be cleared and would outlive every job.)
    const controller = new AbortController();
    this.#queue
      .add(() => this.#worker(job, controller.signal))
      .then(
        () => {
          this.#done += 1;
        },
        (err: unknown) => {
          this.#failed += 1;
          if (err instanceof TimeoutError) {
            this.#timedOut += 1;
            controller.abort(err);
          }
        },
      );
  }

  stats(): QueueStats {
    return {
      waiting: this.#queue.size,
      running: this.#queue.pending,
      done: this.#done,
      failed: this.#failed,
      timedOut: this.#timedOut,
      refused: this.#refused,
    };
  }

  onIdle(): Promise<void> {
    return this.#queue.onIdle();
  }
}
