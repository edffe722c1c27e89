// headwire decoder/encoder benchmark against its peers, in one process.
//
//   npm run bench                      # build, then a full run (about 3 minutes on 2 cores)
//   node bench/run.mjs --quick         # smoke test, a few seconds: 1 short repetition per row
//   node bench/run.mjs --filter undici # only rows whose "row input id" contains the text
//   node bench/run.mjs --no-child      # skip the separate-process headwire run
//   node bench/run.mjs --simulate-detach --filter parseHead  # check that the detach detector fires
//
// Rows, on the same inputs (every bench/inputs/*.http; a file starting with
// "HTTP/" is a response head): headwire's parseHead, reused HeadDecoder and
// zero-copy scanHead (when the build has it); Node's native llhttp
// (`_http_common` HTTPParser), undici's wasm llhttp (spans only, and strings),
// http-parser-js; a floor (a JS loop reading every byte of the same input);
// headwire fed in 64- and 1-byte chunks; the encoder. The peers are driven the
// way Node and undici drive them: see bench/peers.mjs.
//
// Method: every row is checked for the right result before any timing; then
// warm-up (0.3 s per row), then 5 repetitions of >= 0.5 s (3 for the chunked
// rows), interleaved across rows so a disturbance lands on one repetition of
// many rows rather than on all of one; the median is reported. Ratios (to
// native llhttp and to the floor, same input, same process) carry across
// machines; absolute numbers do not.
//
// Detached ArrayBuffers (DESIGN.md, Performance): once any ArrayBuffer in a
// process is detached, V8's typed-array loops run about 2x slower for the rest
// of it. undici's wasm memory detaches its ArrayBuffer when it grows, so this
// run (a) checks the wasm memories did not grow, before and after the undici
// rows, and (b) measures the floor and headwire again in a child process that
// loads no peer (`--only-headwire --json-out FILE`, spawned before the peers
// are loaded), and prints both figures side by side. A detected detach is
// printed in capitals and recorded in the JSON.
//
// --filter keeps the rows it names plus the references their ratios need (the
// floor and native llhttp on the same input, undici spans for scanHead, whole
// delivery for the chunk rows, the Node-style build for the encoder rows);
// those are marked "(ref)". Results (every repetition, the ratios, a meta
// block) go to bench/results/latest.json.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCAN_MISSING, decodeRows, expectedHead, otherRows, sameHead, scanHead } from './headwire-rows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const t0 = performance.now();

// ---------------------------------------------------------------- arguments

const args = process.argv.slice(2);
let quick = false;
let filter = '';
let onlyHeadwire = false;
let jsonOut = '';
let noChild = false;
let simulateDetach = false;
for (let a = 0; a < args.length; a++) {
  const v = args[a];
  if (v === '--quick') quick = true;
  else if (v === '--only-headwire') onlyHeadwire = true;
  else if (v === '--no-child') noChild = true;
  else if (v === '--simulate-detach') simulateDetach = true;
  else if (v === '--filter' || v === '--json-out') {
    const val = args[++a] ?? '';
    if (!val) die(`${v} needs a value`);
    if (v === '--filter') filter = val;
    else jsonOut = val;
  } else if (v.startsWith('--filter=')) filter = v.slice('--filter='.length);
  else die(`unknown argument ${v} (use --quick, --filter SUBSTR, --no-child, --simulate-detach)`);
}

const settings = quick
  ? { warmupMs: 30, reps: 1, chunkReps: 1, repMs: 50, rewarmMs: 5, prewarmMs: 4 }
  : { warmupMs: 300, reps: 5, chunkReps: 3, repMs: 500, rewarmMs: 20, prewarmMs: 40 };

function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- inputs

const inputDir = join(here, 'inputs');
const inputs = readdirSync(inputDir)
  .filter((f) => f.endsWith('.http'))
  .sort()
  .map((f) => {
    const raw = readFileSync(join(inputDir, f));
    const bytes = new Uint8Array(raw.length); // a plain Uint8Array of its own: the codec is runtime-neutral
    bytes.set(raw);
    const name = f.replace(/\.http$/, '');
    const kind = startsWith(bytes, 'HTTP/') ? 'response' : 'request';
    // Lines: start line, the fields, the blank line. No obs-fold in these inputs.
    return { name, bytes, kind, fields: countCrlf(bytes) - 2 };
  });
