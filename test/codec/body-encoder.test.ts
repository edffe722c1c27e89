// BodyEncoder: the exact bytes per framing, the refusals that keep a body in
// line with its framing, and round trips encoder -> decoder under random data
// splits, random wire splits and random trailers (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyEncoder, type Framing, HeadEncoder } from '../../src/index.ts';
import { runBody } from './body-chunking.ts';
import { bytes, latin1, randomSplit } from './chunking.ts';
import { concat } from '../support/bytes.ts';

const wire = (parts: Uint8Array[]): string => latin1(concat(...parts));
const CHUNKED: Framing = { type: 'chunked' };

function refused(f: () => unknown, code: string, rule: string): void {
  expect(f).toThrow(expect.objectContaining({ name: 'HttpError', code, rule }));
}

describe('BodyEncoder: bytes', () => {
  it('chunked: size line in lowercase hex, the data itself, CRLF; end writes the last chunk', () => {
    const e = new BodyEncoder(CHUNKED);
    const data = bytes('x'.repeat(26));
    const out = e.data(data);
    expect(out.map(latin1)).toEqual(['1a\r\n', 'x'.repeat(26), '\r\n']);
    expect(out[1]).toBe(data); // passed through, not copied
    expect(wire(e.end())).toBe('0\r\n\r\n');
  });

  it('chunked: trailers follow the last chunk, before the final CRLF', () => {
    const e = new BodyEncoder(CHUNKED);
    expect(wire(e.end([['Digest', 'sha-256=abc'], ['X-n', '']]))).toBe('0\r\nDigest: sha-256=abc\r\nX-n: \r\n\r\n');
  });

  it('an empty data() writes nothing in every framing (never a last-chunk)', () => {
    for (const f of [CHUNKED, { type: 'length', length: 1 }, { type: 'close' }, { type: 'none' }, { type: 'upgrade' }] as Framing[]) {
      expect(new BodyEncoder(f).data(new Uint8Array(0))).toEqual([]);
    }
  });

  it('length: the data as given, exactly the declared length', () => {
    const e = new BodyEncoder({ type: 'length', length: 5 });
    const a = bytes('hel');
    expect(e.data(a)[0]).toBe(a);
    expect(wire(e.data(bytes('lo')))).toBe('lo');
    expect(e.end()).toEqual([]);
  });

  it('close: the data as given; end writes nothing', () => {
    const e = new BodyEncoder({ type: 'close' });
    expect(wire(e.data(bytes('abc')))).toBe('abc');
    expect(e.end()).toEqual([]);
  });

  it('none and upgrade: end writes nothing', () => {
    expect(new BodyEncoder({ type: 'none' }).end()).toEqual([]);
    expect(new BodyEncoder({ type: 'upgrade' }).end([])).toEqual([]);
  });
});

describe('BodyEncoder: refusals', () => {
  it('length: more bytes than declared is EINVAL (rule length) and writes nothing', () => {
    const e = new BodyEncoder({ type: 'length', length: 3 });
    e.data(bytes('ab'));
    refused(() => e.data(bytes('cd')), 'EINVAL', 'length');
    expect(wire(e.data(bytes('c')))).toBe('c'); // the refused call changed nothing
    expect(e.end()).toEqual([]);
  });

  it('length: end() before the declared length is EINVAL (rule length); the body can still be finished', () => {
    const e = new BodyEncoder({ type: 'length', length: 2 });
    refused(() => e.end(), 'EINVAL', 'length');
    e.data(bytes('ab'));
    expect(e.end()).toEqual([]);
  });

  it('data for a message without a body is EINVAL (rule no-body)', () => {
    refused(() => new BodyEncoder({ type: 'none' }).data(bytes('x')), 'EINVAL', 'no-body');
    refused(() => new BodyEncoder({ type: 'upgrade' }).data(bytes('x')), 'EINVAL', 'no-body');
  });

  it('trailers outside chunked are EINVAL (rule trailers)', () => {
    for (const f of [{ type: 'length', length: 0 }, { type: 'close' }, { type: 'none' }] as Framing[]) {
      refused(() => new BodyEncoder(f).end([['A', 'b']]), 'EINVAL', 'trailers');
    }
  });

  it('invalid trailer names and values are EINVAL with the head encoder\'s rules, and nothing is written', () => {
    const cases: Array<[string, string, string]> = [
      ['', 'v', 'field-name'],
      ['A B', 'v', 'field-name'],
      ['A:', 'v', 'field-name'],
      ['A', 'a\r\nX: y', 'field-value'],
      ['A', 'a\x00', 'field-value'],
      ['A', ' lead', 'field-value'],
      ['A', '\u0100', 'field-value'],
    ];
    for (const [name, value, rule] of cases) {
      const e = new BodyEncoder(CHUNKED);
      refused(() => e.end([['Ok', '1'], [name, value]]), 'EINVAL', rule);
      expect(wire(e.end([['Ok', '1']]))).toBe('0\r\nOk: 1\r\n\r\n'); // still open after the refusal
    }
    refused(() => new BodyEncoder(CHUNKED).end([['A'] as unknown as [string, string]]), 'EINVAL', 'trailers');
    refused(() => new BodyEncoder(CHUNKED).end('A: b' as unknown as []), 'EINVAL', 'trailers');
  });

  it('anything after end() is EPIPE', () => {
    const e = new BodyEncoder(CHUNKED);
    e.end();
    refused(() => e.data(bytes('x')), 'EPIPE', 'order');
    refused(() => e.data(new Uint8Array(0)), 'EPIPE', 'order');
    refused(() => e.end(), 'EPIPE', 'order');
  });

  it('data() takes a Uint8Array; the framing must be a framing() result', () => {
    refused(() => new BodyEncoder(CHUNKED).data('abc' as unknown as Uint8Array), 'EINVAL', 'bytes');
    refused(() => new BodyEncoder({ type: 'length', length: -2 }), 'EINVAL', 'framing');
  });
});

