// Soak (issue 8): keep-alive connections kept busy with heads and bodies
// (each body hashed by the server, the hash checked by the client: end to
// end), while slow, resetting and hostile peers come and go. Reports heads/s,
// p50/p99 latency, errors by code, peak heap and file descriptors at the end
// against the start.
// `npm test`: short form. `npm run stress` (HEADWIRE_STRESS=long): 200
// connections, 10^6 heads; its report is written to test/stress/soak-report.json.
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { now } from '../../src/index.ts';
import { prng, pseudoRandom } from '../support/bytes.ts';
import { startServer } from './server.ts';

const LONG = process.env.HEADWIRE_STRESS === 'long';
const P = LONG
  ? { connections: 200, heads: 1_000_000, maxBody: 2048, hostileEveryMs: 20 }
  : { connections: 20, heads: 4000, maxBody: 2048, hostileEveryMs: 20 };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const fds = (): number => readdirSync('/proc/self/fd').length;
const POOL = Buffer.from(pseudoRandom(64 * 1024 + P.maxBody, 0x5eed));

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(c));
    c.once('error', reject);
  });
}

const RESPONSE = /^HTTP\/1\.1 200 OK\r\nX-Body-SHA1: ([0-9a-f]{40})\r\nX-Body-Length: (\d+)\r\nContent-Length: 0\r\n\r\n/;

/** One keep-alive client: a request with a body, wait for its answer, check the hash, again. */
async function client(port: number, heads: () => boolean, seed: number, latencies: number[], failures: Record<string, number>): Promise<number> {
  const r = prng(seed);
  const c = await connect(port);
  c.setNoDelay(true);
  let buf = '';
  let wake: (() => void) | null = null;
  let closed = false;
  c.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    wake?.();
  });
  c.on('error', () => {});
  c.on('close', () => {
    closed = true;
    wake?.();
  });
  let done = 0;
  try {
    while (heads()) {
      const len = Math.floor(r() * r() * P.maxBody);
      const off = Math.floor(r() * 64 * 1024);
      const body = POOL.subarray(off, off + len);
      const sha = createHash('sha1').update(body).digest('hex');
      const t0 = now();
      // One write: a head and its body in two would meet Nagle and delayed ACKs (40 ms a round).
      c.write(Buffer.concat([Buffer.from(`POST /s/${seed}/${done} HTTP/1.1\r\nHost: soak\r\nContent-Length: ${len}\r\n\r\n`, 'latin1'), body]));
      const stop = t0 + 20_000;
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) < 0) {
        if (closed || now() > stop) throw new Error(closed ? 'client: closed' : 'client: no answer in 20 s');
        await new Promise<void>((ok) => {
          const t = setTimeout(ok, 1000);
          wake = () => {
            clearTimeout(t);
            wake = null;
            ok();
          };
        });
      }
      const m = RESPONSE.exec(buf.slice(0, end + 4));
      if (!m || m[1] !== sha || Number(m[2]) !== len) throw new Error(`client: bad answer ${JSON.stringify(buf.slice(0, end + 4))}`);
      buf = buf.slice(end + 4);
      latencies.push(now() - t0);
      done++;
    }
  } catch (e) {
    const k = (e as Error).message.split(' ')[1] ?? 'client';
    failures[k] = (failures[k] ?? 0) + 1;
  } finally {
    c.end();
    c.destroy();
  }
  return done;
}

