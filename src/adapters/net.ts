import type { Socket } from 'node:net';
import { nextTick } from 'node:process';
import { HttpError } from '../codec/errors.ts';
import { HttpSocket, type SocketOptions } from './socket.ts';
import { type Transport, transportError } from './transport.ts';

/**
 * Node `net.Socket` as a Transport, read in paused mode (`'readable'` +
 * `read()`): bytes stay in the socket until the decoder asks for them, so a
 * timed-out wait loses nothing, and `release()` can `unshift()` the bytes past
 * the head for the next reader.
 *
 * Node refuses `unshift()` once `'end'` has been emitted, and it emits `'end'`
 * as soon as EOF meets an empty buffer. So `take()` leaves the last buffered
 * byte in the socket while more than one is there: whenever bytes past the
 * head exist, the socket still holds one, `'end'` has not been emitted, and
 * the unshift is allowed.
 */
class NetTransport implements Transport<Socket> {
  readonly #socket: Socket;
  // One promise for every wait until the next event (see Transport.readable).
  #readable: Promise<void> | null = null;
  #wakeReadable: (() => void) | null = null;
  #error: HttpError | null = null;
  #eof = false;
  readonly #wake = (): void => {
    const w = this.#wakeReadable;
    this.#readable = this.#wakeReadable = null;
    w?.();
  };
  readonly #onEnd = (): void => {
    this.#eof = true;
    this.#wake();
  };
  readonly #onError = (e: Error): void => {
    this.#error = transportError(e, 'Socket error');
    this.#wake();
  };
  // Writes made in one turn of the event loop go out together (one writev):
  // a head written by done() and the body right after it share a segment.
  #corked = false;
  readonly #uncork = (): void => {
    if (!this.#corked) return; // flushed early by close() or release()
    this.#corked = false;
    this.#socket.uncork();
  };
  readonly #onClose = (): void => {
    if (!this.#eof) this.#error ??= new HttpError('ECONNRESET', 'Socket closed', { rule: 'transport' });
    this.#wake();
  };

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('readable', this.#wake);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  take(): Uint8Array | null | undefined {
    const s = this.#socket;
    const n = s.readableLength;
    if (n > 0) {
      const chunk = (s.read(n > 1 ? n - 1 : 1) as Uint8Array | null) ?? undefined;
      if (chunk !== undefined) return chunk;
    }
    if (this.#error) throw this.#error;
    if (this.#eof || s.readableEnded) return null;
    // Nothing buffered: read(0) lets a FIN that arrived on an empty buffer
    // emit 'end' (which wakes the wait); a 'readable' alone does not say EOF.
    // Safe for unshift(): the decoder asks for bytes only mid-head, when
    // there is nothing past the head to put back.
    if (n === 0) s.read(0);
    return undefined;
  }

  readable(): Promise<void> {
    this.#readable ??= new Promise((resolve) => {
      this.#wakeReadable = resolve;
    });
    return this.#readable;
  }

  write(bytes: Uint8Array): Promise<void> | null {
    const s = this.#socket;
    if (this.#error) throw this.#error;
    if (s.destroyed || s.writableEnded) throw new HttpError('ECONNRESET', 'Socket is closed for writing', { rule: 'transport' });
    if (!this.#corked) {
      this.#corked = true;
      s.cork();
      nextTick(this.#uncork);
    }
    // Taken into Node's buffer below its high-water mark: nothing to wait for.
    // A later failure arrives as 'error' and fails the next call.
    if (s.write(bytes)) return null;
    // Over it: wait for 'drain', or 'finish' once a half-close (end()) came
    // after this write (Node emits no 'drain' after end()). The listeners go
    // at the first of those or 'close' (close() destroys the socket, so one comes).
    return new Promise((resolve, reject) => {
      const done = (): void => {
        s.off('drain', done);
        s.off('finish', done);
        s.off('close', done);
        if (this.#error) reject(this.#error);
        else if (s.destroyed) reject(new HttpError('ECONNRESET', 'Socket closed while writing', { rule: 'transport' }));
        else resolve();
      };
      s.on('drain', done);
      s.on('finish', done);
      s.on('close', done);
    });
  }

  closeWrite(): null {
    const s = this.#socket;
    if (this.#error) throw this.#error;
    if (s.destroyed) throw new HttpError('ECONNRESET', 'Socket is closed', { rule: 'transport' });
    s.end();
    return null;
  }

  close(): void {
    this.#detachListeners();
    this.#flush(); // destroy() drops what is still corked: hand it to the kernel first
    this.#socket.destroy();
    this.#wake();
  }

  release(unread: Uint8Array): Socket {
    this.#detachListeners();
    this.#flush(); // the caller gets a socket with nothing held back
    if (unread.length > 0) this.#socket.unshift(unread);
    return this.#socket;
  }

  /** Uncork now rather than at the end of the tick. */
  #flush(): void {
    if (this.#corked) this.#uncork();
  }

  #detachListeners(): void {
    const s = this.#socket;
    s.off('readable', this.#wake);
    s.off('end', this.#onEnd);
    s.off('error', this.#onError);
    s.off('close', this.#onClose);
  }
}

/**
 * Options for {@link attach}: the socket's options, and whether to turn
 * Nagle's algorithm off.
 *
 * @example
 * ```ts
 * const s = attach(net.connect({ port }), { noDelay: false, maxHeadSize: 8192 });
 * ```
 */
export interface AttachOptions extends SocketOptions {
  /**
   * `socket.setNoDelay(true)` (TCP_NODELAY), the default. HttpSocket writes a
   * head whole in one write, and a body in as few writes as it can, so there
   * are no small segments for Nagle's algorithm to merge: with it on, a
   * response's body waits for the ACK of its head (up to 40 ms on Linux).
   * `false` leaves the socket's setting alone.
   */
  noDelay?: boolean;
}

/**
 * libdill's `http_attach` for Node: an {@link HttpSocket} on a `net.Socket`.
 * `detach()` gives back the same socket with the bytes read past the head
 * unshifted, so the next reader sees them first. Create sockets with
 * `allowHalfOpen: true` if the peer may half-close before you answer.
 * Turns Nagle's algorithm off unless `noDelay: false` (see {@link AttachOptions}).
 *
 * @example
 * ```ts
 * import { attach, now } from 'headwire/node';
 * net.createServer({ allowHalfOpen: true }, async (socket) => {
 *   const s = attach(socket);
 *   const { method, target } = await s.recvRequest(now() + 10_000);
 *   for await (const f of s.fields()) console.log(f.name, f.value);
 *   await s.sendStatus(204);
 *   await s.done();
 *   (await s.detach()).end();
 * });
 * ```
 */
export function attach(socket: Socket, options: AttachOptions = {}): HttpSocket<Socket> {
  if (!socket || typeof socket.read !== 'function' || typeof socket.unshift !== 'function' || typeof socket.write !== 'function') {
    throw new HttpError('ENOTSUP', 'attach() takes a net.Socket (or another Node Duplex)', { rule: 'handle' });
  }
  const s = new HttpSocket(new NetTransport(socket), options);
  // A Duplex that is not a TCP socket has no setNoDelay.
  if (options.noDelay !== false && typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
  return s;
}
