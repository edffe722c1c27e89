// Properties of the codec, checked with fast-check.
//
// INVARIANT (h11's afl-server.py): any input, fed whole, byte by byte or in any
// split, yields the same events or the same HttpError, whose offset lies inside
// the input — never another exception, never a hang. When the head ends, rest()
// is exactly the input past it. Limits do not depend on the chunking either.
//
// ROUND TRIP: a valid head written by HeadEncoder decodes to exactly itself.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type DecoderOptions,
  HeadEncoder,
  type HeadEvent,
  type HeadKind,
  type HttpVersion,
  parseHead,
} from '../../src/index.ts';
import { bytes, concat, latin1 } from '../support/bytes.ts';
import { type FullOutcome, decodeAll as decode } from './chunking.ts';

// ---------------------------------------------------------------------------
// Helpers

type Outcome = FullOutcome;

function byteByByte(b: Uint8Array): Uint8Array[] {
  return Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1));
}

/** Split `b` at the given cut points (taken modulo length + 1); empty chunks are kept. */
function splitAt(b: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of at) {
    out.push(b.subarray(from, p));
    from = p;
  }
  out.push(b.subarray(from));
  return out;
}

/** Encode a head (start line, fields, done) with HeadEncoder: one Uint8Array per command. */
function encodeLines(events: HeadEvent[]): Uint8Array[] {
  const e = new HeadEncoder();
  return events.map((ev) => {
    switch (ev.type) {
      case 'request':
        return e.request(ev.method, ev.target, ev.version);
      case 'status':
        return e.status(ev.code, ev.reason, ev.version);
      case 'field':
        return e.field(ev.name, ev.value);
      case 'done':
        return e.done();
    }
  });
}

/** Whether an incomplete input has begun a head: empty lines before it do not count (RFC 9112 §2.2). */
function headStarted(b: Uint8Array, lfOnly: boolean): boolean {
  let i = 0;
  for (;;) {
    if (b[i] === 0x0d && b[i + 1] === 0x0a) i += 2;
    else if (lfOnly && b[i] === 0x0a) i += 1;
    else break;
  }
  // A lone CR at the end may still be the start of an empty line.
  return !(i === b.length || (i === b.length - 1 && b[i] === 0x0d));
}

// ---------------------------------------------------------------------------
// Generators

const chr = (c: number): string => String.fromCharCode(c);
const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".split('');
const tchar = fc.constantFrom(...TCHARS);
const token = fc.string({ unit: tchar, minLength: 1, maxLength: 12 });
// Common names too, so an interning fast path is exercised alongside arbitrary tokens.
const fieldName = fc.oneof(
  { weight: 3, arbitrary: token },
  { weight: 1, arbitrary: fc.constantFrom('Host', 'Content-Length', 'content-type', 'Connection', 'Transfer-Encoding', 'X') },
);
const vchar = fc.integer({ min: 0x21, max: 0x7e }).map(chr);
const obsText = fc.integer({ min: 0x80, max: 0xff }).map(chr);
const ows = fc.constantFrom(' ', '\t');
const valueChar = fc.oneof({ weight: 5, arbitrary: vchar }, { weight: 1, arbitrary: ows }, { weight: 1, arbitrary: obsText });
const version = fc.constantFrom<HttpVersion>('1.0', '1.1');
const target = fc.string({ unit: vchar, minLength: 1, maxLength: 40 });
const reason = fc.string({ unit: valueChar, maxLength: 30 });

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === ' ' || s[a] === '\t')) a++;
  while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--;
  return s.slice(a, b);
}

interface Head {
  kind: HeadKind;
  /** The events the decoder must yield: start line, fields in order, done. */
  events: HeadEvent[];
}

