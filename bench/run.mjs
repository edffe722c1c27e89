// headwire decoder/encoder benchmark against its peers, in one process.
//
//   npm run bench                      # build, then a full run (about 4 minutes on 2 cores)
//   node bench/run.mjs --quick         # smoke test, a few seconds: 2 short rounds per row
//   node bench/run.mjs --filter undici # only rows whose "row input id" contains the text
//   node bench/run.mjs --no-child      # skip the separate root-entry process
//   node bench/run.mjs --simulate-detach --filter parseHead  # check that the detach detector fires
//
// Rows, on the same inputs (every bench/inputs/*.http; a file starting with
// "HTTP/" is a response head): headwire's parseHead, reused HeadDecoder and
// zero-copy scanHead; Node's native llhttp (`_http_common` HTTPParser),
// undici's wasm llhttp (spans only, and strings), http-parser-js; a floor (a JS
// loop reading every byte of the same input); headwire and native llhttp fed
// in 64- and 1-byte chunks; the encoder (per command and one-shot) against
// Node-style building; an obs-fold head against a plain head of the same size.
// The peers are driven the way Node and undici drive them: see bench/peers.mjs.
//
// Method: every row is checked for the right result before any timing; then
// warm-up (0.3 s per row), then ROUNDS rounds: in each round every row runs
// once for >= 0.3 s, rows one after another, so a disturbance (another process
// on the 2 shared cores) lands on one round of many rows rather than on all
// rounds of one. A ratio (row / its reference) is computed per round from the
// two rows' figures in that round, and the median of those per-round ratios is
// reported with their spread (min-max). Ratios carry across machines; absolute
// numbers do not.
//
// Entry points: this process measures 'headwire/node'. The package root
// ('headwire') shares the codec module with it, so it is measured in a child
// process that imports only the root and Node's native llhttp (no wasm), with
// the same settings, spawned before any peer is loaded here.
//
// Detached ArrayBuffers (DESIGN.md, Performance): once any ArrayBuffer in a
// process is detached, V8's typed-array loops run about 2x slower for the rest
// of it. undici's wasm memory detaches its ArrayBuffer when it grows, so this
// run (a) checks the wasm memories did not grow, before and after the undici
// rows, and (b) compares the floor here with the floor in the child (which
// loads no wasm). A detected detach is printed in capitals and recorded.
//
// --filter keeps the rows it names plus the references their ratios need;
// those are marked "(ref)". Results (every round, the ratios, a meta block) go
// to bench/results/latest.json.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as hwRows from './headwire-rows.mjs';

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
  ? { warmupMs: 30, reps: 2, repMs: 50, rewarmMs: 5, prewarmMs: 4 }
  : { warmupMs: 300, reps: 7, repMs: 300, rewarmMs: 20, prewarmMs: 40 };

// The child measures the package root; this process headwire/node.
const entry = onlyHeadwire ? 'root' : 'node';
await hwRows.loadHeadwire(entry);
const { ENCODE_HEAD_MISSING, SCAN_MISSING, decodeRows, expectedHead, otherRows, sameHead } = hwRows;

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
const CHUNKED_INPUT = 'c_browser';

