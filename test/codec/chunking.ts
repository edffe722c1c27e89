// Run a decoder over the same bytes under every chunking: whole, byte by byte,
// and random splits (a seeded PRNG, so a failure names its split and replays).
import { type DecoderOptions, HeadDecoder, type HeadEvent, type HeadKind, HttpError, NEED_DATA } from '../../src/index.ts';

export interface Outcome {
  events: HeadEvent[];
  error: { code: string; rule: string | undefined; offset: number | undefined } | null;
  /** Bytes past the head when done was reached, as a latin1 string. */
  rest: string | null;
}

/** Bytes from a byte string (one code unit per octet). */
export function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new Error(`not a byte string at ${i}`);
    out[i] = c;
  }
  return out;
}

export function latin1(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

/** Feed `chunks` one at a time, draining events after each; optionally end() at the end. */
export function run(kind: HeadKind, chunks: Uint8Array[], options?: DecoderOptions, eof = false): Outcome {
  const d = new HeadDecoder(kind, options);
  const events: HeadEvent[] = [];
  const drain = (): boolean => {
    for (;;) {
      const ev = d.next();
      if (ev === NEED_DATA) return false;
      events.push(ev);
      if (ev.type === 'done') return true;
    }
  };
  try {
    let done = false;
    for (const c of chunks) {
      d.receive(c);
      if (!done) done = drain();
    }
    if (eof && !done) {
      d.end();
      done = drain();
    }
    return { events, error: null, rest: done ? latin1(d.rest()) : null };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    // Failure is sticky: the same error again.
    let again: unknown;
    try {
      d.next();
    } catch (e2) {
      again = e2;
    }
    if (again !== e) throw new Error(`error not sticky: ${String(again)}`);
    return { events, error: { code: e.code, rule: e.rule, offset: e.offset }, rest: null };
  }
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomSplit(b: Uint8Array, seed: number): Uint8Array[] {
  const rnd = prng(seed);
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < b.length) {
    const n = 1 + Math.floor(rnd() * Math.min(b.length - i, rnd() < 0.5 ? 4 : 64));
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** Every chunking a case runs under, by name. */
export function chunkings(b: Uint8Array, randomRuns = 8): Array<[string, Uint8Array[]]> {
  const list: Array<[string, Uint8Array[]]> = [
    ['whole', [b]],
    ['byte by byte', Array.from(b, (_, i) => b.subarray(i, i + 1))],
  ];
  for (let seed = 1; seed <= randomRuns; seed++) list.push([`random split #${seed}`, randomSplit(b, seed)]);
  return list;
}
