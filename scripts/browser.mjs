#!/usr/bin/env node
// The codec test suites (test/codec/*.test.ts, as vitest, Deno and Bun run
// them) in headless Chromium: Debian's `chromium` package driven by
// playwright-core, which never downloads a browser.
//
// 1. rolldown bundles the test files for the browser, with `vitest` aliased to
//    test/browser/harness.ts (describe/it/hooks + vitest's own expect from
//    @vitest/expect) and `node:fs` to test/browser/fs-shim.ts (fixtures are
//    read from the server below).
// 2. A static server on 127.0.0.1, port 0, serves a page, the bundle at
//    /test/codec/ (so `new URL('../conformance/x', import.meta.url)` resolves as
//    on disk) and the files under test/ read-only.
// 3. Chromium opens the page with a fresh profile; the page runs the suite one
//    test at a time and hands back every result.
// 4. The `<script type="module">` page in docs/browser.md is opened as written,
//    with the built dist/ at the path its import map names, and what it prints
//    must equal the output shown under it: one more test.
//
// Prints each failure, one line per file, then `browser: N passed, N failed`;
// writes the counts to .browser-report.json (for scripts/test.mjs). Exits 1 on
// any failure. Usage: node scripts/browser.mjs [--report FILE]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { rolldown } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUITE_DIR = 'test/codec';
const BUNDLE_PATH = `/${SUITE_DIR}/__browser-suite.js`;
const CHROMIUM = process.env.HEADWIRE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SUITE_TIMEOUT_MS = 300_000; // the whole run in the page; each test has its own 30 s
const DOC = 'docs/browser.md';
const SNIPPET_DIR = '/snippet/'; // the page's folder: its import map points at ./node_modules/headwire/dist/
const SNIPPET_DIST = `${SNIPPET_DIR}node_modules/headwire/dist/`;
const reportArg = process.argv.indexOf('--report');
const REPORT = reportArg > 0 ? process.argv[reportArg + 1] : '.browser-report.json';

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);

/** Every codec test file, bundled into one ES module for the page. */
async function bundle(files) {
  const ENTRY = '\0browser-entry';
  const MARK = '\0browser-file:';
  const harness = join(ROOT, 'test/browser/harness.ts');
  const bundler = await rolldown({
    input: ENTRY,
    platform: 'browser',
    resolve: { alias: { vitest: harness, 'node:fs': join(ROOT, 'test/browser/fs-shim.ts') } },
    plugins: [
      {
        name: 'browser-suite-entry',
        resolveId(id) {
          if (id === ENTRY || id.startsWith(MARK)) return id;
          // package.json's "sideEffects" marks the files under this root as pure; the
          // test files are imported only for what they do (describe/it): keep them.
          if (id.endsWith('.test.ts')) return { id, moduleSideEffects: true };
          return null;
        },
        load(id) {
          // A marker module before each test file: ES modules run in import order,
          // so each file's describe() calls land in that file's suite.
          if (id.startsWith(MARK)) return `import { setFile } from ${JSON.stringify(harness)}; setFile(${JSON.stringify(id.slice(MARK.length))});`;
          if (id !== ENTRY) return null;
          const imports = files.map((f) => `import ${JSON.stringify(MARK + f)};\nimport ${JSON.stringify(join(ROOT, f))};`);
          return `${imports.join('\n')}\nimport { runSuite } from ${JSON.stringify(harness)};\nglobalThis.__suite = runSuite();\n`;
        },
      },
    ],
    onwarn(warning, warn) {
      if (warning.code !== 'EVAL') warn(warning);
    },
  });
  const { output } = await bundler.generate({ format: "esm" });
  await bundler.close();
  if (output.length !== 1) throw new Error(`expected one bundle, got ${output.length} chunks`);
  return output[0].code;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>headwire browser suite</title><script type="module" src="${BUNDLE_PATH}"></script>`;
const TYPES = { '.json': 'application/json', '.ts': 'text/plain', '.md': 'text/plain', '.js': 'text/javascript' };

/** The ```html page in docs/browser.md and the ```text output shown after it. */
function docSnippet() {
  const text = readFileSync(join(ROOT, DOC), 'utf8');
  const html = /```html\n([\s\S]*?)```/.exec(text);
  const shown = html && /```text\n([\s\S]*?)```/.exec(text.slice(html.index));
  if (!html || !shown) throw new Error(`${DOC}: no \`\`\`html page followed by its \`\`\`text output`);
  return { html: html[1], output: shown[1] };
}

