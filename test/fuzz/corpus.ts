// Seed inputs for the fuzz runner and the replay test: the peer conformance
// corpus (`input_b64`), the benchmark heads, and every saved crash.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BODY_CASES } from '../codec/body-corpus.ts';
import { bytes } from '../support/bytes.ts';
import { generateChunked } from './body-gen.ts';

export interface Seed {
  name: string;
  data: Uint8Array;
}

/** The project root: the nearest folder above this file with headwire's package.json (works from the build too). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'headwire') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('headwire package.json not found above the fuzz files');
    dir = up;
  }
}

export function crashesDir(root = projectRoot()): string {
  return join(root, 'test', 'fuzz', 'crashes');
}

function bytesOf(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function conformanceSeeds(root = projectRoot()): Seed[] {
  const cases = JSON.parse(readFileSync(join(root, 'test', 'conformance', 'peers.json'), 'utf8')) as Array<{
    id: string;
    input_b64: string;
  }>;
  return cases.map((c) => ({ name: `peers.json#${c.id}`, data: bytesOf(c.input_b64) }));
}

export function benchSeeds(root = projectRoot()): Seed[] {
  const dir = join(root, 'bench', 'inputs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.http'))
    .sort()
    .map((f) => ({ name: `bench/inputs/${f}`, data: new Uint8Array(readFileSync(join(dir, f))) }));
}

/** Every saved input in test/fuzz/crashes (`*.bin`; the `.txt` sidecars are notes). */
export function crashSeeds(root = projectRoot()): Seed[] {
  const dir = crashesDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => ({ name: `crashes/${f}`, data: new Uint8Array(readFileSync(join(dir, f))) }));
}

/** The body corpus (test/codec/body-corpus.ts) and 200 generated chunked bodies: seeds for the body checks. */
export function bodySeeds(): Seed[] {
  const corpus = BODY_CASES.map((c, i) => ({ name: `body-corpus#${i}`, data: bytes(c.wire) }));
  const generated = Array.from({ length: 200 }, (_, i) => ({ name: `body-gen#${i + 1}`, data: bytes(generateChunked(i + 1)) }));
  return [...corpus, ...generated];
}

export function allSeeds(root = projectRoot()): Seed[] {
  return [...conformanceSeeds(root), ...benchSeeds(root), ...bodySeeds(), ...crashSeeds(root)];
}

export function sha1(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/** Save a failing input as crashes/<sha1>.bin with a .txt sidecar; returns the .bin path. */
export function saveCrash(data: Uint8Array, note: string, root = projectRoot()): string {
  const dir = crashesDir(root);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, sha1(data));
  writeFileSync(`${base}.bin`, data);
  writeFileSync(`${base}.txt`, `${note.trimEnd()}\n`);
  return `${base}.bin`;
}
