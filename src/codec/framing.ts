// Message body framing (RFC 9112 §6.3): how long the body after a head is,
// decided from the fields the decoder delivered. Two hops that disagree on
// this number disagree on where the next message starts — request smuggling
// (RFC 9112 §11.2) or response splitting (§11.1) — so anything that lets two
// readings exist is refused with EPROTO instead of guessed at.
//
// INVARIANT: the verdict depends only on `kind`, the context, the values of
// the Transfer-Encoding and Content-Length field lines in order, and the
// ASCII case-insensitive names; never on other fields, on the case of a name,
// or on anything outside ASCII being case-folded.
//
// Proxies: re-serialise, never forward. A proxy that decodes a chunked body
// with BodyDecoder and forwards it must write its own framing (a BodyEncoder
// over the framing of the head it sends), not copy the received
// Transfer-Encoding and Content-Length lines. RFC 9110 §5.6.1 makes
// "chunked," (an empty list element) valid and we accept it, but llhttp and
// h11 reject it: forwarded as is, it is refused by the next hop at best and
// read differently by it at worst.
import { BACKSLASH, DQUOTE, EQUALS, FIELD_VALUE_CHAR, SEMICOLON, TCHAR, hexByte, isDigit, isHttpVersion, isOws, isStatusCode } from './chars.ts';
import { HttpError, escapeByteString } from './errors.ts';
import type { HeadKind, HttpVersion } from './events.ts';
import type { Rule } from './rules.ts';

/**
 * How the body after a head is delimited.
 *
 * - `none`: no body; the next message (or the end) follows the head at once
 * - `length`: exactly `length` bytes follow (`Content-Length`; 0 is possible)
 * - `chunked`: the chunked transfer coding follows; decode it to find the end
 * - `close`: a response whose body runs until the server closes the
 *   connection; never reuse the connection. A 2xx answer to CONNECT is
 *   `close` too: every byte after the head belongs to the tunnel.
 * - `upgrade`: a 101 (Switching Protocols) response. The message has no body
 *   and the connection now belongs to the protocol named in its `Upgrade`
 *   field, in both directions, from the byte after the blank line: hand the
 *   connection over (`HttpSocket.detach()`, or `BodyDecoder.rest()` after its
 *   immediate `end`) and never read another HTTP message from it.
 *
 * @example
 * ```ts
 * const f: Framing = framing('response', fields, { version: '1.1', status: 200 });
 * if (f.type === 'length') readExactly(f.length);
 * ```
 */
export type Framing =
  | {
      /** No body. */
      type: 'none';
    }
  | {
      /** Exactly `length` bytes. */
      type: 'length';
      /** The body's length in bytes, 0 to 2^53-1. */
      length: number;
    }
  | {
      /** The chunked transfer coding. */
      type: 'chunked';
    }
  | {
      /** Until the connection closes. */
      type: 'close';
    }
  | {
      /** A 101 response: the connection changes protocol. */
      type: 'upgrade';
    };

/**
 * What framing needs besides the fields.
 *
 * @example
 * ```ts
 * const ctx: FramingContext = { version: '1.1', requestMethod: 'HEAD', status: 200 };
 * const req: FramingContext = { version: '1.1', requestMethod: 'CONNECT' }; // a request's own method
 * ```
 */
export interface FramingContext {
  /** The HTTP version of this message (from its request or status line). */
  version: HttpVersion;
  /**
   * Responses: the method of the request this answers; requests: the
   * request's own method. Compared case-sensitively (methods are, RFC 9110
   * §9.1). Only these matter: a response to `HEAD` has no body, a 2xx response
   * to `CONNECT` is a tunnel, and a `CONNECT` request has no content.
   */
  requestMethod?: string;
  /** Responses: the status code (100–599). Required for responses, ignored for requests. */
  status?: number;
}

/**
 * The context `framing(kind, …)` takes for kind `K`: for `'response'` the
 * `status` is required (without it `framing` throws `EINVAL`, rule `status`).
 *
 * @example
 * ```ts
 * const ok: FramingContextOf<'response'> = { version: '1.1', status: 200, requestMethod: 'GET' };
 * // @ts-expect-error a response's framing needs its status
 * const missing: FramingContextOf<'response'> = { version: '1.1' };
 * ```
 */
export type FramingContextOf<K extends HeadKind> = K extends 'response'
  ? FramingContext & {
      /** The status code of the response (100-599). */
      status: number;
    }
  : FramingContext;

