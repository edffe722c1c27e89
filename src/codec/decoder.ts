import { COLON, CR, FIELD_VALUE_CHAR, HTAB, LF, REASON_CHAR, SP, TARGET_CHAR, TCHAR } from './chars.ts';
import { type ErrorCode, HttpError, type StatusHint, escapeBytes, hexByte } from './errors.ts';
import { type FieldEvent, type HeadEvent, type HeadKind, NEED_DATA, type NeedData } from './events.ts';
import { byteString, trimOws } from './latin1.ts';
import { type DecoderOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import { ChunkQueue } from './queue.ts';

// States are named for what the machine waits for.
const S_LEADING = 0; //       first byte of the start line; empty lines before it are skipped (§2.2)
const S_LEADING_LF = 1; //    the LF of an empty line before the start line
const S_METHOD = 2; //        the rest of the method, up to SP
const S_TARGET_START = 3; //  the first byte of the request-target
const S_TARGET = 4; //        the rest of the request-target, up to SP
const S_VERSION = 5; //       the next byte of "HTTP/1.0" or "HTTP/1.1" (#k counts)
const S_VERSION_END = 6; //   request: the line end after the version; response: SP
const S_CODE = 7; //          the next status-code digit (#k counts)
const S_CODE_END = 8; //      SP before the reason, or the line end
const S_REASON = 9; //        the rest of the reason-phrase
const S_START_LF = 10; //     the LF after the start line's CR
const S_FIELD_START = 11; //  a field name, obs-fold whitespace, or the blank line
const S_NAME = 12; //         the rest of the field name, up to ':'
const S_VALUE_OWS = 13; //    OWS before the value (or before a continuation's content)
const S_VALUE = 14; //        the rest of the value, up to the line end
const S_FIELD_LF = 15; //     the LF after a field line's CR
const S_END_LF = 16; //       the LF of the blank line
const S_DONE = 17; //         nothing: the head is complete; reset() starts the next
const S_FAILED = 18; //       nothing: sticky error until reset()

// Records of completed lines, pushed by the scanner and turned into events in
// one batch so each batch costs one native string decode (see DESIGN.md, Performance).
// Offsets are absolute stream offsets.
const R_REQUEST = 1; //  method start, method end, target start, target end, version (0 = 1.0, 1 = 1.1)
const R_STATUS = 2; //   code, reason start, reason end, version
const R_FIELD = 3; //    name start, name end, value start, value end (trimmed), line end (untrimmed)
const R_FOLD = 4; //     continuation start (after RWS), line end
const R_CONFIRM = 5; //  the held field is final: the next line does not continue it
const R_DONE = 6;

// The span layout scanHead writes (see spans.ts): a header, then 4 ints per field.
export const SPAN_HEADER = 6;
export const SPAN_FIELD = 4;

const HTTP_1 = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e]; // "HTTP/1."
const EMPTY = new Uint8Array(0);
const FIRST_WORK_SIZE = 256;
// Chunks up to this size that continue a line already gathered in #work are copied
// there by receive() instead of being queued: for a trickling peer, copying a few
// bytes costs less than a queue round trip and a #pull per chunk. Larger chunks
// (the common case) are never copied.
const SMALL_CHUNK = 64;
// Values with at least this many bytes left in #buf are scanned four bytes at a
// time first (below it, making the view costs more than it saves).
const WORD_SCAN_MIN = 24;

/**
 * Hooks for the one-shot entry points (parse.ts, spans.ts), set in HeadDecoder's
 * static block so they can reach its private scanner. Not exported from the package.
 */
export let parseWhole: (d: HeadDecoder, bytes: Uint8Array) => HeadEvent[] | null;
export let scanWhole: (d: HeadDecoder, bytes: Uint8Array, out: Int32Array) => number;

/**
 * The incremental head decoder: bytes in, events out (h11's `receive_data` /
 * `next_event`). It never does I/O and never rescans a byte: a head that
 * arrives one byte at a time costs O(n).
 *
 * INVARIANT: the same bytes give the same events and the same error however
 * they are split across `receive()` calls, limits included.
 *
 * @example
 * ```ts
 * const d = new HeadDecoder('request');
 * d.receive(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\nbody'));
 * for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
 *   console.log(ev); // {type:'request',...}, {type:'field',name:'Host',value:'a'}, {type:'done'}
 *   if (ev.type === 'done') break;
 * }
 * d.rest(); // Uint8Array of "body"
 * ```
 */
export class HeadDecoder {
  readonly kind: HeadKind;
  readonly #o: ResolvedOptions;

