// HeadDecoder, the public incremental API, and the policy around the
// scanner: when to scan, when to copy more bytes, the head-size limit and EOF.
import { HttpError } from './errors.ts';
import { type HeadEvent, type HeadEventOf, type HeadKind, NEED_DATA, type NeedData } from './events.ts';
import { Input } from './input.ts';
import { type DecoderOptions, type ResolvedOptions, limitWhy, resolveOptions } from './options.ts';
import { Records } from './records.ts';
import { S_DONE, S_FAILED, Scanner } from './scanner.ts';

/**
 * Chunks up to this size are copied into the work area by receive() (when
 * they fit and nothing is queued): for a trickling peer that costs less than
 * a queue round trip per chunk. Larger chunks are queued as they are.
 */
const SMALL_CHUNK = 64;

/**
 * Chunks up to this size are passed over by receive() where they only
 * continue the paused token: byte by byte with a table, which beats a scan
 * call for a few bytes but not the scanner's word loop for more.
 */
const PASS_MAX = 16;

// NEED_DATA through a private const: an imported binding is loaded and checked
// for the hole at each use, where a private const is folded to its value once
// next() is inlined into the caller's loop (a trickling peer calls it per byte).
const needData: NeedData = NEED_DATA;

/** The trickle shortcut's table while it is off (never read then: no byte passes). */
const NO_RUN = new Uint8Array(256);

/**
 * The decoder's machinery, shared by HeadDecoder and the one-shot entry
 * points (parse.ts, spans.ts). Internal: not exported from the package.
 */
export class HeadMachine {
  readonly kind: HeadKind;
  readonly options: ResolvedOptions;
  readonly input: Input;
  readonly records: Records;
  readonly scanner: Scanner;
  /** Absolute offset of the head's first byte: the size limit counts from here. */
  headStart = 0;
  /** Absolute offset of the first byte past the size limit: headStart + maxHead. */
  limit = 0;
  /** The 'done' event was returned. */
  delivered = false;
  /**
   * Set by receive(): every byte it brought was passed over (it only
   * continued the paused token) and no event waits, so next() returns
   * NEED_DATA at once. Cleared by any other receive(), end(), reset() and load().
   */
  idle = false;

  constructor(kind: HeadKind, options?: DecoderOptions) {
    if (kind !== 'request' && kind !== 'response') {
      throw new HttpError('EINVAL', `Kind must be 'request' or 'response', got ${String(kind)}`, { rule: 'kind' });
    }
    this.kind = kind;
    this.options = resolveOptions(kind, options);
    this.input = new Input(this.options.storage);
    this.records = new Records(this.options.foldReplace);
    this.scanner = new Scanner(kind === 'request', this.options, this.records);
    this.limit = this.options.maxHead;
  }

  /**
   * The trickle shortcut of receiveByte(). While inp.end is below it, the
   * decoder went idle (after a byte taken without a scan, or after next() gave
   * the last waiting event) and nothing else has run since: the scanner has
   * seen every byte, no event waits, nothing is queued, no EOF, the work area
   * mirrors no chunk (Input's #src is null) and has room for the byte and its
   * stop byte below the head limit. Then a byte needs none of those checks.
   * -1 (off) whenever anything else runs: every other entry point calls
   * #offTrickle().
   */
  #trickleEnd = -1;
  /** The scanner's `run` table when #trickleEnd was set (it changes only when the scanner runs). */
  #trickleRun: Uint8Array = NO_RUN;

  /**
   * receive() of a one-byte chunk (a peer sending a byte per packet), in a
   * function small enough to be inlined into HeadDecoder.receive(): the same
   * work as receive(). Returns false, with nothing done, when receive() must
   * take the byte.
   */
  receiveByte(bytes: Uint8Array): boolean {
    const inp = this.input;
    const end = inp.end;
    if (end >= this.#trickleEnd) return this.#receiveByte(bytes[0]!);
    // The byte after one that was passed over (#trickleEnd says why no check is needed).
    const c = bytes[0]!;
    inp.u8[end] = c;
    inp.end = end + 1;
    if (this.#trickleRun[c]) {
      inp.at = end + 1;
      return true;
    }
    this.#trickleEnd = -1;
    return this.#takeByte(inp, end, c);
  }

  /**
   * receiveByte() without the shortcut: when the scanner has seen every byte
   * here, no event waits and nothing is queued, the byte is copied in and
   * taken without a scan. Returns false, with nothing done, otherwise.
   */
  #receiveByte(c: number): boolean {
    this.#offTrickle();
    const inp = this.input;
    const end = inp.end;
    const rec = this.records;
    if (inp.eof || inp.at !== end || rec.at !== rec.n || !inp.appendByte(c)) return false;
    return this.#takeByte(inp, end, c);
  }