/**
 * The largest Content-Length accepted: 2^53 − 1, the largest integer a
 * `number` holds exactly. A larger value is `EPROTO` (rule `content-length`),
 * as llhttp's and h11's overflow checks do: a length that wraps or rounds in
 * one hop and not in another is a smuggling primitive.
 */
const MAX_CONTENT_LENGTH = Number.MAX_SAFE_INTEGER;

const COMMA = 0x2c;

/**
 * The body framing of a message (RFC 9112 §6.3), from the fields of its head.
 * Throws `HttpError` `EPROTO` for any framing that two recipients could read
 * differently, with `rule` naming what was wrong and `statusHint` 400 for
 * requests (none for responses: a client has no status to send), and `EINVAL`
 * (rule `kind`, `version` or `status`) for a bad argument. The errors carry no
 * `offset`: framing sees fields, not the stream.
 *
 * Rules of `EPROTO` errors: `transfer-encoding` (an element that is not a
 * transfer-coding), `transfer-encoding-final` (a request's codings do not end
 * in chunked), `transfer-encoding-chunked-twice`,
 * `transfer-encoding-chunked-parameters`, `transfer-encoding-http-1.0`,
 * `content-length-with-transfer-encoding`, `content-length` (not 1*DIGIT, or
 * larger than 2^53 − 1), `content-length-mismatch`.
 *
 * Names are compared ASCII case-insensitively; other fields are ignored.
 * Values are expected as the decoder delivers them, but OWS around list
 * elements is accepted anyway.
 *
 * @example
 * ```ts
 * const events = parseHead('request', bytes)!;
 * const start = events[0] as RequestEvent;
 * const f = framing('request', events.filter((e) => e.type === 'field'), { version: start.version });
 * // {type:'length',length:5} for "Content-Length: 5"; {type:'chunked'} for
 * // "Transfer-Encoding: gzip, chunked"; throws EPROTO for both together
 * ```
 */
export function framing<K extends HeadKind>(
  kind: K,
  fields: ReadonlyArray<{ name: string; value: string }>,
  context: FramingContextOf<K>,
): Framing;
export function framing(
  kind: HeadKind,
  fields: ReadonlyArray<{ name: string; value: string }>,
  context: FramingContext,
): Framing {
  if (kind !== 'request' && kind !== 'response') {
    throw new HttpError('EINVAL', `Kind must be 'request' or 'response', got ${String(kind)}`, { rule: 'kind' });
  }
  const version = context.version;
  if (!isHttpVersion(version)) {
    throw new HttpError('EINVAL', `Version must be '1.0' or '1.1', got ${String(version)}`, { rule: 'version' });
  }

  if (kind === 'request') {
    // RFC 9110 §9.3.6: "A CONNECT request message does not have content";
    // what follows its head is tunnel data once a 2xx answer is sent. Its
    // Content-Length and Transfer-Encoding frame nothing and are not
    // validated, as llhttp does (it stops parsing at a CONNECT head). A server
    // that refuses the CONNECT must close the connection: a client may already
    // have sent tunnel bytes, which are not a next request.
    if (context.requestMethod === 'CONNECT') return { type: 'none' };
  } else {
    const status = context.status;
    // RFC 9110 §15: status codes are 100–599 (the decoder delivers nothing else).
    if (!isStatusCode(status)) {
      throw new HttpError('EINVAL', `A response's framing needs its status code (100-599), got ${String(status)}`, {
        rule: 'status',
      });
    }
    // RFC 9112 §6.3 item 1: a response to HEAD, and any 1xx, 204 or 304
    // response, ends at the blank line whatever its fields say (a HEAD or 304
    // response's Content-Length describes another message's body). Not
    // validated either: the fields do not frame anything here.
    // RFC 9110 §15.2.2: after a 101 the connection speaks the protocol the
    // Upgrade field names, starting right after the blank line; not `none`,
    // which would have the caller read the next HTTP response there.
    if (status === 101) return { type: 'upgrade' };
    if (context.requestMethod === 'HEAD') return { type: 'none' };
    // RFC 9112 §6.3 item 2, RFC 9110 §9.3.6: any 2xx answer to CONNECT turns
    // the connection into a tunnel right after the blank line, and its
    // Content-Length and Transfer-Encoding MUST be ignored. Checked before 204
    // because "any 2xx" includes 204. `close` rather than `none`: every later
    // byte is tunnel data until the connection closes, and must never be read
    // as the next response.
    if (context.requestMethod === 'CONNECT' && status >= 200 && status < 300) return { type: 'close' };
    if (status < 200 || status === 204 || status === 304) return { type: 'none' };
  }

  let te: string[] | null = null;
  let cl: string[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    // RFC 9110 §5.1: field names are case-insensitive. ASCII only: a name with
    // a byte >= 0x80 or a code unit a Unicode case mapping would fold (U+017F
    // uppercases to "S") is some other field.
    if (asciiNameIs(f.name, 'transfer-encoding')) (te ??= []).push(f.value);
    else if (asciiNameIs(f.name, 'content-length')) (cl ??= []).push(f.value);
  }

  if (te !== null) {
    // RFC 9112 §6.1: "A server or client that receives an HTTP/1.0 message
    // containing a Transfer-Encoding header field MUST treat the message as if
    // the framing is faulty, even if a Content-Length is present".
    if (version === '1.0') {
      throw protocolError(kind, 'transfer-encoding-http-1.0', `Transfer-Encoding in an HTTP/1.0 ${kind}: ${quoted(te)}`);
    }
    // RFC 9112 §6.1: a server MAY reject a request with both; §6.3 item 3:
    // such a message "ought to be handled as an error". We reject it in both
    // kinds: it is the CL.TE / TE.CL smuggling primitive, and `Framing` has
    // no way to say "use Transfer-Encoding, then close the connection", which
    // §6.1 requires of a server that accepts it. llhttp rejects it in
    // responses too (Node's http client fails such a response with "Content-
    // Length can't be present with Transfer-Encoding").
    if (cl !== null) {
      throw protocolError(
        kind,
        'content-length-with-transfer-encoding',
        `Content-Length with Transfer-Encoding in a ${kind} ` +
          `(Transfer-Encoding: ${quoted(te)}; Content-Length: ${quoted(cl)})`,
      );
    }
    const codings: CodingState = { chunked: 0, last: false };
    for (const value of te) scanTransferCodings(kind, value, te, codings);
    // RFC 9112 §6.3 item 4: chunked final -> read the chunked data. A request
    // whose final coding is not chunked "MUST" be answered 400 (its length
    // cannot be determined reliably); a response is read until the close.
    if (codings.last) return { type: 'chunked' };
    if (kind === 'request') {
      const why = `Transfer-Encoding of a request does not end in chunked: ${quoted(te)}`;
      throw protocolError(kind, 'transfer-encoding-final', why);
    }
    return { type: 'close' };
  }

  if (cl !== null) return { type: 'length', length: contentLength(kind, cl) };

  // RFC 9112 §6.3 item 6: a request with neither has no body; item 8: a
  // response with neither is read until the server closes the connection.
  return kind === 'request' ? { type: 'none' } : { type: 'close' };
}

