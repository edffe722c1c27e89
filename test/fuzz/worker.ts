// One fuzzing worker (scripts/fuzz.mjs starts one per core). Each execution
// takes one input — a seed the first time round, then a mutation of a corpus
// entry — and runs, on those bytes, the target (`check`, every invariant in
// target.ts) and the differential check against llhttp (both kinds). Only such
// executions are counted. An input whose outcome signature is new (the target's
// per-option-set outcomes plus the differential classes) joins the corpus and is
// shared with the other workers: a cheap stand-in for coverage feedback.
//
// The input being run sits in shared memory, so the main thread's watchdog can
// save it if this worker hangs or dies.
import { parentPort, workerData } from 'node:worker_threads';
import { type Comparison, describeComparison, differential } from './differential.ts';
import { allSeeds } from './corpus.ts';
import { Mutator } from './mutate.ts';
import { check, stats, type Summary } from './target.ts';
import { bodyStats, checkBody } from './body-target.ts';
import { compareChunked, describeBodyComparison } from './body-differential.ts';

export interface WorkerData {
  index: number;
  workers: number;
  seed: number;
  /** Absolute end time (Date.now() ms). */
  deadline: number;
  /** [0] executions, [1] length of the input in `input`; then the input bytes. */
  shared: SharedArrayBuffer;
  /** Skip the seed pass (a replacement for a worker that hung). */
  restarted: boolean;
}

export type FromWorker =
  | {
      type: 'progress' | 'done';
      index: number;
      executions: number;
      corpus: number;
      counts: Record<string, number>;
      stats: typeof stats & typeof bodyStats;
      /** The slowest execution after warm-up (the first WARM_UP executions are not timed). */
      slowestUs: number;
      slowest: Uint8Array;
    }
  | { type: 'new'; data: Uint8Array }
  | { type: 'failure'; what: 'target' | 'differential'; data: Uint8Array; message: string };

export type ToWorker = { type: 'corpus'; data: Uint8Array };

/** Bytes before the input in `shared`: two Int32 slots (scripts/fuzz.mjs sizes the buffer). */
const SHARED_HEADER = 8;

const wd = workerData as WorkerData;
const port = parentPort!;
Error.stackTraceLimit = 0; // Errors are created on every execution; stacks are fetched again for a report.

const counters = new Int32Array(wd.shared, 0, 2);
const current = new Uint8Array(wd.shared, SHARED_HEADER);

// Seeds are cut to the shared slot's size (64 KiB; mutations stay far below it).
const seeds = allSeeds().map((s) => s.data.subarray(0, current.length));
const corpus: Uint8Array[] = seeds.slice();
const MAX_CORPUS = 100_000;
const signatures = new Set<string>();
const counts: Record<string, number> = {};
const reported = new Map<string, number>();
const mutator = new Mutator(wd.seed * 7919 + wd.index);
let executions = 0;
let seeding = !wd.restarted;
let slowestUs = 0;
let slowest = new Uint8Array(0);
const WARM_UP = 5000;

port.on('message', (m: ToWorker) => {
  if (m.type === 'corpus') addToCorpus(m.data);
});

function addToCorpus(data: Uint8Array): void {
  if (corpus.length < MAX_CORPUS) corpus.push(data);
  else corpus[seeds.length + mutator.int(MAX_CORPUS - seeds.length)] = data;
}

function report(what: 'target' | 'differential', data: Uint8Array, message: string): void {
  // At most three saved inputs per distinct failure (digits folded) and worker.
  const key = `${what}:${message.split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 200)}`;
  const n = reported.get(key) ?? 0;
  reported.set(key, n + 1);
  if (n < 3) port.postMessage({ type: 'failure', what, data: data.slice(), message } satisfies FromWorker);
}

/** The target's failure message again, with stack traces this time. */
function withStacks(data: Uint8Array, first: unknown): string {
  Error.stackTraceLimit = 30;
  try {
    check(data);
    return `${String(first)}\n(passed when run again with stack traces on)`;
  } catch (e) {
    return e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  } finally {
    Error.stackTraceLimit = 0;
  }
}

function execute(data: Uint8Array): void {
  current.set(data);
  Atomics.store(counters, 1, data.length);
  const t0 = performance.now();
  let summary: Summary | null = null;
  let signature = '';
  try {
    summary = check(data);
    signature = summary.signature;
  } catch (e) {
    report('target', data, withStacks(data, e));
    signature = 'target-failure';
  }
  let comparisons: Comparison[] = [];
  try {
    comparisons = differential(data, summary ?? undefined);
  } catch (e) {
    report('differential', data, `differential threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  for (const c of comparisons) {
    const key = `${c.kind}:${c.result ?? 'UNEXPLAINED'}`;
    counts[key] = (counts[key] ?? 0) + 1;
    signature += `|${c.result ?? 'U'}`;
    if (c.result === null) report('differential', data, `unexplained disagreement with llhttp: ${describeComparison(c)}`);
  }
  // The same bytes as a message body (body-target.ts, body-differential.ts).
  try {
    signature += `|b${checkBody(data)}`;
  } catch (e) {
    report('target', data, e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e));
    signature += '|body-failure';
  }
  try {
    const b = compareChunked(data);
    const key = `body:${b.result ?? 'UNEXPLAINED'}`;
    counts[key] = (counts[key] ?? 0) + 1;
    signature += `|${b.result ?? 'U'}`;
    if (b.result === null) report('differential', data, `unexplained disagreement with llhttp on a chunked body: ${describeBodyComparison(b)}`);
  } catch (e) {
    report('differential', data, `body differential threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  const us = (performance.now() - t0) * 1000;
  if (us > slowestUs && executions >= WARM_UP) {
    slowestUs = us;
    slowest = data.slice();
  }
  if (!signatures.has(signature)) {
    signatures.add(signature);
    if (!seeding) {
      addToCorpus(data);
      port.postMessage({ type: 'new', data } satisfies FromWorker);
    }
  }
  executions++;
  Atomics.store(counters, 0, executions);
}

function progress(type: 'progress' | 'done'): void {
  port.postMessage({ type, index: wd.index, executions, corpus: corpus.length, counts, stats: { ...stats, ...bodyStats }, slowestUs, slowest } satisfies FromWorker);
}

async function main(): Promise<void> {
  let nextProgress = Date.now() + 500;
  const tick = async (): Promise<boolean> => {
    const now = Date.now();
    if (now >= nextProgress) {
      progress('progress');
      nextProgress = now + 500;
      await new Promise((r) => setImmediate(r)); // let corpus messages from other workers in
    }
    return now < wd.deadline;
  };
  // Seeds first, each once across the workers.
  if (!wd.restarted) {
    for (let i = wd.index; i < seeds.length; i += wd.workers) {
      execute(seeds[i]!);
      if ((i & 63) === 0 && !(await tick())) break;
    }
  }
  seeding = false;
  const other = (): Uint8Array => corpus[mutator.int(corpus.length)]!;
  for (;;) {
    for (let k = 0; k < 128; k++) {
      // Newer corpus entries (found by novelty) are picked more often than seeds.
      const extra = corpus.length - seeds.length;
      const base = extra > 0 && mutator.chance(0.5) ? corpus[seeds.length + mutator.int(extra)]! : other();
      execute(mutator.mutate(base, other));
    }
    if (!(await tick())) break;
  }
  progress('done');
}

void main();