if (inputs.length === 0) die(`no *.http files in ${inputDir}`);
const byName = new Map(inputs.map((i) => [i.name, i]));
const maxInputBytes = Math.max(...inputs.map((i) => i.bytes.length));

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

// ---------------------------------------------------------------- rows

// Peer rows name their driver in peers.mjs; the module is imported only after
// the child process has run, and only when a peer row is selected.
let peers = null;
const PEERS = [
  { family: 'node', driver: 'nodeLlhttp', row: 'Node native llhttp (_http_common)' },
  { family: 'undici-spans', driver: 'undiciSpans', row: 'undici wasm llhttp, spans only' },
  { family: 'undici-strings', driver: 'undiciStrings', row: 'undici wasm llhttp, strings' },
  { family: 'hpjs', driver: 'httpParserJs', row: 'http-parser-js' },
];

/** A peer row: checked against parseHead's events over 3 heads on one connection, then timed. */
function peerRow(peer, input) {
  let driver = null;
  const get = () => (driver ??= peers[peer.driver](input, maxInputBytes));
  return {
    id: `${peer.family} ${input.name}`,
    family: peer.family,
    row: peer.row,
    input,
    peer: true,
    verify() {
      const want = expectedHead(input);
      for (let round = 0; round < 3; round++) sameHead(get().head(), want, `${peer.row} round ${round} on ${input.name}`);
    },
    make() {
      const run = get().run;
      return (n) => run(n);
    },
  };
}

const decode = decodeRows(inputs);
const allRows = [
  ...decode.floor,
  ...decode.parseHead,
  ...decode.reused,
  ...decode.scan,
  ...PEERS.flatMap((p) => inputs.map((i) => peerRow(p, i))),
  ...otherRows(byName),
];
// The child measures only what the comparison needs: the floor, parseHead and scanHead.
const CHILD_FAMILIES = new Set(['floor', 'parseHead', 'scan']);
const rows = onlyHeadwire ? allRows.filter((r) => CHILD_FAMILIES.has(r.family)) : allRows;

const DECODE_FAMILIES = new Set(['parseHead', 'reused', 'scan', 'chunks', ...PEERS.map((p) => p.family)]);

// ---------------------------------------------------------------- selection

const matches = (r) => !filter || `${r.row} ${r.input.name} ${r.id}`.toLowerCase().includes(filter.toLowerCase());
const chosen = new Set(rows.filter(matches));
if (chosen.size === 0) die(`--filter ${JSON.stringify(filter)} matches no row`);
const refs = new Set();
for (const r of [...chosen]) {
  if (r.unavailable) continue;
  const need = [];
  if (r.family !== 'floor') need.push(`floor ${r.input.name}`);
  if (DECODE_FAMILIES.has(r.family)) need.push(`node ${r.input.name}`);
  if (r.family === 'scan') need.push(`undici-spans ${r.input.name}`);
  if (r.family === 'chunks') need.push(`reused ${r.input.name}`);
  if (r.family === 'encoder') need.push(`node-style ${r.input.name}`);
  for (const id of need) {
    const ref = rows.find((x) => x.id === id);
    if (ref && !chosen.has(ref)) (chosen.add(ref), refs.add(ref));
  }
}
const selected = rows.filter((r) => chosen.has(r));
const timed = selected.filter((r) => !r.unavailable);

// ---------------------------------------------------------------- the separate-process run

// Before any peer is loaded: the child measures the floor, parseHead and
// scanHead in a process of its own, with the same settings, while this one waits.
let child = null;
const wantChild =
  !onlyHeadwire &&
  !noChild &&
  selected.some((r) => !refs.has(r) && !r.unavailable && r.family !== 'floor' && CHILD_FAMILIES.has(r.family));
if (wantChild) child = runChild();

