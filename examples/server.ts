// A headwire HTTP/1.1 server on node:net: it answers every request with the
// request's method, target and fields as a text body framed by Content-Length,
// keeping the connection open for the next request.
//   npx deno run --allow-net=127.0.0.1 examples/server.ts [port]   (default 8080; 0 = any free port)
import { Buffer } from 'node:buffer';
import net from 'node:net';
import process from 'node:process';
import { HttpError, now } from '../src/index.ts';
import { attach } from '../src/node.ts';

const server = net.createServer({ allowHalfOpen: true }, async (socket) => {
  try {
    for (;;) {
      const s = attach(socket);
      const { method, target } = await s.recvRequest(now() + 30_000); // EPIPE: the client closed; ETIMEDOUT: idle 30 s
      let text = `${method} ${target}\n`;
      let close = false; // this server reads no request body: it answers, then closes
      for await (const { name, value } of s.fields(now() + 10_000)) {
        text += `${name}: ${value}\n`;
        const n = name.toLowerCase();
        if ((n === 'connection' && value.toLowerCase() === 'close') || n === 'content-length' || n === 'transfer-encoding') close = true;
      }
      const body = Buffer.from(text, 'latin1'); // field values are byte strings
      await s.sendStatus(200);
      await s.sendField('Content-Type', 'text/plain; charset=utf-8');
      await s.sendField('Content-Length', String(body.length));
      if (close) await s.sendField('Connection', 'close');
      await s.done(now() + 10_000);
      socket = await s.detach(); // the same socket, positioned right after the request head
      socket.write(body);
      if (close) return void socket.end().resume(); // FIN; drop unread bytes so the socket closes with the client
    }
  } catch (e) {
    if (!(e instanceof HttpError && e.code === 'EPIPE')) console.error(`connection dropped: ${String(e)}`);
    socket.destroy();
  }
});
server.listen(Number(process.argv[2] ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`);
});
