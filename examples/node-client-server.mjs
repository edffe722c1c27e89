// examples/node-client-server.mjs: A headwire server and a headwire client on Node's net, over loopback.
import net from 'node:net';
import { attach } from 'headwire/node';

const server = net.createServer({ allowHalfOpen: true }, async (socket) => {
  socket.on('error', () => {}); // a peer's reset must not crash the process
  const s = attach(socket);
  try {
    const { method, target } = await s.recvRequest({ timeout: 5000 });
    const names = [];
    for await (const { name } of s.fields({ timeout: 5000 })) names.push(name);
    const body = new TextEncoder().encode(`${method} ${target} (${names.join(', ')})\n`);
    await s.sendStatus(200);
    await s.sendField('Content-Length', String(body.length));
    await s.sendField('Connection', 'close');
    await s.done({ timeout: 5000 });
    const raw = await s.detach(); // the same net.Socket, positioned right after the request head
    raw.end(body);
  } catch (e) {
    console.error('server:', e.message);
    s.close();
  }
});
server.listen(0, '127.0.0.1', async () => {
  const c = attach(net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: true }));
  await c.sendRequest('GET', '/hello');
  await c.sendField('Host', 'localhost');
  await c.done({ timeout: 5000 });
  const { code, reason } = await c.recvStatus({ timeout: 5000 });
  let length = 0;
  for await (const { name, value } of c.fields({ timeout: 5000 })) if (name.toLowerCase() === 'content-length') length = Number(value);
  const socket = await c.detach();
  const chunks = [];
  for await (const chunk of socket) chunks.push(chunk);
  console.log(code, reason, length, Buffer.concat(chunks).toString('latin1').trim());
  server.close();
});
