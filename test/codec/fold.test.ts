// obs-fold replacement is linear: the value is joined once, when the field is
// final, not re-trimmed at each fold. (Speed is the benchmark's job; this checks
// that a head of thousands of folds decodes, to the right value, under every chunking.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHead } from '../../src/index.ts';
import { bytes, chunkings, randomSplit, run } from './chunking.ts';

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

// The unfolding rule written the plain way, to check the one-pass join against:
// each line break and the SP / HTAB after it become one SP, then OWS is trimmed.
const unfoldRef = (raw: string): string => raw.replace(/\r?\n[\t ]*/g, ' ').replace(/^[\t ]+|[\t ]+$/g, '');

describe('obs-fold: generated folds against the plain rule', () => {
  // A value or continuation text: VCHAR, SP, HTAB and obs-text, possibly empty or all whitespace.
  const text = fc.array(fc.constantFrom('a', 'Z', '~', ' ', '\t', '\x80', '\xe9', '\xff'), { maxLength: 12 }).map((cs) => cs.join(''));
  const noEdgeWs = text.map((t) => t.replace(/^[\t ]+/, ''));
  const field = fc.record({
    value: noEdgeWs,
    folds: fc.array(fc.record({ ws: fc.constantFrom(' ', '\t', '  ', ' \t '), text: noEdgeWs }), { maxLength: 6 }),
  });

  it('every field, in random splits, with CRLF or (lfOnly) bare LF line ends', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.integer(), (fields, lf, seed) => {
        const eol = lf ? '\n' : '\r\n';
        let wire = `HTTP/1.1 200 OK${eol}`;
        const want: string[] = [];
        fields.forEach((f, i) => {
          let raw = f.value;
          for (const c of f.folds) raw += `${eol}${c.ws}${c.text}`;
          wire += `F${i}: ${raw}${eol}`;
          want.push(unfoldRef(raw));
        });
        const b = new Uint8Array([...`${wire}${eol}`].map((c) => c.charCodeAt(0)));
        const options = lf ? { lenient: { lfOnly: true } } : undefined;
        for (const chunks of [[b], randomSplit(b, seed), randomSplit(b, seed + 1)]) {
          const o = run('response', chunks, options);
          expect(o.error).toBeNull();
          expect(o.events.filter((e) => e.type === 'field').map((e) => (e.type === 'field' ? e.value : ''))).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});
