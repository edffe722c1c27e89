// scanHead, the zero-copy mode, against parseHead.
//
// INVARIANT: on the same bytes and options, scanHead accepts exactly what
// parseHead accepts; its spans, sliced from the input (and unfolded where the
// value end is marked negative), are parseHead's events; it returns the head's
// length (-1 exactly when parseHead returns null); and it throws the same
// HttpError (code, rule, offset) wherever parseHead throws.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type DecoderOptions,
  HeadDecoder,
  type HeadEvent,
  type HeadKind,
  HttpError,
  NEED_DATA,
  parseHead,
  scanHead,
  spanArrayLength,
} from '../../src/index.ts';
import { bytes, latin1 } from './chunking.ts';

type Verdict =
  | { ok: true; events: HeadEvent[] | null; length: number }
  | { ok: false; code: string; rule: string | undefined; offset: number | undefined };

function caught(e: unknown): Verdict {
  if (!(e instanceof HttpError)) throw e;
  return { ok: false, code: e.code, rule: e.rule, offset: e.offset };
}

/** parseHead's verdict, with the head length from a HeadDecoder fed the same bytes whole. */
function viaEvents(kind: HeadKind, b: Uint8Array, options?: DecoderOptions): Verdict {
  let events: HeadEvent[] | null;
  try {
    events = parseHead(kind, b, options);
  } catch (e) {
    return caught(e);
  }
  if (events === null) return { ok: true, events, length: -1 };
  const d = new HeadDecoder(kind, options);
  d.receive(b);
  while (d.state !== 'done') if (d.next() === NEED_DATA) throw new Error('HeadDecoder disagrees with parseHead');
  return { ok: true, events, length: b.length - d.rest().length };
}

/** The caller's side of a folded value: each line break and the SP/HTAB after it become one SP, then OWS is trimmed. */
function unfold(raw: string): string {
  return raw.replace(/\r?\n[ \t]*/g, ' ').replace(/^[ \t]+|[ \t]+$/g, '');
}

/** scanHead's verdict, its spans turned into the events parseHead would give. */
function viaSpans(kind: HeadKind, b: Uint8Array, options?: DecoderOptions): Verdict {
  const out = new Int32Array(spanArrayLength(options?.maxFields));
  out.fill(-7); // stale values must not leak into the result
  let length: number;
  try {
    length = scanHead(kind, b, out, options);
  } catch (e) {
    return caught(e);
  }
  if (length === -1) return { ok: true, events: null, length };
  const str = (from: number, to: number): string => latin1(b.subarray(from, to));
  const version = out[1] === 1 ? '1.1' : '1.0';
  const events: HeadEvent[] = [
    kind === 'request'
      ? { type: 'request', method: str(out[2]!, out[3]!), target: str(out[4]!, out[5]!), version }
      : { type: 'status', code: out[2]!, reason: str(out[4]!, out[5]!), version },
  ];
  for (let i = 0, at = 6; i < out[0]!; i++, at += 4) {
    const end = out[at + 3]!;
    const value = end < 0 ? unfold(str(out[at + 2]!, ~end)) : str(out[at + 2]!, end);
    events.push({ type: 'field', name: str(out[at]!, out[at + 1]!), value });
  }
  events.push({ type: 'done' });
  return { ok: true, events, length };
}

function agree(kind: HeadKind, b: Uint8Array, options?: DecoderOptions): Verdict {
  const want = viaEvents(kind, b, options);
  expect(viaSpans(kind, b, options)).toEqual(want);
  return want;
}