/**
 * Whether the connection stays open after this message (RFC 9112 §9.3), from
 * its version and its `Connection` field lines: HTTP/1.1 persists unless a
 * `close` option is listed; HTTP/1.0 persists only when `keep-alive` is listed
 * and `close` is not. Connection is a comma-separated list of tokens (RFC 9110
 * §7.6.1), over every Connection line, compared ASCII case-insensitively, OWS
 * and empty elements ignored; other fields are ignored. A message framed
 * `close` (or `upgrade`) ends the connection whatever this says, and a server
 * answering a 1.0 request that asked for keep-alive must send `Connection:
 * keep-alive` itself.
 *
 * Throws `HttpError` `EINVAL` (rule `version`) for a version other than '1.0'
 * or '1.1'.
 *
 * @example
 * ```ts
 * keepAlive('1.1', [{ name: 'Host', value: 'a' }]); // true
 * keepAlive('1.1', [{ name: 'Connection', value: 'Upgrade, close' }]); // false
 * keepAlive('1.0', [{ name: 'connection', value: 'Keep-Alive' }]); // true
 * keepAlive('1.0', []); // false
 * ```
 */
export function keepAlive(version: HttpVersion, fields: ReadonlyArray<{ name: string; value: string }>): boolean {
  if (version !== '1.0' && version !== '1.1') {
    throw new HttpError('EINVAL', `Version must be '1.0' or '1.1', got ${String(version)}`, { rule: 'version' });
  }
  let close = false;
  let keep = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (!asciiNameIs(f.name, 'connection')) continue;
    const v = f.value;
    const n = v.length;
    let at = 0;
    while (at < n) {
      // One list element: from `at` to the next comma, OWS trimmed.
      let end = at;
      while (end < n && v.charCodeAt(end) !== COMMA) end++;
      const from = skipOws(v, at);
      let to = end;
      while (to > from && isOws(v.charCodeAt(to - 1))) to--;
      if (asciiEqualsAt(v, from, to, 'close')) close = true;
      else if (asciiEqualsAt(v, from, to, 'keep-alive')) keep = true;
      at = end + 1;
    }
  }
  return !close && (version === '1.1' || keep);
}

