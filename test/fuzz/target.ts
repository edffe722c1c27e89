// The fuzz target: `fuzz(data)` in the Jazzer.js convention (it returns on
// success and throws on an invariant violation).
//
// INVARIANT: for ANY input, decoded as a request head and as a response head,
// under each of five option sets
//   [0] defaults, [1] `lenient: { lfOnly: true }`, [2] `obsFold` flipped from the
//   kind's default, [3] both, [4] limits derived from the input (`maxHeadSize`,
//   `maxFields`, sometimes `storage`; lfOnly and obsFold as in another active set),
// 1. one HeadDecoder fed the input whole, byte by byte, or in random splits (the
//    split points come from a PRNG seeded with a hash of the input, so every
//    failure replays from the input alone), draining events after each chunk,
//    `reset()` after every `done` (pipelining) and `end()` after the last byte,
//    yields the same heads (events, and the offset where each ends), the same
//    events of the unfinished head, and the same final `HttpError` (code, rule,
//    offset). Nothing else is ever thrown. The run always ends in an error:
//    EPROTO/EMSGSIZE before `end()` with 0 <= offset < length, or ECONNRESET/EPIPE
//    (rule `eof`) after `end()` with offset === length. Errors are sticky, carry a
//    capitalised message without a trailing period, and a `statusHint` exactly for
//    request heads (400/414/431/505; none for EPIPE).
// 2. Bounded work: a run returns fewer events than the input has bytes plus two
//    (a hang inside one call is caught by the runner's watchdog instead).
// 3. `rest()` at every `done` is exactly the bytes received past the head: the
//    suffix data[end, received); `next()` then returns NEED_DATA until `reset()`.
// 4. `parseHead` and `scanHead` on the input from each head's first byte agree
//    with the decoder: the same events (scanHead's spans sliced from the input,
//    folded values unfolded as its doc comment says), the head's length, `null` /
//    -1 where the stream needed more bytes, the same error (offset relative).
// 5. A relaxation never changes an accepted parse: with lfOnly, or obsFold
//    'replace' instead of 'reject', the stricter run's heads are a prefix of the
//    lenient run's, identical, and the lenient run fails no earlier (comparing the
//    byte that decided each error: a bare CR is decided by the byte after it, a
//    status code out of range by its third digit). Limits only cut a run short:
//    the limited run's heads are a prefix of the unlimited one's, and unless it
//    failed with EMSGSIZE its whole outcome is identical.
// 6. Every accepted head re-encoded with HeadEncoder (request/status, field, done)
//    decodes (parseHead, defaults) to the same events. A field whose value the
//    encoder refuses is skipped and counted in `stats.refusedFields` (DESIGN.md
//    expects none: a decoded value is trimmed and holds only field-vchar, SP, HTAB).
// 7. For one input in four (chosen by the input's hash), the decoder's fast path
//    for complete lines and the scanner alone give identical results
//    (./lines-differential.ts states exactly what is compared).
//
// What each call runs is fixed by the input alone (`planFor`, seeded by a hash
// of the input). Per kind, three option sets are active: [0], one of [1]-[3],
// and [4] (whose lfOnly/obsFold copy one of the other two). Each active set gets
// the whole feeding (properties 1-3, 5, 6); property 4 runs in [0] and in one
// more; one random-split and one byte-by-byte feeding run, each in one active set.
// Inputs of at most ALL_FEEDINGS bytes get every check in all five option sets.
// Over many inputs every option set gets every check; one call costs about 16
// decodes.
import {
  type DecoderOptions,
  HeadDecoder,
  HeadEncoder,
  type HeadEvent,
  type HeadKind,
  HttpError,
  NEED_DATA,
  parseHead,
  scanHead,
  spanArrayLength,
} from '../../src/codec/index.ts';
import { concat, prng } from '../support/bytes.ts';
import { compareFastSlow } from './lines-differential.ts';

export { prng };

/** An invariant violation (any other exception escaping a decoder call is reported as one). */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

function violated(message: string): never {
  throw new InvariantError(message);
}

