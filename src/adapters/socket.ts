import { BodyDecoder } from '../codec/body.ts';
import type { BodyDecoderOptions } from '../codec/body-options.ts';
import { BodyEncoder } from '../codec/body-encoder.ts';
import { HeadDecoder } from '../codec/decoder.ts';
import { HeadEncoder } from '../codec/encoder.ts';
import { HttpError } from '../codec/errors.ts';
import { type HeadEvent, type HeadKind, type HttpVersion, NEED_DATA } from '../codec/events.ts';
import { trimOws } from '../codec/latin1.ts';
import type { DecoderOptions } from '../codec/options.ts';
import { type Deadline, Wait } from './deadline.ts';
import { Incoming, Outgoing, type ReceivedField } from './message.ts';
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
 * Options for `attach`, `attachStream` and `attachMem`: the head decoder's
 * options, and the body decoder's for `recvBody()` (`maxBodySize`,
 * `maxChunkExtensions`, `maxTrailerSize`, `maxTrailerFields`; `lenient.lfOnly`
 * applies to both).
 *
 * @example
 * ```ts
 * const s = attachMem(end, { maxHeadSize: 8192, maxBodySize: 1 << 20 });
 * ```
 */
export type SocketOptions = DecoderOptions & BodyDecoderOptions;

const EMPTY = new Uint8Array(0);
const later: (f: () => void) => unknown =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (globalThis as unknown as { setImmediate: (f: () => void) => unknown }).setImmediate
    : (f) => setTimeout(f, 0);

type SocketState = 'open' | 'detaching' | 'detached' | 'closed';

const ORDER = { rule: 'order' } as const;
const noMoreFields = (): HttpError => new HttpError('EPIPE', 'No more fields: the head is done', ORDER);

/**
 * Body data up to this many bytes (with its chunk framing) goes out as one
 * write, copied together; larger data is written as it is, never copied.
 */
const GATHER_MAX = 16 * 1024;

/**
 * The libdill-shaped HTTP socket: one call per protocol step, each with a
 * deadline. The head codec does the bytes; this class does the waiting.
 *
 * Outgoing lines are gathered and written together: `done()` writes the head
 * in one `write`, and lines sent without `done()` go out on the next turn of
 * the event loop, so a peer waiting on them is not starved.
 *
 * Beyond libdill, whole messages: `recvBody()` / `readBody()` read the body
 * of the head just received (framed by `framing()` from its fields),
 * `sendBody()` / `endBody()` write the body of the head just sent (framed
 * from the fields sent). Once a message is over in a direction, the next
 * `recvRequest()` / `recvStatus()` (or `sendRequest()` / `sendStatus()`)
 * starts the next one on the same connection; bytes already received past
 * the message (pipelining) are the next head's first bytes.
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
 * const body = await s.readBody({ timeout: 5000 }, 1 << 20);
 * ```
 */
export class HttpSocket<Detached> {
  readonly #t: Transport<Detached>;
  readonly #options: SocketOptions;
  #enc = new HeadEncoder();
  #encViewsOut = false; // a view of #enc's buffer went to the transport as it is: the next head needs a new encoder
  #dec: HeadDecoder | null = null; // a new one per incoming head
  // The read side.
  readonly #recv = new Turns();
  #fed = false; // bytes of the incoming head reached the decoder
  #startLine = false; // recvRequest/recvStatus returned
  #recvDone = false; // the peer's blank line was read
  #in: Incoming | null = null; // the message being received, once its start line was
  #trailers: ReceivedField[] = []; // of the last body read to its end
  // The write side.
  #sendStarted = false; // a start line was queued
  #sendDone = false; // the blank line was queued
  #outMsg: Outgoing | null = null; // the message being sent, once its start line was queued
  #out: Uint8Array[] = [];
  #outBytes = 0;
  #flushScheduled = false;
  #writing: Promise<void> | null = null; // the last write the transport has not finished; never rejects
  #writeError: HttpError | null = null; // a write failed: every later send fails the same way
  #halfClosed = false;
  // Requests not yet answered by a final (or 101) response, for the framing of that response (HEAD, CONNECT).
  readonly #sentMethods: string[] = []; // requests this socket sent
  readonly #recvMethods: string[] = []; // requests this socket received
  // Every call that may wait, so close() can fail them all.
  readonly #waits = new Set<Wait>();
  #state: SocketState = 'open';

  constructor(transport: Transport<Detached>, options: SocketOptions = {}) {
    this.#t = transport;
    this.#options = options;
    // Validate the options now, not at the first recv.
    void new HeadDecoder('request', options);
    void new BodyDecoder({ type: 'none' }, options);
  }

