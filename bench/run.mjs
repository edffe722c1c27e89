// headwire decoder/encoder benchmark. Plain ESM, no dependencies.
//
//   npm run bench                      # build, then a full run (about a minute on 2 cores)
//   node bench/run.mjs --quick         # smoke test: 1 repetition of 0.1 s per row
//   node bench/run.mjs --filter chunk  # only rows whose "row input" contains the text
//
// Every measurement, on the same inputs in one process: warm-up (0.3 s), then
// 5 repetitions of >= 0.5 s, interleaved across rows; the median is reported.
// Ratios (to the floor: a JS loop reading every byte of the same input) carry
// across machines; absolute numbers do not.
//
// --filter keeps the rows it names plus the references their ratios need (the
// floor of the same input, whole delivery for the chunk rows, the Node-style
// build for the encoder row); those are marked "ref" in the table.
//
// Inputs are copied into plain Uint8Arrays (not Buffers), because the codec is
// runtime-neutral. Nothing loaded here detaches an ArrayBuffer (see DESIGN.md,
// Performance): only node:fs, node:os, node:path, node:url and ../dist.

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeadDecoder, HeadEncoder, NEED_DATA, parseHead } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const t0 = performance.now();

// ---------------------------------------------------------------- arguments

const args = process.argv.slice(2);
let quick = false;
let filter = '';
for (let a = 0; a < args.length; a++) {
  const v = args[a];
  if (v === '--quick') quick = true;
  else if (v === '--filter') {
    filter = args[++a] ?? '';
    if (!filter) die('--filter needs a substring');
  } else if (v.startsWith('--filter=')) filter = v.slice('--filter='.length);
  else die(`unknown argument ${v} (use --quick, --filter SUBSTR)`);
}

const WARMUP_MS = quick ? 50 : 300;
const REPS = quick ? 1 : 5;
const REP_MS = quick ? 100 : 500;
const PREWARM_MS = quick ? 5 : 40; // per row, before any timing: see prewarm below

function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

function fail(msg) {
  throw new Error(`bench: verification failed: ${msg}`);
}

// ---------------------------------------------------------------- inputs

const inputDir = join(here, 'inputs');
const inputs = readdirSync(inputDir)
  .filter((f) => f.endsWith('.http'))
  .sort()
  .map((f) => {
    const raw = readFileSync(join(inputDir, f));
    const bytes = new Uint8Array(raw.length); // a plain Uint8Array of its own
    bytes.set(raw);
    const name = f.replace(/\.http$/, '');
    const kind = startsWith(bytes, 'HTTP/') ? 'response' : 'request';
    const crlfLines = countCrlf(bytes);
    // Lines: start line, the fields, the blank line. No obs-fold in these inputs.
    return { name, bytes, kind, fields: crlfLines - 2 };
  });
if (inputs.length === 0) die(`no *.http files in ${inputDir}`);
const byName = new Map(inputs.map((i) => [i.name, i]));

function startsWith(bytes, s) {
  if (bytes.length < s.length) return false;
  for (let i = 0; i < s.length; i++) if (bytes[i] !== s.charCodeAt(i)) return false;
  return true;
}

function countCrlf(bytes) {
  let n = 0;
  for (let i = 1; i < bytes.length; i++) if (bytes[i] === 0x0a && bytes[i - 1] === 0x0d) n++;
  return n;
}

// ---------------------------------------------------------------- verification

/** Events of one head must be: start line, exactly `fields` field events, done. */
function checkEvents(events, input, how) {
  const where = `${how} on ${input.name}`;
  if (!Array.isArray(events) || events.length === 0) fail(`${where}: no events`);
  const start = input.kind === 'request' ? 'request' : 'status';
  if (events[0].type !== start) fail(`${where}: first event is ${events[0].type}, expected ${start}`);
  let fields = 0;
  for (let j = 1; j < events.length - 1; j++) {
    if (events[j].type !== 'field') fail(`${where}: event ${j} is ${events[j].type}, expected field`);
    fields++;
  }
  if (events[events.length - 1].type !== 'done') fail(`${where}: last event is ${events[events.length - 1].type}, not done`);
  if (fields !== input.fields) fail(`${where}: ${fields} field events, expected ${input.fields} (CRLF lines - 2)`);
}

