// headwire's rows for bench/run.mjs (and the floor they are compared with).
// Imports nothing but ../dist: the `--only-headwire` child loads this file and
// must load no wasm peer (see peers.mjs).
//
// A row is { id, family, row (label), input, verify(), make() -> run(n) }.
// `run(n)` decodes (or encodes) n heads and returns a number derived from the
// results, which the timing loop adds to a sink, so no work is dead code.
// `verify()` runs before any timing and throws when the row does not produce
// what it claims.

// Which entry point is measured: `node` (headwire/node, what a Node user of
// attach() imports) or `root` (the package root, `headwire`). They share one
// codec module, so a process measures one of them: run.mjs measures the root
// in its child process, which never imports headwire/node.
let hw = null;
let HeadDecoder, HeadEncoder, NEED_DATA, parseHead;
/** The zero-copy entry point, when this build has it (picked up automatically). */
export let scanHead = null;
/** The one-shot encoder, when this build has it. */
export let encodeHead = null;
export const SCAN_MISSING = 'scanHead not in this build';
export const ENCODE_HEAD_MISSING = 'encodeHead not in this build';

/** Load the entry point to measure: 'node' or 'root'. */
export async function loadHeadwire(entry) {
  hw = await import(entry === 'root' ? '../dist/index.js' : '../dist/node.js');
  ({ HeadDecoder, HeadEncoder, NEED_DATA, parseHead } = hw);
  scanHead = typeof hw.scanHead === 'function' ? hw.scanHead : null;
  encodeHead = typeof hw.encodeHead === 'function' ? hw.encodeHead : null;
}

export function fail(msg) {
  throw new Error(`bench: verification failed: ${msg}`);
}

// ---------------------------------------------------------------- checking helpers

/** Events of one head must be: start line, exactly `fields` field events, done. */
export function checkEvents(events, input, how) {
  const where = `${how} on ${input.name}`;
  if (!Array.isArray(events) || events.length === 0) fail(`${where}: no events`);
  const start = input.kind === 'request' ? 'request' : 'status';
  if (events[0].type !== start) fail(`${where}: first event is ${events[0].type}, expected ${start}`);
  let fields = 0;
  for (let j = 1; j < events.length - 1; j++) {
    if (events[j].type !== 'field') fail(`${where}: event ${j} is ${events[j].type}, expected field`);
    fields++;
  }
  if (events[events.length - 1].type !== 'done') fail(`${where}: last event is ${events[events.length - 1].type}, not done`);
  if (fields !== input.fields) fail(`${where}: ${fields} field events, expected ${input.fields} (CRLF lines - 2)`);
}

function sameEvents(a, b, where) {
  if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${where}: events differ from parseHead's`);
}

/**
 * parseHead's events as { start, fields } — the form every peer driver returns:
 * start "GET / HTTP/1.1" or "HTTP/1.1 200 OK", fields [name, value][].
 */
export function expectedHead(input) {
  const events = parseHead(input.kind, input.bytes);
  checkEvents(events, input, 'parseHead');
  const s = events[0];
  const start = s.type === 'request' ? `${s.method} ${s.target} HTTP/${s.version}` : `HTTP/${s.version} ${s.code} ${s.reason}`;
  const fields = events.filter((e) => e.type === 'field').map((e) => [e.name, e.value]);
  return { start, fields };
}

/** Compare a driver's { start, fields } with parseHead's, field by field. */
export function sameHead(got, want, where) {
  if (got.start !== want.start) fail(`${where}: start line ${JSON.stringify(got.start)}, expected ${JSON.stringify(want.start)}`);
  if (got.fields.length !== want.fields.length) fail(`${where}: ${got.fields.length} fields, expected ${want.fields.length}`);
  for (let i = 0; i < want.fields.length; i++) {
    const [gn, gv] = got.fields[i];
    const [wn, wv] = want.fields[i];
    if (gn !== wn || gv !== wv) fail(`${where}: field ${i} is ${JSON.stringify([gn, gv])}, expected ${JSON.stringify([wn, wv])}`);
  }
}

/** Feed chunks to a decoder, draining next() after each; return the head's events. */
function decodeChunks(d, chunks) {
  const events = [];
  for (const c of chunks) {
    d.receive(c);
    for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) events.push(ev);
  }
  return events;
}

function splitInto(bytes, size) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return out;
}

