// The package as users get it: `npm pack`, the tarball installed into a scratch
// project in a temp dir (offline: it has no dependencies), then every entry
// loaded the ways users load it: ESM import, CommonJS require (Node 20.19+
// require(esm)), the `headwire` bin, TypeScript under moduleResolution nodenext
// (the project's typescript 7) and node10 (typescript 5.9 from docs/tooling:
// typescript 7 removed node10), and every `headwire` import in the shipped
// README and docs. Vitest under Node only (it spawns npm, node and tsc).
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from './build.ts';

const ENTRIES = ['headwire', 'headwire/node', 'headwire/codec'] as const;
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface PackedFile {
  path: string;
  size: number;
}

let dir = '';
let consumer = '';
let shipped: PackedFile[] = [];
let tarballSize = 0;

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, ...options });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function ok(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = run(cmd, args, options);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'headwire-pack-'));
  // --ignore-scripts: no prepack build while other test files may be reading dist/.
  const [info] = JSON.parse(ok('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT })) as {
    filename: string;
    size: number;
    files: PackedFile[];
  }[];
  shipped = info!.files;
  tarballSize = info!.size;
  consumer = join(dir, 'consumer');
  write(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  ok('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', join(dir, info!.filename)], { cwd: consumer });
  // typescript 5.9 for the node10 consumer (see scripts/docs.mjs).
  ok(process.execPath, [join(ROOT, 'scripts', 'docs.mjs'), '--install-tooling'], { cwd: ROOT });
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the built entries with their types, the CLI, the sources the maps point at, docs, README and LICENSE', () => {
    const paths = shipped.map((f) => f.path);
    const required = [
      'package.json', 'README.md', 'LICENSE', 'dist/cli.js',
      'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts', 'dist/codec/index.js', 'dist/codec/index.d.ts',
      ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
    ];
    expect(paths).toEqual(expect.arrayContaining(required));
    const allowed = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^docs\/[\w.-]+\.md$/, /^src\/[\w/.-]+\.ts$/, /^dist\/[\w/.-]+\.(js|d\.ts)(\.map)?$/];
    expect(paths.filter((p) => !allowed.some((re) => re.test(p)))).toEqual([]);
    // No stale build output: every shipped module has its source.
    const orphans = paths
      .filter((p) => p.startsWith('dist/') && p.endsWith('.js'))
      .filter((p) => !existsSync(join(ROOT, 'src', p.slice('dist/'.length).replace(/\.js$/, '.ts'))));
    expect(orphans).toEqual([]);
    console.log(`npm pack: ${paths.length} files, ${(tarballSize / 1024).toFixed(1)} KiB packed`);
  });

  it('has no runtime dependencies and a bin that reports the version', () => {
    const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules', 'headwire', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.dependencies).toBeUndefined();
    const r = run(join(consumer, 'node_modules', '.bin', 'headwire'), ['--version'], { cwd: consumer });
    expect(r).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

// One script per module system: import (or require) each entry, decode a head
// with it, and check the three entries share one HttpError class.
const PROBE = `
const WIRE = new TextEncoder().encode('GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n');
const out = [];
for (const [name, m] of Object.entries(entries)) {
  const events = m.parseHead('request', WIRE);
  out.push(name + ' ' + events.map((e) => e.type).join(','));
}
out.push('attach ' + typeof entries['headwire/node'].attach);
out.push('one HttpError ' + (entries.headwire.HttpError === entries['headwire/codec'].HttpError && entries.headwire.HttpError === entries['headwire/node'].HttpError));
console.log(out.join('\\n'));
`;
const PROBE_OUT = [
  'headwire request,field,done',
  'headwire/node request,field,done',
  'headwire/codec request,field,done',
  'attach function',
  'one HttpError true',
  '',
].join('\n');

describe('the installed tarball at run time', () => {
  it('loads every entry with ESM import', () => {
    const imports = ENTRIES.map((e, i) => `import * as m${i} from '${e}';`).join('\n');
    const entries = `const entries = { ${ENTRIES.map((e, i) => `'${e}': m${i}`).join(', ')} };`;
    const file = write(join(consumer, 'probe.mjs'), `${imports}\n${entries}\n${PROBE}`);
    expect(run(process.execPath, [file], { cwd: consumer })).toEqual({ status: 0, stdout: PROBE_OUT, stderr: '' });
  });

  it('loads every entry with CommonJS require', () => {
    const entries = `const entries = { ${ENTRIES.map((e) => `'${e}': require('${e}')`).join(', ')} };`;
    const file = write(join(consumer, 'probe.cjs'), `${entries}\n${PROBE}`);
    expect(run(process.execPath, [file], { cwd: consumer })).toEqual({ status: 0, stdout: PROBE_OUT, stderr: '' });
  });

  it('resolves every headwire import in the shipped README and docs', () => {
    const installed = join(consumer, 'node_modules', 'headwire');
    const docs = ['README.md', ...shipped.map((f) => f.path).filter((p) => p.startsWith('docs/'))];
    // `import { a, type B, c as d } from 'headwire/x'` and `import * as n from 'headwire'`.
    const wanted = new Map<string, Set<string>>();
    for (const doc of docs) {
      const text = readFileSync(join(installed, doc), 'utf8');
      for (const m of text.matchAll(/import\s+(type\s+)?(\{[^}]*\}|\*\s+as\s+\w+)\s+from\s+['"](headwire(?:\/[\w-]+)?)['"]/g)) {
        const names = wanted.get(m[3]!) ?? new Set<string>();
        wanted.set(m[3]!, names);
        if (m[1] || !m[2]!.startsWith('{')) continue;
        for (const part of m[2]!.slice(1, -1).split(',')) {
          const name = part.trim().split(/\s+as\s+/)[0]!;
          if (name !== '' && !name.startsWith('type ')) names.add(name);
        }
      }
    }
    const spec = JSON.stringify([...wanted].map(([entry, names]) => [entry, [...names]]));
    const file = write(
      join(consumer, 'readme-imports.mjs'),
      `const missing = [];
for (const [entry, names] of ${spec}) {
  let m;
  try { m = await import(entry); } catch (e) { missing.push(entry + ': ' + e.message); continue; }
  for (const n of names) if (!(n in m)) missing.push(entry + ': no export ' + n);
}
console.log(JSON.stringify(missing));`,
    );
    const r = run(process.execPath, [file], { cwd: consumer });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

// Uses of each entry whose types must be the real ones: the @ts-expect-error
// lines fail the check if an import resolved to `any` or not at all.
const TS_CONSUMER = `import { HeadDecoder, HttpError, NEED_DATA, parseHead, type HeadEvent } from 'headwire';
import { attach, now } from 'headwire/node';
import { HeadEncoder, framing, type Framing } from 'headwire/codec';

const events: HeadEvent[] | null = parseHead('request', new TextEncoder().encode('GET / HTTP/1.1\\r\\n\\r\\n'));
const d = new HeadDecoder('response');
const ev = d.next();
const kind: string = ev === NEED_DATA ? 'need data' : ev.type;
const line: Uint8Array = new HeadEncoder().status(204);
const f: Framing = framing('request', [], { version: '1.1' });
const deadline: number = now() + 1000;
const attachIt: typeof attach = attach;
const code: string | undefined = new HttpError('EPROTO', 'x').rule;
// @ts-expect-error: a head is a 'request' or a 'response'
parseHead('requests', new Uint8Array(0));
// @ts-expect-error: attach() takes a net.Socket
attach(42);
// @ts-expect-error: codes are errno names
new HttpError('E_NOPE', 'x');
export { events, kind, line, f, deadline, attachIt, code };
`;

/** Type-check TS_CONSUMER in its own folder of the scratch project with these compiler options. */
function typecheck(tsc: string, folder: string, file: string, compilerOptions: Record<string, unknown>) {
  const at = join(consumer, folder);
  write(join(at, file), TS_CONSUMER);
  write(
    join(at, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        ...compilerOptions,
      },
      files: [file],
    }),
  );
  return run(process.execPath, [tsc, '-p', at], { cwd: at });
}

describe('TypeScript consumers of the installed tarball', () => {
  const TSC7 = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const TSC5 = join(ROOT, 'docs', 'tooling', 'node_modules', 'typescript', 'bin', 'tsc');

  it('type-checks under moduleResolution nodenext, ESM (typescript 7)', () => {
    expect(typecheck(TSC7, 'ts-nodenext', 'consumer.ts', { module: 'nodenext', moduleResolution: 'nodenext' })).toMatchObject({
      status: 0,
      stdout: '',
    });
  });

  it('type-checks under moduleResolution nodenext, CommonJS require of the ESM entries (typescript 7)', () => {
    expect(typecheck(TSC7, 'ts-nodenext-cjs', 'consumer.cts', { module: 'nodenext', moduleResolution: 'nodenext' })).toMatchObject({
      status: 0,
      stdout: '',
    });
  });

  it('type-checks under moduleResolution node10 through typesVersions (typescript 5.9)', () => {
    expect(typecheck(TSC5, 'ts-node10', 'consumer.ts', { module: 'commonjs', moduleResolution: 'node10' })).toMatchObject({
      status: 0,
      stdout: '',
    });
  });

  it('type-checks under moduleResolution bundler (typescript 5.9)', () => {
    expect(typecheck(TSC5, 'ts-bundler', 'consumer.ts', { module: 'esnext', moduleResolution: 'bundler' })).toMatchObject({
      status: 0,
      stdout: '',
    });
  });
});
