// examples/quickstart.mjs: Decode a head, frame and read its body, encode an answer.
import { BodyDecoder, HeadDecoder, NEED_DATA, encodeHead, framing, keepAlive } from 'headwire';

const wire = new TextEncoder().encode(
  'POST /echo HTTP/1.1\r\nHost: example.org\r\nContent-Length: 5\r\n\r\nhello',
);
const d = new HeadDecoder('request');
d.receive(wire);
const fields = [];
let request;
for (let ev = d.next(); ev !== NEED_DATA && ev.type !== 'done'; ev = d.next()) {
  if (ev.type === 'request') request = ev; // { type: 'request', method: 'POST', target: '/echo', version: '1.1' }
  else fields.push(ev); // { type: 'field', name: 'Host', value: 'example.org' }, ...
}
const f = framing('request', fields, { version: request.version, requestMethod: request.method }); // { type: 'length', length: 5 }
const b = new BodyDecoder(f);
b.receive(d.rest()); // the bytes past the head: "hello"
let body = '';
for (let ev = b.next(); ev !== NEED_DATA && ev.type !== 'end'; ev = b.next()) {
  if (ev.type === 'data') body += new TextDecoder().decode(ev.bytes);
}
const head = encodeHead({ code: 200 }, [['Content-Length', String(body.length)]]);
console.log(request.method, request.target, fields.length, 'fields,', JSON.stringify(body), 'keep-alive:', keepAlive(request.version, fields));
console.log(JSON.stringify(new TextDecoder().decode(head))); // "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
