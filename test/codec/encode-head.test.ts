// encodeHead against the commands. For any pieces, the one-shot encoder writes
// the bytes HeadEncoder's commands write, or throws the error the first
// refusing command throws: the same code, rule and message. Its fast path
// checks the whole head string with a few RegExps (src/codec/head-pattern.ts);
// the cases aim at what that check must not let through: a CRLF inside a
// piece (a second line), a ':' in a name (a field line that parses another
// way), and more fields than one RegExp block holds.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HeadEncoder, type HeadStart, HttpError, type HttpVersion, encodeHead } from '../../src/index.ts';
import { latin1 } from '../support/bytes.ts';

type Outcome = { wire: string } | { error: { code: string; rule: string | undefined; message: string } };

function outcome(fn: () => Uint8Array | Uint8Array[]): Outcome {
  try {
    const out = fn();
    return { wire: Array.isArray(out) ? out.map(latin1).join('') : latin1(out) };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return { error: { code: e.code, rule: e.rule, message: e.message } };
  }
}

/** The head written command by command with a fresh HeadEncoder. */
function viaCommands(start: HeadStart, fields: ReadonlyArray<readonly [string, string]>): Outcome {
  return outcome(() => {
    const e = new HeadEncoder();
    const parts = ['method' in start ? e.request(start.method, start.target, start.version) : e.status(start.code, start.reason, start.version)];
    for (const [name, value] of fields) parts.push(e.field(name, value));
    parts.push(e.done());
    return parts;
  });
}

function same(start: HeadStart, fields: ReadonlyArray<readonly [string, string]>): void {
  expect(outcome(() => encodeHead(start, fields))).toEqual(viaCommands(start, fields));
}

const many = (n: number, at = -1, bad: readonly [string, string] = ['X', 'a\r\nY: b']): Array<readonly [string, string]> =>
  Array.from({ length: n }, (_, j) => (j === at ? bad : ([`F${j}`, `v ${j}`] as const)));

type Case = { why: string; start: HeadStart; fields: Array<readonly [string, string]> };

/** Each case as a test: encodeHead writes (`ok`) or refuses, as the commands do. */
function asTests(cases: Case[], ok: boolean): void {
  for (const c of cases) {
    it(`${ok ? 'writes' : 'refuses'} as the commands do: ${c.why}`, () => {
      const got = outcome(() => encodeHead(c.start, c.fields));
      expect('wire' in got).toBe(ok);
      same(c.start, c.fields);
    });
  }
}

describe('encodeHead: what the whole-head check must refuse', () => {
  asTests([
    { why: 'a value with CRLF and a field line after it', start: { code: 200 }, fields: [['X', 'a\r\nY: b']] },
    { why: 'a value ending in CRLF (an empty line inside the head)', start: { code: 200 }, fields: [['X', 'a\r\n'], ['Y', 'b']] },
    { why: 'a name holding ": " (as a line, "A: b: c" passes as name A)', start: { code: 200 }, fields: [['A: b', 'c']] },
    { why: 'a name ending in ":"', start: { code: 200 }, fields: [['A:', 'c']] },
    { why: 'a name holding CRLF and a line of its own', start: { code: 200 }, fields: [['A: b\r\nC', 'd']] },
    { why: 'a reason with CRLF and a field line', start: { code: 200, reason: 'OK\r\nX: y' }, fields: [] },
    { why: 'a reason with CRLF, with fields after it', start: { code: 200, reason: 'OK\r\nX: y' }, fields: [['A', 'b']] },
    { why: 'a target with SP and a version', start: { method: 'GET', target: '/ HTTP/1.1' }, fields: [] },
    { why: 'a target with CRLF and a field line', start: { method: 'GET', target: '/ HTTP/1.1\r\nX: y\r\nZ:' }, fields: [] },
    { why: 'a method with SP', start: { method: 'GET /', target: 'x' }, fields: [] },
    { why: 'a method that looks like a status line', start: { method: 'HTTP/1.1', target: '200' }, fields: [] },
    { why: 'a code unit above 0xFF whose low byte is LF', start: { code: 200 }, fields: [['X', 'a\u010ab']] },
    { why: 'leading SP in a value', start: { code: 200 }, fields: [['X', ' a']] },
    { why: 'trailing HTAB in a value', start: { code: 200 }, fields: [['X', 'a\t']] },
    { why: 'a bad value in the first block of 16 fields', start: { code: 200 }, fields: many(20, 3) },
    { why: 'a bad value at the end of the first block', start: { code: 200 }, fields: many(20, 15) },
    { why: 'a bad value in the tail after two blocks', start: { code: 200 }, fields: many(35, 33) },
    { why: 'a bad name in the second block', start: { method: 'GET', target: '/' }, fields: many(40, 20, ['A: b', 'c']) },
  ], false);
});

