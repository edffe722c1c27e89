/**
 * Hints for the inputs people actually paste into `headwire decode`: what the
 * bytes look like when they are not an HTTP/1.1 head of the kind asked for.
 * They read only the input and the error's public `code` and `offset`.
 */
import type { HeadKind, HttpError } from '../codec/index.ts';
import { looksLikeCurlTrace } from './trace.ts';

export const HINTS = {
  tls: 'this looks like TLS (a TLS record starts with byte 0x16); headwire decodes plaintext HTTP/1.1. Capture it before encryption, e.g. with curl --trace, and decode that with --trace',
  h2Preface:
    'this is the HTTP/2 connection preface ("PRI * HTTP/2.0"), sent by h2c with prior knowledge; headwire decodes HTTP/1.1 heads only (for curl, try --http1.1)',
  curlTrace: 'this looks like curl trace output; try --trace',
  responseAsRequest: 'this looks like a response head (it starts with "HTTP/"); try --response',
  requestAsResponse: 'this looks like a request head, not a response; try --request (the default) instead of --response',
  bareLf: 'the line ends in a bare LF, not CRLF (files saved by editors and shell heredocs often do); try --lf',
  incomplete: 'a head ends with an empty line (CRLF CRLF); was the capture cut short, or saved without its final blank line?',
} as const;

const H2_PREFACE = 'PRI * HTTP/2.0\r\n';
// request-line = method SP request-target SP HTTP-version, loosely: enough to tell a request from a response.
const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [^ \r\n]+ HTTP\//;

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The first line after any empty lines (RFC 9112 §2.2 lets them precede a request), as a byte string. */
function firstLine(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  let end = i;
  while (end < bytes.length && bytes[end] !== 0x0a && end - i < 256) end++;
  return String.fromCharCode(...bytes.subarray(i, end));
}

/** Hints for an input that failed to decode as `kind`, most specific first. */
export function hintsFor(bytes: Uint8Array, kind: HeadKind, lfOnly: boolean, error: HttpError): string[] {
  if (bytes[0] === 0x16) return [HINTS.tls];
  if (looksLikeCurlTrace(bytes)) return [HINTS.curlTrace];
  if (startsWith(bytes, H2_PREFACE)) return [HINTS.h2Preface];
  const line = firstLine(bytes);
  if (kind === 'request' && line.startsWith('HTTP/')) return [HINTS.responseAsRequest];
  if (kind === 'response' && REQUEST_LINE.test(line)) return [HINTS.requestAsResponse];
  const at = error.offset;
  if (!lfOnly && at !== undefined && bytes[at] === 0x0a && bytes[at - 1] !== 0x0d) return [HINTS.bareLf];
  if (error.code === 'ECONNRESET') return [HINTS.incomplete];
  return [];
}
