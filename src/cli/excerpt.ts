/**
 * The offending line of an input, escaped and cut to a readable width around
 * one byte, with a caret under that byte:
 *
 * ```
 *   line 1: "\x16\x03\x01\x00\xf4\x01\x00\x00\xf0\x03\x03\xab\xab\xab…"
 *            ^
 * ```
 */
import { escapeBytes } from '../codec/index.ts';

/** Escaped characters shown on each side of the byte, at most. */
const SIDE = 36;

/**
 * Two lines: the line holding the byte at `offset`, escaped, in quotes, cut
 * with `…` past {@link SIDE} characters each side; then a caret under the byte.
 */
export function excerpt(bytes: Uint8Array, offset: number): string {
  const at = Math.min(Math.max(offset, 0), bytes.length);
  // At the end of the input (an incomplete head) show the last line, the caret past it.
  const probe = at === bytes.length && at > 0 ? at - 1 : at;
  let lineStart = probe;
  while (lineStart > 0 && bytes[lineStart - 1] !== 0x0a) lineStart--;
  let lineEnd = probe;
  while (lineEnd < bytes.length && bytes[lineEnd] !== 0x0a) lineEnd++;
  if (lineEnd < bytes.length) lineEnd++; // the LF ends the line it belongs to
  let lineNo = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) lineNo++;

  let before = '';
  let from = at;
  while (from > lineStart && before.length < SIDE) {
    from--;
    before = escapeBytes(bytes, from, from + 1) + before;
  }
  let after = '';
  let to = at;
  while (to < lineEnd && after.length < SIDE) {
    after += escapeBytes(bytes, to, to + 1);
    to++;
  }
  const open = from > lineStart ? '"…' : '"';
  const close = to < lineEnd ? '…"' : '"';
  const label = `  line ${lineNo}: `;
  const caret = ' '.repeat(label.length + open.length + before.length);
  return `${label}${open}${before}${after}${close}\n${caret}^`;
}
