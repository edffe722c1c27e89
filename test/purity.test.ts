// src/codec must run unchanged in Node, Deno, Bun and a browser: it imports
// only its own files and touches no runtime global (no I/O, no timers, no
// process, no Buffer). TextDecoder is the one host object it uses: every one
// of those runtimes has it, and it does no I/O.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CODEC = new URL('../src/codec/', import.meta.url);

// Globals of some runtime but not of ECMAScript itself.
const RUNTIME_GLOBALS = [
  'process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'globalThis',
  'Deno', 'Bun', 'window', 'self', 'document', 'navigator', 'location', 'performance', 'console',
  'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask',
  'fetch', 'Request', 'Response', 'Headers', 'ReadableStream', 'WritableStream', 'TransformStream',
  'WebSocket', 'XMLHttpRequest', 'AbortController', 'AbortSignal', 'Blob', 'File', 'URL', 'crypto',
  'TextEncoder', 'structuredClone', 'postMessage', 'atob', 'btoa',
];
const ALLOWED_HOST_OBJECTS = new Set(['TextDecoder']);
const ECMASCRIPT_CONSTRUCTORS = new Set([
  'Array', 'ArrayBuffer', 'DataView', 'Date', 'Error', 'Map', 'Object', 'Promise', 'RangeError', 'RegExp', 'Set',
  'TypeError', 'WeakMap', 'WeakSet', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);

/** Source with comments, strings and template literals blanked out. */
function codeOnly(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/`(?:\\[\s\S]|\$\{[^}]*\}|[^`\\])*`/g, '``')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""');
}

/** What a codec file must not do, as readable complaints. */
function impurities(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/\b(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/g)) {
    if (!m[1]!.startsWith('./')) out.push(`imports ${m[1]}`);
  }
  for (const m of src.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) out.push(`imports ${m[1]} for its side effects`);
  const code = codeOnly(src);
  if (/\bimport\s*\(/.test(code)) out.push('uses dynamic import()');
  for (const name of RUNTIME_GLOBALS) {
    // A property access (x.process) or an object key is not the global.
    const re = new RegExp(`(?<![.\\w$#])${name}\\b(?!\\s*:(?!:))`);
    if (re.test(code)) out.push(`uses the runtime global ${name}`);
  }
  for (const m of code.matchAll(/\bnew\s+([A-Z]\w*)/g)) {
    const ctor = m[1]!;
    const local = new RegExp(`\\bclass\\s+${ctor}\\b|\\bimport\\b[^;]*\\b${ctor}\\b`).test(code);
    if (!ECMASCRIPT_CONSTRUCTORS.has(ctor) && !ALLOWED_HOST_OBJECTS.has(ctor) && !local) {
      out.push(`constructs the host object ${ctor}`);
    }
  }
  return out;
}

describe('src/codec is pure', () => {
  const files = readdirSync(CODEC).filter((f) => f.endsWith('.ts'));

  it('has the files DESIGN.md lays out', () => {
    for (const f of ['events.ts', 'errors.ts', 'chars.ts', 'decoder.ts', 'encoder.ts', 'index.ts']) expect(files).toContain(f);
  });

  for (const f of files) {
    it(`${f} imports only codec files and uses no runtime global`, () => {
      expect(impurities(readFileSync(new URL(f, CODEC), 'utf8'))).toEqual([]);
    });
  }

  it('the check catches what it is there to catch', () => {
    const bad = [
      "import { Socket } from 'node:net';",
      "import fs from 'fs';",
      "export { x } from '../adapters/net.ts';",
      'const t = setTimeout(() => {}, 1);',
      'const b = Buffer.from(x);',
      'if (process.env.X) {}',
      'await Deno.connect({ port: 1 });',
      'const r = new ReadableStream();',
      'const m = await import("x");',
      'globalThis.foo = 1;',
      'const w = new Worker("x");',
    ];
    for (const src of bad) expect({ src, found: impurities(src).length > 0 }).toEqual({ src, found: true });
    const fine = [
      "import { TCHAR } from './chars.ts';",
      '// process.env is not used here',
      "const s = 'setTimeout';",
      'const d = new TextDecoder();',
      'const a = new Uint8Array(4); const e = new Error("x"); const m = new Map();',
      'this.#buf.process(1); const o = { process: 1 };',
    ];
    for (const src of fine) expect({ src, found: impurities(src) }).toEqual({ src, found: [] });
  });
});
