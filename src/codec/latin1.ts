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

/** Encodes a byte string (every code unit 0x00–0xFF, checked by the caller) to a new array, one byte per code unit. */
export type ByteStringEncoder = (s: string) => Uint8Array;

let injectedEncoder: ByteStringEncoder | null = null;

/**
 * Install a faster byte-string encoder for `encodeHead`, or `null` for the
 * portable loop. Internal (not exported from the package): the package root
 * installs one built on `Buffer.from(s, 'latin1')` when the global object has
 * Buffer. It is checked on obs-text before it is used; a wrong one is `EINVAL`.
 */
export function setByteStringEncoder(encoder: ByteStringEncoder | null): void {
  if (encoder !== null) {
    let got: unknown;
    try {
      got = typeof encoder === 'function' ? encoder('A\x80\x9f\xe9\xff') : undefined;
    } catch {
      got = undefined;
    }
    const want = [0x41, 0x80, 0x9f, 0xe9, 0xff];
    if (!(got instanceof Uint8Array) || got.length !== want.length || want.some((b, i) => got[i] !== b)) {
      throw new HttpError('EINVAL', 'setByteStringEncoder: the encoder must map each code unit to one byte', { rule: 'encoder' });
    }
  }
  injectedEncoder = encoder;
}

/** The bytes of the byte string `s` (every code unit 0x00–0xFF, checked by the caller), in a new array. */
export function encodeByteString(s: string): Uint8Array {
  if (injectedEncoder !== null) return injectedEncoder(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// trimOws lives with the other byte rules; re-exported for the adapters that import it from here.
export { trimOws } from './chars.ts';