function headArb(maxFields: number, maxValue: number, kind?: HeadKind): fc.Arbitrary<Head> {
  const fields = fc
    .array(fc.record({ name: fieldName, value: fc.string({ unit: valueChar, maxLength: maxValue }).map(trimOws) }), { maxLength: maxFields })
    .map((fs) => fs.map((f): HeadEvent => ({ type: 'field', name: f.name, value: f.value })));
  const request = fc.record({ method: token, target, version, fields }).map(
    (r): Head => ({
      kind: 'request',
      events: [{ type: 'request', method: r.method, target: r.target, version: r.version }, ...r.fields, { type: 'done' }],
    }),
  );
  const response = fc.record({ code: fc.integer({ min: 100, max: 599 }), reason, version, fields }).map(
    (r): Head => ({
      kind: 'response',
      events: [{ type: 'status', code: r.code, reason: r.reason, version: r.version }, ...r.fields, { type: 'done' }],
    }),
  );
  return kind === 'request' ? request : kind === 'response' ? response : fc.oneof(request, response);
}

const cutsArb = fc.array(fc.nat({ max: 100_000 }), { maxLength: 12 });

// Pieces of HTTP-looking input, so the decoder gets past the first byte.
const PIECES = [
  'GET ', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/', '\r\n', '\n', '\r', ' ', '\t', ':', 'Host', '\x00', '\x7f', '\xff',
  'a', '/', ' 200 ', '200', 'OK', ': ', '\r\n\r\n', '\r\n ', 'X:y', '\xe9', '1',
];
const START_LINES = ['', 'GET / HTTP/1.1\r\n', 'HTTP/1.1 200 OK\r\n', '\r\n', 'GET / HTTP/1.0\n', 'HTTP/1.0 404\r\n'];
const httpish = fc
  .tuple(fc.constantFrom(...START_LINES), fc.array(fc.constantFrom(...PIECES), { maxLength: 50 }))
  .map(([start, pieces]) => bytes(start + pieces.join('')));

// A valid head with a few bytes inserted, deleted or replaced: reaches every state.
const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('insert', 'delete', 'replace'),
  byte: fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x20, 0x09, 0x00, 0x3a, 0x7f, 0x80, 0xff), fc.integer({ min: 0, max: 255 })),
});
const mutatedHead = fc
  .tuple(headArb(6, 12), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.uint8Array({ maxLength: 8 }))
  .map(([head, ms, tail]) => {
    const b = Array.from(concat(...encodeLines(head.events), tail));
    for (const m of ms) {
      const at = m.at % (b.length + 1);
      if (m.op === 'insert') b.splice(at, 0, m.byte);
      else if (at < b.length && m.op === 'delete') b.splice(at, 1);
      else if (at < b.length) b[at] = m.byte;
    }
    return Uint8Array.from(b);
  });

const anyInput = fc.oneof(fc.uint8Array({ maxLength: 300 }), httpish, mutatedHead);

// ---------------------------------------------------------------------------

