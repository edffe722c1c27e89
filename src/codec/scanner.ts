// The head grammar over bytes (RFC 9112 §2–5, RFC 9110 §5): one loop, one
// line-end rule, records out.
//
// The scanner reads inp.u8[inp.at, stop), and the decoder has written a 0 at
// u8[stop] (the stop byte). No byte class holds 0, so no inner loop checks a
// bound: each runs until a byte outside its class, and only then is the index
// compared with `stop`. At `stop` the scanner pauses: it saves its state and
// position and resumes there when more bytes are in. Every byte is looked at
// once, so a head that trickles in costs O(n).
import {
  COLON,
  CR,
  HTAB,
  LF,
  OWS_CHAR,
  REASON_CHAR,
  SP,
  SP_VCHAR,
  STATUS_MAX,
  STATUS_MIN,
  TARGET_CHAR,
  TCHAR,
  VERSION_LENGTH,
  hexByte,
  isDigit,
  isOws,
  minorVersion,
  spVcharEnd,
  vcharEnd,
  versionMatch,
} from './chars.ts';
import { type ErrorCode, type HttpError, type StatusHint, decodeError } from './errors.ts';
import type { Input } from './input.ts';
import { fastLines, fieldLines, startLine } from './lines.ts';
import { type LimitRule, type ResolvedOptions, limitWhy } from './options.ts';
import type { Rule } from './rules.ts';
import { R_DONE, R_FIELD, R_FOLD, R_REQUEST, R_STATUS, type Records } from './records.ts';

// What the scanner waits for, named for it. The states of the start line come
// first and the field lines after, in the order the bytes arrive, but no code
// compares them except `>= S_DONE` (nothing more to scan): whether the start
// line is complete is `startDone`, not a state range.
export const S_LEADING = 0; //      first byte of the start line; empty lines before it are skipped (RFC 9112 §2.2)
const S_METHOD = 1; //              the rest of the method, up to SP
const S_TARGET = 2; //              the request-target (#textStart marks its first byte), up to SP
const S_VERSION = 3; //             the next byte of "HTTP/1.0" or "HTTP/1.1" (#matched counts)
const S_VERSION_END = 4; //         request: the line end after the version; response: SP
const S_CODE = 5; //                the next status-code digit (#matched counts)
const S_CODE_END = 6; //            SP before the reason, or the line end
const S_REASON = 7; //              the rest of the reason-phrase
const S_FIELD_START = 8; //         a field name, obs-fold whitespace, or the blank line
const S_NAME = 9; //                the rest of the field name, up to ':'
const S_VALUE_OWS = 10; //          OWS before the value (or before a continuation's text)
const S_VALUE = 11; //              the rest of the value, up to the line end
const S_LF = 12; //                 the LF after a CR; #ending says which line it ends
export const S_DONE = 13; //        nothing: the head is complete; reset() starts the next
export const S_FAILED = 14; //      nothing: `error` holds the error until reset()

/**
 * A scan that resumed inside a line offers the fast path lines again once it
 * has completed that line and at least this many bytes are left before the
 * stop byte: more than a small chunk (decoder.ts SMALL_CHUNK) brings.
 */
const REOFFER = 128;

// Scanner.run: per state, the bytes its loop passes without a side effect.
// (Values and reasons: SP / VCHAR only; HTAB and obs-text are noted in #hi.)
const RUNS: Uint8Array[] = new Array<Uint8Array>(S_FAILED + 1).fill(new Uint8Array(256));
RUNS[S_METHOD] = TCHAR;
RUNS[S_TARGET] = TARGET_CHAR;
RUNS[S_NAME] = TCHAR;
RUNS[S_VALUE_OWS] = OWS_CHAR;
RUNS[S_VALUE] = SP_VCHAR;
RUNS[S_REASON] = SP_VCHAR;

// Which line a line end ends (the #ending register): what completing it does.
const L_EMPTY = 0; //  an empty line before the start line: skipped
const L_START = 1; //  the request or status line
const L_FIELD = 2; //  a field line
const L_FOLD = 3; //   an obs-fold continuation of the field before
const L_BLANK = 4; //  the blank line: the head is complete

/**
 * The head state machine. It keeps its state and registers between calls and
 * writes what it finds to `records`.
 */
