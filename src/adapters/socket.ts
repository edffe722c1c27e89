import { HeadDecoder } from '../codec/decoder.ts';
import { HeadEncoder } from '../codec/encoder.ts';
import { HttpError } from '../codec/errors.ts';
import { type HeadEvent, type HeadKind, type HttpVersion, NEED_DATA } from '../codec/events.ts';
import { trimOws } from '../codec/latin1.ts';
import type { DecoderOptions } from '../codec/options.ts';
import { type Deadline, checkCanceled, waitUntil } from './deadline.ts';
import type { Transport } from './transport.ts';

export interface ReceivedRequest {
  method: string;
  target: string;
  version: HttpVersion;
}

export interface ReceivedStatus {
  code: number;
  reason: string;
  version: HttpVersion;
}

export interface ReceivedField {
  name: string;
  value: string;
}

/** Options for `attach`, `attachStream` and `attachMem`: the decoder's options. */
export type SocketOptions = DecoderOptions;

const EMPTY = new Uint8Array(0);
const later: (f: () => void) => unknown =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (globalThis as unknown as { setImmediate: (f: () => void) => unknown }).setImmediate
    : (f) => setTimeout(f, 0);

/**
 * The libdill-shaped HTTP socket: one call per protocol step, each with a
 * deadline. The head codec does the bytes; this class does the waiting.
 *
 * Outgoing lines are gathered and written together: `done()` writes the head
 * in one `write`, and lines sent without `done()` go out on the next turn of
 * the event loop, so a peer waiting on them is not starved.
 *
 * @example
 * ```ts
 * const s = attachMem(end);
 * await s.sendRequest('GET', '/');
 * await s.sendField('Host', 'example.org');
 * await s.done();
 * const { code } = await s.recvStatus(now() + 5000);
 * for await (const { name, value } of s.fields()) console.log(name, value);
 * const pipe = await s.detach();
 * ```
 */
export class HttpSocket<Detached> {
  readonly #t: Transport<Detached>;
  readonly #options: SocketOptions;
  readonly #enc = new HeadEncoder();
  #dec: HeadDecoder | null = null;
  #fed = false; // bytes of the incoming head reached the decoder
  #startLine = false; // recvRequest/recvStatus returned
  #recvDone = false; // the peer's blank line was read
  #out: Uint8Array[] = [];
  #outBytes = 0;
  #flushScheduled = false;
  #writeError: HttpError | null = null;
  #state: 'open' | 'closed' | 'detached' = 'open';

  constructor(transport: Transport<Detached>, options: SocketOptions = {}) {
    this.#t = transport;
    this.#options = options;
    // Validate the options now, not at the first recv.
    void new HeadDecoder('request', options);
  }

  /** libdill `http_sendrequest`: queue `method SP target SP HTTP/1.1`. `EINVAL` for a bad argument. */
  async sendRequest(method: string, target: string, deadline?: Deadline, version?: HttpVersion): Promise<void> {
    this.#checkSend(deadline);
    this.#queue(this.#enc.request(method, target, version));
  }

  /** libdill `http_sendstatus`: queue the status line. `EINVAL` for a code outside 100–599 or a bad reason. */
  async sendStatus(code: number, reason?: string, deadline?: Deadline, version?: HttpVersion): Promise<void> {
    this.#checkSend(deadline);
    this.#queue(this.#enc.status(code, reason, version));
  }

  /**
   * libdill `http_sendfield`: queue one field. As libdill does, leading and
   * trailing whitespace of the value is trimmed (the peer would trim it anyway).
   */
  async sendField(name: string, value: string, deadline?: Deadline): Promise<void> {
    this.#checkSend(deadline);
    if (typeof value !== 'string') throw new HttpError('EINVAL', 'Field value must be a string', { rule: 'field-value' });
    this.#queue(this.#enc.field(name, trimOws(value)));
  }

  /** libdill `http_done` (`hdone`): write the blank line and everything queued, in one write. Later `send*` is `EPIPE`. */
  async done(deadline?: Deadline): Promise<void> {
    this.#checkSend(deadline);
    this.#queue(this.#enc.done());
    await this.#flush(deadline);
  }

  /** libdill `http_recvrequest`. `EPROTO` when a status line (or garbage) arrives instead; `EPIPE` when the peer closed before a head. */
  async recvRequest(deadline?: Deadline): Promise<ReceivedRequest> {
    const ev = await this.#recvStartLine('request', deadline);
    if (ev.type !== 'request') throw unreachable(ev);
    return { method: ev.method, target: ev.target, version: ev.version };
  }

  /** libdill `http_recvstatus`. `EPROTO` when a request line (or garbage) arrives instead. */
  async recvStatus(deadline?: Deadline): Promise<ReceivedStatus> {
    const ev = await this.#recvStartLine('response', deadline);
    if (ev.type !== 'status') throw unreachable(ev);
    return { code: ev.code, reason: ev.reason, version: ev.version };
  }

