// The decoder's fast path for complete lines (src/codec/lines.ts) against the
// scanner alone. The fast path may only accept what the scanner accepts, with
// identical output: for ANY input, as a request and as a response, under
// defaults, lenient.lfOnly, obsFold flipped and small limits, parseHead,
// scanHead and a HeadDecoder fed whole, byte by byte and in a random split
// (then end()) give the same events, spans, head length and error (code, rule,
// offset, statusHint, message) with the fast path on and off.
import {
  type DecoderOptions,
  HeadDecoder,
  type HeadEvent,
  type HeadKind,
  HttpError,
  NEED_DATA,
  parseHead,
  scanHead,
  spanArrayLength,
} from '../../src/codec/index.ts';
import { fastLines } from '../../src/codec/lines.ts';
import { prng } from '../support/bytes.ts';

type ErrorShape = { code: string; rule: string | undefined; offset: number | undefined; hint: number | undefined; message: string };

function shape(e: unknown): ErrorShape {
  if (!(e instanceof HttpError)) throw e;
  return { code: e.code, rule: e.rule, offset: e.offset, hint: e.statusHint, message: e.message };
}

function attempt<T>(f: () => T): { ok: T } | { error: ErrorShape } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: shape(e) };
  }
}

/** Everything one configuration produces for `data`, as one comparable value. */
function outcome(kind: HeadKind, data: Uint8Array, options: DecoderOptions, cuts: number[]): unknown {
  const out = new Int32Array(spanArrayLength(options.maxFields));
  const spans = attempt(() => {
    const len = scanHead(kind, data, out, options);
    return [len, ...out.subarray(0, len < 0 ? 0 : 6 + 4 * out[0]!)];
  });
  const feedings = [[data], Array.from(data, (_, i) => data.subarray(i, i + 1)), split(data, cuts)].map((chunks) => {
    const d = new HeadDecoder(kind, options);
    const events: Array<HeadEvent | string> = [];
    const drain = (): void => {
      for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
        events.push(ev);
        if (ev.type === 'done') {
          events.push(`rest ${d.rest().length}`);
          d.reset();
        }
      }
    };
    const r = attempt(() => {
      for (const c of chunks) {
        d.receive(c);
        drain();
      }
      d.end();
      drain();
    });
    return { events, r };
  });
  return { parse: attempt(() => parseHead(kind, data, options)), spans, feedings };
}

function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of cuts) {
    if (c <= at || c >= data.length) continue;
    out.push(data.subarray(at, c));
    at = c;
  }
  out.push(data.subarray(at));
  return out;
}

/** The option sets compared: defaults, the leniencies, obsFold flipped, and limits inside the input. */
function optionSets(kind: HeadKind, data: Uint8Array, rnd: () => number): DecoderOptions[] {
  const flipped = kind === 'request' ? 'replace' : 'reject';
  return [
    {},
    { lenient: { lfOnly: true } },
    { obsFold: flipped, lenient: { lfOnly: rnd() < 0.5 } },
    { maxHeadSize: 1 + Math.floor(rnd() * (data.length + 2)), maxFields: Math.floor(rnd() * 6), lenient: { lfOnly: rnd() < 0.5 } },
  ];
}

/**
 * Null when the fast path and the scanner alone agree on `data` everywhere;
 * else a description of the first configuration where they differ.
 */
export function compareFastSlow(data: Uint8Array): string | null {
  let seed = 0;
  for (let i = 0; i < data.length; i++) seed = (seed * 31 + data[i]!) | 0;
  const rnd = prng(seed);
  const cuts = Array.from({ length: 6 }, () => Math.floor(rnd() * data.length)).sort((a, b) => a - b);
  for (const kind of ['request', 'response'] as const) {
    for (const options of optionSets(kind, data, rnd)) {
      const fast = JSON.stringify(outcome(kind, data, options, cuts));
      fastLines.on = false;
      let slow: string;
      try {
        slow = JSON.stringify(outcome(kind, data, options, cuts));
      } finally {
        fastLines.on = true;
      }
      if (fast !== slow) return `${kind} ${JSON.stringify(options)}:\n fast ${fast}\n slow ${slow}`;
    }
  }
  return null;
}
