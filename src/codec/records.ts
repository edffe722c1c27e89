// What the scanner found, as fixed-size records of absolute stream offsets,
// and the two ways they leave the codec: events (strings, for next() and
// parseHead) and spans (offsets, for scanHead). Strings are made per batch:
// the bytes of every record one scan produced become one string in one native
// call, and each piece is a slice of it.
import type { FieldEvent, HeadEvent } from './events.ts';
import { FoldJoin } from './fold.ts';
import { byteString } from './latin1.ts';

// The record layout, the one place it is written down. A record is REC ints:
//
// | type      | 1            | 2          | 3              | 4                      | 5                  |
// |-----------|--------------|------------|----------------|------------------------|--------------------|
// | R_REQUEST | method start | method end | target start   | target end             | minor version      |
// | R_STATUS  | status code  | 0          | reason start   | reason end             | minor version      |
// | R_FIELD   | name start   | name end   | value start    | value end, OWS trimmed | line content end   |
// | R_FOLD    | 0            | 0          | text start     | line content end       | line content end   |
// | R_CONFIRM | the field before is final: the next line does not fold into it               |
// | R_DONE    | the blank line                                                                 |
//
// Offsets are absolute stream offsets; ends are exclusive. "Line content end"
// is where the CR or LF is. An R_FOLD's text starts after the fold's SP/HTAB.
export const REC = 6;
export const R_REQUEST = 1;
export const R_STATUS = 2;
export const R_FIELD = 3;
export const R_FOLD = 4;
export const R_CONFIRM = 5;
export const R_DONE = 6;

// The span layout scanHead writes (documented for users in spans.ts): a header, then 4 ints per field.
export const SPAN_HEADER = 6;
export const SPAN_FIELD = 4;

/**
 * The records of one head, in order, and the state of turning them into
 * events: records [at, n) are not delivered yet.
 */
export class Records {
  buf = new Int32Array(REC * 16);
  /** Ints written; records are buf[0, n). */
  n = 0;
  /** The next record to turn into an event. */
  at = 0;
  /** Absolute offsets of the bytes the undecoded records cover, and whether one of them was >= 0x80. */
  from = -1;
  to = 0;
  hi = 0;
  readonly #foldReplace: boolean;
  #str = '';
  #strFrom = 0;
  /** Where folds are replaced, a field waits here until the next line shows it is not folded. */
  #held: FieldEvent | null = null;
  /** The held field's value, unfolded as continuations come (fold.ts). */
  readonly #fold = new FoldJoin();
  /** The work area of this batch (from decode()): its bytes stay put until the batch's records are consumed. */
  #u8: Uint8Array = new Uint8Array(0);
  #base = 0;
  #ascii = true;

  constructor(foldReplace: boolean) {
    this.#foldReplace = foldReplace;
  }

  /** Add a record whose text lies in [from, to) (absolute offsets; ignored when from < 0). */
  push(type: number, a: number, b: number, c: number, d: number, e: number, from: number, to: number): void {
    const n = this.n;
    if (n + REC > this.buf.length) this.grow();
    const r = this.buf;
    r[n] = type;
    r[n + 1] = a;
    r[n + 2] = b;
    r[n + 3] = c;
    r[n + 4] = d;
    r[n + 5] = e;
    this.n = n + REC;
    if (from < 0) return;
    if (this.from < 0) this.from = from;
    this.to = to;
  }

  /** The field line before is final: the next line does not fold into it. */
  confirm(): void {
    this.push(R_CONFIRM, 0, 0, 0, 0, 0, -1, 0);
  }

  /** Forget every record and any held field (a new head, or a one-shot done). */
  clear(): void {
    this.n = this.at = 0;
    this.from = -1;
    this.hi = 0;
    this.#str = '';
    this.#held = null;
    this.#fold.clear();
  }

  /** Decode the bytes of the records not yet decoded to one string: `u8[0]` is at absolute `base`. */
  decode(u8: Uint8Array, base: number): void {
    const from = this.from;
    this.#u8 = u8;
    this.#base = base;
    this.#ascii = this.hi < 0x80;
    this.#str = byteString(u8, from - base, this.to - base, this.#ascii);
    this.#strFrom = from;
    this.from = -1;
    this.hi = 0;
  }

