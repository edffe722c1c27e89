// The byte-level rules in src/codec/chars.ts: each table against the ABNF it
// quotes, and the word-at-a-time predicates against those tables, lane by lane.
import { describe, expect, it } from 'vitest';
import {
  FIELD_VALUE_CHAR,
  OWS_CHAR,
  REASON_CHAR,
  SP_VCHAR,
  TARGET_CHAR,
  TCHAR,
  TOKEN_WORD_CHAR,
  hexByte,
  isDigit,
  isHttpVersion,
  isOws,
  isStatusCode,
  minorVersion,
  outsideSpVchar,
  outsideTokenWord,
  outsideVchar,
  spVcharEnd,
  tokenEnd,
  vcharEnd,
  trimOws,
  versionMatch,
} from '../../src/codec/chars.ts';

const ALL = Array.from({ length: 256 }, (_, b) => b);
const members = (t: Uint8Array): number[] => ALL.filter((b) => t[b] === 1);
const range = (lo: number, hi: number): number[] => ALL.filter((b) => b >= lo && b <= hi);
const codes = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

describe('byte tables', () => {
  it('tchar is the 15 symbols, DIGIT and ALPHA (RFC 9110 §5.6.2)', () => {
    const want = [...codes("!#$%&'*+-.^_`|~"), ...range(0x30, 0x39), ...range(0x41, 0x5a), ...range(0x61, 0x7a)].sort((a, b) => a - b);
    expect(members(TCHAR)).toEqual(want);
  });

  it('the request-target bytes are VCHAR, 0x21-0x7E', () => {
    expect(members(TARGET_CHAR)).toEqual(range(0x21, 0x7e));
  });

  it('a field value (and a reason) holds HTAB, SP, VCHAR and obs-text: no NUL, CR, LF, other CTLs or DEL', () => {
    expect(members(FIELD_VALUE_CHAR)).toEqual([0x09, ...range(0x20, 0x7e), ...range(0x80, 0xff)]);
    expect(REASON_CHAR).toBe(FIELD_VALUE_CHAR);
  });

  it('TOKEN_WORD_CHAR is ALPHA, DIGIT and "-", the part of a token the word loop passes', () => {
    expect(members(TOKEN_WORD_CHAR)).toEqual([0x2d, ...range(0x30, 0x39), ...range(0x41, 0x5a), ...range(0x61, 0x7a)]);
    expect(members(TOKEN_WORD_CHAR).every((b) => TCHAR[b] === 1)).toBe(true);
  });

  it('SP_VCHAR is SP and VCHAR, the part of a value the word loop passes', () => {
    expect(members(SP_VCHAR)).toEqual(range(0x20, 0x7e));
  });

  it('OWS, DIGIT, versions, status codes, hex', () => {
    expect(ALL.filter(isOws)).toEqual([0x09, 0x20]);
    expect(members(OWS_CHAR)).toEqual(ALL.filter(isOws)); // the same rule as a table
    expect(ALL.filter(isDigit)).toEqual(range(0x30, 0x39));
    expect(trimOws(' \t a\xa0b \t')).toBe('a\xa0b');
    expect(trimOws('\xa0')).toBe('\xa0'); // obs-text is not whitespace
    expect([isHttpVersion('1.0'), isHttpVersion('1.1'), isHttpVersion('2.0'), isHttpVersion(1.1)]).toEqual([true, true, false, false]);
    expect([99, 100, 599, 600, 200.5, '200'].map(isStatusCode)).toEqual([false, true, true, false, false, false]);
    expect([hexByte(0x0d), hexByte(0xff), hexByte(0x20ac)]).toEqual(['0x0d', '0xff', '0x20ac']);
  });

  it('versionMatch counts the bytes of HTTP/1.0 or HTTP/1.1, resuming from a partial match', () => {
    const b = (s: string) => Uint8Array.from(codes(`${s}\0`));
    expect(versionMatch(b('HTTP/1.1'), 0, 0)).toBe(8);
    expect(minorVersion(b('HTTP/1.1'), 7)).toBe(1);
    expect(versionMatch(b('HTTP/1.0'), 0, 0)).toBe(8);
    expect(versionMatch(b('HTTP/1.2'), 0, 0)).toBe(7);
    expect(versionMatch(b('http/1.1'), 0, 0)).toBe(0);
    expect(versionMatch(b('HTT'), 0, 0)).toBe(3); // stops at the 0 after the data
    expect(versionMatch(b('P/1.1'), 0, 3)).toBe(8); // "HTT" matched before
  });

  it('versionMatch counts the same with the whole prefix at once as byte by byte: a wrong byte at each place, at any offset', () => {
    const v = 'HTTP/1.1';
    for (let at = 0; at < 4; at++) {
      for (let bad = 0; bad < v.length; bad++) {
        const s = `${'x'.repeat(at)}${v.slice(0, bad)}?${v.slice(bad + 1)}\0`;
        expect(versionMatch(Uint8Array.from(codes(s)), at, 0)).toBe(bad);
        // Resumed after k bytes matched (the scanner's S_VERSION state): the byte loop alone.
        for (let k = 1; k <= bad; k++) expect(versionMatch(Uint8Array.from(codes(s)), at + k, k)).toBe(bad);
      }
      expect(versionMatch(Uint8Array.from(codes(`${'x'.repeat(at)}HTTP/1.0\0`)), at, 0)).toBe(8);
    }
  });
});