const latin1 = (bytes, from, to) => String.fromCharCode(...bytes.subarray(from, to));

/**
 * scanHead's spans (layout in src/codec/spans.ts) as { start, fields }, for
 * checking. A negative value end marks an obs-fold; unfolded as documented.
 */
function headFromSpans(kind, bytes, out) {
  const version = `1.${out[1]}`;
  const start =
    kind === 'request'
      ? `${latin1(bytes, out[2], out[3])} ${latin1(bytes, out[4], out[5])} HTTP/${version}`
      : `HTTP/${version} ${out[2]} ${latin1(bytes, out[4], out[5])}`;
  const fields = [];
  for (let i = 0, at = 6; i < out[0]; i++, at += 4) {
    const end = out[at + 3];
    let value = latin1(bytes, out[at + 2], end < 0 ? ~end : end);
    if (end < 0) value = value.replace(/\r?\n[ \t]*/g, ' ').replace(/^[ \t]+|[ \t]+$/g, '');
    fields.push([latin1(bytes, out[at], out[at + 1]), value]);
  }
  return { start, fields };
}

// ---------------------------------------------------------------- rows

function floorRow(input) {
  return {
    id: `floor ${input.name}`,
    family: 'floor',
    row: 'floor: JS loop over every byte',
    input,
    verify() {},
    make() {
      const b = input.bytes;
      return (n) => {
        let acc = 0;
        for (let k = 0; k < n; k++) {
          for (let i = 0; i < b.length; i++) acc = (acc + b[i]) | 0;
        }
        return acc;
      };
    },
  };
}

function parseHeadRow(input, entry) {
  const family = entry === 'root' ? 'parseHead-root' : 'parseHead';
  return {
    id: `${family} ${input.name}`,
    family,
    row: entry === 'root' ? "headwire parseHead, root entry 'headwire'" : "headwire parseHead, 'headwire/node'",
    input,
    verify() {
      checkEvents(parseHead(input.kind, input.bytes), input, 'parseHead');
    },
    make() {
      const { kind, bytes } = input;
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) {
          const evs = parseHead(kind, bytes);
          s += evs.length + evs[evs.length - 2].value.length;
        }
        return s;
      };
    },
  };
}

function reusedDecoderRow(input) {
  return {
    id: `reused ${input.name}`,
    family: 'reused',
    row: 'headwire HeadDecoder (reused)',
    input,
    verify() {
      const d = new HeadDecoder(input.kind);
      for (let round = 0; round < 3; round++) {
        d.receive(input.bytes);
        const events = [];
        for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) events.push(ev);
        checkEvents(events, input, `HeadDecoder round ${round}`);
        sameEvents(events, parseHead(input.kind, input.bytes), `HeadDecoder round ${round} on ${input.name}`);
        if (d.state !== 'done') fail(`HeadDecoder on ${input.name}: state ${d.state} after done`);
        if (d.rest().length !== 0) fail(`HeadDecoder on ${input.name}: ${d.rest().length} bytes left past the head`);
        d.reset();
      }
    },
    make() {
      const { kind, bytes } = input;
      const d = new HeadDecoder(kind); // one "connection"
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) {
          d.receive(bytes); // exactly one head per iteration
          for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
            s++;
            if (ev.type === 'field') s += ev.value.length;
          }
          d.reset();
        }
        return s;
      };
    },
  };
}

/** scanHead into a reused Int32Array: spans only, no strings (headwire's zero-copy mode). */
function scanHeadRow(input) {
  const row = {
    id: `scan ${input.name}`,
    family: 'scan',
    row: 'headwire scanHead (zero-copy spans)',
    input,
  };
  if (!scanHead) return { ...row, unavailable: SCAN_MISSING, verify() {}, make: null };
  const outLength = typeof hw.spanArrayLength === 'function' ? hw.spanArrayLength() : 6 + 4 * hw.DEFAULT_MAX_FIELDS;
  return {
    ...row,
    verify() {
      const out = new Int32Array(outLength);
      const want = expectedHead(input);
      for (let round = 0; round < 3; round++) {
        const len = scanHead(input.kind, input.bytes, out);
        if (len !== input.bytes.length) fail(`scanHead on ${input.name}: returned ${len}, expected the head length ${input.bytes.length}`);
        if (out[0] !== input.fields) fail(`scanHead on ${input.name}: field count ${out[0]}, expected ${input.fields}`);
        sameHead(headFromSpans(input.kind, input.bytes, out), want, `scanHead round ${round} on ${input.name}`);
      }
      const cut = scanHead(input.kind, input.bytes.subarray(0, input.bytes.length - 1), out);
      if (cut !== -1) fail(`scanHead on ${input.name} without its last byte: returned ${cut}, expected -1`);
    },
    make() {
      const { kind, bytes } = input;
      const out = new Int32Array(outLength);
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) {
          s += scanHead(kind, bytes, out);
          s += out[0] + out[4 * out[0] + 5]; // field count + the last value's end
        }
        return s;
      };
    },
  };
}

