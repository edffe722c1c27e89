// Load and fault tests on loopback against a headwire server on the net adapter.
// `npm test` runs the short form; `npm run stress` runs the long form (more
// connections, heads and rounds) and prints the report. Bounded, self-stopping.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { type StressServer, startServer } from './server.ts';

const LONG = process.env.HEADWIRE_STRESS === 'long';
const P = LONG
  ? { clients: 200, headsPerClient: 20, maxBody: 256 * 1024, loris: 20, faults: 50, rounds: 6, roundClients: 100 }
  : { clients: 24, headsPerClient: 5, maxBody: 48 * 1024, loris: 4, faults: 6, rounds: 4, roundClients: 20 };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const report = { connections: 0, heads: 0, bytesChecked: 0, errors: {} as Record<string, number>, peakHeapMB: 0 };
const noteHeap = (): void => {
  report.peakHeapMB = Math.max(report.peakHeapMB, process.memoryUsage().heapUsed / 2 ** 20);
};
const merge = (srv: StressServer): void => {
  report.connections += srv.stats.connections;
  report.heads += srv.stats.heads;
  for (const [k, v] of Object.entries(srv.stats.errors)) report.errors[k] = (report.errors[k] ?? 0) + v;
};

function rnd(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(c));
    c.once('error', reject);
  });
}

/** Everything the server sends until it closes (or `ms` passes). */
function collect(c: net.Socket, ms = 20_000): Promise<{ data: string; reset: boolean }> {
  return new Promise((resolve) => {
    let data = '';
    let reset = false;
    const t = setTimeout(() => {
      c.destroy();
      resolve({ data, reset: true });
    }, ms);
    c.on('data', (d: Buffer) => {
      data += d.toString('latin1');
    });
    c.on('error', () => {
      reset = true;
    });
    c.on('end', () => c.end()); // the server is done: finish our side too (allowHalfOpen)
    c.on('close', () => {
      clearTimeout(t);
      resolve({ data, reset });
    });
  });
}

