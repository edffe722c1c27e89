// How far the decoding technique goes on this machine, without headwire's
// contract: a stripped prototype of the same design (the head copied into an
// aligned buffer with a 0 stop byte after it, four bytes per step through an
// Int32Array, one latin1Slice per head, then `slice` per piece) measured
// against Node's native llhttp and headwire's parseHead in one process, rounds
// interleaved, median of the per-round ratios. The prototype has no size or
// field limits, no error offsets or messages, no leniencies, no obs-fold and
// no request-target or version edge cases: it only accepts the plain request
// heads below, so it shows the ceiling for them, not a parser to use.
//
//   npm run build && node bench/ceiling.mjs     # about 30 s
//
// docs/benchmark.md ("Fourth pass") reports a run of it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseHead } from '../dist/node.js';

const require = createRequire(import.meta.url);
const { HTTPParser } = require('_http_common');
const INPUTS = ['a_pico_bench', 'b_minimal', 'c_browser', 'e_large100']; // the request heads
const ROUNDS = 11;

// ---------------------------------------------------------------- the prototype
const latin1Slice = Buffer.prototype.latin1Slice;
const table = (test) => Uint8Array.from({ length: 256 }, (_, b) => (test(b) ? 1 : 0));
const isTchar = (b) => /[0-9A-Za-z!#$%&'*+\-.^_`|~]/.test(String.fromCharCode(b));
const tchar = table(isTchar);
const work = new Uint8Array(65536);
const words = new Int32Array(work.buffer);
// A lane outside lo-0x7E sets its top bit; a lane outside ALPHA / DIGIT / "-" leaves it clear in `ok`.
const badPrintable = (w, lows) => ((w - lows) | (w + 0x01010101) | w) & 0x80808080;
const badName = (w) => {
  const t = w & 0x7f7f7f7f;
  const l = t | 0x20202020;
  const ok = ((l + 0x1f1f1f1f) & ~(l + 0x05050505)) | ((t + 0x50505050) & ~(t + 0x46464646)) | ~((t ^ 0x2d2d2d2d) + 0x7f7f7f7f);
  return (ok & ~w & 0x80808080) ^ 0x80808080;
};
const firstLane = (m) => (Math.clz32(m & -m) ^ 31) >> 3;
const nameEnd = (i) => {
  let k = i >> 2;
  let m = badName(words[k]) & (-1 << ((i & 3) << 3));
  while (m === 0) m = badName(words[++k]);
  i = (k << 2) + firstLane(m);
  while (tchar[work[i]]) i++;
  return i;
};
const runEnd = (i, lows) => {
  let k = i >> 2;
  const before = (1 << ((i & 3) << 3)) - 1;
  let m = badPrintable((words[k] & ~before) | (lows & before), lows);
  while (m === 0) m = badPrintable(words[++k], lows);
  return (k << 2) + firstLane(m);
};
const fail = () => {
  throw new Error('ceiling prototype: not a plain request head');
};

/** A plain request head -> the same events as parseHead's. */
function prototype(bytes) {
  work.set(bytes, 0);
  work.fill(0, bytes.length, bytes.length + 8);
  let j = nameEnd(0);
  if (j === 0 || work[j] !== 0x20) fail();
  const methodEnd = j;
  const targetStart = ++j;
  j = runEnd(j, 0x21212121);
  if (j === targetStart || work[j] !== 0x20) fail();
  const targetEnd = j++;
  // "HTTP/1." then 0 or 1, CR LF
  if (work[j] !== 0x48 || work[j + 1] !== 0x54 || work[j + 2] !== 0x54 || work[j + 3] !== 0x50) fail();
  if (work[j + 4] !== 0x2f || work[j + 5] !== 0x31 || work[j + 6] !== 0x2e) fail();
  const minor = work[j + 7] - 0x30;
  if ((minor !== 0 && minor !== 1) || work[j + 8] !== 0x0d || work[j + 9] !== 0x0a) fail();
  let i = j + 10;
  const spans = [];
  while (tchar[work[i]]) {
    j = nameEnd(i + 1);
    if (work[j] !== 0x3a) fail();
    const colon = j++;
    while (work[j] === 0x20 || work[j] === 0x09) j++;
    const valueStart = j;
    j = runEnd(j, 0x20202020);
    if (work[j] !== 0x0d || work[j + 1] !== 0x0a) fail();
    let valueEnd = j;
    while (valueEnd > valueStart && work[valueEnd - 1] === 0x20) valueEnd--;
    spans.push(i, colon, valueStart, valueEnd);
    i = j + 2;
  }
  if (work[i] !== 0x0d || work[i + 1] !== 0x0a) fail();
  const s = latin1Slice.call(work, 0, i);
  const events = [{ type: 'request', method: s.slice(0, methodEnd), target: s.slice(targetStart, targetEnd), version: minor ? '1.1' : '1.0' }];
  for (let k = 0; k < spans.length; k += 4) events.push({ type: 'field', name: s.slice(spans[k], spans[k + 1]), value: s.slice(spans[k + 2], spans[k + 3]) });
  events.push({ type: 'done' });
  return events;
}

// ---------------------------------------------------------------- the measurement
function nativeLlhttp(bytes) {
  const parser = new HTTPParser();
  const buf = Buffer.from(bytes);
  parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
  let sink = 0;
  parser[HTTPParser.kOnHeaders] = (headers) => (sink += headers.length);
  parser[HTTPParser.kOnHeadersComplete] = (major, minor, headers, method, url) => {
    sink += (headers?.length ?? 0) + (url?.length ?? 0);
    return 0;
  };
  parser[HTTPParser.kOnMessageComplete] = () => {};
  return (n) => {
    for (let i = 0; i < n; i++) parser.execute(buf);
    return sink;
  };
}

/** Nanoseconds per call of `run` (doubling the count until a run takes 60 ms). */
function nsPerCall(run) {
  for (let n = 256; ; n *= 2) {
    const t0 = process.hrtime.bigint();
    run(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > 60) return (ms * 1e6) / n;
  }
}

const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const show = (xs) => `${median(xs).toFixed(2)}x [${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}]`;
let sink = 0;
console.log(`ratio to native llhttp: median of ${ROUNDS} per-round ratios [min-max]`);
for (const name of INPUTS) {
  const bytes = new Uint8Array(readFileSync(new URL(`inputs/${name}.http`, import.meta.url)));
  if (JSON.stringify(prototype(bytes)) !== JSON.stringify(parseHead('request', bytes))) throw new Error(`ceiling: the prototype disagrees with parseHead on ${name}`);
  const rows = {
    native: nativeLlhttp(bytes),
    parseHead: (n) => {
      for (let i = 0; i < n; i++) sink += parseHead('request', bytes).length;
    },
    prototype: (n) => {
      for (let i = 0; i < n; i++) sink += prototype(bytes).length;
    },
  };
  const ratios = { parseHead: [], prototype: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['prototype', 'parseHead', 'native'] : ['native', 'parseHead', 'prototype'];
    const ns = {};
    for (const row of order) ns[row] = nsPerCall(rows[row]);
    ratios.parseHead.push(ns.native / ns.parseHead);
    ratios.prototype.push(ns.native / ns.prototype);
  }
  console.log(`${name.padEnd(13)} parseHead ${show(ratios.parseHead)}   prototype ${show(ratios.prototype)}`);
}
if (sink === 42) console.log(sink);