  /**
   * libdill `http_sendrequest`: queue `method SP target SP HTTP/1.1`. `EINVAL`
   * for a bad argument. Once the previous outgoing message is over (its body
   * ended, or it has none), this starts the next one.
   */
  async sendRequest(method: string, target: string, deadline?: Deadline, version?: HttpVersion): Promise<void> {
    this.#checkSend(deadline);
    this.#nextOutgoing();
    this.#queue(this.#enc.request(method, target, version));
    this.#sendStarted = true;
    this.#outMsg = new Outgoing('request', { version: version ?? '1.1', requestMethod: method });
    this.#sentMethods.push(method);
  }

  /**
   * libdill `http_sendstatus`: queue the status line. `EINVAL` for a code
   * outside 100–599 or a bad reason. Once the previous outgoing message is
   * over, this starts the next one.
   */
  async sendStatus(code: number, reason?: string, deadline?: Deadline, version?: HttpVersion): Promise<void> {
    this.#checkSend(deadline);
    this.#nextOutgoing();
    this.#queue(this.#enc.status(code, reason, version));
    this.#sendStarted = true;
    this.#outMsg = new Outgoing('response', { version: version ?? '1.1', requestMethod: answered(this.#recvMethods, code), status: code });
  }

  /**
   * libdill `http_sendfield`: queue one field. As libdill does, leading and
   * trailing whitespace of the value is trimmed (the peer would trim it anyway).
   */
  async sendField(name: string, value: string, deadline?: Deadline): Promise<void> {
    this.#checkSend(deadline);
    if (typeof value !== 'string') throw new HttpError('EINVAL', 'Field value must be a string', { rule: 'field-value' });
    const v = trimOws(value);
    this.#queue(this.#enc.field(name, v));
    this.#outMsg?.fields.push({ name, value: v });
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

  /**
   * Body data of the outgoing message, after `done()`, framed from the fields
   * this socket sent: `Content-Length` exactly (`EINVAL`, rule `length`, for
   * more), `Transfer-Encoding: …chunked` as one chunk per call, a response
   * with neither until `endBody()` half-closes. A request with neither, a
   * response to HEAD, 1xx, 204 and 304 have no body (`EINVAL` for non-empty
   * data). Empty data writes nothing. Up to 16 KiB is copied and written with
   * its framing in one write; larger data is handed to the transport as it
   * is, not copied: do not change it afterwards (as with Node's `write()`).
   */
  async sendBody(bytes: Uint8Array, deadline?: Deadline): Promise<void> {
    const w = this.#checkSend(deadline, this.#waits);
    try {
      const parts = this.#bodyEncoder('sendBody()').data(bytes);
      if (parts.length === 0) return;
      const writing = this.#writeParts(parts);
      if (writing) await w.race(writing);
    } finally {
      w.dispose();
    }
  }

  /**
   * End the outgoing body: for chunked, the last chunk and `trailers`; a
   * `Content-Length` body that is short is `EINVAL` (rule `length`); a
   * close-delimited body half-closes (no later `send*`). Then the next
   * `sendRequest()` / `sendStatus()` starts the next message.
   */
  async endBody(trailers?: Array<[string, string]>, deadline?: Deadline): Promise<void> {
    const w = this.#checkSend(deadline, this.#waits);
    try {
      const out = this.#outMsg;
      const enc = this.#bodyEncoder('endBody()');
      const parts = enc.end(trailers);
      out!.ended = true;
      let writing = parts.length > 0 ? this.#writeParts(parts) : this.#startWrite();
      if (enc.framing.type === 'close') writing = this.#halfClose(writing);
      if (writing) await w.race(writing);
    } finally {
      w.dispose();
    }
  }

  /**
   * libdill `http_recvrequest`. `EPROTO` when a status line (or garbage) arrives instead; `EPIPE` when the peer closed before a head.
   * After a whole message (its body read to the end, or none), the next request on the connection.
   */
  recvRequest(deadline?: Deadline): Promise<ReceivedRequest> {
    return this.#receive(deadline, async (w) => {
      const ev = await this.#startLineEvent('request', w);
      if (ev.type !== 'request') throw unreachable(ev);
      this.#in = new Incoming('request', { version: ev.version, requestMethod: ev.method });
      this.#recvMethods.push(ev.method);
      return { method: ev.method, target: ev.target, version: ev.version };
    });
  }

  /**
   * libdill `http_recvstatus`. `EPROTO` when a request line (or garbage) arrives instead.
   * After a whole message, the next response (after a 1xx, the final one).
   */
  recvStatus(deadline?: Deadline): Promise<ReceivedStatus> {
    return this.#receive(deadline, async (w) => {
      const ev = await this.#startLineEvent('response', w);
      if (ev.type !== 'status') throw unreachable(ev);
      this.#in = new Incoming('response', { version: ev.version, requestMethod: answered(this.#sentMethods, ev.code), status: ev.code });
      return { code: ev.code, reason: ev.reason, version: ev.version };
    });
  }

  /** libdill `http_recvfield`: the next field, or `EPIPE` once the peer's blank line has been read. */
  recvField(deadline?: Deadline): Promise<ReceivedField> {
    return this.#receive(deadline, async (w) => {
      const f = await this.#fieldStep(w);
      if (f === null) throw noMoreFields();
      return f;
    });
  }

  /**
   * The fields as an async iterator: `recvField()` until `EPIPE`. Each step has
   * the same deadline (with `{ timeout }`, each step its own timeout).
   */
  async *fields(deadline?: Deadline): AsyncGenerator<ReceivedField, void, undefined> {
    for (;;) {
      const f = await this.#receive(deadline, (w) => this.#fieldStep(w));
      if (f === null) return;
      yield f;
    }
  }

  /**
   * The body of the message whose head was just received, as byte chunks.
   * Fields not read yet are read first (and kept: `recvField()` still hands
   * them out). Framed by `framing()`: for a request from its method, for a
   * response from the method of the request this socket sent that it answers,
   * so a response to HEAD, a 1xx, 204 or 304 has none. Each step waits at most
   * until `deadline` (with `{ timeout }`, each step its own timeout); a step
   * that gives up loses nothing. Errors: the `HttpError` of `framing()`
   * (`EPROTO`, hint 400), of the body decoder (`EPROTO`, `EMSGSIZE`,
   * `ECONNRESET`), `EINVAL` after a 101 or CONNECT (use `detach()`). The
   * chunks belong to the caller (never a view of `storage` or of a buffer the
   * socket reuses).
   */
  recvBody(deadline?: Deadline): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          this.#receive(deadline, (w) => this.#bodyStep(w)).then(
            (bytes): IteratorResult<Uint8Array> => (bytes === null ? { done: true, value: undefined } : { done: false, value: bytes }),
          ),
      }),
    };
  }

  /**
   * The whole body of the message whose head was just received (see
   * `recvBody()`), concatenated. `EMSGSIZE` (rule `body-too-large`, hint 413)
   * past `maxBytes`.
   */
  async readBody(deadline?: Deadline, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
    if (maxBytes !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
      throw new HttpError('EINVAL', `readBody() maxBytes must be a non-negative integer, got ${String(maxBytes)}`, { rule: 'maxBytes' });
    }
    const parts: Uint8Array[] = [];
    let n = 0;
    for await (const chunk of this.recvBody(deadline)) {
      n += chunk.length;
      if (n > maxBytes) {
        throw new HttpError('EMSGSIZE', `Body longer than ${maxBytes} bytes (readBody maxBytes)`, { rule: 'body-too-large', statusHint: 413 });
      }
      parts.push(chunk);
    }
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(n);
    n = 0;
    for (const p of parts) {
      out.set(p, n);
      n += p.length;
    }
    return out;
  }

  /** The trailer fields of the last body read to its end; empty otherwise (and once the next head started). */
  trailers(): ReceivedField[] {
    return [...this.#trailers];
  }

  /**
   * libdill `http_detach`: the terminal handshake. An outgoing head that was
   * started is finished (`done`); an incoming head that was started is read to
   * its blank line and its remaining fields discarded (after the receives
   * already pending, in order); a direction not started is left alone, and
   * receives pending on it fail with `EBADF`. Returns the transport positioned
   * exactly after the head (after the body, once recvBody() read it to its
   * end), the bytes past it copied (they belong to the caller). A body read
   * partly is `EINVAL`. Calls made meanwhile, a second `detach()` included,
   * are `EBADF`. On error the transport is closed, as libdill does.
   */
  async detach(deadline?: Deadline): Promise<Detached> {
    this.#checkOpen();
    const w = new Wait(deadline, this.#waits);
    this.#state = 'detaching';
    let rest: Uint8Array = EMPTY;
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
        // The start line may not have been taken yet: skip to the blank line whatever comes.
        for (;;) {
          const ev = await this.#nextEvent(w);
          if (ev.type === 'done') break;
          if (ev.type === 'field') this.#in?.fields.push({ name: ev.name, value: ev.value });
        }
        this.#recvDone = true;
      });
      if (this.#writing) await w.race(this.#writing);
      if (this.#writeError) throw this.#writeError;
      w.check(); // close() while the last step settled
      if (this.#recvDone) rest = this.#rest('detach()');
    } catch (e) {
      this.close();
      throw e;
    } finally {
      w.dispose();
    }
    this.#state = 'detached';
    // A copy: rest may be a view of the caller's storage or of a buffer the decoder reuses.
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
      const all = this.#halfClose(this.#startWrite());
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

  /** Once the outgoing message is over, a start line begins the next one: a fresh encoder. */
  #nextOutgoing(): void {
    if (!this.#sendStarted || !this.#sendDone || !this.#outMsg?.over()) return;
    // reset() writes the next head over the last one: only when the transport got copies of it.
    if (this.#encViewsOut) this.#enc = new HeadEncoder();
    else this.#enc.reset();
    this.#encViewsOut = false;
    this.#sendStarted = this.#sendDone = false;
    this.#outMsg = null;
  }

  /** The outgoing body's encoder, made at the first body call from the fields sent. */
  #bodyEncoder(call: string): BodyEncoder {
    const out = this.#outMsg;
    if (!this.#sendDone || out === null) throw new HttpError('EINVAL', `${call} before done(): the head comes first`, ORDER);
    if (out.body !== null) return out.body;
    if (out.ended) throw new HttpError('EPIPE', `${call} after endBody(): the body is finished`, ORDER);
    if (out.takesOver()) throw out.takeOverError(call);
    out.body = new BodyEncoder(out.framing());
    return out.body;
  }

  /**
   * Write body parts after whatever is queued: copied into one write when
   * small, else each as it is (the caller's data is not copied).
   */
  #writeParts(parts: Uint8Array[]): Promise<void> | null {
    let writing = this.#startWrite();
    let n = 0;
    for (const p of parts) n += p.length;
    if (n > GATHER_MAX) {
      for (const p of parts) writing = this.#write(p) ?? writing;
      return writing;
    }
    const bytes = new Uint8Array(n);
    n = 0;
    for (const p of parts) {
      bytes.set(p, n);
      n += p.length;
    }
    return this.#write(bytes) ?? writing;
  }

  /** Half-close after `writing`; the promise of both, or null when neither waits. */
  #halfClose(writing: Promise<void> | null): Promise<void> | null {
    this.#halfClosed = true;
    let closing: Promise<void> | null;
    try {
      closing = this.#t.closeWrite();
    } catch (e) {
      throw this.#failWrite(e);
    }
    if (closing) this.#track(closing);
    return writing && closing ? Promise.all([writing, closing]).then(() => {}) : (writing ?? closing);
  }

  /**
   * A receive: validated now (`EBADF`, `EINVAL`), run when its turn comes in
   * the receive queue. Body reads join the same queue.
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
    const call = kind === 'request' ? 'recvRequest()' : 'recvStatus()';
    if (this.#dec && this.#dec.kind !== kind) throw new HttpError('EINVAL', `${call} on a socket that receives ${this.#dec.kind}s`, ORDER);
    if (this.#startLine) {
      if (!this.#recvDone) throw new HttpError('EINVAL', 'The start line of the incoming head was already asked for', ORDER);
      this.#in!.checkOver(call);
      this.#nextIncoming();
    }
    this.#dec ??= new HeadDecoder(kind, this.#options);
    const ev = await this.#nextEvent(w);
    this.#startLine = true;
    return ev;
  }

  /**
   * The incoming message is over: the decoder starts the next head. Without
   * body bytes (framing none) the decoder still holds exactly the bytes past
   * the head and reset() goes on with them; after a body, a fresh decoder is
   * fed the bytes past the body.
   */
  #nextIncoming(): void {
    const d = this.#dec!;
    if (this.#in!.framing().type === 'none') {
      this.#fed = d.rest().length > 0;
      d.reset();
    } else {
      const rest = this.#own(this.#rest('recvRequest()'));
      const fresh = new HeadDecoder(d.kind, this.#options);
      if (rest.length > 0) fresh.receive(rest);
      this.#dec = fresh;
      this.#fed = rest.length > 0;
    }
    this.#startLine = this.#recvDone = false;
    this.#in = null;
    this.#trailers = [];
  }

  /** The bytes received past the incoming message: past its body once read, else past its head. */
  #rest(call: string): Uint8Array {
    const b = this.#in?.body;
    if (!b) return this.#dec!.rest();
    if (!this.#in!.ended) throw new HttpError('EINVAL', `${call} in the middle of a body: read it to its end first`, ORDER);
    return b.rest();
  }

  /** `bytes`, copied when they are a view of the caller's storage (the next head is decoded into it). */
  #own(bytes: Uint8Array): Uint8Array {
    const storage = this.#options.storage;
    return storage !== undefined && bytes.length > 0 && bytes.buffer === storage.buffer ? bytes.slice() : bytes;
  }

  /** The next field for recvField(), or null once the blank line was read. */
  async #fieldStep(w: Wait): Promise<ReceivedField | null> {
    if (!this.#startLine) throw new HttpError('EINVAL', 'recvField() before recvRequest() or recvStatus()', ORDER);
    const m = this.#in!;
    // Fields recvBody() read ahead are handed out first.
    if (m.given < m.fields.length) return m.fields[m.given++]!;
    if (this.#recvDone || !(await this.#nextField(w))) return null;
    return m.fields[m.given++]!;
  }

  /** Read the next field into the message (true), or the blank line (false). */
  async #nextField(w: Wait): Promise<boolean> {
    const ev = await this.#nextEvent(w);
    if (ev.type === 'done') {
      this.#recvDone = true;
      return false;
    }
    if (ev.type !== 'field') throw unreachable(ev);
    this.#in!.fields.push({ name: ev.name, value: ev.value });
    return true;
  }

  /** One recvBody() step: the next data chunk, or null at the end of the body. */
  async #bodyStep(w: Wait): Promise<Uint8Array | null> {
    if (!this.#startLine) throw new HttpError('EINVAL', 'recvBody() before recvRequest() or recvStatus()', ORDER);
    const m = this.#in!;
    if (m.ended) return null;
    while (!this.#recvDone && (await this.#nextField(w)));
    let b = m.body;
    if (b === null) {
      if (m.takesOver()) throw m.takeOverError('recvBody()');
      b = new BodyDecoder(m.framing(), this.#options);
      const rest = this.#own(this.#dec!.rest());
      if (rest.length > 0) b.receive(rest);
      m.body = b;
    }
    let ended = false;
    for (;;) {
      const ev = b.next();
      if (ev !== NEED_DATA) {
        if (ev.type === 'data') return ev.bytes;
        if (ev.type === 'trailer') {
          m.trailers.push({ name: ev.name, value: ev.value });
          continue;
        }
        m.ended = true;
        this.#trailers = m.trailers;
        return null;
      }
      if (ended) throw new HttpError('EPIPE', 'The peer closed its side', { rule: 'transport' });
      const chunk = await this.#take(w);
      if (chunk === null) {
        ended = true;
        b.end();
      } else b.receive(chunk);
    }
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
      const chunk = await this.#take(w);
      if (chunk === null) {
        ended = true;
        d.end();
      } else {
        this.#fed = true;
        d.receive(chunk);
      }
    }
  }

  /** The next chunk from the transport (null at EOF), waiting for it within `w`. */
  async #take(w: Wait): Promise<Uint8Array | null> {
    // Our own queued lines go out before we wait on the peer.
    if (this.#flushScheduled) this.#startWriteQuietly();
    for (;;) {
      const chunk = this.#t.take();
      if (chunk !== undefined) return chunk;
      await w.race(this.#t.readable());
      w.check(); // failed (closed, detached) after the bytes came: take nothing
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
   * promise when the transport pushes back, else `null`.
   */
  #startWrite(): Promise<void> | null {
    this.#flushScheduled = false;
    if (this.#out.length === 0) return null;
    const parts = this.#out;
    let bytes: Uint8Array;
    if (parts.length === 1) {
      bytes = parts[0]!;
      this.#encViewsOut = true; // maybe a line of the head: not overwritten while the transport may hold it
    } else {
      bytes = new Uint8Array(this.#outBytes);
      let n = 0;
      for (const p of parts) {
        bytes.set(p, n);
        n += p.length;
      }
    }
    this.#out = [];
    this.#outBytes = 0;
    return this.#write(bytes);
  }

  /**
   * One transport write. Every write promise is tracked at once, so a failure
   * nobody waits for is kept, not unhandled.
   */
  #write(bytes: Uint8Array): Promise<void> | null {
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

/**
 * The method of the request a response with status `code` answers, from the
 * FIFO of requests not yet answered: a final (or 101) response takes it off,
 * a 1xx leaves it for the final one.
 */
function answered(methods: string[], code: number): string | undefined {
  return code >= 200 || code === 101 ? methods.shift() : methods[0];
}

function unreachable(ev: HeadEvent): Error {
  return new Error(`headwire: unexpected ${ev.type} event`);
}
