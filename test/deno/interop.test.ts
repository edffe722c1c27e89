// Deno only (`deno test --no-check --allow-env --allow-read --allow-net=127.0.0.1 test/deno`):
// attachStream on Deno's own TCP conns against Deno's own HTTP peers over
// loopback. Deno.serve (hyper) as the server of a headwire client; Deno's
// fetch as the client of a headwire server on Deno.listen; deadlines and
// AbortSignals on a Deno conn. Every test closes what it opened.
import { describe, expect, it } from 'vitest';
import { attachStream, type DetachedStreams, HttpError, type HttpSocket, now, type ReceivedField, type StreamPair } from '../../src/index.ts';
import { pseudoRandom } from '../support/bytes.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const RFC1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function allByteValues(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, i) => i);
}


const BODIES = [
  { name: 'all 256 byte values', bytes: allByteValues() },
  { name: '256 KiB', bytes: pseudoRandom(256 * 1024) },
];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A promise that rejects after `ms`, with its timer cleared once `p` settles (no leaked timer). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Read exactly `n` bytes from a readable; returns them and a readable that
 * yields whatever came past them, then the rest of the stream.
 */
async function readExactly(readable: ReadableStream<Uint8Array>, n: number): Promise<{ bytes: Uint8Array; rest: ReadableStream<Uint8Array> }> {
  const reader = readable.getReader();
  const parts: Uint8Array[] = [];
  let got = 0;
  let extra: Uint8Array | null = null;
  while (got < n) {
    const r = await within(reader.read(), 5000, `reading ${n} bytes (got ${got})`);
    if (r.done) throw new Error(`EOF after ${got} of ${n} bytes`);
    const need = n - got;
    if (r.value.length > need) {
      parts.push(r.value.subarray(0, need));
      extra = r.value.subarray(need);
      got = n;
    } else {
      parts.push(r.value);
      got += r.value.length;
    }
  }
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (extra) {
        controller.enqueue(extra);
        extra = null;
        return;
      }
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { bytes: concat(parts), rest };
}

async function collect(it: AsyncIterable<ReceivedField>): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const f of it) out.push([f.name, f.value]);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('Expected a rejection, but the promise resolved');
}

function pairOf(conn: Deno.Conn): StreamPair {
  return { readable: conn.readable, writable: conn.writable, closeWrite: () => conn.closeWrite() };
}