// ------------------------------------------------------------------ round trips

const tchar = fc.constantFrom(...'!#$%&\'*+-.^_`|~09AZaz'.split(''), 'x', 'Y', '5');
const nameArb = fc.string({ unit: tchar, minLength: 1, maxLength: 8 });
// Field values as the decoder delivers them: field-vchar / SP / HTAB inside, no OWS at the ends.
const vchar = fc.integer({ min: 0, max: 0xff }).filter((c) => c === 0x20 || c === 0x09 || (c >= 0x21 && c !== 0x7f)).map((c) => String.fromCharCode(c));
const valueArb = fc
  .string({ unit: vchar, maxLength: 12 })
  .map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ''));
const trailersArb = fc.array(fc.tuple(nameArb, valueArb), { maxLength: 5 });
const pieceArb = fc.uint8Array({ maxLength: 40 });

describe('BodyEncoder -> BodyDecoder round trips', () => {
  it('chunked: any data pieces (empty ones included) and trailers, under any wire split', () => {
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 8 }), trailersArb, fc.integer({ min: 1, max: 1e6 }), (pieces, trailers, seed) => {
        const e = new BodyEncoder(CHUNKED);
        const out: Uint8Array[] = [];
        for (const p of pieces) out.push(...e.data(p));
        out.push(...e.end(trailers));
        const next = bytes('GET / HTTP/1.1\r\n\r\n');
        const all = concat(...out, next);
        const got = runBody(CHUNKED, randomSplit(all, seed));
        expect(got).toEqual({
          data: latin1(concat(...pieces)),
          trailers: trailers.map(([n, v]) => [n, v]),
          ended: true,
          rest: latin1(next),
          error: null,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('length: the declared length written in any pieces decodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 8 }), fc.integer({ min: 1, max: 1e6 }), (pieces, seed) => {
        const body = concat(...pieces);
        const framing: Framing = { type: 'length', length: body.length };
        const e = new BodyEncoder(framing);
        const out: Uint8Array[] = [];
        for (const p of pieces) out.push(...e.data(p));
        out.push(...e.end());
        const all = concat(...out, bytes('NEXT'));
        expect(runBody(framing, randomSplit(all, seed))).toEqual({ data: latin1(body), trailers: [], ended: true, rest: 'NEXT', error: null });
      }),
      { numRuns: 300 },
    );
  });

  it('the trailer checks are HeadEncoder.field\'s: a trailer is accepted exactly when a head field would be', () => {
    const anyString = fc.string({ unit: fc.integer({ min: 0, max: 0x10f }).map((c) => String.fromCharCode(c)), maxLength: 6 });
    fc.assert(
      fc.property(anyString, anyString, (name, value) => {
        const head = new HeadEncoder();
        head.status(200);
        let headOk = true;
        try {
          head.field(name, value);
        } catch {
          headOk = false;
        }
        let bodyOk = true;
        try {
          new BodyEncoder(CHUNKED).end([[name, value]]);
        } catch {
          bodyOk = false;
        }
        expect(bodyOk).toBe(headOk);
      }),
      { numRuns: 1000 },
    );
  });
});
