// BodyDecoder: the message body after a head, framed as framing() decided
// (RFC 9112 §6.3), sans-I/O like HeadDecoder: bytes in, events out.
//
// INVARIANT: however the same bytes are split across receive() calls, the
// concatenated data, the trailers, `end`, rest() and the error (code, rule,
// offset counted from the first body byte) are the same. Data events are
// views of received chunks, never empty, never copied; no byte is scanned
// twice (chunk data not at all).
import { type BodyDecoderOptions, type ResolvedBodyOptions, bodyTooLarge, resolveBodyOptions } from './body-options.ts';
import { ChunkedReader } from './chunked.ts';
import { HttpError } from './errors.ts';
import { type BodyEvent, type DataEvent, type EndEvent, NEED_DATA, type NeedData } from './events.ts';
import type { Framing } from './framing.ts';
import { ChunkQueue } from './input.ts';
import { TrailerSection } from './trailers.ts';

const EMPTY = new Uint8Array(0);

/**
 * The incremental body decoder: feed it the bytes after a head (start with
 * HeadDecoder.rest()), read `data` events until `end`, then take rest(): the
 * next message's bytes on a keep-alive or pipelined connection.
 *
 * - `none` (and `upgrade`): `end` at once; every byte received is rest().
 * - `length`: exactly `length` bytes, then `end`. EOF first is `ECONNRESET`.
 * - `close`: every byte until end() (EOF), then `end`.
 * - `chunked`: the chunked coding, strictly (chunked.ts; docs/bodies.md),
 *   trailer fields as `trailer` events before `end`.
 *
 * Errors are `HttpError`s with `offset` counted from the first body byte:
 * `EPROTO` (rules `chunk-size`, `chunk-ext`, `chunk-data`, `bare-cr`,
 * `bare-lf`, and the field rules in trailers), `EMSGSIZE` (`body-too-large`,
 * `chunk-extensions-too-large`, `trailer-too-large`, `too-many-trailers`),
 * `ECONNRESET` (rule `eof`). Failure is sticky. For `upgrade` the bytes after
 * the head belong to the new protocol: the decoder ends at once and hands
 * them over in rest(), never reading them.
 *
 * @example
 * ```ts
 * const b = new BodyDecoder({ type: 'chunked' });
 * b.receive(new TextEncoder().encode('5\r\nhello\r\n0\r\nDigest: x\r\n\r\nGET / HTTP/1.1\r\n'));
 * b.next(); // { type: 'data', bytes: <"hello"> }
 * b.next(); // { type: 'trailer', name: 'Digest', value: 'x' }
 * b.next(); // { type: 'end' }
 * b.rest(); // <"GET / HTTP/1.1\r\n">: the next request
 * ```
 */
export class BodyDecoder {
  /** The framing this body is read with. */
  readonly framing: Framing;
  readonly #o: ResolvedBodyOptions;

  // Bytes: #buf[#pos, length) are not consumed yet; #buf[0] is at body offset #base.
  #buf: Uint8Array = EMPTY;
  #pos = 0;
  #base = 0;
  #queue = new ChunkQueue();
  #eof = false;

  /** length: bytes still to come. close: bytes delivered so far. */
  #count = 0;
  #started = false;
  #chunked: ChunkedReader | null = null;
  #trailers: TrailerSection | null = null;
  #ended = false;
  #error: HttpError | null = null;

  constructor(framing: Framing, options?: BodyDecoderOptions) {
    this.framing = checkFraming(framing);
    this.#o = resolveBodyOptions(options);
    if (framing.type === 'length') this.#count = framing.length;
    else if (framing.type === 'chunked') this.#chunked = new ChunkedReader(this.#o);
  }

