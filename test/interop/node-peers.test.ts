// headwire's Node adapter (`attach` on a net.Socket, and `attachStream` on
// Duplex.toWeb(socket)) against real peers over loopback: Node's http server
// as the peer of a headwire client; Node's http.request, the global fetch
// (undici) and curl as clients of a headwire server. Bodies travel outside the
// codec, on what `detach()` gives back, and must arrive byte for byte.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachStream, HttpError, now, type ReceivedField, type SocketOptions, type StreamPair } from '../../src/index.ts';
import { attach } from '../../src/node.ts';
import {
  allByteValues,
  Cleanup,
  curl,
  listen,
  parseCurlOutput,
  pseudoRandom,
  readExactly,
  readToEnd,
  rejection,
  requireCurl,
  sleep,
} from './helpers.ts';

const T = { timeout: 10_000 };
const c = new Cleanup();
afterEach(() => c.run());

const BODIES = [
  { name: 'all 256 byte values', bytes: allByteValues() },
  { name: '256 KiB', bytes: pseudoRandom(256 * 1024) },
];

const RFC1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function collect(it: AsyncIterable<ReceivedField>): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const f of it) out.push([f.name, f.value]);
  return out;
}

// ---------------------------------------------------------------------------
// headwire client -> Node's http.createServer
// ---------------------------------------------------------------------------

interface NodeSaw {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

async function nodeServer(): Promise<{ port: number; saw: NodeSaw[] }> {
  const saw: NodeSaw[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      saw.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body });
      if (req.url === '/hello') {
        res.setHeader('Content-Type', 'text/plain');
        res.writeHead(200, { 'Content-Length': 11 });
        res.end('hello world');
      } else if (req.url === '/echo') {
        res.writeHead(201, 'Echoed', {
          'Content-Type': 'application/octet-stream',
          'Content-Length': body.length,
          'X-Sha256': sha256(body),
        });
        res.end(body);
      } else if (req.url === '/chunked') {
        res.setHeader('Content-Type', 'text/plain');
        res.write('hello');
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  c.server(server);
  return { port: await listen(server), saw };
}

function connect(port: number): Socket {
  return c.socket(net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }));
}

describe('headwire client (attach) -> Node http.createServer', T, () => {
  it('GET: status, reason and every field as Node writes them; the body read from the detached socket', async () => {
    const { port, saw } = await nodeServer();
    const s = attach(connect(port));
    await s.sendRequest('GET', '/hello');
    await s.sendField('Host', `127.0.0.1:${port}`);
    await s.sendField('User-Agent', 'headwire-interop');
    await s.sendField('Accept', 'text/plain');
    await s.sendField('X-Latin1', 'caf\xe9'); // obs-text, one byte 0xE9 on the wire
    await s.done(now() + 2000);

    expect(await s.recvStatus(now() + 5000)).toEqual({ code: 200, reason: 'OK', version: '1.1' });
    const fields = await collect(s.fields(now() + 2000));
    expect(fields.map(([n]) => n)).toEqual(['Content-Type', 'Content-Length', 'Date', 'Connection', 'Keep-Alive']);
    const f = Object.fromEntries(fields);
    expect(f).toMatchObject({ 'Content-Type': 'text/plain', 'Content-Length': '11', Connection: 'keep-alive', 'Keep-Alive': 'timeout=5' });
    expect(f.Date).toMatch(RFC1123);

    const raw = await s.detach(now() + 2000);
    expect((await readExactly(raw, 11)).toString('latin1')).toBe('hello world');

    expect(saw).toHaveLength(1);
    expect(saw[0]!.method).toBe('GET');
    expect(saw[0]!.url).toBe('/hello');
    expect(saw[0]!.rawHeaders).toEqual([
      'Host',
      `127.0.0.1:${port}`,
      'User-Agent',
      'headwire-interop',
      'Accept',
      'text/plain',
      'X-Latin1',
      'caf\xe9',
    ]);
  });

  it('keep-alive: a second head on the socket detach() gave back, re-attached', async () => {
    const { port, saw } = await nodeServer();
    let sock = connect(port);
    for (const round of [1, 2]) {
      const s = attach(sock);
      await s.sendRequest('GET', '/hello');
      await s.sendField('Host', 'localhost');
      await s.done();
      expect((await s.recvStatus(now() + 5000)).code).toBe(200);
      const f = Object.fromEntries(await collect(s.fields(now() + 2000)));
      sock = await s.detach(now() + 2000);
      expect((await readExactly(sock, Number(f['Content-Length']))).toString()).toBe('hello world');
      expect(saw).toHaveLength(round);
    }
  });

  it('a chunked response: the chunked framing arrives untouched on the detached socket', async () => {
    const { port } = await nodeServer();
    const s = attach(connect(port));
    await s.sendRequest('GET', '/chunked');
    await s.sendField('Host', 'localhost');
    await s.done();
    expect(await s.recvStatus(now() + 5000)).toMatchObject({ code: 200, reason: 'OK' });
    const f = await collect(s.fields(now() + 2000));
    expect(f.map(([n]) => n)).toEqual(['Content-Type', 'Date', 'Connection', 'Keep-Alive', 'Transfer-Encoding']);
    expect(Object.fromEntries(f)['Transfer-Encoding']).toBe('chunked');
    const wire = '5\r\nhello\r\n0\r\n\r\n';
    expect((await readExactly(await s.detach(), wire.length)).toString('latin1')).toBe(wire);
  });

  for (const body of BODIES) {
    it(`POST (${body.name}): body written to the detached socket after done(), echoed back byte for byte`, async () => {
      const { port, saw } = await nodeServer();
      const s = attach(connect(port));
      await s.sendRequest('POST', '/echo');
      await s.sendField('Host', 'localhost');
      await s.sendField('Content-Type', 'application/octet-stream');
      await s.sendField('Content-Length', String(body.bytes.length));
      await s.done(now() + 2000);
      const sock = await s.detach(now() + 2000);
      sock.write(body.bytes);

      const r = attach(sock);
      expect(await r.recvStatus(now() + 5000)).toEqual({ code: 201, reason: 'Echoed', version: '1.1' });
      const f = Object.fromEntries(await collect(r.fields(now() + 2000)));
      expect(f['Content-Length']).toBe(String(body.bytes.length));
      expect(f['X-Sha256']).toBe(sha256(body.bytes));
      const echoed = await readExactly(await r.detach(now() + 2000), body.bytes.length);
      expect(echoed.equals(body.bytes)).toBe(true);
      expect(saw[0]!.body.equals(body.bytes)).toBe(true);
      expect(saw[0]!.rawHeaders).toEqual([
        'Host',
        'localhost',
        'Content-Type',
        'application/octet-stream',
        'Content-Length',
        String(body.bytes.length),
      ]);
    });
  }
});

