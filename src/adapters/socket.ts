import { HeadDecoder } from '../codec/decoder.ts';
import { HeadEncoder } from '../codec/encoder.ts';
import { HttpError } from '../codec/errors.ts';
import { type HeadEvent, type HeadKind, type HttpVersion, NEED_DATA } from '../codec/events.ts';
import { trimOws } from '../codec/latin1.ts';
import type { DecoderOptions } from '../codec/options.ts';
import { type Deadline, Wait } from './deadline.ts';
import { type Transport, transportError } from './transport.ts';
import { Turns } from './turns.ts';

/**
 * What `recvRequest()` returns: the request line's parts.
 *
 * @example
 * ```ts
 * const { method, target, version }: ReceivedRequest = await s.recvRequest({ timeout: 10_000 });
 * ```
 */
export interface ReceivedRequest {
  /** The method token as sent. */
  method: string;
  /** The request target as sent. */
  target: string;
  /** The HTTP version of the request line. */
  version: HttpVersion;
}

/**
 * What `recvStatus()` returns: the status line's parts.
 *
 * @example
 * ```ts
 * const status: ReceivedStatus = await s.recvStatus();
 * if (status.code === 101) console.log('switching protocols');
 * ```
 */
export interface ReceivedStatus {
  /** The status code, 100-599. */
  code: number;
  /** The reason phrase, exactly as sent. */
  reason: string;
  /** The HTTP version of the status line. */
  version: HttpVersion;
}

/**
 * What `recvField()` returns and `fields()` yields: one field line.
 *
 * @example
 * ```ts
 * const all: ReceivedField[] = [];
 * for await (const field of s.fields()) all.push(field);
 * ```
 */
export interface ReceivedField {
  /** The field name as sent, case kept. */
  name: string;
  /** The field value without leading and trailing SP/HTAB. */
  value: string;
}

/**
 * Options for `attach`, `attachStream` and `attachMem`: the decoder's options.
 *
 * @example
 * ```ts
 * const options: SocketOptions = { maxHeadSize: 8192, maxFields: 50 };
 * const server = attachMem(end, options);
 * ```
 */
export type SocketOptions = DecoderOptions;

const EMPTY = new Uint8Array(0);
const later: (f: () => void) => unknown =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (globalThis as unknown as { setImmediate: (f: () => void) => unknown }).setImmediate
    : (f) => setTimeout(f, 0);

type SocketState = 'open' | 'detaching' | 'detached' | 'closed';

const ORDER = { rule: 'order' } as const;
const noMoreFields = (): HttpError => new HttpError('EPIPE', 'No more fields: the head is done', ORDER);

/**
 * The libdill-shaped HTTP socket: one call per protocol step, each with a
 * deadline. The head codec does the bytes; this class does the waiting.
 *
 * Outgoing lines are gathered and written together: `done()` writes the head
 * in one `write`, and lines sent without `done()` go out on the next turn of
 * the event loop, so a peer waiting on them is not starved.
 *
 * Concurrency (DESIGN.md, "Lifecycle and concurrency"): receives take turns in
 * call order and each gets the next event; sends queue in call order;
 * `close()` fails every pending call with `EBADF` at once; no promise the
 * socket makes is left unhandled (a write failing after its call stopped
 * waiting fails the next call in that direction).
 *
 * @example
 * ```ts
 * const s = attachMem(end);
 * await s.sendRequest('GET', '/');
 * await s.sendField('Host', 'example.org');
 * await s.done();
 * const { code } = await s.recvStatus({ timeout: 5000 });
 * for await (const { name, value } of s.fields()) console.log(name, value);
 * const pipe = await s.detach();
 * ```
 */
