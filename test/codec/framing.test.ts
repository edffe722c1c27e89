// Body framing (RFC 9112 §6.3), as a table of field lines and the expected
// framing or error. Every rejection names the smuggling pattern it blocks:
// two hops that frame the same bytes differently disagree on where the next
// message starts. Each case also runs with its field names upper- and
// lower-cased and with an unrelated field in front: neither may change the
// verdict.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  escapeByteString,
  type Framing,
  type FramingContext,
  framing,
  type HeadEvent,
  type HeadKind,
  HttpError,
  parseHead,
} from '../../src/index.ts';

type Fields = ReadonlyArray<readonly [name: string, value: string]>;

interface Case {
  why: string;
  kind: HeadKind;
  fields: Fields;
  /** Merged over the default: version 1.1, and status 200 for responses. */
  context?: Partial<FramingContext>;
  /** Accepted: the framing. */
  expect?: Framing;
  /** Rejected: the rule, the smuggling pattern it blocks, the field value the message must quote. */
  error?: { rule: string; blocks: string; quotes: string };
}

const TE = 'Transfer-Encoding';
const CL = 'Content-Length';
const NONE: Framing = { type: 'none' };
const CHUNKED: Framing = { type: 'chunked' };
const CLOSE: Framing = { type: 'close' };
const UPGRADE: Framing = { type: 'upgrade' };
const LEN = (length: number): Framing => ({ type: 'length', length });
const V10: Partial<FramingContext> = { version: '1.0' };

