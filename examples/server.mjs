// examples/server.mjs PORT: a keep-alive HTTP/1.1 server on headwire/node that
// answers every request 200 with the request body echoed byte for byte
// (Content-Length framed). Persistence follows RFC 9112 §9.3 (keepAlive());
// chunked uploads are de-chunked by readBody(); a bad head or body is answered
// with the error's statusHint and the connection closed. PORT 0 picks a free port.
//   node examples/server.mjs 8080      (after npm run build)
//   deno run -A examples/server.mjs 8080 · bun examples/server.mjs 8080
import net from 'node:net';
import process from 'node:process';
import { HttpError, keepAlive } from 'headwire';
import { attach } from 'headwire/node';

const IDLE = { timeout: 30_000 }; // each wait: a quiet client is dropped after 30 s
const MAX_BODY = 64 * 1024 * 1024;

async function serve(socket) {
  // A reset can come at any point, also after headwire let go of the socket.
  socket.on('error', () => {});
  const s = attach(socket, { maxBodySize: MAX_BODY }); // attach() also turns Nagle off
  try {
    for (;;) {
      let request;
      let persist;
      let body;
      try {
        request = await s.recvRequest(IDLE); // the next request, pipelined bytes included
        const fields = [];
        for await (const field of s.fields(IDLE)) fields.push(field);
        // curl asks before a large upload; a 1xx ends at its blank line, then the final answer follows.
        if (request.version === '1.1' && fields.some((f) => /^expect$/i.test(f.name) && /^100-continue$/i.test(f.value))) {
          await s.sendStatus(100);
          await s.done(IDLE);
        }
        body = await s.readBody(IDLE); // Content-Length or chunked, as framing() says
        persist = keepAlive(request.version, fields);
      } catch (e) {
        // A bad head or body: answer with its hint, then close (as Node's http does).
        // EPIPE: the client closed between requests; ECONNRESET, ETIMEDOUT: it is gone.
        if (e instanceof HttpError && e.statusHint && e.code !== 'ECONNRESET') await answer(s, e.statusHint, null, false);
        return s.close();
      }
      await answer(s, 200, body, persist, request.version);
      if (persist) continue;
      // Connection: close, answered: hand the socket back and let the client close first,
      // reading what it still sends, so our close never turns into a reset that loses the answer.
      const raw = await s.detach(IDLE);
      raw.setTimeout(IDLE.timeout, () => raw.destroy());
      raw.resume();
      return;
    }
  } catch {
    s.close(); // the client went away while we answered: nothing to tell it
  }
}

/** `code` with `body` (or none), and the Connection field RFC 9112 §9.3 asks for; our FIN follows unless `persist`. */
async function answer(s, code, body, persist, version = '1.1') {
  await s.sendStatus(code);
  await s.sendField('Content-Length', String(body?.length ?? 0));
  if (!persist) await s.sendField('Connection', 'close');
  else if (version === '1.0') await s.sendField('Connection', 'keep-alive');
  await s.done(IDLE);
  if (body) await s.sendBody(body, IDLE);
  await s.endBody();
  if (!persist) await s.closeWrite(IDLE);
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  serve(socket).catch((e) => console.error(`connection dropped: ${String(e)}`));
});
server.listen(Number(process.argv[2] ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
});