function sameEvents(a, b, where) {
  if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${where}: events differ from parseHead's`);
}

/** Feed chunks to a decoder, draining next() after each; return the head's events. */
function decodeChunks(d, chunks) {
  const events = [];
  for (const c of chunks) {
    d.receive(c);
    for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) events.push(ev);
  }
  return events;
}

// ---------------------------------------------------------------- rows

// Each row's `run(n)` decodes (or encodes) n heads and returns a number derived
// from the results; the numbers go into `sink`, printed at the end, so no work
// can be dropped as dead code. `verify()` runs before timing and throws.

const rows = [];

function splitInto(bytes, size) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return out;
}

for (const input of inputs) {
  rows.push({
    id: `floor ${input.name}`,
    row: 'floor: JS loop over every byte',
    input,
    floor: true,
    verify() {},
    make() {
      const b = input.bytes;
      return (n) => {
        let acc = 0;
        for (let k = 0; k < n; k++) {
          for (let i = 0; i < b.length; i++) acc = (acc + b[i]) | 0;
        }
        return acc;
      };
    },
  });
}

for (const input of inputs) {
  rows.push({
    id: `parseHead ${input.name}`,
    row: 'headwire parseHead',
    input,
    verify() {
      checkEvents(parseHead(input.kind, input.bytes), input, 'parseHead');
    },
    make() {
      const { kind, bytes } = input;
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) {
          const evs = parseHead(kind, bytes);
          s += evs.length + evs[evs.length - 2].value.length;
        }
        return s;
      };
    },
  });
}

for (const input of inputs) {
  rows.push({
    id: `reused ${input.name}`,
    row: 'headwire HeadDecoder (reused)',
    input,
    verify() {
      const d = new HeadDecoder(input.kind);
      for (let round = 0; round < 3; round++) {
        d.receive(input.bytes);
        const events = [];
        for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) events.push(ev);
        checkEvents(events, input, `HeadDecoder round ${round}`);
        sameEvents(events, parseHead(input.kind, input.bytes), `HeadDecoder round ${round} on ${input.name}`);
        if (d.state !== 'done') fail(`HeadDecoder on ${input.name}: state ${d.state} after done`);
        if (d.rest().length !== 0) fail(`HeadDecoder on ${input.name}: ${d.rest().length} bytes left past the head`);
        d.reset();
      }
    },
    make() {
      const { kind, bytes } = input;
      const d = new HeadDecoder(kind); // one "connection"
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) {
          d.receive(bytes); // exactly one head per iteration
          for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
            s++;
            if (ev.type === 'field') s += ev.value.length;
          }
          d.reset();
        }
        return s;
      };
    },
  });
}

const CHUNKED_INPUT = 'c_browser';
if (byName.has(CHUNKED_INPUT)) {
  const input = byName.get(CHUNKED_INPUT);
  for (const size of [64, 1]) {
    const chunks = splitInto(input.bytes, size);
    rows.push({
      id: `chunks${size} ${input.name}`,
      row: `headwire ${size}-byte chunks`,
      input,
      chunkSize: size,
      verify() {
        const d = new HeadDecoder(input.kind);
        for (let round = 0; round < 3; round++) {
          const events = decodeChunks(d, chunks);
          checkEvents(events, input, `${size}-byte chunks round ${round}`);
          sameEvents(events, parseHead(input.kind, input.bytes), `${size}-byte chunks round ${round} on ${input.name}`);
          if (d.rest().length !== 0) fail(`${size}-byte chunks on ${input.name}: bytes left past the head`);
          d.reset();
        }
      },
      make() {
        const d = new HeadDecoder(input.kind);
        const cs = chunks;
        return (n) => {
          let s = 0;
          for (let k = 0; k < n; k++) {
            for (let j = 0; j < cs.length; j++) {
              d.receive(cs[j]);
              for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
                s++;
                if (ev.type === 'field') s += ev.value.length;
              }
            }
            d.reset();
          }
          return s;
        };
      },
    });
  }
}