  /** libdill `http_recvfield`: the next field, or `EPIPE` once the peer's blank line has been read. */
  async recvField(deadline?: Deadline): Promise<ReceivedField> {
    this.#checkOpen();
    checkCanceled(deadline);
    if (!this.#startLine) throw new HttpError('EINVAL', 'recvField() before recvRequest() or recvStatus()', { rule: 'order' });
    if (this.#recvDone) throw new HttpError('EPIPE', 'No more fields: the head is done', { rule: 'order' });
    const ev = await this.#nextEvent(deadline);
    if (ev.type === 'done') {
      this.#recvDone = true;
      throw new HttpError('EPIPE', 'No more fields: the head is done', { rule: 'order' });
    }
    if (ev.type !== 'field') throw unreachable(ev);
    return { name: ev.name, value: ev.value };
  }

  /**
   * The fields as an async iterator: `recvField()` until `EPIPE`. Each step has
   * the same deadline.
   */
  async *fields(deadline?: Deadline): AsyncGenerator<ReceivedField, void, undefined> {
    for (;;) {
      try {
        yield await this.recvField(deadline);
      } catch (e) {
        if (e instanceof HttpError && e.code === 'EPIPE' && this.#recvDone) return;
        throw e;
      }
    }
  }

  /**
   * libdill `http_detach`: the terminal handshake. An outgoing head that was
   * started is finished (`done`); an incoming head that was started is read to
   * its blank line and its remaining fields discarded; a direction not started
   * is left alone. Returns the transport positioned exactly after the head.
   * On error the transport is closed, as libdill does.
   */
  async detach(deadline?: Deadline): Promise<Detached> {
    this.#checkOpen();
    try {
      checkCanceled(deadline);
      if (this.#enc.state === 'field-line') this.#queue(this.#enc.done());
      if (this.#writeError) throw this.#writeError;
      if (this.#out.length > 0) await this.#flush(deadline);
      if (this.#fed && !this.#recvDone) {
        for (;;) {
          const ev = await this.#nextEvent(deadline);
          if (ev.type === 'done') break;
        }
        this.#recvDone = true;
      }
    } catch (e) {
      this.close();
      throw e;
    }
    this.#state = 'detached';
    return this.#t.release(this.#recvDone && this.#dec ? this.#dec.rest() : EMPTY);
  }

  /**
   * Half-close: write what is queued, then tell the peer nothing more comes from
   * this side (TCP FIN, `conn.closeWrite()`, the pipe's EOF). Reading goes on;
   * later `send*` and `done()` are `EPIPE`.
   */
  async closeWrite(deadline?: Deadline): Promise<void> {
    this.#checkSend(deadline);
    await this.#flush(deadline);
    this.#writeError = new HttpError('EPIPE', 'This side was half-closed', { rule: 'half-close' });
    const wait = this.#t.closeWrite();
    if (wait) await waitUntil(wait, deadline);
  }

  /** Close the transport at once (libdill `hclose`): no handshake. Later calls are `EBADF`. */
  close(): void {
    if (this.#state !== 'open') return;
    this.#state = 'closed';
    this.#out = [];
    this.#t.close();
  }

  #checkOpen(): void {
    if (this.#state !== 'open') {
      throw new HttpError('EBADF', `The socket is ${this.#state}`, { rule: 'handle' });
    }
  }

  #checkSend(deadline: Deadline | undefined): void {
    this.#checkOpen();
    checkCanceled(deadline);
    if (this.#writeError) throw this.#writeError;
  }

  #queue(bytes: Uint8Array): void {
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      later(() => {
        if (!this.#flushScheduled || this.#state !== 'open') return;
        this.#flush(-1).catch(() => {}); // the error is kept in #writeError and thrown by the next call
      });
    }
  }

  /** Write everything queued as one chunk. */
  async #flush(deadline: Deadline | undefined): Promise<void> {
    this.#flushScheduled = false;
    if (this.#out.length === 0) return;
    const parts = this.#out;
    let bytes: Uint8Array;
    if (parts.length === 1) bytes = parts[0]!;
    else {
      bytes = new Uint8Array(this.#outBytes);
      let n = 0;
      for (const p of parts) {
        bytes.set(p, n);
        n += p.length;
      }
    }
    this.#out = [];
    this.#outBytes = 0;
    try {
      const wait = this.#t.write(bytes);
      if (wait) await waitUntil(wait, deadline);
    } catch (e) {
      // A write cut short by a deadline may have partly gone out: the outgoing
      // head is broken, so every later send fails the same way.
      this.#writeError = e instanceof HttpError ? e : new HttpError('ECONNRESET', String(e), { rule: 'transport' });
      throw this.#writeError;
    }
  }

  async #recvStartLine(kind: HeadKind, deadline: Deadline | undefined): Promise<HeadEvent> {
    this.#checkOpen();
    checkCanceled(deadline);
    if (this.#startLine || (this.#dec && this.#dec.kind !== kind)) {
      throw new HttpError('EINVAL', 'The start line of the incoming head was already asked for', { rule: 'order' });
    }
    this.#dec ??= new HeadDecoder(kind, this.#options);
    const ev = await this.#nextEvent(deadline);
    this.#startLine = true;
    return ev;
  }

  /** The next event, feeding the decoder from the transport; waits only when it must. */
  async #nextEvent(deadline: Deadline | undefined): Promise<HeadEvent> {
    const d = this.#dec!;
    for (;;) {
      const ev = d.next();
      if (ev !== NEED_DATA) return ev;
      // Our own queued lines go out before we wait on the peer.
      if (this.#out.length > 0 && this.#flushScheduled) await this.#flush(deadline);
      const chunk = this.#t.take();
      if (chunk === undefined) {
        await waitUntil(this.#t.readable(), deadline);
        this.#checkOpen();
      } else if (chunk === null) {
        d.end();
      } else {
        this.#fed = true;
        d.receive(chunk);
      }
    }
  }
}

function unreachable(ev: HeadEvent): Error {
  return new Error(`headwire: unexpected ${ev.type} event`);
}
