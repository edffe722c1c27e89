// The Rule union against reality and against its documentation.
//
// - RULES (src/codec/rules.ts) and the table in docs/errors.md list the same
//   rules, once each, and every rule is named somewhere in src/.
// - Every member is provoked here (PROVOKE is a Record<Rule, ...>, so a new
//   member without a provoker fails the typecheck), and the error carries it.
// - Every error the conformance corpus, the body corpus, the fuzz seeds and a
//   bounded run of the fuzz mutator provoke (heads, framing(), bodies) names a
//   rule in RULES, with a code and status hint that its docs/errors.md row lists.
// - Every rule the test suites expect (a `rule:` or `rule ===` literal) is in RULES.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BodyDecoder,
  BodyEncoder,
  type Framing,
  HeadDecoder,
  HeadEncoder,
  type HeadEvent,
  type HeadKind,
  HttpError,
  RULES,
  type Rule,
  attachMem,
  encodeHead,
  framing,
  keepAlive,
  memoryPair,
  parseHead,
  scanHead,
  setByteStringDecoder,
} from '../src/index.ts';
import { setByteStringEncoder } from '../src/codec/latin1.ts';
import { BODY_CASES, CHUNKED } from './codec/body-corpus.ts';
import { bytes } from './codec/chunking.ts';
import { allSeeds } from './fuzz/corpus.ts';
import { Mutator } from './fuzz/mutate.ts';

// Node only (vitest): it reads src/ and docs/, which the browser suite does not serve.
const ROOT = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

interface Row {
  codes: Set<string>;
  hints: Set<number>;
}

