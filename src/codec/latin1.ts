// Byte strings: one UTF-16 code unit per octet. Never TextDecoder('latin1'):
// the Encoding standard maps that label to windows-1252, which rewrites 0x80–0x9F.

const UTF8 = new TextDecoder();

/**
 * Decode `bytes[start, end)` to a byte string. `ascii` says the caller's
 * validation pass saw no byte >= 0x80; then UTF-8 decoding gives the identical
 * string in one native call. Otherwise the bytes are mapped one to one.
 */
export function byteString(bytes: Uint8Array, start: number, end: number, ascii: boolean): string {
  if (ascii) return UTF8.decode(bytes.subarray(start, end));
  let out = '';
  // Bounded pieces keep the argument count of fromCharCode.apply far below engine limits.
  for (let i = start; i < end; i += 4096) {
    const stop = Math.min(end, i + 4096);
    out += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
  }
  return out;
}

/** Trim OWS (SP / HTAB) from both ends. Not `String#trim`, which also eats 0xA0 (obs-text). */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isOws(s.charCodeAt(a))) a++;
  while (b > a && isOws(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
