// A peer sending one byte per packet: receive() takes a one-byte chunk on a
// path of its own (HeadMachine.receiveByte), passing over a byte that only
// continues the paused token and letting the scanner take one that only starts
// the next token of a plain field line (Scanner.oneByte). Everything here must
// give exactly what the whole head gives: events, error (code, rule, offset,
// hint), rest(). The byte that ends a token is the interesting one, so the
// cases put every kind of byte after every token, at every limit.
import { describe, expect, it } from 'vitest';
import { type DecoderOptions, HeadDecoder, type HeadEvent, type HeadKind, HttpError, NEED_DATA } from '../../src/index.ts';
import { type FullOutcome, bytes, decodeAll, latin1, prng, run } from './chunking.ts';

/**
 * Feed `chunks`, reading events only after every `every`-th chunk (and after
 * the last): events may wait while bytes arrive.
 */
const feed = (kind: HeadKind, chunks: Uint8Array[], options?: DecoderOptions, every = 1): FullOutcome => decodeAll(kind, chunks, options, false, 1, every);

const oneByOne = (b: Uint8Array): Uint8Array[] => Array.from(b, (_, i) => b.subarray(i, i + 1));

const RL = 'GET / HTTP/1.1\r\n';
const SL = 'HTTP/1.1 200 OK\r\n';

// Heads whose field lines put each kind of byte right after each token.
const HEADS: Array<{ why: string; kind: HeadKind; wire: string; options?: DecoderOptions }> = [
  { why: 'plain fields', kind: 'request', wire: `${RL}Host: a.example\r\nAccept: */*\r\nX-A:b\r\n\r\n` },
  { why: 'OWS runs, HTAB and obs-text in values', kind: 'request', wire: `${RL}A: \t x\ty \r\nB:\t\xe9t\xe9\r\nC:  \r\nD:\r\n\r\n` },
  { why: 'a fold where folds are replaced', kind: 'response', wire: `${SL}X: a\r\n \t b\r\nY: c\r\n\tz \r\n\r\nBODY` },
  { why: 'lfOnly line ends', kind: 'request', wire: 'GET / HTTP/1.1\nA: 1\nB:\t2 \n\n', options: { lenient: { lfOnly: true } } },
  { why: 'the field limit at a name', kind: 'request', wire: `${RL}A: 1\r\nB: 2\r\nC: 3\r\n\r\n`, options: { maxFields: 2 } },
  { why: 'NUL after OWS', kind: 'request', wire: `${RL}X: \t\x00\r\n\r\n` },
  { why: 'DEL as a value\'s first byte', kind: 'request', wire: `${RL}X:\x7f\r\n\r\n` },
  { why: 'a bare LF after OWS', kind: 'request', wire: `${RL}X:  \nY: 1\r\n\r\n` },
  { why: 'a bare CR after a value', kind: 'request', wire: `${RL}X: ab\rY: 1\r\n\r\n` },
  { why: 'CR then not LF as a blank line', kind: 'request', wire: `${RL}X: a\r\n\rZ` },
  { why: 'a non-tchar starting a name', kind: 'request', wire: `${RL}X: a\r\n(: b\r\n\r\n` },
  { why: 'SP between name and colon', kind: 'request', wire: `${RL}Xy : a\r\n\r\n` },
  { why: 'a colon starting a line', kind: 'request', wire: `${RL}: a\r\n\r\n` },
  { why: 'a second colon is value', kind: 'request', wire: `${RL}X:: a:\r\n\r\n` },
  { why: 'whitespace before the first field', kind: 'response', wire: `${SL} X: a\r\n\r\n` },
  { why: 'obs-fold where it is rejected', kind: 'request', wire: `${RL}X: a\r\n b\r\n\r\n` },
  { why: 'a TLS ClientHello', kind: 'request', wire: '\x16\x03\x01\x02\x00\x01' },
  // Request and status lines: every byte goes to scan(), after passed-over tokens.
  { why: 'an HTTP/1.0 request line', kind: 'request', wire: 'POST /a?b=c HTTP/1.0\r\nA: 1\r\n\r\n' },
  { why: 'two SP before the target', kind: 'request', wire: 'GET  / HTTP/1.1\r\n\r\n' },
  { why: 'a non-tchar ending the method', kind: 'request', wire: 'GET\t/ HTTP/1.1\r\n\r\n' },
  { why: 'HTTP/1.2', kind: 'request', wire: 'GET / HTTP/1.2\r\n\r\n' },
  { why: 'a lower-case version', kind: 'request', wire: 'GET / http/1.1\r\n\r\n' },
  { why: 'a three-digit version', kind: 'request', wire: 'GET / HTTP/1.10\r\n\r\n' },
  { why: 'SP after the version', kind: 'request', wire: 'GET / HTTP/1.1 \r\n\r\n' },
  { why: 'a bare LF after the version', kind: 'request', wire: 'GET / HTTP/1.1\nA: 1\n\n' },
  { why: 'a CR then not LF after the version', kind: 'request', wire: 'GET / HTTP/1.1\rA: 1\r\n\r\n' },
  { why: 'a status line', kind: 'response', wire: `${SL}A: 1\r\n\r\n` },
  { why: 'HTTP/2 in a status line', kind: 'response', wire: 'HTTP/2 200 OK\r\n\r\n' },
  { why: 'a status line given to a request decoder', kind: 'request', wire: `${SL}\r\n` },
];

