// The body corpus: wire bytes after a head, the framing they are read with,
// and what BodyDecoder must make of them. Grouped by the smuggling class each
// case guards (chunk lines, extensions, terminators, sizes, trailers, limits):
// two hops that disagree on any of these disagree on where the next message
// starts. body.test.ts runs every case under every chunking; the llhttp
// differential (test/fuzz/body-differential.test.ts) and the fuzzer's seeds
// reuse the chunked ones.
import type { BodyDecoderOptions, Framing } from '../../src/index.ts';

export interface BodyCase {
  /** Why the case exists: the rule it pins down. */
  why: string;
  /** The smuggling class or feature it belongs to. */
  group: string;
  framing?: Framing; // default chunked
  wire: string;
  options?: BodyDecoderOptions;
  /** Call end() after the last byte. */
  eof?: boolean;
  /** Accepted: the concatenated data, the trailers and (default '') the bytes past the body. */
  data?: string;
  trailers?: Array<[string, string]>;
  rest?: string;
  /** Rejected: the data delivered before the error (default ''), then the error. */
  error?: { code: string; rule: string; offset: number };
}

export const CHUNKED: Framing = { type: 'chunked' };
const LF_ONLY: BodyDecoderOptions = { lenient: { lfOnly: true } };
const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
const P = (code: string, rule: string, offset: number) => ({ code, rule, offset });