// Encoder: d_response's head, from its decoded events.
const ENCODER_INPUT = 'd_response';
if (byName.has(ENCODER_INPUT)) {
  const input = byName.get(ENCODER_INPUT);
  const evs = parseHead(input.kind, input.bytes);
  const status = evs[0];
  const names = [];
  const values = [];
  for (const ev of evs) if (ev.type === 'field') (names.push(ev.name), values.push(ev.value));
  const { code, reason } = status;

  // The way Node's http builds a head: one string (ServerResponse#_storeHeader),
  // then latin1 bytes. Node also validates each name and value in setHeader with
  // these two regexes (lib/_http_common.js); a second row includes them.
  const tokenRe = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
  const invalidCharRe = /[^\t\x20-\x7e\x80-\xff]/;
  const nodeBuild = () => {
    let str = `HTTP/1.1 ${code} ${reason}\r\n`;
    for (let j = 0; j < names.length; j++) str += `${names[j]}: ${values[j]}\r\n`;
    return Buffer.from(`${str}\r\n`, 'latin1');
  };
  const nodeBuildValidated = () => {
    let str = `HTTP/1.1 ${code} ${reason}\r\n`;
    for (let j = 0; j < names.length; j++) {
      if (!tokenRe.test(names[j])) throw new Error('bad name');
      if (invalidCharRe.test(values[j])) throw new Error('bad value');
      str += `${names[j]}: ${values[j]}\r\n`;
    }
    return Buffer.from(`${str}\r\n`, 'latin1');
  };
  const encodeHeadwire = (e) => {
    const parts = [e.status(code, reason)];
    for (let j = 0; j < names.length; j++) parts.push(e.field(names[j], values[j]));
    parts.push(e.done());
    e.reset();
    return parts;
  };
  const concat = (parts) => {
    let len = 0;
    for (const p of parts) len += p.length;
    const out = new Uint8Array(len);
    let at = 0;
    for (const p of parts) (out.set(p, at), (at += p.length));
    return out;
  };
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const verifyEncoder = () => {
    const hw = concat(encodeHeadwire(new HeadEncoder()));
    if (!same(hw, input.bytes)) fail('HeadEncoder output differs from d_response.http');
    if (!same(nodeBuild(), hw)) fail('Node-style build differs from HeadEncoder output');
    if (!same(nodeBuildValidated(), hw)) fail('Node-style validated build differs from HeadEncoder output');
  };

  rows.push({
    id: `encoder ${input.name}`,
    row: 'headwire HeadEncoder (reused)',
    input,
    encoder: true,
    verify: verifyEncoder,
    make() {
      const e = new HeadEncoder();
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) {
          const parts = encodeHeadwire(e);
          for (let j = 0; j < parts.length; j++) s += parts[j].length;
        }
        return s;
      };
    },
  });
  rows.push({
    id: `node-style ${input.name}`,
    row: 'node-style string + Buffer.from latin1',
    input,
    nodeStyle: true,
    verify: verifyEncoder,
    make() {
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) s += nodeBuild().length;
        return s;
      };
    },
  });
  rows.push({
    id: `node-style-validated ${input.name}`,
    row: 'node-style + setHeader regex checks',
    input,
    nodeStyle: true,
    verify: verifyEncoder,
    make() {
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) s += nodeBuildValidated().length;
        return s;
      };
    },
  });
}

// ---------------------------------------------------------------- selection

