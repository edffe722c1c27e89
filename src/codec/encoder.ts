import { FIELD_VALUE_CHAR, REASON_CHAR, TARGET_CHAR, TCHAR } from './chars.ts';
import { HttpError, escapeByteString } from './errors.ts';
import type { HttpVersion } from './events.ts';

type EncoderState = 'start-line' | 'field-line' | 'done';

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

const CRLF = new Uint8Array([0x0d, 0x0a]);

/**
 * The validating head encoder: each command returns the exact bytes to write.
 * It refuses what a decoder would reject (`EINVAL`) instead of escaping it, so
 * a CR, LF or NUL from an argument never reaches the wire; commands after
 * `done()` are `EPIPE`.
 *
 * @example
 * ```ts
 * const e = new HeadEncoder();
 * const bytes = [e.status(200), e.field('Content-Length', '2'), e.done()];
 * // "HTTP/1.1 200 OK\r\n", "Content-Length: 2\r\n", "\r\n"
 * ```
 */
export class HeadEncoder {
  #state: EncoderState = 'start-line';

  /** What the encoder expects next: `'start-line'`, `'field-line'` (or `done`), or `'done'`. */
  get state(): EncoderState {
    return this.#state;
  }

  /** `method SP request-target SP HTTP-version CRLF`. */
  request(method: string, target: string, version: HttpVersion = '1.1'): Uint8Array {
    this.#expect('start-line', 'request');
    checkToken('method', method);
    if (typeof target !== 'string' || target.length === 0) invalid('request-target', 'Request target must be a non-empty string');
    checkBytes('request-target', target, TARGET_CHAR);
    checkVersion(version);
    this.#state = 'field-line';
    return latin1(`${method} ${target} HTTP/${version}\r\n`);
  }

  /**
   * `HTTP-version SP status-code SP reason-phrase CRLF`. Without a reason, the
   * RFC 9110 phrase for the code is used (empty for unknown codes).
   */
  status(code: number, reason?: string, version: HttpVersion = '1.1'): Uint8Array {
    this.#expect('start-line', 'status');
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
      invalid('status-code', `Status code must be an integer in 100-599, got ${String(code)}`);
    }
    const phrase = reason ?? REASONS[code] ?? '';
    if (typeof phrase !== 'string') invalid('reason-phrase', 'Reason phrase must be a string');
    checkBytes('reason-phrase', phrase, REASON_CHAR);
    checkVersion(version);
    this.#state = 'field-line';
    return latin1(`HTTP/${version} ${code} ${phrase}\r\n`);
  }

  /**
   * `field-name ":" SP field-value CRLF`. The name must be a token; the value
   * holds HTAB, SP, VCHAR and obs-text only, and no leading or trailing
   * whitespace (the decoder would trim it, so the value would not round-trip).
   */
  field(name: string, value: string): Uint8Array {
    this.#expect('field-line', 'field');
    if (typeof name !== 'string' || name.length === 0) invalid('field-name', 'field-name must be a non-empty token');
    if (typeof value !== 'string') invalid('field-value', 'Field value must be a string');
    // The hot command: validate and copy in one pass per string, into one array.
    const out = new Uint8Array(name.length + value.length + 4);
    let at = put(out, 0, name, TCHAR, 'field-name');
    out[at++] = 0x3a; // ":"
    out[at++] = 0x20;
    at = put(out, at, value, FIELD_VALUE_CHAR, 'field-value');
    const n = value.length;
    if (n > 0 && (isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(n - 1)))) {
      invalid('field-value', `Field value has leading or trailing whitespace: "${escapeByteString(value)}"`);
    }
    out[at++] = 0x0d;
    out[at] = 0x0a;
    return out;
  }

  /** The blank line that ends the head. Later commands are `EPIPE` until `reset()`. */
  done(): Uint8Array {
    this.#expect('field-line', 'done');
    this.#state = 'done';
    return CRLF.slice();
  }

  /** Start the next head on the same connection. */
  reset(): void {
    this.#state = 'start-line';
  }

  #expect(state: EncoderState, command: string): void {
    if (this.#state === state) return;
    if (this.#state === 'done') throw new HttpError('EPIPE', `${command}() after done(): the head is finished`, { rule: 'order' });
    const want = this.#state === 'start-line' ? 'request() or status()' : 'field() or done()';
    throw new HttpError('EINVAL', `${command}() out of order: expected ${want}`, { rule: 'order' });
  }
}

function invalid(rule: string, message: string): never {
  throw new HttpError('EINVAL', message, { rule });
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function checkToken(rule: string, s: string): void {
  if (typeof s !== 'string' || s.length === 0) invalid(rule, `${rule} must be a non-empty token`);
  checkBytes(rule, s, TCHAR);
}

function checkBytes(rule: string, s: string, table: Uint8Array): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || !table[c]) refuse(rule, s, i);
  }
}

/** Validate `s` against `table` and copy it into `out` at `at`; returns the index after it. */
function put(out: Uint8Array, at: number, s: string, table: Uint8Array, rule: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || !table[c]) refuse(rule, s, i);
    out[at++] = c;
  }
  return at;
}

function refuse(rule: string, s: string, i: number): never {
  const c = s.charCodeAt(i);
  const what = c > 0xff ? `code unit 0x${c.toString(16)} above 0xFF` : `byte 0x${c.toString(16).padStart(2, '0')}`;
  invalid(rule, `Invalid ${what} in ${rule} at index ${i}: "${escapeByteString(s)}"`);
}

function checkVersion(v: string): void {
  if (v !== '1.0' && v !== '1.1') invalid('http-version', `HTTP version must be '1.0' or '1.1', got ${String(v)}`);
}

/** Byte string to bytes; every code unit was checked to be <= 0xFF. */
function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
