// examples/bodies.mjs: Whole messages over HttpSocket: a pipelined chunked upload and a HEAD, answered.
import { attachMem, memoryPair } from 'headwire';

const [a, b] = memoryPair(); // with attach(net.Socket) or attachStream() it reads the same
const client = attachMem(a);
const server = attachMem(b);
const each = { timeout: 5000 }; // every wait of every call
const text = (bytes) => JSON.stringify(new TextDecoder().decode(bytes));

// The client writes both requests before it reads an answer.
await client.sendRequest('POST', '/upload');
await client.sendField('Transfer-Encoding', 'chunked');
await client.done();
await client.sendBody(new TextEncoder().encode('hello '));
await client.sendBody(new TextEncoder().encode('world'));
await client.endBody([['Digest', 'sha-256=abc']]);
await client.sendRequest('HEAD', '/upload'); // the upload is over: the next request starts
await client.done();

// The server reads each request and its body, and echoes the body.
for (let i = 0; i < 2; i++) {
  const { method, target } = await server.recvRequest(each);
  const body = await server.readBody(each, 1 << 20); // reads the fields it needs first
  console.log(method, target, text(body), JSON.stringify(server.trailers()));
  await server.sendStatus(200);
  await server.sendField('Content-Length', String(body.length));
  await server.done();
  await server.sendBody(body);
  await server.endBody();
}
// POST /upload "hello world" [{"name":"Digest","value":"sha-256=abc"}]
// HEAD /upload "" []

for (let i = 0; i < 2; i++) {
  const { code } = await client.recvStatus(each);
  const fields = [];
  for await (const f of client.fields(each)) fields.push(`${f.name}: ${f.value}`);
  console.log(code, fields.join(', '), text(await client.readBody(each))); // a HEAD's answer has no body
}
// 200 Content-Length: 11 "hello world"
// 200 Content-Length: 0 ""
