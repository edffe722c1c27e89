import { attachMem, memoryPair, keepAlive } from 'headwire';
const IDLE = { timeout: 30000 };
const REQ = 'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: 127.0.0.1:8080\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n';
async function round(n) {
  const [a, b] = memoryPair();
  const s = attachMem(b);
  const enc = new TextEncoder();
  let drained = 0;
  const reader = (async () => { try { for (;;) { const c = await a.read(); if (c === null) break; drained += c.length; } } catch {} })();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    a.write(enc.encode(REQ));
    const req = await s.recvRequest(IDLE);
    const fields = [];
    for await (const f of s.fields(IDLE)) fields.push(f);
    const body = await s.readBody(IDLE);
    const persist = keepAlive(req.version, fields);
    await s.sendStatus(200);
    await s.sendField('Content-Length', String(body.length));
    if (req.version === '1.0') await s.sendField('Connection', 'keep-alive');
    await s.done(IDLE);
    if (body.length) await s.sendBody(body, IDLE);
    await s.endBody();
  }
  const cu = process.cpuUsage(c0); const t = (cu.user + cu.system) / 1000;
  s.close(); a.close();
  return (t / n) * 1000;
}
for (let r = 0; r < 6; r++) console.log((await round(30000)).toFixed(2), 'us/req');