  /** Queue bytes from the peer. The chunk is not copied; data events are views of it. */
  receive(bytes: Uint8Array): void {
    if (this.#eof) throw new HttpError('EINVAL', 'receive() after end(): the peer already closed', { rule: 'eof' });
    if (!(bytes instanceof Uint8Array)) throw new HttpError('EINVAL', 'receive() takes a Uint8Array', { rule: 'bytes' });
    if (bytes.length === 0) return;
    if (this.#trailers !== null) this.#trailers.receive(bytes);
    else this.#queue.push(bytes);
  }

  /** The peer closed its side (EOF): a `close` body ends; any other unfinished body fails with `ECONNRESET`. */
  end(): void {
    this.#eof = true;
    this.#trailers?.end();
  }

  /**
   * The next event, or `NEED_DATA`. After `end` it returns `NEED_DATA`. Throws
   * HttpError (sticky).
   */
  next(): BodyEvent | NeedData {
    if (this.#error !== null) throw this.#error;
    if (this.#ended) return NEED_DATA;
    try {
      return this.#next();
    } catch (e) {
      if (e instanceof HttpError) this.#error = e;
      throw e;
    }
  }

  /**
   * After `end`: every byte received past the body, in order (a view when
   * they sit in one chunk, else a copy). Later receive() calls add to it.
   */
  rest(): Uint8Array {
    if (!this.#ended) throw new HttpError('EINVAL', 'rest() before the body has ended', { rule: 'rest' });
    return this.#queue.concatAfter(this.#buf.subarray(this.#pos));
  }

  #next(): BodyEvent | NeedData {
    const f = this.framing;
    switch (f.type) {
      case 'none':
      case 'upgrade':
        return this.#end();
      case 'length':
        return this.#nextLength(f.length);
      case 'close':
        return this.#nextClose();
      default:
        return this.#nextChunked(this.#chunked!);
    }
  }

  #nextLength(length: number): BodyEvent | NeedData {
    if (!this.#started) {
      this.#started = true;
      // Decided from the declared size, before any data arrives.
      if (length > this.#o.maxBody) throw tooLarge(this.#o.maxBody, 0);
    }
    if (this.#count === 0) return this.#end();
    if (!this.#available()) {
      if (!this.#eof) return NEED_DATA;
      const at = this.#base + this.#buf.length;
      throw new HttpError('ECONNRESET', `Connection closed after ${at} of ${length} body bytes at offset ${at}`, {
        offset: at,
        rule: 'eof',
        statusHint: 400,
      });
    }
    const data = this.#take(this.#count);
    this.#count -= data.bytes.length;
    return data;
  }

  #nextClose(): BodyEvent | NeedData {
    if (!this.#available()) return this.#eof ? this.#end() : NEED_DATA;
    const room = this.#o.maxBody - this.#count;
    if (room === 0) throw tooLarge(this.#o.maxBody, this.#count);
    const data = this.#take(room);
    this.#count += data.bytes.length;
    return data;
  }

  #nextChunked(r: ChunkedReader): BodyEvent | NeedData {
    for (;;) {
      const t = this.#trailers;
      if (t !== null) {
        const ev = t.next();
        if (ev === NEED_DATA || ev.type === 'trailer') return ev;
        this.#buf = t.rest();
        this.#pos = 0;
        this.#trailers = null;
        return this.#end();
      }
      const phase = r.phase;
      if (phase === 'end') return this.#end();
      if (phase === 'trailers') {
        this.#startTrailers();
        continue;
      }
      if (!this.#available()) {
        if (!this.#eof) return NEED_DATA;
        const at = this.#base + this.#buf.length;
        throw new HttpError('ECONNRESET', `Connection closed in the middle of a chunked body at offset ${at}`, {
          offset: at,
          rule: 'eof',
          statusHint: 400,
        });
      }
      if (phase === 'data') {
        const data = this.#take(r.dataLeft);
        r.took(data.bytes.length);
        return data;
      }
      this.#pos = r.scan(this.#buf, this.#pos, this.#base);
    }
  }

  /** Hand every unconsumed byte to the trailer section; it reads from here on. */
  #startTrailers(): void {
    const t = new TrailerSection(this.#base + this.#pos, this.#o);
    if (this.#pos < this.#buf.length) t.receive(this.#buf.subarray(this.#pos));
    const q = this.#queue;
    while (!q.empty) {
      const chunk = q.peek();
      t.receive(chunk);
      this.#base += this.#buf.length;
      this.#buf = chunk;
      q.consume(chunk.length);
    }
    this.#pos = this.#buf.length;
    if (this.#eof) t.end();
    this.#trailers = t;
  }

  /** Bytes are at #buf[#pos]: pulls the next queued chunk when #buf is used up. */
  #available(): boolean {
    if (this.#pos < this.#buf.length) return true;
    const q = this.#queue;
    if (q.empty) return false;
    const chunk = q.peek();
    q.consume(chunk.length);
    this.#base += this.#buf.length;
    this.#buf = chunk;
    this.#pos = 0;
    return true;
  }

  /** A data event of the available bytes, at most `max` (> 0) of them; they are consumed. */
  #take(max: number): DataEvent {
    const from = this.#pos;
    const avail = this.#buf.length - from;
    const n = avail < max ? avail : max;
    this.#pos = from + n;
    return { type: 'data', bytes: n === this.#buf.length ? this.#buf : this.#buf.subarray(from, from + n) };
  }

  #end(): EndEvent {
    this.#ended = true;
    return { type: 'end' };
  }
}

function tooLarge(max: number, offset: number): HttpError {
  return new HttpError('EMSGSIZE', `${bodyTooLarge(max)} at offset ${offset}`, { offset, rule: 'body-too-large', statusHint: 413 });
}

/** The framing as given, after checking it is one framing() could return. */
export function checkFraming(f: Framing): Framing {
  const type = (f as { type?: unknown } | null)?.type;
  if (type === 'length') {
    const n = (f as { length?: unknown }).length;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new HttpError('EINVAL', `A length framing needs a length in 0..2^53-1, got ${String(n)}`, { rule: 'framing' });
    }
    return f;
  }
  if (type === 'none' || type === 'chunked' || type === 'close' || type === 'upgrade') return f;
  throw new HttpError('EINVAL', `Unknown framing ${String(type)}: expected a framing() result`, { rule: 'framing' });
}
