// BodyDecoder against the body corpus (body-corpus.ts): every case whole, byte
// by byte and in random splits must give the same data, trailers, end, rest()
// and error (code, rule, offset from the first body byte). Accepted bodies also
// run with bytes after them (which must come back from rest()) and, for
// chunked, with every proper prefix (which must wait for more, never fail or end).
import { describe, expect, it } from 'vitest';
import { BodyDecoder, type Framing, HttpError, NEED_DATA } from '../../src/index.ts';
import { BODY_CASES, type BodyCase, CHUNKED } from './body-corpus.ts';
import { type BodyOutcome, runBody } from './body-chunking.ts';
import { bytes, chunkings, latin1 } from './chunking.ts';

function expected(c: BodyCase): BodyOutcome {
  if (c.error) return { data: c.data ?? '', trailers: c.trailers ?? [], ended: false, rest: null, error: c.error };
  return { data: c.data ?? '', trailers: c.trailers ?? [], ended: true, rest: c.rest ?? '', error: null };
}

const accepted = BODY_CASES.filter((c) => !c.error);
const rejected = BODY_CASES.filter((c) => c.error);

describe(`body corpus: ${accepted.length} accepted cases, under every chunking`, () => {
  for (const c of accepted) {
    const framing = c.framing ?? CHUNKED;
    it(`${framing.type}: ${c.why}`, () => {
      const wire = bytes(c.wire);
      for (const [name, chunks] of chunkings(wire)) {
        expect(runBody(framing, chunks, c.options, c.eof), name).toEqual(expected(c));
      }
      if (framing.type !== 'close' && !c.eof) {
        // Bytes after the body are the next message's: rest() returns them all.
        const more = bytes(`${c.wire}NEXT\r\n`);
        const want = { ...expected(c), rest: `${c.rest ?? ''}NEXT\r\n` };
        for (const [name, chunks] of chunkings(more, 3)) expect(runBody(framing, chunks, c.options), `${name} + NEXT`).toEqual(want);
      }
    });
  }
});

describe(`body corpus: ${rejected.length} rejected cases, under every chunking`, () => {
  for (const c of rejected) {
    const framing = c.framing ?? CHUNKED;
    const e = c.error!;
    it(`${framing.type}: ${c.why} -> ${e.code} ${e.rule} at ${e.offset}`, () => {
      for (const [name, chunks] of chunkings(bytes(c.wire))) {
        expect(runBody(framing, chunks, c.options, c.eof), name).toEqual(expected(c));
      }
    });
  }
});

describe('body: every proper prefix of an accepted chunked body waits for more', () => {
  for (const c of accepted.filter((c) => (c.framing ?? CHUNKED).type === 'chunked' && c.wire.length < 2000)) {
    it(c.why, () => {
      const wire = bytes(c.wire);
      const end = wire.length - (c.rest ?? '').length;
      for (let n = 0; n < end; n++) {
        const o = runBody(CHUNKED, [wire.subarray(0, n)], c.options);
        expect(o.error, `prefix ${n}`).toBeNull();
        expect(o.ended, `prefix ${n}`).toBe(false);
      }
    });
  }
});

describe('body: errors', () => {
  it('carry a message with the offset and the offending bytes escaped, and a status hint', () => {
    const d = new BodyDecoder(CHUNKED);
    d.receive(bytes('5\r\nhello\r\n1;a=b\x00\r\n'));
    expect(d.next()).toMatchObject({ type: 'data' });
    let err: unknown;
    try {
      d.next();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HttpError);
    const h = err as HttpError;
    expect(h).toMatchObject({ code: 'EPROTO', rule: 'chunk-ext', offset: 15, statusHint: 400 });
    expect(h.message).toBe('Invalid byte after chunk extension value: byte 0x00 at offset 15: "1;a=b\\x00\\r\\n"');
  });

  it('limits are EMSGSIZE with hint 413 (body, extensions) or 431 (trailers)', () => {
    const hint = (f: Framing, wire: string, o: object): number | undefined => {
      const r = new BodyDecoder(f, o);
      r.receive(bytes(wire));
      try {
        while (r.next() !== NEED_DATA);
      } catch (e) {
        return (e as HttpError).statusHint;
      }
      return undefined;
    };
    expect(hint({ type: 'length', length: 2 }, 'ab', { maxBodySize: 1 })).toBe(413);
    expect(hint(CHUNKED, '1;abc\r\n', { maxChunkExtensions: 1 })).toBe(413);
    expect(hint(CHUNKED, '0\r\nA: b\r\n\r\n', { maxTrailerSize: 3 })).toBe(431);
    expect(hint(CHUNKED, '0\r\nA: b\r\n\r\n', { maxTrailerFields: 0 })).toBe(431);
  });

  it('trailer errors name the trailer section and give body offsets', () => {
    const d = new BodyDecoder(CHUNKED);
    d.receive(bytes('0\r\nX : y\r\n\r\n'));
    expect(() => d.next()).toThrow(/in the trailer section at offset 4/);
  });
});

