// BodyDecoder against Node's llhttp on chunked bodies (./body-differential.ts
// states the invariant): the chunked cases of the body corpus that use
// default options, and 20,000 generated bodies (./body-gen.ts), half of them
// hostile. Every disagreement must fall in a class of BODY_CLASSES; the counts
// per class are printed (docs/bodies.md quotes them).
import { describe, expect, it } from 'vitest';
import { BODY_CASES } from '../codec/body-corpus.ts';
import { bytes } from '../support/bytes.ts';
import { BODY_CLASSES, compareChunked, describeBodyComparison } from './body-differential.ts';
import { generateChunked } from './body-gen.ts';

const GENERATED = 20_000;

function tally(inputs: string[]): { counts: Record<string, number>; unexplained: string[] } {
  const counts: Record<string, number> = {};
  const unexplained: string[] = [];
  for (const s of inputs) {
    const c = compareChunked(bytes(s));
    const key = c.result ?? 'UNEXPLAINED';
    counts[key] = (counts[key] ?? 0) + 1;
    if (c.result === null && unexplained.length < 10) unexplained.push(`${JSON.stringify(s.slice(0, 200))}: ${describeBodyComparison(c)}`);
  }
  return { counts, unexplained };
}

describe('body differential against llhttp (chunked)', () => {
  it('the corpus: every disagreement is classified', () => {
    const inputs = BODY_CASES.filter((c) => (c.framing ?? { type: 'chunked' }).type === 'chunked' && !c.options && !c.eof).map((c) => c.wire);
    const { counts, unexplained } = tally(inputs);
    console.log(`body corpus vs llhttp (${inputs.length} bodies): ${JSON.stringify(counts)}`);
    expect(unexplained).toEqual([]);
    expect(counts['agree-accept']).toBeGreaterThan(10);
    expect(counts['agree-reject']).toBeGreaterThan(30);
  });

  it(`${GENERATED} generated bodies: every disagreement is classified`, () => {
    const inputs = Array.from({ length: GENERATED }, (_, i) => generateChunked(i + 1));
    const { counts, unexplained } = tally(inputs);
    console.log(`generated bodies vs llhttp (${GENERATED}, seeds 1..${GENERATED}): ${JSON.stringify(counts)}`);
    expect(unexplained).toEqual([]);
    expect(counts['agree-accept']).toBeGreaterThan(GENERATED / 5);
    expect(counts['agree-reject']).toBeGreaterThan(GENERATED / 5);
    for (const k of Object.keys(counts)) expect(k.startsWith('agree-') || k in BODY_CLASSES).toBe(true);
  });
});
