// The decoder's grammar, as a table of wire bytes and expected events or error.
// Every case runs whole, byte by byte and in random splits; accepted heads also
// run with trailing bytes (which must come back from rest()) and with every
// proper prefix (which must give NEED_DATA, never an error).
import { describe, expect, it } from 'vitest';
import type { DecoderOptions, HeadEvent, HeadKind } from '../../src/index.ts';
import { bytes, chunkings, run } from './chunking.ts';

interface Case {
  why: string;
  kind: HeadKind;
  wire: string;
  options?: DecoderOptions;
  /** Accepted: the exact events. */
  events?: HeadEvent[];
  /** Rejected: events delivered before the error, then the error. */
  before?: HeadEvent[];
  error?: { code: string; rule: string; offset: number };
}

const GET = (target = '/', version: '1.0' | '1.1' = '1.1', method = 'GET'): HeadEvent => ({
  type: 'request',
  method,
  target,
  version,
});
const ST = (code: number, reason: string, version: '1.0' | '1.1' = '1.1'): HeadEvent => ({
  type: 'status',
  code,
  reason,
  version,
});
const F = (name: string, value: string): HeadEvent => ({ type: 'field', name, value });
const DONE: HeadEvent = { type: 'done' };
const LF_ONLY: DecoderOptions = { lenient: { lfOnly: true } };
const RL = 'GET / HTTP/1.1\r\n'; // 16 bytes: field lines after it start at offset 16
const SL = 'HTTP/1.1 200 OK\r\n'; // 17 bytes

