// Peer parsers for bench/run.mjs, each driven the way its real user drives it.
//
// Only the main bench process imports this file; the `--only-headwire` child
// must not, so that nothing here can touch the process headwire is measured in
// (DESIGN.md, Performance: one detached ArrayBuffer halves V8's typed-array
// loops for the rest of the process; undici's wasm `memory.grow` detaches one).
//
// Every driver is made for one input (one "connection" that receives that head
// again and again) and returns
//   head()  -> parse the head once and return { start, fields } for checking
//              (start: "GET / HTTP/1.1" or "HTTP/1.1 200 OK"; fields: [name, value][])
//   run(n)  -> parse the head n times; returns a number derived from the results
// Both go through the same callbacks, so what is checked is what is timed.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Versions of what is measured, for the JSON meta block. */
export function peerVersions() {
  return {
    nodeLlhttp: process.versions.llhttp,
    undici: require('undici/package.json').version,
    undiciWasm: undiciWasm.flavour,
    httpParserJs: require('http-parser-js/package.json').version,
  };
}

function fail(msg) {
  throw new Error(`bench: verification failed: ${msg}`);
}

/** Flat [name, value, name, value, ...] strings -> [name, value][]. */
function pairs(flat) {
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function startLine(response, method, target, status, reason, major, minor) {
  return response ? `HTTP/${major}.${minor} ${status} ${reason}` : `${method} ${target} HTTP/${major}.${minor}`;
}

// ---------------------------------------------------------------- Node's native llhttp

// How Node drives it (lib/_http_common.js, lib/_http_server.js, Node 20):
// one `new HTTPParser()` per socket, `initialize(type, asyncResource,
// maxHeaderSize, lenientFlags)` once per connection, `execute(buf)` per read.
// The binding hands JS finished strings: `kOnHeaders(headers, url)` fires only
// when more than 32 header pairs (or a split head) must be flushed early, and
// Node appends them to `parser._headers` / `parser._url`; `kOnHeadersComplete`
// then gets `headers`/`url` undefined and uses the accumulated ones.
// The return value of kOnHeadersComplete is llhttp's: 1 = "no body" (Node's
// client returns it for a response to HEAD). A response head with
// Content-Length would otherwise make the next head on this connection body
// bytes, so the response parser returns 1; request heads here have no body.
export function nodeLlhttp(input) {
  const { HTTPParser, methods } = require('_http_common');
  return nodeStyleDriver('native llhttp', HTTPParser, methods, input);
}

/**
 * Node's native llhttp fed the head in `size`-byte reads (one execute() per
 * read, as a socket delivering tiny packets would): the peer of headwire's
 * chunked rows.
 */
export function nodeLlhttpChunks(input, size) {
  const { HTTPParser, methods } = require('_http_common');
  return nodeStyleDriver(`native llhttp, ${size}-byte chunks`, HTTPParser, methods, input, size);
}

/** Drive a parser with Node's binding interface (initialize, kOn* callbacks, execute per read). */
function nodeStyleDriver(name, HTTPParser, methods, input, chunkSize = 0) {
  const response = input.kind === 'response';
  const buf = Buffer.from(input.bytes); // execute() needs a Buffer; made once, outside timing
  const reads = [];
  for (let i = 0; i < buf.length; i += chunkSize || buf.length) reads.push(buf.subarray(i, i + (chunkSize || buf.length)));
  const execute = () => {
    let n = 0;
    for (let j = 0; j < reads.length; j++) n += parser.execute(reads[j]);
    return n;
  };
  const parser = new HTTPParser();
  parser.initialize(response ? HTTPParser.RESPONSE : HTTPParser.REQUEST, {}, 0, 0);

  let pendingHeaders = [];
  let pendingUrl = '';
  const last = { headers: [], url: '', method: 0, status: 0, reason: '', major: 0, minor: 0, completed: 0 };
  parser[HTTPParser.kOnHeaders] = function onHeaders(headers, url) {
    for (let i = 0; i < headers.length; i++) pendingHeaders.push(headers[i]);
    pendingUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = function onHeadersComplete(major, minor, headers, method, url, status, reason) {
    if (headers === undefined) {
      headers = pendingHeaders;
      pendingHeaders = [];
    }
    if (url === undefined) {
      url = pendingUrl;
      pendingUrl = '';
    }
    last.headers = headers;
    last.url = url;
    last.method = method;
    last.status = status;
    last.reason = reason;
    last.major = major;
    last.minor = minor;
    return response ? 1 : 0;
  };
  parser[HTTPParser.kOnMessageComplete] = function onMessageComplete() {
    last.completed++;
  };

  return {
    head() {
      const before = last.completed;
      const ret = execute();
      if (ret !== buf.length) fail(`${name} on ${input.name}: execute returned ${ret}, expected ${buf.length}`);
      if (last.completed !== before + 1) fail(`${name} on ${input.name}: message not complete after the head`);
      const start = startLine(response, methods[last.method], last.url, last.status, last.reason, last.major, last.minor);
      return { start, fields: pairs(last.headers) };
    },
    run(n) {
      let s = 0;
      for (let k = 0; k < n; k++) {
        s += execute();
        s += last.headers.length + last.headers[last.headers.length - 1].length;
      }
      return s;
    },
  };
}

// ---------------------------------------------------------------- http-parser-js

// How it is used: as a drop-in for Node's binding (its README: replace
// process.binding('http_parser').HTTPParser), so it is driven exactly like
// nodeLlhttp above: same initialize, same kOn* callbacks, execute(buf) per head.
// Reading HTTPParser.kOnExecute switches it from its 0.12 calling convention
// (one `info` object) to Node's positional kOnHeadersComplete arguments; Node's
// http server reads that constant too. It never calls kOnHeaders for a head
// (only for trailers); the accumulation is kept for symmetry.
export function httpParserJs(input) {
  const { HTTPParser, methods } = require('http-parser-js');
  void HTTPParser.kOnExecute; // Node's calling convention (see above)
  return nodeStyleDriver('http-parser-js', HTTPParser, methods, input);
}

// ---------------------------------------------------------------- undici's wasm llhttp

// How undici drives it (lib/dispatcher/client-h1.js, undici 7): one
// WebAssembly.Instance per process (the SIMD build when it compiles, else the
// plain one), imports `env.wasm_on_*` that forward to `currentParser`;
// `llhttp_alloc(TYPE)` per connection; per read it mallocs a buffer (a
// multiple of 4096 bytes, kept while reads fit), copies the chunk into wasm
// memory and calls `llhttp_execute(ptr, bufPtr, len)`. Callbacks receive
// pointers into that memory. undici wraps each span in a Buffer over the JS
// chunk and converts names and values with toString('latin1') later.
//
// Here: one instance per mode (spans, strings), so each mode's callbacks stay
// monomorphic; the buffer is malloc'd once at setup, sized for the largest
// input (≤ 32 KiB: a larger malloc grows the memory, which detaches its
// ArrayBuffer) and a Uint8Array view of it is made once (undici makes one per
// read); the copy of the head into wasm memory is timed.
//   spans:   offsets/lengths of the target or reason and of every name and
//            value go into a preallocated Int32Array; no strings at all.
//   strings: the same pieces become strings with one latin1Slice each on a
//            Buffer over the wasm memory, pushed into a fresh headers array per
//            head (undici's `this.headers`), the way Node's binding hands them.
// on_headers_complete records status / method / version as Node's binding does.

const UNDICI_BUFFER_LIMIT = 32 * 1024;

const undiciWasm = {
  flavour: '',
  module: null,
  constants: null,
  methodNames: [],
  /** Every instance made, to check their memories at the end. */
  instances: [],
};

function undiciModule() {
  if (undiciWasm.module) return undiciWasm.module;
  undiciWasm.constants = require('undici/lib/llhttp/constants.js');
  for (const [name, code] of Object.entries(undiciWasm.constants.METHODS)) undiciWasm.methodNames[code] = name;
  try {
    undiciWasm.module = new WebAssembly.Module(require('undici/lib/llhttp/llhttp_simd-wasm.js'));
    undiciWasm.flavour = 'llhttp_simd-wasm.js';
  } catch {
    undiciWasm.module = new WebAssembly.Module(require('undici/lib/llhttp/llhttp-wasm.js'));
    undiciWasm.flavour = 'llhttp-wasm.js';
  }
  return undiciWasm.module;
}

/**
 * One wasm instance whose callbacks forward to `ctx.current` (undici's
 * currentParser). `onSpan(kind, at, len)` receives 0 = url/status,
 * 1 = header field, 2 = header value.
 */
function undiciInstance(mode, maxBytes) {
  const mod = undiciModule();
  const ctx = { current: null };
  const instance = new WebAssembly.Instance(mod, {
    env: {
      wasm_on_url: (_p, at, len) => ctx.current.onSpan(0, at, len),
      wasm_on_status: (_p, at, len) => ctx.current.onSpan(0, at, len),
      wasm_on_message_begin: (_p) => ctx.current.onBegin(),
      wasm_on_header_field: (_p, at, len) => ctx.current.onSpan(1, at, len),
      wasm_on_header_value: (_p, at, len) => ctx.current.onSpan(2, at, len),
      wasm_on_headers_complete: (p, status, _upgrade, _keepAlive) => ctx.current.onHeadersComplete(p, status),
      wasm_on_body: () => 0,
      wasm_on_message_complete: (_p) => ctx.current.onMessageComplete(),
    },
  });
  const e = instance.exports;
  const memory = e.memory;
  const initial = { buffer: memory.buffer, byteLength: memory.buffer.byteLength };
  const size = Math.ceil(maxBytes / 4096) * 4096; // undici's rounding
  if (size > UNDICI_BUFFER_LIMIT) throw new Error(`bench: an input of ${maxBytes} bytes needs more than 32 KiB of wasm buffer`);
  const bufPtr = e.malloc(size);
  const info = {
    mode,
    ctx,
    exports: e,
    memory,
    initial,
    bufPtr,
    size,
    heap: new Uint8Array(memory.buffer, bufPtr, size),
    mem: Buffer.from(memory.buffer), // for latin1Slice in strings mode; valid while memory never grows
    afterMalloc: memory.buffer.byteLength,
  };
  undiciWasm.instances.push(info);
  return info;
}

const undiciInstances = new Map();
function sharedUndiciInstance(mode, maxBytes) {
  if (!undiciInstances.has(mode)) undiciInstances.set(mode, undiciInstance(mode, maxBytes));
  return undiciInstances.get(mode);
}

/**
 * The state of every undici wasm memory: byte lengths at instantiation, after
 * the buffer malloc and now, and whether the first ArrayBuffer was replaced
 * (memory.grow detaches the old one: its byteLength drops to 0).
 */
export function undiciMemoryReport() {
  return undiciWasm.instances.map((i) => ({
    mode: i.mode,
    initialBytes: i.initial.byteLength,
    afterMallocBytes: i.afterMalloc,
    nowBytes: i.memory.buffer.byteLength,
    bufferReplaced: i.memory.buffer !== i.initial.buffer,
    initialBufferDetached: i.initial.buffer.byteLength === 0,
    grew: i.memory.buffer.byteLength !== i.initial.byteLength || i.memory.buffer !== i.initial.buffer,
  }));
}

/** Shared part of both undici modes: the parser pointer, the copy, execute, the checks. */
function undiciConnection(input, mode, maxBytes, state) {
  const inst = sharedUndiciInstance(mode, maxBytes);
  const { exports: e, ctx, heap, bufPtr } = inst;
  const { constants, methodNames } = undiciWasm;
  const response = input.kind === 'response';
  const ptr = e.llhttp_alloc(response ? constants.TYPE.RESPONSE : constants.TYPE.REQUEST);
  state.response = response;
  state.base = bufPtr;
  const bytes = input.bytes;
  const len = bytes.length;
  if (len > inst.size) throw new Error(`bench: ${input.name} does not fit the wasm buffer`);

  // One read: copy into wasm memory, run the parser with this state as undici's currentParser.
  const execute = () => {
    heap.set(bytes);
    ctx.current = state;
    const ret = e.llhttp_execute(ptr, bufPtr, len);
    ctx.current = null;
    return ret;
  };
  const checkedExecute = () => {
    const before = state.completed;
    const ret = execute();
    if (ret !== constants.ERROR.OK) {
      const pos = e.llhttp_get_error_pos(ptr) - bufPtr;
      fail(`undici wasm (${mode}) on ${input.name}: llhttp_execute returned ${ret} at byte ${pos}`);
    }
    if (state.completed !== before + 1) fail(`undici wasm (${mode}) on ${input.name}: message not complete after the head`);
    const method = response ? '' : methodNames[e.llhttp_get_method(ptr)];
    return { method, major: e.llhttp_get_http_major(ptr), minor: e.llhttp_get_http_minor(ptr) };
  };
  return { inst, execute, checkedExecute };
}

/** undici wasm llhttp, spans only: offsets and lengths into an Int32Array, no strings. */
export function undiciSpans(input, maxBytes) {
  const maxPieces = 2 * (input.fields + 1) + 1;
  const state = {
    response: false,
    base: 0,
    spans: new Int32Array(2 * maxPieces), // [off, len] of start piece, then name, value, name, value, ...
    count: 0, // pieces recorded: 1 (start) + 2 per complete field
    status: 0,
    method: 0,
    completed: 0,
    onBegin() {
      this.count = 1;
      this.spans[0] = 0;
      this.spans[1] = 0;
      return 0;
    },
    // kind 0 = url/status (piece 0), 1 = name (odd piece), 2 = value (even piece >= 2).
    // A span split across two execute calls continues the previous piece, as undici's
    // onHeaderField/onHeaderValue concatenate.
    onSpan(kind, at, len) {
      const sp = this.spans;
      if (kind === 0) {
        if (sp[1] === 0) sp[0] = at - this.base;
        sp[1] += len;
        return 0;
      }
      const c = this.count;
      const isNew = kind === 1 ? (c & 1) === 1 : (c & 1) === 0;
      if (isNew) {
        sp[2 * c] = at - this.base;
        sp[2 * c + 1] = len;
        this.count = c + 1;
      } else {
        sp[2 * c - 1] += len;
      }
      return 0;
    },
    onHeadersComplete(p, status) {
      this.status = status;
      if (!this.response) this.method = conn.inst.exports.llhttp_get_method(p);
      return this.response ? 1 : 0; // no body: see nodeLlhttp
    },
    onMessageComplete() {
      this.completed++;
      return 0;
    },
  };
  const conn = undiciConnection(input, 'spans', maxBytes, state);
  const latin1 = (off, len) => String.fromCharCode(...input.bytes.subarray(off, off + len));
  return {
    head() {
      const v = conn.checkedExecute();
      const sp = state.spans;
      const fields = [];
      for (let c = 1; c + 1 < state.count; c += 2) {
        fields.push([latin1(sp[2 * c], sp[2 * c + 1]), latin1(sp[2 * c + 2], sp[2 * c + 3])]);
      }
      if ((state.count & 1) === 0) fail(`undici wasm (spans) on ${input.name}: a field name without a value`);
      const first = latin1(sp[0], sp[1]);
      const start = startLine(state.response, v.method, first, state.status, first, v.major, v.minor);
      return { start, fields };
    },
    run(n) {
      let s = 0;
      for (let k = 0; k < n; k++) {
        s += conn.execute();
        s += state.count + state.spans[2 * state.count - 1];
      }
      return s;
    },
  };
}

/** undici wasm llhttp with strings: one latin1Slice per piece from the wasm memory. */
export function undiciStrings(input, maxBytes) {
  const state = {
    response: false,
    base: 0,
    mem: null,
    first: '',
    headers: [],
    status: 0,
    method: '',
    completed: 0,
    onBegin() {
      this.first = '';
      this.headers = [];
      return 0;
    },
    // Same parity rule as undici's onHeaderField/onHeaderValue: a second span of the
    // same piece (split across reads) is appended to the previous string.
    onSpan(kind, at, len) {
      const str = this.mem.latin1Slice(at, at + len);
      if (kind === 0) {
        this.first += str;
        return 0;
      }
      const h = this.headers;
      const isNew = kind === 1 ? (h.length & 1) === 0 : (h.length & 1) === 1;
      if (isNew) h.push(str);
      else h[h.length - 1] += str;
      return 0;
    },
    onHeadersComplete(p, status) {
      this.status = status;
      if (!this.response) this.method = undiciWasm.methodNames[conn.inst.exports.llhttp_get_method(p)];
      return this.response ? 1 : 0; // no body: see nodeLlhttp
    },
    onMessageComplete() {
      this.completed++;
      return 0;
    },
  };
  const conn = undiciConnection(input, 'strings', maxBytes, state);
  state.mem = conn.inst.mem;
  return {
    head() {
      const v = conn.checkedExecute();
      if (state.headers.length & 1) fail(`undici wasm (strings) on ${input.name}: a field name without a value`);
      const start = startLine(state.response, state.method, state.first, state.status, state.first, v.major, v.minor);
      return { start, fields: pairs(state.headers) };
    },
    run(n) {
      let s = 0;
      for (let k = 0; k < n; k++) {
        s += conn.execute();
        const h = state.headers;
        s += h.length + h[h.length - 1].length;
      }
      return s;
    },
  };
}