const matches = (r) => !filter || `${r.row} ${r.input.name} ${r.id}`.toLowerCase().includes(filter.toLowerCase());
const chosen = new Set(rows.filter(matches));
if (chosen.size === 0) die(`--filter ${JSON.stringify(filter)} matches no row`);
const refs = new Set();
for (const r of [...chosen]) {
  const need = [];
  if (!r.floor) need.push(`floor ${r.input.name}`);
  if (r.chunkSize) need.push(`reused ${r.input.name}`);
  if (r.encoder) need.push(`node-style ${r.input.name}`);
  for (const id of need) {
    const ref = rows.find((x) => x.id === id);
    if (ref && !chosen.has(ref)) (chosen.add(ref), refs.add(ref));
  }
}
const selected = rows.filter((r) => chosen.has(r));

// ---------------------------------------------------------------- timing

let sink = 0;
const now = () => performance.now();

/**
 * Calibrate a batch size so one call takes about 2 ms while warming up for
 * `ms`. Returns the batch size.
 */
function warmUp(run, ms) {
  let batch = 1;
  const w0 = now();
  while (now() - w0 < ms) {
    const a = now();
    sink = (sink + run(batch)) | 0;
    if (now() - a < 2 && batch < 1 << 24) batch *= 2;
  }
  return batch;
}

/** One repetition: whole batches for at least REP_MS. Returns heads/s. */
function repetition(run, batch) {
  let heads = 0;
  const a = now();
  let b = a;
  do {
    sink = (sink + run(batch)) | 0;
    heads += batch;
    b = now();
  } while (b - a < REP_MS);
  return (heads * 1000) / (b - a);
}

const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Verify everything first: a row that does not decode what it claims is not timed.
for (const r of selected) r.verify();

// Pre-warm: run every selected row briefly before timing any, so the shared
// decoder code has seen requests, responses and chunked input (as in a real
// process) and the first row measured is not favoured by monomorphic feedback.
const fns = new Map(selected.map((r) => [r, r.make()]));
for (let pass = 0; pass < 2; pass++) {
  for (const r of selected) {
    const run = fns.get(r);
    const a = now();
    while (now() - a < PREWARM_MS / 2) sink = (sink + run(1)) | 0;
  }
}

const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
const date = new Date().toISOString();
console.log(
  `headwire bench — node ${process.version}, ${cpu} (${os.cpus().length} cpus), ${date}` +
    `${quick ? ' — QUICK (1 x 0.1 s: smoke test, numbers are noise)' : ''}${filter ? ` — filter "${filter}"` : ''}`,
);
console.log(
  `median of ${REPS} x >=${REP_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up per row, repetitions interleaved ` +
    'across rows; MB = 10^6 head bytes. Ratios, not absolute numbers, carry across machines.',
);
console.log('');

// Warm-up per row (>= WARMUP_MS), then the repetitions round-robin over the
// rows, each preceded by a short untimed re-warm of that row: a disturbance
// (another process, a frequency change) then lands on one repetition of many
// rows rather than on all repetitions of one row, and the median drops it.
const REWARM_MS = quick ? 10 : 50;
const batches = new Map();
for (const r of selected) batches.set(r, warmUp(fns.get(r), WARMUP_MS));
const rates = new Map(selected.map((r) => [r, []]));
for (let rep = 0; rep < REPS; rep++) {
  for (const r of selected) {
    const run = fns.get(r);
    const batch = batches.get(r);
    const a = now();
    while (now() - a < REWARM_MS) sink = (sink + run(batch)) | 0;
    rates.get(r).push(repetition(run, batch));
  }
  if (process.stderr.isTTY) process.stderr.write(`  repetition ${rep + 1}/${REPS} done\n`);
}

