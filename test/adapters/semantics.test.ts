// The HttpSocket semantics of DESIGN.md ("The adapters"), the same cases on each
// adapter: Node net and web streams over real loopback sockets, and in-memory pipes.
import { describe, expect, it } from 'vitest';
import { type HttpError, PipeEnd, attachMem, attachStream, now } from '../../src/index.ts';
import { attach } from '../../src/node.ts';
import { RIG_NAMES, codeOf, makeRig, sleep, useRig } from './rigs.ts';

const HEAD = 'GET /p?q=1 HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n';


for (const name of RIG_NAMES) {
  describe(`HttpSocket on ${name}`, () => {
    const open = useRig();

    it('recvRequest, recvField, then EPIPE once the blank line is read', async () => {
      const { s, peer } = await open(name);
      await peer.send(HEAD);
      expect(await s.recvRequest(now() + 3000)).toEqual({ method: 'GET', target: '/p?q=1', version: '1.1' });
      expect(await s.recvField()).toEqual({ name: 'Host', value: 'a.example' });
      expect(await s.recvField()).toEqual({ name: 'Accept', value: '*/*' });
      expect(await codeOf(s.recvField())).toBe('EPIPE');
      expect(await codeOf(s.recvField())).toBe('EPIPE');
    });

    it('fields() iterates to the blank line; a response is read with recvStatus', async () => {
      const { s, peer } = await open(name);
      await peer.send('HTTP/1.0 404 Not Found\r\nA: 1\r\nB: 2\r\n\r\n');
      expect(await s.recvStatus(now() + 3000)).toEqual({ code: 404, reason: 'Not Found', version: '1.0' });
      const got = [];
      for await (const f of s.fields(now() + 3000)) got.push(f);
      expect(got).toEqual([
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ]);
    });

    it('a head is one write; send* and done() after done() are EPIPE', async () => {
      const { s, peer, writes } = await open(name);
      await s.sendStatus(200, 'OK');
      for (let i = 0; i < 10; i++) await s.sendField(`X-${i}`, `v${i}`);
      await s.done();
      let want = 'HTTP/1.1 200 OK\r\n';
      for (let i = 0; i < 10; i++) want += `X-${i}: v${i}\r\n`;
      want += '\r\n';
      expect(await peer.waitFor(want.length)).toBe(want);
      expect(writes()).toBe(1);
      expect(await codeOf(s.sendField('Y', '1'))).toBe('EPIPE');
      expect(await codeOf(s.done())).toBe('EPIPE');
      expect(await codeOf(s.sendStatus(200))).toBe('EPIPE');
    });

    it('done(0) and closeWrite(0) succeed when the transport takes the bytes without waiting', async () => {
      const { s, peer } = await open(name);
      await s.sendStatus(200);
      await s.sendField('A', '1');
      await s.done(0);
      await s.closeWrite(0);
      await peer.ended();
      expect(peer.received()).toBe('HTTP/1.1 200 OK\r\nA: 1\r\n\r\n');
    });

    it('lines sent without done() still reach the peer', async () => {
      const { s, peer } = await open(name);
      await s.sendRequest('GET', '/a/b/c');
      const want = 'GET /a/b/c HTTP/1.1\r\n';
      expect(await peer.waitFor(want.length)).toBe(want);
    });

    it('deadline 0 does only what needs no waiting', async () => {
      const { s, peer } = await open(name);
      expect(await codeOf(s.recvRequest(0))).toBe('ETIMEDOUT');
      await peer.send(HEAD);
      // Once the bytes are here, the same call succeeds without waiting.
      let req;
      for (let i = 0; i < 200 && !req; i++) {
        try {
          req = await s.recvRequest(0);
        } catch (e) {
          if ((e as HttpError).code !== 'ETIMEDOUT') throw e;
          await sleep(10);
        }
      }
      expect(req?.target).toBe('/p?q=1');
      expect(await s.recvField(0)).toEqual({ name: 'Host', value: 'a.example' });
    });

    it('an expired deadline is ETIMEDOUT and loses nothing, even mid-field', async () => {
      const { s, peer } = await open(name);
      await peer.send('GET / HTTP/1.1\r\nHo');
      expect((await s.recvRequest(now() + 3000)).target).toBe('/');
      const t0 = now();
      expect(await codeOf(s.recvField(now() + 50))).toBe('ETIMEDOUT');
      expect(now() - t0).toBeGreaterThanOrEqual(45);
      expect(await codeOf(s.recvField(now() - 1))).toBe('ETIMEDOUT');
      await peer.send('st: a.example\r\nX: ');
      expect(await s.recvField(now() + 3000)).toEqual({ name: 'Host', value: 'a.example' });
      expect(await codeOf(s.recvField(now() + 30))).toBe('ETIMEDOUT');
      await peer.send('1\r\n\r\n');
      expect(await s.recvField(now() + 3000)).toEqual({ name: 'X', value: '1' });
      expect(await codeOf(s.recvField())).toBe('EPIPE');
    });

    it('an AbortSignal is ECANCELED and loses nothing', async () => {
      const { s, peer } = await open(name);
      const aborted = new AbortController();
      aborted.abort();
      expect(await codeOf(s.recvRequest({ deadline: -1, signal: aborted.signal }))).toBe('ECANCELED');
      const ac = new AbortController();
      const p = s.recvRequest({ deadline: -1, signal: ac.signal });
      await sleep(20);
      ac.abort();
      expect(await codeOf(p)).toBe('ECANCELED');
      await peer.send(HEAD);
      expect((await s.recvRequest({ deadline: now() + 3000, signal: new AbortController().signal })).method).toBe('GET');
      expect(await s.recvField()).toEqual({ name: 'Host', value: 'a.example' });
    });

    it('EOF in the middle of a head is ECONNRESET', async () => {
      const { s, peer } = await open(name);
      await peer.send('GET / HTTP/1.1\r\nHost: a');
      peer.closeWrite();
      await s.recvRequest(now() + 3000);
      expect(await codeOf(s.recvField(now() + 3000))).toBe('ECONNRESET');
    });

    it('EOF before any head is EPIPE', async () => {
      const { s, peer } = await open(name);
      peer.closeWrite();
      expect(await codeOf(s.recvRequest(now() + 3000))).toBe('EPIPE');
    });

    it('a request where a status is expected is EPROTO, and the reverse', async () => {
      const { s, peer } = await open(name);
      await peer.send(HEAD);
      expect(await codeOf(s.recvStatus(now() + 3000))).toBe('EPROTO');
      const other = await makeRig(name);
      try {
        await other.peer.send('HTTP/1.1 200 OK\r\n\r\n');
        expect(await codeOf(other.s.recvRequest(now() + 3000))).toBe('EPROTO');
      } finally {
        await other.close();
      }
    });

    it('a head over maxHeadSize is EMSGSIZE', async () => {
      const { s, peer } = await open(name, { maxHeadSize: 64 });
      await peer.send(`GET / HTTP/1.1\r\nCookie: ${'a'.repeat(100)}\r\n\r\n`);
      await s.recvRequest(now() + 3000);
      expect(await codeOf(s.recvField(now() + 3000))).toBe('EMSGSIZE');
    });

    it('bad arguments and calls out of order are EINVAL', async () => {
      const { s } = await open(name);
      expect(await codeOf(s.recvField(0))).toBe('EINVAL');
      expect(await codeOf(s.sendField('Host', 'a'))).toBe('EINVAL');
      expect(await codeOf(s.sendRequest('GET', '/a b'))).toBe('EINVAL');
      expect(await codeOf(s.sendStatus(99))).toBe('EINVAL');
      await s.sendRequest('GET', '/');
      expect(await codeOf(s.sendField('invalid field name ', 'bar'))).toBe('EINVAL');
      expect(await codeOf(s.sendField('X', 'a\r\nInjected: 1'))).toBe('EINVAL');
      expect(await codeOf(s.recvRequest(-2))).toBe('EINVAL');
    });

    it('calls on a closed socket are EBADF', async () => {
      const { s } = await open(name);
      s.close();
      for (const p of [s.recvRequest(), s.recvField(), s.sendRequest('GET', '/'), s.done(), s.detach(), s.closeWrite()]) {
        expect(await codeOf(p)).toBe('EBADF');
      }
    });

    it('calls on a detached socket are EBADF', async () => {
      const { s } = await open(name);
      await s.detach();
      expect(await codeOf(s.recvRequest())).toBe('EBADF');
      expect(await codeOf(s.sendStatus(200))).toBe('EBADF');
      expect(await codeOf(s.detach())).toBe('EBADF');
    });

    for (const split of [0, 1, 7, 64]) {
      it(`detach() after an exchange: the body behind the head arrives intact (${split ? `${split}-byte pieces` : 'one write'})`, async () => {
        const { s, peer, readDetached } = await open(name);
        let body = '';
        for (let i = 0; i < 3 * 256; i++) body += String.fromCharCode(i % 256);
        const wire = `POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
        const sending = (async () => {
          if (!split) return peer.send(wire);
          for (let i = 0; i < wire.length; i += split) {
            await peer.send(wire.slice(i, i + split));
            if (i % (split * 16) === 0) await sleep(1);
          }
        })();
        expect((await s.recvRequest(now() + 5000)).method).toBe('POST');
        const fields = [];
        for await (const f of s.fields(now() + 5000)) fields.push(f);
        expect(fields).toContainEqual({ name: 'Content-Length', value: String(body.length) });
        await s.sendStatus(200);
        await s.sendField('Content-Length', '0');
        await s.done();
        const d = await s.detach(now() + 3000);
        expect(await readDetached(d, body.length, 5000)).toBe(body);
        await sending;
        expect(await peer.waitFor(38)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      });
    }

    it('detach() keeps the body when the peer half-closed right after it', async () => {
      const { s, peer, readDetached } = await open(name);
      await peer.send(`${HEAD}tail bytes`);
      peer.closeWrite();
      await sleep(30); // let the FIN arrive before the head is read
      expect((await s.recvRequest(now() + 3000)).method).toBe('GET');
      for await (const _ of s.fields(now() + 3000));
      const d = await s.detach(now() + 3000);
      expect(await readDetached(d, 10)).toBe('tail bytes');
    });

    it('detach() finishes a started outgoing head and discards the rest of a started incoming head', async () => {
      const { s, peer, readDetached } = await open(name);
      await peer.send(`${HEAD.slice(0, -2)}X-More: 1\r\n\r\nBODY!`);
      expect((await s.recvRequest(now() + 3000)).target).toBe('/p?q=1');
      await s.sendStatus(204);
      await s.sendField('Server', 'headwire');
      const d = await s.detach(now() + 3000);
      const want = 'HTTP/1.1 204 No Content\r\nServer: headwire\r\n\r\n';
      expect(await peer.waitFor(want.length)).toBe(want);
      expect(await readDetached(d, 5)).toBe('BODY!');
    });

    it('detach() leaves a direction that was not started alone', async () => {
      const { s, peer, readDetached, writes } = await open(name);
      await peer.send('not http at all');
      await sleep(20);
      const d = await s.detach(now() + 3000);
      expect(await readDetached(d, 15)).toBe('not http at all');
      expect(writes()).toBe(0);
    });

    it('detach() with an incoming head that never ends is ETIMEDOUT, and the transport is closed', async () => {
      const { s, peer } = await open(name);
      await peer.send('GET / HTTP/1.1\r\nHost: a\r\n');
      await s.recvRequest(now() + 3000);
      expect(await codeOf(s.detach(now() + 50))).toBe('ETIMEDOUT');
      expect(await codeOf(s.recvField())).toBe('EBADF');
      await peer.ended();
    });

    it('closeWrite() half-closes: the peer reads EOF, reading goes on, sending is EPIPE', async () => {
      const { s, peer } = await open(name);
      await s.sendStatus(200);
      await s.done();
      await s.closeWrite(now() + 3000);
      await peer.ended();
      expect(peer.received()).toBe('HTTP/1.1 200 OK\r\n\r\n');
      expect(await codeOf(s.sendStatus(200))).toBe('EPIPE');
      if (name !== 'memory') return; // a half-closed TCP peer may still write; the pipe does too
      await peer.send(HEAD);
      expect((await s.recvRequest(now() + 3000)).target).toBe('/p?q=1');
    });
  });
}

describe('attaching something that is not the right transport is ENOTSUP', () => {
  it('attach(), attachStream(), attachMem()', () => {
    expect(() => attach({} as never)).toThrow(expect.objectContaining({ code: 'ENOTSUP' }));
    expect(() => attachStream({} as never)).toThrow(expect.objectContaining({ code: 'ENOTSUP' }));
    expect(() => attachMem({} as never)).toThrow(expect.objectContaining({ code: 'ENOTSUP' }));
    expect(PipeEnd).toBeTypeOf('function');
  });
});
