// Every byte-level rule of the head grammar, in one place: byte-class tables
// built from readable ranges, the delimiters, OWS, the HTTP version, the
// status-code range, DIGIT, hex formatting, and the word-at-a-time predicates
// the scanner uses to pass four bytes per step. The decoder, the encoder and
// framing() all take their rules from here.
import type { HttpVersion } from './events.ts';

type Range = string | readonly [number, number];

function byteTable(...ranges: Range[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const r of ranges) {
    if (typeof r === 'string') {
      for (let i = 0; i < r.length; i++) t[r.charCodeAt(i)] = 1;
    } else {
      for (let b = r[0]; b <= r[1]; b++) t[b] = 1;
    }
  }
  return t;
}

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

// RFC 5234 B.1: DIGIT = %x30-39
const DIGIT_RANGE = [0x30, 0x39] as const;
const ALPHA_UPPER = [0x41, 0x5a] as const;
const ALPHA_LOWER = [0x61, 0x7a] as const;
// VCHAR = %x21-7E; RFC 9110 §5.5: obs-text = %x80-FF
const VCHAR = [0x21, 0x7e] as const;
const OBS_TEXT = [0x80, 0xff] as const;

/** DIGIT (RFC 5234): `c` is an ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

// RFC 9110 §5.6.2
// token = 1*tchar
// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
export const TCHAR = byteTable("!#$%&'*+-.^_`|~", DIGIT_RANGE, ALPHA_UPPER, ALPHA_LOWER);

// RFC 9112 §3.2: request-target = origin-form / absolute-form / authority-form / asterisk-form
// The forms are URI syntax (RFC 3986), which is all VCHAR. We check byte classes only
// (no URL parser, as h11 and httparse): 1*( %x21-7E ). Bytes >= 0x80 are rejected
// (httparse accepts UTF-8 here; llhttp and h11 reject, and so do we).
export const TARGET_CHAR = byteTable(VCHAR);

// RFC 9110 §5.5
// field-value  = *field-content
// field-vchar  = VCHAR / obs-text
// Inside a value SP and HTAB are allowed too, so this table is the set of bytes a
// value may hold: HTAB / SP / VCHAR / obs-text. NUL, CR, LF, other CTLs and DEL are not.
export const FIELD_VALUE_CHAR = byteTable('\t ', VCHAR, OBS_TEXT);

// field-vchar = VCHAR / obs-text: the bytes a value may start and end with.
export const FIELD_VCHAR = byteTable(VCHAR, OBS_TEXT);

// RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) — the same set.
export const REASON_CHAR = FIELD_VALUE_CHAR;

// The common bytes of a value, SP / VCHAR: the class outsideSpVchar() passes four
// at a time. HTAB and obs-text are values too, but rarer: they take the slow path.
export const SP_VCHAR = byteTable(' ', VCHAR);

// The common bytes of a token (a method, a field name): ALPHA / DIGIT / "-", the
// class outsideTokenWord() passes four at a time. The other tchar symbols are
// tokens too, but rarer: tokenEnd() takes them one by one with TCHAR.
export const TOKEN_WORD_CHAR = byteTable('-', DIGIT_RANGE, ALPHA_UPPER, ALPHA_LOWER);

/** RFC 9110 §5.6.3: OWS = *( SP / HTAB ). `c` is one of those. */
export function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

// The same set as isOws() as a table, for the scanner's pass-over tables.
export const OWS_CHAR = byteTable('\t ');