describe('one-byte chunks', () => {
  for (const h of HEADS) {
    it(`${h.why}: the same outcome as the whole head, at every head size limit`, () => {
      const b = bytes(h.wire);
      const limits: Array<number | undefined> = [undefined];
      for (let n = 1; n <= b.length + 1; n++) limits.push(n);
      for (const maxHeadSize of limits) {
        const options = { ...h.options, maxHeadSize };
        const whole = feed(h.kind, [b], options);
        expect({ maxHeadSize, ...feed(h.kind, oneByOne(b), options) }).toEqual({ maxHeadSize, ...whole });
        // end() after the last byte: the same EOF verdict.
        expect(run(h.kind, oneByOne(b), options, true)).toEqual(run(h.kind, [b], options, true));
      }
    });

    it(`${h.why}: the same outcome when events are read only every few bytes`, () => {
      const b = bytes(h.wire);
      const whole = feed(h.kind, [b], h.options);
      for (let every = 2; every <= 7; every++) {
        expect({ every, ...feed(h.kind, oneByOne(b), h.options, every) }).toEqual({ every, ...whole });
      }
    });
  }

  it('receive() alone never changes state (the byte path included): next() does', () => {
    for (const h of HEADS) {
      const d = new HeadDecoder(h.kind, h.options);
      try {
        for (const c of oneByOne(bytes(h.wire))) {
          const before = d.state;
          d.receive(c);
          expect({ why: h.why, state: d.state }).toEqual({ why: h.why, state: before });
          let ev = d.next();
          while (ev !== NEED_DATA && ev.type !== 'done') ev = d.next();
          if (ev !== NEED_DATA) break;
        }
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
      }
    }
  });

  it('an error comes at the byte that causes it, not later', () => {
    const wire = `${RL}X: \t\x00`;
    const d = new HeadDecoder('request');
    for (const c of oneByOne(bytes(wire)).slice(0, -1)) {
      d.receive(c);
      while (d.next() !== NEED_DATA);
    }
    d.receive(bytes('\x00'));
    expect(() => d.next()).toThrow('Invalid byte in field value: byte 0x00 at offset 20');
  });

  it('one-byte chunks after a queued large chunk wait their turn', () => {
    const wire = `${RL}A: ${'a'.repeat(100)}\r\nB: 2\r\n\r\nBODY`;
    const b = bytes(wire);
    const whole = feed('request', [b]);
    for (let cut = 1; cut < b.length - 100; cut += 7) {
      // one byte at a time, then 100 bytes at once (queued, not copied), then one byte at a time again
      const chunks = [...oneByOne(b.subarray(0, cut)), b.subarray(cut, cut + 100), ...oneByOne(b.subarray(cut + 100))];
      for (const every of [1, 3]) expect({ cut, every, ...feed('request', chunks, undefined, every) }).toEqual({ cut, every, ...whole });
    }
  });

  it('a head longer than the work area, one byte at a time, with caller storage too', () => {
    const wire = `${RL}${'X-Long: v\t\xff;'.repeat(150)}\r\nY: ${'b'.repeat(3000)}\r\n\r\nBODY`.replace(/;X/g, '\r\nX');
    const b = bytes(wire);
    for (const options of [{ maxHeadSize: 65536, maxFields: 200 }, { maxHeadSize: 65536, maxFields: 200, storage: new Uint8Array(8192) }]) {
      const whole = feed('request', [b], options);
      expect(whole.error).toBe(null);
      expect(feed('request', oneByOne(b), options)).toEqual(whole);
    }
  });

  it('pipelined heads one byte at a time, reset() after each done, through a caller storage that fills', () => {
    const head = `${RL}${'A: 0123456789\r\n'.repeat(100)}\r\n`;
    const wire = bytes(head.repeat(3));
    for (const options of [{ maxFields: 200 }, { maxFields: 200, storage: new Uint8Array(2048) }]) {
      const d = new HeadDecoder('request', options);
      const heads: HeadEvent[][] = [[]];
      for (const c of oneByOne(wire)) {
        d.receive(c);
        for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
          heads.at(-1)!.push(ev);
          if (ev.type === 'done') {
            d.reset();
            heads.push([]);
          }
        }
      }
      const want = feed('request', [bytes(head)], options).events;
      expect(heads).toEqual([want, want, want, []]);
    }
  });

  it('bytes after the head, one at a time, come back from rest()', () => {
    const d = new HeadDecoder('request');
    for (const c of oneByOne(bytes(`${RL}A: 1\r\n\r\n`))) d.receive(c);
    const events: HeadEvent[] = [];
    for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) events.push(ev);
    expect(events.at(-1)).toEqual({ type: 'done' });
    for (const c of oneByOne(bytes('xyz'))) d.receive(c);
    expect(d.next()).toBe(NEED_DATA);
    expect(latin1(d.rest())).toBe('xyz');
    d.reset();
    for (const c of oneByOne(bytes(`A: 2\r\n\r\n`))) d.receive(c);
    expect(() => d.next()).toThrow(HttpError); // 'xyzA: 2' is not a request line
  });

  it('a one-element array or string is EINVAL (bytes), as any other non-Uint8Array', () => {
    const d = new HeadDecoder('request');
    d.receive(bytes('GET'));
    expect(d.next()).toBe(NEED_DATA);
    for (const bad of [[0x20], 'x', { length: 1, 0: 0x20 }]) {
      let err: unknown;
      try {
        d.receive(bad as unknown as Uint8Array);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).rule).toBe('bytes');
    }
    d.end();
    expect(() => d.receive(bytes('x'))).toThrow('receive() after end()');
  });

  // After a byte that was passed over, the next one-byte chunk takes a shortcut
  // with no checks (decoder.ts #trickleEnd) until any other call runs: these
  // runs put every other call right after such a byte.
  it('mostly one-byte chunks mixed with larger ones, events read at random, EOF, storage and pipelining: the same outcome as the whole head', () => {
    let runs = 0;
    for (const h of HEADS) {
      for (let seed = 1; seed <= 24; seed++) {
        const rnd = prng(seed * 7919 + h.wire.length);
        const heads = seed % 4 === 0 ? 2 : 1;
        const b = bytes(heads === 2 ? h.wire + h.wire : h.wire);
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < b.length; ) {
          const n = rnd() < 0.8 ? 1 : 2 + Math.floor(rnd() * 70);
          chunks.push(b.subarray(i, Math.min(b.length, i + n)));
          i += n;
        }
        const every = 1 + Math.floor(rnd() * 4);
        const eof = rnd() < 0.5;
        const storage = seed % 3 === 0 ? { storage: new Uint8Array(20 + Math.floor(rnd() * 40)) } : {};
        const options = { ...h.options, ...storage, maxHeadSize: seed % 5 === 0 ? 1 + Math.floor(rnd() * b.length) : undefined };
        const want = decodeAll(h.kind, [b], options, eof, heads);
        expect({ why: h.why, seed, ...decodeAll(h.kind, chunks, options, eof, heads, every) }).toEqual({ why: h.why, seed, ...want });
        runs++;
      }
    }
    expect(runs).toBe(HEADS.length * 24);
  });

  it('a bad chunk right after a passed-over byte is EINVAL and changes nothing', () => {
    const d = new HeadDecoder('request');
    for (const c of oneByOne(bytes(`${RL}Host: ab`))) d.receive(c);
    for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) expect(ev.type).toBe('request');
    d.receive(bytes('c')); // passed over: the shortcut is on for the next byte
    for (const bad of [[0x20], 'x', { length: 1, 0: 0x20 }]) {
      expect(() => d.receive(bad as unknown as Uint8Array)).toThrow(HttpError);
    }
    for (const c of oneByOne(bytes('d\r\n\r\n'))) d.receive(c);
    const events: HeadEvent[] = [];
    for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) events.push(ev);
    expect(events).toEqual([{ type: 'field', name: 'Host', value: 'abcd' }, { type: 'done' }]);
  });

  it('one-byte chunks after a large chunk that ended on a line end (the shortcut starts right after its event): the same events, and rest() has the body', () => {
    const d = new HeadDecoder('request');
    const big = bytes(`${RL}A: ${'x'.repeat(60)}\r\n`); // more than a small chunk: queued, then copied in
    d.receive(big);
    const events: HeadEvent[] = [];
    for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) events.push(ev);
    expect(events.map((e) => e.type)).toEqual(['request', 'field']);
    for (const c of oneByOne(bytes('B: 1\r\n\r\nBODY'))) {
      d.receive(c);
      for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) events.push(ev);
    }
    expect(events.slice(2)).toEqual([{ type: 'field', name: 'B', value: '1' }, { type: 'done' }]);
    expect(latin1(d.rest())).toBe('BODY');
  });
});