const accepted: Case[] = [
  // Requests (RFC 9112 §6.3)
  { why: 'a request with neither field has no body (item 6)', kind: 'request', fields: [['Host', 'a']], expect: NONE },
  { why: 'Content-Length: 0 is an empty body, not "none"', kind: 'request', fields: [[CL, '0']], expect: LEN(0) },
  { why: 'Content-Length gives the length', kind: 'request', fields: [[CL, '5']], expect: LEN(5) },
  { why: 'leading zeros are DIGITs: 007 is 7', kind: 'request', fields: [[CL, '007']], expect: LEN(7) },
  { why: 'leading zeros do not count toward the overflow limit', kind: 'request', fields: [[CL, '00000000000000000000042']], expect: LEN(42) },
  { why: '2^53-1 is the largest length accepted', kind: 'request', fields: [[CL, '9007199254740991']], expect: LEN(9007199254740991) },
  { why: 'OWS around the value (a caller that did not trim) is ignored', kind: 'request', fields: [[CL, ' \t5 ']], expect: LEN(5) },
  { why: 'identical Content-Length lines are one value (RFC 9110 §8.6)', kind: 'request', fields: [[CL, '5'], [CL, '5']], expect: LEN(5) },
  { why: 'a list repeating one value is that value (RFC 9110 §8.6)', kind: 'request', fields: [[CL, '5, 5']], expect: LEN(5) },
  { why: 'OWS on both sides of the comma (h11 accepts "0 , 0")', kind: 'request', fields: [[CL, '0 , 0,0']], expect: LEN(0) },
  { why: 'HTTP/1.0 requests are framed by Content-Length too', kind: 'request', fields: [[CL, '3']], context: V10, expect: LEN(3) },
  { why: 'Transfer-Encoding: chunked', kind: 'request', fields: [[TE, 'chunked']], expect: CHUNKED },
  { why: 'coding names are case-insensitive: CHUNKED (RFC 9112 §7)', kind: 'request', fields: [[TE, 'CHUNKED']], expect: CHUNKED },
  { why: 'coding names are case-insensitive: cHuNkEd', kind: 'request', fields: [[TE, 'cHuNkEd']], expect: CHUNKED },
  { why: 'leading SP is OWS ("Transfer-Encoding:  chunked" untrimmed)', kind: 'request', fields: [[TE, ' chunked']], expect: CHUNKED },
  { why: 'HTAB and trailing SP are OWS too', kind: 'request', fields: [[TE, '\tchunked \t']], expect: CHUNKED },
  { why: 'other codings before a final chunked do not change the framing', kind: 'request', fields: [[TE, 'gzip, chunked']], expect: CHUNKED },
  { why: 'identity before chunked: a token like any other, chunked is final', kind: 'request', fields: [[TE, 'identity, chunked']], expect: CHUNKED },
  { why: 'an unknown coding before chunked: framing is still chunked (501 is the app\'s call)', kind: 'request', fields: [[TE, 'pigeons,chunked']], expect: CHUNKED },
  { why: 'field lines are one list in order (RFC 9110 §5.3): gzip then chunked', kind: 'request', fields: [[TE, 'gzip'], [TE, 'chunked']], expect: CHUNKED },
  { why: 'empty list elements are accepted (RFC 9110 §5.6.1): "chunked, ,"', kind: 'request', fields: [[TE, 'chunked, ,']], expect: CHUNKED },
  { why: 'empty elements before the coding: ", ,chunked"', kind: 'request', fields: [[TE, ', ,chunked']], expect: CHUNKED },
  { why: 'an empty Transfer-Encoding line before a chunked one', kind: 'request', fields: [[TE, ''], [TE, 'chunked']], expect: CHUNKED },
  {
    why: 'parameters on a non-chunked coding are grammar (RFC 9112 §7)',
    kind: 'request',
    fields: [[TE, 'gzip;level=9 , chunked']],
    expect: CHUNKED,
  },
  {
    why: 'a quoted-string parameter may hold commas, semicolons and quoted-pairs',
    kind: 'request',
    fields: [[TE, 'foo ; a = b ;c="x, y;\\"z\\\\", chunked']],
    expect: CHUNKED,
  },
  { why: 'names compare case-insensitively: lower case', kind: 'request', fields: [['content-length', '4']], expect: LEN(4) },
  { why: 'names compare case-insensitively: mixed case', kind: 'request', fields: [['tRaNsFeR-eNcOdInG', 'chunked']], expect: CHUNKED },
  {
    why: 'Content-Length-X is another field (llhttp case)',
    kind: 'request',
    fields: [['Content-Length-X', '0'], [TE, 'chunked']],
    expect: CHUNKED,
  },
  {
    why: 'a name folded by Unicode (U+017F long s uppercases to S) is not Transfer-Encoding',
    kind: 'request',
    fields: [['Tran\u017Ffer-Encoding', 'gzip'], [CL, '2']],
    expect: LEN(2),
  },
  {
    why: 'a name folded by toLowerCase (U+0130 lowercases to "i" + U+0307) is not Transfer-Encoding',
    kind: 'request',
    fields: [['Transfer-Encod\u0130ng', 'gzip'], [CL, '2']],
    expect: LEN(2),
  },
  {
    why: 'a name with obs-text is not Content-Length',
    kind: 'request',
    fields: [['Content-Lengt\xe8', 'abc']],
    expect: NONE,
  },

  // Responses (RFC 9112 §6.3)
  { why: 'a response with neither field runs to the close (item 8)', kind: 'response', fields: [], expect: CLOSE },
  { why: 'an HTTP/1.0 response with neither runs to the close', kind: 'response', fields: [['Server', 'x']], context: V10, expect: CLOSE },
  { why: 'Content-Length frames a response', kind: 'response', fields: [[CL, '5']], expect: LEN(5) },
  { why: 'identical Content-Length lines in a response', kind: 'response', fields: [[CL, '12'], [CL, '12']], expect: LEN(12) },
  { why: 'chunked final frames a response', kind: 'response', fields: [[TE, 'gzip, chunked']], expect: CHUNKED },
  { why: 'a response whose final coding is not chunked runs to the close (item 4)', kind: 'response', fields: [[TE, 'gzip']], expect: CLOSE },
  { why: 'chunked, then another coding: to the close (llhttp case)', kind: 'response', fields: [[TE, 'chunked, deflate']], expect: CLOSE },
  { why: 'chunked then identity on two lines: to the close', kind: 'response', fields: [[TE, 'chunked'], [TE, 'identity']], expect: CLOSE },
  { why: 'xchunked is a token, not chunked: to the close', kind: 'response', fields: [[TE, 'xchunked']], expect: CLOSE },
  { why: 'chunkedchunked is a token, not chunked: to the close', kind: 'response', fields: [[TE, 'chunkedchunked']], expect: CLOSE },
  { why: 'an empty Transfer-Encoding lists no coding: not chunked, to the close', kind: 'response', fields: [[TE, '']], expect: CLOSE },
  { why: 'a response to HEAD has no body whatever Content-Length says (item 1)', kind: 'response', fields: [[CL, '100']], context: { requestMethod: 'HEAD' }, expect: NONE },
  { why: 'a response to HEAD with Transfer-Encoding: no body', kind: 'response', fields: [[TE, 'chunked']], context: { requestMethod: 'HEAD' }, expect: NONE },
  {
    why: 'a response to HEAD: not even validated (the fields frame nothing)',
    kind: 'response',
    fields: [[CL, 'abc'], [TE, 'chunked'], [TE, 'chunked']],
    context: { requestMethod: 'HEAD', status: 200 },
    expect: NONE,
  },
  { why: 'a 100 Continue has no body', kind: 'response', fields: [[CL, '5']], context: { status: 100 }, expect: NONE },
  { why: 'a 101 hands the connection to another protocol: upgrade, not none (RFC 9110 §15.2.2)', kind: 'response', fields: [[TE, 'chunked']], context: { status: 101 }, expect: UPGRADE },
  { why: 'a 101 is upgrade even to HEAD: the protocol switch does not depend on the method', kind: 'response', fields: [[CL, '5']], context: { status: 101, requestMethod: 'HEAD' }, expect: UPGRADE },
  { why: 'a 103 Early Hints has no body', kind: 'response', fields: [[CL, '5'], [TE, 'chunked']], context: { status: 103 }, expect: NONE },
  { why: 'a 204 has no body whatever Content-Length says', kind: 'response', fields: [[CL, '5']], context: { status: 204 }, expect: NONE },
  { why: 'a 204 with Transfer-Encoding: no body', kind: 'response', fields: [[TE, 'chunked']], context: { status: 204 }, expect: NONE },
  { why: 'a 304 has no body: its Content-Length is the selected representation\'s', kind: 'response', fields: [[CL, '10']], context: { status: 304 }, expect: NONE },
  { why: 'a 304 with Transfer-Encoding: no body (llhttp case)', kind: 'response', fields: [[TE, 'chunked']], context: { status: 304 }, expect: NONE },
  { why: 'an HTTP/1.0 204 with Transfer-Encoding: item 1 comes first', kind: 'response', fields: [[TE, 'chunked']], context: { version: '1.0', status: 204 }, expect: NONE },
  { why: 'a 2xx to CONNECT is a tunnel: its Content-Length is ignored (item 2)', kind: 'response', fields: [[CL, '5']], context: { requestMethod: 'CONNECT' }, expect: CLOSE },
  {
    why: 'a 2xx to CONNECT ignores even Transfer-Encoding with Content-Length',
    kind: 'response',
    fields: [[TE, 'chunked'], [CL, '5']],
    context: { requestMethod: 'CONNECT', status: 200 },
    expect: CLOSE,
  },
  { why: 'a 204 to CONNECT is a 2xx too: a tunnel (RFC 9110 §9.3.6 "any 2xx")', kind: 'response', fields: [], context: { requestMethod: 'CONNECT', status: 204 }, expect: CLOSE },
  { why: 'a 407 to CONNECT is an ordinary response', kind: 'response', fields: [[CL, '5']], context: { requestMethod: 'CONNECT', status: 407 }, expect: LEN(5) },
  { why: 'methods are case-sensitive (RFC 9110 §9.1): "head" is not HEAD', kind: 'response', fields: [[CL, '5']], context: { requestMethod: 'head' }, expect: LEN(5) },
];