/** A peer row: checked against parseHead's events over 3 heads on one connection, then timed. */
function peerRow(peer, input, chunkSize = 0) {
  let driver = null;
  const get = () => (driver ??= chunkSize ? peers.nodeLlhttpChunks(input, chunkSize) : peers[peer.driver](input, maxInputBytes));
  return {
    id: chunkSize ? `node-chunks${chunkSize} ${input.name}` : `${peer.family} ${input.name}`,
    family: chunkSize ? 'node-chunks' : peer.family,
    row: chunkSize ? `Node native llhttp, ${chunkSize}-byte chunks` : peer.row,
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

const decode = decodeRows(inputs, entry);
const nativeChunked = byName.has(CHUNKED_INPUT) ? [64, 1].map((size) => peerRow(PEERS[0], byName.get(CHUNKED_INPUT), size)) : [];
const allRows = onlyHeadwire
  ? // The child: the root entry's parseHead, the floor, and native llhttp for the ratio.
    [...decode.floor, ...decode.parseHead, ...inputs.map((i) => peerRow(PEERS[0], i))]
  : [
      ...decode.floor,
      ...decode.parseHead,
      ...decode.reused,
      ...decode.scan,
      ...PEERS.flatMap((p) => inputs.map((i) => peerRow(p, i))),
      ...otherRows(byName),
      ...nativeChunked,
    ];
const rows = allRows;

/**
 * The ratios reported, each computed per round: `of` over `to` in MB/s (speed),
 * or, for `cost`, how many times more time per byte `of` takes than `to`.
 * `target` is the issue's goal for the ratio ('>= x' or '<= x').
 */
const RATIOS = [
  ...inputs.flatMap((i) => [
    { of: `parseHead-root ${i.name}`, to: `node ${i.name}`, label: 'parseHead (root entry) / native llhttp', target: /b_|e_/.test(i.name) ? '>= 1.8' : '>= 2.0' },
    { of: `parseHead ${i.name}`, to: `node ${i.name}`, label: 'parseHead (headwire/node) / native llhttp', target: /b_|e_/.test(i.name) ? '>= 1.8' : '>= 2.0' },
    { of: `reused ${i.name}`, to: `node ${i.name}`, label: 'HeadDecoder (whole) / native llhttp' },
    { of: `scan ${i.name}`, to: `undici-spans ${i.name}`, label: 'scanHead / undici wasm spans', target: '>= 1.2' },
    { of: `undici-spans ${i.name}`, to: `node ${i.name}`, label: 'undici wasm spans / native llhttp' },
    { of: `undici-strings ${i.name}`, to: `node ${i.name}`, label: 'undici wasm strings / native llhttp' },
    { of: `hpjs ${i.name}`, to: `node ${i.name}`, label: 'http-parser-js / native llhttp' },
  ]),
  { of: `chunks1 ${CHUNKED_INPUT}`, to: `node-chunks1 ${CHUNKED_INPUT}`, label: 'HeadDecoder 1-byte chunks / native llhttp 1-byte chunks', target: '>= 5' },
  { of: `chunks64 ${CHUNKED_INPUT}`, to: `node-chunks64 ${CHUNKED_INPUT}`, label: 'HeadDecoder 64-byte chunks / native llhttp 64-byte chunks' },
  { of: `chunks1 ${CHUNKED_INPUT}`, to: `reused ${CHUNKED_INPUT}`, label: 'HeadDecoder 1-byte chunks: cost x whole delivery', cost: true },
  { of: 'encoder d_response', to: 'node-style-validated d_response', label: "HeadEncoder per command / Node-style with Node's checks", target: '>= 0.8' },
  { of: 'encodeHead d_response', to: 'node-style-validated d_response', label: "encodeHead / Node-style with Node's checks", target: '>= 1.0' },
  { of: 'encoder d_response', to: 'node-style d_response', label: 'HeadEncoder per command / Node-style without checks' },
  { of: 'encodeHead d_response', to: 'node-style d_response', label: 'encodeHead / Node-style without checks' },
  { of: 'fold f_fold16k', to: 'fold f_plain16k', label: 'obs-fold head: cost x plain head of the same size', cost: true, target: '<= 5' },
];

const DECODE_FAMILIES = new Set(['parseHead', 'parseHead-root', 'reused', 'scan', 'chunks', ...PEERS.map((p) => p.family)]);

// ---------------------------------------------------------------- selection

const matches = (r) => !filter || `${r.row} ${r.input.name} ${r.id}`.toLowerCase().includes(filter.toLowerCase());
const chosen = new Set(rows.filter(matches));
if (chosen.size === 0) die(`--filter ${JSON.stringify(filter)} matches no row`);
const refs = new Set();
for (const r of [...chosen]) {
  if (r.unavailable) continue;
  const need = r.family === 'floor' ? [] : [`floor ${r.input.name}`];
  for (const q of RATIOS) if (q.of === r.id) need.push(q.to);
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
const wantChild = !onlyHeadwire && !noChild && selected.some((r) => !refs.has(r) && r.family === 'parseHead');
if (wantChild) child = runChild();

function runChild() {
  const dir = mkdtempSync(join(os.tmpdir(), 'headwire-bench-'));
  const out = join(dir, 'child.json');
  const childArgs = [fileURLToPath(import.meta.url), '--only-headwire', '--json-out', out];
  if (quick) childArgs.push('--quick');
  if (filter) childArgs.push('--filter', filter);
  process.stderr.write('  measuring the root entry in a separate process first (no wasm peer)...\n');
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
const undiciLoaded = () => peers && selected.some((r) => r.family.startsWith('undici'));

// Verify everything first: a row that does not decode what it claims is not timed.
for (const r of timed) r.verify();

// The wasm memories right after setup (instantiation, malloc, the checking parses).
const undiciBefore = undiciLoaded() ? peers.undiciMemoryReport() : [];

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
  `${settings.reps} rounds of >=${settings.repMs / 1000} s per row after ${settings.warmupMs / 1000} s warm-up, rows interleaved round by round; ` +
    'ratios are medians of per-round ratios; MB = 10^6 head bytes. Ratios, not absolute numbers, carry across machines.',
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
    const run = fns.get(r);
    const batch = batches.get(r);
    const a = now();
    while (now() - a < settings.rewarmMs) sink = (sink + run(batch)) | 0;
    rates.get(r).push(repetition(run, batch));
  }
  if (process.stderr.isTTY && !onlyHeadwire) process.stderr.write(`  repetition ${rep + 1}/${settings.reps} done\n`);
}

const undiciAfter = undiciLoaded() ? peers.undiciMemoryReport() : [];

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
  results.push({
    ...base,
    headsPerSec: hps,
    mbPerSec: (hps * r.input.bytes.length) / 1e6,
    reference: refs.has(r),
    repsHeadsPerSec: reps,
    spread: reps.length > 1 ? (Math.max(...reps) - Math.min(...reps)) / hps : 0,
  });
}

const find = (id) => results.find((x) => x.id === id && !x.unavailable);

/** Per-round ratios of two rows measured in this process: median and min-max. */
function ratioOf(q) {
  const a = find(q.of);
  const b = find(q.to);
  if (!a || !b) return null;
  const per = a.repsHeadsPerSec.map((h, k) => {
    const speed = (h * a.bytes) / (b.repsHeadsPerSec[k] * b.bytes);
    return q.cost ? 1 / speed : speed;
  });
  return { ...q, median: median(per), min: Math.min(...per), max: Math.max(...per), rounds: per, process: onlyHeadwire ? 'child' : 'main' };
}
const ratios = RATIOS.map(ratioOf).filter((x) => x !== null);

// The child's ratios (the root entry) join this process's list.
if (child) for (const q of child.ratios ?? []) if (!ratios.some((x) => x.of === q.of && x.to === q.to)) ratios.push(q);

// The child's floor next to this process's, row by row (the detach check).
const separate = [];
if (child) {
  for (const c of child.results) {
    const mine = find(c.id);
    if (!mine || c.unavailable || c.family !== 'floor') continue;
    // Best round over best round: contention from other processes only ever
    // slows a round down, so this ratio is the one least moved by it.
    const best = Math.max(...mine.repsHeadsPerSec) / Math.max(...c.repsHeadsPerSec);
    separate.push({ id: c.id, row: c.row, input: c.input, thisMbPerSec: mine.mbPerSec, childMbPerSec: c.mbPerSec, ratio: mine.mbPerSec / c.mbPerSec, bestRatio: best });
  }
  for (const c of child.results) if (c.family === 'parseHead-root' && !c.unavailable) results.push({ ...c, process: 'child' });
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

const fmtRatio = (q) => `${q.median.toFixed(2)}x [${q.min.toFixed(2)}-${q.max.toFixed(2)}]`;

function printMain() {
  const body = [];
  const groups = [];
  const missing = new Set();
  for (const r of results) {
    if (r.unavailable) {
      if (missing.has(r.family)) continue; // one line per family
      missing.add(r.family);
      body.push([r.row, '(all)', '', '', '', `n/a (${r.unavailable})`]);
    } else {
      const q = ratios.find((x) => x.of === r.id);
      const noisy = r.spread > 0.25 ? `rounds spread ${(r.spread * 100).toFixed(0)}%` : '';
      body.push([
        r.row + (r.reference ? ' (ref)' : '') + (r.process === 'child' ? ' (child)' : ''),
        r.input,
        String(r.bytes),
        fmt(r.headsPerSec),
        fmt(r.mbPerSec),
        [q ? `${fmtRatio(q)} ${q.cost ? 'cost of' : 'vs'} ${q.to.split(' ')[0]}` : '', noisy].filter(Boolean).join('; '),
      ]);
    }
    groups.push(r.family);
  }
  printTable(['row', 'input', 'bytes', 'heads/s', 'MB/s', 'first ratio: median of per-round ratios [min-max]'], [false, false, true, true, true, false], body, (j) => groups[j]);
}

/** Every ratio, with the issue's target where it has one. */
function printRatios() {
  if (ratios.length === 0) return;
  log('');
  log(`ratios: median of ${settings.reps} per-round ratios [min-max over the rounds]; cost = times more time per byte`);
  const ordered = [...ratios.filter((q) => q.target), ...ratios.filter((q) => !q.target)];
  printTable(
    ['ratio', 'input', 'median [min-max]', 'target', 'met'],
    [false, false, true, false, false],
    ordered.map((q) => {
      const [op, v] = q.target ? q.target.split(' ') : ['', ''];
      const met = !q.target ? '' : (op === '>=' ? q.median >= Number(v) : q.median <= Number(v)) ? 'yes' : 'NO';
      return [q.label + (q.process === 'child' ? ' (child)' : ''), q.of.split(' ')[1], fmtRatio(q), q.target ?? '', met];
    }),
    (j) => (ordered[j].target ? 't' : 'o'),
  );
}

function printSeparate() {
  if (!child) {
    if (!onlyHeadwire) log(noChild ? '\nroot-entry process: skipped (--no-child)' : '\nroot-entry process: not needed for these rows');
    return;
  }
  log('');
  log(`the floor here (peers loaded) vs in the child process (root entry, no wasm; ${child.seconds.toFixed(1)} s):`);
  printTable(
    ['row', 'input', 'MB/s here', 'MB/s child', 'here/child', 'best round here/child'],
    [false, false, true, true, true, true],
    separate.map((s) => [s.row, s.input, fmt(s.thisMbPerSec), fmt(s.childMbPerSec), s.ratio.toFixed(2), s.bestRatio.toFixed(2)]),
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
  printRatios();
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
    entry,
    scanHead: hwRows.scanHead ? 'measured' : SCAN_MISSING,
    encodeHead: hwRows.encodeHead ? 'measured' : ENCODE_HEAD_MISSING,
    mb: '10^6 head bytes',
    note:
      'Ratios, not absolute numbers, carry across machines. ratioToLlhttp / ratioToFloor = MB/s over the MB/s of native llhttp / the floor on the same input in this process.',
    totalSeconds: elapsed,
  },
  detach,
  separateProcess: child ? { seconds: child.seconds, meta: child.meta, rows: separate } : null,
  results,
  ratios,
  sink,
};
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(json, null, 2)}\n`);
if (!onlyHeadwire) {
  const outDir = join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${join('bench', 'results', 'latest.json')}${detach.detected ? ' (DETACH DETECTED: see detach.problems)' : ''}`);
}
