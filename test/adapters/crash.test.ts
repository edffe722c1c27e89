// Issue 8, row 2, on every adapter: a write left pending when its call stopped
// waiting, then failing, must not kill the process with an unhandled
// rejection. Each scenario runs in its own Node process (crash-child.mjs,
// against the built dist/): Node exits with code 1 on an unhandled rejection.
// Vitest under Node only (it spawns processes).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

beforeAll(() => {
  // `npm test` builds first; when vitest runs alone, build a missing or stale dist/.
  const built = join(ROOT, 'dist', 'node.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(ROOT, 'src'))) {
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
  }
}, 60_000);

function runChild(scenario: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, scenario], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

// What each call returns: 'ok' or its HttpError code.
const CASES: Record<string, string[]> = {
  'net-done0-close': ['ETIMEDOUT'],
  'net-done0-rst': ['ETIMEDOUT', 'ECONNRESET'],
  'net-near-deadline': ['ETIMEDOUT'],
  'net-past-deadline': ['ETIMEDOUT'],
  'net-abort-rst': ['ECANCELED', 'ECONNRESET'],
  'streams-full-close': ['ETIMEDOUT'],
  'streams-sink-fails': ['ETIMEDOUT', 'ECONNRESET'],
  'memory-peer-gone': ['ECONNRESET', 'ECONNRESET'],
  'pending-receives-close': Array(3).fill('EBADF,ETIMEDOUT,ECANCELED,ETIMEDOUT'),
};

describe('a write failing after its call stopped waiting never crashes the process (child processes)', () => {
  for (const [scenario, want] of Object.entries(CASES)) {
    it(scenario, async () => {
      const r = await runChild(scenario);
      expect(r.stderr).not.toMatch(/Unhandled|unhandled|Error/);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ scenario, result: want });
    }, 30_000);
  }
});