/** Close a conn whatever state its streams are in (cancelling its readable already closes it). */
function closeConn(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

// ---------------------------------------------------------------------------
// headwire client (Deno.connect + attachStream) -> Deno.serve
// ---------------------------------------------------------------------------

interface DenoSaw {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

async function withDenoServe(test: (port: number, saw: DenoSaw[]) => Promise<void>): Promise<void> {
  const saw: DenoSaw[] = [];
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, async (req) => {
    const body = new Uint8Array(await req.arrayBuffer());
    const url = new URL(req.url);
    saw.push({ method: req.method, url: url.pathname + url.search, headers: [...req.headers], body });
    if (url.pathname === '/echo') {
      return new Response(body, { status: 201, statusText: 'Echoed', headers: { 'Content-Type': 'application/octet-stream', 'X-Length': String(body.length) } });
    }
    return new Response('hello world', { headers: { 'X-Test': 'yes' } });
  });
  try {
    await test(server.addr.port, saw);
  } finally {
    await within(server.shutdown(), 5000, 'Deno.serve shutdown');
  }
}

describe('headwire client (attachStream on Deno.connect) -> Deno.serve', () => {
  it('GET: status, reason and fields as hyper writes them; the body read from the detached readable', async () => {
    await withDenoServe(async (port, saw) => {
      const conn = await Deno.connect({ hostname: '127.0.0.1', port });
      try {
        const s = attachStream(pairOf(conn));
        await s.sendRequest('GET', '/hello?x=1');
        await s.sendField('Host', `127.0.0.1:${port}`);
        await s.sendField('User-Agent', 'headwire-deno');
        await s.sendField('X-Client', 'attachStream');
        await s.done(now() + 2000);
        expect(await s.recvStatus(now() + 5000)).toEqual({ code: 200, reason: 'OK', version: '1.1' });
        const fields = await collect(s.fields(now() + 2000));
        // Deno.serve keeps the case of the handler's names and writes its own lowercase.
        expect(fields.map(([n]) => n)).toEqual(['X-Test', 'Content-Type', 'content-length', 'date']);
        const f = Object.fromEntries(fields);
        expect(f['X-Test']).toBe('yes');
        expect(f['Content-Type']).toBe('text/plain;charset=UTF-8');
        expect(f['content-length']).toBe('11');
        expect(f.date).toMatch(RFC1123);
        const d = await s.detach(now() + 2000);
        const { bytes, rest } = await readExactly(d.readable, 11);
        expect(dec.decode(bytes)).toBe('hello world');
        await rest.cancel();
        expect(saw).toHaveLength(1);
        expect(saw[0]!.method).toBe('GET');
        expect(saw[0]!.url).toBe('/hello?x=1');
        expect(saw[0]!.headers).toEqual([
          ['host', `127.0.0.1:${port}`],
          ['user-agent', 'headwire-deno'],
          ['x-client', 'attachStream'],
        ]);
      } finally {
        closeConn(conn);
      }
    });
  });

  for (const body of BODIES) {
    it(`POST (${body.name}): the body written to the detached writable, echoed back; the response head on a re-attached pair`, async () => {
      await withDenoServe(async (port, saw) => {
        const conn = await Deno.connect({ hostname: '127.0.0.1', port });
        try {
          const s = attachStream(pairOf(conn));
          await s.sendRequest('POST', '/echo');
          await s.sendField('Host', 'localhost');
          await s.sendField('Content-Length', String(body.bytes.length));
          await s.done(now() + 2000);
          const d = await s.detach(now() + 2000);
          const w = d.writable.getWriter();
          await within(w.write(body.bytes), 5000, 'writing the body');
          w.releaseLock();

          const r = attachStream({ readable: d.readable, writable: d.writable, closeWrite: () => conn.closeWrite() });
          // hyper writes the canonical reason phrase, whatever statusText the handler gave.
          expect(await r.recvStatus(now() + 5000)).toEqual({ code: 201, reason: 'Created', version: '1.1' });
          const f = Object.fromEntries(await collect(r.fields(now() + 2000)));
          expect(f['X-Length']).toBe(String(body.bytes.length));
          expect(f['content-length']).toBe(String(body.bytes.length));
          const d2 = await r.detach(now() + 2000);
          const { bytes, rest } = await readExactly(d2.readable, body.bytes.length);
          await rest.cancel();
          expect(equalBytes(bytes, body.bytes)).toBe(true);
          expect(equalBytes(saw[0]!.body, body.bytes)).toBe(true);
        } finally {
          closeConn(conn);
        }
      });
    });
  }
});

// ---------------------------------------------------------------------------
// Deno's fetch -> a headwire server (Deno.listen + attachStream)
// ---------------------------------------------------------------------------

interface Seen {
  conn: number;
  method: string;
  target: string;
  fields: Array<[string, string]>;
  body: Uint8Array;
}

/**
 * Serve every connection: recvRequest, fields(); with a body, detach, read
 * exactly Content-Length bytes and re-attach to answer. GET /close... is
 * answered with Connection: close, other GETs with Content-Length (kept open),
 * POSTs with their body echoed.
 */
async function withHeadwireServer(test: (port: number, seen: Seen[]) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  const conns = new Set<Deno.Conn>();
  const tasks: Promise<void>[] = [];
  const serve = async (conn: Deno.Conn, id: number): Promise<void> => {
    let pair: StreamPair = pairOf(conn);
    for (;;) {
      const s = attachStream(pair);
      let req;
      try {
        req = await s.recvRequest(now() + 5000);
      } catch (e) {
        s.close();
        if (e instanceof HttpError && e.code === 'EPIPE') return; // the client closed between requests
        throw e;
      }
      const fields = await collect(s.fields(now() + 5000));
      const length = Number(fields.find(([n]) => n.toLowerCase() === 'content-length')?.[1] ?? '0');
      let out: HttpSocket<DetachedStreams> = s;
      let body: Uint8Array = new Uint8Array(0);
      if (length > 0) {
        const d = await s.detach(now() + 5000);
        const got = await readExactly(d.readable, length);
        body = got.bytes;
        out = attachStream({ readable: got.rest, writable: d.writable, closeWrite: () => conn.closeWrite() });
      }
      seen.push({ conn: id, method: req.method, target: req.target, fields, body });
      const close = req.target.startsWith('/close');
      const payload = req.method === 'POST' ? body : enc.encode(`hello ${req.target} from headwire\n`);
      await out.sendStatus(200, close ? 'Fine' : undefined);
      await out.sendField('Content-Type', req.method === 'POST' ? 'application/octet-stream' : 'text/plain');
      await out.sendField(close ? 'Connection' : 'Content-Length', close ? 'close' : String(payload.length));
      await out.sendField('X-Server', 'headwire');
      await out.done(now() + 5000);
      const d = await out.detach(now() + 5000);
      const w = d.writable.getWriter();
      await within(w.write(payload), 5000, 'writing the response body');
      w.releaseLock();
      if (close) {
        await conn.closeWrite(); // FIN after the body; the client then closes
        await d.readable.cancel();
        return;
      }
      pair = { readable: d.readable, writable: d.writable, closeWrite: () => conn.closeWrite() };
    }
  };
  const accepting = (async () => {
    let id = 0;
    for await (const conn of listener) {
      conns.add(conn);
      const n = ++id;
      tasks.push(
        serve(conn, n)
          .catch((e: unknown) => void errors.push(e))
          .finally(() => {
            conns.delete(conn);
            closeConn(conn);
          }),
      );
    }
  })();
  try {
    await test(listener.addr.port, seen);
    expect(errors).toEqual([]);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const c of conns) closeConn(c); // kept-alive conns: their pending reads end with the close
    await within(Promise.allSettled(tasks), 5000, 'server tasks');
  }
}

