// Whole messages over HttpSocket (issue 10, item 3), the same cases on every
// adapter: Node net and web streams over real loopback sockets, and in-memory
// pipes with caller storage. recvBody / readBody / trailers on the read side,
// sendBody / endBody on the write side, the keep-alive cycle and pipelining.
import { describe, expect, it } from 'vitest';
import { type HttpSocket, now } from '../../src/index.ts';
import { prng } from '../support/bytes.ts';
import { RIG_NAMES, type Rig, codeOf, errorOf, latin1, makeRig, sleep, useRig } from './rigs.ts';

const T = { timeout: 3000 };

/** Every chunk recvBody() yields, as byte strings. */
async function chunks(s: HttpSocket<unknown>, deadline: Parameters<HttpSocket<unknown>['recvBody']>[0] = T): Promise<string[]> {
  const out: string[] = [];
  for await (const c of s.recvBody(deadline)) out.push(latin1(c));
  return out;
}

/** Send `wire` in random pieces, each given a turn of the event loop. */
async function trickle(rig: Rig, wire: string, r: () => number): Promise<void> {
  for (let at = 0; at < wire.length; ) {
    const n = 1 + Math.floor(r() * Math.min(40, wire.length - at));
    await rig.peer.send(wire.slice(at, at + n));
    at += n;
    if (r() < 0.3) await sleep(0);
  }
}

const chunked = (...parts: string[]): string => parts.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join('');

