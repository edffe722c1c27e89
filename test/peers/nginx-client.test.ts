// A headwire client (attach() on one net.Socket) against a real nginx, every
// exchange on ONE keep-alive connection: a 100 KB body, HEAD, 204, 304 (both
// conditional forms), gzip with chunked framing, duplicate fields, pipelined
// requests written before any response is read, and `Connection: close` last.
// nginx numbers the requests of a connection ($connection_requests), so the
// test sees that nothing opened a second one.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpSocket, type ReceivedField, now } from '../../src/index.ts';
import { attach } from '../../src/node.ts';
import { findBinary, type Peer, startNginx } from './harness.ts';

const nginxBin = findBinary('nginx');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const big = randomBytes(100 * 1024);
const text = Buffer.from('All work and no play makes Jack a dull boy.\n'.repeat(3000)); // compressible
const EACH = { timeout: 10_000 };

interface Response {
  code: number;
  fields: ReceivedField[];
  body: Uint8Array;
  trailers: ReceivedField[];
}
const field = (r: Response, name: string): string | undefined => r.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())?.value;
const all = (r: Response, name: string): string[] => r.fields.filter((f) => f.name.toLowerCase() === name.toLowerCase()).map((f) => f.value);

async function send(s: HttpSocket<unknown>, method: string, target: string, fields: Array<[string, string]> = []): Promise<void> {
  await s.sendRequest(method, target, EACH);
  await s.sendField('Host', 'headwire.test');
  for (const [n, v] of fields) await s.sendField(n, v);
  await s.done(EACH);
}

async function receive(s: HttpSocket<unknown>): Promise<Response> {
  const { code } = await s.recvStatus(EACH);
  const fields: ReceivedField[] = [];
  for await (const f of s.fields(EACH)) fields.push(f);
  const body = await s.readBody(EACH, 1 << 22);
  return { code, fields, body, trailers: s.trailers() };
}

describe.skipIf(nginxBin.skip !== null)('headwire client against nginx, one keep-alive connection', () => {
  let nginx: Peer;
  let sock: net.Socket;
  let s: HttpSocket<net.Socket>;
  let count = 0; // requests made on the connection so far
  const expectSameConnection = (r: Response): void => {
    count++;
    expect(field(r, 'X-Conn-Req'), 'the request number nginx counts on this connection').toBe(String(count));
  };

  beforeAll(async () => {
    nginx = await startNginx(nginxBin.path!, {
      files: { 'big.bin': big, 'text.txt': text, 'hello.txt': 'hello\n' },
      server: `
        add_header X-Conn-Req $connection_requests always;
        gzip on; gzip_types text/plain; gzip_min_length 0;
        location = /nocontent { add_header X-Conn-Req $connection_requests always; return 204; }
        location = /dup { add_header X-Conn-Req $connection_requests always; add_header X-Dup one; add_header X-Dup two; return 200 "dup\\n"; }
      `,
    });
    sock = net.connect({ port: nginx.port, host: '127.0.0.1', allowHalfOpen: true });
    sock.on('error', () => {});
    await new Promise((r) => sock.once('connect', r));
    s = attach(sock);
  }, 30_000);

  afterAll(async () => {
    s?.close();
    await nginx?.stop();
  });

  let etag = '';
  let lastModified = '';

  it('200 with a 100 KB body, Content-Length framed', async () => {
    await send(s, 'GET', '/big.bin');
    const r = await receive(s);
    expect(r.code, nginx.log()).toBe(200);
    expect(field(r, 'Content-Length')).toBe(String(big.length));
    expect(sha(r.body)).toBe(sha(big));
    expectSameConnection(r);
    etag = field(r, 'ETag')!;
    lastModified = field(r, 'Last-Modified')!;
    expect(etag).toMatch(/^"/);
  });

  it('HEAD: the Content-Length of a body that does not come', async () => {
    await send(s, 'HEAD', '/big.bin');
    const r = await receive(s);
    expect([r.code, field(r, 'Content-Length'), r.body.length]).toEqual([200, String(big.length), 0]);
    expectSameConnection(r);
  });

  it('204 No Content', async () => {
    await send(s, 'GET', '/nocontent');
    const r = await receive(s);
    expect([r.code, r.body.length]).toEqual([204, 0]);
    expectSameConnection(r);
  });

  it('304 Not Modified, by If-None-Match and by If-Modified-Since', async () => {
    await send(s, 'GET', '/big.bin', [['If-None-Match', etag]]);
    const a = await receive(s);
    expect([a.code, a.body.length]).toEqual([304, 0]);
    expectSameConnection(a);
    await send(s, 'GET', '/big.bin', [['If-Modified-Since', lastModified]]);
    const b = await receive(s);
    expect([b.code, b.body.length]).toEqual([304, 0]);
    expectSameConnection(b);
  });

  it('gzip: a chunked body that gunzips to the file', async () => {
    await send(s, 'GET', '/text.txt', [['Accept-Encoding', 'gzip']]);
    const r = await receive(s);
    expect(r.code).toBe(200);
    expect(field(r, 'Content-Encoding')).toBe('gzip');
    expect(field(r, 'Transfer-Encoding')).toBe('chunked');
    expect(field(r, 'Content-Length')).toBeUndefined();
    expect(r.body.length).toBeLessThan(text.length / 10);
    expect(sha(gunzipSync(r.body))).toBe(sha(text));
    expect(r.trailers).toEqual([]);
    expectSameConnection(r);
  });

  it('duplicate fields arrive as separate fields, in order', async () => {
    await send(s, 'GET', '/dup');
    const r = await receive(s);
    expect(all(r, 'X-Dup')).toEqual(['one', 'two']);
    expect(Buffer.from(r.body).toString()).toBe('dup\n');
    expectSameConnection(r);
  });

  it('pipelining: four requests written before any response is read', async () => {
    const started = now();
    await send(s, 'GET', '/hello.txt');
    await send(s, 'HEAD', '/hello.txt');
    await send(s, 'GET', '/nocontent');
    await send(s, 'GET', '/big.bin');
    const rs = [await receive(s), await receive(s), await receive(s), await receive(s)];
    expect(rs.map((r) => r.code)).toEqual([200, 200, 204, 200]);
    expect(Buffer.from(rs[0]!.body).toString()).toBe('hello\n');
    expect(rs[1]!.body.length).toBe(0);
    expect(sha(rs[3]!.body)).toBe(sha(big));
    for (const r of rs) expectSameConnection(r);
    expect(now() - started).toBeLessThan(10_000);
  });

  it('Connection: close last: nginx answers, then closes', async () => {
    await send(s, 'GET', '/hello.txt', [['Connection', 'close']]);
    const r = await receive(s);
    expect(field(r, 'Connection')).toBe('close');
    expectSameConnection(r);
    expect((await s.recvStatus(EACH).catch((e: { code: string }) => e)).code).toBe('EPIPE');
  });
});
