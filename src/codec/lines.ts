// The fast path for complete lines: a line whose bytes are all here, in the
// common shape, is checked in one straight pass and recorded exactly as the
// scanner would record it. It only ever accepts: on anything it does not
// handle (a flagged byte such as HTAB or obs-text in a value, a grammar error,
// a bare CR or LF, obs-fold, an empty line before the start line, the field
// limit, a line cut by the stop byte) it stops at the start of that line and
// the scanner (scanner.ts) takes the line over from its first byte. The scanner
// stays the single source of truth for errors, offsets and leniencies; this
// file holds no error text and no line-end rule of its own beyond "CRLF
// passes". test/fuzz/lines-differential.ts checks that both give the same
// events, spans and errors.
//
// The stop byte (a 0 after the last byte the scanner may look at) ends every
// loop here as it ends the scanner's: no byte class holds 0, and CR LF is
// never 0, so no line that reaches the stop byte is accepted.
import {
  COLON,
  CR,
  LF,
  OWS_CHAR,
  SP,
  STATUS_MAX,
  STATUS_MIN,
  TCHAR,
  VERSION_LENGTH,
  isDigit,
  minorVersion,
  spVcharEnd,
  tokenEnd,
  versionMatch,
  vcharEnd,
} from './chars.ts';
import type { Input } from './input.ts';
import type { ResolvedOptions } from './options.ts';
import { R_DONE, R_FIELD, R_FOLD, R_REQUEST, R_STATUS, REC, type Records } from './records.ts';

/**
 * The fast path is on unless a test turns it off to compare it with the
 * scanner alone (test/fuzz/lines-differential.ts). Not exported from the package.
 */
export const fastLines = { on: true };

/** What the fast path reads and moves of the scanner's state (the Scanner itself). */
export interface LineState {
  started: boolean;
  startDone: boolean;
  fields: number;
  holding: boolean;
  /** Set to the scanner's S_FIELD_START after the start line, S_DONE after the blank line. */
  state: number;
  readonly request: boolean;
  readonly options: ResolvedOptions;
  readonly records: Records;
}

/**
 * The start line at inp.u8[i] (the scanner waits for its first byte), when it
 * is complete and plain: `fieldState` is the scanner's state once it is done.
 * Returns where the scanner goes on: after the line, or `i` (nothing done).
 */
export function startLine(sc: LineState, inp: Input, i: number, fieldState: number): number {
  // One function per kind: each is small enough for the optimizing compiler
  // to inline the runs it calls (one function for both was not).
  return sc.request ? requestLine(sc, inp, i, fieldState) : statusLine(sc, inp, i, fieldState);
}

function requestLine(sc: LineState, inp: Input, i: number, fieldState: number): number {
  const u8 = inp.u8;
  const base = inp.base;
  const sp = SP | 0; // imported constants as locals: see fieldLines()
  const tchar = TCHAR;
  // request-line = method SP request-target SP HTTP-version, method = token.
  // A method is a few bytes: one by one, which leaves the optimizing
  // compiler's inlining budget to the target's run (tokenEnd() took it).
  let j = i;
  while (tchar[u8[j]!]) j++;
  if (j === i || u8[j] !== sp) return i;
  const methodEnd = j;
  const from = ++j;
  j = vcharEnd(u8, inp.i32, j);
  if (j === from || u8[j] !== sp) return i;
  const to = j++;
  if (versionMatch(u8, j, 0) !== VERSION_LENGTH) return i;
  j += VERSION_LENGTH;
  if (u8[j] !== CR || u8[j + 1] !== LF) return i;
  sc.records.push(R_REQUEST, base + i, base + methodEnd, base + from, base + to, minorVersion(u8, j - 1), base + i, base + to);
  return started(sc, inp, j + 2, fieldState);
}

function statusLine(sc: LineState, inp: Input, i: number, fieldState: number): number {
  const u8 = inp.u8;
  const base = inp.base;
  const sp = SP | 0;
  // status-line = HTTP-version SP status-code SP [ reason-phrase ]
  let j = i;
  if (versionMatch(u8, j, 0) !== VERSION_LENGTH || u8[j + VERSION_LENGTH] !== sp) return i;
  j += VERSION_LENGTH;
  const minor = minorVersion(u8, j - 1);
  j++;
  // status-code = 3DIGIT, each byte read only after the one before passed (the stop byte ends it)
  let code = 0;
  for (const end = j + 3; j < end; j++) {
    const d = u8[j]!;
    if (!isDigit(d)) return i;
    code = code * 10 + (d - 0x30);
  }
  if (u8[j] !== sp) return i;
  if (code < STATUS_MIN || code > STATUS_MAX) return i;
  const from = ++j;
  j = spVcharEnd(u8, inp.i32, j);
  if (u8[j] !== CR || u8[j + 1] !== LF) return i;
  sc.records.push(R_STATUS, code, 0, base + from, base + j, minor, base + from, base + j);
  return started(sc, inp, j + 2, fieldState);
}

