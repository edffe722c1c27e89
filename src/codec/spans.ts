import { HttpError } from './errors.ts';
import type { HeadKind } from './events.ts';
import { DEFAULT_MAX_FIELDS, type DecoderOptions } from './options.ts';
import { oneShotMachine } from './parse.ts';
import { SPAN_FIELD, SPAN_HEADER } from './records.ts';

/**
 * Zero-copy decode of a whole head into spans: offsets into `bytes`, no strings,
 * no allocation per call (without options). The grammar, the strictness and the
 * errors are parseHead's — it is the same scanner, only the last step differs:
 * the scanner's records are written to `out` instead of becoming strings.
 *
 * Returns the head's length in bytes (the offset just past the blank line), or
 * -1 when `bytes` end before the blank line (parseHead's `null`). Throws the
 * `HttpError` parseHead throws on the same bytes and options (same code, rule,
 * offset); `out` is then unspecified.
 *
 * The layout of `out` (every offset is an index into `bytes`; ends are exclusive):
 *
 * | index | request | response |
 * |---|---|---|
 * | `0` | field count `n` | field count `n` |
 * | `1` | minor version: 0 (HTTP/1.0) or 1 (HTTP/1.1) | the same |
 * | `2`, `3` | method start, end | status code, 0 |
 * | `4`, `5` | request-target start, end | reason start, end (equal when empty) |
 * | `6 + 4i` … `9 + 4i` | field i: name start, name end, value start, value end | the same |
 *
 * The value span has OWS trimmed at both ends, like parseHead's strings.
 *
 * **Sizing `out`**: it must hold the most fields the options allow, `6 + 4 *
 * maxFields` ints (406 with the default 100; {@link spanArrayLength} computes
 * it), or scanHead throws `EINVAL` (rule `out`) before looking at a byte. The
 * check is up front, not when field n+1 arrives, so the verdict on a head never
 * depends on the array a caller passed: a head with too many fields is always
 * parseHead's `EMSGSIZE` `too-many-fields`. A reused array costs nothing per call.
 *
 * **obs-fold** (`obsFold: 'replace'`, the default for responses): a folded value
 * is not one contiguous span, so its value end is stored complemented (`~end`,
 * a negative number) as a mark. Its raw bytes are `bytes[start, ~end)`: from the
 * first value byte through the end of the last continuation line, line breaks
 * included. To get parseHead's value, replace each line break (CRLF, or LF with
 * `lenient.lfOnly`) and the SP/HTAB after it with one SP, then trim SP/HTAB at
 * both ends. Marking was chosen over rejecting so that scanHead accepts exactly
 * what parseHead accepts, and over copying so that it stays allocation-free;
 * folds are rare (RFC 9112 §5.2 deprecates them), so the cost lands on the
 * caller only when one occurs. A non-negative value end is never folded.
 *
 * @example
 * ```ts
 * const out = new Int32Array(spanArrayLength()); // reuse it across calls
 * const len = scanHead('request', bytes, out);
 * if (len >= 0) {
 *   for (let i = 0, at = 6; i < out[0]; i++, at += 4) {
 *     const name = bytes.subarray(out[at], out[at + 1]);
 *     const end = out[at + 3];
 *     const value = bytes.subarray(out[at + 2], end < 0 ? ~end : end); // unfold when end < 0
 *   }
 *   const body = bytes.subarray(len);
 * }
 * ```
 */
export function scanHead(kind: HeadKind, bytes: Uint8Array, out: Int32Array, options?: DecoderOptions): number {
  const m = oneShotMachine(kind, options);
  const need = spanArrayLength(m.options.maxFields);
  if (!(out instanceof Int32Array) || out.length < need) {
    throw new HttpError('EINVAL', `scanHead needs an Int32Array of at least ${need} ints (6 + 4 * maxFields)`, { rule: 'out' });
  }
  m.load(bytes);
  try {
    if (!m.drive()) return -1;
    m.records.spans(out);
    return m.input.base + m.input.pos;
  } finally {
    m.release();
  }
}

/**
 * The length of an `out` array that scanHead accepts for `maxFields` fields:
 * `6 + 4 * maxFields`.
 *
 * @example
 * ```ts
 * const out = new Int32Array(spanArrayLength(200)); // with { maxFields: 200 }
 * ```
 */
export function spanArrayLength(maxFields: number = DEFAULT_MAX_FIELDS): number {
  return SPAN_HEADER + SPAN_FIELD * maxFields;
}