describe('encodeHead: heads the whole-head check passes', () => {
  asTests([
    { why: 'a known status line, default reason', start: { code: 200 }, fields: [['Server', 'hw']] },
    { why: 'a known code with its phrase given, HTTP/1.0', start: { code: 404, reason: 'Not Found', version: '1.0' }, fields: [] },
    { why: 'a known code with another phrase', start: { code: 200, reason: 'Fine' }, fields: [] },
    { why: 'a known code with an empty phrase', start: { code: 200, reason: '' }, fields: [] },
    { why: 'an unknown code', start: { code: 299 }, fields: [['X', '']] },
    { why: 'values holding ":" and ": "', start: { code: 200 }, fields: [['Date', 'Tue, 14 May 2024 10:21:33 GMT'], ['X', '{"a": 1}'], ['Y', ':']] },
    { why: 'obs-text, HTAB and SP inside values', start: { method: 'GET', target: '/' }, fields: [['X', 'caf\xe9'], ['Y', 'a\t b'], ['Z', '\x80\xff']] },
    { why: 'exactly one block of 16 fields', start: { code: 200 }, fields: many(16) },
    { why: 'two blocks and a tail', start: { method: 'POST', target: '*' }, fields: many(37) },
  ], true);

  it('gives each head bytes of its own', () => {
    const a = encodeHead({ code: 200 }, [['X', 'a']]);
    const b = encodeHead({ code: 200 }, [['X', 'a']]);
    a.fill(0);
    expect(latin1(b)).toBe('HTTP/1.1 200 OK\r\nX: a\r\n\r\n');
    const big = encodeHead({ code: 200 }, [['X', 'v'.repeat(20000)]]);
    expect(big.length).toBe(17 + 3 + 20000 + 2 + 2);
  });

  it('goes on after the buffer under an earlier head was transferred away (detached)', () => {
    const a = encodeHead({ code: 200 }, [['X', 'a']]);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    expect(a.length).toBe(0);
    expect(latin1(encodeHead({ code: 204 }, [['Y', 'b']]))).toBe('HTTP/1.1 204 No Content\r\nY: b\r\n\r\n');
  });
});

describe('encodeHead: any pieces, as the commands', () => {
  // Pieces from fragments that make the cases above likely: line ends, ':',
  // SP, HTAB, CTLs, obs-text, code units above 0xFF, and text that looks like
  // a start line or a field line. Names are never empty: an empty name is
  // refused before any byte is looked at (encodeHead checks every field's
  // type first), which is covered in encoder.test.ts.
  const fragment = fc.constantFrom('a', 'Z', '0', '-', '/', ':', ': ', ' ', '\t', '\r', '\n', '\r\n', '\x00', '\x7f', '\x80', '\xe9', '\xff', '\u0100', '\u010a', '\u20ac', 'HTTP/1.1', 'X: y', '200');
  const text = fc.array(fragment, { maxLength: 5 }).map((a) => a.join(''));
  const token = fc.constantFrom('Host', 'X', 'a-b', "!#$%&'*+-.^_`|~09");
  const value = fc.constantFrom('', 'a', 'a b', 'x:y', 'a: b', 'caf\xe9', 'v\tw');
  const name = fc.oneof({ weight: 6, arbitrary: token }, { weight: 1, arbitrary: text.filter((s) => s.length > 0) });
  const field = fc.tuple(name, fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: text }));
  const version = fc.constantFrom<HttpVersion>('1.0', '1.1');
  const start: fc.Arbitrary<HeadStart> = fc.oneof(
    fc.record({ code: fc.constantFrom(100, 200, 204, 299, 404, 599), reason: fc.option(fc.oneof(fc.constantFrom('OK', 'Not Found', 'Fine'), text), { nil: undefined }), version }),
    fc.record({ method: fc.oneof({ weight: 4, arbitrary: token }, { weight: 1, arbitrary: text.filter((s) => s.length > 0) }), target: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('/', '*', '/a?b=c') }, { weight: 1, arbitrary: text.filter((s) => s.length > 0) }), version }),
  );

  it('writes the same bytes or throws the same error', () => {
    fc.assert(
      fc.property(start, fc.array(field, { maxLength: 40 }), (s, fields) => {
        same(s, fields);
      }),
      { numRuns: 2000 },
    );
  });
});
