// The model-based test of issue 8 (test/adapters/model.ts), long form: run by
// `npm run stress` only (HEADWIRE_STRESS=long); `npm test` runs the short form
// in test/adapters/model.test.ts. Prints the figures per adapter.
import { describe, expect, it } from 'vitest';
import { runModel } from '../adapters/model.ts';
import { RIG_NAMES } from '../adapters/rigs.ts';

const LONG = process.env.HEADWIRE_STRESS === 'long';
const SEEDS = [1, 2, 3];
const OPTIONS = { sequences: 100, stepsPerSequence: 24, slackMs: 2000 };

describe.skipIf(!LONG)('model-based, long form', () => {
  for (const name of RIG_NAMES) {
    it(`${name}: ${SEEDS.length} seeds x ${OPTIONS.sequences} sequences x ${OPTIONS.stepsPerSequence} steps`, async () => {
      for (const seed of SEEDS) {
        const storage = new Uint8Array(2048);
        const f = await runModel(name, seed * 7919, OPTIONS, storage);
        console.log(`model ${JSON.stringify({ ...f, outcomes: undefined })}`);
        expect(f.sequences).toBe(OPTIONS.sequences);
      }
    }, 900_000);
  }
});
