// keepAlive(version, fields): connection persistence (RFC 9112 §9.3) from the
// Connection field, as a table; then properties over list syntax and case.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HttpVersion, keepAlive } from '../../src/index.ts';

type Fields = Array<[string, string]>;
const f = (list: Fields) => list.map(([name, value]) => ({ name, value }));

const cases: Array<{ why: string; version: HttpVersion; fields: Fields; keep: boolean }> = [
  { why: 'HTTP/1.1 persists by default', version: '1.1', fields: [['Host', 'a']], keep: true },
  { why: 'HTTP/1.1 with close', version: '1.1', fields: [['Connection', 'close']], keep: false },
  { why: 'HTTP/1.1: close in any case', version: '1.1', fields: [['connection', 'CLOSE']], keep: false },
  { why: 'HTTP/1.1: close as one element of a list', version: '1.1', fields: [['Connection', 'Upgrade, close']], keep: false },
  { why: 'HTTP/1.1: close on a second Connection line', version: '1.1', fields: [['Connection', 'keep-alive'], ['Connection', 'close']], keep: false },
  { why: 'HTTP/1.1: OWS and empty elements around close', version: '1.1', fields: [['Connection', ' ,\t close \t, ,']], keep: false },
  { why: 'HTTP/1.1: "closed" is another option, not close', version: '1.1', fields: [['Connection', 'closed']], keep: true },
  { why: 'HTTP/1.1: "close" inside a longer element is not close', version: '1.1', fields: [['Connection', 'x-close, close-ish']], keep: true },
  { why: 'HTTP/1.1: close in another field does not count', version: '1.1', fields: [['Proxy-Connection', 'close']], keep: true },
  { why: 'HTTP/1.1: keep-alive changes nothing', version: '1.1', fields: [['Connection', 'keep-alive']], keep: true },
  { why: 'HTTP/1.0 closes by default', version: '1.0', fields: [['Host', 'a']], keep: false },
  { why: 'HTTP/1.0 with keep-alive persists', version: '1.0', fields: [['Connection', 'keep-alive']], keep: true },
  { why: 'HTTP/1.0: Keep-Alive in any case', version: '1.0', fields: [['CONNECTION', 'Keep-Alive']], keep: true },
  { why: 'HTTP/1.0: keep-alive in a list', version: '1.0', fields: [['Connection', 'TE, keep-alive']], keep: true },
  { why: 'HTTP/1.0: close wins over keep-alive', version: '1.0', fields: [['Connection', 'keep-alive, close']], keep: false },
  { why: 'HTTP/1.0: the Keep-Alive field alone is not the option', version: '1.0', fields: [['Keep-Alive', 'timeout=5']], keep: false },
  { why: 'HTTP/1.0: "keep-alive" with a non-ASCII fold is not the option (U+212A is not k)', version: '1.0', fields: [['Connection', '\u212aeep-alive']], keep: false },
];

describe('keepAlive', () => {
  for (const c of cases) {
    it(`${c.version}: ${c.why} -> ${c.keep}`, () => {
      expect(keepAlive(c.version, f(c.fields))).toBe(c.keep);
    });
  }

  it('a version other than 1.0 or 1.1 is EINVAL (rule version)', () => {
    expect(() => keepAlive('2.0' as HttpVersion, [])).toThrow(expect.objectContaining({ code: 'EINVAL', rule: 'version' }));
  });

  it('a list reads the same on one line or one line per element, in any ASCII case', () => {
    const element = fc.constantFrom('close', 'Close', 'keep-alive', 'KEEP-ALIVE', 'upgrade', 'te', '', ' ', 'x');
    fc.assert(
      fc.property(fc.constantFrom('1.0' as const, '1.1' as const), fc.array(element, { maxLength: 5 }), (version, elements) => {
        const one = keepAlive(version, f([['Connection', elements.join(',')]]));
        const many = keepAlive(version, f(elements.map((e): [string, string] => ['connection', e])));
        expect(many).toBe(one);
        const lower = elements.map((e) => e.trim().toLowerCase());
        expect(one).toBe(!lower.includes('close') && (version === '1.1' || lower.includes('keep-alive')));
      }),
      { numRuns: 1000 },
    );
  });
});
