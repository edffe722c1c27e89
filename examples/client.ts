// A headwire HTTP/1.1 client on node:net: GET a URL (or a port on 127.0.0.1)
// with a few fields, then print the status line, the fields and the body.
//   npx deno run --allow-net=127.0.0.1 examples/client.ts http://127.0.0.1:8080/hello   (or just: 8080)
import { Buffer } from 'node:buffer';
import net from 'node:net';
import process from 'node:process';
import { now } from '../src/index.ts';
import { attach } from '../src/node.ts';

const arg = process.argv[2] ?? '8080';
const url = new URL(/^\d+$/.test(arg) ? `http://127.0.0.1:${arg}/` : arg);
const deadline = now() + 10_000; // one deadline for the whole exchange, libdill style
const s = attach(net.connect({ host: url.hostname, port: Number(url.port || 80), allowHalfOpen: true }));
await s.sendRequest('GET', url.pathname + url.search, deadline);
await s.sendField('Host', url.host, deadline);
await s.sendField('User-Agent', 'headwire-example', deadline);
await s.sendField('Accept', 'text/plain', deadline);
await s.sendField('Connection', 'close', deadline);
await s.done(deadline);
const { version, code, reason } = await s.recvStatus(deadline);
console.log(`HTTP/${version} ${code} ${reason}`);
let length = -1; // no Content-Length: the body runs to EOF
for await (const { name, value } of s.fields(deadline)) {
  console.log(`${name}: ${value}`);
  if (name.toLowerCase() === 'content-length') length = Number(value);
}
console.log();
const socket = await s.detach(deadline); // the bytes past the head come first
const chunks: Buffer[] = [];
for await (const chunk of socket) {
  chunks.push(chunk);
  if (length >= 0 && Buffer.concat(chunks).length >= length) break;
}
process.stdout.write(Buffer.concat(chunks).subarray(0, length >= 0 ? length : undefined));
socket.destroy();
