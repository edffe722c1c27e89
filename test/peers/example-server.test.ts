// examples/server.mjs as a user runs it (`node examples/server.mjs 0` after the
// build), checked by real clients: curl (echo, a 1 MB chunked upload hashed end
// to end, HTTP/1.0 persistence, a bad head), a raw pipelining client, and ab
// with and without keep-alive (0 failed requests).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../package/build.ts';
import { curl, findBinary } from './harness.ts';
import { readToEnd, run } from '../interop/helpers.ts';

const ab = findBinary('ab');
const curlBin = findBinary('curl');
const T = { timeout: 60_000 };
let server: ChildProcess | undefined;
let port = 0;
const dir = mkdtempSync(join(tmpdir(), 'headwire-example-'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  ensureBuilt();
  const child = spawn('node', ['examples/server.mjs', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('examples/server.mjs did not start')), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
}, 60_000);

afterAll(() => {
  server?.kill('SIGTERM');
});

describe.skipIf(curlBin.skip !== null || ab.skip !== null)('examples/server.mjs', () => {
  it('echoes Content-Length and chunked uploads byte for byte (hashed)', T, async () => {
    for (const size of [0, 1, 4096, 1 << 20]) {
      const body = Buffer.alloc(size);
      for (let i = 0; i < size; i++) body[i] = (i * 131 + 7) & 0xff;
      const file = join(dir, `up-${size}`);
      writeFileSync(file, body);
      for (const extra of [[], ['-H', 'Transfer-Encoding: chunked']]) {
        const r = await curl(['-s', '--data-binary', `@${file}`, ...extra, `http://127.0.0.1:${port}/u`]);
        expect(r.code).toBe(0);
        expect(sha(r.stdout)).toBe(sha(body));
      }
    }
  });

  it('answers Expect: 100-continue with 100 before it reads the body', T, async () => {
    const r = await curl(['-s', '-v', '-H', 'Expect: 100-continue', '--data-binary', 'after the 100', `http://127.0.0.1:${port}/`]);
    expect(r.stderr).toMatch(/< HTTP\/1\.1 100 Continue\r?\n[\s\S]*< HTTP\/1\.1 200 OK/);
    expect(r.stdout.toString()).toBe('after the 100');
  });

  it('keeps HTTP/1.0 keep-alive and 1.1 connections, closes on Connection: close', T, async () => {
    const r = await curl(['-s', '-0', '-v', '-H', 'Connection: keep-alive', `http://127.0.0.1:${port}/a`, `http://127.0.0.1:${port}/b`]);
    expect(r.stderr).toMatch(/Re-using existing connection|Reusing existing connection/);
    const c = await curl(['-s', '-i', '-H', 'Connection: close', `http://127.0.0.1:${port}/c`]);
    expect(c.stdout.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: close\r\n/);
  });

  it('answers pipelined requests in order, and a bad head with its statusHint', T, async () => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.write('POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\none' + 'POST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n' + 'GET / HTTP/1.1\r\nBad Name: x\r\n\r\n');
    const all = (await readToEnd(sock, 10_000)).toString('latin1');
    expect(all).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none' + 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo' + 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
  });

  it('survives resets mid-head and mid-body', T, async () => {
    for (const bytes of ['GET / HTTP/1.1\r\nHo', 'POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc']) {
      const sock = net.connect({ port, host: '127.0.0.1' });
      await new Promise((r) => sock.once('connect', r));
      sock.write(bytes);
      await new Promise((r) => setTimeout(r, 50));
      sock.resetAndDestroy();
    }
    const r = await curl(['-s', '--data-binary', 'still here', `http://127.0.0.1:${port}/`]);
    expect(r.stdout.toString()).toBe('still here');
  });

  const parse = (out: string) => ({
    complete: Number(/Complete requests:\s+(\d+)/.exec(out)?.[1]),
    failed: Number(/Failed requests:\s+(\d+)/.exec(out)?.[1]),
    non2xx: /Non-2xx responses:\s+(\d+)/.exec(out)?.[1],
  });
  for (const args of [['-k'], [], ['-k', '-p', 'POST']]) {
    it(`ab ${args.join(' ')} -n 2000 -c 20: 0 failed`, T, async () => {
      let extra = args;
      if (args.includes('-p')) {
        const file = join(dir, 'post.bin');
        writeFileSync(file, Buffer.alloc(5000, 0x61));
        extra = ['-k', '-p', file, '-T', 'application/octet-stream'];
      }
      const r = await run(ab.path!, [...extra, '-n', '2000', '-c', '20', `http://127.0.0.1:${port}/`], 50_000);
      const p = parse(r.stdout.toString());
      expect(p, r.stdout.toString() + r.stderr).toEqual({ complete: 2000, failed: 0, non2xx: undefined });
    });
  }
});
