#!/usr/bin/env node
// `npm run fuzz -- [--seconds N] [--workers N] [--seed N]`: headwire's own
// mutation fuzzer (Jazzer.js cannot load on this glibc; TOOLCHAIN.md).
//
// 1. Builds the fuzz target with plain tsc (tsconfig.fuzz.json -> .fuzz-build/,
//    which ignores itself in git) and runs plain JS: Node 20 cannot run .ts.
// 2. Starts one worker per core (test/fuzz/worker.ts). Each execution runs one
//    input through the target (every invariant in test/fuzz/target.ts) and the
//    differential check against Node's llhttp (test/fuzz/differential.ts).
// 3. A watchdog reads each worker's execution counter and current input from
//    shared memory: a worker stuck on one input for --hang-seconds is a hang; its
//    input is saved and the worker replaced.
// 4. Every failure (invariant violation, unexplained disagreement with llhttp,
//    hang, worker crash) is saved to test/fuzz/crashes/<sha1>.bin with a .txt
//    sidecar; the run then exits 1. Counts go to stdout and test/fuzz/last-run.json.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = join(ROOT, '.fuzz-build');
const LAST_RUN = join(ROOT, 'test', 'fuzz', 'last-run.json');
// Shared memory per worker: [executions, input length] as Int32, then the input being run.
const SHARED_HEADER = 8;
const SHARED_INPUT = 65536;

function parseArgs(argv) {
  const o = { seconds: 60, workers: availableParallelism(), seed: Date.now() % 1_000_000_007, hangSeconds: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name) => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) usage(`${name} needs a non-negative number`);
      return v;
    };
    if (a === '--seconds') o.seconds = num(a);
    else if (a === '--workers') o.workers = Math.max(1, Math.floor(num(a)));
    else if (a === '--seed') o.seed = Math.floor(num(a));
    else if (a === '--hang-seconds') o.hangSeconds = num(a);
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  return o;
}

function usage(err) {
  if (err) console.error(`fuzz: ${err}`);
  console.error('usage: npm run fuzz -- [--seconds N] [--workers N] [--seed N] [--hang-seconds N]');
  process.exit(2);
}