/** Inputs of at most this many bytes are fed in random splits and byte by byte in every option set. */
export const ALL_FEEDINGS = 16;

/** Counters the runner reports; only increased here. */
export const stats = { executions: 0, bytewiseRuns: 0, splitRuns: 0, heads: 0, reencoded: 0, refusedFields: 0 };

const KINDS: readonly HeadKind[] = ['request', 'response'];

interface ErrorSig {
  code: string;
  rule: string;
  offset: number;
}

interface Head {
  events: HeadEvent[];
  start: number;
  end: number;
}

/** One decoder run over the whole input. The run always ends in an error (see the invariant). */
export interface Run {
  heads: Head[];
  partial: HeadEvent[];
  error: ErrorSig;
  /** The error came from the bytes, before `end()`. */
  beforeEnd: boolean;
}

// ----------------------------------------------------------------------- seed

/** FNV-1a over the input: the seed for split points and derived options. */
export function seedOf(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return h >>> 0;
}

/** Split ends for the random feeding: chunks of 1–4, 1–64 or 1–256 bytes, mixed. */
function splitEnds(n: number, rnd: () => number): number[] {
  const ends: number[] = [];
  let i = 0;
  while (i < n) {
    const r = rnd();
    const max = r < 0.45 ? 4 : r < 0.9 ? 64 : 256;
    i = Math.min(n, i + 1 + Math.floor(rnd() * max));
    ends.push(i);
  }
  return ends;
}

interface Config {
  options: DecoderOptions | undefined;
  lfOnly: boolean;
  foldReplace: boolean;
  limited: boolean;
  out: Int32Array;
}

const OUT_DEFAULT = new Int32Array(spanArrayLength());

function fixedConfigs(kind: HeadKind): Config[] {
  const flipped = kind === 'request' ? 'replace' : 'reject';
  const defReplace = kind === 'response';
  const mk = (options: DecoderOptions | undefined, lfOnly: boolean, foldReplace: boolean): Config => ({
    options,
    lfOnly,
    foldReplace,
    limited: false,
    out: OUT_DEFAULT,
  });
  return [
    mk(undefined, false, defReplace),
    mk({ lenient: { lfOnly: true } }, true, defReplace),
    mk({ obsFold: flipped }, false, !defReplace),
    mk({ lenient: { lfOnly: true }, obsFold: flipped }, true, !defReplace),
  ];
}

const FIXED: Record<HeadKind, Config[]> = { request: fixedConfigs('request'), response: fixedConfigs('response') };
const OUT_BY_FIELDS: Int32Array[] = [];

/** Option set [4]: limits derived from the seed, so a failure replays from the input alone. */
function limitedConfig(n: number, rnd: () => number, lfOnly: boolean, foldReplace: boolean): Config {
  const maxHeadSize = Math.floor(rnd() * (n + 8));
  const maxFields = Math.floor(rnd() * 7);
  const options: DecoderOptions = { lenient: { lfOnly }, obsFold: foldReplace ? 'replace' : 'reject', maxHeadSize, maxFields };
  if (rnd() < 0.5) options.storage = new Uint8Array(1 + Math.floor(rnd() * (maxHeadSize + 16)));
  const out = (OUT_BY_FIELDS[maxFields] ??= new Int32Array(spanArrayLength(maxFields)));
  return { options, lfOnly, foldReplace, limited: true, out };
}

// ----------------------------------------------------------------- comparison

function sameEvent(a: HeadEvent, b: HeadEvent): boolean {
  switch (a.type) {
    case 'request':
      return b.type === 'request' && a.method === b.method && a.target === b.target && a.version === b.version;
    case 'status':
      return b.type === 'status' && a.code === b.code && a.reason === b.reason && a.version === b.version;
    case 'field':
      return b.type === 'field' && a.name === b.name && a.value === b.value;
    case 'done':
      return b.type === 'done';
  }
}

export function sameEvents(a: readonly HeadEvent[], b: readonly HeadEvent[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameEvent(a[i]!, b[i]!)) return false;
  return true;
}

