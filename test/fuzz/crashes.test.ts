// Replays every input the fuzz runner saved in test/fuzz/crashes/ through the
// target (`fuzz`, whose invariant is written at the top of ./target.ts) and the
// differential check against llhttp (./differential.ts): a saved input fails
// here until the bug it found is fixed (or the disagreement is classified).
// An empty directory passes. Then a bounded smoke run: the target and the
// differential over the seed corpus and a few thousand deterministic mutations,
// so `npm test` exercises them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSeeds, crashesDir } from './corpus.ts';
import { describeComparison, differential } from './differential.ts';
import { Mutator } from './mutate.ts';
import { fuzz } from './target.ts';
import { checkBody } from './body-target.ts';
import { compareChunked, describeBodyComparison } from './body-differential.ts';

const dir = crashesDir();
const saved = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')).sort() : [];

/** The differential's unexplained disagreements on `data`, as readable lines. */
function unexplained(data: Uint8Array): string[] {
  const out = differential(data)
    .filter((c) => c.result === null)
    .map(describeComparison);
  const body = compareChunked(data);
  if (body.result === null) out.push(describeBodyComparison(body));
  return out;
}

describe('saved fuzz inputs (test/fuzz/crashes)', () => {
  it(`the directory holds ${saved.length} saved input(s)`, () => {
    expect(existsSync(dir)).toBe(true);
  });

  for (const file of saved) {
    it(`replays ${file}`, () => {
      const data = new Uint8Array(readFileSync(join(dir, file)));
      const note = join(dir, file.replace(/\.bin$/, '.txt'));
      const context = existsSync(note) ? `\n(found by the runner: ${readFileSync(note, 'utf8').split('\n')[0]})` : '';
      try {
        fuzz(data);
        checkBody(data);
      } catch (e) {
        throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}${context}`);
      }
      expect(unexplained(data), `${file}${context}`).toEqual([]);
    });
  }
});

describe('fuzz smoke run', () => {
  it('the target and the differential hold on the seed corpus and 3000 mutations', () => {
    const seeds = allSeeds().map((s) => s.data);
    expect(seeds.length).toBeGreaterThan(600);
    const m = new Mutator(20261125);
    const other = (): Uint8Array => seeds[m.int(seeds.length)]!;
    const inputs = [...seeds];
    for (let i = 0; i < 3000; i++) inputs.push(m.mutate(other(), other));
    const started = performance.now();
    const failures: string[] = [];
    let runs = 0;
    for (const data of inputs) {
      // Bounded: the whole corpus always, mutations while under 4 s.
      if (runs >= seeds.length && performance.now() - started > 4000) break;
      runs++;
      try {
        fuzz(data);
        checkBody(data);
      } catch (e) {
        failures.push(`${JSON.stringify(String.fromCharCode(...data.subarray(0, 200)))}: ${e instanceof Error ? e.message : String(e)}`);
      }
      for (const u of unexplained(data)) failures.push(`${JSON.stringify(String.fromCharCode(...data.subarray(0, 200)))}: ${u}`);
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(seeds.length);
  });
});
