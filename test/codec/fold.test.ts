// obs-fold replacement is linear: the value is joined once, when the field is
// final, not re-trimmed at each fold. (Speed is the benchmark's job; this checks
// that a head of thousands of folds decodes, to the right value, under every chunking.)
import { describe, expect, it } from 'vitest';
import { parseHead } from '../../src/index.ts';
import { bytes, chunkings, run } from './chunking.ts';

describe('obs-fold: many folds', () => {
  const folds = 3000;
  // Each fold (CRLF and the SP/HTAB after it) becomes one SP; OWS at the ends of the whole value is trimmed.
  const wire = `HTTP/1.1 200 OK\r\nX-Long: a\r\n${' \t b\r\n'.repeat(folds)} z \t\r\nY: c\r\n\r\n`;
  const want = `a${' b'.repeat(folds)} z`;
  const options = { maxHeadSize: wire.length };

  it(`a response with ${folds} folds in one field gets one SP per fold, OWS trimmed`, () => {
    const events = parseHead('response', bytes(wire), options)!;
    expect(events.map((e) => e.type)).toEqual(['status', 'field', 'field', 'done']);
    expect(events[1]).toEqual({ type: 'field', name: 'X-Long', value: want });
    expect(events[2]).toEqual({ type: 'field', name: 'Y', value: 'c' });
  });

  it('the same value under every chunking', () => {
    for (const [how, chunks] of chunkings(bytes(wire), 3)) {
      const o = run('response', chunks, options);
      expect({ how, error: o.error, value: o.events[1] }).toEqual({ how, error: null, value: { type: 'field', name: 'X-Long', value: want } });
    }
  });

  it('folds spread over many fields each join to their own value', () => {
    let head = 'HTTP/1.1 200 OK\r\n';
    for (let f = 0; f < 50; f++) head += `F${f}: ${f}\r\n${' x\r\n'.repeat(40)}`;
    const events = parseHead('response', bytes(`${head}\r\n`), { maxHeadSize: 1 << 20 })!;
    for (let f = 0; f < 50; f++) expect(events[1 + f]).toEqual({ type: 'field', name: `F${f}`, value: `${f}${' x'.repeat(40)}` });
  });
});