  // Bytes: #buf[0, #end) are contiguous stream bytes starting at absolute #base;
  // #queue holds later chunks, not yet looked at. #work is the buffer a line split
  // across chunks is gathered in (the caller's storage when given).
  #buf: Uint8Array = EMPTY;
  #base = 0;
  #end = 0;
  #pos = 0; // next byte to scan
  #lineStart = 0; // first byte of the line being scanned (kept when #buf is replaced)
  #queue = new ChunkQueue();
  #work: Uint8Array;
  #eof = false;

  // The message being scanned.
  #state = S_LEADING;
  #headStart = 0; // absolute offset of the message's first byte
  #started = false; // a byte other than an empty line was seen
  #fields = 0;
  #holding = false; // a field line ended and the next line may still fold into it
  #fold = false; // the line being scanned is an obs-fold continuation
  #k = 0; // position inside "HTTP/1.x" or the status code
  #code = 0;
  #version = 0;
  #m1 = 0; // span marks, absolute: method/name/version start
  #m2 = 0; // method/name end
  #m3 = 0; // target/value/reason start
  #m4 = 0; // target/reason end
  #lineHi = 0; // OR of the line's bytes that may be >= 0x80

  // The word-at-a-time value scan reads through a DataView over #buf.
  #dv: DataView | null = null;
  #dvOf: Uint8Array | null = null;

  // Records waiting to become events.
  #rec: number[] = [];
  #recN = 0; // records are #rec[0, #recN): the array keeps its capacity across heads
  #batchFrom = -1;
  #batchTo = 0;
  #batchHi = 0;

  // Events are made from the records one per next() call, by slicing #str: the
  // batch's bytes #batchFrom.. decoded once (no queue of event objects).
  #recAt = 0; // the next record to turn into an event
  #str = '';
  #strFrom = 0;
  #held: FieldEvent | null = null;
  #heldRaw = '';
  #delivered = false; // the 'done' event was returned
  #error: HttpError | null = null;

  constructor(kind: HeadKind, options?: DecoderOptions) {
    if (kind !== 'request' && kind !== 'response') {
      throw new HttpError('EINVAL', `Kind must be 'request' or 'response', got ${String(kind)}`, { rule: 'kind' });
    }
    this.kind = kind;
    this.#o = resolveOptions(kind, options);
    this.#work = this.#o.storage ?? EMPTY;
  }

