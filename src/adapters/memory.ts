import { HttpError } from '../codec/errors.ts';
import type { SocketOptions } from './socket.ts';
import { HttpSocket } from './socket.ts';
import type { Transport } from './transport.ts';

/**
 * One end of an in-memory byte pipe (libdill's `ipc_pair` analogue): what one
 * end writes, the other reads, in order, with half-close. Made in pairs by
 * {@link memoryPair}; {@link attachMem} runs an {@link HttpSocket} on one.
 *
 * @example
 * ```ts
 * const [a, b] = memoryPair();
 * a.write(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
 * a.closeWrite(); // b reads the bytes, then EOF
 * for (let chunk = await b.read(); chunk !== null; chunk = await b.read()) console.log(chunk.length);
 * ```
 */
export class PipeEnd {
  #inbox: Uint8Array[] = [];
  #eof = false; // the peer half-closed: nothing more will arrive
  #reset = false; // the peer closed without half-closing first
  #writeClosed = false;
  #closed = false;
  // One promise for every wait until the next event, so abandoned waits do not pile up.
  #readable: Promise<void> | null = null;
  #wakeReadable: (() => void) | null = null;
  #peer!: PipeEnd;

  /** @internal */
  static pair(): [PipeEnd, PipeEnd] {
    const a = new PipeEnd();
    const b = new PipeEnd();
    a.#peer = b;
    b.#peer = a;
    return [a, b];
  }

  /** Send bytes to the other end. The bytes are copied. `EPIPE` after `closeWrite()`, `ECONNRESET` when the peer is gone. */
  write(bytes: Uint8Array): void {
    if (this.#closed) throw new HttpError('EBADF', 'Pipe end is closed', { rule: 'handle' });
    if (this.#writeClosed) throw new HttpError('EPIPE', 'Write after closeWrite()', { rule: 'half-close' });
    const peer = this.#peer;
    if (peer.#closed) throw new HttpError('ECONNRESET', 'The other end is closed', { rule: 'transport' });
    if (bytes.length === 0) return;
    peer.#inbox.push(bytes.slice());
    peer.#wake();
  }

  /** A chunk already here, `null` at EOF, `undefined` when nothing has arrived. `ECONNRESET` if the peer closed mid-stream. */
  tryRead(): Uint8Array | null | undefined {
    if (this.#closed) throw new HttpError('EBADF', 'Pipe end is closed', { rule: 'handle' });
    const chunk = this.#inbox.shift();
    if (chunk) return chunk;
    if (this.#reset) throw new HttpError('ECONNRESET', 'The other end closed without closeWrite()', { rule: 'transport' });
    return this.#eof ? null : undefined;
  }

  /** The next chunk, waiting for it; `null` at EOF. */
  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const c = this.tryRead();
      if (c !== undefined) return c;
      await this.readable();
    }
  }

  /** Resolves when `tryRead()` may have something new. Never rejects. */
  readable(): Promise<void> {
    this.#readable ??= new Promise((resolve) => {
      this.#wakeReadable = resolve;
    });
    return this.#readable;
  }

  /** Put bytes back in front of what is still unread. */
  unshift(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#inbox.unshift(bytes);
  }

  /** Half-close: the other end reads EOF once it has read everything before it. */
  closeWrite(): void {
    if (this.#writeClosed) return;
    this.#writeClosed = true;
    this.#peer.#eof = true;
    this.#peer.#wake();
  }

  /** Close both directions. The other end reads what was sent, then EOF after a half-close, else `ECONNRESET`. */
  close(): void {
    if (this.#closed) return;
    if (!this.#writeClosed) this.#peer.#reset = true;
    this.#writeClosed = this.#closed = true;
    this.#peer.#eof = true;
    this.#inbox = [];
    this.#peer.#wake();
    this.#wake();
  }

  #wake(): void {
    const w = this.#wakeReadable;
    this.#readable = this.#wakeReadable = null;
    w?.();
  }
}

/**
 * Two connected in-memory pipe ends, libdill's `ipc_pair`.
 *
 * @example
 * ```ts
 * const [a, b] = memoryPair();
 * a.write(new TextEncoder().encode('hi'));
 * await b.read(); // Uint8Array "hi"
 * ```
 */
export function memoryPair(): [PipeEnd, PipeEnd] {
  return PipeEnd.pair();
}

class MemoryTransport implements Transport<PipeEnd> {
  readonly #end: PipeEnd;
  constructor(end: PipeEnd) {
    this.#end = end;
  }
  take(): Uint8Array | null | undefined {
    return this.#end.tryRead();
  }
  readable(): Promise<void> {
    return this.#end.readable();
  }
  write(bytes: Uint8Array): null {
    this.#end.write(bytes);
    return null;
  }
  closeWrite(): null {
    this.#end.closeWrite();
    return null;
  }
  close(): void {
    this.#end.close();
  }
  release(unread: Uint8Array): PipeEnd {
    this.#end.unshift(unread);
    return this.#end;
  }
}

/**
 * libdill's `http_attach_mem`: an {@link HttpSocket} on a pipe end, with
 * caller-supplied `storage` for heads split across chunks (nothing is allocated
 * per message to buffer a head; a head longer than the storage is `EMSGSIZE`).
 * `detach()` gives back the pipe end with the bytes past the head unread.
 *
 * @example
 * ```ts
 * const [a, b] = memoryPair();
 * const client = attachMem(a);
 * const server = attachMem(b, { storage: new Uint8Array(4096) });
 * ```
 */
export function attachMem(end: PipeEnd, options: SocketOptions = {}): HttpSocket<PipeEnd> {
  if (!(end instanceof PipeEnd)) throw new HttpError('ENOTSUP', 'attachMem() takes a PipeEnd from memoryPair()', { rule: 'handle' });
  return new HttpSocket(new MemoryTransport(end), options);
}