/** The int32 an Int32Array reads from these four bytes (the platform's byte order). */
function word(lanes: number[]): number {
  return new Int32Array(Uint8Array.from(lanes).buffer)[0]!;
}
const LITTLE_ENDIAN = word([1, 0, 0, 0]) === 1;

// Each predicate with the table it stands for: non-zero exactly when a lane is outside it.
const PREDICATES: Array<[string, (w: number) => number, Uint8Array, number[]]> = [
  ['outsideSpVchar', outsideSpVchar, SP_VCHAR, [0x20, 0x41, 0x7e, 0x30]],
  ['outsideVchar', outsideVchar, TARGET_CHAR, [0x21, 0x41, 0x7e, 0x2f]],
  ['outsideTokenWord', outsideTokenWord, TOKEN_WORD_CHAR, [0x41, 0x7a, 0x2d, 0x39]],
];

describe('word-at-a-time predicates, lane by lane against the tables', () => {
  for (const [name, pred, table, fillers] of PREDICATES) {
    it(`${name}: every byte in every lane, the other lanes good`, () => {
      for (const fill of fillers) {
        for (let lane = 0; lane < 4; lane++) {
          for (let b = 0; b < 256; b++) {
            const lanes = [fill, fill, fill, fill];
            lanes[lane] = b;
            const flagged = pred(word(lanes)) !== 0;
            if (flagged !== !table[b]) expect({ lane, byte: b, fill, flagged }).toEqual({ lane, byte: b, fill, flagged: !table[b] });
          }
        }
      }
    });

    it(`${name}: every pair of bytes in every pair of lanes (borrows and carries never mislead)`, () => {
      let bad = 0;
      for (let l1 = 0; l1 < 4; l1++) {
        for (let l2 = l1 + 1; l2 < 4; l2++) {
          for (let a = 0; a < 256; a++) {
            for (let b = 0; b < 256; b++) {
              const lanes = [fillers[0]!, fillers[1]!, fillers[2]!, fillers[3]!];
              lanes[l1] = a;
              lanes[l2] = b;
              if ((pred(word(lanes)) !== 0) !== (!table[a] || !table[b])) bad++;
            }
          }
        }
      }
      expect(bad).toBe(0);
    });

    // Byte order decides which lane is first in memory; every platform headwire runs on is little-endian.
    if (LITTLE_ENDIAN) it(`${name}: the lowest flagged lane is the first bad byte (little-endian)`, () => {
      for (let first = 0; first < 4; first++) {
        for (const b of [0x00, 0x09, 0x0d, 0x20, 0x7f, 0x80, 0xff]) {
          if (table[b]) continue;
          const lanes = [fillers[0]!, fillers[1]!, fillers[2]!, fillers[3]!];
          lanes[first] = b;
          for (let later = first + 1; later < 4; later++) lanes[later] = 0xff; // bad too, after it
          const flags = pred(word(lanes));
          const lowest = Math.clz32(flags & -flags) ^ 31; // index of the lowest set bit
          expect({ first, b, lane: lowest >> 3 }).toEqual({ first, b, lane: first });
        }
      }
    });
  }
});

// The run ends against a byte loop over the table, for every start (every
// alignment), every run length and every byte that can end a run, with any
// bytes before the start (they must not count) and a work area that does not
// end on a whole word (the last bytes then go through the table).
const RUNS: Array<[string, (u8: Uint8Array, i32: Int32Array, i: number) => number, Uint8Array, number[]]> = [
  ['tokenEnd', tokenEnd, TCHAR, [0x41, 0x7a, 0x2d, 0x39, 0x5f, 0x7e, 0x21]],
  ['vcharEnd', vcharEnd, TARGET_CHAR, [0x21, 0x41, 0x7e, 0x2f, 0x3a]],
  ['spVcharEnd', spVcharEnd, SP_VCHAR, [0x20, 0x41, 0x7e, 0x30, 0x22]],
];

describe('run ends, word at a time, against the tables', () => {
  for (const [name, end, table, good] of RUNS) {
    it(`${name}: every start, length and ending byte`, () => {
      const enders = [0x00, 0x09, 0x0d, 0x0a, 0x20, 0x3a, 0x7f, 0x80, 0xe9, 0xff].filter((b) => !table[b]);
      let bad = 0;
      for (const size of [24, 26]) {
        const buf = new ArrayBuffer(size);
        const u8 = new Uint8Array(buf);
        const i32 = new Int32Array(buf, 0, size >> 2);
        for (let start = 0; start < size - 1; start++) {
          for (let len = 0; start + len < size; len++) {
            for (const ender of enders) {
              for (const before of [0x0d, 0x09, 0x41, 0xff]) {
                u8.fill(before, 0, start);
                for (let k = 0; k < len; k++) u8[start + k] = good[(start + k) % good.length]!;
                u8[start + len] = ender;
                u8.fill(0x80, start + len + 1); // after the end: never looked at
                let want = start;
                while (want < size && table[u8[want]!]) want++;
                if (end(u8, i32, start) !== want) bad++;
              }
            }
          }
        }
      }
      expect(bad).toBe(0);
    });
  }
});
