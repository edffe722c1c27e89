// The scanner's fast paths (the word-at-a-time value scan, trailing OWS found by
// stepping back from the line end, events made one per next() call) and the
// injectable byte-string decoder must not change a single event or error.
import { describe, expect, it } from 'vitest';
import { type HeadEvent, parseHead, scanHead, setByteStringDecoder, spanArrayLength } from '../../src/index.ts';
import { bytes, chunkings, prng, run } from './chunking.ts';

const VALUE_BYTES = ['a', 'Z', '~', ' ', '\t', '\x80', '\xe9', '\xff', '"', ':', '/', ';', '='];

/** Values of every length 0..48 around the 4-byte word size, with obs-text, HTAB and OWS at the ends. */
function values(seed: number): string[] {
  const rnd = prng(seed);
  const out: string[] = [];
  for (let len = 0; len <= 48; len++) {
    let v = '';
    for (let k = 0; k < len; k++) v += rnd() < 0.8 ? 'x' : VALUE_BYTES[Math.floor(rnd() * VALUE_BYTES.length)]!;
    out.push(v);
  }
  return out;
}

const trim = (v: string) => v.replace(/^[ \t]+|[ \t]+$/g, '');

describe('fast paths', () => {
  it('values of every length, with obs-text, HTAB and OWS, decode the same however they are split', () => {
    for (const seed of [1, 2, 3]) {
      const vs = values(seed);
      const head = `GET /${'p'.repeat(seed * 7)} HTTP/1.1\r\n${vs.map((v, i) => `N${i}: ${v}  \r\n`).join('')}\r\n`;
      const b = bytes(head);
      const want: HeadEvent[] = [
        { type: 'request', method: 'GET', target: `/${'p'.repeat(seed * 7)}`, version: '1.1' },
        ...vs.map((v, i): HeadEvent => ({ type: 'field', name: `N${i}`, value: trim(v) })),
        { type: 'done' },
      ];
      expect(parseHead('request', b)).toEqual(want);
      for (const [how, chunks] of chunkings(b, 4)) {
        expect(run('request', chunks).events, how).toEqual(want);
      }
      const out = new Int32Array(spanArrayLength());
      expect(scanHead('request', b, out)).toBe(b.length);
      for (let i = 0; i < vs.length; i++) {
        const at = 6 + 4 * i;
        expect(head.slice(out[at + 2]!, out[at + 3]!)).toBe(trim(vs[i]!));
      }
    }
  });

  it('a control byte or DEL anywhere in a long value is rejected at its offset', () => {
    for (const bad of ['\x00', '\x01', '\x1f', '\x7f', '\r', '\n']) {
      for (let at = 0; at < 40; at += 3) {
        const v = `${'v'.repeat(at)}${bad}${'w'.repeat(40 - at)}`;
        const head = `GET / HTTP/1.1\r\nX: ${v}\r\n\r\n`;
        const b = bytes(head);
        for (const [how, chunks] of chunkings(b, 2)) {
          const got = run('request', chunks);
          expect(got.error?.code, `${JSON.stringify(bad)} at ${at}, ${how}`).toBe('EPROTO');
          expect(got.error?.offset, how).toBe(bad === '\n' ? head.indexOf('\n', 16) : 19 + at);
        }
      }
    }
  });

  it('names and methods of every length and alignment, with tchar symbols, decode the same however they are split', () => {
    // The word loop passes ALPHA / DIGIT / "-"; the other tchar symbols go through the table.
    const SYMBOLS = "!#$%&'*+.^_`|~";
    const rnd = prng(7);
    for (let lead = 0; lead < 4; lead++) {
      const method = `${'M'.repeat(lead + 1)}${SYMBOLS[lead]}x`;
      const names: string[] = [];
      for (let len = 1; len <= 24; len++) {
        let name = '';
        for (let k = 0; k < len; k++) name += rnd() < 0.85 ? 'aZ9-'[Math.floor(rnd() * 4)]! : SYMBOLS[Math.floor(rnd() * SYMBOLS.length)]!;
        names.push(name);
      }
      const head = `${method} /${'p'.repeat(lead)} HTTP/1.1\r\n${names.map((n, i) => `${n}: v${i}\r\n`).join('')}\r\n`;
      const want: HeadEvent[] = [
        { type: 'request', method, target: `/${'p'.repeat(lead)}`, version: '1.1' },
        ...names.map((name, i): HeadEvent => ({ type: 'field', name, value: `v${i}` })),
        { type: 'done' },
      ];
      const b = bytes(head);
      expect(parseHead('request', b)).toEqual(want);
      for (const [how, chunks] of chunkings(b, 3)) expect(run('request', chunks).events, how).toEqual(want);
    }
  });

  it('a byte that is not tchar anywhere in a name is rejected at its offset', () => {
    for (const bad of ['\x00', '\t', ' ', '"', '(', '/', '@', '[', '{', '\x7f', '\x80', '\xff']) {
      for (let at = 1; at < 14; at++) {
        const name = `${'Ab-9'.repeat(4).slice(0, at)}${bad}rest`;
        const head = `GET / HTTP/1.1\r\n${name}: v\r\n\r\n`;
        const got = run('request', [bytes(head)]);
        expect(got.error, `${JSON.stringify(bad)} at ${at}`).toMatchObject({ code: 'EPROTO', rule: 'field-name', offset: 16 + at });
      }
    }
  });

  it('responses with folds keep their values under the fast paths', () => {
    const head = `HTTP/1.1 200 OK\r\nA: ${'x'.repeat(30)}\r\n  ${'y'.repeat(30)} \r\nB: ${'z'.repeat(30)}\t\r\n\r\n`;
    const want = [
      { type: 'status', code: 200, reason: 'OK', version: '1.1' },
      { type: 'field', name: 'A', value: `${'x'.repeat(30)} ${'y'.repeat(30)}` },
      { type: 'field', name: 'B', value: 'z'.repeat(30) },
      { type: 'done' },
    ];
    for (const [how, chunks] of chunkings(bytes(head), 4)) expect(run('response', chunks).events, how).toEqual(want);
  });
});

describe('setByteStringDecoder', () => {
  it('an injected decoder is used and gives the same events; null restores the portable one', () => {
    const head = bytes('GET /a HTTP/1.1\r\nX: caf\xe9 \xff\r\nY: plain ascii value here\r\n\r\n');
    const want = parseHead('request', head);
    let calls = 0;
    setByteStringDecoder((b, s, e) => {
      calls++;
      return String.fromCharCode(...b.subarray(s, e));
    });
    try {
      expect(parseHead('request', head)).toEqual(want);
      expect(calls).toBeGreaterThan(0);
    } finally {
      setByteStringDecoder(null);
    }
    const before = calls;
    expect(parseHead('request', head)).toEqual(want);
    expect(calls).toBe(before);
  });

  it('a decoder that does not map bytes one to one is refused', () => {
    const utf8 = new TextDecoder();
    expect(() => setByteStringDecoder((b, s, e) => utf8.decode(b.subarray(s, e)))).toThrow(
      expect.objectContaining({ code: 'EINVAL', rule: 'decoder' }),
    );
    expect(() => setByteStringDecoder(42 as never)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});