function chunkedRow(input, size) {
  const chunks = splitInto(input.bytes, size);
  return {
    id: `chunks${size} ${input.name}`,
    family: 'chunks',
    row: `headwire ${size}-byte chunks`,
    input,
    chunkSize: size,
    verify() {
      const d = new HeadDecoder(input.kind);
      for (let round = 0; round < 3; round++) {
        const events = decodeChunks(d, chunks);
        checkEvents(events, input, `${size}-byte chunks round ${round}`);
        sameEvents(events, parseHead(input.kind, input.bytes), `${size}-byte chunks round ${round} on ${input.name}`);
        if (d.rest().length !== 0) fail(`${size}-byte chunks on ${input.name}: bytes left past the head`);
        d.reset();
      }
    },
    make() {
      const d = new HeadDecoder(input.kind);
      const cs = chunks;
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) {
          for (let j = 0; j < cs.length; j++) {
            d.receive(cs[j]);
            for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
              s++;
              if (ev.type === 'field') s += ev.value.length;
            }
          }
          d.reset();
        }
        return s;
      };
    },
  };
}

/** Encoder rows: d_response's head from its decoded events, headwire vs the way Node builds a head. */
function encoderRows(input) {
  const evs = parseHead(input.kind, input.bytes);
  const names = [];
  const values = [];
  for (const ev of evs) if (ev.type === 'field') (names.push(ev.name), values.push(ev.value));
  const { code, reason } = evs[0];

  // The way Node's http builds a head: one string (ServerResponse#_storeHeader),
  // then latin1 bytes. Node also validates each name and value in setHeader with
  // these two regexes (lib/_http_common.js); a second row includes them.
  const tokenRe = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
  const invalidCharRe = /[^\t\x20-\x7e\x80-\xff]/;
  const nodeBuild = () => {
    let str = `HTTP/1.1 ${code} ${reason}\r\n`;
    for (let j = 0; j < names.length; j++) str += `${names[j]}: ${values[j]}\r\n`;
    return Buffer.from(`${str}\r\n`, 'latin1');
  };
  const nodeBuildValidated = () => {
    let str = `HTTP/1.1 ${code} ${reason}\r\n`;
    for (let j = 0; j < names.length; j++) {
      if (!tokenRe.test(names[j])) throw new Error('bad name');
      if (invalidCharRe.test(values[j])) throw new Error('bad value');
      str += `${names[j]}: ${values[j]}\r\n`;
    }
    return Buffer.from(`${str}\r\n`, 'latin1');
  };
  // Each command's bytes stay valid until the next reset(): reset first, then build.
  const encodeHeadwire = (e) => {
    e.reset();
    const parts = [e.status(code, reason)];
    for (let j = 0; j < names.length; j++) parts.push(e.field(names[j], values[j]));
    parts.push(e.done());
    return parts;
  };
  const concat = (parts) => {
    let len = 0;
    for (const p of parts) len += p.length;
    const out = new Uint8Array(len);
    let at = 0;
    for (const p of parts) (out.set(p, at), (at += p.length));
    return out;
  };
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const verify = () => {
    const hwBytes = concat(encodeHeadwire(new HeadEncoder()));
    if (!same(hwBytes, input.bytes)) fail('HeadEncoder output differs from d_response.http');
    if (!same(nodeBuild(), hwBytes)) fail('Node-style build differs from HeadEncoder output');
    if (!same(nodeBuildValidated(), hwBytes)) fail('Node-style validated build differs from HeadEncoder output');
  };
  const repeat = (build) => (n) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += build().length;
    return s;
  };

  const start = { code, reason };
  const fieldPairs = names.map((n, j) => [n, values[j]]);
  const oneShotRow = {
    id: `encodeHead ${input.name}`,
    family: 'encoder',
    row: 'headwire encodeHead (one shot)',
    input,
  };
  return [
    encodeHead
      ? {
          ...oneShotRow,
          verify() {
            verify();
            if (!same(encodeHead(start, fieldPairs), input.bytes)) fail('encodeHead output differs from d_response.http');
          },
          make: () => repeat(() => encodeHead(start, fieldPairs)),
        }
      : { ...oneShotRow, unavailable: ENCODE_HEAD_MISSING, verify() {}, make: null },
    {
      id: `encoder ${input.name}`,
      family: 'encoder',
      row: 'headwire HeadEncoder, per command (reused)',
      input,
      verify,
      make() {
        const e = new HeadEncoder();
        return (n) => {
          let s = 0;
          for (let k = 0; k < n; k++) {
            const parts = encodeHeadwire(e);
            for (let j = 0; j < parts.length; j++) s += parts[j].length;
          }
          return s;
        };
      },
    },
    {
      id: `node-style ${input.name}`,
      family: 'encoder',
      row: 'node-style string + Buffer.from latin1',
      input,
      verify,
      make: () => repeat(nodeBuild),
    },
    {
      id: `node-style-validated ${input.name}`,
      family: 'encoder',
      row: 'node-style + setHeader regex checks',
      input,
      verify,
      make: () => repeat(nodeBuildValidated),
    },
  ];
}