function runChild() {
  const dir = mkdtempSync(join(os.tmpdir(), 'headwire-bench-'));
  const out = join(dir, 'child.json');
  const childArgs = [fileURLToPath(import.meta.url), '--only-headwire', '--json-out', out];
  if (quick) childArgs.push('--quick');
  if (filter) childArgs.push('--filter', filter);
  process.stderr.write('  measuring headwire in a separate process first (loads no peer)...\n');
  const c0 = performance.now();
  const r = spawnSync(process.execPath, childArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - c0) / 1000;
  try {
    if (r.status !== 0) {
      console.error(r.stdout, r.stderr);
      die(`the separate-process run failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''})`);
    }
    return { ...JSON.parse(readFileSync(out, 'utf8')), seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- verification

if (selected.some((r) => r.peer)) peers = await import('./peers.mjs');

// Verify everything first: a row that does not decode what it claims is not timed.
for (const r of timed) r.verify();

// The wasm memories right after setup (instantiation, malloc, the checking parses).
const undiciBefore = peers ? peers.undiciMemoryReport() : [];

// --simulate-detach: grow an unrelated wasm memory (detaching its ArrayBuffer)
// before timing, to see the detector fire. Never part of a real run.
if (simulateDetach && !onlyHeadwire) {
  const m = new WebAssembly.Memory({ initial: 1 });
  const old = m.buffer;
  m.grow(1);
  if (old.byteLength !== 0) die('--simulate-detach: the grown memory did not detach its ArrayBuffer');
}

// ---------------------------------------------------------------- timing

let sink = 0;
const now = () => performance.now();

/** Calibrate a batch size so one call takes about 2 ms while warming up for `ms`. */
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

/** One repetition: whole batches for at least repMs. Returns heads/s. */
function repetition(run, batch) {
  let heads = 0;
  const a = now();
  let b = a;
  do {
    sink = (sink + run(batch)) | 0;
    heads += batch;
    b = now();
  } while (b - a < settings.repMs);
  return (heads * 1000) / (b - a);
}

const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const repsOf = (r) => (r.family === 'chunks' ? settings.chunkReps : settings.reps);

// Pre-warm: run every selected row briefly before timing any, so shared code
// (the decoder, the peers' JS) has seen requests, responses and chunked input
// as in a real process, and the first row measured is not favoured by
// monomorphic feedback.
const fns = new Map(timed.map((r) => [r, r.make()]));
for (let pass = 0; pass < 2; pass++) {
  for (const r of timed) {
    const run = fns.get(r);
    const a = now();
    while (now() - a < settings.prewarmMs / 2) sink = (sink + run(1)) | 0;
  }
}

const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
const date = new Date().toISOString();
const log = onlyHeadwire ? () => {} : (s = '') => console.log(s);
log(
  `headwire bench — node ${process.version}, ${cpu} (${os.cpus().length} cpus), ${date}` +
    `${quick ? ' — QUICK (1 short repetition: smoke test, numbers are noise)' : ''}${filter ? ` — filter "${filter}"` : ''}`,
);
log(
  `median of ${settings.reps} x >=${settings.repMs / 1000} s (chunked rows ${settings.chunkReps}) after ${settings.warmupMs / 1000} s ` +
    'warm-up per row, repetitions interleaved across rows; MB = 10^6 head bytes. Ratios, not absolute numbers, carry across machines.',
);
if (peers) {
  const v = peers.peerVersions();
  log(`peers: Node llhttp ${v.nodeLlhttp} (native), undici ${v.undici} (${v.undiciWasm}), http-parser-js ${v.httpParserJs}`);
}
log();

// Warm-up per row, then the repetitions round-robin over the rows, each
// preceded by a short untimed re-warm of that row.
const batches = new Map();
for (const r of timed) batches.set(r, warmUp(fns.get(r), settings.warmupMs));
const rates = new Map(timed.map((r) => [r, []]));
for (let rep = 0; rep < settings.reps; rep++) {
  for (const r of timed) {
    if (rep >= repsOf(r)) continue;
    const run = fns.get(r);
    const batch = batches.get(r);
    const a = now();
    while (now() - a < settings.rewarmMs) sink = (sink + run(batch)) | 0;
    rates.get(r).push(repetition(run, batch));
  }
  if (process.stderr.isTTY && !onlyHeadwire) process.stderr.write(`  repetition ${rep + 1}/${settings.reps} done\n`);
}

const undiciAfter = peers ? peers.undiciMemoryReport() : [];

// ---------------------------------------------------------------- results and ratios

const results = [];
for (const r of selected) {
  const base = { id: r.id, family: r.family, row: r.row, input: r.input.name, kind: r.input.kind, bytes: r.input.bytes.length };
  if (r.unavailable) {
    results.push({ ...base, unavailable: r.unavailable });
    continue;
  }
  const reps = rates.get(r);
  const hps = median(reps);
  // Spread of the middle repetitions (min and max dropped when there are 5+).
  const mid = reps.length >= 5 ? [...reps].sort((p, q) => p - q).slice(1, -1) : reps;
  results.push({
    ...base,
    headsPerSec: hps,
    mbPerSec: (hps * r.input.bytes.length) / 1e6,
    ratioToLlhttp: null,
    ratioToFloor: null,
    note: '',
    reference: refs.has(r),
    repsHeadsPerSec: reps,
    spread: reps.length > 1 ? (Math.max(...reps) - Math.min(...reps)) / hps : 0,
    midSpread: mid.length > 1 ? (Math.max(...mid) - Math.min(...mid)) / hps : 0,
  });
}

const find = (id) => results.find((x) => x.id === id && !x.unavailable);
const addNote = (res, s) => (res.note += `${res.note ? '; ' : ''}${s}`);
for (const res of results) {
  if (res.unavailable) continue;
  const fl = find(`floor ${res.input}`);
  if (res.family !== 'floor' && fl) res.ratioToFloor = res.mbPerSec / fl.mbPerSec;
  const llhttp = find(`node ${res.input}`);
  if (DECODE_FAMILIES.has(res.family) && llhttp) res.ratioToLlhttp = res.mbPerSec / llhttp.mbPerSec;
  if (res.family === 'scan') {
    const spans = find(`undici-spans ${res.input}`);
    if (spans) {
      res.ratioToUndiciSpans = res.mbPerSec / spans.mbPerSec;
      addNote(res, `${res.ratioToUndiciSpans.toFixed(2)}x undici spans`);
    }
  }
  if (res.family === 'chunks') {
    const whole = find(`reused ${res.input}`);
    if (whole) {
      res.perByteCostVsWhole = whole.headsPerSec / res.headsPerSec;
      addNote(res, `${res.perByteCostVsWhole.toFixed(2)}x per-byte cost of whole delivery`);
    }
  }
  if (res.id.startsWith('encoder') || res.id.startsWith('node-style-validated')) {
    const nodeStyle = find(`node-style ${res.input}`);
    if (nodeStyle) {
      res.speedVsNodeStyle = res.headsPerSec / nodeStyle.headsPerSec;
      addNote(res, `${res.speedVsNodeStyle.toFixed(2)}x node-style speed`);
    }
  }
  if (res.midSpread > 0.1) addNote(res, `noisy: middle reps spread ${(res.midSpread * 100).toFixed(0)}%`);
}

// The child's figures next to this process's, row by row.
const separate = [];
if (child) {
  for (const c of child.results) {
    const mine = find(c.id);
    if (!mine || c.unavailable) continue;
    mine.separateProcess = { headsPerSec: c.headsPerSec, mbPerSec: c.mbPerSec, repsHeadsPerSec: c.repsHeadsPerSec };
    mine.thisVsSeparate = mine.mbPerSec / c.mbPerSec;
    // Best repetition over best repetition: contention from other processes only
    // ever slows a repetition down, so this ratio is the one least moved by it.
    const best = Math.max(...mine.repsHeadsPerSec) / Math.max(...c.repsHeadsPerSec);
    mine.thisVsSeparateBest = best;
    separate.push({
      id: c.id,
      row: c.row,
      input: c.input,
      thisMbPerSec: mine.mbPerSec,
      childMbPerSec: c.mbPerSec,
      ratio: mine.thisVsSeparate,
      bestRatio: best,
    });
  }
}

// ---------------------------------------------------------------- detach checks

const detach = detachChecks();

/**
 * (a) undici's wasm memories: same byte length after setup and after timing,
 * ArrayBuffer never replaced (memory.grow would detach the old one);
 * (b) this process's ArrayBuffers we hold are not detached;
 * (c) the floor here against the floor in the child: a detach in this process
 * would make it about 2x slower here.
 */
function detachChecks() {
  const out = { detected: false, problems: [], undiciMemory: { afterSetup: undiciBefore, afterTiming: undiciAfter } };
  for (const m of [...undiciBefore, ...undiciAfter]) {
    if (m.initialBytes !== m.afterMallocBytes) out.problems.push(`undici wasm (${m.mode}) memory grew during setup: ${m.initialBytes} -> ${m.afterMallocBytes} bytes`);
  }
  for (const m of undiciAfter) {
    if (m.grew || m.bufferReplaced || m.initialBufferDetached) {
      out.problems.push(`undici wasm (${m.mode}) memory grew: ${m.initialBytes} -> ${m.nowBytes} bytes, its first ArrayBuffer ${m.initialBufferDetached ? 'is detached' : 'was replaced'}`);
    }
  }
  if (simulateDetach) out.problems.push('--simulate-detach: an ArrayBuffer was detached on purpose before timing');
  for (const i of inputs) if (i.bytes.buffer.byteLength === 0) out.problems.push(`the ArrayBuffer of input ${i.name} is detached`);
  if (child) {
    const floors = separate.filter((s) => s.id.startsWith('floor '));
    if (floors.length) {
      out.floorThisVsSeparate = median(floors.map((f) => f.ratio));
      out.floorThisVsSeparateBest = median(floors.map((f) => f.bestRatio));
      if (!quick && out.floorThisVsSeparateBest < 0.75) {
        out.problems.push(
          `the floor's best repetition here is ${out.floorThisVsSeparateBest.toFixed(2)}x the child's (median over inputs; a detach makes it ~0.5x)`,
        );
      }
    }
  }
  out.detected = out.problems.length > 0;
  return out;
}

// ---------------------------------------------------------------- output

function fmt(x) {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function printTable(header, right, body, groupOf) {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((t) => t[c].length)));
  const line = (cells) =>
    cells
      .map((s, c) => (right[c] ? s.padStart(widths[c]) : s.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  log(line(header));
  log(line(widths.map((w) => '-'.repeat(w))));
  let last = null;
  body.forEach((cells, j) => {
    const g = groupOf ? groupOf(j) : null;
    if (last !== null && g !== last) log();
    last = g;
    log(line(cells));
  });
}

function printMain() {
  const body = [];
  const groups = [];
  const missing = new Set();
  for (const r of results) {
    if (r.unavailable) {
      if (missing.has(r.family)) continue; // one line per family
      missing.add(r.family);
      body.push([r.row, '(all)', '', '', '', '', '', `n/a (${r.unavailable})`]);
    } else {
      body.push([
        r.row + (r.reference ? ' (ref)' : ''),
        r.input,
        String(r.bytes),
        fmt(r.headsPerSec),
        fmt(r.mbPerSec),
        r.ratioToLlhttp === null ? '-' : `${r.ratioToLlhttp.toFixed(2)}x`,
        r.ratioToFloor === null ? '-' : r.ratioToFloor.toFixed(3),
        r.note,
      ]);
    }
    groups.push(r.family);
  }
  printTable(
    ['row', 'input', 'bytes', 'heads/s', 'MB/s', 'vs llhttp', 'vs floor', 'note'],
    [false, false, true, true, true, true, true, false],
    body,
    (j) => groups[j],
  );
}

/** MB/s and ratio to llhttp per decoder (rows) and input (columns): the headline. */
function printSummary() {
  const families = [...new Set(results.filter((r) => !r.unavailable && r.ratioToLlhttp !== null && r.family !== 'chunks').map((r) => r.family))];
  if (families.length === 0) return;
  const names = inputs.map((i) => i.name).filter((n) => results.some((r) => r.input === n && r.ratioToLlhttp !== null));
  log('');
  log('summary: MB/s (ratio to native llhttp on the same input)');
  const body = families.map((f) => {
    const label = results.find((r) => r.family === f).row;
    return [
      label,
      ...names.map((n) => {
        const r = find(`${f} ${n}`);
        return r ? `${fmt(r.mbPerSec)} (${r.ratioToLlhttp.toFixed(2)}x)` : '-';
      }),
    ];
  });
  printTable(['decoder', ...names], [false, ...names.map(() => true)], body);
}

function printSeparate() {
  if (!child) {
    if (!onlyHeadwire) log(noChild ? '\nseparate-process run: skipped (--no-child)' : '\nseparate-process run: not needed for these rows');
    return;
  }
  log('');
  log(`the floor and headwire here (peers loaded) vs in a child process that loads no peer (same settings, ${child.seconds.toFixed(1)} s):`);
  printTable(
    ['row', 'input', 'MB/s here', 'MB/s child', 'here/child', 'best rep here/child'],
    [false, false, true, true, true, true],
    separate.map((s) => [s.row, s.input, fmt(s.thisMbPerSec), fmt(s.childMbPerSec), s.ratio.toFixed(2), s.bestRatio.toFixed(2)]),
    (j) => separate[j].row,
  );
}

function printDetach() {
  if (!peers && !child) return;
  log('');
  const mem = undiciAfter
    .map((m) => `${m.mode}: ${m.initialBytes} bytes at instantiation, ${m.afterMallocBytes} after malloc, ${m.nowBytes} after timing`)
    .join('; ');
  if (mem) log(`undici wasm memory: ${mem}`);
  if (detach.floorThisVsSeparate !== undefined) {
    log(
      `floor here / floor in the child, median over inputs: ${detach.floorThisVsSeparate.toFixed(2)} (medians), ` +
        `${detach.floorThisVsSeparateBest.toFixed(2)} (best repetitions); a detach here would make it ~0.5`,
    );
  }
  if (detach.detected) {
    const bar = '!'.repeat(78);
    log(bar);
    log('!!! ARRAYBUFFER DETACH DETECTED IN THIS PROCESS — typed-array loops here run ~2x slower from then on;');
    log('!!! headwire figures in the main table are suspect: use the separate-process figures.');
    for (const p of detach.problems) log(`!!! ${p}`);
    log(bar);
  } else {
    const wasm = undiciAfter.length
      ? 'no wasm memory.grow (byte length and ArrayBuffer unchanged before and after the undici rows)'
      : 'no undici row in this run';
    log(`detach check: ${wasm}, no detached input buffer — OK`);
  }
}

if (!onlyHeadwire) {
  printMain();
  printSummary();
  printSeparate();
  printDetach();
}

const elapsed = (now() - t0) / 1000;
log('');
log(`sink ${sink} (consumed results); total ${elapsed.toFixed(1)} s`);

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
    simulateDetach,
    process: onlyHeadwire ? 'separate (--only-headwire: loads no peer)' : 'main (peers loaded)',
    settings,
    peers: peers ? peers.peerVersions() : null,
    scanHead: scanHead ? 'measured' : SCAN_MISSING,
    mb: '10^6 head bytes',
    note:
      'Ratios, not absolute numbers, carry across machines. ratioToLlhttp / ratioToFloor = MB/s over the MB/s of native llhttp / the floor on the same input in this process.',
    totalSeconds: elapsed,
  },
  detach,
  separateProcess: child ? { seconds: child.seconds, meta: child.meta, rows: separate } : null,
  results,
  sink,
};
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(json, null, 2)}\n`);
if (!onlyHeadwire) {
  const outDir = join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${join('bench', 'results', 'latest.json')}${detach.detected ? ' (DETACH DETECTED: see detach.problems)' : ''}`);
}