export class HttpSocket<Detached> {
  readonly #t: Transport<Detached>;
  readonly #options: SocketOptions;
  readonly #enc = new HeadEncoder();
  #dec: HeadDecoder | null = null;
  // The read side.
  readonly #recv = new Turns();
  #fed = false; // bytes of the incoming head reached the decoder
  #startLine = false; // recvRequest/recvStatus returned
  #recvDone = false; // the peer's blank line was read
  // The write side.
  #sendStarted = false; // a start line was queued
  #sendDone = false; // the blank line was queued
  #out: Uint8Array[] = [];
  #outBytes = 0;
  #flushScheduled = false;
  #writing: Promise<void> | null = null; // the last write the transport has not finished; never rejects
  #writeError: HttpError | null = null; // a write failed: every later send fails the same way
  #halfClosed = false;
  // Every call that may wait, so close() can fail them all.
  readonly #waits = new Set<Wait>();
  #state: SocketState = 'open';

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
    this.#sendStarted = true;
  }

  /** libdill `http_sendstatus`: queue the status line. `EINVAL` for a code outside 100–599 or a bad reason. */
  async sendStatus(code: number, reason?: string, deadline?: Deadline, version?: HttpVersion): Promise<void> {
    this.#checkSend(deadline);
    this.#queue(this.#enc.status(code, reason, version));
    this.#sendStarted = true;
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

  /**
   * libdill `http_done` (`hdone`): write the blank line and everything queued,
   * in one write. Later `send*` is `EPIPE`. Waits only while the transport
   * pushes back; a timed-out `done()` has still handed its bytes over (they go
   * out unless the socket is closed), and a later failure of that write fails
   * the next send-side call.
   */
  async done(deadline?: Deadline): Promise<void> {
    const w = this.#checkSend(deadline, this.#waits);
    try {
      this.#queue(this.#enc.done());
      this.#sendDone = true;
      const writing = this.#startWrite();
      if (writing) await w.race(writing);
    } finally {
      w.dispose();
    }
  }

  /** libdill `http_recvrequest`. `EPROTO` when a status line (or garbage) arrives instead; `EPIPE` when the peer closed before a head. */
  recvRequest(deadline?: Deadline): Promise<ReceivedRequest> {
    return this.#receive(deadline, async (w) => {
      const ev = await this.#startLineEvent('request', w);
      if (ev.type !== 'request') throw unreachable(ev);
      return { method: ev.method, target: ev.target, version: ev.version };
    });
  }

  /** libdill `http_recvstatus`. `EPROTO` when a request line (or garbage) arrives instead. */
  recvStatus(deadline?: Deadline): Promise<ReceivedStatus> {
    return this.#receive(deadline, async (w) => {
      const ev = await this.#startLineEvent('response', w);
      if (ev.type !== 'status') throw unreachable(ev);
      return { code: ev.code, reason: ev.reason, version: ev.version };
    });
  }

  /** libdill `http_recvfield`: the next field, or `EPIPE` once the peer's blank line has been read. */
  recvField(deadline?: Deadline): Promise<ReceivedField> {
    return this.#receive(deadline, async (w) => {
      if (!this.#startLine) throw new HttpError('EINVAL', 'recvField() before recvRequest() or recvStatus()', ORDER);
      if (this.#recvDone) throw noMoreFields();
      const ev = await this.#nextEvent(w);
      if (ev.type === 'done') {
        this.#recvDone = true;
        throw noMoreFields();
      }
      if (ev.type !== 'field') throw unreachable(ev);
      return { name: ev.name, value: ev.value };
    });
  }

  /**
   * The fields as an async iterator: `recvField()` until `EPIPE`. Each step has
   * the same deadline (with `{ timeout }`, each step its own timeout).
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
   * its blank line and its remaining fields discarded (after the receives
   * already pending, in order); a direction not started is left alone, and
   * receives pending on it fail with `EBADF`. Returns the transport positioned
   * exactly after the head, the bytes past it copied (they belong to the
   * caller). Calls made meanwhile, a second `detach()` included, are `EBADF`.
   * On error the transport is closed, as libdill does.
   */
  async detach(deadline?: Deadline): Promise<Detached> {
    this.#checkOpen();
    const w = new Wait(deadline, this.#waits);
    this.#state = 'detaching';
    try {
      w.check();
      // Our head first: the peer may be waiting for it before it sends the rest of its own.
      // (After closeWrite() nothing more can go out: the head stays as it was cut.)
      if (this.#sendStarted && !this.#sendDone && !this.#halfClosed) {
        this.#queue(this.#enc.done());
        this.#sendDone = true;
      }
      this.#startWrite();
      if (!this.#fed) this.#recv.failAll(new HttpError('EBADF', 'The socket was detached before the incoming head started', { rule: 'handle' }));
      await this.#recv.run(w, async () => {
        if (!this.#fed || this.#recvDone) return;
        for (;;) {
          const ev = await this.#nextEvent(w);
          if (ev.type === 'done') break;
        }
        this.#recvDone = true;
      });
      if (this.#writing) await w.race(this.#writing);
      if (this.#writeError) throw this.#writeError;
      w.check(); // close() while the last step settled
    } catch (e) {
      this.close();
      throw e;
    } finally {
      w.dispose();
    }
    this.#state = 'detached';
    const rest = this.#recvDone && this.#dec ? this.#dec.rest() : EMPTY;
    // A copy: rest() may be a view of the caller's storage or of a buffer the decoder reuses.
    return this.#t.release(rest.length > 0 ? rest.slice() : EMPTY);
  }

  /**
   * Half-close: write what is queued, then tell the peer nothing more comes from
   * this side (TCP FIN, `conn.closeWrite()`, the pipe's EOF). Reading goes on;
   * later `send*` and `done()` are `EPIPE`.
   */
  async closeWrite(deadline?: Deadline): Promise<void> {
    const w = this.#checkSend(deadline, this.#waits);
    try {
      const writing = this.#startWrite();
      this.#halfClosed = true;
      let closing: Promise<void> | null;
      try {
        closing = this.#t.closeWrite();
      } catch (e) {
        throw this.#failWrite(e);
      }
      if (closing) this.#track(closing);
      const all = writing && closing ? Promise.all([writing, closing]).then(() => {}) : (writing ?? closing);
      if (all) await w.race(all);
    } finally {
      w.dispose();
    }
  }

  /**
   * Close the transport at once (libdill `hclose`): no handshake. Every pending
   * call fails with `EBADF` now; later calls are `EBADF`.
   */
  close(): void {
    if (this.#state === 'closed' || this.#state === 'detached') return;
    this.#state = 'closed';
    this.#out = [];
    this.#outBytes = 0;
    const e = new HttpError('EBADF', 'The socket was closed', { rule: 'handle' });
    for (const w of [...this.#waits]) w.fail(e);
    this.#t.close();
  }

  #checkOpen(): void {
    if (this.#state !== 'open') throw new HttpError('EBADF', `The socket is ${this.#state}`, { rule: 'handle' });
  }

  /** Checks common to the write side; the call's Wait (joining `owner` when it may wait). */
  #checkSend(deadline: Deadline | undefined, owner?: Set<Wait>): Wait {
    this.#checkOpen();
    const w = new Wait(deadline, owner);
    try {
      w.check();
      if (this.#writeError) throw this.#writeError;
      if (this.#halfClosed) throw new HttpError('EPIPE', 'This side was half-closed', { rule: 'half-close' });
    } catch (e) {
      w.dispose();
      throw e;
    }
    return w;
  }

  /**
   * A receive: validated now (`EBADF`, `EINVAL`), run when its turn comes in
   * the receive queue. Later receive kinds (a body read) join the same queue.
   */
  #receive<T>(deadline: Deadline | undefined, job: (w: Wait) => Promise<T>): Promise<T> {
    let w: Wait;
    try {
      this.#checkOpen();
      w = new Wait(deadline, this.#waits);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#recv
      .run(w, () => {
        // Pending receives may finish while detach() waits behind them.
        if (this.#state === 'closed' || this.#state === 'detached') this.#checkOpen();
        return job(w);
      })
      .finally(() => w.dispose());
  }

  async #startLineEvent(kind: HeadKind, w: Wait): Promise<HeadEvent> {
    if (this.#startLine || (this.#dec && this.#dec.kind !== kind)) {
      throw new HttpError('EINVAL', 'The start line of the incoming head was already asked for', ORDER);
    }
    this.#dec ??= new HeadDecoder(kind, this.#options);
    const ev = await this.#nextEvent(w);
    this.#startLine = true;
    return ev;
  }

  /** The next event, feeding the decoder from the transport; waits only when it must. */
  async #nextEvent(w: Wait): Promise<HeadEvent> {
    const d = this.#dec!;
    let ended = false;
    for (;;) {
      const ev = d.next();
      if (ev !== NEED_DATA) return ev;
      // After end() the decoder has an event or an error; never spin on EOF.
      if (ended) throw new HttpError('EPIPE', 'The peer closed its side', { rule: 'transport' });
      // Our own queued lines go out before we wait on the peer.
      if (this.#flushScheduled) this.#startWriteQuietly();
      const chunk = this.#t.take();
      if (chunk === undefined) {
        await w.race(this.#t.readable());
        w.check(); // failed (closed, detached) after the bytes came: take nothing
      } else if (chunk === null) {
        ended = true;
        d.end();
      } else {
        this.#fed = true;
        d.receive(chunk);
      }
    }
  }

  #queue(bytes: Uint8Array): void {
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      later(() => {
        if (this.#flushScheduled && this.#state !== 'closed') this.#startWriteQuietly();
      });
    }
  }

  /** {@link #startWrite} where nobody waits: a failure is kept and fails the next send-side call. */
  #startWriteQuietly(): void {
    try {
      this.#startWrite();
    } catch {
      // kept in #writeError
    }
  }

  /**
   * Hand everything queued to the transport as one chunk. Returns the write's
   * promise when the transport pushes back, else `null`. Every write promise
   * is tracked at once, so a failure nobody waits for is kept, not unhandled.
   */
  #startWrite(): Promise<void> | null {
    this.#flushScheduled = false;
    if (this.#out.length === 0) return null;
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
    let writing: Promise<void> | null;
    try {
      writing = this.#t.write(bytes);
    } catch (e) {
      throw this.#failWrite(e);
    }
    if (writing) this.#track(writing);
    return writing;
  }

  /** Keep `p` as the write in flight; its failure becomes the write side's error. */
  #track(p: Promise<void>): void {
    const tracked: Promise<void> = p.then(
      () => {
        if (this.#writing === tracked) this.#writing = null;
      },
      (e: unknown) => {
        if (this.#writing === tracked) this.#writing = null;
        this.#failWrite(e);
      },
    );
    this.#writing = tracked;
  }

  #failWrite(e: unknown): HttpError {
    this.#writeError ??= e instanceof HttpError ? e : transportError(e, 'Write failed');
    return this.#writeError;
  }
}

function unreachable(ev: HeadEvent): Error {
  return new Error(`headwire: unexpected ${ev.type} event`);
}
