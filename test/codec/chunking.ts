// Run a decoder over the same bytes under every chunking: whole, byte by byte,
// and random splits (a seeded PRNG, so a failure names its split and replays).
import { type DecoderOptions, HeadDecoder, type HeadEvent, type HeadKind, HttpError, NEED_DATA } from '../../src/index.ts';
import { bytes, latin1, prng } from '../support/bytes.ts';

export { bytes, latin1, prng };

export interface Outcome {
  events: HeadEvent[];
  error: { code: string; rule: string | undefined; offset: number | undefined } | null;
  /** Bytes past the head when done was reached, as a latin1 string. */
  rest: string | null;
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
    expectSticky(d, e);
    return { events, error: { code: e.code, rule: e.rule, offset: e.offset }, rest: null };
  }
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

/** What decodeAll() saw: the error with its status hint (the message is left out: its excerpt depends on the chunking). */
export interface FullOutcome {
  events: HeadEvent[];
  error: { code: string; rule: string | undefined; offset: number | undefined; statusHint: number | undefined } | null;
  /** rest() as a byte string when 'done' was reached, else null. */
  rest: string | null;
}

/**
 * Run a decoder over `chunks`: receive each chunk, reading events until
 * NEED_DATA or 'done' after every `every`-th chunk and after the last (events
 * may wait while bytes arrive; chunks after 'done' are still received: rest()
 * must return them). With `eof`, end() is called after the last chunk. With
 * `heads` > 1, reset() follows each 'done' but the last (pipelining). An
 * HttpError is captured (and must be sticky); any other exception propagates.
 */
export function decodeAll(kind: HeadKind, chunks: Uint8Array[], options?: DecoderOptions, eof = false, heads = 1, every = 1): FullOutcome {
  const d = new HeadDecoder(kind, options);
  const events: HeadEvent[] = [];
  let seen = 0;
  let done = false;
  const drain = (): void => {
    while (!done) {
      const ev = d.next();
      if (ev === NEED_DATA) return;
      events.push(ev);
      if (ev.type !== 'done') continue;
      if (++seen === heads) done = true;
      else d.reset(); // keep-alive: the next head starts right after this one
    }
  };
  try {
    chunks.forEach((c, k) => {
      d.receive(c);
      if ((k + 1) % every === 0) drain();
    });
    if (chunks.length % every !== 0) drain();
    if (eof) {
      d.end();
      drain();
    }
    if (done && d.next() !== NEED_DATA) throw new Error('next() after done must be NEED_DATA until reset()');
    return { events, error: null, rest: done ? latin1(d.rest()) : null };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    expectSticky(d, e);
    return { events, error: { code: e.code, rule: e.rule, offset: e.offset, statusHint: e.statusHint }, rest: null };
  }
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

/** Failure is sticky: the next `next()` throws the very same error. */
export function expectSticky(d: { next(): unknown }, e: HttpError): void {
  let again: unknown;
  try {
    d.next();
  } catch (e2) {
    again = e2;
  }
  if (again !== e) throw new Error(`error not sticky: ${String(again)}`);
}