for (const name of RIG_NAMES) {
  describe(`whole messages over HttpSocket on ${name}`, () => {
    const open = useRig();

    it('a Content-Length body; the fields recvBody read ahead are still handed out', async () => {
      const { s, peer } = await open(name);
      await peer.send('POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world');
      await s.recvRequest(T);
      expect(latin1(await s.readBody(T))).toBe('hello world');
      expect(await s.recvField(T)).toEqual({ name: 'Host', value: 'a' });
      expect(await s.recvField(T)).toEqual({ name: 'Content-Length', value: '11' });
      expect(await codeOf(s.recvField(T))).toBe('EPIPE');
      expect(await chunks(s)).toEqual([]); // the body is over
      expect(s.trailers()).toEqual([]);
    });

    it('a chunked body with trailers, split at random points', async () => {
      const r = prng(name.length * 7919);
      for (let round = 0; round < 5; round++) {
        const rg = await makeRig(name);
        try {
          const parts = ['a', 'bc'.repeat(50), 'x'.repeat(1 + Math.floor(r() * 3000)), '\u00ff\u0000\r\n'];
          const wire = `PUT /c HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n${chunked(...parts)}0;ext=1\r\nDigest: sha-256=x\r\nX-T: 2\r\n\r\n`;
          const sending = trickle(rg, wire, r);
          await rg.s.recvRequest(T);
          const got = await chunks(rg.s);
          await sending;
          expect(got.join('')).toBe(parts.join(''));
          expect(rg.s.trailers()).toEqual([
            { name: 'Digest', value: 'sha-256=x' },
            { name: 'X-T', value: '2' },
          ]);
        } finally {
          await rg.close();
        }
      }
    });

    it('a close-delimited response body ends at the peer FIN', async () => {
      const { s, peer } = await open(name);
      await s.sendRequest('GET', '/');
      await s.done();
      await peer.send('HTTP/1.1 200 OK\r\nServer: x\r\n\r\nuntil');
      await peer.send(' the end');
      peer.closeWrite();
      expect((await s.recvStatus(T)).code).toBe(200);
      expect(latin1(await s.readBody(T))).toBe('until the end');
      expect(await codeOf(s.recvStatus(T))).toBe('EPIPE'); // nothing after it
    });

    it('a request with neither field has no body; the next request follows at once', async () => {
      const { s, peer } = await open(name);
      await peer.send('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n\r\n');
      expect((await s.recvRequest(T)).target).toBe('/1');
      expect(await chunks(s)).toEqual([]);
      expect((await s.recvRequest(T)).target).toBe('/2');
      // A bodiless message whose fields were read to the end is over without recvBody().
      expect(await codeOf(s.recvField(T))).toBe('EPIPE');
      await peer.send('GET /3 HTTP/1.1\r\n\r\n');
      expect((await s.recvRequest(T)).target).toBe('/3');
    });

    it('pipelined requests with bodies, sent in one write, answered in order', async () => {
      const { s, peer } = await open(name);
      const wire =
        'POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc' +
        `POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n${chunked('de', 'f')}0\r\n\r\n` +
        'GET /c HTTP/1.1\r\n\r\n' +
        'POST /d HTTP/1.0\r\nContent-Length: 1\r\n\r\ng';
      await peer.send(wire);
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { target } = await s.recvRequest(T);
        const body = latin1(await s.readBody(T));
        seen.push(`${target}=${body}`);
        await s.sendStatus(200);
        await s.sendField('Content-Length', String(body.length));
        await s.done();
        await s.sendBody(new TextEncoder().encode(body));
        await s.endBody();
      }
      expect(seen).toEqual(['/a=abc', '/b=def', '/c=', '/d=g']);
      const want = ['abc', 'def', '', 'g'].map((b) => `HTTP/1.1 200 OK\r\nContent-Length: ${b.length}\r\n\r\n${b}`).join('');
      expect(await peer.waitFor(want.length)).toBe(want);
    });

    it('responses to HEAD, 204 and 304 have no body whatever their fields; 1xx does not answer a request', async () => {
      const { s, peer } = await open(name);
      for (const [m, t] of [['HEAD', '/h'], ['GET', '/n'], ['GET', '/m'], ['GET', '/g']] as const) {
        await s.sendRequest(m, t);
        await s.done();
      }
      await peer.send(
        'HTTP/1.1 100 Continue\r\n\r\n' +
          'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + // HEAD: no body, though 1xx came first
          'HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n' +
          'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n' +
          'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody',
      );
      const got: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { code } = await s.recvStatus(T);
        got.push(`${code}:${latin1(await s.readBody(T))}`);
      }
      expect(got).toEqual(['100:', '200:', '204:', '304:', '200:body']);
    });

    it('a 1xx, its fields read, then the final response on recvStatus()', async () => {
      const { s, peer } = await open(name);
      await s.sendRequest('POST', '/up');
      await s.sendField('Expect', '100-continue');
      await s.sendField('Content-Length', '2');
      await s.done();
      await peer.send('HTTP/1.1 100 Continue\r\nX: 1\r\n\r\n');
      expect((await s.recvStatus(T)).code).toBe(100);
      expect(await s.recvField(T)).toEqual({ name: 'X', value: '1' });
      expect(await codeOf(s.recvField(T))).toBe('EPIPE');
      await s.sendBody(new TextEncoder().encode('up'));
      await s.endBody();
      await peer.send('HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
      expect((await s.recvStatus(T)).code).toBe(201);
      expect(latin1(await s.readBody(T))).toBe('ok');
      expect(peer.received()).toContain('\r\n\r\nup');
    });

    it('a deadline during recvBody loses nothing; the next call resumes', async () => {
      const { s, peer } = await open(name);
      await peer.send('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n01234');
      await s.recvRequest(T);
      const e = await errorOf(s.readBody({ timeout: 20 }));
      expect(e.code).toBe('ETIMEDOUT');
      // readBody gave up after taking "01234": a recvBody step that times out takes nothing more.
      expect(await codeOf(s.readBody(0))).toBe('ETIMEDOUT');
      await peer.send('56789');
      expect((await chunks(s)).join('')).toBe('56789');
      const it = s.recvBody(now() + 3000)[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(true);
    });

    it('close() rejects a pending recvBody step with EBADF', async () => {
      const { s, peer } = await open(name);
      await peer.send('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0');
      await s.recvRequest(T);
      const it = s.recvBody()[Symbol.asyncIterator]();
      expect(latin1((await it.next()).value as Uint8Array)).toBe('0');
      const pending = it.next();
      await sleep(5);
      s.close();
      expect(await codeOf(pending)).toBe('EBADF');
    });

    it('EOF in the middle of a body is ECONNRESET', async () => {
      const { s, peer } = await open(name);
      await peer.send('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123');
      peer.closeWrite();
      await s.recvRequest(T);
      expect((await errorOf(s.readBody(T))).code).toBe('ECONNRESET');
    });

    it('calls out of order are EINVAL and consume nothing', async () => {
      const { s, peer } = await open(name);
      expect(await codeOf(chunks(s))).toBe('EINVAL'); // no head yet
      await peer.send('POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /next HTTP/1.1\r\n\r\n');
      await s.recvRequest(T);
      expect(await codeOf(s.recvRequest(T))).toBe('EINVAL'); // fields not read
      for await (const _ of s.fields(T));
      const e = await errorOf(s.recvRequest(T)); // body not read
      expect([e.code, e.message]).toEqual(['EINVAL', expect.stringContaining('recvBody()')]);
      expect(latin1(await s.readBody(T))).toBe('abc');
      expect((await s.recvRequest(T)).target).toBe('/next');
      expect(await codeOf(s.readBody(T, -1))).toBe('EINVAL');
    });

    it('a head error offset counts from the connection start, or from the end of the last body read', async () => {
      const { s, peer } = await open(name);
      await peer.send('GET / HTTP/1.1\r\n\r\nGET /\x01 HTTP/1.1\r\n\r\n');
      await s.recvRequest(T);
      for await (const _ of s.fields(T));
      const e = await errorOf(s.recvRequest(T));
      expect([e.code, e.offset]).toEqual(['EPROTO', 18 + 5]);
      const other = await makeRig(name);
      try {
        await other.peer.send('POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nabGET /\x01 HTTP/1.1\r\n\r\n');
        await other.s.recvRequest(T);
        expect(latin1(await other.s.readBody(T))).toBe('ab');
        const e2 = await errorOf(other.s.recvRequest(T));
        expect([e2.code, e2.offset]).toEqual(['EPROTO', 5]);
      } finally {
        await other.close();
      }
    });

    it('readBody past maxBytes is EMSGSIZE (body-too-large, 413); maxBodySize applies to recvBody', async () => {
      const { s, peer } = await open(name);
      await peer.send('POST / HTTP/1.1\r\nContent-Length: 6\r\n\r\nabcdef');
      await s.recvRequest(T);
      const e = await errorOf(s.readBody(T, 5));
      expect([e.code, e.rule, e.statusHint]).toEqual(['EMSGSIZE', 'body-too-large', 413]);
      const other = await makeRig(name, { maxBodySize: 2 });
      try {
        await other.peer.send('POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc');
        await other.s.recvRequest(T);
        const e2 = await errorOf(other.s.readBody(T));
        expect([e2.code, e2.rule, e2.statusHint]).toEqual(['EMSGSIZE', 'body-too-large', 413]);
      } finally {
        await other.close();
      }
    });

    it('a framing error is the HttpError framing() throws (EPROTO, 400), sticky', async () => {
      const { s, peer } = await open(name);
      await peer.send('POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n');
      await s.recvRequest(T);
      const e = await errorOf(s.readBody(T));
      expect([e.code, e.rule, e.statusHint]).toEqual(['EPROTO', 'content-length-with-transfer-encoding', 400]);
      expect((await errorOf(s.readBody(T))).rule).toBe('content-length-with-transfer-encoding');
      expect((await errorOf(s.recvRequest(T))).rule).toBe('content-length-with-transfer-encoding');
    });

    it('a bad chunk is EPROTO with the rule and offset from the body decoder', async () => {
      const { s, peer } = await open(name);
      await peer.send('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n');
      await s.recvRequest(T);
      const e = await errorOf(s.readBody(T));
      expect([e.code, e.rule, e.offset]).toEqual(['EPROTO', 'chunk-data', 6]);
    });

    it('after a 101 and after CONNECT, recvBody is EINVAL pointing at detach()', async () => {
      const rig = await open(name);
      const { s, peer } = rig;
      await s.sendRequest('GET', '/ws');
      await s.sendField('Upgrade', 'websocket');
      await s.done();
      await peer.send('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nFRAME');
      expect((await s.recvStatus(T)).code).toBe(101);
      const e = await errorOf(s.readBody(T));
      expect([e.code, e.message]).toEqual(['EINVAL', expect.stringContaining('detach()')]);
      expect(await codeOf(s.recvStatus(T))).toBe('EINVAL');
      expect(await rig.readDetached(await s.detach(T), 5)).toBe('FRAME');
      const other = await makeRig(name);
      try {
        await other.peer.send('CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n\x16\x03\x01');
        await other.s.recvRequest(T);
        expect((await errorOf(other.s.readBody(T))).message).toContain('detach()');
        await other.s.sendStatus(200);
        await other.s.done();
        expect((await errorOf(other.s.sendBody(new Uint8Array(1)))).message).toContain('detach()');
        expect(await other.readDetached(await other.s.detach(T), 3)).toBe('\x16\x03\x01');
      } finally {
        await other.close();
      }
    });

    it('sendBody with Content-Length: exact bytes; more is EINVAL (length); a short endBody is EINVAL (length)', async () => {
      const { s, peer } = await open(name);
      await s.sendStatus(200);
      await s.sendField('Content-Length', '5');
      expect(await codeOf(s.sendBody(new Uint8Array(1)))).toBe('EINVAL'); // before done()
      await s.done();
      await s.sendBody(new TextEncoder().encode('abc'));
      expect((await errorOf(s.sendBody(new TextEncoder().encode('def')))).rule).toBe('length');
      expect((await errorOf(s.endBody())).rule).toBe('length');
      await s.sendBody(new Uint8Array(0)); // writes nothing
      await s.sendBody(new TextEncoder().encode('de'));
      await s.endBody();
      expect(await codeOf(s.sendBody(new Uint8Array(1)))).toBe('EPIPE');
      const want = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde';
      expect(await peer.waitFor(want.length)).toBe(want);
    });

    it('sendBody chunked with trailers; a big body goes out as it is', async () => {
      const { s, peer } = await open(name);
      await s.sendRequest('POST', '/up');
      await s.sendField('Transfer-Encoding', 'chunked');
      await s.done();
      const big = new Uint8Array(100_000).fill(0x61);
      await s.sendBody(new TextEncoder().encode('hi'));
      await s.sendBody(big);
      await s.endBody([['Digest', 'x']]);
      const want = `POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n186a0\r\n${'a'.repeat(100_000)}\r\n0\r\nDigest: x\r\n\r\n`;
      expect(await peer.waitFor(want.length, 5000)).toBe(want);
      // The outgoing message is over: the next request starts.
      await s.sendRequest('GET', '/next');
      await s.done();
      const both = `${want}GET /next HTTP/1.1\r\n\r\n`;
      expect(await peer.waitFor(both.length)).toBe(both);
    });

    it('small body data is copied: changing it right after sendBody() leaves the wire alone', async () => {
      const { s, peer } = await open(name);
      await s.sendStatus(200);
      await s.sendField('Transfer-Encoding', 'chunked');
      await s.done();
      const data = new TextEncoder().encode('original');
      await s.sendBody(data);
      data.fill(0x21);
      await s.endBody();
      const want = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\noriginal\r\n0\r\n\r\n';
      expect(await peer.waitFor(want.length)).toBe(want);
    });

    it('a response with neither field is close-delimited: endBody half-closes', async () => {
      const { s, peer } = await open(name);
      await s.sendStatus(200);
      await s.done();
      await s.sendBody(new TextEncoder().encode('stream'));
      await s.endBody();
      await peer.ended();
      expect(peer.received()).toBe('HTTP/1.1 200 OK\r\n\r\nstream');
      expect(await codeOf(s.sendStatus(200))).toBe('EPIPE');
    });

    it('endBody half-closes while the head still waits for the peer to read: both settle once it reads', async () => {
      const { s, peer } = await open(name);
      peer.pause();
      await s.sendStatus(200);
      await s.sendField('X-Big', 'v'.repeat(4 << 20)); // far past every buffer on the way
      const done = s.done({ timeout: 10_000 });
      const ended = s.endBody(undefined, { timeout: 10_000 }); // close-delimited: half-closes behind the head
      await sleep(20);
      peer.resume();
      expect(await codeOf(done)).toBeUndefined();
      expect(await codeOf(ended)).toBeUndefined();
      await peer.ended();
      expect(peer.received().length).toBe('HTTP/1.1 200 OK\r\nX-Big: \r\n\r\n'.length + (4 << 20));
    });

    it('an answer written and the socket closed at once still reaches the peer (nothing held back)', async () => {
      const { s, peer } = await open(name);
      await s.sendStatus(400);
      await s.sendField('Content-Length', '0');
      await s.sendField('Connection', 'close');
      await s.done();
      s.close();
      const want = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
      expect(await peer.waitFor(want.length)).toBe(want);
    });

    it('no body where framing has none: a request with neither field, a response to HEAD, a 204', async () => {
      const { s, peer } = await open(name);
      await s.sendRequest('GET', '/');
      await s.done();
      expect((await errorOf(s.sendBody(new Uint8Array(1)))).code).toBe('EINVAL');
      await s.sendBody(new Uint8Array(0));
      await s.endBody();
      const srv = await makeRig(name);
      try {
        await srv.peer.send('HEAD / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n');
        for (const status of [200, 204]) {
          await srv.s.recvRequest(T);
          for await (const _ of srv.s.fields(T));
          await srv.s.sendStatus(status);
          await srv.s.sendField('Content-Length', '3');
          await srv.s.done();
          expect((await errorOf(srv.s.sendBody(new Uint8Array(3)))).code).toBe('EINVAL');
        }
        const want = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n';
        expect(await srv.peer.waitFor(want.length)).toBe(want);
      } finally {
        await srv.close();
      }
      expect(await peer.waitFor(18)).toBe('GET / HTTP/1.1\r\n\r\n');
    });

    it('a keep-alive loop of several messages, each answered before the next is sent', async () => {
      const { s, peer } = await open(name);
      let expected = '';
      for (let i = 0; i < 6; i++) {
        const body = `m${i}-${'z'.repeat(i * 100)}`;
        const framed = i % 2 === 0 ? `Content-Length: ${body.length}\r\n\r\n${body}` : `Transfer-Encoding: chunked\r\n\r\n${chunked(body)}0\r\n\r\n`;
        await peer.send(`POST /${i} HTTP/1.1\r\n${framed}`);
        const { target } = await s.recvRequest(T);
        expect(target).toBe(`/${i}`);
        const got = await s.readBody(T);
        expect(latin1(got)).toBe(body);
        await s.sendStatus(200);
        await s.sendField('Transfer-Encoding', 'chunked');
        await s.done();
        await s.sendBody(got);
        await s.endBody();
        expected += `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(body)}0\r\n\r\n`;
        expect(await peer.waitFor(expected.length)).toBe(expected);
      }
    });

    it('pipelined messages with bodies trickled at random points keep every byte', async () => {
      const r = prng(4242 + name.length);
      const bodies = Array.from({ length: 8 }, (_, i) => 'q'.repeat(Math.floor(r() * 700)) + String(i));
      const wire = bodies
        .map((b, i) => (i % 3 === 0 ? `POST /${i} HTTP/1.1\r\nContent-Length: ${b.length}\r\n\r\n${b}` : i % 3 === 1 ? `POST /${i} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(b.slice(0, 5), b.slice(5))}0\r\nT: ${i}\r\n\r\n` : `GET /${i} HTTP/1.1\r\nContent-Length: ${b.length}\r\n\r\n${b}`))
        .join('');
      const rig = await open(name);
      const { s } = rig;
      const sending = trickle(rig, wire, r);
      for (let i = 0; i < bodies.length; i++) {
        expect((await s.recvRequest(T)).target).toBe(`/${i}`);
        expect(latin1(await s.readBody(T))).toBe(bodies[i]);
        expect(s.trailers()).toEqual(i % 3 === 1 ? [{ name: 'T', value: String(i) }] : []);
      }
      await sending;
    });

    it('body chunks belong to the caller: reusing the storage or the next head leaves them alone', async () => {
      const storage = new Uint8Array(4096);
      const { s, peer } = await open(name, { storage });
      // The head arrives in pieces, the body with its end: the body's first bytes sit in the decoder's buffer.
      await peer.send('POST / HTTP/1.1\r\nContent-Len');
      await sleep(5);
      await peer.send('gth: 8\r\n\r\nfirst-bo');
      await s.recvRequest(T);
      const body = await s.readBody(T);
      await peer.send('POST / HTTP/1.1\r\nContent-Length: 8\r\n\r\nsecond-b');
      await s.recvRequest(T);
      const next = await s.readBody(T);
      storage.fill(0x23);
      expect(latin1(body)).toBe('first-bo');
      expect(latin1(next)).toBe('second-b');
    });
  });
}
