#!/usr/bin/env node
// `npm test`: type-check, build, then the suites under vitest (Node), the real
// Deno binary, Bun and headless Chromium. Each runner writes a machine-readable report; the last
// line printed is the plain `N passed, N failed` that CI reads. Exits non-zero
// when any step fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const VITEST_REPORT = '.vitest-report.json';
const DENO_REPORT = '.deno-report.xml';
const BUN_REPORT = '.bun-report.xml';
const BROWSER_REPORT = '.browser-report.json';
const CODEC_TESTS = 'test/codec';
const DENO_INTEROP_TESTS = 'test/deno'; // Deno-only: Deno.connect, Deno.serve, Deno.listen, fetch on loopback

const bin = (name) => `node_modules/.bin/${name}`;
const steps = [
  { name: 'typecheck', cmd: bin('tsc'), args: ['-p', 'tsconfig.json'] },
  { name: 'build', cmd: bin('tsc'), args: ['-p', 'tsconfig.build.json'] },
  {
    name: 'vitest',
    cmd: bin('vitest'),
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_REPORT}`],
    report: () => {
      const r = JSON.parse(readFileSync(VITEST_REPORT, 'utf8'));
      return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) };
    },
  },
  {
    name: 'deno',
    cmd: bin('deno'),
    args: ['test', '--no-check', '--allow-env', '--allow-read', `--junit-path=${DENO_REPORT}`, CODEC_TESTS],
    report: () => junit(DENO_REPORT),
  },
  {
    name: 'deno-interop',
    cmd: bin('deno'),
    args: ['test', '--no-check', '--allow-env', '--allow-read', '--allow-net=127.0.0.1', `--junit-path=${DENO_REPORT}`, DENO_INTEROP_TESTS],
    report: () => junit(DENO_REPORT),
  },
  {
    name: 'bun',
    cmd: bin('bun'),
    args: ['test', '--reporter=junit', `--reporter-outfile=${BUN_REPORT}`, CODEC_TESTS],
    report: () => junit(BUN_REPORT),
  },
  {
    // test/codec in headless Chromium (Debian's chromium, driven by playwright-core)
    name: 'browser',
    cmd: process.execPath,
    args: ['scripts/browser.mjs', '--report', BROWSER_REPORT],
    report: () => JSON.parse(readFileSync(BROWSER_REPORT, 'utf8')),
  },
];

/**
 * Count test cases and failed ones in a JUnit XML report. Deno lists a describe()
 * block as a test case of its own besides its steps (`block > step`); only leaves count.
 */
function junit(file) {
  const xml = readFileSync(file, 'utf8');
  const cases = [...xml.matchAll(/<testcase\b[^>]*?\bname="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    name: m[1],
    body: m[3] ?? '',
  }));
  const names = cases.map((c) => c.name);
  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    if (names.some((n) => n.startsWith(`${c.name} &gt; `))) continue;
    if (/<(failure|error)\b/.test(c.body)) failed++;
    else if (!/<skipped\b/.test(c.body)) passed++;
  }
  return { passed, failed };
}

const lines = [];
let passed = 0;
let failed = 0;
for (const step of steps) {
  for (const f of [VITEST_REPORT, DENO_REPORT, BUN_REPORT, BROWSER_REPORT]) rmSync(f, { force: true });
  console.log(`\n> ${step.name}: ${step.cmd} ${step.args.join(' ')}`);
  const r = spawnSync(step.cmd, step.args, { stdio: 'inherit' });
  let counts = { passed: 0, failed: 0 };
  if (step.report) {
    try {
      counts = step.report();
    } catch (e) {
      console.error(`${step.name}: no report (${e.message})`);
    }
  }
  // A step that exits non-zero counts as a failure even when its report shows none.
  if (r.status !== 0 && counts.failed === 0) counts.failed = 1;
  passed += counts.passed;
  failed += counts.failed;
  const exit = r.status === 0 ? '' : ` (exit ${r.status ?? r.signal})`;
  // A step that runs no tests (typecheck, build) says ok or failed, not `0 passed`.
  lines.push(step.report ? `${step.name}: ${counts.passed} passed, ${counts.failed} failed${exit}` : `${step.name}: ${r.status === 0 ? 'ok' : 'failed'}${exit}`);
  if (step.name === 'build' && r.status !== 0) break;
}
for (const f of [VITEST_REPORT, DENO_REPORT, BUN_REPORT, BROWSER_REPORT]) if (existsSync(f)) rmSync(f);
console.log(`\n${lines.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
