// The model-based test of issue 8 (see model.ts), short form: a few seeded
// sequences per adapter. `npm run stress` runs the long form
// (test/stress/model-long.test.ts). HEADWIRE_MODEL_SEED replays one seed.
import { describe, expect, it } from 'vitest';
import { RIG_NAMES } from './rigs.ts';
import { runModel } from './model.ts';

const SEED = Number(process.env.HEADWIRE_MODEL_SEED ?? 8);
// slackMs: how late past its deadline a call may settle; generous, the machine is shared (bugs show as
// early timeouts, hangs or wrong bytes, not as lateness).
const OPTIONS = { sequences: 12, stepsPerSequence: 14, slackMs: 2000 };

describe('model-based: random interleavings of calls, deadlines, aborts and peer faults', () => {
  for (const [i, name] of RIG_NAMES.entries()) {
    it(`${name}: ${OPTIONS.sequences} sequences of ${OPTIONS.stepsPerSequence} steps, seed ${SEED + i}`, async () => {
      const storage = new Uint8Array(2048); // reused by every connection of this adapter
      const f = await runModel(name, SEED + i, OPTIONS, storage);
      if (process.env.HEADWIRE_MODEL_REPORT) console.log(`model ${JSON.stringify(f)}`);
      expect(f.sequences).toBe(OPTIONS.sequences);
    }, 60_000);
  }
});
