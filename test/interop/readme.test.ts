// The README's snippets are code: each ```js/```ts block that starts with
// `// examples/NAME` must be that file, byte for byte, and the file runs as the
// README says (plain node after the build; Deno and Bun where it claims so).
// Every relative link in the README points at a file in the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../package/build.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const T = { timeout: 30_000 };

const blocks = [...README.matchAll(/```(?:js|ts)\n(\/\/ (examples\/[\w.-]+):[\s\S]*?)```/g)].map((m) => ({ file: m[2]!, code: m[1]! }));

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 25_000 });
  expect(r.stderr, `${cmd} ${args.join(' ')}`).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('README', () => {
  beforeAll(() => ensureBuilt(), 60_000);

  it('shows the install line and the two contributor commands on its first screen', () => {
    const first = README.split('\n').slice(0, 30).join('\n');
    expect(first).toContain('npm i headwire');
    expect(first).toContain('npm ci && npm run bench');
    expect(first).toContain('npm test');
  });

  it('has its snippets as example files, byte for byte', () => {
    expect(blocks.map((b) => b.file)).toEqual(['examples/quickstart.mjs', 'examples/node-client-server.mjs', 'examples/bodies.mjs', 'examples/deno.ts']);
    for (const b of blocks) expect(b.code, b.file).toBe(readFileSync(`${ROOT}${b.file}`, 'utf8'));
  });

  it('shows the browser page that the browser suite opens (docs/browser.md)', () => {
    const page = (text: string) => /```html\n([\s\S]*?)```/.exec(text)?.[1];
    expect(page(README)).toBeDefined();
    expect(page(README)).toBe(page(readFileSync(`${ROOT}docs/browser.md`, 'utf8')));
  });

  it('links only to files in the repository', () => {
    const links = [...README.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(5);
    for (const l of links) {
      expect(l, 'no link outside the repository').not.toMatch(/^[a-z]+:|^\.\.\//);
      expect(existsSync(`${ROOT}${l}`), l).toBe(true);
    }
  });

  const quick = ['POST /echo 2 fields, "hello" keep-alive: true', '"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\n"', ''].join('\n');
  it('quickstart runs under node, Deno and Bun', T, () => {
    expect(run('node', ['examples/quickstart.mjs'])).toBe(quick);
    expect(run(`${ROOT}node_modules/.bin/deno`, ['run', '--allow-read', '--allow-env', 'examples/quickstart.mjs'])).toBe(quick);
    expect(run(`${ROOT}node_modules/.bin/bun`, ['examples/quickstart.mjs'])).toBe(quick);
  });

  it('the Node client and server run under node and Bun', T, () => {
    expect(run('node', ['examples/node-client-server.mjs'])).toBe('200 OK 18 GET /hello (Host)\n');
    expect(run(`${ROOT}node_modules/.bin/bun`, ['examples/node-client-server.mjs'])).toBe('200 OK 18 GET /hello (Host)\n');
  });

  const bodies = [
    'POST /upload "hello world" [{"name":"Digest","value":"sha-256=abc"}]',
    'HEAD /upload "" []',
    '200 Content-Length: 11 "hello world"',
    '200 Content-Length: 0 ""',
    '',
  ].join('\n');
  it('the bodies example runs under node, Deno and Bun', T, () => {
    expect(run('node', ['examples/bodies.mjs'])).toBe(bodies);
    expect(run(`${ROOT}node_modules/.bin/deno`, ['run', '--allow-read', '--allow-env', 'examples/bodies.mjs'])).toBe(bodies);
    expect(run(`${ROOT}node_modules/.bin/bun`, ['examples/bodies.mjs'])).toBe(bodies);
  });

  it('the Deno example runs under Deno', T, () => {
    expect(run(`${ROOT}node_modules/.bin/deno`, ['run', '--no-check', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', 'examples/deno.ts'])).toBe(
      '200 you asked for /from-deno\n',
    );
  });
});
