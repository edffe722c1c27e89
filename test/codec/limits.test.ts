// Limits at exactly N and N+1, under every chunking: the same bytes give the
// same verdict however they are split, because limits count the whole head.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FIELDS, DEFAULT_MAX_HEAD_SIZE, HeadDecoder, HttpError, NEED_DATA } from '../../src/index.ts';
import { bytes, chunkings, latin1, run } from './chunking.ts';

/** A request head of exactly `size` bytes (size >= 23), padded in one field value. */
function headOfSize(size: number, prefix = ''): string {
  const fixed = `${prefix}GET / HTTP/1.1\r\nX: \r\n\r\n`;
  return `${prefix}GET / HTTP/1.1\r\nX: ${'a'.repeat(size - fixed.length)}\r\n\r\n`;
}

function fieldsHead(n: number): string {
  let s = 'GET / HTTP/1.1\r\n';
  for (let i = 0; i < n; i++) s += `F${i}: v\r\n`;
  return `${s}\r\n`;
}

function everyChunking(wire: string, options: Parameters<typeof run>[2]) {
  const b = bytes(wire);
  const outcomes = chunkings(b, 4).map(([how, chunks]) => ({ how, ...run('request', chunks, options) }));
  for (const o of outcomes) expect({ ...o, how: '' }).toEqual({ ...outcomes[0]!, how: '' });
  return outcomes[0]!;
}

describe('maxHeadSize', () => {
  it('defaults to 16384 and maxFields to 100', () => {
    expect(DEFAULT_MAX_HEAD_SIZE).toBe(16384);
    expect(DEFAULT_MAX_FIELDS).toBe(100);
    expect(everyChunking(headOfSize(16384), {}).error).toBe(null);
    expect(everyChunking(headOfSize(16385), {}).error).toEqual({ code: 'EMSGSIZE', rule: 'head-too-large', offset: 16384 });
  });

  for (const n of [26, 64, 100]) {
    it(`a head of exactly ${n} bytes passes maxHeadSize ${n}; ${n + 1} bytes fail at offset ${n}`, () => {
      const ok = everyChunking(headOfSize(n), { maxHeadSize: n });
      expect(ok.error).toBe(null);
      expect(ok.events.at(-1)).toEqual({ type: 'done' });
      expect(everyChunking(headOfSize(n + 1), { maxHeadSize: n }).error).toEqual({
        code: 'EMSGSIZE',
        rule: 'head-too-large',
        offset: n,
      });
    });
  }

  it('bytes after a head of exactly N are not counted', () => {
    const o = everyChunking(`${headOfSize(40)}BODY`, { maxHeadSize: 40 });
    expect(o.error).toBe(null);
    expect(o.rest).toBe('BODY');
  });

  it('empty lines before the start line count toward the limit', () => {
    expect(everyChunking(headOfSize(40, '\r\n\r\n'), { maxHeadSize: 40 }).error).toBe(null);
    expect(everyChunking(headOfSize(41, '\r\n\r\n'), { maxHeadSize: 40 }).error?.offset).toBe(40);
  });

  it('a line that never ends fails as soon as byte N+1 arrives, not at a line end', () => {
    const wire = `GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}`;
    expect(everyChunking(wire.slice(0, 50), { maxHeadSize: 50 }).error).toBe(null);
    expect(everyChunking(wire.slice(0, 51), { maxHeadSize: 50 }).error).toEqual({
      code: 'EMSGSIZE',
      rule: 'head-too-large',
      offset: 50,
    });
  });

  it('a grammar error before the limit is reported, not the limit', () => {
    const wire = `GET / HTTP/1.1\r\nX: a\x00${'a'.repeat(100)}`;
    expect(everyChunking(wire, { maxHeadSize: 50 }).error).toEqual({ code: 'EPROTO', rule: 'field-value', offset: 20 });
  });

  it('hints 414 when the request line alone passes the limit, 431 otherwise', () => {
    const hint = (wire: string): number | undefined => {
      try {
        const d = new HeadDecoder('request', { maxHeadSize: 32 });
        d.receive(bytes(wire));
        while (d.next() !== NEED_DATA);
      } catch (e) {
        return (e as HttpError).statusHint;
      }
      return undefined;
    };
    expect(hint(`GET /${'a'.repeat(40)} HTTP/1.1\r\n\r\n`)).toBe(414);
    expect(hint(`GET / HTTP/1.1\r\nX: ${'a'.repeat(40)}\r\n\r\n`)).toBe(431);
  });
});