// ---------------------------------------------------------------------------
// Node http.request, fetch and curl -> a headwire server (net.createServer + attach)
// ---------------------------------------------------------------------------

interface Seen {
  conn: number;
  method: string;
  target: string;
  version: string;
  fields: Array<[string, string]>;
  body: Buffer;
}

interface Reply {
  code: number;
  reason?: string;
  fields: Array<[string, string]>;
  body: Buffer;
  /** `Connection: close` framing: end the socket after the body. */
  close: boolean;
}

const GREETING = (target: string): Buffer => Buffer.from(`hello ${target} from headwire\n`);

/**
 * GET /close... -> 200 "Fine", Connection: close, body until EOF.
 * GET other     -> 200, Content-Length, connection kept open for the next request.
 * POST          -> the request body echoed back with Content-Length.
 */
function defaultReply(seen: Seen): Reply {
  if (seen.method === 'POST') {
    return {
      code: 200,
      fields: [
        ['Content-Type', 'application/octet-stream'],
        ['Content-Length', String(seen.body.length)],
        ['X-Body-Sha256', sha256(seen.body)],
      ],
      body: seen.body,
      close: false,
    };
  }
  const body = GREETING(seen.target);
  if (seen.target.startsWith('/close')) {
    return {
      code: 200,
      reason: 'Fine',
      fields: [
        ['Content-Type', 'text/plain'],
        ['Connection', 'close'],
        ['X-Server', 'headwire'],
      ],
      body,
      close: true,
    };
  }
  return {
    code: 200,
    fields: [
      ['Content-Type', 'text/plain'],
      ['Content-Length', String(body.length)],
      ['X-Server', 'headwire'],
    ],
    body,
    close: false,
  };
}

/**
 * A keep-alive headwire server. Per request: recvRequest, fields(); with a
 * body (or `Expect: 100-continue`, answered with an interim 100 first) it
 * detaches, reads exactly Content-Length bytes and re-attaches to answer; then
 * sendStatus/sendField/done, detach, and the body goes on the raw socket.
 */
