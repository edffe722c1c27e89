// Regression tests for issue 8, one block per row of its table, each on every
// adapter (Node net and web streams over loopback, in-memory pipes), plus the
// smaller findings: deadline forms, abort reasons, transport error codes.
// The crash cases (an unhandled rejection kills the process) run in child
// processes: test/adapters/crash.test.ts.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attachStream, now } from '../../src/index.ts';
import { attach } from '../../src/node.ts';
import { RIG_NAMES, type Rig, type RigName, codeOf, errorOf, makeRig, sleep } from './rigs.ts';

/** Settles within `ms`, or the test fails: "promptly". */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(t);
  }
}

/** Send `s` in `n`-byte pieces, letting each arrive on its own. */
async function trickle(rig: Rig, s: string, n: number): Promise<void> {
  for (let i = 0; i < s.length; i += n) {
    await rig.peer.send(s.slice(i, i + n));
    await sleep(2);
  }
}

for (const name of RIG_NAMES) {
  describe(`issue 8 on ${name}`, () => {
    const rigs: Rig[] = [];
    const open = async (n: RigName, options?: Parameters<typeof makeRig>[1]): Promise<Rig> => {
      const r = await makeRig(n, options);
      rigs.push(r);
      return r;
    };
    afterEach(async () => {
      for (const r of rigs.splice(0)) await r.close();
    });

    it('row 1: bytes detach() hands back stay intact when the caller storage is reused for the next connection', async () => {
      const storage = new Uint8Array(4096);
      const r1 = await open(name, { storage });
      await trickle(r1, 'GET /x HTTP/1.1\r\nHost: a\r\n\r\nBODY-OF-CONNECTION-1', 5);
      expect((await r1.s.recvRequest(now() + 3000)).target).toBe('/x');
      const p = await r1.s.detach(now() + 3000);
      const r2 = await open(name, { storage });
      const secret = 'POST /y HTTP/1.1\r\nCookie: secret=hunter2hunter2hunter2\r\nHost: b\r\n\r\n';
      await trickle(r2, secret, 5);
      expect((await r2.s.recvRequest(now() + 3000)).target).toBe('/y');
      expect(await r2.s.recvField(now() + 3000)).toEqual({ name: 'Cookie', value: 'secret=hunter2hunter2hunter2' });
      expect(await r1.readDetached(p, 20)).toBe('BODY-OF-CONNECTION-1');
    });

    it('row 3: close() rejects a pending receive, a pending detach() and a queued receive with EBADF at once', async () => {
      const { s } = await open(name);
      const p1 = s.recvRequest();
      const p2 = s.recvField();
      await sleep(10);
      s.close();
      expect(await within(codeOf(p1), 1000, 'recvRequest')).toBe('EBADF');
      expect(await within(codeOf(p2), 1000, 'recvField')).toBe('EBADF');
      const r = await open(name);
      await r.peer.send('GET / HTTP/1.1\r\nA: 1\r\n');
      await r.s.recvRequest(now() + 3000);
      const pd = r.s.detach();
      await sleep(10);
      r.s.close();
      expect(await within(codeOf(pd), 1000, 'detach')).toBe('EBADF');
    });

    it('row 4: detach() racing a pending recvField() waits its turn and keeps the body', async () => {
      const { s, peer, readDetached } = await open(name);
      await peer.send('GET / HTTP/1.1\r\nA: 1\r\n');
      expect((await s.recvRequest(now() + 3000)).target).toBe('/');
      expect(await s.recvField(now() + 3000)).toEqual({ name: 'A', value: '1' });
      const pf = s.recvField();
      const pd = s.detach(now() + 3000);
      await sleep(10);
      await peer.send('\r\nBODY');
      expect(await codeOf(pf)).toBe('EPIPE');
      expect(await readDetached(await pd, 4)).toBe('BODY');
    });

    it('row 4: with no deadline, and fields still to come, the pending receives finish in order first', async () => {
      const { s, peer, readDetached } = await open(name);
      await peer.send('GET / HTTP/1.1\r\n');
      await s.recvRequest(now() + 3000);
      const pf1 = s.recvField();
      const pf2 = s.recvField();
      const pd = s.detach();
      const pf3 = s.recvField(); // made while detaching
      expect(await codeOf(pf3)).toBe('EBADF');
      await peer.send('A: 1\r\nB: 2\r\nC: 3\r\n\r\nBODY');
      expect(await pf1).toEqual({ name: 'A', value: '1' });
      expect(await pf2).toEqual({ name: 'B', value: '2' });
      expect(await readDetached(await within(pd, 3000, 'detach'), 4)).toBe('BODY');
    });

    it('detach() while receives wait on a head that has not started: they fail with EBADF, every byte stays', async () => {
      const { s, peer, readDetached } = await open(name);
      const pr = s.recvRequest();
      await sleep(10);
      const d = await within(s.detach(now() + 3000), 3000, 'detach');
      expect(await codeOf(pr)).toBe('EBADF');
      await peer.send('GET / HTTP/1.1\r\n\r\n');
      expect(await readDetached(d, 18)).toBe('GET / HTTP/1.1\r\n\r\n');
    });

    it('concurrent detach(): one returns the transport, the other fails with EBADF, none hangs', async () => {
      const { s, peer, readDetached } = await open(name);
      await peer.send('GET / HTTP/1.1\r\n');
      await s.recvRequest(now() + 3000);
      const pd1 = s.detach(now() + 3000);
      const pd2 = s.detach(now() + 3000);
      expect(await codeOf(pd2)).toBe('EBADF');
      await peer.send('\r\nrest');
      expect(await readDetached(await within(pd1, 3000, 'detach'), 4)).toBe('rest');
    });

    it('row 5: a second concurrent recvRequest() is EINVAL and consumes nothing', async () => {
      const { s, peer } = await open(name);
      const p1 = s.recvRequest(now() + 3000);
      const p2 = s.recvRequest(now() + 3000);
      await peer.send('GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n');
      expect(await p1).toEqual({ method: 'GET', target: '/', version: '1.1' });
      const e = await errorOf(p2);
      expect(e.code).toBe('EINVAL');
      expect(await s.recvField()).toEqual({ name: 'Host', value: 'a' });
      expect(await s.recvField()).toEqual({ name: 'X', value: '1' });
    });

    it('row 5: three concurrent recvField() get the first field, the second, then EPIPE', async () => {
      const { s, peer } = await open(name);
      const pr = s.recvRequest();
      const f = [s.recvField(), s.recvField()];
      const third = codeOf(s.recvField());
      for (const piece of ['GET / HTTP/1.1\r\nA', ': 1\r\nB: 2\r', '\n\r\n']) {
        await peer.send(piece);
        await sleep(5);
      }
      expect((await pr).method).toBe('GET');
      expect(await f[0]).toEqual({ name: 'A', value: '1' });
      expect(await f[1]).toEqual({ name: 'B', value: '2' });
      expect(await third).toBe('EPIPE');
    });

    it('a receive that times out while waiting its turn consumes nothing; the ones behind it keep their order', async () => {
      const { s, peer } = await open(name);
      const p1 = s.recvRequest();
      const p2 = s.recvField(now() + 20);
      const p3 = s.recvField();
      expect(await codeOf(p2)).toBe('ETIMEDOUT');
      await peer.send('GET / HTTP/1.1\r\nA: 1\r\n\r\n');
      expect((await p1).method).toBe('GET');
      expect(await p3).toEqual({ name: 'A', value: '1' });
      expect(await codeOf(s.recvField(0))).toBe('EPIPE');
    });

    it('row 6: deadlines past 2^31-1 ms, Infinity and -1 wait; { timeout } is relative', async () => {
      const { s, peer } = await open(name);
      const warnings: string[] = [];
      const onWarning = (w: Error): void => {
        warnings.push(w.name);
      };
      process.on('warning', onWarning);
      try {
        const far = s.recvRequest(now() + 30 * 86400e3);
        const inf = s.recvField(Number.POSITIVE_INFINITY);
        const rel = s.recvField({ timeout: 30 * 86400e3 });
        const none = s.recvField(-1);
        let settled = false;
        void Promise.allSettled([far, inf, rel, none]).then(() => {
          settled = true;
        });
        await sleep(50);
        expect(settled).toBe(false);
        await peer.send('GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n');
        expect((await far).method).toBe('GET');
        expect(await inf).toEqual({ name: 'A', value: '1' });
        expect(await rel).toEqual({ name: 'B', value: '2' });
        expect(await codeOf(none)).toBe('EPIPE');
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    });

    it('{ timeout: ms } gives ETIMEDOUT after about ms, and loses nothing', async () => {
      const { s, peer } = await open(name);
      const t0 = now();
      expect(await codeOf(s.recvRequest({ timeout: 40 }))).toBe('ETIMEDOUT');
      expect(now() - t0).toBeGreaterThanOrEqual(35);
      await peer.send('GET / HTTP/1.1\r\n\r\n');
      expect((await s.recvRequest({ timeout: 3000 })).method).toBe('GET');
    });

    it('deadline forms that are not valid are EINVAL, checked before anything happens', async () => {
      const { s, peer } = await open(name);
      for (const bad of [{ signal: {} }, '500', -5, Number.NaN, Number.NEGATIVE_INFINITY, null, [], { timeout: -3 }, { deadline: 1, timeout: 1 }]) {
        expect(await codeOf(s.recvRequest(bad as never))).toBe('EINVAL');
        expect(await codeOf(s.sendStatus(200, 'OK', bad as never))).toBe('EINVAL');
        expect(await codeOf(s.done(bad as never))).toBe('EINVAL');
      }
      expect(await codeOf(s.detach({ signal: 'x' } as never))).toBe('EINVAL');
      // Nothing was consumed or sent, and the socket is still open.
      await peer.send('GET / HTTP/1.1\r\n\r\n');
      expect((await s.recvRequest({ timeout: 3000 })).method).toBe('GET');
    });

    it('AbortSignal.timeout() gives ETIMEDOUT and another abort ECANCELED, with the reason as cause', async () => {
      const { s, peer } = await open(name);
      const e1 = await errorOf(s.recvRequest({ signal: AbortSignal.timeout(20) }));
      expect(e1.code).toBe('ETIMEDOUT');
      expect((e1.cause as Error).name).toBe('TimeoutError');
      const ac = new AbortController();
      const p = s.recvRequest({ signal: ac.signal });
      await sleep(5);
      const why = new Error('user went away');
      ac.abort(why);
      const e2 = await errorOf(p);
      expect(e2.code).toBe('ECANCELED');
      expect(e2.cause).toBe(why);
      const e3 = await errorOf(s.recvRequest({ signal: AbortSignal.abort('gone') }));
      expect(e3.code).toBe('ECANCELED');
      expect(e3.cause).toBe('gone');
      await peer.send('GET / HTTP/1.1\r\n\r\n');
      expect((await s.recvRequest({ timeout: 3000 })).method).toBe('GET');
    });
  });
}

describe('transport errors keep their cause and errno', () => {
  it('net: a refused connection is ECONNREFUSED with the runtime error as cause', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as net.AddressInfo;
    await new Promise((r) => srv.close(r));
    const sock = net.connect({ port, host: '127.0.0.1' });
    const s = attach(sock);
    const e = await errorOf(s.recvStatus({ timeout: 3000 }));
    expect(e.code).toBe('ECONNREFUSED');
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    s.close();
  });

  it('net: a reset connection is ECONNRESET with the runtime error as cause', async () => {
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      c.resetAndDestroy();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const sock = net.connect({ port: (srv.address() as net.AddressInfo).port, host: '127.0.0.1' });
    const s = attach(sock);
    const e = await errorOf(s.recvStatus({ timeout: 3000 }));
    expect(e.code).toBe('ECONNRESET');
    expect((e.cause as NodeJS.ErrnoException | undefined)?.code ?? 'closed').toMatch(/ECONNRESET|closed/);
    s.close();
    await new Promise((r) => srv.close(r));
  });

  for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'] as const) {
    it(`streams: a read error naming ${code} comes through as ${code}`, async () => {
      const err = Object.assign(new Error(`connect ${code} 10.0.0.1:80`), { code });
      const readable = new ReadableStream<Uint8Array>({
        start(c) {
          c.error(err);
        },
      });
      const s = attachStream({ readable, writable: new WritableStream() });
      const e = await errorOf(s.recvStatus({ timeout: 3000 }));
      expect(e.code).toBe(code);
      expect(e.cause).toBe(err);
      s.close();
    });
  }

  it('streams: a Deno-style ConnectionRefused error is ECONNREFUSED', async () => {
    const err = Object.assign(new Error('Connection refused (os error 111)'), { name: 'ConnectionRefused' });
    const s = attachStream({
      readable: new ReadableStream<Uint8Array>({ start: (c) => c.error(err) }),
      writable: new WritableStream(),
    });
    const e = await errorOf(s.recvRequest({ timeout: 3000 }));
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.cause).toBe(err);
    s.close();
  });

  it('streams: a write that fails after done(0) stopped waiting fails the next send-side call, with its cause', async () => {
    const err = new Error('sink broke');
    let fail!: (e: Error) => void;
    const writable = new WritableStream<Uint8Array>(
      { write: () => new Promise<void>((_, reject) => (fail = reject)) },
      { highWaterMark: 1 },
    );
    const s = attachStream({ readable: new ReadableStream(), writable });
    await s.sendStatus(200);
    await sleep(5); // the status line went out on its own: the sink is busy with it
    await s.sendField('X', '1');
    expect(await codeOf(s.done(0))).toBe('ETIMEDOUT'); // the queue is full: done(0) does not wait
    fail(err);
    await sleep(5);
    const e = await errorOf(s.closeWrite());
    expect(e.code).toBe('ECONNRESET');
    expect(e.cause).toBe(err);
    s.close();
  });
});
