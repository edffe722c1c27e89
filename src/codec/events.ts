/**
 * The HTTP versions headwire speaks. Anything else on the wire is `EPROTO`.
 *
 * @example
 * ```ts
 * const version: HttpVersion = '1.0';
 * encodeHead({ code: 200, version }, [['Connection', 'keep-alive']]); // "HTTP/1.0 200 OK\r\n..."
 * ```
 */
export type HttpVersion = '1.0' | '1.1';

/**
 * A request line: `method SP request-target SP HTTP-version`.
 *
 * @example
 * ```ts
 * const start: RequestEvent | undefined = parseHead('request', bytes)?.[0];
 * if (start) console.log(start.method, start.target, start.version); // GET /index.html 1.1
 * ```
 */
export interface RequestEvent {
  /** Tells a request line from the other events. */
  type: 'request';
  /** The method token as sent, case kept (`GET`, `POST`, ...). */
  method: string;
  /** The request target as sent: origin form (`/a?b`), absolute form, authority form or `*`. */
  target: string;
  /** The HTTP version of the request line. */
  version: HttpVersion;
}

/**
 * A status line: `HTTP-version SP status-code SP reason-phrase`. The reason
 * phrase is kept exactly as received (it may be empty).
 *
 * @example
 * ```ts
 * const start: StatusEvent | undefined = parseHead('response', bytes)?.[0];
 * if (start && start.code >= 300 && start.code < 400) console.log('redirect', start.reason);
 * ```
 */
export interface StatusEvent {
  /** Tells a status line from the other events. */
  type: 'status';
  /** The status code, 100-599. */
  code: number;
  /** The reason phrase, exactly as sent (a byte string; may be empty). */
  reason: string;
  /** The HTTP version of the status line. */
  version: HttpVersion;
}

/**
 * One field line. Names keep their case; values have OWS trimmed. Order and
 * duplicates are kept.
 *
 * @example
 * ```ts
 * const host = fields.find((f: FieldEvent) => f.name.toLowerCase() === 'host')?.value;
 * ```
 */
export interface FieldEvent {
  /** Tells a field line from the other events. */
  type: 'field';
  /** The field name as sent, case kept. */
  name: string;
  /** The field value without leading and trailing SP/HTAB (a byte string; obs-text kept). */
  value: string;
}

/**
 * The blank line that ends the head. What follows it is `HeadDecoder.rest()`.
 *
 * @example
 * ```ts
 * const isDone = (ev: HeadEvent): ev is DoneEvent => ev.type === 'done';
 * for (let ev = decoder.next(); ev !== NEED_DATA; ev = decoder.next()) {
 *   if (isDone(ev)) console.log('body starts with', decoder.rest());
 * }
 * ```
 */
export interface DoneEvent {
  /** Tells the end of the head from the other events. */
  type: 'done';
}

/**
 * What the decoder yields, in wire order: one `request` or `status`, the
 * fields, then `done`. Every string is a byte string (one UTF-16 code unit per
 * octet), so obs-text (0x80–0xFF) round-trips exactly.
 *
 * @example
 * ```ts
 * function show(ev: HeadEvent): string {
 *   switch (ev.type) {
 *     case 'request':
 *       return `${ev.method} ${ev.target}`;
 *     case 'status':
 *       return `${ev.code} ${ev.reason}`;
 *     case 'field':
 *       return `${ev.name}: ${ev.value}`;
 *     case 'done':
 *       return '(end of head)';
 *   }
 * }
 * ```
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

/**
 * The type of {@link NEED_DATA}.
 *
 * @example
 * ```ts
 * async function nextEvent(d: HeadDecoder, more: () => Promise<Uint8Array>): Promise<HeadEvent> {
 *   let ev: HeadEvent | NeedData;
 *   while ((ev = d.next()) === NEED_DATA) d.receive(await more());
 *   return ev;
 * }
 * ```
 */
export type NeedData = typeof NEED_DATA;

/**
 * Which side of a head the decoder reads: a request (from a client) or a
 * response (from a server).
 *
 * @example
 * ```ts
 * const kindFor = (role: 'server' | 'client'): HeadKind => (role === 'server' ? 'request' : 'response');
 * const d = new HeadDecoder(kindFor('client'));
 * ```
 */
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
 *
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * const b = new BodyDecoder({ type: 'length', length: 5 });
 * b.receive(new TextEncoder().encode('hello'));
 * for (let ev = b.next(); ev !== NEED_DATA && ev.type !== 'end'; ev = b.next()) {
 *   if (ev.type === 'data') parts.push(ev.bytes.slice()); // copy if the input buffer will be reused
 * }
 * ```
 */
export interface DataEvent {
  /** Tells body bytes from the other body events. */
  type: 'data';
  /** The bytes: a view of received bytes, never empty. */
  bytes: Uint8Array;
}

/**
 * One trailer field line of a chunked body (names keep their case; values have OWS trimmed).
 *
 * @example
 * ```ts
 * const b = new BodyDecoder({ type: 'chunked' });
 * b.receive(new TextEncoder().encode('0\r\nDigest: sha-256=abc\r\n\r\n'));
 * const trailers: TrailerEvent[] = [];
 * for (let ev = b.next(); ev !== NEED_DATA && ev.type !== 'end'; ev = b.next()) if (ev.type === 'trailer') trailers.push(ev);
 * ```
 */
export interface TrailerEvent {
  /** Tells a trailer field from the other body events. */
  type: 'trailer';
  /** The trailer field name as sent, case kept. */
  name: string;
  /** The trailer field value without leading and trailing SP/HTAB. */
  value: string;
}

/**
 * The body is complete; `BodyDecoder.rest()` holds the bytes after it.
 *
 * @example
 * ```ts
 * const b = new BodyDecoder({ type: 'length', length: 2 });
 * b.receive(new TextEncoder().encode('okGET / HTTP/1.1\r\n\r\n'));
 * b.next(); // {type:'data', bytes: "ok"}
 * const end = b.next() as EndEvent; // {type:'end'}
 * const next = new HeadDecoder('request');
 * next.receive(b.rest()); // the pipelined request after the body
 * ```
 */
export interface EndEvent {
  /** Tells the end of the body from the other body events. */
  type: 'end';
}

/**
 * What `BodyDecoder` yields, in wire order: `data` events, then (chunked only)
 * `trailer` events, then one `end`.
 *
 * @example
 * ```ts
 * function onBody(ev: BodyEvent): void {
 *   if (ev.type === 'data') console.log(ev.bytes.length, 'bytes');
 *   else if (ev.type === 'trailer') console.log('trailer', ev.name, ev.value);
 *   else console.log('end of body');
 * }
 * ```
 */
export type BodyEvent = DataEvent | TrailerEvent | EndEvent;