function sameError(a: ErrorSig, b: ErrorSig): boolean {
  return a.code === b.code && a.rule === b.rule && a.offset === b.offset;
}

function sameHead(a: Head, b: Head): boolean {
  return a.start === b.start && a.end === b.end && sameEvents(a.events, b.events);
}

function sameRun(a: Run, b: Run): boolean {
  if (a.heads.length !== b.heads.length || a.beforeEnd !== b.beforeEnd) return false;
  for (let i = 0; i < a.heads.length; i++) if (!sameHead(a.heads[i]!, b.heads[i]!)) return false;
  return sameEvents(a.partial, b.partial) && sameError(a.error, b.error);
}

/** A compact description of a run, for violation messages. */
export function describeRun(r: Run): string {
  const heads = r.heads.map((h) => `[${h.start},${h.end}) ${JSON.stringify(h.events)}`).join(' ');
  const e = r.error;
  return `heads: ${heads || 'none'}; partial: ${JSON.stringify(r.partial)}; error: ${e.code} ${e.rule} @${e.offset}${r.beforeEnd ? '' : ' (after end())'}`;
}

function optionsText(c: Config): string {
  const o = c.options;
  if (!o) return 'defaults';
  return JSON.stringify({ ...o, storage: o.storage ? `Uint8Array(${o.storage.length})` : undefined });
}

// -------------------------------------------------------------------- running

const EPROTO_RULES = new Set([
  'method',
  'request-target',
  'http-version',
  'status-code',
  'reason-phrase',
  'field-name',
  'field-value',
  'bare-cr',
  'bare-lf',
  'obs-fold',
  'whitespace-after-start-line',
]);
const EMSGSIZE_RULES = new Set(['head-too-large', 'too-many-fields', 'storage-too-small']);

function checkError(e: HttpError, kind: HeadKind, n: number, beforeEnd: boolean, where: () => string): ErrorSig {
  const { code, rule, offset } = e;
  const why = errorProblem(e, kind, n, beforeEnd);
  if (why !== null) violated(`${where()}: ${why}: ${code} ${String(rule)} @${String(offset)} "${e.message}"`);
  return { code, rule: rule!, offset: offset! };
}

/** What is wrong with a decode error, or null (no closures: this runs on every decode). */
function errorProblem(e: HttpError, kind: HeadKind, n: number, beforeEnd: boolean): string | null {
  const { code, rule, offset } = e;
  if (typeof offset !== 'number' || !Number.isInteger(offset)) return 'error offset is not an integer';
  if (typeof rule !== 'string') return 'error has no rule';
  if (beforeEnd) {
    if (code === 'EPROTO') {
      if (!EPROTO_RULES.has(rule)) return 'unknown EPROTO rule';
    } else if (code === 'EMSGSIZE') {
      if (!EMSGSIZE_RULES.has(rule)) return 'unknown EMSGSIZE rule';
    } else {
      return 'error before end() is not EPROTO or EMSGSIZE';
    }
    if (offset < 0 || offset >= n) return `offset outside the input (length ${n})`;
  } else {
    if (code !== 'ECONNRESET' && code !== 'EPIPE') return 'error after end() is not ECONNRESET or EPIPE';
    if (rule !== 'eof') return 'end() error rule is not eof';
    if (offset !== n) return `end() error offset is not the input length ${n}`;
  }
  const hint = e.statusHint;
  if (kind === 'response' || code === 'EPIPE') {
    if (hint !== undefined) return `statusHint ${hint} where none is due`;
  } else {
    const ok = code === 'EMSGSIZE' ? hint === 414 || hint === 431 : rule === 'http-version' ? hint === 505 : hint === 400;
    if (!ok) return `statusHint ${String(hint)}`;
  }
  const m = e.message;
  const first = m.charCodeAt(0);
  if (!(first >= 0x41 && first <= 0x5a) || m.charCodeAt(m.length - 1) === 0x2e) return 'message is not capitalised or ends in a period';
  return null;
}

