/** The HTTP versions headwire speaks. Anything else on the wire is `EPROTO`. */
export type HttpVersion = '1.0' | '1.1';

/** A request line: `method SP request-target SP HTTP-version`. */
export interface RequestEvent {
  type: 'request';
  method: string;
  target: string;
  version: HttpVersion;
}

/** A status line: `HTTP-version SP status-code SP reason-phrase`. */
export interface StatusEvent {
  type: 'status';
  code: number;
  reason: string;
  version: HttpVersion;
}

/** One field line. Names keep their case; values have OWS trimmed. */
export interface FieldEvent {
  type: 'field';
  name: string;
  value: string;
}

/** The blank line that ends the head. */
export interface DoneEvent {
  type: 'done';
}

/**
 * What the decoder yields, in wire order: one `request` or `status`, the
 * fields, then `done`. Every string is a byte string (one UTF-16 code unit per
 * octet), so obs-text (0x80–0xFF) round-trips exactly.
 */
export type HeadEvent = RequestEvent | StatusEvent | FieldEvent | DoneEvent;

/**
 * Returned by `HeadDecoder.next()` when it needs more bytes. Incomplete input is
 * a value, not an error (httparse's `Status::Partial`, h11's `NEED_DATA`).
 *
 * @example
 * ```ts
 * const ev = decoder.next();
 * if (ev === NEED_DATA) decoder.receive(await readMore());
 * ```
 */
export const NEED_DATA: unique symbol = Symbol.for('headwire.NEED_DATA');
export type NeedData = typeof NEED_DATA;

/** Which side of a head the decoder reads. */
export type HeadKind = 'request' | 'response';

/**
 * The start line a head of kind `K` begins with: a `RequestEvent` for
 * `'request'`, a `StatusEvent` for `'response'`, either for `HeadKind`.
 *
 * @example
 * ```ts
 * const start: StartEventOf<'request'> = { type: 'request', method: 'GET', target: '/', version: '1.1' };
 * ```
 */
export type StartEventOf<K extends HeadKind> = K extends 'request' ? RequestEvent : K extends 'response' ? StatusEvent : never;

/**
 * The events of a head of kind `K`: what `HeadDecoder<K>.next()` yields.
 *
 * @example
 * ```ts
 * function log(ev: HeadEventOf<'response'>): void {
 *   if (ev.type === 'status') console.log(ev.code, ev.reason); // no 'request' case to handle
 * }
 * ```
 */
export type HeadEventOf<K extends HeadKind> = StartEventOf<K> | FieldEvent | DoneEvent;

/**
 * A whole head of kind `K`, as `parseHead` returns it: the start line, the
 * fields in wire order, then `done`.
 *
 * @example
 * ```ts
 * const head: ParsedHead<'request'> | null = parseHead('request', bytes);
 * if (head) {
 *   const [start, ...rest] = head;
 *   console.log(start.method, start.target, rest.length - 1); // fields, then done
 * }
 * ```
 */
export type ParsedHead<K extends HeadKind> = [StartEventOf<K>, ...FieldEvent[], DoneEvent];

/**
 * Body bytes: a view of bytes passed to `BodyDecoder.receive()`, never a copy
 * and never empty. It stays valid as long as the caller leaves those bytes alone.
 */
export interface DataEvent {
  type: 'data';
  bytes: Uint8Array;
}

/** One trailer field line of a chunked body (names keep their case; values have OWS trimmed). */
export interface TrailerEvent {
  type: 'trailer';
  name: string;
  value: string;
}

/** The body is complete; `BodyDecoder.rest()` holds the bytes after it. */
export interface EndEvent {
  type: 'end';
}

/**
 * What `BodyDecoder` yields, in wire order: `data` events, then (chunked only)
 * `trailer` events, then one `end`.
 */
export type BodyEvent = DataEvent | TrailerEvent | EndEvent;
