import { HttpError } from './errors.ts';

// Byte strings: one UTF-16 code unit per octet. Never TextDecoder('latin1'):
// the Encoding standard maps that label to windows-1252, which rewrites 0x80–0x9F.

const UTF8 = new TextDecoder();

/**
 * Decodes `bytes[start, end)` to a byte string (one UTF-16 code unit per octet).
 *
 * @example
 * ```ts
 * const portable: ByteStringDecoder = (b, start, end) => String.fromCharCode(...b.subarray(start, end));
 * setByteStringDecoder(portable); // checked: it must map 0x80-0xFF one to one
 * ```
 */
export type ByteStringDecoder = (bytes: Uint8Array, start: number, end: number) => string;

let injected: ByteStringDecoder | null = null;

/**
 * Install a faster byte-string decoder, or `null` to go back to the portable
 * one (TextDecoder for ASCII spans, `String.fromCharCode` otherwise). The
 * codec imports nothing from a runtime, so an entry point passes one in: the
 * package root installs `Buffer#latin1Slice` when the global object has
 * Buffer (Node, Bun), one native call for any span, obs-text included. The
 * decoder is checked on obs-text before it is used; a wrong one is `EINVAL`.
 *
 * @example
 * ```ts
 * setByteStringDecoder((b, s, e) => Buffer.prototype.latin1Slice.call(b, s, e)); // what the root entry does on Node
 * ```
 */
export function setByteStringDecoder(decoder: ByteStringDecoder | null): void {
  if (decoder !== null) {
    const probe = new Uint8Array([0x7a, 0x41, 0x80, 0x9f, 0xe9, 0xff, 0x0d]);
    let got: unknown;
    try {
      got = typeof decoder === 'function' ? decoder(probe, 1, 6) : undefined;
    } catch {
      got = undefined;
    }
    if (got !== 'A\x80\x9f\xe9\xff') {
      throw new HttpError('EINVAL', 'setByteStringDecoder: the decoder must map each byte to one UTF-16 code unit', {
        rule: 'decoder',
      });
    }
  }
  injected = decoder;
}

/**
 * Decode `bytes[start, end)` to a byte string. `ascii` says the caller's
 * validation pass saw no byte >= 0x80; then UTF-8 decoding gives the identical
 * string in one native call. Otherwise the bytes are mapped one to one.
 */
export function byteString(bytes: Uint8Array, start: number, end: number, ascii: boolean): string {
  if (injected !== null) return injected(bytes, start, end);
  if (ascii) return UTF8.decode(bytes.subarray(start, end));
  let out = '';
  // Bounded pieces keep the argument count of fromCharCode.apply far below engine limits.
  for (let i = start; i < end; i += 4096) {
    const stop = Math.min(end, i + 4096);
    out += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
  }
  return out;
}

/**
 * Writes the byte string `s` (every code unit 0x00–0xFF, checked by the
 * caller) into `out` from index `at`, one byte per code unit; `out` has room.
 */
export type ByteStringWriter = (s: string, out: Uint8Array, at: number) => void;

let injectedWriter: ByteStringWriter | null = null;

/**
 * Install a faster byte-string writer for `encodeHead` and the long strings
 * of HeadEncoder's commands, or `null` for the portable loop. Internal (not
 * exported from the package): the package root installs `Buffer#latin1Write`
 * when the global object has Buffer, but not on Deno (one native call, which
 * also flattens a string built by `+`). It is checked on obs-text before it is
 * used; a wrong one is `EINVAL`.
 */
export function setByteStringEncoder(writer: ByteStringWriter | null): void {
  if (writer !== null) {
    const probe = new Uint8Array(7);
    try {
      if (typeof writer === 'function') writer('A\x80\x9f\xe9\xff', probe, 1);
    } catch {
      probe.fill(0);
    }
    const want = [0, 0x41, 0x80, 0x9f, 0xe9, 0xff, 0];
    if (want.some((b, i) => probe[i] !== b)) {
      throw new HttpError('EINVAL', 'setByteStringEncoder: the encoder must map each code unit to one byte', { rule: 'encoder' });
    }
  }
  injectedWriter = writer;
}

/** The injected writer, or null (then each caller copies with a loop). */
export function byteStringWriter(): ByteStringWriter | null {
  return injectedWriter;
}

// encodeHead's arrays are views of a shared pool, as Node's Buffer.from() hands
// out small strings: a new Uint8Array of a few hundred bytes costs several
// times more than the write (it zeroes memory and makes a new ArrayBuffer).
// Each view has bytes of its own; only its .buffer is shared (and kept alive by
// any one view of it). 32 KiB measured about 3% faster than 16 KiB per head of
// 453 bytes; larger pools gained no more.
const POOL_SIZE = 32 * 1024;
const POOLED_MAX = POOL_SIZE >>> 3;
let pool = new Uint8Array(0);
let poolBuffer: ArrayBufferLike = pool.buffer;
/** pool[0, poolUsed) is handed out. */
let poolUsed = 0;

/** The bytes of the byte string `s` (every code unit 0x00–0xFF, checked by the caller), in an array of their own. */
export function encodeByteString(s: string): Uint8Array {
  const n = s.length;
  let out: Uint8Array;
  let at = 0;
  if (n > POOLED_MAX) {
    out = new Uint8Array(n);
  } else {
    // A pool that was transferred (detached) has length 0: a new one is made.
    if (poolUsed + n > pool.length) {
      pool = new Uint8Array(POOL_SIZE);
      poolBuffer = pool.buffer;
      poolUsed = 0;
    }
    out = pool;
    at = poolUsed;
    poolUsed += n;
  }
  if (injectedWriter !== null) injectedWriter(s, out, at);
  else for (let i = 0; i < n; i++) out[at + i] = s.charCodeAt(i);
  return out === pool ? new Uint8Array(poolBuffer, at, n) : out;
}

// trimOws lives with the other byte rules; re-exported for the adapters that import it from here.
export { trimOws } from './chars.ts';