/** Trim OWS (SP / HTAB) from both ends. Not `String#trim`, which also eats 0xA0 (obs-text). */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isOws(s.charCodeAt(a))) a++;
  while (b > a && isOws(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

// RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %s"HTTP"
// (case-sensitive). Only 1.0 and 1.1 are spoken here: the bytes "HTTP/1." then "0" or "1".
const HTTP_1 = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e];
const [H0, H1, H2, H3, H4, H5, H6] = HTTP_1;
/** Bytes in an HTTP-version. */
export const VERSION_LENGTH = 8;

/**
 * Extend a match of an HTTP-version we speak ("HTTP/1.0" or "HTTP/1.1"): `k`
 * bytes are matched so far, `buf[i]` is the next. Returns how many are matched
 * now: 8 for all of them; fewer means `buf[i + result - k]` is wrong (or absent).
 */
export function versionMatch(buf: Uint8Array, i: number, k: number): number {
  // The whole prefix first, unrolled against private consts (folded where this
  // is inlined): the loop below costs a bounds-checked array read per byte.
  if (
    k === 0 &&
    buf[i] === H0 &&
    buf[i + 1] === H1 &&
    buf[i + 2] === H2 &&
    buf[i + 3] === H3 &&
    buf[i + 4] === H4 &&
    buf[i + 5] === H5 &&
    buf[i + 6] === H6
  ) {
    i += 7;
    k = 7;
  }
  while (k < 7 && buf[i] === HTTP_1[k]) {
    i++;
    k++;
  }
  if (k === 7 && (buf[i] === 0x30 || buf[i] === 0x31)) k = 8;
  return k;
}

/** The minor version (0 or 1) of a matched HTTP-version whose last byte is `buf[last]`. */
export function minorVersion(buf: Uint8Array, last: number): number {
  return buf[last]! - 0x30;
}

/** An HTTP version as an API takes it: `'1.0'` or `'1.1'`. */
export function isHttpVersion(v: unknown): v is HttpVersion {
  return v === '1.0' || v === '1.1';
}

// RFC 9110 §15: status-code = 3DIGIT, and the classes run from 1xx to 5xx.
export const STATUS_MIN = 100;
export const STATUS_MAX = 599;

/** `n` is a status code a head may carry: an integer in 100–599. */
export function isStatusCode(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= STATUS_MIN && n <= STATUS_MAX;
}

/** `c` in hex, zero-padded to `width` digits, without a prefix: `0d`. */
export function hexDigits(c: number, width: number): string {
  return c.toString(16).padStart(width, '0');
}

/** One byte (or code unit) for a message: `0x0d`. */
export function hexByte(c: number): string {
  return `0x${hexDigits(c, c > 0xff ? 4 : 2)}`;
}

/**
 * The bytes of `table` as the body of a RegExp character class (`\x21\x23-\x27…`),
 * so a RegExp that checks a string against a byte class is built from the
 * same table as every other check of that class.
 */
export function classSource(table: Uint8Array): string {
  const hex = (b: number): string => `\\x${hexDigits(b, 2)}`;
  let out = '';
  for (let b = 0; b < 256; b++) {
    if (!table[b]) continue;
    let e = b;
    while (e < 255 && table[e + 1]) e++;
    out += e === b ? hex(b) : `${hex(b)}-${hex(e)}`;
    b = e;
  }
  return out;
}

// ---------------------------------------------------------------- word-at-a-time
//
// A word is four bytes read as one int32 from an Int32Array (little-endian on
// every platform headwire runs on: lane 0 is the lowest byte, the first in
// memory). Each predicate is non-zero exactly when some lane holds a byte
// outside its range. Borrows and carries only start in a lane that is itself
// outside the range, so they never flag a word of good bytes, and the lowest
// flagged lane is the first bad byte: where a run ends, found without a byte
// loop. (HTAB and obs-text are legal in a value but end the run: the scanner
// takes them one by one.) test/codec/chars.test.ts checks the predicates
// against the byte tables, lane by lane. On a big-endian platform the runs go
// byte by byte through the tables.
//
// Speed (V8): the predicates and the runs are `const` arrow functions, not
// function declarations, and the runs use only private names. A declaration is
// a mutable binding, so optimized code that inlined one re-checks its identity
// at each use, inside the word loops too; an exported binding is loaded from
// its cell and checked for the hole at each use; a private const is folded to
// its value where the function using it is inlined.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const tcharTable = TCHAR;
const targetTable = TARGET_CHAR;
const spVcharTable = SP_VCHAR;

/**
 * Non-zero when a lane of `w` is outside lo-0x7E, `lows` being lo (> 0) in
 * every lane: below lo, DEL or 0x80 and up. The class of a value (lo = SP) and
 * of a request-target (lo = 0x21).
 */
const outsidePrintable = (w: number, lows: number): number =>
  ((w - lows) | //        a lane below lo (CTLs: NUL, HTAB, LF, CR, ..., and SP when lo is 0x21) borrows into its top bit
    (w + 0x01010101) | // a lane of 0x7F (DEL) carries into its top bit
    w) & //              a lane of 0x80 or more (obs-text) has its top bit set already
  0x80808080; //         the top bit of each lane

/** Non-zero when a lane of `w` is outside SP / VCHAR (SP_VCHAR, 0x20–0x7E): a CTL, DEL or obs-text. */
export const outsideSpVchar = (w: number): number => outsidePrintable(w, 0x20202020);

/** Non-zero when a lane of `w` is outside VCHAR (TARGET_CHAR, 0x21–0x7E): SP, a CTL, DEL or obs-text. */
export const outsideVchar = (w: number): number => outsidePrintable(w, 0x21212121);

/**
 * Non-zero when a lane of `w` is outside ALPHA / DIGIT / "-" (TOKEN_WORD_CHAR).
 * Every sum below is on lanes whose top bit was cleared first, so nothing
 * carries from one lane into the next: each lane is judged on its own bytes.
 */
const tokenWordFlags = (w: number): number => {
  const t = w & 0x7f7f7f7f; // the low 7 bits of each lane; a lane of 0x80 or more fails at the end
  const l = t | 0x20202020; // ALPHA folded to lower case (the other lanes change too, but stay out of a-z)
  const alpha = (l + 0x1f1f1f1f) & ~(l + 0x05050505); // top bit: 0x61 <= l <= 0x7a
  const digit = (t + 0x50505050) & ~(t + 0x46464646); // top bit: 0x30 <= t <= 0x39
  const dash = ~((t ^ 0x2d2d2d2d) + 0x7f7f7f7f); //     top bit: t is 0x2d
  return ((alpha | digit | dash) & ~w & 0x80808080) ^ 0x80808080;
};
// Exported under its name for the tests; tokenEnd() calls the private binding.
export const outsideTokenWord = tokenWordFlags;

/** The index (0-3) of the lowest lane flagged by a non-zero predicate result: the first in memory. */
const lowestLane = (flags: number): number => (Math.clz32(flags & -flags) ^ 31) >> 3;

/**
 * The end of a run of tchar from `i` (a method or a field name): four bytes
 * at a time while every lane is ALPHA / DIGIT / "-" (the lanes of the first
 * word before `i` do not count), then the TCHAR table byte by byte from the
 * first lane that is not, which decides (the other tchar symbols are tokens
 * too, only rarer).
 */
export const tokenEnd = (u8: Uint8Array, i32: Int32Array, i: number): number => {
  const tchar = tcharTable;
  const words = LITTLE_ENDIAN ? i32.length : 0;
  let k = i >> 2;
  if (k < words) {
    // One call site for the predicate, so that it is inlined once where this is.
    // `(k + 1) | 0` is an int32 add without an overflow check (k < words anyway).
    let mask = -1 << ((i & 3) << 3); // the lanes before i do not count
    let m = 0;
    while ((m = tokenWordFlags(i32[k]!) & mask) === 0 && (k = (k + 1) | 0) < words) mask = -1;
    i = m === 0 ? k << 2 : (k << 2) + lowestLane(m);
  }
  // From the first byte that is not ALPHA / DIGIT / "-": almost always the
  // token's end (a field name's colon, a method's SP), else a tchar symbol.
  while (tchar[u8[i]!]) i++;
  return i;
};

/**
 * The end of a run of lo-0x7E from `i` (`lows`: lo in every lane, as for
 * outsidePrintable), four bytes at a time; the first flagged lane is the end.
 * The first word has its lanes before `i` replaced by lo: those bytes are not
 * part of the run, and a bad one could otherwise borrow into the lanes that
 * are. Past the last whole word (a caller's storage need not end on one) the
 * run's table decides.
 */
const printableEnd = (u8: Uint8Array, i32: Int32Array, i: number, lows: number, table: Uint8Array): number => {
  const words = LITTLE_ENDIAN ? i32.length : 0;
  let k = i >> 2;
  if (k < words) {
    const before = (1 << ((i & 3) << 3)) - 1; // the bits of the lanes before i
    let m = outsidePrintable((i32[k]! & ~before) | (lows & before), lows);
    while (m === 0 && (k = (k + 1) | 0) < words) m = outsidePrintable(i32[k]!, lows);
    if (m !== 0) return (k << 2) + lowestLane(m);
    i = k << 2;
  }
  while (table[u8[i]!]) i++;
  return i;
};

/** The end of a run of VCHAR (%x21-7E) from `i`: the request-target's class. */
export const vcharEnd = (u8: Uint8Array, i32: Int32Array, i: number): number => {
  return printableEnd(u8, i32, i, 0x21212121, targetTable);
};

/**
 * The end of a run of SP / VCHAR (SP_VCHAR, 0x20-7E) from `i`: the common
 * bytes of a value or a reason; HTAB and obs-text stop it.
 */
export const spVcharEnd = (u8: Uint8Array, i32: Int32Array, i: number): number => {
  return printableEnd(u8, i32, i, 0x20202020, spVcharTable);
};

// RFC 5234 B.1: HEXDIG = DIGIT / "A" / "B" / "C" / "D" / "E" / "F", and
// RFC 5234 §2.3 makes quoted ABNF strings case-insensitive, so a-f too.
// RFC 9112 §7.1: chunk-size = 1*HEXDIG. The value of each is in HEX_VALUE.
export const HEXDIG = byteTable(DIGIT_RANGE, [0x41, 0x46], [0x61, 0x66]);
export const HEX_VALUE = new Uint8Array(256);
for (let b = 0; b < 256; b++) if (HEXDIG[b]) HEX_VALUE[b] = b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10;

// RFC 9110 §5.6.4: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
// (FIELD_VALUE_CHAR without DQUOTE and backslash); a quoted-pair's second
// octet is any FIELD_VALUE_CHAR.
export const QDTEXT = byteTable('\t !', [0x23, 0x5b], [0x5d, 0x7e], OBS_TEXT);
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
