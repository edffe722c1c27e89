// The peer harness works: curl fetches a static file from nginx, and through
// haproxy (mode http, health checks on) from a Node http server. These are the
// peers the body and keep-alive tests run against (harness.ts).
import { createHash, randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { curl, findBinary, type Peer, startHaproxy, startNginx } from './harness.ts';

const nginxBin = findBinary('nginx');
const haproxyBin = findBinary('haproxy');
const curlBin = findBinary('curl');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const peers: Peer[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const p of peers) await p.stop();
  for (const s of servers) await new Promise((r) => s.close(r));
});

describe('peer harness smoke test', () => {
  it.skipIf(nginxBin.skip !== null || curlBin.skip !== null)('curl gets a static file from nginx', async () => {
    const body = randomBytes(100 * 1024);
    const nginx = await startNginx(nginxBin.path!, { files: { 'file.bin': body, 'hello.txt': 'hello from nginx\n' } });
    peers.push(nginx);
    const r = await curl([`http://127.0.0.1:${nginx.port}/file.bin`]);
    expect(r.code, `${r.stderr}\n${nginx.log()}`).toBe(0);
    expect(sha(r.stdout)).toBe(sha(body));
    const head = await curl(['-i', `http://127.0.0.1:${nginx.port}/hello.txt`]);
    const text = head.stdout.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toMatch(/\r\nServer: nginx/);
    expect(text.endsWith('\r\n\r\nhello from nginx\n')).toBe(true);
    const missing = await curl(['-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${nginx.port}/missing`]);
    expect(missing.stdout.toString()).toBe('404');
  });

  it.skipIf(haproxyBin.skip !== null || curlBin.skip !== null)('curl gets a file through haproxy (health checks on) from a Node server', async () => {
    const body = randomBytes(64 * 1024);
    let checks = 0;
    const server = createServer((req, res) => {
      if (req.url === '/health') {
        checks++;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      } else if (req.url === '/file.bin') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
      } else {
        res.writeHead(404).end();
      }
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const backend = (server.address() as AddressInfo).port;
    const proxy = await startHaproxy(haproxyBin.path!, { backends: [backend], healthPath: '/health', checkIntervalMs: 100 });
    peers.push(proxy);
    // The backend is used once a health check passed: wait for one (bounded).
    for (let i = 0; i < 100 && checks === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(checks, proxy.log()).toBeGreaterThan(0);
    let r = await curl([`http://127.0.0.1:${proxy.port}/file.bin`]);
    // haproxy may answer 503 for a moment until it has marked the server up: retry a few times.
    for (let i = 0; i < 20 && (r.code !== 0 || sha(r.stdout) !== sha(body)); i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await curl([`http://127.0.0.1:${proxy.port}/file.bin`]);
    }
    expect(r.code, `${r.stderr}\n${proxy.log()}`).toBe(0);
    expect(sha(r.stdout)).toBe(sha(body));
  });
});
