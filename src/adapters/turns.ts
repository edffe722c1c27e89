import type { HttpError } from '../codec/errors.ts';
import type { Wait } from './deadline.ts';

/**
 * Calls that take turns: a job runs once every job queued before it has
 * finished, so concurrent receives each get the next event and nothing is
 * consumed twice. A job waiting for its turn gives up with its call (deadline,
 * abort, `fail()`), consuming nothing; the jobs behind it keep their order.
 *
 * Any receive (a head's `recv*`, the read to the blank line in `detach()`, a
 * body read) is one job here.
 *
 * INVARIANT: at most one job runs at a time; jobs start in call order.
 */
export class Turns {
  #tail: Promise<void> = Promise.resolve();
  #queued = 0; // jobs waiting or running
  readonly #waits = new Set<Wait>();

  /** Whether no job is waiting or running. */
  get idle(): boolean {
    return this.#queued === 0;
  }

  /** Run `job` when its turn comes; `wait` bounds the wait for the turn and is the job's own. */
  async run<T>(wait: Wait, job: () => Promise<T>): Promise<T> {
    const before = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((r) => {
      release = r;
    });
    this.#waits.add(wait);
    try {
      if (this.#queued++ > 0) await wait.race(before);
      wait.check();
      return await job();
    } finally {
      this.#queued--;
      this.#waits.delete(wait);
      // The next job starts once this one and every one before it is over.
      void before.then(release);
    }
  }

  /** Fail every job waiting or running with `e` (each gives up at its next wait, consuming nothing more). */
  failAll(e: HttpError): void {
    for (const w of [...this.#waits]) w.fail(e);
  }
}
