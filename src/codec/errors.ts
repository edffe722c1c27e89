import { LF, hexDigits } from './chars.ts';
import type { Rule } from './rules.ts';

/**
 * Error codes, named after the errno values libdill's `http_*` calls return.
 *
 * - `EPROTO`: the peer sent bytes the grammar does not allow
 * - `EMSGSIZE`: a head or body exceeds a limit (`maxHeadSize`, `maxFields`, `storage`,
 *   `maxBodySize`, `maxChunkExtensions`, `maxTrailerSize`, `maxTrailerFields`)
 * - `EINVAL`: a bad argument to a command (encoder) or a call made at the wrong time
 * - `EPIPE`: no more to read or write (the head is finished, or the peer closed cleanly)
 * - `ECONNRESET`: the peer closed in the middle of a head or a body
 * - `ETIMEDOUT`, `ECANCELED`, `EBADF`, `ENOTSUP`: used by the adapters
 * - `ECONNREFUSED`, `EHOSTUNREACH`, `ENETUNREACH`: a transport failure that names that errno
 *
 * @example
 * ```ts
 * const worthRetrying = (e: HttpError): boolean => {
 *   const code: ErrorCode = e.code;
 *   return code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'ECONNREFUSED';
 * };
 * ```
 */
export type ErrorCode =
  | 'EPROTO'
  | 'EMSGSIZE'
  | 'EINVAL'
  | 'EPIPE'
  | 'ECONNRESET'
  | 'ETIMEDOUT'
  | 'ECANCELED'
  | 'EBADF'
  | 'ENOTSUP'
  | 'ECONNREFUSED'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH';

/**
 * The response a server should send when a request head or body fails to
 * decode: 400 (bad bytes), 413 (body or chunk extensions too large), 414 (the
 * request line alone passes the head limit), 431 (head or trailers too large)
 * or 505 (an HTTP version other than 1.0 and 1.1).
 *
 * @example
 * ```ts
 * const REASON: Record<StatusHint, string> = {
 *   400: 'Bad Request',
 *   413: 'Content Too Large',
 *   414: 'URI Too Long',
 *   431: 'Request Header Fields Too Large',
 *   505: 'HTTP Version Not Supported',
 * };
 * const e = new HttpError('EMSGSIZE', 'Head too large', { statusHint: 431 });
 * const answer = new HeadEncoder().status(e.statusHint ?? 400, REASON[e.statusHint ?? 400]);
 * ```
 */
export type StatusHint = 400 | 413 | 414 | 431 | 505;

/**
 * The optional parts of an {@link HttpError}, as its constructor takes them.
 *
 * @example
 * ```ts
 * const details: HttpErrorDetails = { rule: 'content-length', statusHint: 400 };
 * throw new HttpError('EPROTO', 'Content-Length on a GET this server refuses', details);
 * ```
 */
export interface HttpErrorDetails {
  /** Absolute byte offset of the offending byte in the stream (decode errors). */
  offset?: number;
  /** The grammar rule or limit that was broken, e.g. `field-name`, `head-too-large`. */
  rule?: Rule;
  /** The status a server should answer with (decode errors). */
  statusHint?: StatusHint;
  /** The underlying error (a runtime's socket error, an abort reason). */
  cause?: unknown;
}

/**
 * The one error type headwire throws. Decode errors carry `offset`, `rule` and
 * `statusHint`; the message shows the offending line with the byte escaped.
 *
 * @example
 * ```ts
 * try {
 *   parseHead('request', bytes);
 * } catch (e) {
 *   if (e instanceof HttpError && e.code === 'EPROTO') reply(e.statusHint ?? 400);
 * }
 * ```
 */
export class HttpError extends Error {
  /** How it failed: an errno name (see {@link ErrorCode}). */
  readonly code: ErrorCode;
  /** Decode errors: the absolute byte offset of the offending byte. */
  readonly offset: number | undefined;
  /** Which grammar rule, limit or precondition was broken (see {@link RULES}). */
  readonly rule: Rule | undefined;
  /** Decode errors of a request: the status a server should answer with. */
  readonly statusHint: StatusHint | undefined;

  constructor(code: ErrorCode, message: string, details: HttpErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HttpError';
    this.code = code;
    this.offset = details.offset;
    this.rule = details.rule;
    this.statusHint = details.statusHint;
  }
}

/**
 * Escape a byte range for display: printable ASCII as is, `\r`, `\n`, `\t`,
 * `\\`, `\"`, everything else as `\xHH`. Decode errors show the offending
 * line this way.
 *
 * @example
 * ```ts
 * escapeBytes(new Uint8Array([0x47, 0x45, 0x54, 0x0d, 0x0a, 0x80])); // 'GET\\r\\n\\x80'
 * escapeBytes(new TextEncoder().encode('a"b'), 1, 2); // '\\"'
 * ```
 */
export function escapeBytes(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += escapeCode(bytes[i]!);
  return out;
}

/**
 * Escape a byte string (one code unit per octet, as the decoder's strings
 * are) the same way as {@link escapeBytes}; a code unit above 0xFF shows as
 * `\uHHHH`.
 *
 * @example
 * ```ts
 * escapeByteString('caf\xe9\t\x00'); // 'caf\\xe9\\t\\x00'
 * ```
 */
export function escapeByteString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += escapeCode(s.charCodeAt(i));
  return out;
}

function escapeCode(c: number): string {
  if (c === 0x0d) return '\\r';
  if (c === 0x0a) return '\\n';
  if (c === 0x09) return '\\t';
  if (c === 0x5c) return '\\\\';
  if (c === 0x22) return '\\"';
  if (c >= 0x20 && c < 0x7f) return String.fromCharCode(c);
  if (c > 0xff) return `\\u${hexDigits(c, 4)}`;
  return `\\x${hexDigits(c, 2)}`;
}

/** The most bytes of the offending line a decode error shows. */
const SHOWN_LINE = 120;

/**
 * A decode error: `${why} at offset ${offset}`, then the line around
 * `bytes[at]` (from `lineStart`, through its LF if it is in `bytes[0, end)`),
 * escaped, at most 120 bytes of it. `statusHint` only for requests.
 */
export function decodeError(
  code: ErrorCode,
  rule: Rule,
  offset: number,
  why: string,
  hint: StatusHint | undefined,
  bytes: Uint8Array,
  lineStart: number,
  at: number,
  end: number,
): HttpError {
  let from = Math.min(lineStart, at);
  let to = at;
  while (to < end && bytes[to] !== LF) to++;
  if (to < end) to++;
  if (to - from > SHOWN_LINE) {
    from = Math.max(from, at - SHOWN_LINE / 2);
    to = Math.min(to, from + SHOWN_LINE);
  }
  const line = to > from ? `: "${escapeBytes(bytes, from, to)}"` : '';
  return new HttpError(code, `${why} at offset ${offset}${line}`, { offset, rule, statusHint: hint });
}