async function headwireServer(options: SocketOptions = {}): Promise<{ port: number; seen: Seen[]; errors: unknown[] }> {
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  let conns = 0;
  const serve = async (sock: Socket, conn: number): Promise<void> => {
    for (;;) {
      const s = attach(sock, options);
      let req: Awaited<ReturnType<typeof s.recvRequest>>;
      try {
        req = await s.recvRequest(now() + 5000);
      } catch (e) {
        s.close();
        if (e instanceof HttpError && e.code === 'EPIPE') return; // the client closed between requests
        throw e;
      }
      const fields = await collect(s.fields(now() + 5000));
      const field = (name: string): string | undefined => fields.find(([n]) => n.toLowerCase() === name)?.[1];
      const length = Number(field('content-length') ?? '0');
      const expect100 = field('expect')?.toLowerCase() === '100-continue';
      let out = s;
      let body: Buffer = Buffer.alloc(0);
      if (length > 0 || expect100) {
        if (expect100) {
          await s.sendStatus(100);
          await s.done(now() + 5000);
        }
        const raw = await s.detach(now() + 5000);
        body = await readExactly(raw, length);
        out = attach(raw);
      }
      const one: Seen = { conn, ...req, fields, body };
      seen.push(one);
      const r = defaultReply(one);
      await out.sendStatus(r.code, r.reason);
      for (const [n, v] of r.fields) await out.sendField(n, v);
      await out.done(now() + 5000);
      const raw = await out.detach(now() + 5000);
      if (r.body.length > 0) raw.write(r.body);
      if (r.close) {
        raw.end();
        return;
      }
      sock = raw;
    }
  };
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    serve(sock, ++conns).catch((e: unknown) => {
      errors.push(e);
      sock.destroy();
    });
  });
  c.server(server);
  return { port: await listen(server), seen, errors };
}

interface NodeResponse {
  status: number;
  statusMessage: string;
  rawHeaders: string[];
  body: Buffer;
}

