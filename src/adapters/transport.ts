import { type ErrorCode, HttpError } from '../codec/errors.ts';

/**
 * The minimal byte transport an {@link HttpSocket} runs on. Each adapter
 * (Node `net`, web streams, in-memory pipes) maps its I/O to this and does
 * nothing else: it never parses bytes.
 *
 * INVARIANT: no byte is lost. A wait that is abandoned (deadline, abort)
 * leaves every byte where the next `take()` finds it, and `release()` hands
 * the transport back with `unread` in front of anything not yet taken.
 *
 * @example
 * ```ts
 * import { HttpSocket, type Transport } from 'headwire';
 * // Replays recorded chunks and keeps what is written: an HttpSocket on it serves a captured request.
 * class Replay implements Transport<Uint8Array[]> {
 *   readonly written: Uint8Array[] = [];
 *   readonly #chunks: Uint8Array[];
 *   constructor(chunks: Uint8Array[]) {
 *     this.#chunks = chunks;
 *   }
 *   take() {
 *     return this.#chunks.shift() ?? null;
 *   }
 *   readable() {
 *     return Promise.resolve();
 *   }
 *   write(bytes: Uint8Array) {
 *     this.written.push(bytes.slice());
 *     return null;
 *   }
 *   closeWrite() {
 *     return null;
 *   }
 *   close() {}
 *   release(unread: Uint8Array) {
 *     return [unread, ...this.#chunks];
 *   }
 * }
 * const s = new HttpSocket(new Replay([new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n')]));
 * const { method, target } = await s.recvRequest();
 * ```
 */
export interface Transport<Detached> {
  /** A chunk that is already here, `null` at EOF, `undefined` when nothing is. Never waits. Throws `HttpError` (`ECONNRESET`) after a transport error. */
  take(): Uint8Array | null | undefined;
  /**
   * Resolves when `take()` may have something new: bytes, EOF or an error.
   * Never rejects. Calls before that moment share one promise, so waits that
   * are abandoned (deadlines) do not pile up.
   */
  readable(): Promise<void>;
  /**
   * Write bytes. `null` when the transport took them without waiting (what a
   * libdill deadline of 0 allows); otherwise a promise that settles once it
   * has (backpressure). Throws or rejects with `HttpError`; a failure after the
   * bytes were taken surfaces at the next call.
   */
  write(bytes: Uint8Array): Promise<void> | null;
  /** Half-close after the writes already made: no more bytes from this side; reading goes on. `null` when done without waiting. */
  closeWrite(): Promise<void> | null;
  /** Close both directions now. Pending write promises reject; a pending `readable()` resolves. */
  close(): void;
  /** Stop using the transport and give it back, with `unread` to be read first. */
  release(unread: Uint8Array): Detached;
}

/** Runtime errors whose errno a caller tests, by Node `code` or Deno error `name`. */
const KEPT_CODES: Record<string, ErrorCode> = {
  ECONNREFUSED: 'ECONNREFUSED',
  EHOSTUNREACH: 'EHOSTUNREACH',
  ENETUNREACH: 'ENETUNREACH',
  ConnectionRefused: 'ECONNREFUSED',
  HostUnreachable: 'EHOSTUNREACH',
  NetworkUnreachable: 'ENETUNREACH',
};

/**
 * A transport failure as an `HttpError`: `ECONNREFUSED`, `EHOSTUNREACH` or
 * `ENETUNREACH` when the runtime's error names one, else `ECONNRESET`; the
 * runtime's error is the `cause`. Internal to the adapters; for example:
 * ```ts
 * socket.on('error', (e) => (this.#error = transportError(e, 'Socket error')));
 * ```
 */
export function transportError(e: unknown, what: string): HttpError {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; name?: unknown; message?: unknown };
  const code =
    (typeof o.code === 'string' ? KEPT_CODES[o.code] : undefined) ?? (typeof o.name === 'string' ? KEPT_CODES[o.name] : undefined);
  const message = typeof o.message === 'string' ? o.message : String(e);
  return new HttpError(code ?? 'ECONNRESET', `${what}: ${message}`, { rule: 'transport', cause: e });
}