describe('round trip: HeadEncoder -> HeadDecoder', () => {
  const options = fc.constantFrom<DecoderOptions>({}, { lenient: { lfOnly: true } });

  it('a valid head decodes to exactly itself, whole, byte by byte and in a random split; rest() is empty', () => {
    fc.assert(
      fc.property(headArb(30, 40), cutsArb, options, (head, cuts, opts) => {
        const wire = concat(...encodeLines(head.events));
        const want: Outcome = { events: head.events, error: null, rest: '' };
        expect(decode(head.kind, [wire], opts)).toEqual(want);
        expect(decode(head.kind, splitAt(wire, cuts), opts)).toEqual(want);
        expect(decode(head.kind, byteByByte(wire), opts)).toEqual(want);
        expect(parseHead(head.kind, wire, opts)).toEqual(head.events);
      }),
      { numRuns: 200 },
    );
  });

  it('with bare LF line ends: the same events under lenient.lfOnly, EPROTO at the first LF by default', () => {
    fc.assert(
      fc.property(headArb(10, 20), cutsArb, (head, cuts) => {
        // Values and reasons hold no CR or LF, so every CRLF in the wire is a line end.
        const wire = bytes(latin1(concat(...encodeLines(head.events))).split('\r\n').join('\n'));
        const lenient: DecoderOptions = { lenient: { lfOnly: true } };
        const want: Outcome = { events: head.events, error: null, rest: '' };
        expect(decode(head.kind, [wire], lenient)).toEqual(want);
        expect(decode(head.kind, splitAt(wire, cuts), lenient)).toEqual(want);
        const strict = decode(head.kind, splitAt(wire, cuts));
        expect(strict.error).toMatchObject({ code: 'EPROTO', offset: wire.indexOf(0x0a) });
        expect(strict.events).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('obs-fold: replaced by one SP when allowed (default for responses), EPROTO obs-fold at the fold when rejected', () => {
    const folded = fc.record({
      name: token,
      // Each part is a trimmed value; the field is written as part CRLF RWS part ...
      parts: fc.array(fc.string({ unit: valueChar, maxLength: 10 }).map(trimOws), { minLength: 2, maxLength: 4 }),
      rws: fc.array(fc.string({ unit: ows, minLength: 1, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(headArb(3, 10), fc.array(folded, { minLength: 1, maxLength: 3 }), cutsArb, (head, folds, cuts) => {
        const lines = encodeLines(head.events);
        let wire = latin1(concat(...lines.slice(0, -1)));
        const firstFold = wire.length + folds[0]!.name.length + 2 + folds[0]!.parts[0]!.length + 2;
        const extra: HeadEvent[] = [];
        for (const f of folds) {
          wire += `${f.name}: ${f.parts.map((p, i) => (i === 0 ? p : `\r\n${f.rws[(i - 1) % 3]!}${p}`)).join('')}\r\n`;
          extra.push({ type: 'field', name: f.name, value: trimOws(f.parts.join(' ')) });
        }
        const input = bytes(`${wire}\r\n`);
        const replaced: Outcome = { events: [...head.events.slice(0, -1), ...extra, { type: 'done' }], error: null, rest: '' };
        const rejected = { code: 'EPROTO', rule: 'obs-fold', offset: firstFold };
        for (const chunks of [[input], splitAt(input, cuts)]) {
          expect(decode(head.kind, chunks, { obsFold: 'replace' })).toEqual(replaced);
          expect(decode(head.kind, chunks, { obsFold: 'reject' }).error).toMatchObject(rejected);
          const byDefault = decode(head.kind, chunks);
          if (head.kind === 'response') expect(byDefault).toEqual(replaced);
          else expect(byDefault.error).toMatchObject(rejected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('empty lines before the request line are skipped and count toward maxHeadSize', () => {
    fc.assert(
      fc.property(headArb(5, 20, 'request'), fc.integer({ min: 1, max: 5 }), cutsArb, (head, n, cuts) => {
        const input = bytes('\r\n'.repeat(n) + latin1(concat(...encodeLines(head.events))));
        const want: Outcome = { events: head.events, error: null, rest: '' };
        expect(decode('request', splitAt(input, cuts))).toEqual(want);
        expect(decode('request', splitAt(input, cuts), { maxHeadSize: input.length })).toEqual(want);
        const tooSmall = decode('request', splitAt(input, cuts), { maxHeadSize: input.length - 1 });
        expect(tooSmall.error).toMatchObject({ code: 'EMSGSIZE', rule: 'head-too-large', offset: input.length - 1 });
      }),
      { numRuns: 200 },
    );
  });

  it('bytes after the head come back exactly from rest(), however split', () => {
    fc.assert(
      fc.property(headArb(30, 40), fc.uint8Array({ minLength: 1, maxLength: 64 }), cutsArb, (head, tail, cuts) => {
        const input = concat(...encodeLines(head.events), tail);
        const want: Outcome = { events: head.events, error: null, rest: latin1(tail) };
        expect(decode(head.kind, [input])).toEqual(want);
        expect(decode(head.kind, splitAt(input, cuts))).toEqual(want);
        expect(decode(head.kind, byteByByte(input))).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});

describe('robustness: any bytes', () => {
  const configs: Array<{ kind: HeadKind; options: DecoderOptions }> = [];
  for (const kind of ['request', 'response'] as const) {
    configs.push({ kind, options: {} }, { kind, options: { lenient: { lfOnly: true } } });
  }

  /** The checks for one input under one configuration. */
  function check(kind: HeadKind, options: DecoderOptions, input: Uint8Array, cuts: number[]): void {
    const lfOnly = options.lenient?.lfOnly === true;
    const whole = decode(kind, [input], options);
    expect(decode(kind, byteByByte(input), options)).toEqual(whole);
    expect(decode(kind, splitAt(input, cuts), options)).toEqual(whole);

    if (whole.error) {
      // Without end(), only the peer's bytes can fail a head, at a byte it sent.
      expect(['EPROTO', 'EMSGSIZE']).toContain(whole.error.code);
      expect(typeof whole.error.rule).toBe('string');
      const offset = whole.error.offset;
      expect(typeof offset).toBe('number');
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(input.length);
    } else if (whole.rest !== null) {
      expect(whole.events[whole.events.length - 1]).toEqual({ type: 'done' });
      const headLength = input.length - whole.rest.length;
      expect(latin1(input.subarray(headLength))).toBe(whole.rest);
      // The head alone is the whole head: the same events and nothing left over.
      expect(decode(kind, [input.subarray(0, headLength)], options)).toEqual({ events: whole.events, error: null, rest: '' });
      // Whatever the decoder yields, the encoder accepts, and it decodes to the same events.
      expect(decode(kind, [concat(...encodeLines(whole.events))])).toEqual({ events: whole.events, error: null, rest: '' });
    } else {
      expect(whole.events.some((ev) => ev.type === 'done')).toBe(false);
    }

    // The same input, then end(): an unfinished head is ECONNRESET (EPIPE before
    // any head byte), the same under every split; anything else is unchanged.
    const eof = decode(kind, [input], options, true);
    expect(decode(kind, byteByByte(input), options, true)).toEqual(eof);
    expect(decode(kind, splitAt(input, cuts), options, true)).toEqual(eof);
    if (whole.error || whole.rest !== null) {
      expect(eof).toEqual(whole);
    } else {
      expect(eof.events).toEqual(whole.events);
      expect(eof.rest).toBeNull();
      expect(eof.error).not.toBeNull();
      expect(eof.error!.code).toBe(headStarted(input, lfOnly) ? 'ECONNRESET' : 'EPIPE');
      expect(eof.error!.rule).toBe('eof');
      expect(eof.error!.offset).toBeGreaterThanOrEqual(0);
      expect(eof.error!.offset).toBeLessThanOrEqual(input.length);
    }
  }

  it('random bytes, random HTTP-looking pieces and mutated heads: events or an HttpError, the same under every split', () => {
    fc.assert(
      fc.property(anyInput, cutsArb, (input, cuts) => {
        for (const c of configs) check(c.kind, c.options, input, cuts);
      }),
      { numRuns: 400 },
    );
  });

  it('obs-fold handling (reject for requests, replace for responses, and the reverse) is split-invariant too', () => {
    fc.assert(
      fc.property(fc.oneof(httpish, mutatedHead), cutsArb, (input, cuts) => {
        check('request', { obsFold: 'replace' }, input, cuts);
        check('response', { obsFold: 'reject' }, input, cuts);
      }),
      { numRuns: 200 },
    );
  });
});

describe('limits: maxHeadSize and maxFields', () => {
  const limits = fc.record({ maxHeadSize: fc.integer({ min: 0, max: 200 }), maxFields: fc.integer({ min: 0, max: 5 }) });
  const nearLength = fc.record({ use: fc.boolean(), delta: fc.integer({ min: -1, max: 1 }) });

  /**
   * What a head of `lines` must give when only its first `received` bytes
   * exist: the limit error it hits first, or null when it hits none. The field
   * limit is met at the first byte of field maxFields + 1; the size limit when a
   * byte past maxHeadSize exists.
   */
  function expectedLimit(
    lines: Uint8Array[],
    received: number,
    maxHead: number,
    maxFields: number,
    sizeRule: string,
  ): { code: string; rule: string; offset: number } | null {
    const starts: number[] = [];
    let at = 0;
    for (const l of lines) {
      starts.push(at);
      at += l.length;
    }
    const fieldCount = lines.length - 2;
    const extra = starts[1 + maxFields];
    if (fieldCount > maxFields && extra !== undefined && extra < Math.min(maxHead, received)) {
      return { code: 'EMSGSIZE', rule: 'too-many-fields', offset: extra };
    }
    if (received > maxHead) return { code: 'EMSGSIZE', rule: sizeRule, offset: maxHead };
    return null;
  }

  function isPrefix(events: HeadEvent[], of: HeadEvent[]): boolean {
    return events.length <= of.length && events.every((ev, i) => JSON.stringify(ev) === JSON.stringify(of[i]));
  }

  it('valid heads under small limits: whole, byte by byte and split agree, and EMSGSIZE names the limit', () => {
    fc.assert(
      fc.property(headArb(8, 20), fc.uint8Array({ maxLength: 8 }), limits, cutsArb, (head, tail, lim, cuts) => {
        const lines = encodeLines(head.events);
        const input = concat(...lines, tail);
        const whole = decode(head.kind, [input], lim);
        expect(decode(head.kind, byteByByte(input), lim)).toEqual(whole);
        expect(decode(head.kind, splitAt(input, cuts), lim)).toEqual(whole);

        // Bytes past the head never count: only the head's own bytes can pass a limit.
        const want = expectedLimit(lines, input.length - tail.length, lim.maxHeadSize, lim.maxFields, 'head-too-large');
        if (want) {
          expect(whole.error).toMatchObject(want);
          expect(['head-too-large', 'too-many-fields']).toContain(whole.error!.rule);
          expect(isPrefix(whole.events, head.events.slice(0, -1))).toBe(true);
        } else {
          expect(whole).toEqual({ events: head.events, error: null, rest: latin1(tail) });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a truncated head under small limits, then end(): ECONNRESET or the limit, the same under every split', () => {
    fc.assert(
      fc.property(headArb(8, 20), fc.nat(), limits, nearLength, cutsArb, (head, cut, limits, near, cuts) => {
        const lines = encodeLines(head.events);
        const wire = concat(...lines);
        const input = wire.subarray(0, cut % wire.length); // a proper prefix: the head is unfinished
        // Half the time the size limit sits at the bytes received, give or take one. With exactly
        // maxHeadSize bytes received no byte passed the limit: EOF there is ECONNRESET (or EPIPE).
        const lim = { ...limits, maxHeadSize: near.use ? Math.max(0, input.length + near.delta) : limits.maxHeadSize };
        const whole = decode(head.kind, [input], lim, true);
        expect(decode(head.kind, byteByByte(input), lim, true)).toEqual(whole);
        expect(decode(head.kind, splitAt(input, cuts), lim, true)).toEqual(whole);

        const want = expectedLimit(lines, input.length, lim.maxHeadSize, lim.maxFields, 'head-too-large') ?? {
          code: input.length > 0 ? 'ECONNRESET' : 'EPIPE',
          rule: 'eof',
          offset: input.length,
        };
        expect(whole.error).toMatchObject(want);
        expect(whole.rest).toBeNull();
        expect(isPrefix(whole.events, head.events)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('any bytes under small limits: whole, byte by byte and split agree', () => {
    fc.assert(
      fc.property(anyInput, fc.constantFrom<HeadKind>('request', 'response'), fc.boolean(), limits, nearLength, cutsArb, (input, kind, lfOnly, lim, near, cuts) => {
        // Half the time the size limit sits at the input's length, give or take a byte.
        const maxHeadSize = near.use ? Math.max(0, input.length + near.delta) : lim.maxHeadSize;
        const options: DecoderOptions = { maxHeadSize, maxFields: lim.maxFields, lenient: { lfOnly } };
        for (const eof of [false, true]) {
          const whole = decode(kind, [input], options, eof);
          expect(decode(kind, byteByByte(input), options, eof)).toEqual(whole);
          expect(decode(kind, splitAt(input, cuts), options, eof)).toEqual(whole);
          if (whole.error?.code === 'EMSGSIZE') {
            expect(['head-too-large', 'too-many-fields']).toContain(whole.error.rule);
            expect(whole.error.offset).toBeGreaterThanOrEqual(0);
            expect(whole.error.offset).toBeLessThan(input.length);
          }
          if (whole.rest !== null) expect(input.length - whole.rest.length).toBeLessThanOrEqual(maxHeadSize);
          // After end() nothing more will come: the head is done or failed, never NEED_DATA.
          if (eof) expect(whole.error !== null || whole.rest !== null).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('caller storage smaller than maxHeadSize is the limit (storage-too-small), however split', () => {
    fc.assert(
      fc.property(headArb(8, 20), fc.uint8Array({ maxLength: 8 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 5 }), cutsArb, (head, tail, size, maxFields, cuts) => {
        const lines = encodeLines(head.events);
        const input = concat(...lines, tail);
        const run = (chunks: Uint8Array[]): Outcome => decode(head.kind, chunks, { storage: new Uint8Array(size), maxFields });
        const whole = run([input]);
        expect(run(byteByByte(input))).toEqual(whole);
        expect(run(splitAt(input, cuts))).toEqual(whole);

        const want = expectedLimit(lines, input.length - tail.length, size, maxFields, 'storage-too-small');
        if (want) {
          expect(whole.error).toMatchObject(want);
        } else {
          expect(whole).toEqual({ events: head.events, error: null, rest: latin1(tail) });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('pipelining: reset() after done', () => {
  const pipeline = fc
    .constantFrom<HeadKind>('request', 'response')
    .chain((kind) => fc.array(headArb(5, 20, kind), { minLength: 1, maxLength: 4 }));

  it('heads back to back decode one after another; each head has its own size limit; the same under every split', () => {
    fc.assert(
      fc.property(pipeline, fc.uint8Array({ maxLength: 16 }), fc.option(fc.integer({ min: 0, max: 300 })), cutsArb, (heads, tail, maxHeadSize, cuts) => {
        const kind = heads[0]!.kind;
        const options: DecoderOptions = maxHeadSize === null ? {} : { maxHeadSize };
        const wires = heads.map((h) => concat(...encodeLines(h.events)));
        const input = concat(...wires, tail);
        const whole = decode(kind, [input], options, false, heads.length);
        expect(decode(kind, byteByByte(input), options, false, heads.length)).toEqual(whole);
        expect(decode(kind, splitAt(input, cuts), options, false, heads.length)).toEqual(whole);

        // The first head longer than the limit fails at its own start + maxHeadSize.
        let start = 0;
        let i = 0;
        while (i < wires.length && (maxHeadSize === null || wires[i]!.length <= maxHeadSize)) start += wires[i++]!.length;
        if (i === wires.length) {
          expect(whole).toEqual({ events: heads.flatMap((h) => h.events), error: null, rest: latin1(tail) });
        } else {
          expect(whole.error).toMatchObject({ code: 'EMSGSIZE', rule: 'head-too-large', offset: start + maxHeadSize! });
          const before = heads.slice(0, i).flatMap((h) => h.events);
          expect(whole.events.slice(0, before.length)).toEqual(before);
        }
      }),
      { numRuns: 300 },
    );
  });
});
