import {
  COLON,
  CR,
  FIELD_VALUE_CHAR,
  LF,
  REASON_CHAR,
  SP,
  STATUS_MAX,
  STATUS_MIN,
  TARGET_CHAR,
  TCHAR,
  classSource,
  hexByte,
  isHttpVersion,
  isOws,
  isStatusCode,
} from './chars.ts';
import { HttpError, escapeByteString } from './errors.ts';
import type { HttpVersion } from './events.ts';
import { headPasses } from './head-pattern.ts';
import type { Rule } from './rules.ts';
import { byteStringWriter, encodeByteString } from './latin1.ts';

/**
 * What a {@link HeadEncoder} expects next (its `state`): the start line, a field
 * line (or `done()`), or nothing more (`done`: only `reset()`).
 *
 * @example
 * ```ts
 * const e = new HeadEncoder();
 * const before: EncoderState = e.state; // 'start-line'
 * e.request('GET', '/');
 * if (e.state === 'field-line') e.field('Host', 'example.org');
 * ```
 */
export type EncoderState = 'start-line' | 'field-line' | 'done';

/** Reason phrases used when `status()` is given none (RFC 9110 §15). */
const REASONS: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required',
  412: 'Precondition Failed', 413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable', 417: 'Expectation Failed', 421: 'Misdirected Request', 422: 'Unprocessable Content',
  426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
};

// The status lines of the codes above with their own phrase, per version: made
// on first use, then reused by encodeHead (no number to format, no RegExp to run).
const KNOWN_LINES: Record<HttpVersion, Array<string | undefined>> = { '1.0': [], '1.1': [] };

/** The status line for `code` and `phrase` when `phrase` is the code's own in REASONS. */
function knownStatusLine(version: HttpVersion, code: number, phrase: string): string | undefined {
  if (REASONS[code] !== phrase) return undefined;
  return (KNOWN_LINES[version][code] ??= `HTTP/${version} ${code} ${phrase}\r\n`);
}

/** Views a HeadEncoder keeps for reuse: the first commands of a head. */
const MAX_VIEWS = 128;
/** First size of the buffer a HeadEncoder builds heads in; it doubles when a head needs more. */
const FIRST_BUFFER = 1024;
// "HTTP/1." then the minor digit: the version as the start lines write it.
const HTTP_1 = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e];
/** Bytes a start line adds around its strings: "HTTP/1.x" (8), two SP or SP + 3 digits + SP, CRLF. */
const REQUEST_EXTRA = 8 + 2 + 2;
const STATUS_EXTRA = 8 + 5 + 2;
/** ": " and CRLF around a field's name and value. */
const FIELD_EXTRA = 4;

/**
 * The validating head encoder: each command returns the exact bytes to write.
 * It refuses what a decoder would reject (`EINVAL`) instead of escaping it, so
 * a CR, LF or NUL from an argument never reaches the wire; commands after
 * `done()` are `EPIPE`.
 *
 * No command allocates a buffer: each returns a view into one buffer that
 * holds the head being built. **The views stay valid until `reset()`**: the
 * next head is written over them, so write (or copy) them before. A head
 * that outgrows the buffer moves to a larger one; views already returned keep
 * the old one, unchanged. A command of a later head that writes the same
 * bytes of the buffer as one of an earlier head may return the same view
 * object: the earlier one was valid only until `reset()`.
 *
 * @example
 * ```ts
 * const e = new HeadEncoder();
 * const bytes = [e.status(200), e.field('Content-Length', '2'), e.done()];
 * // "HTTP/1.1 200 OK\r\n", "Content-Length: 2\r\n", "\r\n" (valid until e.reset())
 * ```
 */
export class HeadEncoder {
  #state: EncoderState = 'start-line';
  #buf: Uint8Array = new Uint8Array(0);
  /** Bytes of the head written so far: #buf[0, #len). */
  #len = 0;
  /** Commands of this head so far; the index of the next one in #views. */
  #count = 0;
  /**
   * #views[k]: the view command k of an earlier head returned, of #buf. A view
   * costs more to make than a short command costs to write, and a head is
   * often laid out as the one before it (same line lengths): a command that
   * writes the same bytes of #buf as command k did returns that view again.
   * That view was valid only until reset(), so nothing holds it validly.
   */
  #views: Uint8Array[] = [];

  /** What the encoder expects next: `'start-line'`, `'field-line'` (or `done`), or `'done'`. */
  get state(): EncoderState {
    return this.#state;
  }

