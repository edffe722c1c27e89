// curl -> haproxy (mode http, HTTP health checks on) -> examples/server.mjs,
// run as a user runs it (`node examples/server.mjs 0` after the build). Uploads
// framed by Content-Length and chunked (curl -H 'Transfer-Encoding: chunked'
// --data-binary @file), several sizes up to 1 MB, hashed end to end: what
// comes back is what was sent. haproxy's health checks open and drop their
// own connections all along; the server must take them in its stride.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../package/build.ts';
import { curl, findBinary, type Peer, startHaproxy } from './harness.ts';

const haproxyBin = findBinary('haproxy');
const curlBin = findBinary('curl');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const SIZES = [0, 1, 1000, 65_536, 300_001, 1 << 20];

describe.skipIf(haproxyBin.skip !== null || curlBin.skip !== null)('curl -> haproxy -> examples/server.mjs', () => {
  let server: ChildProcess;
  let serverErr = '';
  let proxy: Peer;
  const dir = mkdtempSync(join(tmpdir(), 'headwire-haproxy-example-'));

  beforeAll(async () => {
    ensureBuilt();
    server = spawn(process.execPath, ['examples/server.mjs', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.on('data', (d: Buffer) => (serverErr += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`examples/server.mjs did not start: ${serverErr}`)), 10_000);
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    proxy = await startHaproxy(haproxyBin.path!, { backends: [port], healthPath: '/health', checkIntervalMs: 100 });
    // haproxy answers 503 until a health check marked the server up: wait for that (bounded).
    for (let i = 0; i < 100; i++) {
      const r = await curl(['-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${proxy.port}/`]);
      if (r.stdout.toString() === '200') return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`haproxy never marked examples/server.mjs up\n${proxy.log()}`);
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  for (const size of SIZES) {
    for (const framing of ['Content-Length', 'chunked'] as const) {
      it(`${size} bytes, ${framing}: sha256 of the echo is that of the upload`, { timeout: 30_000 }, async () => {
        const body = Buffer.alloc(size);
        for (let i = 0; i < size; i++) body[i] = (i * 251 + size) & 0xff;
        const file = join(dir, `up-${size}`);
        writeFileSync(file, body);
        const extra = framing === 'chunked' ? ['-H', 'Transfer-Encoding: chunked'] : [];
        const r = await curl(['--data-binary', `@${file}`, ...extra, `http://127.0.0.1:${proxy.port}/echo`], 20);
        expect(r.code, `${r.stderr}\n${proxy.log()}`).toBe(0);
        expect(r.stdout.length).toBe(size);
        expect(sha(r.stdout)).toBe(sha(body));
      });
    }
  }

  it('the server is still up, and said nothing on stderr', async () => {
    const r = await curl(['--data-binary', 'still here', `http://127.0.0.1:${proxy.port}/`]);
    expect(r.stdout.toString()).toBe('still here');
    expect(server.exitCode).toBe(null);
    expect(serverErr).toBe('');
  });
});
