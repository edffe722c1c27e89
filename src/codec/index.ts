/**
 * `headwire/codec`: the sans-I/O codec alone, with no adapter: heads
 * (`HeadDecoder`, `parseHead`, `scanHead`, `HeadEncoder`, `encodeHead`),
 * bodies (`framing`, `keepAlive`, `BodyDecoder`, `BodyEncoder`) and errors
 * (`HttpError`, `RULES`). Pure and synchronous: no I/O, no timers, nothing
 * runtime-specific, so it runs anywhere JavaScript does. Unlike the package
 * root it leaves the byte-string decoder as it finds it (see
 * `setByteStringDecoder`). Everything here is in the package root too.
 *
 * @example
 * ```ts
 * // HeadDecoder, BodyDecoder, NEED_DATA and framing, from 'headwire/codec':
 * const d = new HeadDecoder('request');
 * d.receive(new TextEncoder().encode('POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi'));
 * const fields = [];
 * for (let ev = d.next(); ev !== NEED_DATA && ev.type !== 'done'; ev = d.next()) if (ev.type === 'field') fields.push(ev);
 * const body = new BodyDecoder(framing('request', fields, { version: '1.1' }));
 * body.receive(d.rest()); // then body.next(): {type:'data', bytes: "hi"}, {type:'end'}
 * ```
 *
 * @module headwire/codec
 */
export { HeadDecoder } from './decoder.ts';
export { type EncoderState, HeadEncoder, type HeadStart, encodeHead } from './encoder.ts';
export { RULES, type Rule } from './rules.ts';
export { type ErrorCode, HttpError, type HttpErrorDetails, type StatusHint, escapeBytes, escapeByteString } from './errors.ts';
export {
  type BodyEvent,
  type DataEvent,
  type DoneEvent,
  type EndEvent,
  type FieldEvent,
  type HeadEvent,
  type HeadEventOf,
  type HeadKind,
  type HttpVersion,
  NEED_DATA,
  type NeedData,
  type ParsedHead,
  type RequestEvent,
  type StartEventOf,
  type StatusEvent,
  type TrailerEvent,
} from './events.ts';
export { DEFAULT_MAX_FIELDS, DEFAULT_MAX_HEAD_SIZE, type DecoderOptions } from './options.ts';
export { type ByteStringDecoder, setByteStringDecoder } from './latin1.ts';
export { parseHead } from './parse.ts';
export { scanHead, spanArrayLength } from './spans.ts';
export { type Framing, type FramingContext, type FramingContextOf, framing, keepAlive } from './framing.ts';
export { BodyDecoder } from './body.ts';
export { BodyEncoder } from './body-encoder.ts';
export {
  type BodyDecoderOptions,
  DEFAULT_MAX_CHUNK_EXTENSIONS,
  DEFAULT_MAX_TRAILER_FIELDS,
  DEFAULT_MAX_TRAILER_SIZE,
} from './body-options.ts';
