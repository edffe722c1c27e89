// The commands' native path: a string of NATIVE_MIN (24) characters or more is
// checked by its class's RegExp and copied by the injected byte-string writer
// (Buffer#latin1Write where the root entry installed it). It must give what
// the portable charCodeAt loop gives: the same bytes, or the same error (code,
// rule and message, which names the first bad byte and its index).
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HeadEncoder, HttpError, encodeHead } from '../../src/index.ts';
import { byteStringWriter, setByteStringEncoder } from '../../src/codec/latin1.ts';
import { latin1 } from '../support/bytes.ts';

const installed = byteStringWriter();
// Where the root entry installed none (Deno, a browser), a
// writer that keeps the low byte of each code unit, as latin1Write does.
const writer = installed ?? ((s: string, out: Uint8Array, at: number): void => {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
});

afterEach(() => setByteStringEncoder(installed));

type Outcome = { wire: string } | { error: { code: string; rule: string | undefined; message: string } };

function outcome(fn: () => Uint8Array): Outcome {
  try {
    return { wire: latin1(fn()) };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return { error: { code: e.code, rule: e.rule, message: e.message } };
  }
}

/** `fn` with a writer, then with none (the portable loop): both outcomes. */
function bothWays(fn: () => Uint8Array): [Outcome, Outcome] {
  setByteStringEncoder(writer);
  const native = outcome(fn);
  setByteStringEncoder(null);
  const portable = outcome(fn);
  setByteStringEncoder(installed);
  return [native, portable];
}

const long = 'a'.repeat(30);
const field = (name: string, value: string) => (): Uint8Array => {
  const e = new HeadEncoder();
  e.request('GET', '/');
  return e.field(name, value);
};

describe('HeadEncoder, long strings: the native path gives what the loop gives', () => {
  it('the root entry installs Buffer#latin1Write where the runtime has it, but not on Deno (its Buffer is JavaScript)', () => {
    const write = (globalThis as { Buffer?: { prototype?: { latin1Write?: unknown } } }).Buffer?.prototype?.latin1Write;
    expect(installed !== null).toBe(typeof write === 'function' && !('Deno' in globalThis));
  });

  const cases: Array<{ why: string; call: () => Uint8Array; ok: boolean }> = [
    { why: 'a long value', call: field('X', `${long} b`), ok: true },
    { why: 'a long value with obs-text 0x80-0xFF and HTAB', call: field('X', `${long}\x80\x9f\t\xe9\xff`), ok: true },
    { why: 'a long name', call: field(`X-${long}`, 'v'), ok: true },
    { why: 'a long target', call: () => new HeadEncoder().request('GET', `/${long}?q=%20`), ok: true },
    { why: 'a long method', call: () => new HeadEncoder().request(`M${long.toUpperCase()}`, '/'), ok: true },
    { why: 'a long reason', call: () => new HeadEncoder().status(200, `Fine ${long}\xe9`), ok: true },
    { why: 'CR late in a long value', call: field('X', `${long}\rb`), ok: false },
    { why: 'CRLF and a field line in a long value', call: field('X', `${long}\r\nEvil: 1`), ok: false },
    { why: 'U+0100 (low byte 0x00) in a long value', call: field('X', `${long}\u0100`), ok: false },
    { why: 'U+010A (low byte LF) in a long value', call: field('X', `${long}\u010a`), ok: false },
    { why: 'U+0141 (low byte "A") in a long value: the writer would keep only the low byte', call: field('X', `${long}\u0141`), ok: false },
    { why: 'a lone surrogate in a long value', call: field('X', `${long}\ud800`), ok: false },
    { why: 'leading SP on a long value', call: field('X', ` ${long}`), ok: false },
    { why: 'trailing HTAB on a long value', call: field('X', `${long}\t`), ok: false },
    { why: "':' in a long name", call: field(`${long}:`, 'v'), ok: false },
    { why: 'SP in a long target', call: () => new HeadEncoder().request('GET', `/${long} x`), ok: false },
    { why: 'obs-text in a long target', call: () => new HeadEncoder().request('GET', `/${long}\xe9`), ok: false },
    { why: 'LF in a long reason', call: () => new HeadEncoder().status(200, `${long}\n`), ok: false },
  ];
  for (const c of cases) {
    it(`${c.ok ? 'writes' : 'refuses'} ${c.why}`, () => {
      const [native, portable] = bothWays(c.call);
      expect(native).toEqual(portable);
      expect('wire' in native).toBe(c.ok);
    });
  }

  it('encodeHead refuses a long piece with the same error either way', () => {
    const [native, portable] = bothWays(() => encodeHead({ code: 200 }, [['X', `${long}\u010aY: 1`]]));
    expect(native).toEqual(portable);
    expect('error' in native).toBe(true);
  });

  it('any long field, either way', () => {
    const fragment = fc.constantFrom('a', 'Z', '-', ':', ' ', '\t', '\r', '\n', '\x00', '\x7f', '\x80', '\xff', '\u0100', '\u0141', 'abcdefghijklmnop');
    const text = fc.array(fragment, { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
    const name = fc.oneof(fc.constant('X'), fc.constant('A-Long-Field-Name-For-The-Native-Path'), text);
    fc.assert(
      fc.property(name, text, (n, v) => {
        const [native, portable] = bothWays(field(n, v));
        expect(native).toEqual(portable);
      }),
      { numRuns: 1000 },
    );
  });
});
