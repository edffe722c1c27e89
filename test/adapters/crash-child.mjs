// One crash scenario of issue 8 (row 2), run in its own Node process by
// crash.test.ts: a write is left pending when its call stops waiting (deadline
// 0, a deadline that passes, an abort), then fails (close(), RST, a broken
// sink). Node's default for an unhandled rejection is to exit with code 1, so
// the parent only has to check the exit code and the line printed here.
// Usage: node crash-child.mjs <scenario>   (imports the built dist/)
import net from 'node:net';
import { attachMem, attachStream, memoryPair, now } from '../../dist/index.js';
import { attach } from '../../dist/node.js';

const BIG = 'v'.repeat(1 << 24); // 16 MiB: far past every buffer between the two ends

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const codeOf = (p) =>
  p.then(
    () => 'ok',
    (e) => e.code ?? String(e),
  );

/** A connected loopback pair; the client never reads (its side pauses). */
async function loopback() {
  const srv = net.createServer({ allowHalfOpen: true });
  const accepted = new Promise((r) => srv.once('connection', r));
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const client = net.connect({ port: srv.address().port, host: '127.0.0.1', allowHalfOpen: true });
  client.on('error', () => {});
  client.pause();
  const server = await accepted;
  srv.close();
  return { server, client };
}

async function bigHead(s) {
  await s.sendStatus(200);
  await s.sendField('X', BIG);
}

const scenarios = {
  // The repro: done(0) gives up, then close() fails the write.
  async 'net-done0-close'() {
    const { server, client } = await loopback();
    const s = attach(server);
    await bigHead(s);
    const r = [await codeOf(s.done(0))];
    s.close();
    await sleep(200);
    client.destroy();
    return r;
  },
  // The same with an RST from the peer instead of close(); the next call reports it.
  async 'net-done0-rst'() {
    const { server, client } = await loopback();
    const s = attach(server);
    await bigHead(s);
    const r = [await codeOf(s.done(0))];
    client.resetAndDestroy();
    await sleep(200);
    r.push(await codeOf(s.closeWrite()));
    s.close();
    return r;
  },
  // A deadline that passes while the write waits.
  async 'net-near-deadline'() {
    const { server, client } = await loopback();
    const s = attach(server);
    await bigHead(s);
    const r = [await codeOf(s.done(now() + 100))];
    s.close();
    await sleep(200);
    client.destroy();
    return r;
  },
  // A deadline already past when done() is called (the head took that long to build).
  async 'net-past-deadline'() {
    const { server, client } = await loopback();
    const s = attach(server);
    const at = now() + 10;
    await bigHead(s);
    await sleep(20);
    const r = [await codeOf(s.done(at))];
    s.close();
    await sleep(200);
    client.destroy();
    return r;
  },
  // An abort while the write waits, then an RST; detach() reports the failed write.
  async 'net-abort-rst'() {
    const { server, client } = await loopback();
    const s = attach(server);
    await bigHead(s);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const r = [await codeOf(s.done({ signal: ac.signal }))];
    client.resetAndDestroy();
    await sleep(200);
    r.push(await codeOf(s.detach({ timeout: 1000 })));
    return r;
  },
  // Streams: a full queue, done(0) gives up, close() aborts the writer.
  async 'streams-full-close'() {
    const writable = new WritableStream({ write: () => new Promise(() => {}) }, { highWaterMark: 1 });
    const s = attachStream({ readable: new ReadableStream(), writable });
    await s.sendStatus(200);
    await sleep(5);
    await s.sendField('X', '1');
    const r = [await codeOf(s.done(0))];
    s.close();
    await sleep(100);
    return r;
  },
  // Streams: the sink fails after done(0) gave up; nobody closes.
  async 'streams-sink-fails'() {
    let fail;
    const writable = new WritableStream({ write: () => new Promise((_, reject) => (fail = reject)) }, { highWaterMark: 1 });
    const s = attachStream({ readable: new ReadableStream(), writable });
    await s.sendStatus(200);
    await sleep(5);
    await s.sendField('X', '1');
    const r = [await codeOf(s.done(0))];
    fail(new Error('sink broke'));
    await sleep(100);
    r.push(await codeOf(s.closeWrite()));
    return r;
  },
  // Memory: the peer goes away before queued lines are flushed on their own.
  async 'memory-peer-gone'() {
    const [a, b] = memoryPair();
    const s = attachMem(a);
    await s.sendStatus(200);
    b.close();
    await sleep(50);
    const r = [await codeOf(s.done(0))];
    const pending = codeOf(s.recvStatus()); // the peer reset: ECONNRESET, not a hang
    s.close();
    r.push(await pending);
    return r;
  },
  // Every adapter: receives left pending on every kind of deadline, then close().
  async 'pending-receives-close'() {
    const { server, client } = await loopback();
    const [a] = memoryPair();
    const sockets = [
      attach(server),
      attachStream({ readable: new ReadableStream(), writable: new WritableStream() }),
      attachMem(a, { storage: new Uint8Array(1024) }),
    ];
    const r = [];
    for (const s of sockets) {
      const ac = new AbortController();
      const calls = [s.recvRequest(), s.recvField(now() + 50), s.recvField({ signal: ac.signal }), s.recvField(0)].map(codeOf);
      ac.abort();
      await sleep(60);
      s.close();
      r.push((await Promise.all(calls)).join(','));
    }
    client.destroy();
    return r;
  },
};

const name = process.argv[2];
const run = scenarios[name];
if (!run) {
  console.error(`unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const result = await run();
await sleep(50);
console.log(JSON.stringify({ scenario: name, result }));