/** The page, the bundle, test/ and the docs page with dist/, read-only; nothing else. */
function serve(code, snippetHtml) {
  const testDir = join(ROOT, 'test');
  const distDir = join(ROOT, 'dist');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/') return send(200, 'text/html', PAGE);
    if (path === BUNDLE_PATH) return send(200, 'text/javascript', code);
    if (path === SNIPPET_DIR) return send(200, 'text/html', snippetHtml);
    const file = path.startsWith(SNIPPET_DIST) ? normalize(join(distDir, path.slice(SNIPPET_DIST.length))) : normalize(join(ROOT, path));
    if (!file.startsWith(testDir + sep) && !file.startsWith(distDir + sep)) return send(404, 'text/plain', 'not found');
    try {
      send(200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    } catch {
      send(404, 'text/plain', 'not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Open the docs page as a user would and compare what it prints with the docs. */
async function runSnippet(context, url, expected) {
  const t0 = performance.now();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let error;
  try {
    await page.goto(url, { timeout: 60_000 });
    const got = await page.locator('#out').textContent({ timeout: 10_000 });
    if (errors.length > 0) error = `page errors:\n${errors.join('\n')}`;
    else if (got !== expected) error = `the page printed:\n${got}\nbut ${DOC} shows:\n${expected}`;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    await page.close();
  }
  const result = { file: DOC, name: 'the <script type="module"> page prints what the docs show', ms: performance.now() - t0 };
  return error === undefined ? { ...result, state: 'pass' } : { ...result, state: 'fail', error };
}

async function main() {
  const files = readdirSync(join(ROOT, SUITE_DIR))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => `${SUITE_DIR}/${f}`);
  const code = await bundle(files);
  console.log(`bundled ${files.length} test files (${(code.length / 1024).toFixed(0)} KiB) in ${seconds()} s`);
  const snippet = docSnippet();
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const server = await serve(code, snippet.html);
  const profile = mkdtempSync(join(tmpdir(), 'headwire-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const { port } = server.address();
    await page.goto(`http://127.0.0.1:${port}/`, { timeout: 60_000 });
    const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);
    await page.waitForFunction(() => globalThis.__suite !== undefined || document.readyState === 'complete', null, { timeout: 60_000 });
    const results = await page.evaluate(
      ([ms]) =>
        globalThis.__suite === undefined
          ? Promise.reject(new Error('the suite did not start (a module failed to load)'))
          : Promise.race([globalThis.__suite, new Promise((_, reject) => setTimeout(() => reject(new Error(`suite timed out after ${ms} ms`)), ms))]),
      [SUITE_TIMEOUT_MS],
    ).catch((e) => {
      throw new Error(`${e.message}${pageErrors.length ? `\npage errors:\n${pageErrors.join('\n')}` : ''}`);
    });
    results.push(await runSnippet(context, `http://127.0.0.1:${port}${SNIPPET_DIR}`, snippet.output));
    return { results, version };
  } finally {
    await context?.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

let passed = 0;
let failed = 0;
try {
  const { results, version } = await main();
  const byFile = new Map();
  for (const r of results) {
    const f = byFile.get(r.file) ?? { pass: 0, fail: 0, skip: 0, ms: 0 };
    f[r.state]++;
    f.ms += r.ms;
    byFile.set(r.file, f);
    if (r.state === 'fail') console.log(`FAIL ${r.file} > ${r.name}\n${r.error}\n`);
  }
  for (const [file, f] of byFile) {
    console.log(`${file}: ${f.pass} passed, ${f.fail} failed${f.skip ? `, ${f.skip} skipped` : ''} (${Math.round(f.ms)} ms)`);
  }
  passed = results.filter((r) => r.state === 'pass').length;
  failed = results.filter((r) => r.state === 'fail').length;
  console.log(`${version} headless, ${seconds()} s in all`);
} catch (e) {
  console.error(`browser suite: ${e instanceof Error ? e.message : String(e)}`);
  failed = Math.max(failed, 1);
}
writeFileSync(REPORT, JSON.stringify({ passed, failed }));
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