export class Scanner {
  state = S_LEADING;
  /** A byte of the start line was seen (not just empty lines): EOF now is ECONNRESET, not EPIPE. */
  started = false;
  /** The start line is complete (the decoder's `state` getter, the 414-vs-431 hint). */
  startDone = false;
  fields = 0;
  /** A field line ended: a next line starting with SP/HTAB is obs-fold (not whitespace after the start line). */
  holding = false;
  error: HttpError | null = null;
  readonly request: boolean;
  readonly options: ResolvedOptions;
  readonly records: Records;

  // Registers, absolute offsets: the token (method or field name) and the text
  // (request-target, reason, value or continuation) of the line being scanned.
  #tokenStart = 0;
  #tokenEnd = 0;
  #textStart = 0;
  #textEnd = 0;
  /** Bytes of the HTTP-version matched, or status-code digits read. */
  #matched = 0;
  #code = 0;
  #minor = 0;
  /** The line being scanned is an obs-fold continuation. */
  #fold = false;
  /** In S_LF: which line the CR before ended (an L_* value). */
  #ending = L_EMPTY;
  /** OR of the line's reason or value bytes that may be >= 0x80 (then its string is not ASCII). */
  #hi = 0;

  constructor(request: boolean, options: ResolvedOptions, records: Records) {
    this.request = request;
    this.options = options;
    this.records = records;
  }

  /**
   * The bytes that just continue the token the scanner is paused in, with
   * nothing to record: a byte from this table may be passed over without a
   * scan (a peer sending one byte at a time). All zero in other states,
   * done and failed included. Set when the scanner pauses, ends or fails.
   */
  run: Uint8Array = RUNS[S_LEADING]!;

  reset(): void {
    this.state = S_LEADING;
    this.run = RUNS[S_LEADING]!;
    this.started = this.startDone = this.holding = false;
    this.fields = this.#hi = 0;
    this.error = null;
  }