/** `name` equals `lower` (lowercase ASCII) when ASCII letters A–Z are folded, and nothing else. */
function asciiNameIs(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  return asciiEqualsAt(name, 0, name.length, lower);
}

/** `s.slice(start, end)` equals `lower` with only A–Z folded to a–z; no slice is made. */
function asciiEqualsAt(s: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i - start)) return false;
  }
  return true;
}

interface CodingState {
  /** How many times chunked was listed so far, over every field line. */
  chunked: number;
  /** The last coding listed so far is chunked. */
  last: boolean;
}

// RFC 9112 §6.1, §7:
//   Transfer-Encoding  = #transfer-coding
//   transfer-coding    = token *( OWS ";" OWS transfer-parameter )
//   transfer-parameter = token BWS "=" BWS ( token / quoted-string )
// RFC 9110 §5.6.1: #element = [ element ] *( OWS "," OWS [ element ] ), so
// empty elements (", ,chunked,") are accepted; RFC 9110 §5.3: several field
// lines are one list in order, so "gzip" then "chunked" ends in chunked.
// RFC 9112 §7: coding names are case-insensitive (ASCII: "CHUNKED" is chunked,
// "chun\u212Aed" — a Kelvin sign that toLowerCase folds to "k" — is not a token).
/** Scan one Transfer-Encoding field value into `state`; throw at the first element that breaks a rule. */
function scanTransferCodings(kind: HeadKind, value: string, all: readonly string[], state: CodingState): void {
  const n = value.length;
  let i = 0;
  for (;;) {
    i = skipOws(value, i);
    if (i === n) return;
    if (value.charCodeAt(i) === COMMA) {
      i++;
      continue;
    }
    const start = i;
    i = skipToken(value, i);
    if (i === start) throw badByte(kind, 'transfer-encoding', 'Transfer-Encoding', value, i);
    const isChunked = asciiEqualsAt(value, start, i, 'chunked');
    let parameters = false;
    for (;;) {
      const j = skipOws(value, i);
      if (j === n || value.charCodeAt(j) !== SEMICOLON) {
        i = j;
        break;
      }
      parameters = true;
      i = skipOws(value, j + 1);
      const nameEnd = skipToken(value, i);
      if (nameEnd === i) throw badByte(kind, 'transfer-encoding', 'Transfer-Encoding', value, i);
      i = skipOws(value, nameEnd); // BWS
      if (i === n || value.charCodeAt(i) !== EQUALS) throw badByte(kind, 'transfer-encoding', 'Transfer-Encoding', value, i);
      i = skipOws(value, i + 1); // BWS
      const valueEnd = i < n && value.charCodeAt(i) === DQUOTE ? quotedStringEnd(value, i) : skipToken(value, i);
      if (valueEnd < 0) throw badByte(kind, 'transfer-encoding', 'Transfer-Encoding', value, ~valueEnd);
      if (valueEnd === i) throw badByte(kind, 'transfer-encoding', 'Transfer-Encoding', value, i);
      i = valueEnd;
    }
    if (isChunked) {
      // RFC 9112 §7.1 defines no parameters for chunked. A hop that ignores
      // unknown parameters reads "chunked;x=1" as chunked, a hop that compares
      // the element as a whole does not: refused in both kinds.
      if (parameters) {
        const why = `Parameters on chunked in Transfer-Encoding: ${quoted(all)}`;
        throw protocolError(kind, 'transfer-encoding-chunked-parameters', why);
      }
      // RFC 9112 §6.1: "A sender MUST NOT apply the chunked transfer coding
      // more than once". A hop that de-chunks once and one that de-chunks
      // twice (or keeps one field line of several) disagree on the length.
      if (state.chunked++ > 0) {
        const why = `The chunked coding is listed twice in Transfer-Encoding: ${quoted(all)}`;
        throw protocolError(kind, 'transfer-encoding-chunked-twice', why);
      }
    }
    // Other codings (gzip, identity, unknown tokens) are accepted: with
    // chunked last they do not change where the body ends, and undoing them
    // is the application's business (RFC 9112 §6.1: 501 for one it does not know).
    state.last = isChunked;
    if (i === n) return;
    if (value.charCodeAt(i) !== COMMA) throw badByte(kind, 'transfer-encoding', 'Transfer-Encoding', value, i);
    i++;
  }
}