function nodeRequest(
  port: number,
  agent: http.Agent,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<NodeResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode!, statusMessage: res.statusMessage!, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('http.request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

function agent(): http.Agent {
  const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
  c.defer(() => a.destroy());
  return a;
}

describe('Node http.request -> headwire server (attach)', T, () => {
  it('Connection: close response: status, reason, fields and body until EOF; the server saw the request fields', async () => {
    const { port, seen, errors } = await headwireServer();
    const res = await nodeRequest(port, agent(), 'GET', '/close?q=1', { 'X-Client': 'node-http' });
    expect(res.status).toBe(200);
    expect(res.statusMessage).toBe('Fine');
    expect(res.rawHeaders).toEqual(['Content-Type', 'text/plain', 'Connection', 'close', 'X-Server', 'headwire']);
    expect(res.body.toString()).toBe('hello /close?q=1 from headwire\n');
    expect(seen).toEqual([
      {
        conn: 1,
        method: 'GET',
        target: '/close?q=1',
        version: '1.1',
        fields: [
          ['X-Client', 'node-http'],
          ['Host', `127.0.0.1:${port}`],
          ['Connection', 'keep-alive'],
        ],
        body: Buffer.alloc(0),
      },
    ]);
    expect(errors).toEqual([]);
  });

  it('Content-Length response, keep-alive: two requests on one connection', async () => {
    const { port, seen, errors } = await headwireServer();
    const a = agent();
    for (const target of ['/one', '/two']) {
      const res = await nodeRequest(port, a, 'GET', target);
      expect(res.status).toBe(200);
      expect(res.statusMessage).toBe('OK');
      expect(res.rawHeaders).toEqual(['Content-Type', 'text/plain', 'Content-Length', String(GREETING(target).length), 'X-Server', 'headwire']);
      expect(res.body.equals(GREETING(target))).toBe(true);
    }
    expect(seen.map((s) => [s.conn, s.target])).toEqual([
      [1, '/one'],
      [1, '/two'],
    ]);
    expect(errors).toEqual([]);
  });

  for (const body of BODIES) {
    it(`POST (${body.name}) with Content-Length: the body arrives intact through detach() and is echoed`, async () => {
      const { port, seen, errors } = await headwireServer();
      const res = await nodeRequest(port, agent(), 'POST', '/upload', { 'Content-Length': String(body.bytes.length) }, body.bytes);
      expect(res.status).toBe(200);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.fields).toEqual([
        ['Content-Length', String(body.bytes.length)],
        ['Host', `127.0.0.1:${port}`],
        ['Connection', 'keep-alive'],
      ]);
      expect(seen[0]!.body.equals(body.bytes)).toBe(true);
      expect(res.body.equals(body.bytes)).toBe(true);
      expect(errors).toEqual([]);
    });
  }
});

describe('fetch (undici) -> headwire server (attach)', T, () => {
  const fetchFields = (port: number): Array<[string, string]> => [
    ['host', `127.0.0.1:${port}`],
    ['connection', 'keep-alive'],
    ['X-Client', 'fetch'], // undici keeps the case the caller gave
    ['accept', '*/*'],
    ['accept-language', '*'],
    ['sec-fetch-mode', 'cors'],
    ['user-agent', 'node'],
    ['accept-encoding', 'gzip, deflate'],
  ];

  it('Connection: close response: status, statusText, headers and body; the server saw fetch\'s fields', async () => {
    const { port, seen, errors } = await headwireServer();
    const res = await fetch(`http://127.0.0.1:${port}/close/f`, { headers: { 'X-Client': 'fetch' }, signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('Fine');
    expect([...res.headers]).toEqual([
      ['connection', 'close'],
      ['content-type', 'text/plain'],
      ['x-server', 'headwire'],
    ]);
    expect(await res.text()).toBe('hello /close/f from headwire\n');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', target: '/close/f', version: '1.1', fields: fetchFields(port) });
    expect(errors).toEqual([]);
  });

  it('Content-Length response, keep-alive: two fetches on one connection', async () => {
    const { port, seen, errors } = await headwireServer();
    for (const target of ['/one', '/two']) {
      // No AbortSignal here: undici does not put a connection back in its pool
      // for reuse while the request's signal is live (seen with any server).
      // The test's own timeout bounds it, and cleanup destroys the connection.
      const res = await fetch(`http://127.0.0.1:${port}${target}`, { headers: { 'X-Client': 'fetch' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(GREETING(target).length));
      expect(Buffer.from(await res.arrayBuffer()).equals(GREETING(target))).toBe(true);
      // undici hands the connection back to its pool a tick after the body
      // ends; asked at once it opens a second one (with any server).
      await sleep(20);
    }
    expect(seen.map((s) => [s.conn, s.target])).toEqual([
      [1, '/one'],
      [1, '/two'],
    ]);
    expect(seen[1]!.fields).toEqual(fetchFields(port));
    expect(errors).toEqual([]);
  });

  for (const body of BODIES) {
    it(`POST (${body.name}): the body arrives intact through detach() and is echoed`, async () => {
      const { port, seen, errors } = await headwireServer();
      const res = await fetch(`http://127.0.0.1:${port}/upload`, {
        method: 'POST',
        body: new Uint8Array(body.bytes),
        headers: { 'Content-Type': 'application/octet-stream' },
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-body-sha256')).toBe(sha256(body.bytes));
      expect(Buffer.from(await res.arrayBuffer()).equals(body.bytes)).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.fields.map(([n]) => n)).toEqual([
        'host',
        'connection',
        'Content-Type',
        'accept',
        'accept-language',
        'sec-fetch-mode',
        'user-agent',
        'accept-encoding',
        'content-length',
      ]);
      const f = Object.fromEntries(seen[0]!.fields);
      expect(f['content-length']).toBe(String(body.bytes.length));
      expect(f['Content-Type']).toBe('application/octet-stream');
      expect(seen[0]!.body.equals(body.bytes)).toBe(true);
      expect(errors).toEqual([]);
    });
  }
});

describe('curl -> headwire server (attach)', T, () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'headwire-curl-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('curl is installed (CI installs it; the curl tests fail without it)', () => {
    expect(requireCurl()).toMatch(/curl$/);
  });

  it('Connection: close response: status line, fields and body; the server saw Host, User-Agent, Accept', async () => {
    const { port, seen, errors } = await headwireServer();
    const r = await curl(['-i', '-H', 'X-Client: curl', `http://127.0.0.1:${port}/close/c`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = parseCurlOutput(r.stdout);
    expect(res).toMatchObject({ code: 200, reason: 'Fine', version: '1.1', interim: [] });
    expect(res.fields).toEqual([
      ['Content-Type', 'text/plain'],
      ['Connection', 'close'],
      ['X-Server', 'headwire'],
    ]);
    expect(res.body.toString()).toBe('hello /close/c from headwire\n');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.target).toBe('/close/c');
    expect(seen[0]!.fields.map(([n]) => n)).toEqual(['Host', 'User-Agent', 'Accept', 'X-Client']);
    const f = Object.fromEntries(seen[0]!.fields);
    expect(f.Host).toBe(`127.0.0.1:${port}`);
    expect(f['User-Agent']).toMatch(/^curl\/\d+\.\d+\.\d+$/);
    expect(f.Accept).toBe('*/*');
    expect(f['X-Client']).toBe('curl');
    expect(errors).toEqual([]);
  });

  it('Content-Length response, keep-alive: two URLs in one curl run share the connection', async () => {
    const { port, seen, errors } = await headwireServer();
    const r = await curl(['-i', `http://127.0.0.1:${port}/one`, `http://127.0.0.1:${port}/two`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const first = parseCurlOutput(r.stdout);
    expect(first.code).toBe(200);
    const len = Number(Object.fromEntries(first.fields)['Content-Length']);
    expect(first.body.subarray(0, len).equals(GREETING('/one'))).toBe(true);
    const second = parseCurlOutput(first.body.subarray(len));
    expect(second.fields).toEqual([
      ['Content-Type', 'text/plain'],
      ['Content-Length', String(GREETING('/two').length)],
      ['X-Server', 'headwire'],
    ]);
    expect(second.body.equals(GREETING('/two'))).toBe(true);
    expect(seen.map((s) => [s.conn, s.target])).toEqual([
      [1, '/one'],
      [1, '/two'],
    ]);
    expect(errors).toEqual([]);
  });

  for (const body of BODIES) {
    it(`POST --data-binary (${body.name}): the body arrives intact through detach() and is echoed`, async () => {
      const { port, seen, errors } = await headwireServer();
      const file = join(dir, `body-${body.bytes.length}`);
      writeFileSync(file, body.bytes);
      const r = await curl([
        '-i',
        '-H',
        'Content-Type: application/octet-stream',
        '--data-binary',
        `@${file}`,
        `http://127.0.0.1:${port}/upload`,
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const res = parseCurlOutput(r.stdout);
      expect(res.code).toBe(200);
      expect(Object.fromEntries(res.fields)['X-Body-Sha256']).toBe(sha256(body.bytes));
      expect(res.body.equals(body.bytes)).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe('POST');
      expect(Object.fromEntries(seen[0]!.fields)['Content-Length']).toBe(String(body.bytes.length));
      expect(seen[0]!.body.equals(body.bytes)).toBe(true);
      expect(errors).toEqual([]);
    });
  }

  it('Expect: 100-continue: an interim 100 head, then the body through detach(), then the final head on a re-attached socket', async () => {
    const { port, seen, errors } = await headwireServer();
    const body = pseudoRandom(64 * 1024, 7);
    const file = join(dir, 'body-expect');
    writeFileSync(file, body);
    const started = now();
    // --expect100-timeout 4: were the 100 not seen, curl would wait 4 s before sending anyway.
    const r = await curl(['-i', '--expect100-timeout', '4', '-H', 'Expect: 100-continue', '--data-binary', `@${file}`, `http://127.0.0.1:${port}/e`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(now() - started).toBeLessThan(3000);
    const res = parseCurlOutput(r.stdout);
    expect(res.interim).toEqual([{ code: 100, reason: 'Continue', fields: [] }]);
    expect(res.code).toBe(200);
    expect(res.body.equals(body)).toBe(true);
    expect(Object.fromEntries(seen[0]!.fields).Expect).toBe('100-continue');
    expect(seen[0]!.body.equals(body)).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('a raw Node socket -> headwire server (attach): pipelining and half-close', T, () => {
  it('two pipelined requests in one write: the second head survives detach() and the re-attach', async () => {
    const { port, seen, errors } = await headwireServer();
    const client = connect(port);
    const answer = readToEnd(client);
    client.write('GET /p1 HTTP/1.1\r\nHost: a\r\n\r\nGET /close/p2 HTTP/1.1\r\nHost: b\r\n\r\n');
    const got = (await answer).toString('latin1');
    const b1 = GREETING('/p1').toString();
    expect(got).toBe(
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${b1.length}\r\nX-Server: headwire\r\n\r\n${b1}` +
        `HTTP/1.1 200 Fine\r\nContent-Type: text/plain\r\nConnection: close\r\nX-Server: headwire\r\n\r\n${GREETING('/close/p2').toString()}`,
    );
    expect(seen.map((x) => [x.conn, x.target, x.fields])).toEqual([
      [1, '/p1', [['Host', 'a']]],
      [1, '/close/p2', [['Host', 'b']]],
    ]);
    expect(errors).toEqual([]);
  });

  it('a POST, a pipelined GET and an immediate half-close in one write: body, second head and EOF all arrive', async () => {
    const { port, seen, errors } = await headwireServer();
    const client = connect(port);
    const answer = readToEnd(client);
    const body = allByteValues();
    client.end(
      Buffer.concat([
        Buffer.from(`POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n`),
        body,
        Buffer.from('GET /after HTTP/1.1\r\nHost: a\r\n\r\n'),
      ]),
    );
    const got = await answer;
    const head1 = `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 256\r\nX-Body-Sha256: ${sha256(body)}\r\n\r\n`;
    const b2 = GREETING('/after').toString();
    const head2 = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${b2.length}\r\nX-Server: headwire\r\n\r\n`;
    expect(got.equals(Buffer.concat([Buffer.from(head1), body, Buffer.from(head2 + b2)]))).toBe(true);
    expect(seen.map((x) => x.target)).toEqual(['/up', '/after']);
    expect(seen[0]!.body.equals(body)).toBe(true);
    // The server saw the client's EOF as a clean close between requests (EPIPE), not an error.
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// attachStream on Node: Duplex.toWeb(socket) against the same real peers
// ---------------------------------------------------------------------------

function webPair(sock: Socket): StreamPair {
  return Duplex.toWeb(sock) as unknown as StreamPair;
}

async function readStreamExactly(readable: ReadableStream<Uint8Array>, n: number): Promise<Buffer> {
  const reader = readable.getReader();
  const parts: Uint8Array[] = [];
  let got = 0;
  try {
    while (got < n) {
      const r = await reader.read();
      if (r.done) throw new Error(`EOF after ${got} of ${n} bytes`);
      parts.push(r.value);
      got += r.value.length;
    }
  } finally {
    reader.releaseLock();
  }
  const all = Buffer.concat(parts);
  expect(all.length).toBe(n); // a well-behaved peer sends nothing past the body here
  return all;
}

describe('attachStream on Node (Duplex.toWeb) <-> Node http and fetch', T, () => {
  for (const body of BODIES) {
    it(`headwire client -> Node http.createServer, POST (${body.name}): body through the detached writable, echo through a re-attached pair`, async () => {
      const { port, saw } = await nodeServer();
      const sock = connect(port);
      const s = attachStream(webPair(sock));
      await s.sendRequest('POST', '/echo');
      await s.sendField('Host', 'localhost');
      await s.sendField('Content-Length', String(body.bytes.length));
      await s.done(now() + 2000);
      const d = await s.detach(now() + 2000);
      const w = d.writable.getWriter();
      await w.write(body.bytes);
      w.releaseLock();
      const r = attachStream(d);
      expect(await r.recvStatus(now() + 5000)).toEqual({ code: 201, reason: 'Echoed', version: '1.1' });
      const f = Object.fromEntries(await collect(r.fields(now() + 2000)));
      expect(f['X-Sha256']).toBe(sha256(body.bytes));
      const echoed = await readStreamExactly((await r.detach(now() + 2000)).readable, body.bytes.length);
      expect(echoed.equals(body.bytes)).toBe(true);
      expect(saw[0]!.body.equals(body.bytes)).toBe(true);
    });
  }

  it('fetch -> a headwire server on attachStream(Duplex.toWeb(socket)): POST body via detach(), answer, half-close', async () => {
    const seen: Array<{ req: unknown; fields: Array<[string, string]>; body: Buffer }> = [];
    const errors: unknown[] = [];
    const server = net.createServer({ allowHalfOpen: true }, (sock) => {
      (async () => {
        const s = attachStream(webPair(sock));
        const req = await s.recvRequest(now() + 5000);
        const fields = await collect(s.fields(now() + 5000));
        const length = Number(fields.find(([n]) => n === 'content-length')?.[1] ?? 0);
        const d = await s.detach(now() + 5000);
        const body = await readStreamExactly(d.readable, length);
        seen.push({ req, fields, body });
        const out = attachStream(d);
        await out.sendStatus(200);
        await out.sendField('Content-Length', '64');
        await out.sendField('Connection', 'close');
        await out.done(now() + 5000);
        const d2 = await out.detach(now() + 5000);
        const w = d2.writable.getWriter();
        await w.write(Buffer.from(sha256(body)));
        await w.close(); // Duplex.toWeb: closing the writable ends the socket (FIN)
      })().catch((e: unknown) => {
        errors.push(e);
        sock.destroy();
      });
    });
    c.server(server);
    const port = await listen(server);
    const body = pseudoRandom(256 * 1024, 3);
    const res = await fetch(`http://127.0.0.1:${port}/web`, { method: 'POST', body: new Uint8Array(body), signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(sha256(body));
    expect(seen[0]!.req).toEqual({ method: 'POST', target: '/web', version: '1.1' });
    expect(seen[0]!.body.equals(body)).toBe(true);
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Failure modes against real peers
// ---------------------------------------------------------------------------

/** A server whose one connection is handed to `handle`; resolves with what it returns. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function oneConnection<R>(handle: (sock: Socket) => Promise<R>): Promise<{ port: number; result: Promise<R> }> {
  let resolve!: (r: Promise<R>) => void;
  const result = new Promise<R>((r) => {
    resolve = r;
  });
  const server = net.createServer({ allowHalfOpen: true }, (sock) => resolve(handle(sock)));
  c.server(server);
  return { port: await listen(server), result };
}

describe('failure modes against real peers', T, () => {
  for (const [how, rule] of [
    ['destroy() (FIN)', 'eof'], // EOF in the middle of a head
    ['resetAndDestroy() (RST)', 'transport'], // the socket's own ECONNRESET
  ] as const) {
    it(`a Node client sends half a head, then ${how}: recvField rejects ECONNRESET (rule ${rule})`, async () => {
      let hostSeen!: () => void;
      const gotHost = new Promise<void>((r) => {
        hostSeen = r;
      });
      const { port, result } = await oneConnection(async (sock) => {
        const s = attach(sock);
        const req = await s.recvRequest(now() + 5000);
        const host = await s.recvField(now() + 5000);
        hostSeen();
        const err = await rejection(s.recvField(now() + 5000));
        s.close();
        return { req, host, err };
      });
      const client = connect(port);
      client.write('GET /half HTTP/1.1\r\nHost: a\r\nX-Cut: so');
      await gotHost;
      if (how === 'destroy() (FIN)') client.destroy();
      else client.resetAndDestroy();
      const { req, host, err } = await result;
      expect(req).toEqual({ method: 'GET', target: '/half', version: '1.1' });
      expect(host).toEqual({ name: 'Host', value: 'a' });
      expect(err).toMatchObject({ code: 'ECONNRESET', rule });
    });
  }

  /** Serve one request with a small maxHeadSize; answer the EMSGSIZE with its status hint. */
  const smallHeadServer = () =>
    oneConnection(async (sock) => {
      const s = attach(sock, { maxHeadSize: 512 });
      const req = await s.recvRequest(now() + 5000);
      const fields: ReceivedField[] = [];
      let err: HttpError | undefined;
      try {
        for await (const f of s.fields(now() + 5000)) fields.push(f);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        err = e;
        await s.sendStatus(e.statusHint ?? 400);
        await s.sendField('Connection', 'close');
        await s.sendField('Content-Length', '0');
        await s.done(now() + 2000);
        await s.closeWrite(now() + 2000); // FIN, not a reset: the client reads the answer first
      }
      return { req, fields, err };
    });

  it('curl sends a header over maxHeadSize: EMSGSIZE (head-too-large) on the server, curl reads the 431', async () => {
    const { port, result } = await smallHeadServer();
    const r = await curl(['-i', '-H', `X-Big: ${'b'.repeat(1000)}`, `http://127.0.0.1:${port}/big`]);
    const { req, err } = await result;
    expect(req.target).toBe('/big');
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ code: 'EMSGSIZE', rule: 'head-too-large', statusHint: 431 });
    expect(r.code).toBe(0);
    expect(parseCurlOutput(r.stdout)).toMatchObject({ code: 431, reason: 'Request Header Fields Too Large' });
  });

  it('Node http.request sends a header over maxHeadSize: EMSGSIZE on the server, the client gets 431', async () => {
    const { port, result } = await smallHeadServer();
    const res = await nodeRequest(port, agent(), 'GET', '/big', { 'X-Big': 'n'.repeat(1000) });
    const { fields, err } = await result;
    expect(err).toMatchObject({ code: 'EMSGSIZE', rule: 'head-too-large', statusHint: 431 });
    expect(fields.length).toBeLessThan(3);
    expect(res.status).toBe(431);
  });

  /** Serve one connection: recvRequest must fail; answer with the error's status hint and half-close. */
  const rejectingServer = () =>
    oneConnection(async (sock) => {
      const s = attach(sock);
      const err = await rejection(s.recvRequest(now() + 5000));
      try {
        await s.sendStatus(err.statusHint ?? 400);
        await s.sendField('Connection', 'close');
        await s.done(now() + 2000);
        await s.closeWrite(now() + 2000);
      } catch {
        // the client may already have reset the connection
      }
      return err;
    });

  it('curl speaks TLS to the plain-text server: recvRequest rejects EPROTO at byte 0 of the ClientHello, hint 400', async () => {
    const { port, result } = await rejectingServer();
    const r = await curl(['-k', `https://127.0.0.1:${port}/`]);
    const err = await result;
    expect(err).toMatchObject({ code: 'EPROTO', offset: 0, statusHint: 400 });
    expect(r.code).not.toBe(0); // curl's TLS handshake fails
  });

  it('curl --http2-prior-knowledge: the HTTP/2 preface "PRI * HTTP/2.0" is EPROTO (http-version), hint 505', async () => {
    const { port, result } = await rejectingServer();
    const r = await curl(['--http2-prior-knowledge', `http://127.0.0.1:${port}/`]);
    const err = await result;
    expect(err).toMatchObject({ code: 'EPROTO', rule: 'http-version', statusHint: 505 });
    expect(err.offset).toBeGreaterThanOrEqual('PRI * '.length);
    expect(err.offset).toBeLessThan('PRI * HTTP/2.0'.length);
    expect(r.code).not.toBe(0);
  });

  it('deadline and AbortSignal against a raw client: ETIMEDOUT, ECANCELED, then the request arrives whole (nothing lost)', async () => {
    const silentDone = deferred();
    const partialSent = deferred();
    const partialDone = deferred();
    const { port, result } = await oneConnection(async (sock) => {
      const s = attach(sock);
      const t0 = now();
      const timedOut = await rejection(s.recvRequest(now() + 100));
      const waited = now() - t0;
      const immediate = await rejection(s.recvRequest(0));
      silentDone.resolve();
      await partialSent.promise;
      await sleep(50); // "GET /la" is in the socket now: the next call feeds it to the decoder, then waits
      const partial = await rejection(s.recvRequest(now() + 100));
      const canceled = await rejection(s.recvRequest({ signal: AbortSignal.timeout(50) }));
      partialDone.resolve();
      const req = await s.recvRequest(now() + 5000);
      const fields = await collect(s.fields(now() + 5000));
      await s.sendStatus(204);
      await s.done(now() + 2000);
      (await s.detach()).end();
      return { timedOut, waited, immediate, partial, canceled, req, fields };
    });
    const client = connect(port);
    await silentDone.promise;
    client.write('GET /la');
    partialSent.resolve();
    await partialDone.promise;
    client.write('ter HTTP/1.1\r\nHost: a\r\n\r\n');
    const answer = readToEnd(client);
    const r = await result;
    expect(r.timedOut.code).toBe('ETIMEDOUT');
    expect(r.waited).toBeGreaterThanOrEqual(95);
    expect(r.immediate.code).toBe('ETIMEDOUT');
    expect(r.partial.code).toBe('ETIMEDOUT');
    expect(r.canceled.code).toBe('ETIMEDOUT'); // AbortSignal.timeout(): ETIMEDOUT, its TimeoutError as cause (DESIGN.md)
    expect((r.canceled.cause as Error).name).toBe('TimeoutError');
    expect(r.req).toEqual({ method: 'GET', target: '/later', version: '1.1' });
    expect(r.fields).toEqual([['Host', 'a']]);
    expect((await answer).toString()).toBe('HTTP/1.1 204 No Content\r\n\r\n');
  });

  it('deadline on the client side: recvStatus times out while Node\'s server delays, then the response arrives whole', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const server = http.createServer(async (_req, res) => {
      await held;
      res.writeHead(200, { 'Content-Length': 2 });
      res.end('ok');
    });
    c.server(server);
    const port = await listen(server);
    const s = attach(connect(port));
    await s.sendRequest('GET', '/slow');
    await s.sendField('Host', 'localhost');
    await s.done();
    expect((await rejection(s.recvStatus(now() + 100))).code).toBe('ETIMEDOUT');
    const ctl = new AbortController();
    const pending = s.recvStatus({ signal: ctl.signal });
    ctl.abort();
    expect((await rejection(pending)).code).toBe('ECANCELED');
    release();
    expect(await s.recvStatus(now() + 5000)).toEqual({ code: 200, reason: 'OK', version: '1.1' });
    const f = Object.fromEntries(await collect(s.fields(now() + 2000)));
    expect(f['Content-Length']).toBe('2');
    expect((await readExactly(await s.detach(), 2)).toString()).toBe('ok');
  });
});
