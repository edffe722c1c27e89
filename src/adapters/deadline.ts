import { HttpError } from '../codec/errors.ts';

/**
 * When a call gives up waiting. libdill's deadline: an absolute time in ms on
 * the {@link now} clock; `-1` (or `Infinity`) for none; `0` for "only what can
 * be done without waiting". Or an object with one of `deadline` (absolute) or
 * `timeout` (ms from the call), and optionally an `AbortSignal`.
 *
 * - `signal` aborted by `AbortSignal.timeout()`: `ETIMEDOUT`; any other abort:
 *   `ECANCELED`. The signal's `reason` is the error's `cause`.
 * - Anything else (NaN, a negative number other than `-1`, a string, both
 *   `deadline` and `timeout`, a `signal` that is not an `AbortSignal`): `EINVAL`.
 *
 * @example
 * ```ts
 * await s.recvRequest(now() + 5000);                        // absolute: 5 s from now
 * await s.recvRequest({ timeout: 5000 });                   // the same, relative
 * await s.recvField({ signal: AbortSignal.timeout(100) });  // ETIMEDOUT after 100 ms
 * const ac = new AbortController();
 * await s.recvField({ deadline: -1, signal: ac.signal });   // ECANCELED on ac.abort()
 * ```
 */
export type Deadline =
  | number
  | {
      /** Absolute ms on {@link now}; `-1` for none. */
      deadline?: number;
      /** Relative ms from the call (not with `deadline`). */
      timeout?: number;
      /** Aborting it fails the call: `ECANCELED`, or `ETIMEDOUT` for `AbortSignal.timeout()`. */
      signal?: AbortSignal;
    };

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

// setTimeout clamps delays above 2^31-1 ms to 1 ms; longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

const invalid = (what: string): HttpError =>
  new HttpError('EINVAL', `Invalid deadline: ${what} (ms on now(), -1 for none, { timeout }, { signal: AbortSignal })`, {
    rule: 'deadline',
  });

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object' && v !== null) return Object.prototype.toString.call(v);
  return String(v);
}

/** `-1` and `Infinity` mean none; a finite number >= 0 is itself; anything else is `EINVAL`. */
function instant(v: unknown, name: string): number {
  if (v === -1 || v === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  throw invalid(`${name} ${describe(v)}`);
}

/** The absolute time (Infinity for none) and the signal of a {@link Deadline}; `EINVAL` when it is neither. */
const NO_DEADLINE = { at: Number.POSITIVE_INFINITY, signal: undefined } as const;

function parse(d: unknown): { at: number; signal: AbortSignal | undefined } {
  if (d === undefined) return NO_DEADLINE;
  if (typeof d === 'number') return { at: instant(d, 'deadline'), signal: undefined };
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw invalid(describe(d));
  const o = d as { deadline?: unknown; timeout?: unknown; signal?: unknown };
  if (o.deadline !== undefined && o.timeout !== undefined) throw invalid('both deadline and timeout');
  const signal = o.signal;
  if (signal !== undefined && !(typeof AbortSignal === 'function' && signal instanceof AbortSignal)) {
    throw invalid(`signal ${describe(signal)} is not an AbortSignal`);
  }
  let at = Number.POSITIVE_INFINITY;
  if (o.deadline !== undefined) at = instant(o.deadline, 'deadline');
  else if (o.timeout !== undefined) at = now() + instant(o.timeout, 'timeout');
  return { at, signal };
}

/** The error an aborted signal gives: `ETIMEDOUT` from `AbortSignal.timeout()`, else `ECANCELED`; the reason is the cause. */
function abortError(signal: AbortSignal): HttpError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new HttpError('ETIMEDOUT', 'Deadline reached (AbortSignal.timeout)', { rule: 'deadline', cause: reason });
  }
  return new HttpError('ECANCELED', 'Operation canceled by its AbortSignal', { rule: 'deadline', cause: reason });
}

const timedOut = (): HttpError => new HttpError('ETIMEDOUT', 'Deadline reached', { rule: 'deadline' });
const noop = (): void => {};

/**
 * One call's deadline, live: every wait of the call goes through {@link race},
 * which gives up at the deadline, on abort, or when the owner fails the call
 * ({@link fail}, e.g. `close()` with `EBADF`). Validated when made (`EINVAL`).
 *
 * INVARIANT: after {@link dispose} no timer and no abort listener is left;
 * a promise handed to {@link race} always has a handler, however the race ends.
 */
export class Wait {
  readonly #at: number; // absolute ms on now(); Infinity: none
  readonly #signal: AbortSignal | undefined;
  readonly #owner: Set<Wait> | undefined;
  #failure: HttpError | null = null;
  #reject: ((e: HttpError) => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #listening = false;
  // Made when first needed: most calls never wait, and a socket makes a Wait per call.
  #onAbortFn: (() => void) | null = null;
  #onTimerFn: (() => void) | null = null;
  get #onAbort(): () => void {
    return (this.#onAbortFn ??= () => this.fail(abortError(this.#signal!)));
  }
  get #onTimer(): () => void {
    return (this.#onTimerFn ??= () => {
      this.#timer = undefined;
      if (now() >= this.#at) this.fail(timedOut());
      else this.#arm(); // woken early, or one link of a chain past 2^31-1 ms
    });
  }

  /** `owner`: the set of live waits a socket fails at `close()`; this one joins it until disposed. */
  constructor(d: Deadline | undefined, owner?: Set<Wait>) {
    const { at, signal } = parse(d);
    this.#at = at;
    this.#signal = signal;
    if (signal?.aborted) this.#failure = abortError(signal);
    this.#owner = owner;
    owner?.add(this);
  }

  /** Throws if the call was aborted or failed. Work that needs no waiting may go on past the deadline. */
  check(): void {
    if (this.#failure) throw this.#failure;
  }

  /**
   * `p`, or the call's failure: `ETIMEDOUT` at the deadline (at once when it
   * has passed or is `0`), the abort error, or what {@link fail} was given.
   * Whatever `p` stands for is not lost: the caller may ask again later.
   */
  race<T>(p: Promise<T>): Promise<T> {
    if (!this.#failure && this.#at <= now()) this.#failure = timedOut();
    if (this.#failure) {
      p.then(noop, noop);
      return Promise.reject(this.#failure);
    }
    this.#arm();
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      p.then(
        (v) => {
          if (this.#reject !== reject) return;
          this.#reject = null;
          resolve(v);
        },
        (e: unknown) => {
          if (this.#reject !== reject) return;
          this.#reject = null;
          reject(e);
        },
      );
    });
  }

  /** Fail the call with `e`: the wait in progress rejects now, later ones at once. The first failure wins. */
  fail(e: HttpError): void {
    if (this.#failure) return;
    this.#failure = e;
    const r = this.#reject;
    this.#reject = null;
    this.#clear();
    r?.(e);
  }

  /** The call is over: stop the timer, drop the abort listener, leave the owner's set. */
  dispose(): void {
    this.#clear();
    this.#owner?.delete(this);
  }

  #arm(): void {
    if (this.#signal && !this.#listening) {
      this.#listening = true;
      this.#signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    if (this.#timer === undefined && this.#at !== Number.POSITIVE_INFINITY) {
      const left = Math.max(1, Math.ceil(this.#at - now()));
      this.#timer = setTimeout(this.#onTimer, Math.min(left, MAX_TIMER_MS));
    }
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#listening) this.#signal!.removeEventListener('abort', this.#onAbort);
    this.#listening = false;
  }
}