describe("Deno's fetch -> headwire server (attachStream on Deno.listen)", () => {
  it('GET, Connection: close: status, statusText, headers and body; the server saw fetch\'s fields', async () => {
    await withHeadwireServer(async (port, seen) => {
      const res = await fetch(`http://127.0.0.1:${port}/close/d?q=1`, { headers: { 'X-Client': 'deno-fetch' } });
      expect(res.status).toBe(200);
      // Deno's fetch (hyper) reports the canonical reason, not the "Fine" on the wire.
      expect(res.statusText).toBe('OK');
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect(res.headers.get('x-server')).toBe('headwire');
      expect(res.headers.get('connection')).toBe('close');
      expect(await res.text()).toBe('hello /close/d?q=1 from headwire\n');
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe('GET');
      expect(seen[0]!.target).toBe('/close/d?q=1');
      const names = seen[0]!.fields.map(([n]) => n.toLowerCase());
      expect(names).toEqual(expect.arrayContaining(['host', 'accept', 'user-agent', 'accept-encoding', 'x-client']));
      const f = Object.fromEntries(seen[0]!.fields.map(([n, v]) => [n.toLowerCase(), v]));
      expect(f.host).toBe(`127.0.0.1:${port}`);
      expect(f.accept).toBe('*/*');
      expect(f['user-agent']).toMatch(/^Deno\/\d+\.\d+\.\d+$/);
      expect(f['x-client']).toBe('deno-fetch');
    });
  });

  it('GET, Content-Length: the body framed by length on a kept-open connection', async () => {
    await withHeadwireServer(async (port, seen) => {
      const client = Deno.createHttpClient({});
      try {
        for (const target of ['/one', '/two']) {
          const res = await fetch(`http://127.0.0.1:${port}${target}`, { client });
          expect(res.status).toBe(200);
          expect(res.statusText).toBe('OK');
          const text = await res.text();
          expect(text).toBe(`hello ${target} from headwire\n`);
          expect(res.headers.get('content-length')).toBe(String(text.length));
        }
        expect(seen.map((s) => [s.conn, s.target])).toEqual([
          [1, '/one'],
          [1, '/two'],
        ]);
      } finally {
        client.close();
      }
    });
  });

  for (const body of BODIES) {
    it(`POST (${body.name}): the body arrives intact through detach() and is echoed`, async () => {
      await withHeadwireServer(async (port, seen) => {
        const res = await fetch(`http://127.0.0.1:${port}/upload`, {
          method: 'POST',
          body: new Uint8Array(body.bytes), // a copy typed Uint8Array<ArrayBuffer>, as BodyInit wants
          headers: { 'Content-Type': 'application/octet-stream' },
        });
        expect(res.status).toBe(200);
        const echoed = new Uint8Array(await res.arrayBuffer());
        expect(equalBytes(echoed, body.bytes)).toBe(true);
        expect(seen).toHaveLength(1);
        expect(seen[0]!.method).toBe('POST');
        const f = Object.fromEntries(seen[0]!.fields.map(([n, v]) => [n.toLowerCase(), v]));
        expect(f['content-length']).toBe(String(body.bytes.length));
        expect(f['content-type']).toBe('application/octet-stream');
        expect(equalBytes(seen[0]!.body, body.bytes)).toBe(true);
      });
    });
  }
});

// ---------------------------------------------------------------------------
// Deadlines and AbortSignal on attachStream over a Deno conn
// ---------------------------------------------------------------------------

