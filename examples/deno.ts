// examples/deno.ts: Deno: a headwire server and client over Deno.listen / Deno.connect with attachStream.
//   deno run --allow-net=127.0.0.1 examples/deno.ts
import { attachStream } from 'headwire';

const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
const serving = (async () => {
  const conn = await listener.accept();
  const s = attachStream({ readable: conn.readable, writable: conn.writable, closeWrite: () => conn.closeWrite() });
  const { target } = await s.recvRequest({ timeout: 5000 });
  for await (const _ of s.fields({ timeout: 5000 })) { /* read to the blank line */ }
  const body = new TextEncoder().encode(`you asked for ${target}\n`);
  await s.sendStatus(200);
  await s.sendField('Content-Length', String(body.length));
  await s.done({ timeout: 5000 });
  const { writable } = await s.detach(); // streams positioned right after the heads
  const w = writable.getWriter();
  await w.write(body);
  w.releaseLock();
  await conn.closeWrite(); // FIN after the body; then close the connection itself
  conn.close();
})();

const conn = await Deno.connect({ hostname: '127.0.0.1', port: (listener.addr as Deno.NetAddr).port });
const c = attachStream({ readable: conn.readable, writable: conn.writable, closeWrite: () => conn.closeWrite() });
await c.sendRequest('GET', '/from-deno');
await c.sendField('Host', 'localhost');
await c.done({ timeout: 5000 });
const { code } = await c.recvStatus({ timeout: 5000 });
for await (const _ of c.fields({ timeout: 5000 })) { /* skip */ }
const { readable } = await c.detach();
const text = await new Response(readable).text(); // the body, up to the server's FIN
console.log(code, text.trim());
// After detach() the Deno.Conn is yours. Reading its readable to the end (as
// above) has already closed it; otherwise close it yourself:
try {
  conn.close();
} catch {
  /* already closed */
}
await serving;
listener.close();