const CHUNKED_INPUT = 'c_browser';
const ENCODER_INPUT = 'd_response';

/**
 * Two response heads of the same size (about 16 KB, under the default
 * maxHeadSize): one field continued by obs-fold lines (replaced by SP, the
 * default for responses), and plain fields. Their cost ratio shows whether
 * unfolding stays linear.
 */
export function foldInputs() {
  let fold = 'HTTP/1.1 200 OK\r\nX-Folded: start\r\n';
  while (fold.length < 16000) fold += ' continued\r\n';
  fold += '\r\n';
  let plain = 'HTTP/1.1 200 OK\r\n';
  let k = 0;
  while (plain.length < fold.length - 400) plain += `X-Plain-${k++}: ${'v'.repeat(150)}\r\n`;
  plain += `X-Pad: ${'p'.repeat(fold.length - plain.length - 'X-Pad: \r\n\r\n'.length)}\r\n\r\n`;
  const input = (name, s, fields) => ({ name, bytes: Uint8Array.from(s, (c) => c.charCodeAt(0)), kind: 'response', fields });
  return [input('f_fold16k', fold, 1), input('f_plain16k', plain, k + 1)];
}

/** parseHead over an obs-fold head and a plain one of the same size (see foldInputs). */
function foldRow(input) {
  const folded = input.name.includes('fold');
  return {
    id: `fold ${input.name}`,
    family: 'fold',
    row: folded ? 'parseHead, one field + 1,300 obs-folds' : 'parseHead, plain fields, same size',
    input,
    verify() {
      const evs = parseHead(input.kind, input.bytes);
      if (!evs || evs.length !== input.fields + 2) fail(`fold row on ${input.name}: ${evs?.length} events`);
      if (folded && !/^start( continued)+$/.test(evs[1].value)) fail('obs-fold value not unfolded to single spaces');
    },
    make() {
      const { kind, bytes } = input;
      return (n) => {
        let s = 0;
        for (let k = 0; k < n; k++) s += parseHead(kind, bytes)[1].value.length;
        return s;
      };
    },
  };
}

/** The floor and headwire's decode rows, by family (each family over every input). */
export function decodeRows(inputs, entry) {
  return {
    floor: inputs.map(floorRow),
    parseHead: inputs.map((i) => parseHeadRow(i, entry)),
    reused: inputs.map(reusedDecoderRow),
    scan: inputs.map(scanHeadRow),
  };
}

/** The chunked-delivery rows, the encoder rows (one input each) and the obs-fold pair. */
export function otherRows(byName) {
  const rows = foldInputs().map(foldRow);
  if (byName.has(CHUNKED_INPUT)) for (const size of [64, 1]) rows.push(chunkedRow(byName.get(CHUNKED_INPUT), size));
  if (byName.has(ENCODER_INPUT)) rows.push(...encoderRows(byName.get(ENCODER_INPUT)));
  return rows;
}