/** The start line is recorded: the scanner goes on at `next`, in `fieldState`. */
function started(sc: LineState, inp: Input, next: number, fieldState: number): number {
  sc.started = sc.startDone = true;
  sc.state = fieldState;
  inp.pos = next;
  return next;
}

/**
 * Field lines from inp.u8[i] (the scanner waits for a field line or the blank
 * line), each complete and plain, then the blank line: `doneState` is the
 * scanner's state after it. Returns where the scanner goes on: the first line
 * not taken, or the byte after the blank line.
 */
export function fieldLines(sc: LineState, inp: Input, i: number, doneState: number): number {
  const u8 = inp.u8;
  const i32 = inp.i32;
  const base = inp.base;
  const rec = sc.records;
  const o = sc.options;
  // Imported bindings are loaded and checked at each use, constants and
  // functions alike: the ones the loop uses are read once here (see also
  // Scanner.scan()), the numbers with `| 0` so that they are known int32 (a
  // value read from a binding is untagged and checked at each use otherwise).
  const tchar = TCHAR;
  const ows = OWS_CHAR; // OWS = *( SP / HTAB )
  const colon = COLON | 0;
  const cr = CR | 0;
  const lf = LF | 0;
  const sp = SP | 0;
  const size = REC | 0;
  const field = R_FIELD | 0;
  const nameRun = tokenEnd;
  const textRun = spVcharEnd;
  // Registers, written back once at the end: records out, fields counted. (A
  // held field needs no R_CONFIRM here: the record of the next line, which is
  // complete, releases it in events.)
  let r: Int32Array = rec.buf;
  let n = rec.n;
  let room = o.maxFields - sc.fields;
  let holding = sc.holding;
  const first = i;
  let lineEnd = 0;
  for (;;) {
    let c = u8[i]!;
    let j = i + 1;
    if (!tchar[c]) {
      // obs-fold (RFC 9112 §5.2) where it is replaced: SP / HTAB after a field line continues it.
      if (!ows[c] || !holding || !o.foldReplace) break;
      while (ows[u8[j]!]) j++;
      const textStart = j;
      j = textRun(u8, i32, j);
      if (u8[j] !== cr || u8[j + 1] !== lf) break;
      if (n + size > r.length) {
        rec.n = n;
        r = rec.grow();
      }
      // The R_FOLD record (records.ts)
      r[n] = R_FOLD;
      r[n + 1] = r[n + 2] = 0;
      r[n + 3] = base + textStart;
      r[n + 4] = r[n + 5] = lineEnd = base + j;
      n += size;
      i = j + 2;
      continue;
    }
    if (room === 0) break;
    // field-line = field-name ":" OWS field-value OWS
    j = nameRun(u8, i32, j);
    if (u8[j] !== colon) break;
    const nameEnd = j++;
    while (ows[u8[j]!]) j++;
    const valueStart = j;
    j = textRun(u8, i32, j);
    if (u8[j] !== cr || u8[j + 1] !== lf) break;
    let to = j;
    while (to > valueStart && u8[to - 1] === sp) to--; // HTAB never gets here: it stops spVcharEnd
    if (n + size > r.length) {
      rec.n = n;
      r = rec.grow();
    }
    // The R_FIELD record (records.ts)
    r[n] = field;
    r[n + 1] = base + i;
    r[n + 2] = base + nameEnd;
    r[n + 3] = base + valueStart;
    r[n + 4] = base + to;
    r[n + 5] = lineEnd = base + j;
    n += size;
    room--;
    holding = true;
    i = j + 2;
  }
  rec.n = n;
  if (i !== first) {
    // Lines were taken: their bytes join the records' string (records.ts), and a field is held.
    if (rec.from < 0) rec.from = base + first;
    rec.to = lineEnd;
    sc.fields = o.maxFields - room;
    sc.holding = holding;
    inp.pos = i;
  }
  if (u8[i] !== cr || u8[i + 1] !== lf) return i;
  // The blank line: the head is complete.
  rec.push(R_DONE, 0, 0, 0, 0, 0, -1, 0);
  sc.holding = false;
  sc.state = doneState;
  inp.pos = i + 2;
  return i + 2;
}