/** One client: pipelined heads with bodies, written in random pieces; every response checked. */
async function pipelinedClient(port: number, seed: number): Promise<number> {
  const r = rnd(seed);
  const c = await connect(port);
  const done = collect(c);
  const bodies: Buffer[] = [];
  const parts: Buffer[] = [];
  for (let i = 0; i < P.headsPerClient; i++) {
    const body = Buffer.alloc(Math.floor(r() * r() * P.maxBody));
    for (let j = 0; j < body.length; j++) body[j] = Math.floor(r() * 256);
    bodies.push(body);
    parts.push(Buffer.from(`POST /u/${seed}/${i} HTTP/1.1\r\nHost: t\r\nX-Seq: ${i}\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'));
    parts.push(body);
  }
  const wire = Buffer.concat(parts);
  for (let at = 0; at < wire.length; ) {
    const n = 1 + Math.floor(r() * (r() < 0.2 ? 16 : 8192));
    await new Promise<void>((ok) => c.write(wire.subarray(at, at + n), () => ok()));
    at += n;
  }
  c.end();
  const { data } = await done;
  const got = [...data.matchAll(/X-Body-SHA1: ([0-9a-f]+)\r\nX-Body-Length: (\d+)\r\n/g)];
  expect(got.length).toBe(bodies.length);
  let bytes = 0;
  bodies.forEach((b, i) => {
    expect(got[i]![1]).toBe(createHash('sha1').update(b).digest('hex'));
    expect(Number(got[i]![2])).toBe(b.length);
    bytes += b.length;
  });
  return bytes;
}

const fds = (): number => readdirSync('/proc/self/fd').length;

describe(`load and faults on loopback (${LONG ? 'long' : 'short'} form)`, () => {
  afterAll(() => {
    if (LONG || process.env.HEADWIRE_STRESS_REPORT) {
      console.log(`stress report: ${JSON.stringify({ form: LONG ? 'long' : 'short', ...report, peakHeapMB: Math.round(report.peakHeapMB) })}`);
    }
  });

  it(`${P.clients} concurrent clients, ${P.headsPerClient} pipelined heads each with bodies: no byte lost, duplicated or corrupted`, async () => {
    const srv = await startServer({ headMs: 10_000 });
    try {
      const heap = setInterval(noteHeap, 50);
      const bytes = await Promise.all(Array.from({ length: P.clients }, (_, i) => pipelinedClient(srv.port, i + 1)));
      clearInterval(heap);
      await srv.drained();
      report.bytesChecked += bytes.reduce((a, b) => a + b, 0);
      expect(srv.stats.heads).toBe(P.clients * P.headsPerClient);
      expect(srv.stats.connections).toBe(P.clients);
      expect(srv.stats.closed).toBe(P.clients);
      expect(srv.stats.errors).toEqual({});
    } finally {
      merge(srv);
      await srv.close();
    }
  }, 120_000);

  it('slow-loris clients are cut by the deadline while other clients are served', async () => {
    const srv = await startServer({ headMs: 400 });
    try {
      const loris = await Promise.all(Array.from({ length: P.loris }, () => connect(srv.port)));
      const ended = loris.map((c) => collect(c, 10_000));
      const head = 'GET /slow HTTP/1.1\r\nHost: t\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n';
      let i = 0;
      const drip = setInterval(() => {
        for (const c of loris) if (!c.destroyed && i < head.length) c.write(head[i]!);
        i++;
      }, 50);
      // Meanwhile ordinary clients get through.
      const served = await Promise.all(Array.from({ length: 4 }, (_, k) => pipelinedClient(srv.port, 1000 + k)));
      const results = await Promise.all(ended);
      clearInterval(drip);
      expect(served.length).toBe(4);
      for (const r of results) expect(r.data).toBe(''); // cut before their head was complete
      await srv.drained();
      expect(srv.stats.errors.ETIMEDOUT).toBe(P.loris);
      expect(srv.stats.heads).toBe(4 * P.headsPerClient);
    } finally {
      merge(srv);
      await srv.close();
    }
  }, 60_000);

  it('peers that reset mid-head, half-close early, send a head over the limits or a smuggling head get the right error', async () => {
    const srv = await startServer({ headMs: 5000, maxHeadSize: 1024 });
    try {
      const jobs: Promise<unknown>[] = [];
      for (let k = 0; k < P.faults; k++) {
        jobs.push(
          (async () => {
            const c = await connect(srv.port);
            const end = collect(c, 10_000);
            c.write('GET /reset HTTP/1.1\r\nHost: t\r\nX-Half: ');
            await new Promise((r) => setTimeout(r, 20));
            c.resetAndDestroy();
            await end;
          })(),
          (async () => {
            const c = await connect(srv.port);
            const end = collect(c, 10_000);
            c.write('GET /half HTTP/1.1\r\nHost: t\r\n');
            c.end();
            await end;
          })(),
          (async () => {
            const c = await connect(srv.port);
            const end = collect(c, 10_000);
            c.write(`GET /big HTTP/1.1\r\nHost: t\r\nCookie: ${'c'.repeat(2000)}\r\n\r\n`);
            const { data, reset } = await end;
            // The server answers 431 and closes; a reset may overtake the answer.
            if (!reset) expect(data).toMatch(/^HTTP\/1\.1 431 /);
          })(),
          (async () => {
            const c = await connect(srv.port);
            const end = collect(c, 10_000);
            c.write('GET /bad HTTP/1.1\r\nHost : t\r\n\r\n');
            const { data, reset } = await end;
            if (!reset) expect(data).toMatch(/^HTTP\/1\.1 400 /);
          })(),
          (async () => {
            // CL.TE smuggling attempt: framing() refuses it, no body is read.
            const c = await connect(srv.port);
            const end = collect(c, 10_000);
            c.write('POST /smuggle HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG');
            const { data, reset } = await end;
            if (!reset) expect(data).toMatch(/^HTTP\/1\.1 400 /);
          })(),
        );
      }
      await Promise.all(jobs);
      await srv.drained();
      expect(srv.stats.errors).toEqual({ ECONNRESET: 2 * P.faults, EMSGSIZE: P.faults, EPROTO: 2 * P.faults });
      expect(srv.stats.heads).toBe(0);
      expect(srv.stats.closed).toBe(srv.stats.connections);
    } finally {
      merge(srv);
      await srv.close();
    }
  }, 60_000);

  it(`no growth in heap or file descriptors across ${P.rounds} rounds`, async () => {
    const samples: Array<{ heap: number; fds: number }> = [];
    for (let round = 0; round < P.rounds; round++) {
      const srv = await startServer({ headMs: 5000 });
      try {
        await Promise.all(Array.from({ length: P.roundClients }, (_, i) => pipelinedClient(srv.port, 5000 + round * 1000 + i)));
        await srv.drained();
      } finally {
        merge(srv);
        await srv.close();
      }
      await new Promise((r) => setTimeout(r, 50));
      gc();
      gc();
      noteHeap();
      samples.push({ heap: process.memoryUsage().heapUsed, fds: fds() });
    }
    // Round 0 warms up (JIT, pools); later rounds must hold steady.
    const base = samples[1]!;
    for (const s of samples.slice(2)) {
      expect(s.fds).toBeLessThanOrEqual(base.fds + 2);
      expect(s.heap - base.heap).toBeLessThan(8 * 2 ** 20);
    }
  }, 180_000);
});
