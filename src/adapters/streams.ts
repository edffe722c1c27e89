import { HttpError } from '../codec/errors.ts';
import { HttpSocket, type SocketOptions } from './socket.ts';
import { type Transport, transportError } from './transport.ts';

/**
 * A byte stream pair: `Deno.Conn`, a Bun socket, `Duplex.toWeb(socket)`, a browser's streams.
 *
 * @example
 * ```ts
 * const conn = await Deno.connect({ hostname: '127.0.0.1', port });
 * const pair: StreamPair = { readable: conn.readable, writable: conn.writable, closeWrite: () => conn.closeWrite() };
 * const s = attachStream(pair);
 * ```
 */
export interface StreamPair {
  /** The bytes from the peer. */
  readable: ReadableStream<Uint8Array>;
  /** The bytes to the peer. */
  writable: WritableStream<Uint8Array>;
  /**
   * How to half-close, when the writable cannot do it by itself: on Deno,
   * `() => conn.closeWrite()` (`writer.close()` would close the whole
   * connection). Without it, half-close is `writer.close()`.
   */
  closeWrite?: () => Promise<void> | void;
}

/**
 * What `detach()` returns: the streams, the readable yielding the bytes past the head first.
 *
 * @example
 * ```ts
 * const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
 * const s = attachStream({ readable, writable });
 * const rest: DetachedStreams = await s.detach();
 * const reader = rest.readable.getReader(); // the next protocol reads from here
 * ```
 */
export interface DetachedStreams {
  /** The bytes from the peer, starting with those received past the head. */
  readable: ReadableStream<Uint8Array>;
  /** The original writable, unlocked. */
  writable: WritableStream<Uint8Array>;
}

class StreamTransport implements Transport<DetachedStreams> {
  readonly #pair: StreamPair;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  // One read is in flight at most; its result waits in #ready until taken, so
  // an abandoned wait loses nothing.
  #pending: Promise<void> | null = null;
  #ready: Uint8Array | null | undefined = undefined;
  #error: HttpError | null = null;
  #writeError: HttpError | null = null;
  #writesInFlight = 0;
  #lastWrite: Promise<void> = Promise.resolve(); // settles (never rejects) when every write so far has

  constructor(pair: StreamPair) {
    this.#pair = pair;
    this.#reader = pair.readable.getReader();
    this.#writer = pair.writable.getWriter();
  }

  take(): Uint8Array | null | undefined {
    if (this.#ready !== undefined) {
      const r = this.#ready;
      if (r !== null) this.#ready = undefined;
      return r;
    }
    if (this.#error) throw this.#error;
    return undefined;
  }

  readable(): Promise<void> {
    this.#pending ??= this.#reader.read().then(
      (r) => {
        this.#pending = null;
        if (r.done) this.#ready = null;
        else if (r.value instanceof Uint8Array) this.#ready = r.value;
        else this.#error = new HttpError('EPROTO', 'The readable stream yielded something other than bytes', { rule: 'transport' });
      },
      (e: unknown) => {
        this.#pending = null;
        this.#error = transportError(e, 'Read failed');
      },
    );
    return this.#pending;
  }

  write(bytes: Uint8Array): Promise<void> | null {
    if (this.#writeError) throw this.#writeError;
    const w = this.#writer;
    // Room in the stream's queue: the chunk is taken now; a failure of the
    // underlying sink fails the next call. No room: wait for it.
    const room = (w.desiredSize ?? 0) > 0;
    this.#writesInFlight++;
    const written = w.write(bytes).then(
      () => {
        this.#writesInFlight--;
      },
      (e: unknown) => {
        this.#writesInFlight--;
        this.#writeError ??= transportError(e, 'Write failed');
        throw this.#writeError;
      },
    );
    // Handled here whoever waits on it; the failure is also kept for the next call.
    this.#lastWrite = written.catch(() => {});
    return room ? null : written;
  }

  closeWrite(): Promise<void> | null {
    if (this.#writeError) throw this.#writeError;
    // Like a write, a half-close nobody waits for fails the next call.
    const failed = (e: unknown): HttpError => (this.#writeError ??= transportError(e, 'Half-close failed'));
    const custom = this.#pair.closeWrite;
    if (!custom) {
      // Queued behind the writes by the stream itself.
      this.#writer.close().catch(failed);
      return null;
    }
    const now = (): Promise<void> | null => {
      this.#writer.releaseLock();
      const r = custom();
      return r instanceof Promise ? r : null;
    };
    if (this.#writesInFlight === 0) {
      try {
        now()?.catch(failed);
      } catch (e) {
        throw failed(e);
      }
      return null;
    }
    // A custom half-close bypasses the stream's queue: wait for the writes first.
    return this.#lastWrite.then(async () => {
      if (this.#writeError) throw this.#writeError;
      try {
        await now();
      } catch (e) {
        throw failed(e);
      }
    });
  }

  close(): void {
    this.#reader.cancel().catch(() => {});
    this.#writer.abort().catch(() => {});
  }

  release(unread: Uint8Array): DetachedStreams {
    try {
      this.#writer.releaseLock();
    } catch {
      // already released by closeWrite()
    }
    const reader = this.#reader;
    let pending = this.#pending;
    let ready = this.#ready;
    let first = unread.length > 0 ? unread : null;
    const take = (): Uint8Array | null | undefined => {
      if (first) {
        const f = first;
        first = null;
        return f;
      }
      if (ready !== undefined) {
        const r = ready;
        ready = undefined;
        return r;
      }
      return undefined;
    };
    const readable = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let c = take();
        if (c === undefined && pending) {
          await pending; // the read in flight fills `ready` through the transport
          pending = null;
          c = take();
        }
        if (c === undefined) {
          const r = await reader.read();
          c = r.done ? null : r.value;
        }
        if (c === null) controller.close();
        else controller.enqueue(c);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    // The read in flight belongs to the transport: route its result to the new stream.
    if (pending) {
      pending = pending.then(() => {
        ready = this.#ready;
        this.#ready = undefined;
      });
    }
    return { readable, writable: this.#pair.writable };
  }
}

/**
 * An {@link HttpSocket} on WHATWG streams: `Deno.Conn`, Bun, browsers, or
 * Node's `Duplex.toWeb(socket)`. `detach()` gives back `{ readable, writable }`
 * whose readable yields the bytes past the head first.
 *
 * @example
 * ```ts
 * const conn = await Deno.connect({ hostname: '127.0.0.1', port });
 * const s = attachStream({ readable: conn.readable, writable: conn.writable, closeWrite: () => conn.closeWrite() });
 * ```
 */
export function attachStream(pair: StreamPair, options: SocketOptions = {}): HttpSocket<DetachedStreams> {
  if (!pair || !(pair.readable instanceof ReadableStream) || !(pair.writable instanceof WritableStream)) {
    throw new HttpError('ENOTSUP', 'attachStream() takes { readable: ReadableStream, writable: WritableStream }', {
      rule: 'handle',
    });
  }
  return new HttpSocket(new StreamTransport(pair), options);
}
