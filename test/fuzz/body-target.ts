// The body fuzz target: `checkBody(data)` returns on success and throws
// InvariantError on a violation (the head target's convention, target.ts).
//
// INVARIANT: for ANY input read as a message body by BodyDecoder, under the
// framings chunked (defaults; lenient.lfOnly; limits derived from the input),
// length (a length derived from the input) and close (with EOF),
// 1. the input fed whole, byte by byte and in random splits (split points from
//    a PRNG seeded with a hash of the input, so a failure replays) gives the
//    same outcome: concatenated data, trailers, end, rest(), and the error
//    (code, rule, offset). Nothing but HttpError is thrown; errors are sticky;
//    every data event is a non-empty view of a received chunk (runBody checks).
// 2. An error's offset lies inside the input (EPROTO, EMSGSIZE: 0 <= offset <
//    length, or = 0 for a declared length over maxBodySize) or at its end
//    (ECONNRESET, rule eof, only after end()); its statusHint is 400 (EPROTO,
//    ECONNRESET), 413 or 431 (EMSGSIZE).
// 3. When the body ends, data, the framing bytes and rest() account for every
//    byte: for length, data + rest is the input; for chunked, rest is a suffix.
// 4. A relaxation never changes an accepted body: what the default chunked run
//    accepts, the lfOnly run accepts identically. Limits only cut a run short:
//    the limited run's data is a prefix of the unlimited run's and, unless it
//    failed with EMSGSIZE, the whole outcome is identical.
// 5. An accepted chunked body re-encoded with BodyEncoder (its data in the
//    pieces it arrived in, its trailers) decodes to the same data and trailers.
import { BodyEncoder, type BodyDecoderOptions, type Framing } from '../../src/codec/index.ts';
import { type BodyOutcome, runBody } from '../codec/body-chunking.ts';
import { concat, latin1 } from '../support/bytes.ts';
import { InvariantError, prng, seedOf } from './target.ts';

/** Counters the runner reports; only increased here. */
export const bodyStats = { bodyRuns: 0, bodiesAccepted: 0, bodiesReencoded: 0 };

function violated(message: string): never {
  throw new InvariantError(`body: ${message}`);
}

function splits(data: Uint8Array, rnd: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < data.length) {
    const n = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 4 : 64));
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

const same = (a: BodyOutcome, b: BodyOutcome): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (o: BodyOutcome): string => JSON.stringify(o).slice(0, 300);

/** Run one framing and option set under three feedings; returns the whole-input outcome. */
function feedings(data: Uint8Array, framing: Framing, options: BodyDecoderOptions | undefined, eof: boolean, rnd: () => number): BodyOutcome {
  let whole: BodyOutcome;
  try {
    whole = runBody(framing, data.length > 0 ? [data] : [], options, eof);
    const bytewise = runBody(framing, Array.from(data, (_, i) => data.subarray(i, i + 1)), options, eof);
    const split = runBody(framing, splits(data, rnd), options, eof);
    if (!same(whole, bytewise)) violated(`${framing.type}: byte by byte ${show(bytewise)} != whole ${show(whole)}`);
    if (!same(whole, split)) violated(`${framing.type}: random split ${show(split)} != whole ${show(whole)}`);
  } catch (e) {
    if (e instanceof InvariantError) throw e;
    violated(`${framing.type}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  bodyStats.bodyRuns += 3;
  const err = whole.error;
  if (err !== null) {
    const off = err.offset ?? -1;
    if (err.code === 'ECONNRESET') {
      if (!eof || err.rule !== 'eof' || off !== data.length) violated(`${framing.type}: bad ECONNRESET ${JSON.stringify(err)}`);
    } else if (err.code === 'EPROTO' || err.code === 'EMSGSIZE') {
      if (!(off >= 0 && (off < data.length || (off === 0 && err.rule === 'body-too-large')))) {
        violated(`${framing.type}: offset ${off} outside the input (${data.length} bytes): ${JSON.stringify(err)}`);
      }
    } else violated(`${framing.type}: unexpected error ${JSON.stringify(err)}`);
  } else if (whole.ended) {
    bodyStats.bodiesAccepted++;
    const input = latin1(data);
    if (!input.endsWith(whole.rest!)) violated(`${framing.type}: rest() is not a suffix of the input`);
    if (framing.type === 'length' && whole.data + whole.rest !== input) violated('length: data + rest() is not the input');
  }
  return whole;
}

/** Check every body invariant on `data`; throws InvariantError on a violation. */
export function checkBody(data: Uint8Array): string {
  const seed = seedOf(data);
  const rnd = prng(seed ^ 0x5bd1e995);
  const chunked: Framing = { type: 'chunked' };
  const strict = feedings(data, chunked, undefined, false, rnd);
  const lenient = feedings(data, chunked, { lenient: { lfOnly: true } }, rnd() < 0.5, rnd);
  if (strict.ended && !lenient.error && !same(strict, lenient) && lenient.ended) {
    violated(`lfOnly changed an accepted body: ${show(lenient)} != ${show(strict)}`);
  }
  if (strict.ended && lenient.error) violated(`lfOnly rejected what the default accepts: ${JSON.stringify(lenient.error)}`);
  // Limits derived from the input.
  const limits: BodyDecoderOptions = {
    maxBodySize: seed % Math.max(1, data.length),
    maxChunkExtensions: (seed >>> 8) % 32,
    maxTrailerSize: (seed >>> 13) % 48,
    maxTrailerFields: (seed >>> 19) % 4,
  };
  const limited = feedings(data, chunked, limits, false, rnd);
  if (!strict.data.startsWith(limited.data)) violated(`limits changed the data: ${show(limited)} vs ${show(strict)}`);
  if (limited.error?.code !== 'EMSGSIZE' && !same(limited, strict)) {
    violated(`limits changed more than a cut: ${show(limited)} vs ${show(strict)}`);
  }
  feedings(data, { type: 'length', length: seed % (data.length + 2) }, undefined, rnd() < 0.5, rnd);
  feedings(data, { type: 'close' }, undefined, true, rnd);
  if (strict.ended) reencode(strict);
  const e = strict.error;
  return e ? `${e.code}${e.rule}` : strict.ended ? `end${strict.trailers.length > 0 ? 't' : ''}` : 'wait';
}

/** Property 5: the decoded body, encoded again and decoded, is the same. */
function reencode(o: BodyOutcome): void {
  const enc = new BodyEncoder({ type: 'chunked' });
  const data = Uint8Array.from(o.data, (c) => c.charCodeAt(0));
  let wire: Uint8Array[];
  try {
    wire = [...enc.data(data.subarray(0, data.length >> 1)), ...enc.data(data.subarray(data.length >> 1)), ...enc.end(o.trailers)];
  } catch (e) {
    violated(`BodyEncoder refused a decoded body: ${e instanceof Error ? e.message : String(e)}`);
  }
  const again = runBody({ type: 'chunked' }, [concat(...wire)]);
  if (again.data !== o.data || JSON.stringify(again.trailers) !== JSON.stringify(o.trailers) || !again.ended) {
    violated(`re-encoded body decodes differently: ${show(again)} vs ${show(o)}`);
  }
  bodyStats.bodiesReencoded++;
}
