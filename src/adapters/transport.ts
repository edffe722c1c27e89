/**
 * The minimal byte transport an {@link HttpSocket} runs on. Each adapter
 * (Node `net`, web streams, in-memory pipes) maps its I/O to this and does
 * nothing else: it never parses bytes.
 *
 * INVARIANT: no byte is lost. A wait that is abandoned (deadline, abort)
 * leaves every byte where the next `take()` finds it, and `release()` hands
 * the transport back with `unread` in front of anything not yet taken.
 */
export interface Transport<Detached> {
  /** A chunk that is already here, `null` at EOF, `undefined` when nothing is. Never waits. Throws `HttpError` (`ECONNRESET`) after a transport error. */
  take(): Uint8Array | null | undefined;
  /** Resolves when `take()` may have something new: bytes, EOF or an error. */
  readable(): Promise<void>;
  /**
   * Write bytes. `null` when the transport took them without waiting (what a
   * libdill deadline of 0 allows); otherwise a promise that settles once it
   * has (backpressure). Throws or rejects with `HttpError`; a failure after the
   * bytes were taken surfaces at the next call.
   */
  write(bytes: Uint8Array): Promise<void> | null;
  /** Half-close: no more bytes from this side; reading goes on. `null` when done without waiting. */
  closeWrite(): Promise<void> | null;
  /** Close both directions now. */
  close(): void;
  /** Stop using the transport and give it back, with `unread` to be read first. */
  release(unread: Uint8Array): Detached;
}