// RFC 9110 §8.6: Content-Length = 1*DIGIT (no sign, no spaces inside, no hex,
// not empty; leading zeros are digits like any other, "007" is 7). A value
// that repeats the same decimal value as a list ("42, 42"), or repeated field
// lines, may be replaced by that value; RFC 9112 §6.3 item 5: anything else is
// invalid framing. "Same" is the same digit string: "5, 05" is refused, so a
// hop that reads "05" some other way (octal) cannot disagree with us.
/** The length all Content-Length field lines agree on; throws EPROTO otherwise. */
function contentLength(kind: HeadKind, values: readonly string[]): number {
  let first: string | null = null;
  let same = true;
  for (const value of values) {
    const n = value.length;
    if (skipOws(value, 0) === n) {
      throw protocolError(kind, 'content-length', `Empty Content-Length: "${escapeByteString(value)}"`);
    }
    let i = 0;
    for (;;) {
      i = skipOws(value, i);
      const start = i;
      while (i < n && isDigit(value.charCodeAt(i))) i++;
      if (i === start) throw badByte(kind, 'content-length', 'Content-Length', value, i);
      const digits = value.slice(start, i);
      if (first === null) first = digits;
      else if (digits !== first) same = false;
      i = skipOws(value, i);
      if (i === n) break;
      if (value.charCodeAt(i) !== COMMA) throw badByte(kind, 'content-length', 'Content-Length', value, i);
      i++;
    }
  }
  // Every element was checked first, so a malformed one is reported as such.
  if (!same) throw protocolError(kind, 'content-length-mismatch', `Differing Content-Length values: ${quoted(values)}`);
  const digits = first!;
  let z = 0;
  while (z < digits.length - 1 && digits.charCodeAt(z) === 0x30) z++;
  // 2^53 - 1 has 16 digits; more significant digits than that overflow
  // without arithmetic (and without a huge loop for a huge value).
  let length = 0;
  if (digits.length - z <= 16) for (let i = z; i < digits.length; i++) length = length * 10 + (digits.charCodeAt(i) - 0x30);
  if (digits.length - z > 16 || length > MAX_CONTENT_LENGTH) {
    const why = `Content-Length overflows 2^53-1 (${MAX_CONTENT_LENGTH}): ${quoted(values)}`;
    throw protocolError(kind, 'content-length', why);
  }
  return length;
}

function skipOws(s: string, i: number): number {
  while (i < s.length && isOws(s.charCodeAt(i))) i++;
  return i;
}

/** End of the token starting at `i` (`i` itself when there is none); code units above 0xFF are never tchar. */
function skipToken(s: string, i: number): number {
  while (i < s.length && TCHAR[s.charCodeAt(i)] === 1) i++;
  return i;
}

// RFC 9110 §5.6.4:
//   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
//   qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
//   quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
// qdtext is FIELD_VALUE_CHAR without DQUOTE and backslash, and a quoted-pair's
// second octet is any FIELD_VALUE_CHAR, so chars.ts already holds both sets.
/** Index after the quoted-string opening at `i`, or `~index` of the offending code unit (or of the end). */
function quotedStringEnd(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) return i + 1;
    if (c === BACKSLASH) {
      if (i + 1 === s.length || FIELD_VALUE_CHAR[s.charCodeAt(i + 1)] !== 1) return ~(i + 1);
      i++;
    } else if (FIELD_VALUE_CHAR[c] !== 1) {
      return ~i;
    }
  }
  return ~i;
}

function protocolError(kind: HeadKind, rule: Rule, message: string): HttpError {
  return new HttpError('EPROTO', message, { rule, statusHint: kind === 'request' ? 400 : undefined });
}

/** `Invalid byte 0x0b at index 7 in Transfer-Encoding: "chunked\x0b"`, or `Unexpected end` at the end. */
function badByte(kind: HeadKind, rule: Rule, field: string, value: string, i: number): HttpError {
  let what: string;
  if (i >= value.length) what = 'Unexpected end';
  else {
    const c = value.charCodeAt(i);
    what = c > 0xff ? `Invalid code unit ${hexByte(c)} (not a byte)` : `Invalid byte ${hexByte(c)}`;
  }
  return protocolError(kind, rule, `${what} at index ${i} in ${field}: "${escapeByteString(value)}"`);
}

/** The field values as the message shows them: `"a", "b"`, each escaped. */
function quoted(values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += `${i > 0 ? ', ' : ''}"${escapeByteString(values[i]!)}"`;
  return out;
}
