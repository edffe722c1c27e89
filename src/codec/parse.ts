import { HeadDecoder } from './decoder.ts';
import { type HeadEvent, type HeadKind, NEED_DATA } from './events.ts';
import type { DecoderOptions } from './options.ts';

/**
 * One-shot decode of a whole head: its events (start line, fields, `done`),
 * or `null` when `bytes` end before the blank line. Bytes after the head are
 * ignored; use `HeadDecoder` to get them back. Throws `HttpError`.
 *
 * @example
 * ```ts
 * const events = parseHead('response', bytes);
 * // [{type:'status',code:200,reason:'OK',version:'1.1'}, {type:'field',...}, {type:'done'}]
 * ```
 */
export function parseHead(kind: HeadKind, bytes: Uint8Array, options?: DecoderOptions): HeadEvent[] | null {
  const d = new HeadDecoder(kind, options);
  d.receive(bytes);
  const events: HeadEvent[] = [];
  for (;;) {
    const ev = d.next();
    if (ev === NEED_DATA) return null;
    events.push(ev);
    if (ev.type === 'done') return events;
  }
}
