import { HttpError } from '../codec/errors.ts';

/**
 * libdill's deadline: an absolute time in ms on the {@link now} clock, `-1`
 * for none, `0` for "only what can be done without waiting". Or an object
 * adding an `AbortSignal`, which fails the call with `ECANCELED`.
 *
 * @example
 * ```ts
 * await s.recvRequest(now() + 5000);                                  // 5 s
 * await s.recvField({ deadline: -1, signal: AbortSignal.timeout(100) }); // ECANCELED after 100 ms
 * ```
 */
export type Deadline = number | { deadline?: number; signal?: AbortSignal };

/**
 * Monotonic milliseconds, the clock deadlines are measured on (libdill's `now()`).
 *
 * @example
 * ```ts
 * const deadline = now() + 1000;
 * ```
 */
export function now(): number {
  return performance.now();
}

function parts(d: Deadline | undefined): { at: number; signal: AbortSignal | undefined } {
  if (d === undefined) return { at: -1, signal: undefined };
  if (typeof d === 'number') return { at: checked(d), signal: undefined };
  if (typeof d !== 'object' || d === null) throw new HttpError('EINVAL', `Invalid deadline: ${String(d)}`, { rule: 'deadline' });
  return { at: checked(d.deadline ?? -1), signal: d.signal };
}

function checked(at: number): number {
  if (typeof at !== 'number' || Number.isNaN(at) || (at < 0 && at !== -1)) {
    throw new HttpError('EINVAL', `Invalid deadline: ${String(at)} (ms on now(), -1 or 0)`, { rule: 'deadline' });
  }
  return at;
}

/** Throws `ECANCELED` if the deadline's signal is already aborted. */
export function checkCanceled(d: Deadline | undefined): void {
  const { signal } = parts(d);
  if (signal?.aborted) throw canceled();
}

function canceled(): HttpError {
  return new HttpError('ECANCELED', 'Operation canceled by its AbortSignal', { rule: 'deadline' });
}

function timedOut(): HttpError {
  return new HttpError('ETIMEDOUT', 'Deadline reached', { rule: 'deadline' });
}

/**
 * Wait for `p`, or fail with `ETIMEDOUT` at the deadline or `ECANCELED` on
 * abort. Whatever `p` stands for is not lost: the caller asks again later.
 * Call it only when the operation cannot complete without waiting.
 */
export function waitUntil<T>(p: Promise<T>, d: Deadline | undefined): Promise<T> {
  const { at, signal } = parts(d);
  if (signal?.aborted) return Promise.reject(canceled());
  if (at === 0) return Promise.reject(timedOut());
  const left = at < 0 ? -1 : at - now();
  if (at > 0 && left <= 0) return Promise.reject(timedOut());
  if (left < 0 && !signal) return p;
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => settle(() => reject(canceled()));
    const settle = (f: () => void): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    if (left >= 0) timer = setTimeout(() => settle(() => reject(timedOut())), Math.ceil(left));
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => settle(() => resolve(v)),
      (e: unknown) => settle(() => reject(e)),
    );
  });
}