describe('body: API', () => {
  it('data events are views of the received bytes, never copies', () => {
    const wire = bytes('5\r\nhello\r\n0\r\n\r\n');
    const d = new BodyDecoder(CHUNKED);
    d.receive(wire);
    const ev = d.next();
    if (ev === NEED_DATA || ev.type !== 'data') throw new Error('expected data');
    expect(ev.bytes.buffer).toBe(wire.buffer);
    expect(ev.bytes.byteOffset).toBe(3);
    expect(latin1(ev.bytes)).toBe('hello');
    const l = new BodyDecoder({ type: 'length', length: 5 });
    l.receive(wire.subarray(3, 8));
    const whole = l.next();
    if (whole === NEED_DATA || whole.type !== 'data') throw new Error('expected data');
    expect(whole.bytes.buffer).toBe(wire.buffer);
  });

  it('a length body split across chunks gives one data event per chunk, then end', () => {
    const d = new BodyDecoder({ type: 'length', length: 4 });
    d.receive(bytes('ab'));
    expect(d.next()).toMatchObject({ type: 'data' });
    expect(d.next()).toBe(NEED_DATA);
    d.receive(bytes('cdEF'));
    const ev = d.next();
    expect(ev !== NEED_DATA && ev.type === 'data' && latin1(ev.bytes)).toBe('cd');
    expect(d.next()).toEqual({ type: 'end' });
    expect(d.next()).toBe(NEED_DATA);
    expect(latin1(d.rest())).toBe('EF');
    d.receive(bytes('G'));
    expect(latin1(d.rest())).toBe('EFG');
  });

  it('rest() before end is EINVAL; receive() after end() is EINVAL', () => {
    const d = new BodyDecoder({ type: 'length', length: 1 });
    expect(() => d.rest()).toThrow(expect.objectContaining({ code: 'EINVAL', rule: 'rest' }));
    d.end();
    expect(() => d.receive(bytes('x'))).toThrow(expect.objectContaining({ code: 'EINVAL', rule: 'eof' }));
  });

  it('a framing that framing() cannot return is EINVAL (rule framing)', () => {
    for (const f of [{ type: 'length', length: -1 }, { type: 'length', length: 1.5 }, { type: 'length' }, { type: 'gzip' }, null]) {
      expect(() => new BodyDecoder(f as Framing)).toThrow(expect.objectContaining({ code: 'EINVAL', rule: 'framing' }));
    }
  });

  it('bad options are EINVAL, named by the option', () => {
    for (const name of ['maxBodySize', 'maxChunkExtensions', 'maxTrailerSize', 'maxTrailerFields']) {
      expect(() => new BodyDecoder(CHUNKED, { [name]: -1 })).toThrow(expect.objectContaining({ code: 'EINVAL', rule: name }));
    }
  });

  it('a large body arriving in many pieces is O(n): one event per piece of data', () => {
    // 4096 chunks of 256 bytes, each in its own receive() split mid-line.
    const piece = `100\r\n${'z'.repeat(256)}\r\n`;
    const wire = bytes(`${piece.repeat(4096)}0\r\n\r\n`);
    const d = new BodyDecoder(CHUNKED);
    let events = 0;
    let total = 0;
    for (let i = 0; i < wire.length; i += 1000) {
      d.receive(wire.subarray(i, i + 1000));
      for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
        events++;
        if (ev.type === 'data') total += ev.bytes.length;
      }
    }
    expect(total).toBe(4096 * 256);
    expect(events).toBeLessThan(4096 * 2 + wire.length / 1000 + 2);
  });
});