describe('maxFields', () => {
  for (const n of [0, 1, 5]) {
    it(`${n} fields pass maxFields ${n}; field ${n + 1} fails at its first byte`, () => {
      const ok = everyChunking(fieldsHead(n), { maxFields: n });
      expect(ok.error).toBe(null);
      expect(ok.events.filter((e) => e.type === 'field')).toHaveLength(n);
      const wire = fieldsHead(n + 1);
      const at = wire.indexOf(`F${n}:`);
      const bad = everyChunking(wire, { maxFields: n });
      expect(bad.error).toEqual({ code: 'EMSGSIZE', rule: 'too-many-fields', offset: at });
      expect(bad.events.filter((e) => e.type === 'field')).toHaveLength(n);
    });
  }

  it('defaults to 100', () => {
    expect(everyChunking(fieldsHead(100), {}).error).toBe(null);
    expect(everyChunking(fieldsHead(101), {}).error?.rule).toBe('too-many-fields');
  });
});

describe('storage (the http_attach_mem case)', () => {
  it('a head that fits exactly is decoded under every chunking, through the storage', () => {
    const wire = headOfSize(60);
    for (const [how, chunks] of chunkings(bytes(wire), 4)) {
      const storage = new Uint8Array(60);
      const o = run('request', chunks, { storage });
      expect({ how, error: o.error, rest: o.rest }).toEqual({ how, error: null, rest: '' });
      expect(o.events[1]).toEqual({ type: 'field', name: 'X', value: 'a'.repeat(60 - 23) });
      if (how === 'byte by byte') {
        // Lines split across chunks were gathered in the caller's buffer.
        expect(latin1(storage)).toContain('\r\n');
      }
    }
  });

  it('a head one byte longer than the storage is EMSGSIZE at every chunking, even when whole', () => {
    const o = everyChunking(headOfSize(61), { storage: new Uint8Array(60) });
    expect(o.error).toEqual({ code: 'EMSGSIZE', rule: 'storage-too-small', offset: 60 });
  });

  it('storage larger than maxHeadSize leaves maxHeadSize in charge', () => {
    const o = everyChunking(headOfSize(41), { storage: new Uint8Array(1000), maxHeadSize: 40 });
    expect(o.error?.rule).toBe('head-too-large');
  });

  it('the same storage serves message after message on one connection', () => {
    const storage = new Uint8Array(64);
    const d = new HeadDecoder('request', { storage });
    const wire = bytes(`${headOfSize(40)}${headOfSize(50)}`);
    for (let i = 0; i < wire.length; i++) d.receive(wire.subarray(i, i + 1));
    for (const size of [40, 50]) {
      const events = [];
      for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
        events.push(ev);
        if (ev.type === 'done') break;
      }
      expect(events[1]).toEqual({ type: 'field', name: 'X', value: 'a'.repeat(size - 23) });
      d.reset();
    }
  });

  it('rejects a storage that is not a Uint8Array', () => {
    expect(() => new HeadDecoder('request', { storage: [] as unknown as Uint8Array })).toThrow(HttpError);
  });
});

describe('limits and EOF', () => {
  it('a head cut off at exactly maxHeadSize, then EOF, is ECONNRESET, not NEED_DATA forever', () => {
    const wire = bytes(headOfSize(40).slice(0, 30));
    for (const [how, chunks] of chunkings(wire, 4)) {
      expect({ how, error: run('request', chunks, { maxHeadSize: 30 }, true).error }).toEqual({
        how,
        error: { code: 'ECONNRESET', rule: 'eof', offset: 30 },
      });
    }
  });

  it('a request line whose CR sits at the limit and LF past it still hints 414', () => {
    const d = new HeadDecoder('request', { maxHeadSize: 18 });
    d.receive(bytes('GET /abc HTTP/1.1\r\nHost: a\r\n\r\n'));
    expect(() => d.next()).toThrow(expect.objectContaining({ code: 'EMSGSIZE', offset: 18, statusHint: 414 }));
  });
});
