// Every ```ts block under an `@example` tag in src/**/*.ts is extracted and
// type-checked against the package (the built dist/ types, imported as
// 'headwire', 'headwire/node', 'headwire/codec' through package.json
// "exports", as a user's code would), with the project's tsc. An example that
// imports nothing gets every export of 'headwire/node' in scope. The names an
// example may use without defining them are the EXAMPLE_CONTEXT below: a
// reader has bytes, a socket or a port at hand; everything else must compile.
// Every export of the three entries must have an example.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from './build.ts';

const SRC = join(ROOT, 'src');
const OUT = join(ROOT, '.examples-check'); // inside the package, so 'headwire' resolves to itself
const ENTRIES = ['src/index.ts', 'src/node.ts', 'src/codec/index.ts'];

const EXAMPLE_CONTEXT = `// The names examples use without defining them.
declare const bytes: Uint8Array;
declare const fields: ReadonlyArray<import('headwire').FieldEvent>;
declare const decoder: import('headwire').HeadDecoder;
declare const s: import('headwire').HttpSocket<unknown>;
declare const end: import('headwire').PipeEnd;
declare const port: number;
declare const net: typeof import('node:net');
declare function readMore(): Promise<Uint8Array>;
declare function readExactly(length: number): void;
declare function reply(status: number): void;
declare namespace Deno {
  function connect(options: { hostname: string; port: number }): Promise<{
    readable: ReadableStream<Uint8Array>;
    writable: WritableStream<Uint8Array>;
    closeWrite(): Promise<void>;
  }>;
}
`;

/**
 * Examples known not to compile, with why. The test fails when one of them
 * starts to compile (take it off the list) or another one breaks.
 */
const KNOWN_BROKEN: Record<string, string> = {};

interface Example {
  id: string; // file:symbol
  file: string; // relative to the root
  line: number; // 1-based line of the first code line in the source
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const DECLARATION = /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:class|function|const|let|type|interface|enum)\s+(\w+)/;

/** The JSDoc blocks of a file, each with the name it documents (`module` when it heads the file). */
function docBlocks(text: string): Array<{ start: number; body: string; symbol: string }> {
  const out: Array<{ start: number; body: string; symbol: string }> = [];
  for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const after = text.slice(m.index + m[0].length).replace(/^\s+/, '');
    const decl = DECLARATION.exec(after);
    const member = /^(?:readonly\s+|static\s+|get\s+|async\s+)*(#?\w+)\s*[(:<=]/.exec(after);
    const symbol = decl ? decl[1]! : /^(import|export\s*\*|export\s*\{)/.test(after) ? 'module' : member ? `.${member[1]}` : '?';
    out.push({ start: m.index, body: m[1]!, symbol });
  }
  return out;
}

/** Every ```ts / ```js block after an @example tag in src/. */
function examples(): Example[] {
  const out: Example[] = [];
  for (const path of sourceFiles(SRC)) {
    const text = readFileSync(path, 'utf8');
    const file = relative(ROOT, path);
    for (const block of docBlocks(text)) {
      const tag = block.body.indexOf('@example');
      if (tag < 0) continue;
      const lines = block.body.slice(tag).split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
      const tagLine = text.slice(0, block.start).split('\n').length + block.body.slice(0, tag).split('\n').length - 1;
      let n = 0;
      for (let i = 0; i < lines.length; i++) {
        const fence = /^```(\w*)\s*$/.exec(lines[i]!);
        if (!fence) continue;
        const close = lines.findIndex((l, j) => j > i && l.startsWith('```'));
        if (['ts', 'typescript', 'js', 'javascript'].includes(fence[1]!)) {
          out.push({
            id: `${file}:${block.symbol}${n++ ? `#${n}` : ''}`,
            file,
            line: tagLine + i + 1,
            code: lines.slice(i + 1, close).join('\n'),
          });
        }
        i = close;
      }
    }
  }
  return out;
}

/** Public name -> the source file and name that declare it, following `export *` and `export { } from`. */
function exportsOf(path: string, seen = new Set<string>()): Map<string, { path: string; name: string }> {
  const out = new Map<string, { path: string; name: string }>();
  if (seen.has(path)) return out;
  seen.add(path);
  const text = readFileSync(path, 'utf8');
  const at = (spec: string) => join(dirname(path), spec);
  for (const m of text.matchAll(/export\s*\*\s*from\s*'(\.[^']+)'/g)) for (const [k, v] of exportsOf(at(m[1]!), seen)) out.set(k, v);
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'(\.[^']+)'/g)) {
    for (const part of m[1]!.split(',')) {
      const [name, alias] = part.replace(/^\s*type\s+/, '').trim().split(/\s+as\s+/);
      if (!name) continue;
      const inner = exportsOf(at(m[2]!), new Set()).get(name);
      out.set(alias ?? name, inner ?? { path: at(m[2]!), name });
    }
  }
  for (const line of text.split('\n')) {
    const d = DECLARATION.exec(line);
    if (d) out.set(d[1]!, { path, name: d[1]! });
  }
  return out;
}