  /**
   * Scan inp.u8[inp.at, stop), u8[stop] being 0. Stops at `stop` (state
   * saved), at the end of the head, or at an error.
   */
  scan(inp: Input, stop: number): void {
    const u8 = inp.u8;
    const base = inp.base;
    const o = this.options;
    // Imported tables are module bindings, loaded (and checked) at each use:
    // locals let the inner loops keep them in registers.
    const tchar = TCHAR;
    let i = inp.at;
    let state = this.state;
    let c = 0;
    // The fast path (lines.ts) is offered lines by a scan that starts at a line
    // boundary, and again after this loop completes a line when at least
    // REOFFER bytes are left. A scan that resumes inside a line with few bytes
    // comes from a peer sending small pieces, whose lines are mostly cut by the
    // stop byte: each attempt would read the cut line once more before this
    // loop takes it over. A large pull that cut a line is not such a peer.
    let fast = fastLines.on && (state === S_LEADING || state === S_FIELD_START);
    let ending = L_EMPTY;
    for (;;) {
      // Each case either continues with a new state, pauses or fails (return),
      // or breaks with u8[i] a CR or LF that ends the content of an `ending` line.
      switch (state) {
        case S_LEADING: {
          if (i === stop) return this.#pause(inp, i, state);
          c = u8[i]!;
          if (c === CR || c === LF) {
            ending = L_EMPTY;
            break;
          }
          if (fast) {
            // A complete start line in the common shape: one straight pass (lines.ts).
            const j = startLine(this, inp, i, S_FIELD_START);
            if (j !== i) {
              i = j;
              state = S_FIELD_START;
              continue;
            }
          }
          this.started = true;
          this.#tokenStart = base + i;
          if (this.request) {
            if (!TCHAR[c]) return this.#fail(inp, i, 'method', 'Invalid byte in method');
            state = S_METHOD;
            i++;
          } else {
            this.#matched = 0;
            state = S_VERSION;
          }
          continue;
        }
        case S_METHOD: {
          while (tchar[u8[i]!]) i++;
          if (i === stop) return this.#pause(inp, i, state);
          if (u8[i] !== SP) return this.#fail(inp, i, 'method', 'Invalid byte in method');
          this.#tokenEnd = base + i++;
          this.#textStart = base + i;
          state = S_TARGET;
          continue;
        }
        case S_TARGET: {
          i = vcharEnd(u8, inp.i32, i);
          if (i === stop) return this.#pause(inp, i, state);
          c = u8[i]!;
          if (base + i === this.#textStart) {
            return this.#fail(inp, i, 'request-target', c === SP ? 'More than one SP before request target' : 'Invalid byte in request target');
          }
          if (c !== SP) {
            return this.#fail(inp, i, 'request-target', c === CR || c === LF ? 'Request line ends without an HTTP version' : 'Invalid byte in request target');
          }
          this.#textEnd = base + i++;
          this.#matched = 0;
          state = S_VERSION;
          continue;
        }
        case S_VERSION: {
          // HTTP-version = HTTP-name "/" DIGIT "." DIGIT, and only 1.0 and 1.1 are spoken here
          const k = versionMatch(u8, i, this.#matched);
          i += k - this.#matched;
          this.#matched = k;
          if (k < VERSION_LENGTH) {
            if (i === stop) return this.#pause(inp, i, state);
            return this.#failVersion(inp, i);
          }
          this.#minor = minorVersion(u8, i - 1);
          state = S_VERSION_END;
          continue;
        }
        case S_VERSION_END: {
          if (i === stop) return this.#pause(inp, i, state);
          c = u8[i]!;
          if (this.request) {
            if (c !== CR && c !== LF) return this.#failVersion(inp, i);
            ending = L_START;
            break;
          }
          if (c !== SP) return this.#failVersion(inp, i);
          this.#matched = this.#code = 0;
          state = S_CODE;
          i++;
          continue;
        }
        case S_CODE: {
          // status-code = 3DIGIT
          for (; this.#matched < 3; this.#matched++, i++) {
            if (i === stop) return this.#pause(inp, i, state);
            c = u8[i]!;
            if (!isDigit(c)) return this.#fail(inp, i, 'status-code', 'Invalid byte in status code');
            this.#code = this.#code * 10 + (c - 0x30);
          }
          if (this.#code < STATUS_MIN || this.#code > STATUS_MAX) {
            return this.#fail(inp, i - 3, 'status-code', `Status code ${this.#code} outside ${STATUS_MIN}-${STATUS_MAX}`);
          }
          state = S_CODE_END;
          continue;
        }
        case S_CODE_END: {
          if (i === stop) return this.#pause(inp, i, state);
          c = u8[i]!;
          this.#textStart = this.#textEnd = base + i;
          if (c === SP) {
            this.#textStart = this.#textEnd = base + ++i;
            state = S_REASON;
            continue;
          }
          // A missing SP before an empty reason is accepted, as every peer does.
          if (c !== CR && c !== LF) return this.#fail(inp, i, 'status-code', 'Invalid byte after status code');
          ending = L_START;
          break;
        }
        case S_REASON: {
          // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ), kept exactly
          let hi = 0;
          while (REASON_CHAR[(c = u8[i]!)]) {
            hi |= c;
            i++;
          }
          this.#hi |= hi;
          if (i === stop) return this.#pause(inp, i, state);
          this.#textEnd = base + i;
          if (c !== CR && c !== LF) return this.#fail(inp, i, 'reason-phrase', 'Invalid byte in reason phrase');
          ending = L_START;
          break;
        }
        case S_FIELD_START: {
          // The common path of a field line falls through S_NAME, S_VALUE_OWS and
          // S_VALUE without a dispatch per token; each is entered as a state only
          // when the bytes ran out inside it. Complete lines in the common shape
          // take the fast path first (lines.ts); what it leaves starts here.
          if (fast) {
            i = fieldLines(this, inp, i, S_DONE);
            if (this.state === S_DONE) return this.#pause(inp, i, S_DONE);
          }
          if (i === stop) return this.#pause(inp, i, state);
          c = u8[i]!;
          if (!TCHAR[c]) {
            if (c === CR || c === LF) {
              ending = L_BLANK;
              break;
            }
            if (isOws(c)) {
              // RFC 9112 §2.2: whitespace between the start line and the first field
              // is rejected. §5.2: obs-fold is rejected or replaced, by option.
              if (!this.holding) return this.#fail(inp, i, 'whitespace-after-start-line', 'Whitespace before the first field line');
              if (!o.foldReplace) return this.#fail(inp, i, 'obs-fold', 'Obsolete line folding (obs-fold)');
              this.#fold = true;
              state = S_VALUE_OWS;
              i++;
              continue;
            }
            return this.#fail(inp, i, 'field-name', 'Invalid byte in field name');
          }
          if (this.holding) this.#confirm();
          if (this.fields === o.maxFields) return this.#failLimit(inp, i, 'too-many-fields');
          this.fields++;
          this.#fold = false;
          this.#tokenStart = base + i++;
        }
        // falls through
        case S_NAME: {
          while (tchar[(c = u8[i]!)]) i++;
          if (i === stop) return this.#pause(inp, i, S_NAME);
          if (c !== COLON) {
            // RFC 9112 §5.1: no whitespace between the name and the colon.
            if (isOws(c)) return this.#fail(inp, i, 'field-name', 'Whitespace between field name and colon');
            return this.#fail(inp, i, 'field-name', c === CR || c === LF ? 'Field line without a colon' : 'Invalid byte in field name');
          }
          this.#tokenEnd = base + i++;
        }
        // falls through
        case S_VALUE_OWS: {
          while (isOws(u8[i]!)) i++;
          if (i === stop) return this.#pause(inp, i, S_VALUE_OWS);
          this.#textStart = base + i;
        }
        // falls through
        case S_VALUE: {
          i = this.#valueEnd(inp, i);
          if (i === stop) return this.#pause(inp, i, S_VALUE);
          c = u8[i]!;
          if (c !== CR && c !== LF) return this.#fail(inp, i, 'field-value', 'Invalid byte in field value');
          ending = this.#fold ? L_FOLD : L_FIELD;
          break;
        }
        case S_LF: {
          // The byte after a CR that ended a line when the bytes ran out: back to
          // the CR, and through the line-end rule below like any other line end.
          if (i === stop) return this.#pause(inp, i, state);
          c = CR;
          ending = this.#ending;
          i--;
          break;
        }
        default:
          return;
      }
      // The one line-end rule (RFC 9112 §2.2): u8[i] (c) is the CR or LF after a
      // line's content. CRLF ends a line; a bare LF does only with lenient.lfOnly;
      // a bare CR never does (it never starts a new field, in any mode).
      if (c === CR) {
        if (i + 1 === stop) {
          this.#ending = ending;
          return this.#pause(inp, i + 1, S_LF);
        }
        if (u8[i + 1] !== LF) return this.#fail(inp, i, 'bare-cr', 'Bare CR');
        i = this.#complete(inp, ending, i, i + 2);
      } else {
        if (!o.lfOnly) return this.#fail(inp, i, 'bare-lf', 'Bare LF');
        i = this.#complete(inp, ending, i, i + 1);
      }
      if (!fast && stop - i >= REOFFER) fast = fastLines.on;
      state = this.state;
      if (state === S_DONE) return this.#pause(inp, i, S_DONE);
    }
  }

  /**
   * A peer sending one byte per packet: the byte `c` at u8[i] (i === inp.at,
   * the last byte in, below the head limit), when it is not in `run` but only
   * moves a plain field line on to its next token: the first byte of a name,
   * the colon after it, the first byte of a value, the CR after it, the LF
   * (which completes the line: a record for next() to deliver). Takes it
   * exactly as scan() would (registers, state, `run`) and returns true; returns
   * false, with nothing done, for anything else, which scan() then takes (every
   * error included: this only ever accepts).
   */
  oneByte(inp: Input, i: number, c: number): boolean {
    // field-line = field-name ":" OWS field-value OWS, then CRLF (RFC 9112 §5, §2.2), as scan() reads it
    let state = this.state;
    switch (state) {
      case S_FIELD_START: {
        // A new field (scan()'s S_FIELD_START): not where the field before may still fold, or the field limit is reached.
        if (!TCHAR[c] || (this.holding && this.options.foldReplace) || this.fields === this.options.maxFields) return false;
        this.holding = false;
        this.fields++;
        this.#fold = false;
        this.#tokenStart = inp.base + i;
        state = S_NAME;
        break;
      }
      case S_NAME:
        if (c !== COLON) return false;
        this.#tokenEnd = inp.base + i;
        state = S_VALUE_OWS;
        break;
      case S_VALUE_OWS:
        // SP_VCHAR minus OWS (`run` here): VCHAR, the value's first byte. (Not obs-text: it sets #hi.)
        if (!SP_VCHAR[c]) return false;
        this.#textStart = inp.base + i;
        state = S_VALUE;
        break;
      case S_VALUE:
        // The line end with its LF still to come: scan() pauses the same way.
        if (c !== CR) return false;
        this.#ending = this.#fold ? L_FOLD : L_FIELD;
        state = S_LF;
        break;
      case S_LF:
        // The LF after a field line's CR (at u8[i - 1]): the line is complete, as
        // scan()'s line-end rule completes it; its record waits for next().
        if (c !== LF || (this.#ending !== L_FIELD && this.#ending !== L_FOLD)) return false;
        this.#complete(inp, this.#ending, i - 1, i + 1);
        state = this.state;
        break;
      default:
        return false;
    }
    inp.at = i + 1;
    this.state = state;
    this.run = RUNS[state]!;
    return true;
  }

  /**
   * A line ended: its content ends at u8[eol], the next line starts at u8[next].
   * Records what it held and sets the state the next line starts in.
   */
  #complete(inp: Input, ending: number, eol: number, next: number): number {
    const rec = this.records;
    const base = inp.base;
    rec.hi |= this.#hi;
    this.#hi = 0;
    switch (ending) {
      case L_EMPTY:
        this.state = S_LEADING;
        break;
      case L_START:
        if (this.request) rec.push(R_REQUEST, this.#tokenStart, this.#tokenEnd, this.#textStart, this.#textEnd, this.#minor, this.#tokenStart, this.#textEnd);
        else rec.push(R_STATUS, this.#code, 0, this.#textStart, this.#textEnd, this.#minor, this.#textStart, this.#textEnd);
        this.startDone = true;
        this.state = S_FIELD_START;
        break;
      case L_FIELD: {
        // Trailing OWS is not part of the value: the whole line is in u8 (from inp.pos).
        const u8 = inp.u8;
        const from = this.#textStart - base;
        let to = eol;
        while (to > from && isOws(u8[to - 1]!)) to--;
        rec.push(R_FIELD, this.#tokenStart, this.#tokenEnd, this.#textStart, base + to, base + eol, this.#tokenStart, base + eol);
        this.holding = true;
        this.state = S_FIELD_START;
        break;
      }
      case L_FOLD:
        rec.push(R_FOLD, 0, 0, this.#textStart, base + eol, base + eol, this.#textStart, base + eol);
        this.state = S_FIELD_START;
        break;
      default: // L_BLANK
        rec.push(R_DONE, 0, 0, 0, 0, 0, -1, 0);
        this.holding = false;
        this.state = S_DONE;
    }
    inp.pos = next;
    return next;
  }

  /**
   * The end of the value bytes from `i` (field-value = *( HTAB / SP / VCHAR /
   * obs-text )): runs of SP / VCHAR four bytes at a time (the common case),
   * HTAB and obs-text one at a time between them.
   */
  #valueEnd(inp: Input, i: number): number {
    const u8 = inp.u8;
    const i32 = inp.i32;
    let hi = 0;
    for (;;) {
      i = spVcharEnd(u8, i32, i);
      const c = u8[i]!;
      if (c !== HTAB && c < 0x80) break;
      hi |= c; // HTAB and obs-text: legal, but not SP / VCHAR
      i++;
    }
    this.#hi |= hi;
    return i;
  }

  /** The next line does not continue the last field: where folds are replaced, it is final now. */
  #confirm(): void {
    if (this.options.foldReplace) this.records.confirm();
    this.holding = false;
  }

  #pause(inp: Input, i: number, state: number): void {
    inp.at = i;
    this.state = state;
    this.run = RUNS[state]!;
  }

  #fail(inp: Input, at: number, rule: Rule, what: string): void {
    this.#error(inp, 'EPROTO', rule, at, `${what}: byte ${hexByte(inp.u8[at]!)}`, 400);
  }

  #failVersion(inp: Input, at: number): void {
    this.#error(inp, 'EPROTO', 'http-version', at, 'Invalid HTTP version (only HTTP/1.0 and HTTP/1.1)', 505);
  }

  #failLimit(inp: Input, at: number, rule: LimitRule): void {
    this.#error(inp, 'EMSGSIZE', rule, at, limitWhy(rule, this.options), 431);
  }

  #error(inp: Input, code: ErrorCode, rule: Rule, at: number, why: string, hint: StatusHint): void {
    this.fail(code, rule, inp.base + at, why, hint, inp, at);
  }

  /**
   * Fail the head: an error at absolute `offset`, showing the line being
   * scanned around u8[at]. Also used by the decoder for the size limit and EOF.
   */
  fail(code: ErrorCode, rule: Rule, offset: number, why: string, hint: StatusHint, inp: Input, at: number): void {
    const shownAt = at < inp.end ? at : inp.end;
    this.stopWith(decodeError(code, rule, offset, why, this.request ? hint : undefined, inp.u8, inp.pos, shownAt, inp.end));
  }

  /** Fail the head with `error`: it is thrown by every next() until reset(). */
  stopWith(error: HttpError): void {
    this.error = error;
    this.state = S_FAILED;
    this.run = RUNS[S_FAILED]!;
  }
}
