// examples/server.mjs PORT: a keep-alive HTTP/1.1 server on headwire/node that
// answers every request 200 with the request body echoed byte for byte
// (Content-Length framed). Persistence follows RFC 9112 §9.3 (keepAlive());
// chunked uploads are de-chunked; a bad head is answered with the error's
// statusHint and the connection closed. PORT 0 picks a free port.
//   node examples/server.mjs 8080      (after npm run build; Deno and Bun run it unchanged)
import net from 'node:net';
import process from 'node:process';
import { BodyDecoder, HttpError, NEED_DATA, encodeHead, framing, keepAlive } from 'headwire';
import { attach } from 'headwire/node';

const IDLE = { timeout: 30_000 };
const MAX_BODY = 64 * 1024 * 1024;

/** The next chunk the socket has (paused mode, as attach() reads), or null at EOF. */
async function nextChunk(socket) {
  for (;;) {
    const chunk = socket.read();
    if (chunk !== null) return chunk;
    if (socket.readableEnded || socket.destroyed) return null;
    await new Promise((resolve) => {
      const on = () => {
        socket.off('readable', on).off('end', on).off('close', on);
        resolve();
      };
      socket.on('readable', on).on('end', on).on('close', on);
    });
  }
}

/** Read the body framed by `f` from the raw socket, starting with `first`; returns [body, bytes past it]. */
async function readBody(socket, f, first) {
  const b = new BodyDecoder(f, { maxBodySize: MAX_BODY });
  const parts = [];
  let size = 0;
  b.receive(first);
  for (;;) {
    const ev = b.next();
    if (ev === NEED_DATA) {
      const chunk = await nextChunk(socket);
      if (chunk === null) b.end();
      else b.receive(chunk);
    } else if (ev.type === 'data') {
      parts.push(ev.bytes);
      size += ev.bytes.length;
    } else if (ev.type === 'end') break;
  }
  const rest = b.rest();
  const body = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  return [body, rest];
}

async function serve(socket) {
  socket.setNoDelay(true); // the head and body go out as one write anyway
  socket.on('error', () => {}); // a reset at any point must not crash the server
  for (;;) {
    const s = attach(socket);
    let req;
    const fields = [];
    try {
      req = await s.recvRequest(IDLE);
      for await (const field of s.fields(IDLE)) fields.push(field);
    } catch (e) {
      if (e instanceof HttpError && e.statusHint) {
        socket.end(encodeHead({ code: e.statusHint }, [['Content-Length', '0'], ['Connection', 'close']]));
      } else socket.destroy(); // EPIPE: the client closed between requests; ECONNRESET, ETIMEDOUT
      return;
    }
    let body;
    let persist;
    try {
      const f = framing('request', fields, { version: req.version, requestMethod: req.method });
      if (f.type !== 'none' && f.type !== 'length' && f.type !== 'chunked') throw new HttpError('EPROTO', 'Unsupported framing', { statusHint: 400 });
      const raw = await s.detach(); // the same net.Socket, positioned right after the head
      const [bytes, rest] = await readBody(raw, f, new Uint8Array(0));
      if (rest.length > 0) raw.unshift(rest); // a pipelined request: read by the next attach()
      body = bytes;
      persist = keepAlive(req.version, fields);
    } catch (e) {
      const code = e instanceof HttpError && e.statusHint ? e.statusHint : 400;
      if (!socket.destroyed) socket.end(encodeHead({ code }, [['Content-Length', '0'], ['Connection', 'close']]));
      return;
    }
    const answer = [['Content-Length', String(body.length)]];
    if (!persist) answer.push(['Connection', 'close']);
    else if (req.version === '1.0') answer.push(['Connection', 'keep-alive']);
    const head = encodeHead({ code: 200 }, answer);
    const out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
    if (socket.destroyed) return;
    if (!persist) return void socket.end(out);
    socket.write(out);
  }
}

const server = net.createServer({ allowHalfOpen: false, noDelay: true }, (socket) => {
  serve(socket).catch((e) => {
    console.error(`connection dropped: ${String(e)}`);
    socket.destroy();
  });
});
server.listen(Number(process.argv[2] ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
});