function build() {
  const t0 = Date.now();
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.fuzz.json')], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('fuzz: build failed (tsc -p tsconfig.fuzz.json)');
    process.exit(2);
  }
  mkdirSync(BUILD, { recursive: true });
  writeFileSync(join(BUILD, '.gitignore'), '# build output of tsconfig.fuzz.json (npm run fuzz)\n*\n');
  return Date.now() - t0;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const buildMs = build();
  const mod = (p) => import(pathToFileURL(join(BUILD, p)).href);
  const { CLASSES, describeComparison, differential } = await mod('test/fuzz/differential.js');
  const { BODY_CLASSES } = await mod('test/fuzz/body-differential.js');
  const { llhttpInfo } = await mod('test/fuzz/llhttp.js');
  const { saveCrash, allSeeds } = await mod('test/fuzz/corpus.js');
  const { ALL_FEEDINGS } = await mod('test/fuzz/target.js');
  const { MAX_LEN, HARD_MAX_LEN } = await mod('test/fuzz/mutate.js');

  const info = llhttpInfo();
  const seedCount = allSeeds().length;
  console.log(
    `fuzz: ${opts.workers} workers, ${opts.seconds} s, seed ${opts.seed}; ${seedCount} seed inputs; ` +
      `node ${info.node}, llhttp ${info.llhttp}${info.insecureHttpParser ? ' (--insecure-http-parser is ON)' : ', strict'}; build ${buildMs} ms`,
  );

  const start = Date.now();
  const deadline = start + opts.seconds * 1000;
  const workers = new Map(); // index -> { worker, shared, counters, lastExec, lastChange, final, progress, exited }
  const failures = [];
  const retired = []; // workers replaced after a hang: { executions, progress }
  let added = 0;
  const savedFiles = new Set();

  function save(data, note) {
    const file = saveCrash(data, note, ROOT);
    if (!savedFiles.has(file)) {
      savedFiles.add(file);
      console.log(`  saved ${relative(ROOT, file)}`);
    }
    return relative(ROOT, file);
  }

  function fail(what, data, message) {
    const first = message.split('\n')[0];
    console.log(`\nFAILURE (${what}): ${first.slice(0, 400)}`);
    console.log(`  input (${data.length} bytes): ${JSON.stringify(Buffer.from(data).toString('latin1')).slice(0, 400)}`);
    let note = `${what}\n${message}\n\ninput (latin1, JSON-escaped): ${JSON.stringify(Buffer.from(data).toString('latin1'))}\n`;
    if (what !== 'differential') {
      try {
        note += `\ndifferential on this input:\n${differential(data).map(describeComparison).join('\n')}\n`;
      } catch (e) {
        note += `\ndifferential threw: ${e}\n`;
      }
    }
    const file = save(data, note);
    failures.push({ what, message: first, file });
  }

  function startWorker(index, restarted) {
    const shared = new SharedArrayBuffer(SHARED_HEADER + SHARED_INPUT);
    const counters = new Int32Array(shared, 0, 2);
    const worker = new Worker(join(BUILD, 'test', 'fuzz', 'worker.js'), {
      workerData: { index, workers: opts.workers, seed: opts.seed, deadline, shared, restarted },
    });
    const w = { worker, shared, counters, lastExec: -1, lastChange: Date.now(), final: null, progress: null, exited: false };
    workers.set(index, w);
    worker.on('message', (m) => {
      if (m.type === 'new') {
        added++;
        for (const [i, o] of workers) if (i !== index && !o.exited) o.worker.postMessage({ type: 'corpus', data: m.data });
      } else if (m.type === 'failure') {
        fail(m.what, m.data, m.message);
      } else if (m.type === 'progress') {
        w.progress = m;
      } else if (m.type === 'done') {
        w.progress = m;
        w.final = m;
      }
    });
    worker.on('error', (e) => {
      const data = currentInput(w);
      fail('worker-crash', data, `worker ${index} died: ${e?.stack ?? e}`);
    });
    worker.on('exit', () => {
      w.exited = true;
    });
    return w;
  }

  function currentInput(w) {
    const len = Atomics.load(w.counters, 1);
    return new Uint8Array(w.shared, SHARED_HEADER, len).slice();
  }

  for (let i = 0; i < opts.workers; i++) startWorker(i, false);

  const totals = () => {
    // Executions come from the shared counters (exact, even for a worker that hung before reporting).
    let executions = 0;
    for (const w of workers.values()) executions += Atomics.load(w.counters, 0);
    for (const r of retired) executions += r.executions;
    const counts = {};
    const stats = {};
    let corpus = 0;
    let slowestUs = 0;
    let slowest = new Uint8Array(0);
    const add = (p) => {
      if (!p) return;
      corpus = Math.max(corpus, p.corpus);
      for (const [k, v] of Object.entries(p.counts)) counts[k] = (counts[k] ?? 0) + v;
      for (const [k, v] of Object.entries(p.stats)) stats[k] = (stats[k] ?? 0) + v;
      if (p.slowestUs > slowestUs) {
        slowestUs = p.slowestUs;
        slowest = p.slowest;
      }
    };
    for (const w of workers.values()) add(w.progress);
    for (const r of retired) add(r.progress);
    return { executions, counts, stats, corpus, slowestUs, slowest };
  };

  // Watchdog and progress.
  let lastPrint = start;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      for (const [index, w] of workers) {
        if (w.exited) continue;
        const n = Atomics.load(w.counters, 0);
        if (n !== w.lastExec) {
          w.lastExec = n;
          w.lastChange = now;
        } else if (now - w.lastChange > opts.hangSeconds * 1000) {
          const data = currentInput(w);
          fail('hang', data, `worker ${index}: no execution finished in ${opts.hangSeconds} s (execution ${n + 1})`);
          retired.push({ executions: n, progress: w.progress });
          void w.worker.terminate();
          w.exited = true;
          if (now < deadline - 1000) startWorker(index, true);
        }
      }
      if (now - lastPrint >= 5000) {
        lastPrint = now;
        const t = totals();
        const s = (now - start) / 1000;
        console.log(`#${fmt(t.executions)}  ${fmt(t.executions / s)} exec/s  corpus ${fmt(seedCount + added)}  failures ${failures.length}  (${s.toFixed(0)} s)`);
      }
      const running = [...workers.values()].filter((w) => !w.exited && !w.final);
      if (running.length === 0 || now > deadline + 30_000) {
        clearInterval(timer);
        resolve();
      }
    }, 250);
  });
  const elapsed = (Date.now() - start) / 1000;
  for (const w of workers.values()) if (!w.exited) await w.worker.terminate();

  const t = totals();
  const perKind = { request: {}, response: {}, body: {} };
  for (const [k, v] of Object.entries(t.counts)) {
    const [kind, cls] = k.split(':');
    perKind[kind][cls] = v;
  }
  const classNames = [...Object.keys(CLASSES), 'UNEXPLAINED'];
  const agreeNames = ['agree-accept', 'agree-reject', 'agree-incomplete'];

  console.log(`\nexecutions:  ${fmt(t.executions)} in ${elapsed.toFixed(1)} s = ${fmt(t.executions / elapsed)} exec/s (${opts.workers} workers)`);
  console.log(`corpus:      ${fmt(seedCount + added)} (${seedCount} seeds + ${added} found by outcome novelty)`);
  console.log(`slowest:     ${(t.slowestUs / 1000).toFixed(2)} ms (after warm-up) on a ${t.slowest.length}-byte input`);
  console.log(
    `target:      ${fmt(t.stats.splitRuns ?? 0)} split feedings, ${fmt(t.stats.bytewiseRuns ?? 0)} byte-by-byte feedings, ` +
      `${fmt(t.stats.heads ?? 0)} heads re-encoded and decoded again, ${t.stats.refusedFields ?? 0} field values refused by the encoder`,
  );
  console.log(`failures:    ${failures.length}`);
  console.log('\ndifferential against llhttp (parseHead defaults vs strict llhttp), per input and kind:');
  const pad = (s, n) => String(s).padEnd(n);
  const padl = (s, n) => String(s).padStart(n);
  console.log(`  ${pad('class', 24)}${padl('request', 12)}${padl('response', 12)}${padl('total', 12)}`);
  for (const name of [...agreeNames, ...classNames]) {
    const a = perKind.request[name] ?? 0;
    const b = perKind.response[name] ?? 0;
    if (name === 'UNEXPLAINED' && a + b === 0) continue;
    console.log(`  ${pad(name, 24)}${padl(fmt(a), 12)}${padl(fmt(b), 12)}${padl(fmt(a + b), 12)}`);
  }

  console.log('\nthe same inputs as chunked bodies (BodyDecoder defaults vs strict llhttp after a chunked request head):');
  for (const name of [...agreeNames, ...Object.keys(BODY_CLASSES), 'UNEXPLAINED']) {
    const n = perKind.body[name] ?? 0;
    if (name === 'UNEXPLAINED' && n === 0) continue;
    console.log(`  ${pad(name, 24)}${padl(fmt(n), 12)}`);
  }
  console.log(
    `body target: ${fmt(t.stats.bodyRuns ?? 0)} body decodes (3 feedings x 5 framings/option sets per input), ` +
      `${fmt(t.stats.bodiesAccepted ?? 0)} bodies ended, ${fmt(t.stats.bodiesReencoded ?? 0)} chunked bodies re-encoded and decoded again`,
  );

  const result = {
    command: `npm run fuzz -- ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    seed: opts.seed,
    workers: opts.workers,
    seconds: elapsed,
    executions: t.executions,
    executionsPerSecond: t.executions / elapsed,
    corpus: { seeds: seedCount, added, total: seedCount + added },
    slowest: { ms: t.slowestUs / 1000, bytes: t.slowest.length, input: Buffer.from(t.slowest).toString('latin1') },
    perExecution:
      `check(data) from test/fuzz/target.ts (its header states every invariant; whole feeding in 5 option sets x 2 kinds, ` +
      `parseHead/scanHead in 2 of them, one split and one byte-by-byte feeding per kind; every option set and check for inputs <= ${ALL_FEEDINGS} bytes), ` +
      `then differential(data) from test/fuzz/differential.ts against llhttp, as a request and as a response, ` +
      `then checkBody(data) from test/fuzz/body-target.ts and compareChunked(data) from test/fuzz/body-differential.ts. ` +
      `Mutated inputs are cut to ${MAX_LEN} bytes (5% may keep up to ${HARD_MAX_LEN}).`,
    target: t.stats,
    llhttp: info,
    differential: { request: perKind.request, response: perKind.response },
    classes: CLASSES,
    bodyDifferential: perKind.body,
    bodyClasses: BODY_CLASSES,
    failures,
  };
  writeFileSync(LAST_RUN, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${relative(ROOT, LAST_RUN)}`);
  if (failures.length > 0) {
    console.log(`${failures.length} failure(s); inputs in test/fuzz/crashes/ (replay: npx vitest run test/fuzz)`);
    process.exit(1);
  }
}

await main();
