// The model-based test of issue 8 (see model.ts), short form: seeded sequences
// per adapter. `npm run stress` runs the long form (test/stress/model-long.test.ts).
// HEADWIRE_MODEL_SEED=n replays one seed; HEADWIRE_MODEL_REPORT=1 prints the figures.
import { describe, expect, it } from 'vitest';
import { RIG_NAMES } from './rigs.ts';
import { runModel } from './model.ts';

const SEEDS = process.env.HEADWIRE_MODEL_SEED ? [Number(process.env.HEADWIRE_MODEL_SEED)] : [20, 40];
// slackMs: how late past its deadline a call may settle; generous, the machine is shared (bugs show as
// early timeouts, hangs, wrong bytes or unhandled rejections, not as lateness).
const OPTIONS = { sequences: 16, stepsPerSequence: 16, slackMs: 2000 };

describe('model-based: random interleavings of calls, deadlines, aborts and peer faults', () => {
  for (const seed of SEEDS) {
    for (const [i, name] of RIG_NAMES.entries()) {
      it(`${name}: ${OPTIONS.sequences} sequences of ${OPTIONS.stepsPerSequence} steps, seed ${seed + i}`, async () => {
        const storage = new Uint8Array(2048); // reused by every connection of this adapter
        const f = await runModel(name, seed + i, OPTIONS, storage);
        if (process.env.HEADWIRE_MODEL_REPORT) console.log(`model ${JSON.stringify({ ...f, outcomes: undefined })}`);
        expect(f.sequences).toBe(OPTIONS.sequences);
      }, 60_000);
    }
  }
});