  /** `method SP request-target SP HTTP-version CRLF`. */
  request(method: string, target: string, version: HttpVersion = '1.1'): Uint8Array {
    this.#expect('start-line', 'request');
    checkRequest(method, target, version);
    const at = this.#room(method.length + target.length + REQUEST_EXTRA);
    return this.#wrote('field-line', at, putRequest(this.#buf, at, method, target, version));
  }

  /**
   * `HTTP-version SP status-code SP reason-phrase CRLF`. Without a reason, the
   * RFC 9110 phrase for the code is used (empty for unknown codes).
   */
  status(code: number, reason?: string, version: HttpVersion = '1.1'): Uint8Array {
    this.#expect('start-line', 'status');
    const phrase = checkStatus(code, reason, version);
    const at = this.#room(phrase.length + STATUS_EXTRA);
    return this.#wrote('field-line', at, putStatus(this.#buf, at, code, phrase, version));
  }

  /**
   * `field-name ":" SP field-value CRLF`. The name must be a token; the value
   * holds HTAB, SP, VCHAR and obs-text only, and no leading or trailing
   * whitespace (the decoder would trim it, so the value would not round-trip).
   */
  field(name: string, value: string): Uint8Array {
    this.#expect('field-line', 'field');
    checkField(name, value);
    const at = this.#room(name.length + value.length + FIELD_EXTRA);
    return this.#wrote('field-line', at, putField(this.#buf, at, name, value));
  }

  /** The blank line that ends the head. Later commands are `EPIPE` until `reset()`. */
  done(): Uint8Array {
    this.#expect('field-line', 'done');
    const at = this.#room(2);
    return this.#wrote('done', at, putCrlf(this.#buf, at));
  }

  /** Start the next head on the same connection. Views returned so far may be overwritten from now on. */
  reset(): void {
    this.#state = 'start-line';
    this.#len = 0;
    this.#count = 0;
  }

  /** Room for `n` more bytes after the head so far; returns where they go. */
  #room(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) {
      // A new buffer, not a grown one: the views already returned keep the old bytes.
      let size = Math.max(this.#buf.length * 2, FIRST_BUFFER);
      while (size < at + n) size *= 2;
      const bigger = new Uint8Array(size);
      bigger.set(this.#buf.subarray(0, at), 0);
      this.#buf = bigger;
      this.#views = [];
    }
    return at;
  }

  /** A command wrote #buf[from, to): move on and return its view. */
  #wrote(next: EncoderState, from: number, to: number): Uint8Array {
    this.#state = next;
    this.#len = to;
    const k = this.#count++;
    const old = this.#views[k];
    if (old !== undefined && old.byteOffset === from && old.length === to - from) return old;
    // A view made by the constructor: subarray() costs about twice as much. #buf starts its ArrayBuffer.
    const view = new Uint8Array(this.#buf.buffer, from, to - from);
    if (k < MAX_VIEWS) this.#views[k] = view;
    return view;
  }