/** One hostile or broken peer; each kind ends with the server closing or the peer leaving. */
async function hostile(port: number, kind: number): Promise<void> {
  const c = await connect(port).catch(() => null);
  if (!c) return;
  c.on('error', () => {});
  const closed = new Promise<void>((r) => {
    c.on('close', () => r());
    c.on('data', () => {});
  });
  const bail = setTimeout(() => c.destroy(), 5000);
  switch (kind % 5) {
    case 0: {
      // slow-loris: one byte every 300 ms, cut by the server's head deadline
      const head = 'GET /slow HTTP/1.1\r\nHost: t\r\n\r\n';
      for (let i = 0; i < head.length && !c.destroyed; i++) {
        c.write(head[i]!);
        await new Promise((r) => setTimeout(r, 300));
      }
      break;
    }
    case 1:
      c.write('GET /rst HTTP/1.1\r\nHost: t\r\nX-Half: ');
      await new Promise((r) => setTimeout(r, 10));
      c.resetAndDestroy();
      break;
    case 2:
      c.write('GET /bad HTTP/1.1\r\nHost : t\r\n\r\n'); // EPROTO: 400
      break;
    case 3:
      c.write(`GET /big HTTP/1.1\r\nHost: t\r\nCookie: ${'c'.repeat(20_000)}\r\n\r\n`); // EMSGSIZE: 431
      break;
    default:
      c.write('GET /half HTTP/1.1\r\nHost: t\r\n'); // half-close mid-head: ECONNRESET
      c.end();
  }
  await closed;
  clearTimeout(bail);
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe(`soak (${LONG ? 'long' : 'short'} form)`, () => {
  it(`${P.connections} keep-alive connections, ${P.heads} heads with bodies hashed end to end, hostile peers mixed in`, async () => {
    gc();
    const start = { fds: fds(), heapMB: process.memoryUsage().heapUsed / 2 ** 20 };
    const srv = await startServer({ headMs: 2000, maxHeadSize: 8192 });
    let peakHeap = 0;
    const heapTimer = setInterval(() => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }, 100);
    const latencies: number[] = [];
    const failures: Record<string, number> = {};
    let issued = 0;
    const take = (): boolean => issued++ < P.heads;
    // Hostile peers, one every few ms while the load runs; bounded in number at once.
    let hostileRunning = 0;
    let hostileTotal = 0;
    const hostileJobs: Promise<void>[] = [];
    const hostileTimer = setInterval(() => {
      if (hostileRunning >= 40) return;
      hostileRunning++;
      hostileJobs.push(hostile(srv.port, hostileTotal++).finally(() => hostileRunning--));
    }, P.hostileEveryMs);
    const t0 = now();
    let served: number[];
    try {
      served = await Promise.all(Array.from({ length: P.connections }, (_, i) => client(srv.port, take, i + 1, latencies, failures)));
    } finally {
      clearInterval(hostileTimer);
    }
    const seconds = (now() - t0) / 1000;
    await Promise.all(hostileJobs);
    clearInterval(heapTimer);
    await srv.drained();
    await srv.close();
    await new Promise((r) => setTimeout(r, 50));
    gc();
    gc();
    const heads = served.reduce((a, b) => a + b, 0);
    const sorted = Float64Array.from(latencies).sort();
    const report = {
      form: LONG ? 'long' : 'short',
      connections: P.connections,
      heads,
      seconds: Math.round(seconds * 10) / 10,
      headsPerSecond: Math.round(heads / seconds),
      latencyMs: { p50: Math.round(percentile(sorted, 50) * 100) / 100, p99: Math.round(percentile(sorted, 99) * 100) / 100 },
      bodyBytesHashed: srv.stats.bodyBytes,
      hostilePeers: hostileTotal,
      serverErrorsByCode: srv.stats.errors,
      clientFailures: failures,
      heapMB: { start: Math.round(start.heapMB), peak: Math.round(peakHeap / 2 ** 20), end: Math.round(process.memoryUsage().heapUsed / 2 ** 20) },
      fds: { start: start.fds, end: fds() },
    };
    console.log(`soak report: ${JSON.stringify(report)}`);
    if (LONG) writeFileSync(new URL('./soak-report.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);

    expect(failures).toEqual({});
    expect(heads).toBe(P.heads);
    // Only the hostile peers fail, each with its own code; ordinary clients never do.
    for (const code of Object.keys(srv.stats.errors)) expect(['ETIMEDOUT', 'ECONNRESET', 'EPROTO', 'EMSGSIZE']).toContain(code);
    expect(Object.values(srv.stats.errors).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(hostileTotal);
    expect(report.fds.end).toBeLessThanOrEqual(start.fds + 2);
    expect(report.heapMB.end - start.heapMB).toBeLessThan(32);
  }, LONG ? 3_600_000 : 120_000);
});
