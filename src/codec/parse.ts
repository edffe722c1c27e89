import { HeadMachine } from './decoder.ts';
import { type HeadEvent, type HeadKind, NEED_DATA, type ParsedHead } from './events.ts';
import type { DecoderOptions } from './options.ts';

// One machine per kind for calls without options: a one-shot decode leaves it
// holding no reference to the input, so it can be reused and the per-call
// cost is the scan and the strings, not a decoder's construction.
let requestMachine: HeadMachine | null = null;
let responseMachine: HeadMachine | null = null;

/** The machine a one-shot call runs on: a cached one when there are no options. */
export function oneShotMachine(kind: HeadKind, options: DecoderOptions | undefined): HeadMachine {
  if (options !== undefined) return new HeadMachine(kind, options);
  if (kind === 'request') return (requestMachine ??= new HeadMachine(kind));
  if (kind === 'response') return (responseMachine ??= new HeadMachine(kind));
  return new HeadMachine(kind); // throws EINVAL for the bad kind
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
 * const head = parseHead('request', bytes);
 * if (head) console.log(head[0].method, head[0].target); // typed by kind: a RequestEvent first
 * ```
 */
export function parseHead<K extends HeadKind>(kind: K, bytes: Uint8Array, options?: DecoderOptions): ParsedHead<K> | null;
export function parseHead(kind: HeadKind, bytes: Uint8Array, options?: DecoderOptions): HeadEvent[] | null {
  const m = oneShotMachine(kind, options);
  m.load(bytes);
  try {
    if (m.input.queue.empty) {
      // The whole input sits in the work area (the common case): scan to the end
      // of the head first, then make every event from the records in one go.
      // (Bytes pulled in later could move the work area under the records.)
      if (!m.drive()) return null;
      m.records.decode(m.input.u8, m.input.base);
      const all = m.records.allEvents(m.scanner.fields);
      if (all !== null) return all;
      const events: HeadEvent[] = [];
      for (;;) {
        const ev = m.records.event();
        if (ev === null) continue;
        events.push(ev);
        if (ev.type === 'done') return events;
      }
    }
    const events: HeadEvent[] = [];
    for (;;) {
      const ev = m.next();
      if (ev === NEED_DATA) return null;
      events.push(ev);
      if (ev.type === 'done') return events;
    }
  } finally {
    m.release();
  }
}