  /**
   * The event of the record at `at` (after decode()), or null when it makes
   * none yet (a field held for a possible fold, a fold). Consumes what it used.
   */
  event(): HeadEvent | null {
    const r = this.buf;
    let j = this.at;
    let ev: HeadEvent | null = null;
    switch (r[j]) {
      case R_REQUEST:
      case R_STATUS:
        ev = this.#start(j);
        break;
      case R_FIELD: {
        if (this.#held !== null) return this.#release(); // this record waits for the next call
        const field = this.#field(j);
        // Final now unless folds are replaced and the next record is a fold, or not here yet.
        if (!this.#foldReplace || (j + REC < this.n && r[j + REC] !== R_FOLD)) ev = field;
        else {
          // Folds are replaced: the next line may continue this value.
          this.#held = field;
          this.#fold.start(r[j + 3]! - this.#base, r[j + 5]! - this.#base);
        }
        break;
      }
      case R_FOLD: {
        // This continuation and every one right after it, in one call.
        const fold = this.#fold;
        const u8 = this.#u8;
        const base = this.#base;
        const n = this.n;
        for (;;) {
          fold.add(u8, r[j + 3]! - base, r[j + 5]! - base);
          if (j + REC === n || r[j + REC] !== R_FOLD) break;
          j += REC;
        }
        break;
      }
      case R_CONFIRM:
        if (this.#held !== null) ev = this.#release(); // else the field was delivered when its successor was seen
        break;
      case R_DONE:
        if (this.#held !== null) return this.#release(); // the held field first; done on the next call
        ev = { type: 'done' };
        break;
      default:
        throw new Error(`headwire: corrupt record ${r[j]}`);
    }
    j += REC;
    if (j === this.n) {
      // The batch is consumed, and the work area may move before the next: a
      // held field's text so far leaves as a string.
      if (this.#held !== null) this.#fold.endBatch(this.#u8, this.#ascii);
      j = this.n = 0;
    }
    this.at = j;
    return ev;
  }

  /**
   * Every event of a complete head at once (parseHead): the records from `at`
   * hold the rest of the head (`fields` of them field lines), and the string
   * is decoded. The same events as event() call by call, without its per-call
   * bookkeeping; null, with nothing consumed, when the head has an obs-fold
   * (event() joins folds).
   */
  allEvents(fields: number): HeadEvent[] | null {
    const r = this.buf;
    const n = this.n;
    // Sized up front (the start line, `fields` fields, done): no regrowth while filling it.
    const out = new Array<HeadEvent>(fields + 2);
    let e = 0;
    // Exported constants are loaded and checked at each use: the loop's are read once.
    const size = REC | 0;
    const field = R_FIELD | 0;
    for (let j = this.at; j < n; j += size) {
      const type = r[j];
      if (type === field) out[e++] = this.#field(j); // the common record first
      else if (type === R_REQUEST || type === R_STATUS) out[e++] = this.#start(j);
      else if (type === R_DONE) {
        out[e++] = { type: 'done' };
        if (e !== out.length) out.length = e;
        this.at = this.n = 0;
        return out;
      } else if (type !== R_CONFIRM) return null;
    }
    return null;
  }

  /** The request or status event of the record at `j`. */
  #start(j: number): HeadEvent {
    const r = this.buf;
    const s = this.#str;
    const f = this.#strFrom;
    const version = r[j + 5] ? '1.1' : '1.0';
    if (r[j] === R_REQUEST) return { type: 'request', method: s.slice(r[j + 1]! - f, r[j + 2]! - f), target: s.slice(r[j + 3]! - f, r[j + 4]! - f), version };
    return { type: 'status', code: r[j + 1]!, reason: s.slice(r[j + 3]! - f, r[j + 4]! - f), version };
  }

  /** The field event of the R_FIELD record at `j`: its name and its trimmed value. */
  #field(j: number): FieldEvent {
    const r = this.buf;
    const s = this.#str;
    const f = this.#strFrom;
    return { type: 'field', name: s.slice(r[j + 1]! - f, r[j + 2]! - f), value: s.slice(r[j + 3]! - f, r[j + 4]! - f) };
  }

  /** The held field, final now: its value unfolded (fold.ts) when continuations came. */
  #release(): FieldEvent {
    const field = this.#held!;
    const value = this.#fold.value(this.#ascii);
    if (value !== null) field.value = value;
    this.#held = null;
    return field;
  }

  /** The head's records as scanHead's spans (the layout is in spans.ts). */
  spans(out: Int32Array): void {
    const r = this.buf;
    const n = this.n;
    // Exported constants are loaded and checked at each use: the loop's are read once.
    const size = REC | 0;
    const field = R_FIELD | 0;
    const step = SPAN_FIELD | 0;
    let at = SPAN_HEADER;
    for (let j = 0; j < n; j += size) {
      const type = r[j];
      if (type === field) {
        // The common record first: its ints 1-4 are the field's span.
        out[at] = r[j + 1]!;
        out[at + 1] = r[j + 2]!;
        out[at + 2] = r[j + 3]!;
        out[at + 3] = r[j + 4]!;
        at += step;
      } else if (type === R_FOLD) {
        // Not one contiguous span: mark the value folded (end complemented, so
        // negative) with its raw bytes running to the end of this continuation.
        out[at - 1] = ~r[j + 5]!;
      } else if (type === R_REQUEST || type === R_STATUS) {
        out[1] = r[j + 5]!;
        out[2] = r[j + 1]!;
        out[3] = r[j + 2]!;
        out[4] = r[j + 3]!;
        out[5] = r[j + 4]!;
      }
    }
    out[0] = (at - SPAN_HEADER) / SPAN_FIELD;
  }

  /** Double the room for records; returns the new buffer. */
  grow(): Int32Array {
    const bigger = new Int32Array(this.buf.length * 2);
    bigger.set(this.buf, 0);
    return (this.buf = bigger);
  }
}