const results = [];
for (const r of selected) {
  const reps = rates.get(r);
  const hps = median(reps);
  // Spread of the middle repetitions (min and max dropped when there are 5+).
  const mid = reps.length >= 5 ? [...reps].sort((p, q) => p - q).slice(1, -1) : reps;
  results.push({
    row: r.row,
    input: r.input.name,
    kind: r.input.kind,
    bytes: r.input.bytes.length,
    headsPerSec: hps,
    mbPerSec: (hps * r.input.bytes.length) / 1e6,
    ratioToFloor: null,
    note: '',
    reference: refs.has(r),
    repsHeadsPerSec: reps,
    spread: reps.length > 1 ? (Math.max(...reps) - Math.min(...reps)) / hps : 0,
    midSpread: mid.length > 1 ? (Math.max(...mid) - Math.min(...mid)) / hps : 0,
    id: r.id,
    group: r.id.startsWith('chunks') ? 'chunks' : /^(encoder|node-style)/.test(r.id) ? 'encoder' : r.id.split(' ')[0],
  });
}

// Ratios.
const find = (id) => results.find((x) => x.id === id);
for (const res of results) {
  const fl = find(`floor ${res.input}`);
  if (!res.id.startsWith('floor ') && fl) res.ratioToFloor = res.mbPerSec / fl.mbPerSec;
  if (res.id.startsWith('chunks')) {
    const whole = find(`reused ${res.input}`);
    if (whole) {
      res.perByteCostVsWhole = whole.headsPerSec / res.headsPerSec;
      res.note = `${res.perByteCostVsWhole.toFixed(2)}x per-byte cost of whole delivery`;
    }
  }
  if (res.id.startsWith('encoder') || res.id.startsWith('node-style-validated')) {
    const nodeStyle = find(`node-style ${res.input}`);
    if (nodeStyle) {
      res.speedVsNodeStyle = res.headsPerSec / nodeStyle.headsPerSec;
      res.note = `${res.speedVsNodeStyle.toFixed(2)}x node-style speed`;
    }
  }
  if (res.midSpread > 0.1) res.note += `${res.note ? '; ' : ''}noisy: middle reps spread ${(res.midSpread * 100).toFixed(0)}%`;
}

// ---------------------------------------------------------------- output

function fmt(x) {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const header = ['row', 'input', 'bytes', 'heads/s', 'MB/s', 'ratio to floor', 'note'];
const table = results.map((r) => [
  r.row + (r.reference ? ' (ref)' : ''),
  r.input,
  String(r.bytes),
  fmt(r.headsPerSec),
  fmt(r.mbPerSec),
  r.ratioToFloor === null ? '-' : r.ratioToFloor.toFixed(3),
  r.note,
]);
const right = [false, false, true, true, true, true, false];
const widths = header.map((h, c) => Math.max(h.length, ...table.map((t) => t[c].length)));
const line = (cells) =>
  cells
    .map((s, c) => (right[c] ? s.padStart(widths[c]) : s.padEnd(widths[c])))
    .join('  ')
    .trimEnd();
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
let lastGroup = '';
for (let j = 0; j < table.length; j++) {
  const group = results[j].group;
  if (lastGroup && group !== lastGroup) console.log('');
  lastGroup = group;
  console.log(line(table[j]));
}

const elapsed = (now() - t0) / 1000;
console.log('');
console.log(`sink ${sink} (consumed results); total ${elapsed.toFixed(1)} s`);

const outDir = join(here, 'results');
mkdirSync(outDir, { recursive: true });
const json = {
  meta: {
    node: process.version,
    v8: process.versions.v8,
    cpu,
    cpus: os.cpus().length,
    platform: `${process.platform} ${process.arch}`,
    date,
    quick,
    filter: filter || null,
    warmupMs: WARMUP_MS,
    reps: REPS,
    repMs: REP_MS,
    mb: '10^6 head bytes',
    note: 'Ratios, not absolute numbers, carry across machines. ratioToFloor = MB/s / floor MB/s on the same input.',
    totalSeconds: elapsed,
  },
  results,
  sink,
};
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${join('bench', 'results', 'latest.json')}`);