/** The exported names (of the given entries) whose declaration's doc comment has no @example. */
function exportsWithoutExample(entries: string[]): string[] {
  const missing = new Set<string>();
  for (const entry of entries) {
    for (const [publicName, { path, name }] of exportsOf(join(ROOT, entry))) {
      const blocks = docBlocks(readFileSync(path, 'utf8'));
      if (!blocks.some((b) => b.symbol === name && b.body.includes('@example'))) missing.add(`${publicName} (${relative(ROOT, path)})`);
    }
  }
  return [...missing].sort();
}

/** Names an example declares itself, so the prelude import does not clash with them. */
function declaredIn(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/\b(?:const|let|var|function|class)\s+(\w+)/g)) names.add(m[1]!);
  for (const m of code.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.replace(/^\s*type\s+/, '').trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  return names;
}

let all: Example[] = [];
let errors = new Map<string, string[]>(); // example id -> tsc errors, at source lines

beforeAll(() => {
  ensureBuilt();
  all = examples();
  const publicNames = [...exportsOf(join(ROOT, 'src/node.ts')).keys()];
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT);
  const files: string[] = ['context.d.ts'];
  writeFileSync(join(OUT, 'context.d.ts'), EXAMPLE_CONTEXT);
  const byFile = new Map<string, { example: Example; prelude: number }>();
  all.forEach((example, i) => {
    const own = declaredIn(example.code);
    const hasImport = /^\s*import\s/m.test(example.code);
    const names = publicNames.filter((n) => !own.has(n));
    const prelude = hasImport || names.length === 0 ? [] : [`import { ${names.join(', ')} } from 'headwire/node';`];
    const name = `example${i}.ts`;
    writeFileSync(join(OUT, name), [...prelude, example.code, 'export {};', ''].join('\n'));
    files.push(name);
    byFile.set(name, { example, prelude: prelude.length });
  });
  writeFileSync(
    join(OUT, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        lib: ['es2022', 'dom'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files,
    }),
  );
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', OUT], { cwd: OUT, encoding: 'utf8' });
  errors = new Map();
  for (const m of `${r.stdout}${r.stderr}`.matchAll(/^(example\d+\.ts)\((\d+),(\d+)\): (error TS\d+: .*)$/gm)) {
    const at = byFile.get(m[1]!)!;
    const line = at.example.line + Number(m[2]) - 1 - at.prelude;
    const list = errors.get(at.example.id) ?? [];
    list.push(`${at.example.file}:${line}:${m[3]} ${m[4]}`);
    errors.set(at.example.id, list);
  }
  // Anything tsc said that is not about an example (a bad context, a broken config) fails every check.
  const other = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '' && !/^example\d+\.ts\(|^\s/.test(l));
  if (other.length > 0) throw new Error(`tsc failed outside the examples:\n${other.join('\n')}`);
}, 60_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('@example blocks in src/', () => {
  it('are found: one or more per entry module, with code in each', () => {
    expect(all.length).toBeGreaterThan(10);
    console.log(`${all.length} examples in ${new Set(all.map((e) => e.file)).size} files`);
    for (const e of all) expect(e.code.trim(), e.id).not.toBe('');
    for (const entry of ['src/index.ts', 'src/adapters/net.ts', 'src/codec/decoder.ts']) expect(all.some((e) => e.file === entry)).toBe(true);
  });

  it('type-check against the package, except the known-broken ones (which must still be broken)', () => {
    const broken = Object.fromEntries([...errors].filter(([id]) => !(id in KNOWN_BROKEN)));
    expect(broken).toEqual({});
    const fixed = Object.keys(KNOWN_BROKEN).filter((id) => !errors.has(id));
    expect(fixed, 'these examples compile now: take them off KNOWN_BROKEN').toEqual([]);
  });

  it('cover every export: the doc comment of each has an example', () => {
    const missing = exportsWithoutExample(ENTRIES);
    expect(missing, 'exports whose doc comment has no @example').toEqual([]);
    // A sanity check that the listing can tell: a declaration without a doc comment is reported.
    const exported = [...exportsOf(join(ROOT, 'src/node.ts')).keys()];
    expect(exported.length).toBeGreaterThan(50);
    console.log(`${exported.length} exports, each with an example`);
  });
});
