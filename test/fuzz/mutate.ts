// The runner's mutator: libFuzzer-style byte mutations plus a dictionary of
// HTTP tokens, deterministic for a given PRNG. Mutated inputs are kept small:
// anything over MAX_LEN is cut back to it (with probability KEEP_LONG it may
// stay up to HARD_MAX_LEN), so most executions see heads of at most 512 bytes.
import { concat, prng } from '../support/bytes.ts';

export const MAX_LEN = 512;
export const HARD_MAX_LEN = 8192;
const KEEP_LONG = 0.05;

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Tokens the mutator inserts or overwrites with (the brief's list, plus a few neighbours). */
export const DICTIONARY: readonly Uint8Array[] = [
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '\x00',
  ':',
  'Transfer-Encoding',
  'Content-Length',
  'chunked',
  'HTTP/1.1',
  'HTTP/1.0',
  'GET ',
  '\r\n ',
  '\x7f',
  '\xff',
  // neighbours: the rest of the grammar's landmarks
  '\r\n\r\n',
  '\n ',
  '\r\n\t',
  ': ',
  'Host',
  'HTTP/',
  ' 200 ',
  ' 1',
  'HTTP/2.0',
  'PRI * HTTP/2.0',
  'CONNECT ',
  '0',
  '9',
  '\x80',
  '\x01',
  // chunked bodies: sizes, extensions, terminators, the last chunk
  ';',
  '=',
  '"',
  '\\',
  '0\r\n\r\n',
  '\r\n0\r\n',
  'ffffffffffffffff',
  '1fffffffffffff',
  ';a=b',
  ' ;',
].map(latin1);

export type Mutation =
  | 'bit-flip'
  | 'byte-set'
  | 'byte-insert'
  | 'byte-delete'
  | 'range-delete'
  | 'range-duplicate'
  | 'chunk-repeat'
  | 'splice'
  | 'dict-insert'
  | 'dict-overwrite'
  | 'line-swap';

export const MUTATIONS: readonly Mutation[] = [
  'bit-flip',
  'byte-set',
  'byte-insert',
  'byte-delete',
  'range-delete',
  'range-duplicate',
  'chunk-repeat',
  'splice',
  'dict-insert',
  'dict-overwrite',
  'line-swap',
];

/** Interesting single bytes for byte-set / byte-insert. */
const BYTES = latin1('\r\n \t\x00:/.-_\x7f\x80\xff\x0b\x0c\x01HTPh1 09aZ;,"=');

export class Mutator {
  readonly #rnd: () => number;

  constructor(seed: number) {
    this.#rnd = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.#rnd() * n);
  }

  chance(p: number): boolean {
    return this.#rnd() < p;
  }

  #byte(): number {
    return this.chance(0.5) ? BYTES[this.int(BYTES.length)]! : this.int(256);
  }

  /** Apply 1–5 stacked mutations to `base`; `other` supplies splice partners. */
  mutate(base: Uint8Array, other: () => Uint8Array): Uint8Array {
    let b = base;
    const n = 1 + (this.chance(0.5) ? 0 : this.int(5));
    for (let k = 0; k < n; k++) b = this.once(b, MUTATIONS[this.int(MUTATIONS.length)]!, other);
    if (b.length > MAX_LEN && !(b.length <= HARD_MAX_LEN && this.chance(KEEP_LONG))) b = b.slice(0, MAX_LEN);
    return b;
  }

  once(b: Uint8Array, m: Mutation, other: () => Uint8Array): Uint8Array {
    const n = b.length;
    switch (m) {
      case 'bit-flip': {
        if (n === 0) return b;
        const out = b.slice();
        out[this.int(n)]! ^= 1 << this.int(8);
        return out;
      }
      case 'byte-set': {
        if (n === 0) return b;
        const out = b.slice();
        out[this.int(n)] = this.#byte();
        return out;
      }
      case 'byte-insert':
        return insert(b, this.int(n + 1), Uint8Array.of(this.#byte()));
      case 'byte-delete': {
        if (n === 0) return b;
        const at = this.int(n);
        return concat(b.subarray(0, at), b.subarray(at + 1));
      }
      case 'range-delete': {
        if (n === 0) return b;
        const at = this.int(n);
        const len = 1 + this.int(Math.min(32, n - at));
        return concat(b.subarray(0, at), b.subarray(at + len));
      }
      case 'range-duplicate': {
        if (n === 0) return b;
        const at = this.int(n);
        const len = 1 + this.int(Math.min(64, n - at));
        return insert(b, this.int(n + 1), b.slice(at, at + len));
      }
      case 'chunk-repeat': {
        // A line-sized piece repeated: many fields, long values, runs of CRLF.
        if (n === 0) return b;
        const at = this.int(n);
        const len = 1 + this.int(Math.min(40, n - at));
        const times = 2 + this.int(this.chance(0.1) ? 120 : 8);
        const piece = b.subarray(at, at + len);
        const rep = new Uint8Array(len * times);
        for (let t = 0; t < times; t++) rep.set(piece, t * len);
        return insert(b, at, rep);
      }
      case 'splice': {
        const o = other();
        const cut = this.int(n + 1);
        const from = this.int(o.length + 1);
        return concat(b.subarray(0, cut), o.subarray(from));
      }
      case 'dict-insert':
        return insert(b, this.int(n + 1), DICTIONARY[this.int(DICTIONARY.length)]!);
      case 'dict-overwrite': {
        const t = DICTIONARY[this.int(DICTIONARY.length)]!;
        if (n < t.length) return insert(b, this.int(n + 1), t);
        const out = b.slice();
        out.set(t, this.int(n - t.length + 1));
        return out;
      }
      case 'line-swap': {
        // Swap two lines (split at LF): moves fields before the start line and the like.
        const lines: Uint8Array[] = [];
        let s = 0;
        for (let i = 0; i < n; i++) {
          if (b[i] === 0x0a) {
            lines.push(b.subarray(s, i + 1));
            s = i + 1;
          }
        }
        if (s < n) lines.push(b.subarray(s));
        if (lines.length < 2) return b;
        const i = this.int(lines.length);
        const j = this.int(lines.length);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        return concat(...lines);
      }
    }
  }
}

function insert(b: Uint8Array, at: number, piece: Uint8Array): Uint8Array {
  return concat(b.subarray(0, at), piece, b.subarray(at));
}