  /**
   * Queue bytes from the peer. The chunk is not copied; do not change it until
   * the head that holds it is done.
   */
  receive(bytes: Uint8Array): void {
    if (this.#eof) throw new HttpError('EINVAL', 'receive() after end(): the peer already closed', { rule: 'eof' });
    if (!(bytes instanceof Uint8Array)) throw new HttpError('EINVAL', 'receive() takes a Uint8Array', { rule: 'bytes' });
    const n = bytes.length;
    if (n === 0) return;
    if (n <= SMALL_CHUNK && this.#buf === this.#work && this.#pos === this.#end && this.#queue.empty) {
      const work = this.#work;
      let end = this.#end;
      if (end + n > work.length && this.#lineStart > 0) {
        // Everything before the line being scanned is done with: drop it.
        const from = this.#lineStart;
        work.copyWithin(0, from, end);
        this.#base += from;
        this.#pos = this.#end = end -= from;
        this.#lineStart = 0;
      }
      if (end + n <= work.length) {
        if (n === 1) work[end] = bytes[0]!;
        else work.set(bytes, end);
        this.#end = end + n;
        return;
      }
    }
    this.#queue.push(bytes);
  }

  /** The peer closed its side (EOF). A head left unfinished then fails with `ECONNRESET`. */
  end(): void {
    this.#eof = true;
  }

  /** What the decoder waits for: `'start-line'`, `'field-line'`, `'done'` or `'failed'`. */
  get state(): 'start-line' | 'field-line' | 'done' | 'failed' {
    const s = this.#state;
    return s === S_FAILED ? 'failed' : s === S_DONE ? 'done' : s < S_FIELD_START ? 'start-line' : 'field-line';
  }

  /**
   * The next event, or `NEED_DATA` when more bytes are needed. Throws
   * `HttpError`: `EPROTO` for bytes the grammar forbids, `EMSGSIZE` for a
   * limit, `ECONNRESET` when the peer closed mid-head, `EPIPE` when it closed
   * before a head began. After `done` it returns `NEED_DATA` until `reset()`.
   */
  next(): HeadEvent | NeedData {
    for (;;) {
      if (this.#recAt < this.#recN) {
        const ev = this.#event();
        if (ev !== null) return ev;
        continue;
      }
      // INVARIANT: #error is set exactly when the state is S_FAILED.
      if (this.#state >= S_DONE) {
        if (this.#error) throw this.#error;
        return NEED_DATA;
      }
      this.#scan();
      if (this.#recN > 0) {
        this.#decodeBatch();
        continue;
      }
      if (this.#state >= S_DONE) continue;
      // Out of bytes in #buf, or at the head limit.
      const atLimit = this.#base + this.#pos >= this.#headStart + this.#o.maxHead;
      if (atLimit && (this.#end > this.#pos || !this.#queue.empty)) {
        this.#failLimit(this.#headStart + this.#o.maxHead, this.#o.maxHeadRule);
        continue;
      }
      if (!atLimit && this.#pull()) continue;
      if (this.#eof) {
        const at = this.#base + this.#end;
        if (this.#started) {
          this.#fail('ECONNRESET', 'eof', at, 'Connection closed in the middle of a head', 400);
        } else {
          this.#error = new HttpError('EPIPE', `Connection closed before a head began at offset ${at}`, {
            offset: at,
            rule: 'eof',
          });
          this.#state = S_FAILED;
        }
        continue;
      }
      return NEED_DATA;
    }
  }

  /**
   * After `done`: every byte received past the blank line, in order, across all
   * chunks received so far. A view into a received chunk (or into storage) when
   * those bytes sit in one piece; a copy otherwise.
   */
  rest(): Uint8Array {
    if (this.#state !== S_DONE) {
      throw new HttpError('EINVAL', 'rest() before the head is done', { rule: 'rest' });
    }
    // Bytes past the head in the decoder's own #work buffer are copied: receive()
    // may write there again after reset(). Caller storage stays a view (documented).
    const left = this.#buf.subarray(this.#pos, this.#end);
    const own = this.#buf === this.#work && this.#o.storage === undefined && left.length > 0;
    return this.#queue.concatAfter(own ? left.slice() : left);
  }

  /**
   * Start the next message on the same connection (keep-alive, pipelining).
   * After `done`, the bytes past the head stay queued and are decoded next.
   * After an error, everything received is dropped. Mid-head it is `EINVAL`.
   */
  reset(): void {
    if (this.#state === S_FAILED) {
      this.#base += this.#end + this.#queue.byteLength();
      this.#buf = EMPTY;
      this.#end = this.#pos = 0;
      this.#queue.clear();
      this.#recN = this.#recAt = 0;
      this.#batchFrom = -1;
      this.#batchHi = 0;
    } else if (this.#state === S_DONE) {
      if (!this.#delivered) throw new HttpError('EINVAL', 'reset() before the done event was read', { rule: 'reset' });
    } else if (this.#started || this.#recAt < this.#recN) {
      throw new HttpError('EINVAL', 'reset() in the middle of a head would drop its bytes', { rule: 'reset' });
    }
    this.#lineStart = this.#pos;
    this.#headStart = this.#base + this.#pos;
    this.#state = S_LEADING;
    this.#started = false;
    this.#fields = 0;
    this.#holding = false;
    this.#fold = false;
    this.#lineHi = 0;
    this.#recN = this.#recAt = 0;
    this.#str = '';
    this.#held = null;
    this.#delivered = false;
    this.#error = null;
  }

  /**
   * Make the next queued chunk available to the scanner. When the line being
   * scanned is unfinished, it is gathered in #work together with the new bytes
   * up to the next LF (never past the head limit); the rest of the chunk stays
   * queued, uncopied.
   */
  #pull(): boolean {
    const q = this.#queue;
    if (q.empty) return false;
    const chunk = q.peek();
    const keep = this.#end - this.#lineStart;
    if (keep === 0) {
      q.consume(chunk.length);
      this.#base += this.#end;
      this.#buf = chunk;
      this.#end = chunk.length;
      this.#pos = this.#lineStart = 0;
      return true;
    }
    // Take the chunk's bytes through the first LF, never past the head limit
    // (room > 0: next() checked the limit). A loop, not indexOf on a subarray:
    // a trickling peer sends tiny chunks, where the view and native call dominate.
    const room = this.#headStart + this.#o.maxHead - (this.#base + this.#end);
    const stop = room < chunk.length ? room : chunk.length;
    let take = 0;
    while (take < stop && chunk[take] !== LF) take++;
    if (take < stop) take++;
    let work = this.#work;
    if (keep + take > work.length) {
      // Never reached with caller storage: keep + take <= maxHead <= storage.length.
      let size = Math.max(work.length * 2, FIRST_WORK_SIZE);
      while (size < keep + take) size *= 2;
      work = this.#work = new Uint8Array(Math.min(size, this.#o.maxHead));
      work.set(this.#buf.subarray(this.#lineStart, this.#end), 0);
    } else if (this.#buf !== work) {
      work.set(this.#buf.subarray(this.#lineStart, this.#end), 0);
    } else if (this.#lineStart > 0) {
      work.copyWithin(0, this.#lineStart, this.#end);
    }
    if (take === 1) work[keep] = chunk[0]!;
    else work.set(take === chunk.length ? chunk : chunk.subarray(0, take), keep);
    q.consume(take);
    this.#base += this.#lineStart;
    this.#pos -= this.#lineStart;
    this.#lineStart = 0;
    this.#buf = work;
    this.#end = keep + take;
    return true;
  }

  /**
   * The state machine: one pass over #buf[#pos, end), never past the head limit.
   * It stops when the bytes run out, at the end of the head, or at an error, and
   * pushes a record for each completed line.
   */
  #scan(): void {
    const buf = this.#buf;
    const base = this.#base;
    const o = this.#o;
    const limit = this.#headStart + o.maxHead - base;
    const e = this.#end < limit ? this.#end : limit;
    let i = this.#pos;
    let state = this.#state;
    let hi = this.#lineHi;
    let c = 0;
    let dv: DataView | null = null; // made on the first long span of this call
    scan: while (i < e) {
      switch (state) {
        case S_LEADING: {
          c = buf[i]!;
          if (c === CR) {
            state = S_LEADING_LF;
            i++;
            continue;
          }
          if (c === LF) {
            if (!o.lfOnly) return this.#failAt(i, 'bare-lf', 'Bare LF');
            this.#lineStart = ++i;
            continue;
          }
          this.#started = true;
          this.#m1 = base + i;
          if (this.kind === 'request') {
            if (!TCHAR[c]) return this.#failAt(i, 'method', 'Invalid byte in method');
            state = S_METHOD;
            i++;
          } else {
            this.#k = 0;
            state = S_VERSION;
          }
          continue;
        }
        case S_LEADING_LF: {
          if (buf[i] !== LF) return this.#failAt(i - 1, 'bare-cr', 'Bare CR');
          this.#lineStart = ++i;
          state = S_LEADING;
          continue;
        }
        case S_METHOD: {
          while (i < e && TCHAR[buf[i]!]) i++;
          if (i === e) break scan;
          if (buf[i] !== SP) return this.#failAt(i, 'method', 'Invalid byte in method');
          this.#m2 = base + i++;
          state = S_TARGET_START;
          continue;
        }
        case S_TARGET_START: {
          c = buf[i]!;
          if (!TARGET_CHAR[c]) {
            return this.#failAt(i, 'request-target', c === SP ? 'More than one SP before request target' : 'Invalid byte in request target');
          }
          this.#m3 = base + i++;
          state = S_TARGET;
          continue;
        }
        case S_TARGET: {
          while (i < e && TARGET_CHAR[buf[i]!]) i++;
          if (i === e) break scan;
          if (buf[i] !== SP) {
            const eol = buf[i] === CR || buf[i] === LF;
            return this.#failAt(i, 'request-target', eol ? 'Request line ends without an HTTP version' : 'Invalid byte in request target');
          }
          this.#m4 = base + i++;
          this.#k = 0;
          state = S_VERSION;
          continue;
        }
        case S_VERSION: {
          // HTTP-version = HTTP-name "/" DIGIT "." DIGIT, and only 1.0 and 1.1 are spoken here
          c = buf[i]!;
          const k = this.#k;
          if (k < 7) {
            if (c !== HTTP_1[k]) return this.#failVersion(i);
            this.#k = k + 1;
          } else {
            if (c !== 0x30 && c !== 0x31) return this.#failVersion(i);
            this.#version = c - 0x30;
            state = S_VERSION_END;
          }
          i++;
          continue;
        }
        case S_VERSION_END: {
          c = buf[i]!;
          if (this.kind === 'response') {
            if (c !== SP) return this.#failVersion(i);
            this.#k = 0;
            this.#code = 0;
            state = S_CODE;
            i++;
            continue;
          }
          if (c === CR) {
            state = S_START_LF;
            i++;
            continue;
          }
          if (c === LF) {
            if (!o.lfOnly) return this.#failAt(i, 'bare-lf', 'Bare LF');
            this.#startLine(++i);
            state = S_FIELD_START;
            continue;
          }
          return this.#failVersion(i);
        }
        case S_CODE: {
          // status-code = 3DIGIT
          c = buf[i]!;
          if (c < 0x30 || c > 0x39) return this.#failAt(i, 'status-code', 'Invalid byte in status code');
          this.#code = this.#code * 10 + (c - 0x30);
          if (++this.#k === 3) {
            if (this.#code < 100 || this.#code > 599) {
              return this.#failAt(i - 2, 'status-code', `Status code ${this.#code} outside 100-599`);
            }
            state = S_CODE_END;
          }
          i++;
          continue;
        }
        case S_CODE_END: {
          c = buf[i]!;
          this.#m3 = this.#m4 = base + i;
          if (c === SP) {
            this.#m3 = this.#m4 = base + ++i;
            state = S_REASON;
            continue;
          }
          // A missing SP before an empty reason is accepted, as every peer does.
          if (c === CR) {
            state = S_START_LF;
            i++;
            continue;
          }
          if (c === LF) {
            if (!o.lfOnly) return this.#failAt(i, 'bare-lf', 'Bare LF');
            this.#startLine(++i);
            state = S_FIELD_START;
            continue;
          }
          return this.#failAt(i, 'status-code', 'Invalid byte after status code');
        }
        case S_REASON: {
          // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ), kept exactly
          while (i < e && REASON_CHAR[(c = buf[i]!)]) {
            hi |= c;
            i++;
          }
          if (i === e) break scan;
          this.#m4 = base + i;
          if (c === CR) {
            state = S_START_LF;
            i++;
            continue;
          }
          if (c === LF) {
            if (!o.lfOnly) return this.#failAt(i, 'bare-lf', 'Bare LF');
            this.#lineHi = hi;
            hi = 0;
            this.#startLine(++i);
            state = S_FIELD_START;
            continue;
          }
          return this.#failAt(i, 'reason-phrase', 'Invalid byte in reason phrase');
        }
        case S_START_LF: {
          if (buf[i] !== LF) return this.#failAt(i - 1, 'bare-cr', 'Bare CR');
          this.#lineHi = hi;
          hi = 0;
          this.#startLine(++i);
          state = S_FIELD_START;
          continue;
        }
        case S_FIELD_START: {
          // The common path of a field line falls through S_NAME, S_VALUE_OWS,
          // S_VALUE and S_FIELD_LF without a dispatch per token; each sets
          // `state` only when the bytes run out inside it.
          c = buf[i]!;
          if (!TCHAR[c]) {
            if (c === CR) {
              state = S_END_LF;
              i++;
              continue;
            }
            if (c === LF) {
              if (!o.lfOnly) return this.#failAt(i, 'bare-lf', 'Bare LF');
              this.#endHead(i + 1);
              i++;
              state = S_DONE;
              break scan;
            }
            if (c === SP || c === HTAB) {
              // RFC 9112 §2.2: whitespace between the start line and the first field
              // is rejected. §5.2: obs-fold is rejected or replaced, by option.
              if (!this.#holding) return this.#failAt(i, 'whitespace-after-start-line', 'Whitespace before the first field line');
              if (!o.foldReplace) return this.#failAt(i, 'obs-fold', 'Obsolete line folding (obs-fold)');
              this.#fold = true;
              state = S_VALUE_OWS;
              i++;
              continue;
            }
            return this.#failAt(i, 'field-name', 'Invalid byte in field name');
          }
          if (this.#holding) {
            if (o.foldReplace) this.#rec[this.#recN++] = R_CONFIRM;
            this.#holding = false;
          }
          if (this.#fields === o.maxFields) {
            this.#failLimit(base + i, 'too-many-fields');
            return;
          }
          this.#fields++;
          this.#m1 = base + i++;
          this.#fold = false;
        }
        // falls through
        case S_NAME: {
          while (i < e && TCHAR[buf[i]!]) i++;
          if (i === e) {
            state = S_NAME;
            break scan;
          }
          c = buf[i]!;
          if (c !== COLON) {
            if (c === SP || c === HTAB) return this.#failAt(i, 'field-name', 'Whitespace between field name and colon');
            if (c === CR || c === LF) return this.#failAt(i, 'field-name', 'Field line without a colon');
            return this.#failAt(i, 'field-name', 'Invalid byte in field name');
          }
          this.#m2 = base + i++;
        }
        // falls through
        case S_VALUE_OWS: {
          while (i < e && ((c = buf[i]!) === SP || c === HTAB)) i++;
          if (i === e) {
            state = S_VALUE_OWS;
            break scan;
          }
          this.#m3 = base + i;
        }
        // falls through
        case S_VALUE: {
          // field-value = *field-content; field-vchar = VCHAR / obs-text; SP and HTAB
          // inside. Four bytes at a time while they are all SP or VCHAR (the common
          // case), then byte by byte; trailing OWS is trimmed at the line end.
          if (e - i >= WORD_SCAN_MIN) {
            if (dv === null) dv = this.#dvOf === buf ? this.#dv! : this.#makeView(buf);
            const e4 = e - 4;
            while (i <= e4) {
              const w = dv.getInt32(i, true);
              if ((((w - 0x20202020) & ~w) | ((w + 0x01010101) | w)) & 0x80808080) break;
              i += 4;
            }
          }
          while (i < e) {
            c = buf[i]!;
            if (c >= SP && c < 0x7f) i++;
            else if (c >= 0x80 || c === HTAB) {
              hi |= c;
              i++;
            } else break;
          }
          if (i === e) {
            state = S_VALUE;
            break scan;
          }
          if (c === LF) {
            if (!o.lfOnly) return this.#failAt(i, 'bare-lf', 'Bare LF');
            this.#lineHi = hi;
            hi = 0;
            this.#fieldLine(i++);
            state = S_FIELD_START;
            continue;
          }
          if (c !== CR) return this.#failAt(i, 'field-value', 'Invalid byte in field value');
          i++;
        }
        // falls through
        case S_FIELD_LF: {
          if (i === e) {
            state = S_FIELD_LF;
            break scan;
          }
          if (buf[i] !== LF) return this.#failAt(i - 1, 'bare-cr', 'Bare CR');
          this.#lineHi = hi;
          hi = 0;
          this.#fieldLine(i - 1);
          i++;
          state = S_FIELD_START;
          continue;
        }
        case S_END_LF: {
          if (buf[i] !== LF) return this.#failAt(i - 1, 'bare-cr', 'Bare CR');
          i++;
          this.#endHead(i);
          state = S_DONE;
          break scan;
        }
        default:
          break scan;
      }
    }
    this.#pos = i;
    this.#state = state;
    this.#lineHi = hi;
  }

  /** A DataView over `buf`, kept for the next scans of it (#work, a chunk fed in pieces). */
  #makeView(buf: Uint8Array): DataView {
    this.#dvOf = buf;
    return (this.#dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
  }

  /** The start line ended; the next line starts at buffer index `next`. */
  #startLine(next: number): void {
    const rec = this.#rec;
    let n = this.#recN;
    if (this.kind === 'request') {
      rec[n++] = R_REQUEST;
      rec[n++] = this.#m1;
      rec[n++] = this.#m2;
      rec[n++] = this.#m3;
      rec[n++] = this.#m4;
      rec[n++] = this.#version;
      this.#span(this.#m1, this.#m4);
    } else {
      rec[n++] = R_STATUS;
      rec[n++] = this.#code;
      rec[n++] = this.#m3;
      rec[n++] = this.#m4;
      rec[n++] = this.#version;
      this.#span(this.#m3, this.#m4);
    }
    this.#recN = n;
    this.#lineStart = next;
  }

  /** A field line (or continuation) ended at buffer index `eol`. */
  #fieldLine(eol: number): void {
    let c = 0;
    const lineEnd = this.#base + eol;
    const rec = this.#rec;
    let n = this.#recN;
    if (this.#fold) {
      rec[n++] = R_FOLD;
      rec[n++] = this.#m3;
      rec[n++] = lineEnd;
      this.#span(this.#m3, lineEnd);
    } else {
      // Trailing OWS: the whole line is in #buf (#pull gathers a split line), so
      // the value's end is found by stepping back from the line end.
      const buf = this.#buf;
      const from = this.#m3 - this.#base;
      let to = eol;
      while (to > from && ((c = buf[to - 1]!) === SP || c === HTAB)) to--;
      rec[n++] = R_FIELD;
      rec[n++] = this.#m1;
      rec[n++] = this.#m2;
      rec[n++] = this.#m3;
      rec[n++] = this.#base + to;
      rec[n++] = lineEnd;
      this.#span(this.#m1, lineEnd);
      // Where folds are rejected, nothing can continue this field: deliver it now,
      // so a peer sending one field at a time is answered at once. Where folds are
      // replaced, it waits for the next line's first byte.
      if (!this.#o.foldReplace) rec[n++] = R_CONFIRM;
    }
    this.#recN = n;
    this.#holding = true;
    this.#lineStart = eol + (this.#buf[eol] === CR ? 2 : 1);
  }

  #endHead(afterLf: number): void {
    this.#rec[this.#recN++] = R_DONE;
    this.#holding = false;
    this.#lineStart = afterLf;
  }

  #span(from: number, to: number): void {
    if (this.#batchFrom < 0) this.#batchFrom = from;
    this.#batchTo = to;
    this.#batchHi |= this.#lineHi;
    this.#lineHi = 0;
  }

  /**
   * One-shot decode of `bytes` as a whole stream starting at offset 0 (parseHead,
   * scanHead): the same scanner and the same end-of-input rules as next(), minus
   * the chunk queue. Returns true when the head is complete (its records are in
   * #rec), false when the bytes end before the blank line; throws the error next()
   * would throw. The caller must call #release() afterwards.
   */
  #oneShot(bytes: Uint8Array): boolean {
    if (!(bytes instanceof Uint8Array)) throw new HttpError('EINVAL', 'receive() takes a Uint8Array', { rule: 'bytes' });
    this.#buf = bytes;
    this.#base = this.#pos = this.#lineStart = this.#headStart = this.#fields = this.#lineHi = this.#batchHi = 0;
    this.#end = bytes.length;
    this.#state = S_LEADING;
    this.#started = this.#holding = this.#fold = false;
    this.#recN = this.#recAt = 0;
    this.#batchFrom = -1;
    this.#held = null;
    this.#error = null;
    this.#scan();
    if (this.#state === S_DONE) return true;
    if (this.#error === null) {
      if (this.#pos < this.#o.maxHead || this.#end === this.#pos) return false;
      this.#failLimit(this.#o.maxHead, this.#o.maxHeadRule);
    }
    const e = this.#error!;
    this.#release();
    throw e;
  }

  /** Forget a one-shot input, so a cached decoder does not keep the caller's bytes alive. */
  #release(): void {
    this.#buf = EMPTY;
    this.#dv = this.#dvOf = null;
    this.#end = this.#pos = this.#lineStart = 0;
    this.#recN = this.#recAt = 0;
    this.#str = '';
    this.#held = null;
    this.#state = S_DONE;
  }

  /** The head's records as spans into the input (the layout is documented in spans.ts). */
  #spans(out: Int32Array): number {
    const rec = this.#rec;
    const end = this.#recN;
    let n = 0;
    let at = SPAN_HEADER;
    for (let j = 0; j < end; ) {
      switch (rec[j]) {
        case R_REQUEST:
          out[1] = rec[j + 5]!;
          out[2] = rec[j + 1]!;
          out[3] = rec[j + 2]!;
          out[4] = rec[j + 3]!;
          out[5] = rec[j + 4]!;
          j += 6;
          break;
        case R_STATUS:
          out[1] = rec[j + 4]!;
          out[2] = rec[j + 1]!;
          out[3] = 0;
          out[4] = rec[j + 2]!;
          out[5] = rec[j + 3]!;
          j += 5;
          break;
        case R_FIELD:
          out[at] = rec[j + 1]!;
          out[at + 1] = rec[j + 2]!;
          out[at + 2] = rec[j + 3]!;
          out[at + 3] = rec[j + 4]!;
          at += SPAN_FIELD;
          n++;
          j += 6;
          break;
        case R_FOLD:
          // Not one contiguous span: mark the value folded (end complemented, so
          // negative) with its raw bytes running to the end of this continuation.
          out[at - 1] = ~rec[j + 2]!;
          j += 3;
          break;
        default: // R_CONFIRM, R_DONE
          j += 1;
      }
    }
    out[0] = n;
    return this.#pos;
  }

  /** Decode the bytes of the records just scanned to one string (one native call). */
  #decodeBatch(): void {
    const from = this.#batchFrom;
    this.#str =
      from < 0 ? '' : byteString(this.#buf, from - this.#base, this.#batchTo - this.#base, this.#batchHi < 0x80);
    this.#strFrom = from;
    this.#recAt = 0;
    this.#batchFrom = -1;
    this.#batchHi = 0;
  }

  /**
   * The event of the records at #recAt (after #decodeBatch), or null when they
   * make none yet (a field held for a possible fold). Consumes what it used.
   */
  #event(): HeadEvent | null {
    const rec = this.#rec;
    const s = this.#str;
    const from = this.#strFrom;
    let j = this.#recAt;
    let ev: HeadEvent | null = null;
    switch (rec[j]) {
      case R_REQUEST:
        ev = {
          type: 'request',
          method: s.slice(rec[j + 1]! - from, rec[j + 2]! - from),
          target: s.slice(rec[j + 3]! - from, rec[j + 4]! - from),
          version: rec[j + 5] ? '1.1' : '1.0',
        };
        j += 6;
        break;
      case R_STATUS:
        ev = {
          type: 'status',
          code: rec[j + 1]!,
          reason: s.slice(rec[j + 2]! - from, rec[j + 3]! - from),
          version: rec[j + 4] ? '1.1' : '1.0',
        };
        j += 5;
        break;
      case R_FIELD:
        if (j + 6 < this.#recN && rec[j + 6] === R_CONFIRM) {
          // Folds rejected: the field is final at once.
          ev = {
            type: 'field',
            name: s.slice(rec[j + 1]! - from, rec[j + 2]! - from),
            value: s.slice(rec[j + 3]! - from, rec[j + 4]! - from),
          };
          j += 7;
          break;
        }
        this.#held = {
          type: 'field',
          name: s.slice(rec[j + 1]! - from, rec[j + 2]! - from),
          value: s.slice(rec[j + 3]! - from, rec[j + 4]! - from),
        };
        if (this.#o.foldReplace) this.#heldRaw = s.slice(rec[j + 3]! - from, rec[j + 5]! - from);
        j += 6;
        break;
      case R_FOLD: {
        // RFC 9112 §5.2: the fold (CRLF and the whitespace after it) becomes one SP,
        // as h11 does; OWS at the ends of the whole value is then trimmed.
        const held = this.#held!;
        this.#heldRaw += ` ${s.slice(rec[j + 1]! - from, rec[j + 2]! - from)}`;
        held.value = trimOws(this.#heldRaw);
        j += 3;
        break;
      }
      case R_CONFIRM:
        ev = this.#held!;
        this.#held = null;
        j += 1;
        break;
      case R_DONE:
        if (this.#held !== null) {
          // The held field first; the done event on the next call.
          ev = this.#held;
          this.#held = null;
          break;
        }
        ev = { type: 'done' };
        this.#delivered = true;
        j += 1;
        break;
      default:
        throw new Error(`headwire: corrupt record ${rec[j]}`);
    }
    if (j === this.#recN) j = this.#recN = 0;
    this.#recAt = j;
    return ev;
  }

  static {
    parseWhole = (d, bytes) => {
      if (!d.#oneShot(bytes)) {
        d.#release();
        return null;
      }
      const events: HeadEvent[] = [];
      d.#decodeBatch();
      while (d.#recN > 0) {
        const ev = d.#event();
        if (ev !== null) events.push(ev);
      }
      d.#release();
      return events;
    };
    scanWhole = (d, bytes, out) => {
      if (!(out instanceof Int32Array) || out.length < SPAN_HEADER + SPAN_FIELD * d.#o.maxFields) {
        const need = SPAN_HEADER + SPAN_FIELD * d.#o.maxFields;
        throw new HttpError('EINVAL', `scanHead needs an Int32Array of at least ${need} ints (6 + 4 * maxFields)`, {
          rule: 'out',
        });
      }
      const n = d.#oneShot(bytes) ? d.#spans(out) : -1;
      d.#release();
      return n;
    };
  }

  #failVersion(i: number): void {
    this.#fail('EPROTO', 'http-version', this.#base + i, 'Invalid HTTP version (only HTTP/1.0 and HTTP/1.1)', 505, i);
  }

  #failAt(i: number, rule: string, what: string): void {
    const b = this.#buf[i]!;
    this.#fail('EPROTO', rule, this.#base + i, `${what}: byte ${hexByte(b)}`, 400, i);
  }

  #failLimit(offset: number, rule: 'head-too-large' | 'storage-too-small' | 'too-many-fields'): void {
    const o = this.#o;
    const why =
      rule === 'too-many-fields'
        ? `More than ${o.maxFields} field lines (maxFields)`
        : rule === 'storage-too-small'
          ? `Head longer than the ${o.maxHead}-byte storage`
          : `Head longer than ${o.maxHead} bytes (maxHeadSize)`;
    // A request line that alone passes the limit is a URI too long (414); else 431.
    const hint = rule !== 'too-many-fields' && this.#state <= S_START_LF ? 414 : 431;
    const i = Math.min(offset - this.#base, this.#end);
    this.#fail('EMSGSIZE', rule, offset, why, hint, i);
  }

  #fail(code: ErrorCode, rule: string, offset: number, why: string, hint: StatusHint, at = this.#end): void {
    const line = this.#showLine(at);
    const statusHint = this.kind === 'request' ? hint : undefined;
    this.#error = new HttpError(code, `${why} at offset ${offset}${line}`, { offset, rule, statusHint });
    this.#state = S_FAILED;
    this.#pos = Math.min(at, this.#end);
  }

  /** The line around buffer index `at`, escaped, at most 120 bytes of it. */
  #showLine(at: number): string {
    const buf = this.#buf;
    let from = Math.min(this.#lineStart, at);
    let to = at;
    while (to < this.#end && buf[to] !== LF) to++;
    if (to < this.#end) to++;
    if (to - from > 120) {
      from = Math.max(from, at - 60);
      to = Math.min(to, from + 120);
    }
    if (to <= from) return '';
    return `: "${escapeBytes(buf, from, to)}"`;
  }
}