  /**
   * The byte `c` just copied to inp.u8[end], every byte before it scanned and no
   * event waiting: passed over when it only continues the paused token, as in
   * receive(), or taken by the scanner's oneByte() when it only moves a field
   * line on; else left for next() to scan. Sets the trickle shortcut when the
   * decoder is idle after it.
   */
  #takeByte(inp: Input, end: number, c: number): boolean {
    if (inp.base + end < this.limit) {
      const sc = this.scanner;
      if (sc.run[c]) {
        inp.at = end + 1;
        this.#idleAfterByte();
        return true;
      }
      if (sc.oneByte(inp, end, c)) {
        // A completed line leaves a record: next() delivers its event.
        if (this.records.n === 0) this.#idleAfterByte();
        else this.idle = false;
        return true;
      }
    }
    this.idle = false;
    return true;
  }

  /** Nothing waits and every byte here is scanned: next() has nothing to do, and the next byte may take the shortcut. */
  #idleAfterByte(): void {
    const inp = this.input;
    this.idle = true;
    const room = inp.u8.length - 1; // the stop byte's place
    const lim = this.limit - inp.base;
    this.#trickleEnd = room < lim ? room : lim;
    this.#trickleRun = this.scanner.run;
  }

  /**
   * The last waiting event was taken (a trickling peer's completed line): when
   * the scanner has seen every byte here and nothing is queued, the next call
   * of next() has nothing to do (step() would find nothing) and the next byte
   * may take the shortcut.
   */
  #idleIfAllSeen(): void {
    const inp = this.input;
    if (inp.at !== inp.end || !inp.queue.empty || inp.eof || this.scanner.state >= S_DONE) return;
    inp.unlinkSource();
    this.#idleAfterByte();
  }

  /** Anything but receiveByte() is about to run: the trickle shortcut's premises may not hold after it. */
  #offTrickle(): void {
    this.#trickleEnd = -1;
  }

  receive(bytes: Uint8Array): void {
    this.#offTrickle();
    const inp = this.input;
    if (inp.eof) throw new HttpError('EINVAL', 'receive() after end(): the peer already closed', { rule: 'eof' });
    checkBytes(bytes);
    const n = bytes.length;
    if (n === 0) return;
    if (n > SMALL_CHUNK || !inp.append(bytes)) {
      inp.queue.push(bytes);
      this.idle = false;
      return;
    }
    // A trickling peer: the new bytes are in the work area. When they are few
    // (PASS_MAX), the scanner has seen everything before them and no event
    // waits, pass over those that only continue the token it is paused in
    // (sc.run: all zero once it is done or failed), never past the head limit.
    // When all of them were, next() has nothing to do.
    const end = inp.end;
    let at = inp.at;
    const rec = this.records;
    if (n > PASS_MAX || at !== end - n || rec.at !== rec.n) {
      this.idle = false;
      return;
    }
    const lim = this.limit - inp.base;
    const stop = end < lim ? end : lim;
    const run = this.scanner.run;
    const u8 = inp.u8;
    while (at < stop && run[u8[at]!]) at++;
    inp.at = at;
    this.idle = at === end;
  }

  next(): HeadEvent | NeedData {
    // Nothing new since the last call (a trickling peer inside a token): no step to take.
    if (this.idle) return needData;
    this.#offTrickle();
    const rec = this.records;
    for (;;) {
      if (rec.at < rec.n) {
        if (rec.from >= 0) rec.decode(this.input.u8, this.input.base);
        const ev = rec.event();
        if (ev === null) continue;
        if (ev.type === 'done') this.delivered = true;
        else if (rec.n === 0) this.#idleIfAllSeen();
        return ev;
      }
      const sc = this.scanner;
      if (sc.state >= S_DONE) {
        if (sc.error !== null) throw sc.error;
        return needData;
      }
      if (!this.step()) return needData;
    }
  }

  /**
   * One step towards the end of the head: scan the bytes not looked at yet
   * (up to the limit), else copy more bytes, else settle a head that cannot
   * complete (the limit, EOF). Returns false when nothing can be done until
   * more bytes arrive.
   */
  step(): boolean {
    const inp = this.input;
    const limit = this.limit;
    const lim = limit - inp.base;
    let stop = inp.end < lim ? inp.end : lim;
    // A full caller storage has no room for the stop byte: its last byte waits.
    if (stop === inp.u8.length) stop--;
    if (inp.at < stop) {
      this.#scan(stop);
      // Every byte here is scanned and nothing came of it: spare next() another step.
      return !(inp.at === inp.end && this.records.n === 0 && this.scanner.state < S_DONE && inp.queue.empty && !inp.eof);
    }
    if (stop < inp.end && stop < lim) {
      // Full storage, its last byte not scanned: drop the lines before the current
      // one; when there are none, this line fills the storage and the head cannot
      // end inside the limit, so it moves to a buffer of its own to be scanned.
      if (!inp.compact()) inp.roomForStop();
      return true;
    }
    if (inp.base + inp.end >= limit) {
      // Every byte up to the limit is here: the head fails once a byte past it (or EOF) shows it cannot end in time.
      if (inp.end > lim || !inp.queue.empty || inp.eof) {
        this.#settle();
        return true;
      }
      return false;
    }
    if (inp.pull(limit - inp.base - inp.end)) return true;
    if (inp.eof) {
      this.#settle();
      return true;
    }
    return false;
  }

  /** Scan u8[at, stop) with the stop byte in place. */
  #scan(stop: number): void {
    const u8 = this.input.u8;
    const kept = u8[stop]!;
    u8[stop] = 0;
    this.scanner.scan(this.input, stop);
    u8[stop] = kept;
  }

  /**
   * The head cannot complete: the bytes before the data's end or the limit
   * are scanned (a grammar error there comes first), then the head fails for
   * the limit or for EOF.
   */
  #settle(): void {
    const inp = this.input;
    const sc = this.scanner;
    const o = this.options;
    inp.roomForStop();
    const limit = this.limit;
    const lim = limit - inp.base;
    if (inp.at < inp.end && inp.at < lim) this.#scan(inp.end < lim ? inp.end : lim);
    if (sc.state >= S_DONE) return;
    const at = inp.base + inp.end;
    if (at >= limit && (inp.end > lim || !inp.queue.empty)) {
      // A request line that alone passes the limit is a URI too long (414); else 431.
      sc.fail('EMSGSIZE', o.maxHeadRule, limit, limitWhy(o.maxHeadRule, o), sc.startDone ? 431 : 414, inp, lim);
    } else if (sc.started) {
      sc.fail('ECONNRESET', 'eof', at, 'Connection closed in the middle of a head', 400, inp, inp.end);
    } else {
      sc.stopWith(new HttpError('EPIPE', `Connection closed before a head began at offset ${at}`, { offset: at, rule: 'eof' }));
    }
  }

  /** Step until the head is complete (true), needs bytes that will not come (false) or fails (throws). */
  drive(): boolean {
    this.#offTrickle();
    const sc = this.scanner;
    while (sc.state < S_DONE && this.step());
    if (sc.error !== null) throw sc.error;
    return sc.state === S_DONE;
  }

  reset(): void {
    this.#offTrickle();
    const sc = this.scanner;
    const inp = this.input;
    if (sc.state === S_FAILED) {
      inp.dropAll();
    } else if (sc.state === S_DONE) {
      if (!this.delivered) throw new HttpError('EINVAL', 'reset() before the done event was read', { rule: 'reset' });
    } else if (sc.started || this.records.at < this.records.n) {
      throw new HttpError('EINVAL', 'reset() in the middle of a head would drop its bytes', { rule: 'reset' });
    }
    this.headStart = inp.base + inp.pos;
    this.limit = this.headStart + this.options.maxHead;
    this.idle = false;
    sc.reset();
    this.records.clear();
    this.delivered = false;
  }

  /** The peer closed its side (EOF). */
  end(): void {
    this.#offTrickle();
    this.input.eof = true;
    this.idle = false;
  }

  /**
   * One-shot use (parseHead, scanHead): `bytes` is the whole stream. The
   * records are empty: a new machine's are, and release() clears them.
   */
  load(bytes: Uint8Array): void {
    this.#offTrickle();
    checkBytes(bytes);
    this.input.load(bytes, this.options.maxHead);
    this.scanner.reset();
    this.headStart = 0;
    this.limit = this.options.maxHead;
    this.idle = false;
    this.delivered = false;
  }

  /** After a one-shot use: keep no reference to the caller's bytes. */
  release(): void {
    this.#offTrickle();
    this.input.release();
    this.records.clear();
  }
}