/** A raw peer: the test drives its conn by hand. */
async function withRawPeer(test: (client: Deno.Conn, peer: Deno.Conn) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const client = await Deno.connect({ hostname: '127.0.0.1', port: listener.addr.port });
  const peer = await listener.accept();
  try {
    await test(client, peer);
  } finally {
    closeConn(client);
    closeConn(peer);
    listener.close();
  }
}

async function write(conn: Deno.Conn, text: string): Promise<void> {
  const w = conn.writable.getWriter();
  await w.write(enc.encode(text));
  w.releaseLock();
}

describe('deadlines and AbortSignal on attachStream over a Deno conn', () => {
  it('deadline 0, an expired deadline and an AbortSignal: ETIMEDOUT, ETIMEDOUT, ECANCELED; then the response arrives whole', async () => {
    await withRawPeer(async (client, peer) => {
      const s = attachStream(pairOf(client));
      await s.sendRequest('GET', '/wait');
      await s.sendField('Host', 'a');
      await s.done(now() + 2000);

      expect((await rejection(s.recvStatus(0))).code).toBe('ETIMEDOUT');
      const expired = now() + 1;
      await sleep(5);
      expect((await rejection(s.recvStatus(expired))).code).toBe('ETIMEDOUT');
      const t0 = now();
      expect((await rejection(s.recvStatus(now() + 50))).code).toBe('ETIMEDOUT');
      expect(now() - t0).toBeGreaterThanOrEqual(45);
      const ctl = new AbortController();
      const pending = s.recvStatus({ signal: ctl.signal });
      setTimeout(() => ctl.abort(), 20);
      expect((await rejection(pending)).code).toBe('ECANCELED');
      expect((await rejection(s.recvStatus({ signal: AbortSignal.abort() }))).code).toBe('ECANCELED');

      // Half a status line arrives during a wait that then times out: nothing is lost.
      await write(peer, 'HTTP/1.1 2');
      await sleep(30);
      expect((await rejection(s.recvStatus(now() + 30))).code).toBe('ETIMEDOUT');
      await write(peer, '00 OK\r\nContent-Length: 2\r\nX-A: 1\r\n\r\nok');

      expect(await s.recvStatus(now() + 5000)).toEqual({ code: 200, reason: 'OK', version: '1.1' });
      expect(await collect(s.fields(now() + 2000))).toEqual([
        ['Content-Length', '2'],
        ['X-A', '1'],
      ]);
      const d = await s.detach(now() + 2000);
      const { bytes, rest } = await readExactly(d.readable, 2);
      expect(dec.decode(bytes)).toBe('ok');
      await rest.cancel();
    });
  });

  it('a timed-out recvStatus(0) leaves a read in flight; detach() hands its bytes to the detached readable', async () => {
    await withRawPeer(async (client, peer) => {
      const s = attachStream(pairOf(client));
      await s.sendRequest('GET', '/');
      await s.sendField('Host', 'a');
      await s.done(now() + 2000);
      expect((await rejection(s.recvStatus(0))).code).toBe('ETIMEDOUT');
      // Nothing of the response was read: detach() leaves the incoming direction alone.
      const d = await s.detach(now() + 2000);
      await write(peer, 'HTTP/1.1 204 No Content\r\n\r\n');
      const { bytes, rest } = await readExactly(d.readable, 27);
      expect(dec.decode(bytes)).toBe('HTTP/1.1 204 No Content\r\n\r\n');
      await rest.cancel();
    });
  });

  it('server side: recvRequest times out on a silent Deno client and succeeds once it sends; closeWrite() half-closes', async () => {
    await withRawPeer(async (client, peer) => {
      const s = attachStream(pairOf(peer));
      expect((await rejection(s.recvRequest(now() + 50))).code).toBe('ETIMEDOUT');
      await write(client, 'GET /late HTTP/1.1\r\nHost: a\r\n\r\n');
      expect(await s.recvRequest(now() + 5000)).toEqual({ method: 'GET', target: '/late', version: '1.1' });
      expect(await collect(s.fields(now() + 2000))).toEqual([['Host', 'a']]);
      await s.sendStatus(204);
      await s.done(now() + 2000);
      await s.closeWrite(now() + 2000);
      // The client reads the whole answer, then EOF: the server half-closed, it did not reset.
      const reader = client.readable.getReader();
      const parts: Uint8Array[] = [];
      for (;;) {
        const r = await within(reader.read(), 5000, 'reading to EOF');
        if (r.done) break;
        parts.push(r.value);
      }
      reader.releaseLock();
      expect(dec.decode(concat(parts))).toBe('HTTP/1.1 204 No Content\r\n\r\n');
      s.close();
    });
  });
});
