import { HeadDecoder, parseWhole } from './decoder.ts';
import type { HeadEvent, HeadKind } from './events.ts';
import type { DecoderOptions } from './options.ts';

// One decoder per kind for calls without options: a one-shot decode leaves it
// reset (and holding no reference to the input), so it can be reused and the
// per-call cost is the scan and the strings, not a decoder's construction.
let requestDecoder: HeadDecoder | null = null;
let responseDecoder: HeadDecoder | null = null;

/** The decoder a one-shot call runs on: a cached one when there are no options. */
export function oneShotDecoder(kind: HeadKind, options: DecoderOptions | undefined): HeadDecoder {
  if (options !== undefined) return new HeadDecoder(kind, options);
  if (kind === 'request') return (requestDecoder ??= new HeadDecoder(kind));
  if (kind === 'response') return (responseDecoder ??= new HeadDecoder(kind));
  return new HeadDecoder(kind); // throws EINVAL for the bad kind
}

/**
 * One-shot decode of a whole head: its events (start line, fields, `done`),
 * or `null` when `bytes` end before the blank line. Bytes after the head are
 * ignored; use `HeadDecoder` to get them back. Throws `HttpError`.
 *
 * The events and errors are exactly those of a `HeadDecoder` fed `bytes` in
 * one `receive()`; only the chunk queue is skipped.
 *
 * @example
 * ```ts
 * const events = parseHead('response', bytes);
 * // [{type:'status',code:200,reason:'OK',version:'1.1'}, {type:'field',...}, {type:'done'}]
 * ```
 */
export function parseHead(kind: HeadKind, bytes: Uint8Array, options?: DecoderOptions): HeadEvent[] | null {
  return parseWhole(oneShotDecoder(kind, options), bytes);
}