/**
 * Feed `data` to a fresh decoder in the chunks `nextEnd` cuts, draining after
 * each; reset() after every done; end() after the last byte.
 */
function runStream(kind: HeadKind, cfg: Config, data: Uint8Array, nextEnd: (fed: number) => number, how: () => string): Run {
  const at = (): string => `${kind}, ${optionsText(cfg)}, ${how()}`;
  const n = data.length;
  const d = new HeadDecoder(kind, cfg.options);
  const heads: Head[] = [];
  let cur: HeadEvent[] = [];
  let start = 0;
  let fed = 0;
  let budget = n + 2;
  let beforeEnd = true;
  const drain = (): void => {
    for (;;) {
      const ev = d.next();
      if (ev === NEED_DATA) return;
      if (--budget < 0) violated(`${at()}: unbounded: more events than input bytes + 2`);
      if (cur.length === 0 && ev.type !== (kind === 'request' ? 'request' : 'status')) {
        violated(`${at()}: a head starts with ${ev.type}`);
      } else if (cur.length > 0 && ev.type !== 'field' && ev.type !== 'done') {
        violated(`${at()}: ${ev.type} inside a head`);
      }
      cur.push(ev);
      if (ev.type !== 'done') continue;
      if (d.state !== 'done') violated(`${at()}: state ${d.state} after done`);
      const rest = d.rest();
      const end = fed - rest.length;
      if (end <= start) violated(`${at()}: rest() of ${rest.length} bytes leaves an empty head at ${start} (received ${fed})`);
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] !== data[end + i]) violated(`${at()}: rest() is not the suffix data[${end}, ${fed}) (byte ${i})`);
      }
      if (d.next() !== NEED_DATA) violated(`${at()}: next() after done is not NEED_DATA`);
      heads.push({ events: cur, start, end });
      start = end;
      cur = [];
      d.reset();
    }
  };
  try {
    while (fed < n) {
      const to = nextEnd(fed);
      d.receive(data.subarray(fed, to));
      fed = to;
      drain();
    }
    beforeEnd = false;
    d.end();
    drain();
  } catch (e) {
    if (e instanceof InvariantError) throw e;
    if (!(e instanceof HttpError)) {
      violated(`${at()}: threw a non-HttpError: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    let again: unknown = null;
    try {
      d.next();
    } catch (e2) {
      again = e2;
    }
    if (again !== e) violated(`${at()}: error not sticky: ${String(again)}`);
    if (d.state !== 'failed') violated(`${at()}: state ${d.state} after an error`);
    const error = checkError(e, kind, n, beforeEnd, at);
    return { heads, partial: cur, error, beforeEnd };
  }
  return violated(`${at()}: no error after end() (state ${d.state})`);
}

function sliceString(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** scanHead's caller-side unfold: each line break and the SP/HTAB after it become one SP, then OWS is trimmed. */
function unfold(raw: string): string {
  return raw.replace(/\r?\n[ \t]*/g, ' ').replace(/^[ \t]+|[ \t]+$/g, '');
}

function spansToEvents(kind: HeadKind, b: Uint8Array, out: Int32Array): HeadEvent[] {
  const version = out[1] === 1 ? '1.1' : '1.0';
  if (out[1] !== 0 && out[1] !== 1) violated(`scanHead: minor version ${out[1]}`);
  const events: HeadEvent[] = [
    kind === 'request'
      ? { type: 'request', method: sliceString(b, out[2]!, out[3]!), target: sliceString(b, out[4]!, out[5]!), version }
      : { type: 'status', code: out[2]!, reason: sliceString(b, out[4]!, out[5]!), version },
  ];
  for (let i = 0, at = 6; i < out[0]!; i++, at += 4) {
    const end = out[at + 3]!;
    const value = end < 0 ? unfold(sliceString(b, out[at + 2]!, ~end)) : sliceString(b, out[at + 2]!, end);
    events.push({ type: 'field', name: sliceString(b, out[at]!, out[at + 1]!), value });
  }
  events.push({ type: 'done' });
  return events;
}

type OneShot = { ok: true; events: HeadEvent[] | null; length: number } | { ok: false; error: ErrorSig };

function caught(e: unknown, where: string): OneShot {
  if (e instanceof HttpError) return { ok: false, error: { code: e.code, rule: String(e.rule), offset: e.offset ?? -1 } };
  return violated(`${where} threw a non-HttpError: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

function viaParse(kind: HeadKind, b: Uint8Array, cfg: Config): OneShot {
  try {
    const events = parseHead(kind, b, cfg.options);
    return { ok: true, events, length: -2 };
  } catch (e) {
    return caught(e, 'parseHead');
  }
}

function viaScan(kind: HeadKind, b: Uint8Array, cfg: Config): OneShot {
  try {
    const length = scanHead(kind, b, cfg.out, cfg.options);
    if (length === -1) return { ok: true, events: null, length };
    if (!(length > 0 && length <= b.length)) violated(`scanHead returned ${length} for ${b.length} bytes`);
    return { ok: true, events: spansToEvents(kind, b, cfg.out), length };
  } catch (e) {
    return caught(e, 'scanHead');
  }
}

/** Property 4: the one-shot entry points against the stream run. */
function checkOneShots(kind: HeadKind, cfg: Config, data: Uint8Array, run: Run, scanLast: boolean): void {
  for (const h of run.heads) {
    const sub = h.start === 0 ? data : data.subarray(h.start);
    const p = viaParse(kind, sub, cfg);
    if (!p.ok || !p.events || !sameEvents(p.events, h.events)) {
      violated(`${kind}, ${optionsText(cfg)}: parseHead from offset ${h.start} gives ${JSON.stringify(p)}, the decoder ${JSON.stringify(h.events)}`);
    }
    const s = viaScan(kind, sub, cfg);
    if (!s.ok || !s.events || s.length !== h.end - h.start || !sameEvents(s.events, h.events)) {
      violated(`${kind}, ${optionsText(cfg)}: scanHead from offset ${h.start} gives ${JSON.stringify(s)}, the decoder ${JSON.stringify(h.events)} (length ${h.end - h.start})`);
    }
  }
  const last = run.heads.length > 0 ? run.heads[run.heads.length - 1]!.end : 0;
  const sub = last === 0 ? data : data.subarray(last);
  const want = run.beforeEnd ? { ...run.error, offset: run.error.offset - last } : null;
  const shots: Array<readonly [string, OneShot]> = [['parseHead', viaParse(kind, sub, cfg)]];
  if (scanLast) shots.push(['scanHead', viaScan(kind, sub, cfg)]);
  for (const [name, got] of shots) {
    const ok = want === null ? got.ok && got.events === null : !got.ok && sameError(got.error, want);
    if (!ok) {
      violated(`${kind}, ${optionsText(cfg)}: ${name} from offset ${last} gives ${JSON.stringify(got)}, the decoder ${want ? JSON.stringify(want) : 'incomplete'}`);
    }
  }
}

/** Property 5: `lenient` relaxes `strict`; `exact` also demands the identical outcome. */
function checkRelaxation(strict: Run, lenient: Run, data: Uint8Array, what: () => string): void {
  const bad = (why: string): never =>
    violated(`${what()}: ${why}.\n  stricter: ${describeRun(strict)}\n  relaxed:  ${describeRun(lenient)}`);
  if (lenient.heads.length < strict.heads.length) bad('the relaxed run accepts fewer heads');
  for (let i = 0; i < strict.heads.length; i++) {
    if (!sameHead(strict.heads[i]!, lenient.heads[i]!)) bad(`head ${i} differs`);
  }
  if (lenient.heads.length === strict.heads.length && decidedAt(lenient.error, data) < decidedAt(strict.error, data)) {
    bad('the relaxed run fails earlier');
  }
}

/**
 * The offset of the byte that decided an error. Two errors are reported before
 * the byte that decides them (README, design notes: "a bare CR is reported at
 * the CR, once the byte after it is seen"): a bare CR (decided by the next byte)
 * and a status code outside 100-599 (reported at its first digit, decided by the
 * third). A limit that cuts in between rightly wins.
 */
function decidedAt(e: ErrorSig, data: Uint8Array): number {
  if (e.rule === 'bare-cr') return e.offset + 1;
  if (e.rule === 'status-code' && isDigit(data[e.offset]) && isDigit(data[e.offset + 1]) && isDigit(data[e.offset + 2])) {
    return e.offset + 2;
  }
  return e.offset;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** Property 6: re-encode each head and decode it again. */
function checkReencode(kind: HeadKind, head: Head): void {
  const e = new HeadEncoder();
  const parts: Uint8Array[] = [];
  const expected: HeadEvent[] = [];
  for (const ev of head.events) {
    try {
      if (ev.type === 'request') parts.push(e.request(ev.method, ev.target, ev.version));
      else if (ev.type === 'status') parts.push(e.status(ev.code, ev.reason, ev.version));
      else if (ev.type === 'field') parts.push(e.field(ev.name, ev.value));
      else parts.push(e.done());
    } catch (err) {
      if (ev.type === 'field' && err instanceof HttpError && err.code === 'EINVAL' && err.rule === 'field-value') {
        stats.refusedFields++;
        continue;
      }
      violated(`re-encode: HeadEncoder refused ${JSON.stringify(ev)}: ${String(err)}`);
    }
    expected.push(ev);
  }
  const wire = concat(...parts);
  let got: HeadEvent[] | null;
  try {
    got = parseHead(kind, wire);
  } catch (err) {
    return violated(`re-encode: ${JSON.stringify(sliceString(wire, 0, wire.length))} fails to decode: ${String(err)}`);
  }
  if (!got || !sameEvents(got, expected)) {
    violated(`re-encode: ${JSON.stringify(sliceString(wire, 0, wire.length))} decodes to ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
  }
  stats.reencoded++;
}

/**
 * Which option sets (indexes into [0] defaults, [1] lfOnly, [2] obsFold flipped,
 * [3] both, [4] limits) one call runs for one kind, and which get which checks.
 */
export interface KindPlan {
  /** The option sets whose whole feeding runs: [0], one of [1]–[3], and [4]. */
  active: number[];
  /** parseHead (and scanHead on every head) in [0] and in this one; scanHead on the last message here only. */
  oneShot: number;
  split: number;
  bytes: number;
}

/**
 * What one call runs, fixed by the input alone (a PRNG seeded with a hash of
 * it). Inputs of at most ALL_FEEDINGS bytes get every check in every option set.
 */
export function planFor(data: Uint8Array): { seed: number; rnd: () => number; kinds: KindPlan[] } {
  const seed = seedOf(data);
  const rnd = prng(seed);
  const pick = (): KindPlan => {
    if (data.length <= ALL_FEEDINGS) return { active: [0, 1, 2, 3, 4], oneShot: -1, split: -1, bytes: -1 };
    const active = [0, 1 + Math.floor(rnd() * 3), 4];
    const one = (from: number[]): number => from[Math.floor(rnd() * from.length)]!;
    return { active, oneShot: one(active.slice(1)), split: one(active), bytes: one(active) };
  };
  return { seed, rnd, kinds: [pick(), pick()] };
}

/** Which line (0, 1, 2, 3 = later) of the input an offset falls on: part of the novelty signature. */
function lineOf(data: Uint8Array, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && line < 3; i++) if (data[i] === 0x0a) line++;
  return line;
}

/** A summary of the outcomes, for the runner's corpus novelty signal. */
export interface Summary {
  /** Per kind: the default options' run. */
  request: Run;
  response: Run;
  /** A short signature of the outcomes (default and second option set, both kinds), for corpus novelty. */
  signature: string;
}

/** Check every invariant on `data`; returns the outcomes. Throws InvariantError. */
export function check(data: Uint8Array): Summary {
  stats.executions++;
  const n = data.length;
  const { rnd, kinds } = planFor(data);
  let signature = '';
  const defaults: Run[] = [];
  for (let kk = 0; kk < 2; kk++) {
    const kind = KINDS[kk]!;
    const plan = kinds[kk]!;
    const all = plan.oneShot < 0;
    const fixed = FIXED[kind];
    // The limits' leniency is that of an active fixed option set, so property 5 can compare them.
    const like = fixed[plan.active[Math.floor(rnd() * (plan.active.length - 1))]!]!;
    const configs = [...fixed, limitedConfig(n, rnd, like.lfOnly, like.foldReplace)];
    const runs: Array<Run | undefined> = [];
    for (const c of plan.active) {
      const cfg = configs[c]!;
      const whole = runStream(kind, cfg, data, () => n, () => 'whole');
      if (all || plan.split === c) {
        const ends = splitEnds(n, rnd);
        let k = 0;
        const split = runStream(kind, cfg, data, () => ends[k++]!, () => `split ${JSON.stringify(ends)}`);
        stats.splitRuns++;
        if (!sameRun(whole, split)) {
          violated(`${kind}, ${optionsText(cfg)}: split ${JSON.stringify(ends)} differs from whole.\n  whole: ${describeRun(whole)}\n  split: ${describeRun(split)}`);
        }
      }
      if (all || plan.bytes === c) {
        const bytes = runStream(kind, cfg, data, (f) => f + 1, () => 'byte by byte');
        stats.bytewiseRuns++;
        if (!sameRun(whole, bytes)) {
          violated(`${kind}, ${optionsText(cfg)}: byte by byte differs from whole.\n  whole: ${describeRun(whole)}\n  bytes: ${describeRun(bytes)}`);
        }
      }
      if (all || c === 0 || c === plan.oneShot) checkOneShots(kind, cfg, data, whole, all || c === plan.oneShot);
      runs[c] = whole;
      const h = whole.heads.length;
      if (c < 4) signature += `${h > 2 ? 2 : h}${whole.error.rule}${c === 0 ? lineOf(data, whole.error.offset) : ''};`;
    }
    // Property 5: every pair of active fixed option sets where one relaxes the other.
    for (const a of plan.active) {
      for (const b of plan.active) {
        const A = configs[a]!;
        const B = configs[b]!;
        if (a === b || a === 4 || b === 4 || A.lfOnly > B.lfOnly || A.foldReplace > B.foldReplace) continue;
        checkRelaxation(runs[a]!, runs[b]!, data, () => `${kind}: ${optionsText(A)} relaxed to ${optionsText(B)}`);
      }
    }
    const lim = configs[4]!;
    const limited = runs[4]!;
    const unlimited = runs[fixed.indexOf(like)]!;
    if (limited.error.code === 'EMSGSIZE') {
      checkRelaxation(limited, unlimited, data, () => `${kind}: limits ${optionsText(lim)}`);
    } else if (!sameRun(limited, unlimited)) {
      violated(`${kind}: limits ${optionsText(lim)} changed an outcome that hit no limit.\n  limited:   ${describeRun(limited)}\n  unlimited: ${describeRun(unlimited)}`);
    }
    // Property 6: the heads of every active fixed option set (the limited run's are a prefix of one of them).
    for (const c of plan.active) {
      if (c === 4) continue;
      for (const head of runs[c]!.heads) checkReencode(kind, head);
      stats.heads += runs[c]!.heads.length;
    }
    defaults.push(runs[0]!);
  }
  return { request: defaults[0]!, response: defaults[1]!, signature };
}

/**
 * The Jazzer.js-style entry point: returns when every invariant holds, throws
 * (InvariantError) when one does not.
 *
 * @example
 * ```ts
 * fuzz(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 * ```
 */
export function fuzz(data: Uint8Array): void {
  check(data);
  if (seedOf(data) % 4 === 0) {
    const differs = compareFastSlow(data);
    if (differs !== null) violated(`fast path and scanner differ: ${differs}`);
  }
}