const rejected: Case[] = [
  // Transfer-Encoding with Content-Length (RFC 9112 §6.1, §6.3 item 3)
  {
    why: 'Content-Length: 6 then Transfer-Encoding: chunked',
    kind: 'request',
    fields: [[CL, '6'], [TE, 'chunked']],
    error: { rule: 'content-length-with-transfer-encoding', blocks: 'CL.TE (front reads 6 bytes "0\\r\\n\\r\\nG", back reads chunked and sees "G..." as the next request)', quotes: '6' },
  },
  {
    why: 'Transfer-Encoding: chunked then Content-Length: 3',
    kind: 'request',
    fields: [[TE, 'chunked'], [CL, '3']],
    error: { rule: 'content-length-with-transfer-encoding', blocks: 'TE.CL (front de-chunks, back reads 3 bytes and the rest of the chunks as the next request)', quotes: 'chunked' },
  },
  {
    why: 'an obfuscated Transfer-Encoding with Content-Length',
    kind: 'request',
    fields: [[CL, '4'], [TE, 'xchunked']],
    error: { rule: 'content-length-with-transfer-encoding', blocks: 'TE.TE fallback to CL (one hop ignores xchunked and uses Content-Length)', quotes: 'xchunked' },
  },
  {
    why: 'empty Transfer-Encoding lines with Content-Length (llhttp case)',
    kind: 'request',
    fields: [[CL, '10'], [TE, ''], [TE, ''], [TE, '']],
    error: { rule: 'content-length-with-transfer-encoding', blocks: 'CL.TE (a hop that drops empty fields uses Content-Length, one that sees TE does not)', quotes: '10' },
  },
  {
    why: 'Transfer-Encoding with Content-Length in a response too',
    kind: 'response',
    fields: [[TE, 'chunked'], [CL, '5']],
    error: { rule: 'content-length-with-transfer-encoding', blocks: 'response splitting (a proxy framing by CL, the client by TE)', quotes: 'chunked' },
  },

  // Transfer-Encoding in a request must end in chunked (RFC 9112 §6.3 item 4: 400)
  {
    why: 'xchunked is not chunked',
    kind: 'request',
    fields: [[TE, 'xchunked']],
    error: { rule: 'transfer-encoding-final', blocks: 'TE.TE (a hop matching the substring "chunked" de-chunks)', quotes: 'xchunked' },
  },
  {
    why: 'chunked_ is a token, but not chunked',
    kind: 'request',
    fields: [[TE, 'chunked_']],
    error: { rule: 'transfer-encoding-final', blocks: 'TE.TE (a hop matching a prefix de-chunks)', quotes: 'chunked_' },
  },
  {
    why: 'chunked, identity: identity is final',
    kind: 'request',
    fields: [[TE, 'chunked, identity']],
    error: { rule: 'transfer-encoding-final', blocks: 'TE.TE (an RFC 2616 hop de-chunks anything but "identity" alone, a hop reading the last coding does not)', quotes: 'chunked, identity' },
  },
  {
    why: 'chunked then identity on two lines',
    kind: 'request',
    fields: [[TE, 'chunked'], [TE, 'identity']],
    error: { rule: 'transfer-encoding-final', blocks: 'TE.TE (a hop reading only the first line de-chunks)', quotes: 'identity' },
  },
  {
    why: 'chunked, deflate (llhttp case)',
    kind: 'request',
    fields: [[TE, 'chunked, deflate']],
    error: { rule: 'transfer-encoding-final', blocks: 'TE.TE (a hop that finds chunked anywhere in the list de-chunks)', quotes: 'chunked, deflate' },
  },
  {
    why: 'a request coding that is not chunked: length undeterminable',
    kind: 'request',
    fields: [[TE, 'gzip']],
    error: { rule: 'transfer-encoding-final', blocks: 'read-until-close in a request (no way to find its end; one hop may take 0 bytes)', quotes: 'gzip' },
  },
  {
    why: 'an empty Transfer-Encoding in a request lists no coding',
    kind: 'request',
    fields: [[TE, '']],
    error: { rule: 'transfer-encoding-final', blocks: 'TE.TE (a hop that drops empty fields sees no body, another sees a Transfer-Encoding)', quotes: '' },
  },
  {
    why: 'a Transfer-Encoding of only commas lists no coding',
    kind: 'request',
    fields: [[TE, ' , ,']],
    error: { rule: 'transfer-encoding-final', blocks: 'TE.TE (as the empty value)', quotes: ' , ,' },
  },

  // chunked twice (RFC 9112 §6.1: MUST NOT apply chunked more than once)
  {
    why: 'Transfer-Encoding: chunked on two lines',
    kind: 'request',
    fields: [[TE, 'chunked'], [TE, 'chunked']],
    error: { rule: 'transfer-encoding-chunked-twice', blocks: 'TE.TE (a hop de-chunking once per listing reads a different body than one de-chunking once)', quotes: 'chunked' },
  },
  {
    why: 'chunked, chunked on one line',
    kind: 'request',
    fields: [[TE, 'chunked, chunked']],
    error: { rule: 'transfer-encoding-chunked-twice', blocks: 'TE.TE (double de-chunking)', quotes: 'chunked, chunked' },
  },
  {
    why: 'chunked listed twice, apart and in different case',
    kind: 'request',
    fields: [[TE, 'Chunked, gzip'], [TE, 'CHUNKED']],
    error: { rule: 'transfer-encoding-chunked-twice', blocks: 'TE.TE (double de-chunking)', quotes: 'Chunked, gzip' },
  },
  {
    why: 'chunked listed twice in a response too',
    kind: 'response',
    fields: [[TE, 'chunked'], [TE, 'chunked']],
    error: { rule: 'transfer-encoding-chunked-twice', blocks: 'response splitting (double de-chunking in one hop only)', quotes: 'chunked' },
  },

  // Parameters on chunked (RFC 9112 §7.1 defines none)
  {
    why: 'chunked;q=1 is grammar but chunked has no parameters',
    kind: 'request',
    fields: [[TE, 'chunked;q=1']],
    error: { rule: 'transfer-encoding-chunked-parameters', blocks: 'TE.TE (a hop ignoring parameters de-chunks, one comparing the element does not)', quotes: 'chunked;q=1' },
  },
  {
    why: 'parameters on chunked in a response too',
    kind: 'response',
    fields: [[TE, 'gzip, chunked ; x="1"']],
    error: { rule: 'transfer-encoding-chunked-parameters', blocks: 'response splitting (as in requests)', quotes: 'gzip, chunked ; x="1"' },
  },

  // Not a transfer-coding list (RFC 9112 §7, RFC 9110 §5.6.2)
  {
    why: 'a vertical tab after chunked is not OWS',
    kind: 'request',
    fields: [[TE, 'chunked\x0b']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (a hop that trims all C isspace() reads chunked)', quotes: 'chunked\x0b' },
  },
  {
    why: 'a vertical tab before chunked',
    kind: 'request',
    fields: [[TE, '\x0bchunked']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (isspace() trimming)', quotes: '\x0bchunked' },
  },
  {
    why: 'a Kelvin sign that toLowerCase() folds to "k"',
    kind: 'request',
    fields: [[TE, 'chun\u212Aed']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (a hop comparing with Unicode case folding de-chunks)', quotes: 'chun\u212Aed' },
  },
  {
    why: 'obs-text in a coding name',
    kind: 'request',
    fields: [[TE, 'chunk\xe9d']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (a hop normalising latin1 de-chunks)', quotes: 'chunk\xe9d' },
  },
  {
    why: 'two codings separated by SP, not a comma',
    kind: 'request',
    fields: [[TE, 'gzip chunked']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (a hop splitting on whitespace de-chunks)', quotes: 'gzip chunked' },
  },
  {
    why: 'a quoted coding name',
    kind: 'request',
    fields: [[TE, '"chunked"']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (a hop stripping quotes de-chunks)', quotes: '"chunked"' },
  },
  {
    why: 'a semicolon with no parameter',
    kind: 'request',
    fields: [[TE, 'chunked;']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (a hop cutting at ";" de-chunks)', quotes: 'chunked;' },
  },
  {
    why: 'a parameter without "="',
    kind: 'request',
    fields: [[TE, 'gzip;q, chunked']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (malformed list read differently by each hop)', quotes: 'gzip;q, chunked' },
  },
  {
    why: 'an unterminated quoted-string swallows the rest of the list',
    kind: 'request',
    fields: [[TE, 'gzip;q="x, chunked']],
    error: { rule: 'transfer-encoding', blocks: 'TE.TE (a hop not parsing quotes sees chunked last)', quotes: 'gzip;q="x, chunked' },
  },
  {
    why: 'a malformed list in a response is refused, not guessed at',
    kind: 'response',
    fields: [[TE, 'chunked\x0b']],
    error: { rule: 'transfer-encoding', blocks: 'response splitting (we would read to the close, an isspace() hop de-chunks)', quotes: 'chunked\x0b' },
  },

  // Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1: framing MUST be treated as faulty)
  {
    why: 'Transfer-Encoding in an HTTP/1.0 request',
    kind: 'request',
    fields: [[TE, 'chunked']],
    context: V10,
    error: { rule: 'transfer-encoding-http-1.0', blocks: 'TE in 1.0 (a 1.0 hop ignores Transfer-Encoding and reads the chunks as the next request)', quotes: 'chunked' },
  },
  {
    why: 'Transfer-Encoding with Content-Length in HTTP/1.0: still faulty',
    kind: 'request',
    fields: [[CL, '5'], [TE, 'chunked']],
    context: V10,
    error: { rule: 'transfer-encoding-http-1.0', blocks: 'CL.TE through a 1.0 hop', quotes: 'chunked' },
  },
  {
    why: 'Transfer-Encoding in an HTTP/1.0 response',
    kind: 'response',
    fields: [[TE, 'chunked']],
    context: V10,
    error: { rule: 'transfer-encoding-http-1.0', blocks: 'response splitting through a 1.0 hop', quotes: 'chunked' },
  },

  // Content-Length = 1*DIGIT (RFC 9110 §8.6)
  { why: 'a sign', kind: 'request', fields: [[CL, '+5']], error: { rule: 'content-length', blocks: 'CL.CL (strtol/parseInt accept "+5" as 5)', quotes: '+5' } },
  { why: 'a negative length', kind: 'request', fields: [[CL, '-1']], error: { rule: 'content-length', blocks: 'CL.CL (a signed parser reads -1, an unsigned one 2^64-1)', quotes: '-1' } },
  { why: 'hex', kind: 'request', fields: [[CL, '0x10']], error: { rule: 'content-length', blocks: 'CL.CL (Number()/strtol base 0 read 16, parseInt reads 0)', quotes: '0x10' } },
  { why: 'SP inside the value', kind: 'request', fields: [[CL, '5 5']], error: { rule: 'content-length', blocks: 'CL.CL (a hop stripping spaces reads 55, one stopping at SP reads 5)', quotes: '5 5' } },
  { why: 'an exponent', kind: 'request', fields: [[CL, '1e3']], error: { rule: 'content-length', blocks: 'CL.CL (Number() reads 1000, parseInt reads 1)', quotes: '1e3' } },
  { why: 'a decimal point', kind: 'request', fields: [[CL, '5.0']], error: { rule: 'content-length', blocks: 'CL.CL (parseFloat reads 5, a strict hop refuses)', quotes: '5.0' } },
  { why: 'an underscore separator', kind: 'request', fields: [[CL, '1_0']], error: { rule: 'content-length', blocks: 'CL.CL (Python int() reads 10, parseInt reads 1)', quotes: '1_0' } },
  { why: 'a non-ASCII digit (U+0665)', kind: 'request', fields: [[CL, '\u0665']], error: { rule: 'content-length', blocks: 'CL.CL (Python int() and \\d with Unicode read 5)', quotes: '\u0665' } },
  { why: 'a vertical tab after the digits', kind: 'request', fields: [[CL, '5\x0b']], error: { rule: 'content-length', blocks: 'CL.CL (a hop trimming isspace() reads 5)', quotes: '5\x0b' } },
  { why: 'an empty value', kind: 'request', fields: [[CL, '']], error: { rule: 'content-length', blocks: 'CL.CL (a hop reading empty as 0 vs one that refuses or reads to the close)', quotes: '' } },
  { why: 'only OWS', kind: 'request', fields: [[CL, ' \t']], error: { rule: 'content-length', blocks: 'CL.CL (as the empty value)', quotes: ' \t' } },
  { why: 'an empty list element after the value', kind: 'request', fields: [[CL, '5,']], error: { rule: 'content-length', blocks: 'CL.CL (a hop taking the last element reads empty)', quotes: '5,' } },
  { why: 'an empty list element before the value', kind: 'request', fields: [[CL, ',5']], error: { rule: 'content-length', blocks: 'CL.CL (a hop taking the first element reads empty)', quotes: ',5' } },
  {
    why: 'a malformed element is reported as such even when values also differ',
    kind: 'request',
    fields: [[CL, '5'], [CL, '6x']],
    error: { rule: 'content-length', blocks: 'CL.CL', quotes: '6x' },
  },
  {
    why: '20 digits overflow 2^53-1',
    kind: 'request',
    fields: [[CL, '99999999999999999999']],
    error: { rule: 'content-length', blocks: 'CL.CL (a 64-bit hop wraps or saturates, a double rounds)', quotes: '99999999999999999999' },
  },
  {
    why: '2^53 is one past the limit',
    kind: 'request',
    fields: [[CL, '9007199254740992']],
    error: { rule: 'content-length', blocks: 'CL.CL (2^53 + 1 rounds to 2^53 in a double)', quotes: '9007199254740992' },
  },
  {
    why: 'llhttp\'s overflow case (22 digits)',
    kind: 'request',
    fields: [[CL, '1000000000000000000000']],
    error: { rule: 'content-length', blocks: 'CL.CL (wrap-around)', quotes: '1000000000000000000000' },
  },
  { why: 'Content-Length syntax is checked in responses too', kind: 'response', fields: [[CL, 'abc']], error: { rule: 'content-length', blocks: 'response splitting (a hop reading to the close vs one refusing)', quotes: 'abc' } },

  // Several Content-Length values (RFC 9112 §6.3 item 5, RFC 9110 §8.6)
  { why: 'a list of differing values', kind: 'request', fields: [[CL, '5,6']], error: { rule: 'content-length-mismatch', blocks: 'CL.CL (first vs last element)', quotes: '5,6' } },
  {
    why: 'two lines with differing values',
    kind: 'request',
    fields: [[CL, '5'], [CL, '6']],
    error: { rule: 'content-length-mismatch', blocks: 'CL.CL (a hop taking the first line vs one taking the last)', quotes: '6' },
  },
  { why: 'h11\'s "1 , 1,2"', kind: 'request', fields: [[CL, '1 , 1,2']], error: { rule: 'content-length-mismatch', blocks: 'CL.CL', quotes: '1 , 1,2' } },
  {
    why: '"5" and "05" are different strings: refused, not compared as numbers',
    kind: 'request',
    fields: [[CL, '5, 05']],
    error: { rule: 'content-length-mismatch', blocks: 'CL.CL (a hop reading leading-zero values as octal: "010" is 8)', quotes: '5, 05' },
  },
  {
    why: 'differing Content-Length lines in a response',
    kind: 'response',
    fields: [[CL, '12'], [CL, '13']],
    error: { rule: 'content-length-mismatch', blocks: 'response splitting (first vs last)', quotes: '13' },
  },
];

// ---------------------------------------------------------------------------
// Running a case

function contextOf(c: Pick<Case, 'kind' | 'context'>): FramingContext {
  const base: FramingContext = c.kind === 'response' ? { version: '1.1', status: 200 } : { version: '1.1' };
  return { ...base, ...c.context };
}

function asFields(fields: Fields): { name: string; value: string }[] {
  return fields.map(([name, value]) => ({ name, value }));
}

/** Upper- or lower-case ASCII letters only (toUpperCase would fold obs-text and U+017F too). */
function asciiCase(s: string, upper: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (upper && c >= 0x61 && c <= 0x7a) out += String.fromCharCode(c - 0x20);
    else if (!upper && c >= 0x41 && c <= 0x5a) out += String.fromCharCode(c + 0x20);
    else out += s[i];
  }
  return out;
}

/** The same fields under other spellings that must not change the verdict. */
function variants(fields: Fields): Fields[] {
  return [
    fields,
    fields.map(([n, v]) => [asciiCase(n, true), v] as const),
    fields.map(([n, v]) => [asciiCase(n, false), v] as const),
    [['X-Transfer-Encoding', 'gzip'], ['Content-Type', 'text/plain'], ...fields],
  ];
}

interface Outcome {
  framing?: Framing;
  error?: { code: string; rule: string | undefined; statusHint: number | undefined; offset: number | undefined; message: string };
}

/** framing() as a value; anything thrown but an HttpError propagates. */
function outcome(kind: HeadKind, fields: { name: string; value: string }[], context: FramingContext): Outcome {
  try {
    return { framing: framing(kind, fields, context) };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return { error: { code: e.code, rule: e.rule, statusHint: e.statusHint, offset: e.offset, message: e.message } };
  }
}

describe('framing: accepted', () => {
  for (const c of accepted) {
    it(`${c.kind}: ${c.why} -> ${c.expect!.type}`, () => {
      for (const fields of variants(c.fields)) {
        expect(outcome(c.kind, asFields(fields), contextOf(c))).toEqual({ framing: c.expect });
      }
    });
  }
});

describe('framing: rejected (each names the smuggling pattern it blocks)', () => {
  for (const c of rejected) {
    const e = c.error!;
    it(`${c.kind}: ${c.why} (${e.rule}; blocks ${e.blocks})`, () => {
      for (const fields of variants(c.fields)) {
        const got = outcome(c.kind, asFields(fields), contextOf(c));
        expect(got.framing).toBeUndefined();
        expect(got.error).toMatchObject({
          code: 'EPROTO',
          rule: e.rule,
          statusHint: c.kind === 'request' ? 400 : undefined,
          offset: undefined,
        });
        const message = got.error!.message;
        expect(message).toContain(`"${escapeByteString(e.quotes)}"`);
        expect(message).toMatch(/^[A-Z]/);
        expect(message.endsWith('.')).toBe(false);
      }
    });
  }
});

describe('framing: arguments', () => {
  const einval = (f: () => unknown, rule: string): void => {
    let caught: unknown;
    try {
      f();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(HttpError);
    expect(caught).toMatchObject({ code: 'EINVAL', rule });
  };

  it('an unknown kind is EINVAL (rule kind)', () => {
    einval(() => framing('reply' as HeadKind, [], { version: '1.1' }), 'kind');
  });
  it('an unknown version is EINVAL (rule version)', () => {
    einval(() => framing('request', [], { version: '2.0' as '1.1' }), 'version');
  });
  it('a response without a status is EINVAL (rule status): 204 and 304 would be misframed', () => {
    einval(() => framing('response' as HeadKind, [], { version: '1.1' }), 'status'); // the types require status for 'response'
  });
  it('a status outside 100-599 or not an integer is EINVAL (rule status)', () => {
    for (const status of [99, 600, 200.5, Number.NaN]) einval(() => framing('response', [], { version: '1.1', status }), 'status');
  });
  it('a request ignores status, and requestMethod unless it is CONNECT', () => {
    expect(framing('request', [{ name: CL, value: '1' }], { version: '1.1', status: 304, requestMethod: 'HEAD' })).toEqual(LEN(1));
  });
  it('a CONNECT request has no content (RFC 9110 §9.3.6): none, whatever its framing fields say', () => {
    for (const fields of [[], [{ name: CL, value: '5' }], [{ name: TE, value: 'chunked' }], [{ name: CL, value: 'x' }]]) {
      expect(framing('request', fields, { version: '1.1', requestMethod: 'CONNECT' })).toEqual(NONE);
    }
    // Methods are case-sensitive: "connect" is another method, framed by its fields.
    expect(framing('request', [{ name: CL, value: '5' }], { version: '1.1', requestMethod: 'connect' })).toEqual(LEN(5));
  });
});

// ---------------------------------------------------------------------------
// End to end: a real head through parseHead, its fields through framing.

function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function framed(kind: HeadKind, wire: string, requestMethod?: string): Framing {
  const events = parseHead(kind, bytes(wire));
  if (events === null) throw new Error('incomplete head');
  const start = events[0]!;
  const fields = events.filter((e): e is Extract<HeadEvent, { type: 'field' }> => e.type === 'field');
  if (start.type === 'request') return framing(kind, fields, { version: start.version });
  if (start.type === 'status') return framing(kind, fields, { version: start.version, status: start.code, ...(requestMethod === undefined ? {} : { requestMethod }) });
  throw new Error('no start line');
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('framing: end to end with parseHead', () => {
  it('the classic CL.TE request is refused after a clean decode', () => {
    const wire = 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG';
    const e = thrown(() => framed('request', wire));
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject({ code: 'EPROTO', rule: 'content-length-with-transfer-encoding', statusHint: 400 });
  });
  it('"Transfer-Encoding:  chunked" (two SP) is decoded with OWS trimmed: chunked', () => {
    expect(framed('request', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  chunked\r\n\r\n')).toEqual(CHUNKED);
  });
  it('two Transfer-Encoding lines of a decoded request: chunked twice', () => {
    const e = thrown(() => framed('request', 'POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n'));
    expect(e).toMatchObject({ code: 'EPROTO', rule: 'transfer-encoding-chunked-twice' });
  });
  it('the version comes from the request line: TE in HTTP/1.0', () => {
    const e = thrown(() => framed('request', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n'));
    expect(e).toMatchObject({ code: 'EPROTO', rule: 'transfer-encoding-http-1.0', statusHint: 400 });
  });
  it('a response: gzip, chunked is chunked; its status and method frame the rest', () => {
    expect(framed('response', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n')).toEqual(CHUNKED);
    expect(framed('response', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')).toEqual(NONE);
    expect(framed('response', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 'HEAD')).toEqual(NONE);
    expect(framed('response', 'HTTP/1.0 200 OK\r\nServer: x\r\n\r\n')).toEqual(CLOSE);
  });
});

// ---------------------------------------------------------------------------
// Properties
//
// INVARIANT: for any fields and context, framing returns a well-formed Framing
// or throws an HttpError (EPROTO) — never another exception; the same input
// gives the same outcome; ASCII case in field names never matters; a list
// split over several field lines frames like the one line (RFC 9110 §5.3).

const NAMES = [TE, CL, 'transfer-encoding', 'CONTENT-LENGTH', 'Host', 'Content-Length-X', 'Tran\u017Ffer-Encoding', 'Transfer-Encod\u0130ng', 'X'];
const PIECES = ['chunked', 'CHUNKED', 'gzip', 'identity', 'x', ',', ', ', ' ', '\t', ';', '=', '"', '\\', 'q', '0', '5', '007', '-', '+', '\xe9', '\u212a', '\x0b', ''];
const valueArb = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((a) => a.join('')),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const fieldsArb = fc.array(fc.record({ name: fc.constantFrom(...NAMES), value: valueArb }), { maxLength: 6 });
const contextArb = fc.record(
  {
    version: fc.constantFrom('1.0' as const, '1.1' as const),
    status: fc.integer({ min: 100, max: 599 }),
    requestMethod: fc.constantFrom('GET', 'HEAD', 'CONNECT', 'head', 'POST'),
  },
  { requiredKeys: ['version', 'status'] },
);
const kindArb = fc.constantFrom('request' as const, 'response' as const);

function wellFormed(kind: HeadKind, o: Outcome): boolean {
  if (o.error !== undefined) return o.error.code === 'EPROTO' && typeof o.error.rule === 'string' && o.error.statusHint === (kind === 'request' ? 400 : undefined);
  const f = o.framing!;
  if (f.type === 'length') return Number.isSafeInteger(f.length) && f.length >= 0;
  if (f.type === 'close') return kind === 'response';
  if (f.type === 'upgrade') return kind === 'response';
  return f.type === 'none' || f.type === 'chunked';
}

describe('framing: properties', () => {
  it('never throws anything but HttpError, is deterministic and ignores ASCII case in names', () => {
    fc.assert(
      fc.property(kindArb, fieldsArb, contextArb, fc.array(fc.integer({ min: 0, max: 2 ** 30 }), { minLength: 6, maxLength: 6 }), (kind, fields, context, masks) => {
        const first = outcome(kind, fields, context);
        expect(wellFormed(kind, first)).toBe(true);
        expect(outcome(kind, fields.map((f) => ({ ...f })), { ...context })).toEqual(first);
        // Flip the ASCII case of each letter selected by a random mask.
        const flipped = fields.map((f, i) => {
          let name = '';
          for (let j = 0; j < f.name.length; j++) {
            const c = f.name.charCodeAt(j);
            const flip = ((masks[i]! >>> (j % 30)) & 1) === 1;
            const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
            name += String.fromCharCode(flip && letter ? c ^ 0x20 : c);
          }
          return { name, value: f.value };
        });
        expect(outcome(kind, flipped, context)).toEqual(first);
      }),
      { numRuns: 2000 },
    );
  });

  it('a Transfer-Encoding list frames the same on one line or one line per element', () => {
    const element = fc.constantFrom('chunked', 'Chunked', 'gzip', 'identity', 'gzip;q=1', 'chunked;x=y', 'x\x0b', '');
    fc.assert(
      fc.property(kindArb, contextArb, fc.array(element, { minLength: 1, maxLength: 5 }), (kind, context, elements) => {
        const oneLine = outcome(kind, [{ name: TE, value: elements.join(', ') }], context);
        const manyLines = outcome(kind, elements.map((value) => ({ name: TE, value })), context);
        expect(manyLines.framing).toEqual(oneLine.framing);
        expect(manyLines.error?.rule).toEqual(oneLine.error?.rule);
      }),
      { numRuns: 1000 },
    );
  });

  it('a 200 response is framed as the same request would be, but may run to the close', () => {
    fc.assert(
      fc.property(fieldsArb, fc.constantFrom('1.0' as const, '1.1' as const), (fields, version) => {
        const request = outcome('request', fields, { version });
        const response = outcome('response', fields, { version, status: 200 });
        if (request.framing !== undefined) {
          expect(response.framing).toEqual(request.framing.type === 'none' ? CLOSE : request.framing);
        } else if (request.error!.rule === 'transfer-encoding-final') {
          // RFC 9112 §6.3 item 4: what a request may not do, a response does by closing.
          expect(response.framing).toEqual(CLOSE);
        } else {
          expect(response.error?.rule).toEqual(request.error!.rule);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('Content-Length: any safe integer with any leading zeros, on any number of identical lines', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.nat(30), fc.integer({ min: 1, max: 4 }), (n, zeros, lines) => {
        const value = '0'.repeat(zeros) + String(n);
        const fields = Array.from({ length: lines }, () => ({ name: CL, value }));
        expect(framing('request', fields, { version: '1.1' })).toEqual(LEN(n));
      }),
    );
  });

  it('Content-Length above 2^53-1 is EPROTO (rule content-length), whatever its size', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 10n ** 40n }), (n) => {
        const e = thrown(() => framing('request', [{ name: CL, value: n.toString() }], { version: '1.1' }));
        expect(e).toBeInstanceOf(HttpError);
        expect(e).toMatchObject({ code: 'EPROTO', rule: 'content-length', statusHint: 400 });
      }),
    );
  });
});
