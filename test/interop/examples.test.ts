// examples/server.mjs and examples/client.mjs run as a user runs them, after
// the build, under each runtime: `node`, `deno run --allow-net=127.0.0.1` and
// `bun`, each as its own process, killed after the test. The client talks to
// the server of the same runtime; curl checks keep-alive and a chunked upload.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../package/build.ts';
import { curl, parseCurlOutput, run } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const T = { timeout: 20_000 };
const RUNTIMES: Record<string, string[]> = {
  node: [process.execPath],
  deno: [`${ROOT}node_modules/.bin/deno`, 'run', '--allow-net=127.0.0.1'],
  bun: [`${ROOT}node_modules/.bin/bun`],
};

let server: ChildProcessWithoutNullStreams | undefined;
afterEach(async () => {
  const child = server;
  server = undefined;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

/** Start examples/server.mjs under `runtime` on a free port (argument 0); resolves with the port it printed. */
function startServer(runtime: string[]): Promise<{ port: number; stderr: () => string }> {
  const child = spawn(runtime[0]!, [...runtime.slice(1), 'examples/server.mjs', '0'], { cwd: ROOT });
  server = child;
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`examples/server.mjs did not start in 10 s; stderr: ${err}`)), 10_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/server.mjs exited (${code}) before listening; stderr: ${err}`));
    });
  });
}

beforeAll(() => ensureBuilt(), 60_000);

for (const [name, runtime] of Object.entries(RUNTIMES)) {
  describe(`examples/server.mjs and examples/client.mjs under ${name}`, T, () => {
    it('the client POSTs its body and prints the status line, the fields and the echoed body', async () => {
      const { port, stderr } = await startServer(runtime);
      const body = 'h\u00e9llo, w\u00f6rld';
      const post = await run(runtime[0]!, [...runtime.slice(1), `${ROOT}examples/client.mjs`, `http://127.0.0.1:${port}/echo?x=1`, body], 15_000);
      expect(post.stderr).toBe('');
      expect(post.code).toBe(0);
      const sent = Buffer.from(body, 'utf8');
      expect(post.stdout.toString('latin1')).toBe(`HTTP/1.1 200 OK\nContent-Length: ${sent.length}\nConnection: close\n\n${sent.toString('latin1')}`);
      // A bare port, and no body: a GET, echoed empty.
      const get = await run(runtime[0]!, [...runtime.slice(1), `${ROOT}examples/client.mjs`, String(port)], 15_000);
      expect(get.code).toBe(0);
      expect(get.stdout.toString()).toBe('HTTP/1.1 200 OK\nContent-Length: 0\nConnection: close\n\n');
      expect(stderr()).toBe('');
    });

    it('curl: two uploads on one kept-alive connection, one of them chunked, echoed', async () => {
      const { port, stderr } = await startServer(runtime);
      const r = await curl([
        '-v', '-i',
        '--data-binary', 'first body', `http://127.0.0.1:${port}/a`,
        '--next', '-i', '-H', 'Transfer-Encoding: chunked', '--data-binary', 'second, chunked', `http://127.0.0.1:${port}/b`,
      ]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/Re-using existing connection|Reusing existing connection/);
      let rest = r.stdout;
      for (const want of ['first body', 'second, chunked']) {
        const res = parseCurlOutput(rest);
        expect(res.code).toBe(200);
        expect(res.fields).toEqual([['Content-Length', String(want.length)]]); // kept alive: no Connection field
        expect(res.body.subarray(0, want.length).toString()).toBe(want);
        rest = res.body.subarray(want.length);
      }
      expect(rest.length).toBe(0);
      expect(stderr()).toBe('');
    });
  });
}

// The runnable snippet of docs/bodies.md, "Whole messages over HttpSocket": run
// from a file inside the package (so 'headwire' resolves to the build), its
// output compared with the `// ` comment lines that follow its console.log loops.
describe('docs/bodies.md: the HttpSocket snippet', () => {
  const doc = readFileSync(`${ROOT}docs/bodies.md`, 'utf8');
  const code = /```js\n(\/\/ Whole messages over HttpSocket[\s\S]*?)```/.exec(doc)?.[1];
  const want = [...(code ?? '').matchAll(/^\/\/ ((?:POST|HEAD|200) .*)$/gm)].map((m) => m[1]).join('\n');
  const dir = `${ROOT}.docs-check`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, runtime] of Object.entries(RUNTIMES)) {
    it(`runs under ${name} and prints what its comments say`, T, async () => {
      expect(code).toBeDefined();
      expect(want.split('\n')).toHaveLength(4);
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/whole-messages.mjs`, code!);
      const r = await run(runtime[0]!, [...runtime.slice(1), `${dir}/whole-messages.mjs`], 15_000);
      expect(r.stderr).toBe('');
      expect(r.stdout.toString()).toBe(`${want}\n`);
    });
  }
});