const accepted: Case[] = [
  // Request lines (RFC 9112 §3)
  { why: 'minimal request with one field', kind: 'request', wire: `${RL}Host: a\r\n\r\n`, events: [GET(), F('Host', 'a'), DONE] },
  { why: 'HTTP/1.0 without fields', kind: 'request', wire: 'GET / HTTP/1.0\r\n\r\n', events: [GET('/', '1.0'), DONE] },
  {
    why: 'a method is any token, every tchar included',
    kind: 'request',
    wire: "!#$%&'*+-.^_`|~09AZaz /x HTTP/1.1\r\n\r\n",
    events: [GET('/x', '1.1', "!#$%&'*+-.^_`|~09AZaz"), DONE],
  },
  {
    why: 'absolute-form target keeps every VCHAR, "#" included',
    kind: 'request',
    wire: 'GET http://a.example:8080/p/a%20t;h?q=1&r=[x]#f HTTP/1.1\r\n\r\n',
    events: [GET('http://a.example:8080/p/a%20t;h?q=1&r=[x]#f'), DONE],
  },
  { why: 'authority-form target', kind: 'request', wire: 'CONNECT a.example:443 HTTP/1.1\r\n\r\n', events: [GET('a.example:443', '1.1', 'CONNECT'), DONE] },
  { why: 'asterisk-form target', kind: 'request', wire: 'OPTIONS * HTTP/1.1\r\n\r\n', events: [GET('*', '1.1', 'OPTIONS'), DONE] },
  {
    why: 'empty lines (CRLF) before the request line are skipped (§2.2)',
    kind: 'request',
    wire: `\r\n\r\n${RL}\r\n`,
    events: [GET(), DONE],
  },
  // Field lines (RFC 9112 §5, RFC 9110 §5.5)
  {
    why: 'OWS around the value is trimmed, inner SP/HTAB kept',
    kind: 'request',
    wire: `${RL}X:  \t a \t b \t \r\n\r\n`,
    events: [GET(), F('X', 'a \t b'), DONE],
  },
  { why: 'empty values', kind: 'request', wire: `${RL}A:\r\nB: \r\nC:\t \r\n\r\n`, events: [GET(), F('A', ''), F('B', ''), F('C', ''), DONE] },
  {
    why: 'names keep their case; order and duplicates are preserved',
    kind: 'request',
    wire: `${RL}X-a: 1\r\nx-A: 2\r\nX-a: 3\r\n\r\n`,
    events: [GET(), F('X-a', '1'), F('x-A', '2'), F('X-a', '3'), DONE],
  },
  { why: 'a colon inside the value is data', kind: 'request', wire: `${RL}Host: a:80\r\n\r\n`, events: [GET(), F('Host', 'a:80'), DONE] },
  {
    why: 'obs-text (0x80-0xFF) round-trips as one code unit per octet, 0xA0 is not trimmed',
    kind: 'request',
    wire: `${RL}X: caf\xe9 \xff\xa0\r\n\r\n`,
    events: [GET(), F('X', 'caf\xe9 \xff\xa0'), DONE],
  },
  {
    why: 'a long value spanning many chunks',
    kind: 'request',
    wire: `${RL}Cookie: ${'k=v; '.repeat(300)}end\r\n\r\n`,
    events: [GET(), F('Cookie', `${'k=v; '.repeat(300)}end`), DONE],
  },
  // Status lines (RFC 9112 §4)
  { why: 'status line with reason', kind: 'response', wire: `${SL}Server: x\r\n\r\n`, events: [ST(200, 'OK'), F('Server', 'x'), DONE] },
  { why: 'HTTP/1.0 status', kind: 'response', wire: 'HTTP/1.0 404 Not Found\r\n\r\n', events: [ST(404, 'Not Found', '1.0'), DONE] },
  {
    why: 'the reason is kept exactly: HTAB, trailing SP, obs-text',
    kind: 'response',
    wire: 'HTTP/1.1 200 O\tK \xe9 \r\n\r\n',
    events: [ST(200, 'O\tK \xe9 '), DONE],
  },
  { why: 'a missing SP before an empty reason is accepted', kind: 'response', wire: 'HTTP/1.1 204\r\n\r\n', events: [ST(204, ''), DONE] },
  { why: 'SP then an empty reason', kind: 'response', wire: 'HTTP/1.1 204 \r\n\r\n', events: [ST(204, ''), DONE] },
  { why: 'lowest and highest status codes', kind: 'response', wire: 'HTTP/1.1 100 C\r\n\r\n', events: [ST(100, 'C'), DONE] },
  { why: 'highest status code', kind: 'response', wire: 'HTTP/1.1 599 X\r\n\r\n', events: [ST(599, 'X'), DONE] },
  { why: 'empty lines before a status line are skipped too', kind: 'response', wire: `\r\n${SL}\r\n`, events: [ST(200, 'OK'), DONE] },
  // obs-fold (RFC 9112 §5.2): replaced by SP by default in responses, as h11 does
  {
    why: 'response obs-fold is replaced with one SP',
    kind: 'response',
    wire: `${SL}X: a\r\n b\r\nY: c\r\n\r\n`,
    events: [ST(200, 'OK'), F('X', 'a b'), F('Y', 'c'), DONE],
  },
  {
    why: 'several folds: each CRLF+RWS becomes one SP, OWS at the ends of the whole value is trimmed',
    kind: 'response',
    wire: `${SL}X:  a \r\n\tb\r\n  \r\n c \t\r\n\r\n`,
    events: [ST(200, 'OK'), F('X', 'a  b  c'), DONE],
  },
  {
    why: 'a fold of an empty value',
    kind: 'response',
    wire: `${SL}X:\r\n hello\r\n\r\n`,
    events: [ST(200, 'OK'), F('X', 'hello'), DONE],
  },
  {
    why: 'obsFold: replace accepts folds in requests too',
    kind: 'request',
    wire: `${RL}X: a\r\n\tb\r\n\r\n`,
    options: { obsFold: 'replace' },
    events: [GET(), F('X', 'a b'), DONE],
  },
  // lenient.lfOnly (RFC 9112 §2.2 allows a recipient to accept a bare LF)
  {
    why: 'lfOnly: bare LF ends every line',
    kind: 'request',
    wire: 'GET / HTTP/1.1\nHost: a\n\n',
    options: LF_ONLY,
    events: [GET(), F('Host', 'a'), DONE],
  },
  {
    why: 'lfOnly: mixed CRLF and LF, empty lines before the start line',
    kind: 'response',
    wire: '\n\r\nHTTP/1.1 200 OK\nA: 1\r\nB: 2\n\r\n',
    options: LF_ONLY,
    events: [ST(200, 'OK'), F('A', '1'), F('B', '2'), DONE],
  },
  { why: 'lfOnly: status line without reason', kind: 'response', wire: 'HTTP/1.1 204\n\n', options: LF_ONLY, events: [ST(204, ''), DONE] },
];