  #expect(state: EncoderState, command: string): void {
    if (this.#state === state) return;
    if (this.#state === 'done') throw new HttpError('EPIPE', `${command}() after done(): the head is finished`, { rule: 'order' });
    const want = this.#state === 'start-line' ? 'request() or status()' : 'field() or done()';
    throw new HttpError('EINVAL', `${command}() out of order: expected ${want}`, { rule: 'order' });
  }
}

/**
 * The start line of encodeHead: a request's or a status line's parts (a decoded start-line event fits).
 *
 * @example
 * ```ts
 * const start: HeadStart = { method: 'GET', target: '/', version: '1.0' };
 * encodeHead(start, [['Host', 'example.org']]);
 * const head = parseHead('response', bytes);
 * if (head) encodeHead(head[0], []); // re-encode a decoded status line
 * ```
 */
export type HeadStart =
  | {
      /** The method token. */
      method: string;
      /** The request target (0x21-0x7E only). */
      target: string;
      /** Default `'1.1'`. */
      version?: HttpVersion;
    }
  | {
      /** The status code, 100-599. */
      code: number;
      /** Default: the RFC 9110 phrase for the code (empty for an unknown code). */
      reason?: string;
      /** Default `'1.1'`. */
      version?: HttpVersion;
    };

/**
 * One-shot encode of a whole head: the start line, the fields in order, the
 * blank line, in one array of its own. The same checks as HeadEncoder's
 * commands (`EINVAL` for a bad argument, nothing written). Like the result of
 * Node's `Buffer.from()`, a head of up to 4 KiB is a view of a shared pool:
 * its bytes are its own, but its `.buffer` holds other heads too, so copy it
 * (`slice()`) before transferring that buffer to a worker.
 *
 * @example
 * ```ts
 * encodeHead({ code: 200 }, [['Content-Length', '2']]); // "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
 * encodeHead({ method: 'GET', target: '/' }, [['Host', 'example.com']]);
 * ```
 */
export function encodeHead(start: HeadStart, fields: ReadonlyArray<readonly [string, string]>): Uint8Array {
  if (typeof start !== 'object' || start === null) invalid('start', 'encodeHead needs a start line: { method, target } or { code }');
  if (!Array.isArray(fields)) invalid('fields', 'encodeHead needs an array of [name, value] fields');
  const version = start.version ?? '1.1';
  const request = 'method' in start;
  // The common case: build the head as one string, check it with the RegExps
  // of head-pattern.ts (one call per 16 fields) and encode it in one call.
  // A name holding ':' could pass them as part of a field line, so it skips
  // to encodeChecked() (':' is never a tchar), which also writes any head the
  // RegExps refuse and finds the byte: the error text has one home.
  let head: string;
  let phrase = '';
  let known = 0;
  if (request) {
    checkRequest(start.method, start.target, version);
    head = `${start.method} ${start.target} HTTP/${version}\r\n`;
  } else {
    phrase = checkStatus(start.code, start.reason, version);
    const line = knownStatusLine(version, start.code, phrase);
    head = line ?? `HTTP/${version} ${start.code} ${phrase}\r\n`;
    if (line !== undefined) known = line.length;
  }
  let colon = false;
  for (let j = 0; j < fields.length; j++) {
    const f = fields[j];
    if (!Array.isArray(f)) invalid('fields', `Field ${j} is not a [name, value] pair`);
    const name = f[0];
    const value = f[1];
    checkField(name, value);
    if (name.indexOf(':') !== -1) colon = true;
    // Each piece joins the head on its own: a template would first copy a short name and ": " into a new string.
    head = head + name + ': ' + value + '\r\n';
  }
  head += '\r\n';
  return !colon && headPasses(head, request, known, fields.length) ? encodeByteString(head) : encodeChecked(start, fields, request, version, phrase);
}

/** encodeHead, every byte checked as it is copied: the precise error for a head its RegExps refused. */
function encodeChecked(start: HeadStart, fields: ReadonlyArray<readonly [string, string]>, request: boolean, version: HttpVersion, phrase: string): Uint8Array {
  let n = 2 + (request ? (start as { method: string }).method.length + (start as { target: string }).target.length + REQUEST_EXTRA : phrase.length + STATUS_EXTRA);
  for (let j = 0; j < fields.length; j++) n += fields[j]![0].length + fields[j]![1].length + FIELD_EXTRA;
  const out = new Uint8Array(n);
  let at = request ? putRequest(out, 0, (start as { method: string }).method, (start as { target: string }).target, version) : putStatus(out, 0, (start as { code: number }).code, phrase, version);
  for (let j = 0; j < fields.length; j++) at = putField(out, at, fields[j]![0], fields[j]![1]);
  putCrlf(out, at);
  return out;
}

// The checks before a write look at the arguments' types and sizes; the bytes
// are checked while they are copied (put()). Either way a refused command
// commits nothing: HeadEncoder moves its length only after a command wrote
// all of it, and encodeHead returns nothing.

function checkRequest(method: string, target: string, version: unknown): void {
  if (typeof method !== 'string' || method.length === 0) invalid('method', 'method must be a non-empty token');
  if (typeof target !== 'string' || target.length === 0) invalid('request-target', 'Request target must be a non-empty string');
  checkVersion(version);
}

/** The reason phrase to write (RFC 9110's for the code when none is given). */
function checkStatus(code: number, reason: string | undefined, version: unknown): string {
  if (!isStatusCode(code)) invalid('status-code', `Status code must be an integer in ${STATUS_MIN}-${STATUS_MAX}, got ${String(code)}`);
  const phrase = reason ?? REASONS[code] ?? '';
  if (typeof phrase !== 'string') invalid('reason-phrase', 'Reason phrase must be a string');
  checkVersion(version);
  return phrase;
}

function checkField(name: string, value: string): void {
  if (typeof name !== 'string' || name.length === 0) invalid('field-name', 'field-name must be a non-empty token');
  if (typeof value !== 'string') invalid('field-value', 'Field value must be a string');
}

function checkVersion(v: unknown): void {
  if (!isHttpVersion(v)) invalid('http-version', `HTTP version must be '1.0' or '1.1', got ${String(v)}`);
}

function putRequest(out: Uint8Array, at: number, method: string, target: string, version: HttpVersion): number {
  at = put(out, at, method, TOKEN, 'method');
  out[at++] = SP;
  at = put(out, at, target, TARGET, 'request-target');
  out[at++] = SP;
  at = putVersion(out, at, version);
  return putCrlf(out, at);
}

function putStatus(out: Uint8Array, at: number, code: number, reason: string, version: HttpVersion): number {
  at = putVersion(out, at, version);
  out[at++] = SP;
  out[at++] = 0x30 + ((code / 100) | 0);
  out[at++] = 0x30 + (((code / 10) | 0) % 10);
  out[at++] = 0x30 + (code % 10);
  out[at++] = SP;
  at = put(out, at, reason, REASON, 'reason-phrase');
  return putCrlf(out, at);
}

function putField(out: Uint8Array, at: number, name: string, value: string): number {
  at = put(out, at, name, TOKEN, 'field-name');
  out[at++] = COLON;
  out[at++] = SP;
  const from = at;
  at = put(out, at, value, VALUE, 'field-value');
  if (at > from && (isOws(out[from]!) || isOws(out[at - 1]!))) {
    invalid('field-value', `Field value has leading or trailing whitespace: "${escapeByteString(value)}"`);
  }
  return putCrlf(out, at);
}

function putVersion(out: Uint8Array, at: number, version: HttpVersion): number {
  for (let k = 0; k < HTTP_1.length; k++) out[at++] = HTTP_1[k]!;
  out[at++] = version === '1.0' ? 0x30 : 0x31;
  return at;
}

function putCrlf(out: Uint8Array, at: number): number {
  out[at++] = CR;
  out[at++] = LF;
  return at;
}

/** A byte class as put() checks it: its table, and the same class as a RegExp. */
interface ByteClass {
  table: Uint8Array;
  /** The whole string is in the class. */
  all: RegExp;
}

function byteClass(table: Uint8Array): ByteClass {
  return { table, all: new RegExp(`^[${classSource(table)}]*$`) };
}

const TOKEN = byteClass(TCHAR);
const TARGET = byteClass(TARGET_CHAR);
const VALUE = byteClass(FIELD_VALUE_CHAR);
const REASON = byteClass(REASON_CHAR);

/**
 * From this length on, put() checks a string with its class's RegExp and
 * copies it with the injected byte-string writer (Buffer#latin1Write), when
 * there is one: two calls of about 40 ns each, then well under 1 ns a
 * character, where the charCodeAt loop costs 2-4 ns a character. Measured
 * on Node 20, the two break even at about 24 characters for a slice of a
 * decoded head and about 32 for a flat string.
 */
const NATIVE_MIN = 24;

/**
 * Check the byte string `s` against `cls` and copy it into `out` at `at`;
 * returns the index after it. The first code unit outside the class (or
 * above 0xFF) is refused: EINVAL naming `rule`. A long string that passes
 * the RegExp is copied in one native call; any other is checked and copied
 * in one pass, which finds the byte to name.
 */
function put(out: Uint8Array, at: number, s: string, cls: ByteClass, rule: Rule): number {
  const n = s.length;
  if (n >= NATIVE_MIN) {
    const write = byteStringWriter();
    if (write !== null && cls.all.test(s)) {
      write(s, out, at);
      return at + n;
    }
  }
  const table = cls.table;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (table[c & 0xff] === 0 || c > 0xff) refuse(rule, s, i);
    out[at + i] = c;
  }
  return at + n;
}

function invalid(rule: Rule, message: string): never {
  throw new HttpError('EINVAL', message, { rule });
}

function refuse(rule: Rule, s: string, i: number): never {
  const c = s.charCodeAt(i);
  const what = c > 0xff ? `code unit ${hexByte(c)} above 0xFF` : `byte ${hexByte(c)}`;
  invalid(rule, `Invalid ${what} in ${rule} at index ${i}: "${escapeByteString(s)}"`);
}