function checkBytes(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw new HttpError('EINVAL', 'receive() takes a Uint8Array', { rule: 'bytes' });
}

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
 *
 * The kind types the events: `new HeadDecoder('response').next()` yields a
 * `StatusEvent`, never a `RequestEvent` (`HeadDecoder` alone is either kind).
 *
 * @example
 * ```ts
 * const d = new HeadDecoder('response');
 * d.receive(new TextEncoder().encode('HTTP/1.1 204 No Content\r\n\r\n'));
 * const ev = d.next();
 * if (ev !== NEED_DATA && ev.type === 'status') console.log(ev.code); // 204
 * ```
 */
export class HeadDecoder<K extends HeadKind = HeadKind> {
  /** Which side's head this decoder reads, as given to the constructor. */
  readonly kind: K;
  readonly #m: HeadMachine;

  constructor(kind: K, options?: DecoderOptions) {
    this.#m = new HeadMachine(kind, options);
    this.kind = kind;
  }

  /**
   * Queue bytes from the peer. A chunk is not copied (small ones may be); do
   * not change it until the head that holds it is done.
   */
  receive(bytes: Uint8Array): void {
    if (bytes instanceof Uint8Array && bytes.length === 1 && this.#m.receiveByte(bytes)) return;
    this.#m.receive(bytes);
  }

  /** The peer closed its side (EOF). A head left unfinished then fails with `ECONNRESET`. */
  end(): void {
    this.#m.end();
  }

  /** What the decoder waits for: `'start-line'`, `'field-line'`, `'done'` or `'failed'`. */
  get state(): 'start-line' | 'field-line' | 'done' | 'failed' {
    const s = this.#m.scanner.state;
    return s === S_FAILED ? 'failed' : s === S_DONE ? 'done' : this.#m.scanner.startDone ? 'field-line' : 'start-line';
  }

  /**
   * The next event, or `NEED_DATA` when more bytes are needed. Throws
   * `HttpError`: `EPROTO` for bytes the grammar forbids, `EMSGSIZE` for a
   * limit, `ECONNRESET` when the peer closed mid-head, `EPIPE` when it closed
   * before a head began. After `done` it returns `NEED_DATA` until `reset()`.
   */
  next(): HeadEventOf<K> | NeedData {
    // The idle test here too, small enough to be inlined into a caller that also
    // feeds large chunks (HeadMachine.next() is then often left out of line).
    const m = this.#m;
    if (m.idle) return needData;
    return m.next() as HeadEventOf<K> | NeedData;
  }

  /**
   * After `done`: every byte received past the blank line, in order, across all
   * chunks received so far. A view into a received chunk (or into storage) when
   * those bytes sit in one piece; a copy otherwise.
   */
  rest(): Uint8Array {
    if (this.#m.scanner.state !== S_DONE) throw new HttpError('EINVAL', 'rest() before the head is done', { rule: 'rest' });
    return this.#m.input.rest();
  }

  /**
   * Start the next message on the same connection (keep-alive, pipelining).
   * After `done`, the bytes past the head stay queued and are decoded next.
   * After an error, everything received is dropped. Mid-head it is `EINVAL`.
   */
  reset(): void {
    this.#m.reset();
  }
}