const rejected: Case[] = [
  // Request line
  { why: 'whitespace before the method', kind: 'request', wire: ` ${RL}\r\n`, error: { code: 'EPROTO', rule: 'method', offset: 0 } },
  { why: 'HTAB is not the separator', kind: 'request', wire: 'GET\t/ HTTP/1.1\r\n\r\n', error: { code: 'EPROTO', rule: 'method', offset: 3 } },
  { why: 'a non-tchar in the method', kind: 'request', wire: 'GE(T / HTTP/1.1\r\n\r\n', error: { code: 'EPROTO', rule: 'method', offset: 2 } },
  { why: 'two SP before the target', kind: 'request', wire: 'GET  / HTTP/1.1\r\n\r\n', error: { code: 'EPROTO', rule: 'request-target', offset: 4 } },
  { why: 'two SP before the version', kind: 'request', wire: 'GET /  HTTP/1.1\r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 6 } },
  { why: 'DEL in the target', kind: 'request', wire: 'GET /a\x7f HTTP/1.1\r\n\r\n', error: { code: 'EPROTO', rule: 'request-target', offset: 6 } },
  { why: 'bytes >= 0x80 in the target (raw UTF-8)', kind: 'request', wire: 'GET /\xe2\x82\xac HTTP/1.1\r\n\r\n', error: { code: 'EPROTO', rule: 'request-target', offset: 5 } },
  { why: 'NUL in the target', kind: 'request', wire: 'GET /\x00 HTTP/1.1\r\n\r\n', error: { code: 'EPROTO', rule: 'request-target', offset: 5 } },
  { why: 'HTTP/0.9 request line (no version)', kind: 'request', wire: 'GET /\r\n\r\n', error: { code: 'EPROTO', rule: 'request-target', offset: 5 } },
  { why: 'HTTP/1.2 is not spoken', kind: 'request', wire: 'GET / HTTP/1.2\r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 13 } },
  { why: 'HTTP/2.0 in a request line', kind: 'request', wire: 'GET / HTTP/2.0\r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 11 } },
  { why: 'the version is case-sensitive', kind: 'request', wire: 'GET / http/1.1\r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 6 } },
  { why: 'SP after the version', kind: 'request', wire: 'GET / HTTP/1.1 \r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 14 } },
  { why: 'a three-digit version', kind: 'request', wire: 'GET / HTTP/1.10\r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 14 } },
  { why: 'a TLS ClientHello on a plain port fails at once', kind: 'request', wire: '\x16\x03\x01\x02\x00\x01', error: { code: 'EPROTO', rule: 'method', offset: 0 } },
  // Line endings (§2.2)
  { why: 'bare CR ending the request line', kind: 'request', wire: 'GET / HTTP/1.1\rHost: a\r\n\r\n', error: { code: 'EPROTO', rule: 'bare-cr', offset: 14 } },
  { why: 'bare LF ending the request line', kind: 'request', wire: 'GET / HTTP/1.1\nHost: a\n\n', error: { code: 'EPROTO', rule: 'bare-lf', offset: 14 } },
  { why: 'bare LF as an empty line before the request line', kind: 'request', wire: `\n${RL}\r\n`, error: { code: 'EPROTO', rule: 'bare-lf', offset: 0 } },
  { why: 'bare CR before the request line', kind: 'request', wire: `\rGET / HTTP/1.1\r\n\r\n`, error: { code: 'EPROTO', rule: 'bare-cr', offset: 0 } },
  { why: 'bare CR inside a value', kind: 'request', wire: `${RL}X: a\rb\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'bare-cr', offset: 20 } },
  { why: 'bare LF ending a field line', kind: 'request', wire: `${RL}X: a\nY: b\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'bare-lf', offset: 20 } },
  { why: 'bare CR as the blank line', kind: 'request', wire: `${RL}X: a\r\n\rZ`, before: [GET(), F('X', 'a')], error: { code: 'EPROTO', rule: 'bare-cr', offset: 22 } },
  { why: 'bare LF as the blank line', kind: 'request', wire: `${RL}X: a\r\n\n`, before: [GET(), F('X', 'a')], error: { code: 'EPROTO', rule: 'bare-lf', offset: 22 } },
  {
    why: 'lfOnly never makes a CR end a line',
    kind: 'request',
    wire: 'GET / HTTP/1.1\rX: a\n\n',
    options: LF_ONLY,
    error: { code: 'EPROTO', rule: 'bare-cr', offset: 14 },
  },
  {
    why: 'lfOnly: a CR inside a value is still an error, never a new field',
    kind: 'request',
    wire: 'GET / HTTP/1.1\nX: a\rY: b\n\n',
    options: LF_ONLY,
    before: [GET()],
    error: { code: 'EPROTO', rule: 'bare-cr', offset: 19 },
  },
  // Field lines
  { why: 'whitespace between name and colon (§5.1)', kind: 'request', wire: `${RL}Host : a\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-name', offset: 20 } },
  { why: 'HTAB between name and colon', kind: 'request', wire: `${RL}Host\t: a\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-name', offset: 20 } },
  {
    why: 'whitespace-led first field line (§2.2)',
    kind: 'request',
    wire: `${RL} Host: a\r\n\r\n`,
    before: [GET()],
    error: { code: 'EPROTO', rule: 'whitespace-after-start-line', offset: 16 },
  },
  {
    why: 'whitespace-led first field line in a response, even where folds are replaced',
    kind: 'response',
    wire: `${SL}\tX: a\r\n\r\n`,
    before: [ST(200, 'OK')],
    error: { code: 'EPROTO', rule: 'whitespace-after-start-line', offset: 17 },
  },
  {
    why: 'obs-fold in a request is rejected by default; the line before it was a whole field and was delivered',
    kind: 'request',
    wire: `${RL}A: 1\r\nX: a\r\n b\r\n\r\n`,
    before: [GET(), F('A', '1'), F('X', 'a')],
    error: { code: 'EPROTO', rule: 'obs-fold', offset: 28 },
  },
  {
    why: 'obsFold: reject applies to responses when asked',
    kind: 'response',
    wire: `${SL}X: a\r\n\tb\r\n\r\n`,
    options: { obsFold: 'reject' },
    before: [ST(200, 'OK'), F('X', 'a')],
    error: { code: 'EPROTO', rule: 'obs-fold', offset: 23 },
  },
  { why: 'SOH in a value', kind: 'request', wire: `${RL}X: a\x01b\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-value', offset: 20 } },
  { why: 'NUL in a value', kind: 'request', wire: `${RL}X: a\x00b\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-value', offset: 20 } },
  { why: 'DEL in a value', kind: 'request', wire: `${RL}X: a\x7f\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-value', offset: 20 } },
  { why: 'NUL in a name', kind: 'request', wire: `${RL}X\x00: a\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-name', offset: 17 } },
  { why: 'an empty name', kind: 'request', wire: `${RL}: a\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-name', offset: 16 } },
  { why: 'a field line without a colon', kind: 'request', wire: `${RL}Host\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-name', offset: 20 } },
  { why: 'a non-tchar in a name', kind: 'request', wire: `${RL}Ho(st: a\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-name', offset: 18 } },
  { why: 'obs-text in a name', kind: 'request', wire: `${RL}X\xe9: a\r\n\r\n`, before: [GET()], error: { code: 'EPROTO', rule: 'field-name', offset: 17 } },
  {
    why: 'fields before the bad one are delivered first',
    kind: 'request',
    wire: `${RL}A: 1\r\nB: 2\r\nC : 3\r\n\r\n`,
    before: [GET(), F('A', '1'), F('B', '2')],
    error: { code: 'EPROTO', rule: 'field-name', offset: 29 },
  },
  // Status line
  { why: 'a two-digit status code', kind: 'response', wire: 'HTTP/1.1 20 OK\r\n\r\n', error: { code: 'EPROTO', rule: 'status-code', offset: 11 } },
  { why: 'a four-digit status code', kind: 'response', wire: 'HTTP/1.1 2000 OK\r\n\r\n', error: { code: 'EPROTO', rule: 'status-code', offset: 12 } },
  { why: 'status code below 100', kind: 'response', wire: 'HTTP/1.1 099 X\r\n\r\n', error: { code: 'EPROTO', rule: 'status-code', offset: 9 } },
  { why: 'status code above 599', kind: 'response', wire: 'HTTP/1.1 600 X\r\n\r\n', error: { code: 'EPROTO', rule: 'status-code', offset: 9 } },
  { why: 'two SP before the code', kind: 'response', wire: 'HTTP/1.1  200 OK\r\n\r\n', error: { code: 'EPROTO', rule: 'status-code', offset: 9 } },
  { why: 'NUL in the reason', kind: 'response', wire: 'HTTP/1.1 200 O\x00K\r\n\r\n', error: { code: 'EPROTO', rule: 'reason-phrase', offset: 14 } },
  { why: 'HTTP/2 status line', kind: 'response', wire: 'HTTP/2 200\r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 5 } },
  { why: 'HTTP/0.9 status line', kind: 'response', wire: 'HTTP/0.9 200 OK\r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 5 } },
  { why: 'HTAB after the version', kind: 'response', wire: 'HTTP/1.1\t200 OK\r\n\r\n', error: { code: 'EPROTO', rule: 'http-version', offset: 8 } },
  { why: 'a request line given to a response decoder', kind: 'response', wire: `${RL}\r\n`, error: { code: 'EPROTO', rule: 'http-version', offset: 0 } },
  { why: 'a status line given to a request decoder', kind: 'request', wire: `${SL}\r\n`, error: { code: 'EPROTO', rule: 'method', offset: 4 } },
  { why: 'bare LF ending a status line', kind: 'response', wire: 'HTTP/1.1 200 OK\n\n', error: { code: 'EPROTO', rule: 'bare-lf', offset: 15 } },
];

const TRAILING = 'BODY\r\n\r\nGET / HTTP/1.1\r\n\x00\xff';

describe('decoder: accepted heads', () => {
  for (const c of accepted) {
    it(c.why, () => {
      const b = bytes(c.wire);
      for (const [how, chunks] of chunkings(b)) {
        expect({ how, ...run(c.kind, chunks, c.options) }).toEqual({ how, events: c.events, error: null, rest: '' });
      }
      const withTail = bytes(c.wire + TRAILING);
      for (const [how, chunks] of chunkings(withTail, 4)) {
        expect({ how, ...run(c.kind, chunks, c.options) }).toEqual({ how, events: c.events, error: null, rest: TRAILING });
      }
      for (let n = 0; n < b.length; n++) {
        const prefix = run(c.kind, [b.subarray(0, n)], c.options);
        expect({ n, error: prefix.error, rest: prefix.rest }).toEqual({ n, error: null, rest: null });
      }
    });
  }
});

describe('decoder: rejected heads', () => {
  for (const c of rejected) {
    it(`${c.why} (${c.error!.rule} at ${c.error!.offset})`, () => {
      const b = bytes(c.wire);
      for (const [how, chunks] of chunkings(b)) {
        expect({ how, ...run(c.kind, chunks, c.options) }).toEqual({ how, events: c.before ?? [], error: c.error, rest: null });
      }
      // The error is decided by the bytes up to the offending one: no shorter prefix fails.
      for (let n = 0; n <= c.error!.offset; n++) {
        expect({ n, error: run(c.kind, [b.subarray(0, n)], c.options).error }).toEqual({ n, error: null });
      }
    });
  }
});