export const BODY_CASES: BodyCase[] = [
  // ------------------------------------------------------------ valid chunked bodies
  { group: 'chunk-size', why: 'one chunk, then the last chunk and the final CRLF', wire: '5\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-size', why: 'several chunks are concatenated', wire: '3\r\nabc\r\n1\r\nd\r\n2\r\nef\r\n0\r\n\r\n', data: 'abcdef' },
  { group: 'chunk-size', why: 'an empty body is just the last chunk', wire: '0\r\n\r\n', data: '' },
  { group: 'chunk-size', why: 'HEXDIG is case-insensitive: A and a are 10', wire: 'A\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n', data: '01234567890123456789' },
  { group: 'chunk-size', why: 'leading zeros are HEXDIG like any other', wire: '0005\r\nhello\r\n000\r\n\r\n', data: 'hello' },
  { group: 'chunk-size', why: 'leading zeros do not count toward the overflow check', wire: `${'0'.repeat(40)}1\r\nx\r\n0\r\n\r\n`, data: 'x' },
  { group: 'chunk-size', why: 'a multi-digit size: 0x10 is 16', wire: `10\r\n${'y'.repeat(16)}\r\n0\r\n\r\n`, data: 'y'.repeat(16) },
  { group: 'chunk-data', why: 'chunk data is opaque: CRLF and a fake last chunk inside it are data', wire: '8\r\n0\r\n\r\nabc\r\n0\r\n\r\n', data: '0\r\n\r\nabc' },
  { group: 'chunk-data', why: 'chunk data holds every byte value', wire: `100\r\n${ALL_BYTES}\r\n0\r\n\r\n`, data: ALL_BYTES },
  { group: 'rest', why: 'the bytes after the final CRLF are the next message (pipelining)', wire: '1\r\na\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n', data: 'a', rest: 'GET / HTTP/1.1\r\n\r\n' },
  // Extensions (checked, dropped)
  { group: 'chunk-ext', why: 'an extension name without a value', wire: '5;a\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'an extension with a token value', wire: '5;name=value\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'a quoted-string value with a quoted-pair, SP, HTAB and obs-text', wire: '5;a="x \\"y\\" \t\xe9\\\xe9"\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'an empty quoted-string value', wire: '5;a=""\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'a quoted-string may hold ";", "=" and a CR-free escaped backslash', wire: '5;a=";=\\\\"\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'several extensions', wire: '5;a;b=c;d="e"\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'BWS before ";" and around "=" (RFC 9112 §7.1.1)', wire: '5 \t; a \t= \tb ;c\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'BWS after a quoted value before the next ";"', wire: '5;a="b" ;c\r\nhello\r\n0\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'extensions on the last chunk', wire: '5\r\nhello\r\n0;last=1\r\n\r\n', data: 'hello' },
  { group: 'chunk-ext', why: 'every tchar in names and token values', wire: "1;!#$%&'*+-.^_`|~09AZaz=!#$%&'*+-.^_`|~09AZaz\r\nx\r\n0\r\n\r\n", data: 'x' },
  // Trailers
  { group: 'trailers', why: 'one trailer field', wire: '5\r\nhello\r\n0\r\nDigest: sha-256=abc\r\n\r\n', data: 'hello', trailers: [['Digest', 'sha-256=abc']] },
  { group: 'trailers', why: 'several trailers keep order, case and duplicates; OWS is trimmed', wire: '0\r\nA:  1 \r\nb:2\r\nA:\t3\t\r\nEmpty:\r\n\r\n', trailers: [['A', '1'], ['b', '2'], ['A', '3'], ['Empty', '']] },
  { group: 'trailers', why: 'trailer values keep obs-text and inner whitespace', wire: '0\r\nX: a \xe9\tb\r\n\r\nNEXT', trailers: [['X', 'a \xe9\tb']], rest: 'NEXT' },
  // Bare LF, allowed only with lenient.lfOnly
  { group: 'lf-only', why: 'lfOnly: LF ends size lines, the data and the body', wire: '5\nhello\n0\n\n', options: LF_ONLY, data: 'hello' },
  { group: 'lf-only', why: 'lfOnly: CRLF still works, mixed with LF', wire: '5;a=b\nhello\r\n0\r\nX: y\n\r\nZ', options: LF_ONLY, data: 'hello', trailers: [['X', 'y']], rest: 'Z' },
  // Other framings
  { group: 'length', framing: { type: 'length', length: 5 }, why: 'exactly length bytes, the rest is the next message', wire: 'helloGET', data: 'hello', rest: 'GET' },
  { group: 'length', framing: { type: 'length', length: 0 }, why: 'length 0 ends at once', wire: 'GET', data: '', rest: 'GET' },
  { group: 'length', framing: { type: 'length', length: 256 }, why: 'length bodies are opaque: every byte value', wire: ALL_BYTES, data: ALL_BYTES },
  { group: 'close', framing: { type: 'close' }, why: 'close: everything until EOF', wire: 'abc\r\n0\r\n\r\n', eof: true, data: 'abc\r\n0\r\n\r\n' },
  { group: 'close', framing: { type: 'close' }, why: 'close: an empty body', wire: '', eof: true, data: '' },
  { group: 'none', framing: { type: 'none' }, why: 'none: end at once, every byte is rest', wire: 'GET / HTTP/1.1\r\n', data: '', rest: 'GET / HTTP/1.1\r\n' },
  { group: 'none', framing: { type: 'upgrade' }, why: 'upgrade: end at once, the new protocol\'s bytes are rest', wire: '\x16\x03\x01', data: '', rest: '\x16\x03\x01' },

  // ------------------------------------------------------------ chunk-size smuggling
  { group: 'chunk-size', why: 'an empty size line', wire: '\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 0) },
  { group: 'chunk-size', why: 'a sign before the size', wire: '+5\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 0) },
  { group: 'chunk-size', why: 'a negative size', wire: '-5\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 0) },
  { group: 'chunk-size', why: 'a 0x prefix: "0" then "x"', wire: '0x5\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 1) },
  { group: 'chunk-size', why: 'whitespace before the size', wire: ' 5\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 0) },
  { group: 'chunk-size', why: 'HTAB before the size', wire: '\t5\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 0) },
  { group: 'chunk-size', why: 'whitespace after the size without ";" (BWS only before ";")', wire: '5 \r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 2) },
  { group: 'chunk-size', why: 'whitespace inside the size', wire: '1 0\r\n', error: P('EPROTO', 'chunk-size', 2) },
  { group: 'chunk-size', why: 'a non-hex letter', wire: '5g\r\n', error: P('EPROTO', 'chunk-size', 1) },
  { group: 'chunk-size', why: 'an underscore separator', wire: '1_0\r\n', error: P('EPROTO', 'chunk-size', 1) },
  { group: 'chunk-size', why: 'a byte >= 0x80 in the size', wire: '5\xb5\r\n', error: P('EPROTO', 'chunk-size', 1) },
  { group: 'chunk-size', why: 'a NUL after the size (C parsers stop at it)', wire: '5\x00\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 1) },
  { group: 'chunk-size', why: 'a size line of whitespace only', wire: '   \r\n', error: P('EPROTO', 'chunk-size', 0) },
  // Overflow: 2^53-1 is the largest size; one more hex digit past 2^49 overflows.
  { group: 'overflow', why: '2^53-1 (1fffffffffffff) is accepted: its data is then awaited', wire: '1fffffffffffff\r\nab', eof: true, data: 'ab', error: P('ECONNRESET', 'eof', 18) },
  { group: 'overflow', why: '2^53 (20000000000000) overflows at its 14th digit', wire: '20000000000000\r\n', error: P('EPROTO', 'chunk-size', 13) },
  { group: 'overflow', why: '16 f: an overflow that wraps to -1 in int64 arithmetic', wire: 'ffffffffffffffff\r\n', error: P('EPROTO', 'chunk-size', 13) },
  { group: 'overflow', why: '2^64 + 5: wraps to 5 in uint64 arithmetic', wire: '10000000000000005\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-size', 14) },
  { group: 'overflow', why: 'leading zeros then 2^53', wire: '00000020000000000000\r\n', error: P('EPROTO', 'chunk-size', 19) },

  // ------------------------------------------------------------ chunk-ext smuggling
  { group: 'chunk-ext', why: '";" without a name', wire: '5;\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 2) },
  { group: 'chunk-ext', why: '"=" without a name', wire: '5;=b\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 2) },
  { group: 'chunk-ext', why: '"=" without a value', wire: '5;a=\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 4) },
  { group: 'chunk-ext', why: 'whitespace inside a token value', wire: '5;a=b c\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 6) },
  { group: 'chunk-ext', why: 'whitespace before the line end (BWS only before ";" or "=")', wire: '5;a \r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 4) },
  { group: 'chunk-ext', why: 'whitespace after a value before the line end', wire: '5;a=b \r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 6) },
  { group: 'chunk-ext', why: 'a non-token byte in a name', wire: '5;a@b\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 3) },
  { group: 'chunk-ext', why: 'a NUL in a name', wire: '5;a\x00\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 3) },
  { group: 'chunk-ext', why: 'DEL in a token value', wire: '5;a=b\x7f\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 5) },
  { group: 'chunk-ext', why: 'a byte after a closing quote', wire: '5;a="x"y\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 7) },
  { group: 'chunk-ext', why: 'an unterminated quoted-string runs into the CR', wire: '5;a="x\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'chunk-ext', 6) },
  { group: 'chunk-ext', why: 'an LF inside a quoted-string', wire: '5;a="x\nhello"\r\n', error: P('EPROTO', 'chunk-ext', 6) },
  { group: 'chunk-ext', why: 'a NUL inside a quoted-string', wire: '5;a="\x00"\r\n', error: P('EPROTO', 'chunk-ext', 5) },
  { group: 'chunk-ext', why: 'a quoted-pair of CR', wire: '5;a="\\\r"\r\n', error: P('EPROTO', 'chunk-ext', 6) },
  { group: 'chunk-ext', why: 'a quoted-string as a name', wire: '5;"a"=b\r\n', error: P('EPROTO', 'chunk-ext', 2) },
  { group: 'chunk-ext', why: 'two "="', wire: '5;a==b\r\n', error: P('EPROTO', 'chunk-ext', 4) },

  // ------------------------------------------------------------ line terminators
  { group: 'terminator', why: 'a bare CR ending the size line', wire: '5\rhello\r\n0\r\n\r\n', error: P('EPROTO', 'bare-cr', 1) },
  { group: 'terminator', why: 'a bare LF ending the size line (no lfOnly)', wire: '5\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'bare-lf', 1) },
  { group: 'terminator', why: 'a bare LF ending an extension', wire: '5;a=b\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'bare-lf', 5) },
  { group: 'terminator', why: 'a bare CR ending an extension', wire: '5;a\rhello\r\n0\r\n\r\n', error: P('EPROTO', 'bare-cr', 3) },
  { group: 'terminator', why: 'lfOnly still rejects a bare CR', wire: '5\rhello\n0\n\n', options: LF_ONLY, error: P('EPROTO', 'bare-cr', 1) },
  { group: 'terminator', why: 'CR CR LF after the size', wire: '5\r\r\nhello\r\n0\r\n\r\n', error: P('EPROTO', 'bare-cr', 1) },
  // "Two bytes after chunk data": parsers that skip them unchecked see another chunk here.
  { group: 'chunk-data', why: 'two arbitrary bytes after the data are not CRLF', wire: '5\r\nhelloXX0\r\n\r\n', data: 'hello', error: P('EPROTO', 'chunk-data', 8) },
  { group: 'chunk-data', why: 'CR then a non-LF byte after the data', wire: '5\r\nhello\rX0\r\n\r\n', data: 'hello', error: P('EPROTO', 'chunk-data', 9) },
  { group: 'chunk-data', why: 'a bare LF after the data (no lfOnly)', wire: '5\r\nhello\n0\r\n\r\n', data: 'hello', error: P('EPROTO', 'chunk-data', 8) },
  { group: 'chunk-data', why: 'CR CR LF after the data', wire: '5\r\nhello\r\r\n0\r\n\r\n', data: 'hello', error: P('EPROTO', 'chunk-data', 9) },
  { group: 'chunk-data', why: 'lfOnly: a bare CR after the data is still an error', wire: '5\nhello\rX', options: LF_ONLY, data: 'hello', error: P('EPROTO', 'chunk-data', 8) },
  { group: 'chunk-data', why: 'the next size glued to the data (CRLF missing)', wire: '5\r\nhello0\r\n\r\n', data: 'hello', error: P('EPROTO', 'chunk-data', 8) },
  { group: 'chunk-data', why: 'more data than the size says: the extra byte is not CR', wire: '3\r\nhello\r\n0\r\n\r\n', data: 'hel', error: P('EPROTO', 'chunk-data', 6) },
  { group: 'chunk-data', why: 'less data than the size says: the size line of the next chunk is read as data', wire: '6\r\nhello\r\n0\r\n\r\n', data: 'hello\r', error: P('EPROTO', 'chunk-data', 9) },
  // The final CRLF
  { group: 'terminator', why: 'the final line is a bare CR', wire: '0\r\n\rX', error: P('EPROTO', 'bare-cr', 3) },
  { group: 'terminator', why: 'the final line is a bare LF (no lfOnly)', wire: '0\r\n\n', error: P('EPROTO', 'bare-lf', 3) },
  { group: 'terminator', why: 'the last chunk without its CRLF', wire: '0\r\nGET / HTTP/1.1\r\n\r\n', error: P('EPROTO', 'field-name', 6) },

  // ------------------------------------------------------------ trailers
  { group: 'trailers', why: 'whitespace before the colon of a trailer (RFC 9112 §5.1)', wire: '0\r\nX : y\r\n\r\n', error: P('EPROTO', 'field-name', 4) },
  { group: 'trailers', why: 'a trailer line without a colon', wire: '0\r\nXy\r\n\r\n', error: P('EPROTO', 'field-name', 5) },
  { group: 'trailers', why: 'a NUL in a trailer value', wire: '0\r\nX: a\x00b\r\n\r\n', error: P('EPROTO', 'field-value', 7) },
  { group: 'trailers', why: 'a bare CR in a trailer value', wire: '0\r\nX: a\rb\r\n\r\n', error: P('EPROTO', 'bare-cr', 7) },
  { group: 'trailers', why: 'a bare LF ending a trailer line', wire: '0\r\nX: a\n\r\n', error: P('EPROTO', 'bare-lf', 7) },
  { group: 'trailers', why: 'obs-fold in the trailer section is rejected', wire: '0\r\nX: a\r\n b\r\n\r\n', trailers: [['X', 'a']], error: P('EPROTO', 'obs-fold', 9) },
  { group: 'trailers', why: 'a first trailer line starting with whitespace is an obs-fold', wire: '0\r\n X: a\r\n\r\n', error: P('EPROTO', 'obs-fold', 3) },
  { group: 'trailers', why: 'a byte >= 0x80 in a trailer name', wire: '0\r\nX\xe9: a\r\n\r\n', error: P('EPROTO', 'field-name', 4) },

  // ------------------------------------------------------------ EOF
  { group: 'eof', framing: { type: 'length', length: 5 }, why: 'length: EOF before the last byte is ECONNRESET', wire: 'hel', eof: true, data: 'hel', error: P('ECONNRESET', 'eof', 3) },
  { group: 'eof', why: 'chunked: EOF inside the data', wire: '5\r\nhel', eof: true, data: 'hel', error: P('ECONNRESET', 'eof', 6) },
  { group: 'eof', why: 'chunked: EOF inside a size line', wire: '5\r\nhello\r\n0', eof: true, data: 'hello', error: P('ECONNRESET', 'eof', 11) },
  { group: 'eof', why: 'chunked: EOF before the final CRLF', wire: '0\r\n', eof: true, error: P('ECONNRESET', 'eof', 3) },
  { group: 'eof', why: 'chunked: EOF inside the trailer section', wire: '0\r\nX: y\r\n', eof: true, trailers: [['X', 'y']], error: P('ECONNRESET', 'eof', 9) },
  { group: 'eof', why: 'chunked: EOF right after the head', wire: '', eof: true, error: P('ECONNRESET', 'eof', 0) },

  // ------------------------------------------------------------ limits at N and N+1
  { group: 'limits', why: 'maxChunkExtensions: exactly N extension bytes pass', wire: '5;abc\r\nhello\r\n0\r\n\r\n', options: { maxChunkExtensions: 4 }, data: 'hello' },
  { group: 'limits', why: 'maxChunkExtensions: N+1 fail at the byte past the cap', wire: '5;abcd\r\nhello\r\n0\r\n\r\n', options: { maxChunkExtensions: 4 }, error: P('EMSGSIZE', 'chunk-extensions-too-large', 5) },
  { group: 'limits', why: 'maxChunkExtensions counts BWS too', wire: '5 ;a\r\nhello\r\n0\r\n\r\n', options: { maxChunkExtensions: 2 }, error: P('EMSGSIZE', 'chunk-extensions-too-large', 3) },
  { group: 'limits', why: 'maxChunkExtensions is a total over the body, not per chunk', wire: '1;ab\r\nx\r\n1;ab\r\ny\r\n0\r\n\r\n', options: { maxChunkExtensions: 5 }, data: 'x', error: P('EMSGSIZE', 'chunk-extensions-too-large', 12) },
  { group: 'limits', why: 'maxChunkExtensions 0: no extension at all', wire: '0;a\r\n\r\n', options: { maxChunkExtensions: 0 }, error: P('EMSGSIZE', 'chunk-extensions-too-large', 1) },
  { group: 'limits', why: 'default maxChunkExtensions: 16384 bytes pass', wire: `1;${'e'.repeat(16383)}\r\nx\r\n0\r\n\r\n`, data: 'x' },
  { group: 'limits', why: 'default maxChunkExtensions: 16385 bytes fail (";" counts: every extension byte does)', wire: `1;${'e'.repeat(16384)}\r\nx\r\n0\r\n\r\n`, error: P('EMSGSIZE', 'chunk-extensions-too-large', 16385) },
  { group: 'limits', why: 'maxTrailerSize: the whole section (fields and final CRLF) at N passes', wire: '0\r\nX: y\r\n\r\n', options: { maxTrailerSize: 8 }, trailers: [['X', 'y']] },
  { group: 'limits', why: 'maxTrailerSize: N+1 fails', wire: '0\r\nX: y\r\n\r\n', options: { maxTrailerSize: 7 }, trailers: [['X', 'y']], error: P('EMSGSIZE', 'trailer-too-large', 10) },
  { group: 'limits', why: 'maxTrailerSize 2: the final CRLF alone fits', wire: '0\r\n\r\n', options: { maxTrailerSize: 2 } },
  { group: 'limits', why: 'maxTrailerSize 1: the final CRLF alone does not fit', wire: '0\r\n\r\n', options: { maxTrailerSize: 1 }, error: P('EMSGSIZE', 'trailer-too-large', 4) },
  { group: 'limits', why: 'maxTrailerSize 1 with lfOnly: a final bare LF fits', wire: '0\r\n\n', options: { maxTrailerSize: 1, lenient: { lfOnly: true } } },
  { group: 'limits', why: 'maxTrailerFields: N trailers pass', wire: '0\r\nA: 1\r\nB: 2\r\n\r\n', options: { maxTrailerFields: 2 }, trailers: [['A', '1'], ['B', '2']] },
  { group: 'limits', why: 'maxTrailerFields: N+1 fail at the first byte of the extra line', wire: '0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n', options: { maxTrailerFields: 2 }, trailers: [['A', '1'], ['B', '2']], error: P('EMSGSIZE', 'too-many-trailers', 15) },
  { group: 'limits', why: 'maxBodySize: a chunked body of exactly N bytes', wire: '5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n', options: { maxBodySize: 10 }, data: 'helloworld' },
  { group: 'limits', why: 'maxBodySize: the chunk size that passes N fails before its data, at its first digit', wire: '5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n', options: { maxBodySize: 10 }, data: 'hello', error: P('EMSGSIZE', 'body-too-large', 10) },
  { group: 'limits', framing: { type: 'length', length: 10 }, why: 'maxBodySize: Content-Length N passes', wire: '0123456789', options: { maxBodySize: 10 }, data: '0123456789' },
  { group: 'limits', framing: { type: 'length', length: 11 }, why: 'maxBodySize: Content-Length N+1 fails at offset 0, before any data', wire: '0123456789x', options: { maxBodySize: 10 }, error: P('EMSGSIZE', 'body-too-large', 0) },
  { group: 'limits', framing: { type: 'close' }, why: 'maxBodySize: a close-delimited body of N bytes', wire: 'abcd', eof: true, options: { maxBodySize: 4 }, data: 'abcd' },
  { group: 'limits', framing: { type: 'close' }, why: 'maxBodySize: a close-delimited body delivers N bytes, then fails at N', wire: 'abcde', eof: true, options: { maxBodySize: 4 }, data: 'abcd', error: P('EMSGSIZE', 'body-too-large', 4) },
];
