// examples/client.mjs URL [BODY]: one request with headwire/node, a POST of
// BODY when given (else a GET), then the status line, the fields and the body
// as received. A bare port means http://127.0.0.1:PORT/.
//   node examples/client.mjs http://127.0.0.1:8080/echo 'hello'   (after npm run build)
//   deno run -A examples/client.mjs 8080 · bun examples/client.mjs 8080 hi
import net from 'node:net';
import process from 'node:process';
import { attach } from 'headwire/node';

const arg = process.argv[2] ?? '8080';
const url = new URL(/^\d+$/.test(arg) ? `http://127.0.0.1:${arg}/` : arg);
const body = process.argv[3] === undefined ? null : new TextEncoder().encode(process.argv[3]);
const each = { timeout: 10_000 }; // every wait of every call

const s = attach(net.connect({ host: url.hostname, port: Number(url.port || 80), allowHalfOpen: true }));
try {
  await s.sendRequest(body ? 'POST' : 'GET', url.pathname + url.search, each);
  await s.sendField('Host', url.host);
  await s.sendField('User-Agent', 'headwire-example');
  if (body) await s.sendField('Content-Length', String(body.length));
  await s.sendField('Connection', 'close');
  await s.done(each);
  if (body) {
    await s.sendBody(body, each);
    await s.endBody();
  }
  const { version, code, reason } = await s.recvStatus(each);
  let out = `HTTP/${version} ${code} ${reason}\n`;
  for await (const { name, value } of s.fields(each)) out += `${name}: ${value}\n`;
  process.stdout.write(`${out}\n`);
  // Framed as the response says: Content-Length, chunked or until the server closes.
  process.stdout.write(await s.readBody(each));
} finally {
  s.close();
}
