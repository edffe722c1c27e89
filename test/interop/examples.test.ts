// The examples run as a user would run them (`npx deno run --allow-net=127.0.0.1
// examples/server.ts PORT`, then examples/client.ts or curl against it), each
// as its own process, killed after the test.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { curl, parseCurlOutput, run } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DENO = `${ROOT}node_modules/.bin/deno`;
const T = { timeout: 10_000 };

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

/** Start examples/server.ts on a free port (argument 0); resolves with the port it printed. */
function startServer(): Promise<{ port: number; stderr: () => string }> {
  const child = spawn(DENO, ['run', '--allow-net=127.0.0.1', 'examples/server.ts', '0'], { cwd: ROOT });
  server = child;
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`examples/server.ts did not start in 8 s; stderr: ${err}`)), 8000);
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
      reject(new Error(`examples/server.ts exited (${code}) before listening; stderr: ${err}`));
    });
  });
}

describe('examples/server.ts', T, () => {
  it('examples/client.ts against it prints the status line, the fields and the body (its own request, echoed)', async () => {
    const { port, stderr } = await startServer();
    const r = await run(DENO, ['run', '--allow-net=127.0.0.1', `${ROOT}examples/client.ts`, `http://127.0.0.1:${port}/hello?x=1`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const body = `GET /hello?x=1\nHost: 127.0.0.1:${port}\nUser-Agent: headwire-example\nAccept: text/plain\nConnection: close\n`;
    expect(r.stdout.toString()).toBe(
      `HTTP/1.1 200 OK\nContent-Type: text/plain; charset=utf-8\nContent-Length: ${body.length}\nConnection: close\n\n${body}`,
    );
    expect(stderr()).toBe('');
  });

  it('examples/client.ts takes a bare port too', async () => {
    const { port } = await startServer();
    const r = await run(DENO, ['run', '--allow-net=127.0.0.1', `${ROOT}examples/client.ts`, String(port)]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^HTTP\/1\.1 200 OK\n[\s\S]*\n\nGET \/\nHost: 127\.0\.0\.1:\d+\n/);
  });

  it('curl against it: two requests on one kept-alive connection, each answered with curl\'s own fields', async () => {
    const { port, stderr } = await startServer();
    const r = await curl(['-i', '-H', 'X-Note: hi', `http://127.0.0.1:${port}/a`, `http://127.0.0.1:${port}/b?c=d`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    let rest = r.stdout;
    for (const target of ['/a', '/b?c=d']) {
      const res = parseCurlOutput(rest);
      expect(res.code).toBe(200);
      expect(res.fields.map(([n]) => n)).toEqual(['Content-Type', 'Content-Length']); // no Connection: close
      const len = Number(res.fields[1]![1]);
      expect(res.body.subarray(0, len).toString()).toMatch(
        new RegExp(`^GET ${target.replace('?', '\\?')}\\nHost: 127\\.0\\.0\\.1:${port}\\nUser-Agent: curl/[\\d.]+\\nAccept: \\*/\\*\\nX-Note: hi\\n$`),
      );
      rest = res.body.subarray(len);
    }
    expect(rest.length).toBe(0);
    expect(stderr()).toBe('');
  });

  it('curl with a request body: the server, which reads no bodies, answers and closes', async () => {
    const { port, stderr } = await startServer();
    const r = await curl(['-i', '--data-binary', 'abc', `http://127.0.0.1:${port}/post`]);
    expect(r.code).toBe(0);
    const res = parseCurlOutput(r.stdout);
    expect(res.code).toBe(200);
    expect(Object.fromEntries(res.fields).Connection).toBe('close');
    expect(res.body.toString()).toContain('POST /post\n');
    expect(res.body.toString()).toContain('Content-Length: 3\n');
    expect(stderr()).toBe('');
  });
});