/** The rules table of docs/errors.md: rule -> codes and status hints. */
function documented(): Map<string, Row> {
  const rows = new Map<string, Row>();
  const text = read('docs/errors.md');
  const table = text.slice(text.indexOf('| rule | codes | statusHint | meaning |'));
  for (const line of table.split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [rule, codes, hints] = line.split('|').slice(1, 4).map((c) => c.trim());
    const name = /^`([^`]+)`$/.exec(rule!)?.[1];
    expect(name, `a rule cell in docs/errors.md: ${line}`).toBeDefined();
    expect(rows.has(name!), `rule ${name} listed twice in docs/errors.md`).toBe(false);
    rows.set(name!, {
      codes: new Set([...codes!.matchAll(/`(E[A-Z]+)`/g)].map((m) => m[1]!)),
      hints: new Set(hints === '–' ? [] : hints!.split(',').map((h) => Number(h.trim()))),
    });
  }
  return rows;
}

const DOCS = documented();

function sourceFiles(dir: URL): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(new URL(`${e.name}/`, dir)) : e.name.endsWith('.ts') ? [readFileSync(new URL(e.name, dir), 'utf8')] : [],
  );
}

/** Fail unless `e` is an HttpError whose rule is in RULES and whose code and hint its docs row lists. */
function checkDocumented(e: unknown, where: string): HttpError {
  expect(e, where).toBeInstanceOf(HttpError);
  const err = e as HttpError;
  expect(RULES, `${where}: ${err.message}`).toContain(err.rule);
  const row = DOCS.get(err.rule!)!;
  expect([...row.codes], `${where}: the code of rule ${err.rule}`).toContain(err.code);
  if (err.statusHint !== undefined) expect([...row.hints], `${where}: the status hint of rule ${err.rule}`).toContain(err.statusHint);
  return err;
}

/** The error `f` throws or rejects with. */
async function caught(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}

const head = (s: string) => parseHead('request', bytes(s));
const respond = (s: string) => parseHead('response', bytes(s));
const body = (f: Framing, s: string, options?: ConstructorParameters<typeof BodyDecoder>[1], eof = false): void => {
  const d = new BodyDecoder(f, options);
  d.receive(bytes(s));
  if (eof) d.end();
  for (let i = 0; i < 1000 && (d.next() as { type?: string }).type !== 'end'; i++);
};
const fieldsOf = (...pairs: Array<[string, string]>) => pairs.map(([name, value]) => ({ name, value }));

/** One way to provoke each rule (the first listed code, unless said). */
const PROVOKE: Record<Rule, () => unknown> = {
  method: () => head('G(T / HTTP/1.1\r\n\r\n'),
  'request-target': () => head('GET  / HTTP/1.1\r\n\r\n'),
  'http-version': () => head('GET / HTTP/2.0\r\n\r\n'),
  'status-code': () => respond('HTTP/1.1 20x OK\r\n\r\n'),
  'reason-phrase': () => respond('HTTP/1.1 200 O\x00K\r\n\r\n'),
  'field-name': () => head('GET / HTTP/1.1\r\nHost : a\r\n\r\n'),
  'field-value': () => head('GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n'),
  'whitespace-after-start-line': () => head('GET / HTTP/1.1\r\n X: a\r\n\r\n'),
  'obs-fold': () => head('GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n'),
  'bare-cr': () => head('GET / HTTP/1.1\r\nX: a\rb\r\n\r\n'),
  'bare-lf': () => head('GET / HTTP/1.1\nX: a\r\n\r\n'),
  'head-too-large': () => parseHead('request', bytes(`GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n\r\n`), { maxHeadSize: 64 }),
  'storage-too-small': () => parseHead('request', bytes(`GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n\r\n`), { storage: new Uint8Array(64) }),
  'too-many-fields': () => parseHead('request', bytes('GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n'), { maxFields: 1 }),
  eof: () => {
    const d = new HeadDecoder('request');
    d.receive(bytes('GET / HT'));
    d.end();
    d.next();
  },
  'chunk-size': () => body(CHUNKED, '0x5\r\nhello\r\n0\r\n\r\n'),
  'chunk-ext': () => body(CHUNKED, '5;=\r\nhello\r\n0\r\n\r\n'),
  'chunk-data': () => body(CHUNKED, '5\r\nhelloX\r\n0\r\n\r\n'),
  'body-too-large': () => body({ type: 'length', length: 10 }, '0123456789', { maxBodySize: 5 }),
  'chunk-extensions-too-large': () => body(CHUNKED, '5;abcdef=ghijkl\r\nhello\r\n0\r\n\r\n', { maxChunkExtensions: 4 }),
  'trailer-too-large': () => body(CHUNKED, `0\r\nX: ${'a'.repeat(100)}\r\n\r\n`, { maxTrailerSize: 16 }),
  'too-many-trailers': () => body(CHUNKED, '0\r\nA: 1\r\nB: 2\r\n\r\n', { maxTrailerFields: 1 }),
  'content-length': () => framing('request', fieldsOf(['Content-Length', '+5']), { version: '1.1' }),
  'content-length-mismatch': () => framing('request', fieldsOf(['Content-Length', '5'], ['Content-Length', '6']), { version: '1.1' }),
  'content-length-with-transfer-encoding': () =>
    framing('request', fieldsOf(['Content-Length', '5'], ['Transfer-Encoding', 'chunked']), { version: '1.1' }),
  'transfer-encoding': () => framing('request', fieldsOf(['Transfer-Encoding', 'chunked,,;']), { version: '1.1' }),
  'transfer-encoding-final': () => framing('request', fieldsOf(['Transfer-Encoding', 'chunked, gzip']), { version: '1.1' }),
  'transfer-encoding-chunked-parameters': () => framing('request', fieldsOf(['Transfer-Encoding', 'chunked;a=b']), { version: '1.1' }),
  'transfer-encoding-chunked-twice': () => framing('request', fieldsOf(['Transfer-Encoding', 'chunked, chunked']), { version: '1.1' }),
  'transfer-encoding-http-1.0': () => framing('request', fieldsOf(['Transfer-Encoding', 'chunked']), { version: '1.0' }),
  kind: () => new HeadDecoder('reply' as HeadKind),
  version: () => keepAlive('2.0' as '1.1', []),
  status: () => framing('response', [], { version: '1.1', status: 42 }),
  framing: () => new BodyDecoder({ type: 'sized' } as unknown as Framing),
  bytes: () => new HeadDecoder('request').receive('GET' as unknown as Uint8Array),
  out: () => scanHead('request', bytes('GET / HTTP/1.1\r\n\r\n'), new Int32Array(2)),
  rest: () => new HeadDecoder('request').rest(),
  reset: () => {
    const d = new HeadDecoder('request');
    d.receive(bytes('GET / HTTP/1.1\r\n'));
    d.next();
    d.reset();
  },
  decoder: () => setByteStringDecoder(() => 'not a decoder'),
  encoder: () => setByteStringEncoder(() => new Uint8Array(0)),
  start: () => encodeHead(null as never, []),
  fields: () => encodeHead({ code: 200 }, 'X: a' as never),
  trailers: () => new BodyEncoder({ type: 'length', length: 0 }).end([['X', 'a']]),
  length: () => new BodyEncoder({ type: 'length', length: 2 }).data(bytes('abc')),
  'no-body': () => new BodyEncoder({ type: 'none' }).data(bytes('a')),
  order: () => new HeadEncoder().field('X', 'a'),
  options: () => new BodyDecoder(CHUNKED, null as never),
  maxHeadSize: () => new HeadDecoder('request', { maxHeadSize: -1 }),
  maxFields: () => new HeadDecoder('request', { maxFields: 1.5 }),
  obsFold: () => new HeadDecoder('request', { obsFold: 'keep' as 'reject' }),
  storage: () => new HeadDecoder('request', { storage: [] as unknown as Uint8Array }),
  maxBodySize: () => new BodyDecoder(CHUNKED, { maxBodySize: -1 }),
  maxChunkExtensions: () => new BodyDecoder(CHUNKED, { maxChunkExtensions: Number.NaN }),
  maxTrailerSize: () => new BodyDecoder(CHUNKED, { maxTrailerSize: '1' as unknown as number }),
  maxTrailerFields: () => new BodyDecoder(CHUNKED, { maxTrailerFields: 2 ** 60 }),
  maxBytes: () => attachMem(memoryPair()[0]).readBody(-1, -1),
  deadline: () => attachMem(memoryPair()[0]).recvRequest('soon' as unknown as number),
  handle: () => {
    const s = attachMem(memoryPair()[0]);
    s.close();
    return s.sendRequest('GET', '/');
  },
  'half-close': () => {
    const [a] = memoryPair();
    a.closeWrite();
    a.write(bytes('x'));
  },
  transport: () => {
    const [a, b] = memoryPair();
    b.close();
    a.write(bytes('x'));
  },
};

describe('Rule', () => {
  it('RULES has no duplicates, and docs/errors.md tables exactly its members', () => {
    expect(new Set(RULES).size).toBe(RULES.length);
    expect([...DOCS.keys()].sort()).toEqual([...RULES].sort());
    for (const [rule, row] of DOCS) expect(row.codes.size, `codes of ${rule}`).toBeGreaterThan(0);
  });

  it('every member is named somewhere in src/ besides the list itself', () => {
    const src = sourceFiles(new URL('src/', ROOT)).filter((t) => !t.includes('export const RULES = ['));
    const unused = RULES.filter((r) => !src.some((t) => t.includes(`'${r}'`)));
    expect(unused).toEqual([]);
  });

  it('every member is provoked, with its own rule and a documented code and hint', async () => {
    for (const rule of RULES) {
      const e = checkDocumented(await caught(PROVOKE[rule]), `provoking ${rule}`);
      expect(e.rule, e.message).toBe(rule);
    }
  });

  it('every error the corpora and a bounded fuzz run provoke names a documented rule', () => {
    const seen = new Map<string, number>();
    const note = (e: unknown, where: string) => {
      const err = checkDocumented(e, where);
      seen.set(err.rule!, (seen.get(err.rule!) ?? 0) + 1);
    };
    const decodeHead = (kind: HeadKind, data: Uint8Array, lfOnly: boolean, where: string): void => {
      let events: HeadEvent[] | null;
      try {
        events = parseHead(kind, data, lfOnly ? { lenient: { lfOnly } } : undefined);
      } catch (e) {
        return note(e, where);
      }
      if (events === null) {
        const d = new HeadDecoder(kind);
        d.receive(data);
        d.end();
        try {
          for (let i = 0; i < 1000 && (d.next() as { type?: string }).type !== 'done'; i++);
        } catch (e) {
          note(e, `${where} (end)`);
        }
        return;
      }
      const start = events[0]!;
      const fields = events.filter((e) => e.type === 'field');
      try {
        if (start.type === 'request') framing(kind, fields, { version: start.version, requestMethod: start.method });
        else if (start.type === 'status') framing(kind, fields, { version: start.version, status: start.code });
      } catch (e) {
        note(e, `${where} (framing)`);
      }
    };
    const decodeBody = (data: Uint8Array, where: string): void => {
      const d = new BodyDecoder(CHUNKED, { maxBodySize: 4096, maxChunkExtensions: 64, maxTrailerFields: 4, maxTrailerSize: 256 });
      d.receive(data);
      d.end();
      try {
        for (let i = 0; i < 10_000 && (d.next() as { type?: string }).type !== 'end'; i++);
      } catch (e) {
        note(e, where);
      }
    };

    for (const c of BODY_CASES) {
      try {
        body(c.framing ?? CHUNKED, c.wire, c.options, c.eof);
      } catch (e) {
        note(e, `body corpus: ${c.why}`);
      }
    }
    const seeds = allSeeds();
    for (const { name, data } of seeds) {
      for (const kind of ['request', 'response'] as const) for (const lf of [false, true]) decodeHead(kind, data, lf, name);
      decodeBody(data, name);
    }
    // A bounded run of the fuzzer's mutator over the same seeds (deterministic).
    const m = new Mutator(0x5eed);
    const pick = () => seeds[m.int(seeds.length)]!.data;
    for (let i = 0; i < 3000; i++) {
      const data = m.mutate(pick(), pick);
      decodeHead(i % 2 ? 'request' : 'response', data, i % 3 === 0, `mutant ${i}`);
      decodeBody(data, `mutant ${i}`);
    }
    // The corpora reach the decode rules; the misuse and adapter rules are provoked above.
    for (const rule of ['method', 'field-value', 'bare-cr', 'chunk-size', 'content-length', 'transfer-encoding'] as const) {
      expect(seen.get(rule) ?? 0, `errors with rule ${rule}`).toBeGreaterThan(0);
    }
  });

  it('every rule the test suites expect is a member', () => {
    // A line under @ts-expect-error is a deliberate misspelling (test/package/types.test.ts).
    const tests = sourceFiles(new URL('test/', ROOT))
      .flatMap((t) => t.split('\n').filter((_, i, lines) => !lines[i - 1]?.includes('@ts-expect-error')))
      .join('\n');
    const expected = new Set<string>();
    for (const m of tests.matchAll(/(?<!typeof [\w.]*)\brule(?:: | === )'([^']+)'/g)) expected.add(m[1]!);
    for (const m of tests.matchAll(/\bP\('E[A-Z]+', '([^']+)'/g)) expected.add(m[1]!);
    expect(expected.size).toBeGreaterThan(20);
    expect([...expected].filter((r) => !(RULES as readonly string[]).includes(r))).toEqual([]);
  });
});