const CASES: Array<{ why: string; kind: HeadKind; wire: string; options?: DecoderOptions; accepted: boolean | null }> = [
  { why: 'a minimal request', kind: 'request', wire: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', accepted: true },
  { why: 'HTTP/1.0 and no fields', kind: 'request', wire: 'GET /x HTTP/1.0\r\n\r\n', accepted: true },
  { why: 'bytes past the head are not part of it', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: b\r\n\r\nbody', accepted: true },
  { why: 'empty lines before the start line count in the length', kind: 'request', wire: '\r\n\r\nGET / HTTP/1.1\r\n\r\n', accepted: true },
  { why: 'OWS is trimmed, inner whitespace kept', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: \t x  y \t\r\nB:\r\nC:   \r\n\r\n', accepted: true },
  { why: 'obs-text in a value', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: caf\xe9 \xa0\r\n\r\n', accepted: true },
  { why: 'a response', kind: 'response', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', accepted: true },
  { why: 'an empty reason after SP', kind: 'response', wire: 'HTTP/1.1 204 \r\n\r\n', accepted: true },
  { why: 'no SP before an empty reason', kind: 'response', wire: 'HTTP/1.0 304\r\n\r\n', accepted: true },
  { why: 'a reason with obs-text', kind: 'response', wire: 'HTTP/1.1 200 \xc3\xa7a va\r\n\r\n', accepted: true },
  { why: 'obs-fold replaced in a response', kind: 'response', wire: 'HTTP/1.1 200 OK\r\nA: x \r\n  y\r\n\tz \r\nB: c\r\n\r\n', accepted: true },
  { why: 'a fold after an empty value', kind: 'response', wire: 'HTTP/1.1 200 OK\r\nA:\r\n y\r\n\r\n', accepted: true },
  { why: 'a whitespace-only continuation', kind: 'response', wire: 'HTTP/1.1 200 OK\r\nA: x\r\n   \r\n\r\n', accepted: true },
  { why: 'a fold in the last field', kind: 'response', wire: 'HTTP/1.1 200 OK\r\nA: 1\r\nB: x\r\n y\r\n\r\n', accepted: true },
  { why: 'obs-fold replaced in a request by option', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: x\r\n y\r\n\r\n', options: { obsFold: 'replace' }, accepted: true },
  { why: 'bare LF lines with lfOnly', kind: 'request', wire: 'GET / HTTP/1.1\nA: x\nB: y\r\n\n', options: { lenient: { lfOnly: true } }, accepted: true },
  { why: 'a bare-LF fold with lfOnly', kind: 'response', wire: 'HTTP/1.1 200 OK\nA: x\n y\n\n', options: { lenient: { lfOnly: true } }, accepted: true },
  { why: 'a head of exactly maxHeadSize bytes', kind: 'request', wire: 'GET / HTTP/1.1\r\n\r\n', options: { maxHeadSize: 18 }, accepted: true },
  { why: 'exactly maxFields fields', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n', options: { maxFields: 2 }, accepted: true },
  { why: 'an incomplete head', kind: 'request', wire: 'GET / HTTP/1.1\r\nHost: a\r\n', accepted: null },
  { why: 'an incomplete head: a field may still fold', kind: 'response', wire: 'HTTP/1.1 200 OK\r\nA: b\r\n', accepted: null },
  { why: 'nothing but an empty line', kind: 'request', wire: '\r\n', accepted: null },
  { why: 'nothing', kind: 'request', wire: '', accepted: null },
  { why: 'a TLS ClientHello', kind: 'request', wire: '\x16\x03\x01\x02\x00\x01', accepted: false },
  { why: 'a bad method byte', kind: 'request', wire: 'G(T / HTTP/1.1\r\n\r\n', accepted: false },
  { why: 'two SP before the target', kind: 'request', wire: 'GET  / HTTP/1.1\r\n\r\n', accepted: false },
  { why: 'HTTP/2.0', kind: 'request', wire: 'GET / HTTP/2.0\r\n\r\n', accepted: false },
  { why: 'a status code out of range', kind: 'response', wire: 'HTTP/1.1 600 X\r\n\r\n', accepted: false },
  { why: 'a bare CR', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: b\rc\r\n\r\n', accepted: false },
  { why: 'a bare LF', kind: 'request', wire: 'GET / HTTP/1.1\nA: b\r\n\r\n', accepted: false },
  { why: 'whitespace before the colon', kind: 'request', wire: 'GET / HTTP/1.1\r\nA : b\r\n\r\n', accepted: false },
  { why: 'whitespace before the first field', kind: 'request', wire: 'GET / HTTP/1.1\r\n A: b\r\n\r\n', accepted: false },
  { why: 'obs-fold in a request', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n', accepted: false },
  { why: 'a NUL in a value', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: b\x00\r\n\r\n', accepted: false },
  { why: 'too many fields', kind: 'request', wire: 'GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n', options: { maxFields: 1 }, accepted: false },
  { why: 'a head too large', kind: 'request', wire: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', options: { maxHeadSize: 20 }, accepted: false },
  { why: 'storage too small', kind: 'request', wire: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', options: { storage: new Uint8Array(20) }, accepted: false },
];

describe('scanHead agrees with parseHead', () => {
  for (const c of CASES) {
    it(`${c.why} (${c.kind})`, () => {
      const v = agree(c.kind, bytes(c.wire), c.options);
      expect(v.ok ? v.events !== null : false).toBe(c.accepted === true);
      expect(v.ok && v.events === null).toBe(c.accepted === null);
    });
  }

  it('keeps no state between calls: a failure, then a head, then a prefix', () => {
    const out = new Int32Array(spanArrayLength());
    expect(() => scanHead('request', bytes('GET / HTTP/1.1\r\n A\r\n\r\n'), out)).toThrow(HttpError);
    expect(scanHead('request', bytes('GET / HTTP/1.1\r\nA: b\r\n\r\nX'), out)).toBe(24);
    expect(out[0]).toBe(1);
    expect(scanHead('request', bytes('GET / HTTP/1.1\r\nA: b\r\n'), out)).toBe(-1);
    expect(scanHead('response', bytes('HTTP/1.1 404 Not Found\r\n\r\n'), out)).toBe(26);
    expect([out[0], out[1], out[2], out[4], out[5]]).toEqual([0, 1, 404, 13, 22]);
  });

  it('refuses an out array smaller than 6 + 4 * maxFields with EINVAL, before looking at a byte', () => {
    const wire = bytes('GET / HTTP/1.1\r\n\r\n');
    const small = new Int32Array(spanArrayLength() - 1);
    expect(() => scanHead('request', wire, small)).toThrow(expect.objectContaining({ code: 'EINVAL', rule: 'out' }));
    expect(() => scanHead('request', bytes('\x16'), small)).toThrow(expect.objectContaining({ code: 'EINVAL', rule: 'out' }));
    expect(scanHead('request', wire, new Int32Array(spanArrayLength(2)), { maxFields: 2 })).toBe(18);
    expect(spanArrayLength()).toBe(406);
  });

  it('every proper prefix of a head is -1, the head itself its length', () => {
    const wire = bytes('HTTP/1.1 200 OK\r\nA: x\r\n y\r\nB: c\r\n\r\n');
    const out = new Int32Array(spanArrayLength());
    for (let i = 0; i < wire.length; i++) expect(scanHead('response', wire.subarray(0, i), out)).toBe(-1);
    expect(scanHead('response', wire, out)).toBe(wire.length);
  });
});

// ---------------------------------------------------------------------------
// Properties

const tokenChar = fc.constantFrom(...'!#$%&\'*+-.^_`|~0123456789abcxyzABCXYZ'.split(''));
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 8 });
const valueChar = fc.oneof(
  fc.constantFrom(' ', '\t', 'a', 'z', '0', ':', '"', '~'),
  fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
);
const value = fc.string({ unit: valueChar, maxLength: 12 });
const fold = fc.tuple(fc.constantFrom(' ', '\t', '  '), value).map(([ws, v]) => `${ws}${v}`);
const field = fc.tuple(token, fc.constantFrom('', ' ', '\t '), value, fc.array(fold, { maxLength: 2 }));
const options = fc.record(
  {
    lenient: fc.record({ lfOnly: fc.boolean() }),
    obsFold: fc.constantFrom<'reject' | 'replace'>('reject', 'replace'),
    maxHeadSize: fc.integer({ min: 0, max: 300 }),
    maxFields: fc.integer({ min: 0, max: 8 }),
  },
  { requiredKeys: [] },
);

/** A head that is valid, or nearly (folds, bare LFs and limits make some of them fail). */
const head = fc
  .tuple(
    fc.constantFrom<HeadKind>('request', 'response'),
    token,
    fc.string({ unit: fc.constantFrom('/', 'a', '?', '=', '%', '~'), minLength: 1, maxLength: 10 }),
    fc.integer({ min: 100, max: 599 }),
    fc.string({ unit: valueChar, maxLength: 10 }),
    fc.array(field, { maxLength: 8 }),
    fc.constantFrom('\r\n', '\n'),
    fc.constantFrom('', '\r\n', 'body'),
  )
  .map(([kind, method, target, code, reason, fields, eol, tail]) => {
    let s = kind === 'request' ? `${method} ${target} HTTP/1.1${eol}` : `HTTP/1.0 ${code} ${reason}${eol}`;
    for (const [name, ows, v, folds] of fields) {
      s += `${name}:${ows}${v}${eol}`;
      for (const f of folds) s += `${f}${eol}`;
    }
    return { kind, wire: bytes(`${s}${eol}${tail}`) };
  });

describe('scanHead agrees with parseHead (properties)', () => {
  it('on generated heads, with and without options', () => {
    fc.assert(
      fc.property(head, fc.option(options, { nil: undefined }), ({ kind, wire }, o) => {
        agree(kind, wire, o);
      }),
      { numRuns: 600 },
    );
  });

  it('on every prefix of a generated head', () => {
    fc.assert(
      fc.property(head, ({ kind, wire }) => {
        for (let i = 0; i <= wire.length; i++) agree(kind, wire.subarray(0, i), { obsFold: 'replace', lenient: { lfOnly: true } });
      }),
      { numRuns: 60 },
    );
  });

  it('on generated heads with one byte changed', () => {
    fc.assert(
      fc.property(head, fc.nat(), fc.integer({ min: 0, max: 255 }), ({ kind, wire }, at, b) => {
        const w = wire.slice();
        if (w.length > 0) w[at % w.length] = b;
        agree(kind, w);
        agree(kind, w, { obsFold: 'replace', lenient: { lfOnly: true } });
      }),
      { numRuns: 600 },
    );
  });

  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom<HeadKind>('request', 'response'), fc.uint8Array({ maxLength: 64 }), (kind, w) => {
        agree(kind, w);
      }),
      { numRuns: 400 },
    );
  });
});
