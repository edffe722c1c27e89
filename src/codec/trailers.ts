// The trailer section of a chunked body (RFC 9112 §7.1.2):
//
//   trailer-section = *( field-line CRLF )
//   (then the CRLF that ends the chunked body)
//
// That is exactly what follows a start line in a head, so the head's own
// decoder reads it: one home for the field-line grammar (token names, value
// octets, OWS trimming, bare CR / bare LF, obs-fold), one scanner, the same
// chunk invariance. It is given a fixed request line first and sees the
// trailer bytes as the rest of that head; offsets, rules and limits are then
// translated back to the body's. obs-fold is always rejected (RFC 9112 §5.2
// allows it in no trailer), whatever the message's kind.
import { HeadDecoder } from './decoder.ts';
import type { ResolvedBodyOptions } from './body-options.ts';
import { HttpError } from './errors.ts';
import { type EndEvent, NEED_DATA, type NeedData, type TrailerEvent } from './events.ts';

/** The start line the trailer section is read after; never seen by anyone. */
const PREFIX = new Uint8Array([0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a]); // "GET / HTTP/1.1\r\n"

/**
 * The trailer section, from its first byte (body offset `at`) through the
 * final blank line, as `trailer` events and one `end`.
 *
 * Internal; for example:
 * ```ts
 * const t = new TrailerSection(12, resolveBodyOptions());
 * t.receive(new TextEncoder().encode('Digest: x\r\n\r\nNEXT'));
 * t.next(); // { type: 'trailer', name: 'Digest', value: 'x' }
 * t.next(); // { type: 'end' }
 * t.rest(); // "NEXT"
 * ```
 */
export class TrailerSection {
  readonly #d: HeadDecoder;
  /** Added to the head decoder's offsets to make them body offsets. */
  readonly #shift: number;
  readonly #o: ResolvedBodyOptions;

  constructor(at: number, options: ResolvedBodyOptions) {
    this.#o = options;
    this.#shift = at - PREFIX.length;
    this.#d = new HeadDecoder('request', {
      obsFold: 'reject',
      lenient: { lfOnly: options.lfOnly },
      maxHeadSize: PREFIX.length + options.maxTrailerSize,
      maxFields: options.maxTrailerFields,
    });
    this.#d.receive(PREFIX);
    this.#d.next(); // the request event of PREFIX
  }

  receive(bytes: Uint8Array): void {
    this.#d.receive(bytes);
  }

  end(): void {
    this.#d.end();
  }

  /** The next trailer field, `end` after the blank line, or NEED_DATA. Throws HttpError with body offsets. */
  next(): TrailerEvent | EndEvent | NeedData {
    let ev;
    try {
      ev = this.#d.next();
    } catch (e) {
      throw e instanceof HttpError ? this.#translate(e) : e;
    }
    if (ev === NEED_DATA) return ev;
    if (ev.type === 'field') return { type: 'trailer', name: ev.name, value: ev.value };
    return { type: 'end' }; // 'done': the only other event after the start line
  }

  /** After `end`: the bytes received past the blank line. */
  rest(): Uint8Array {
    return this.#d.rest();
  }

  /** The head decoder's error, with the body's offset, and the trailer's rule and message for a limit. */
  #translate(e: HttpError): HttpError {
    if (e.offset === undefined) return e;
    const offset = e.offset + this.#shift;
    const details = { offset, rule: e.rule, statusHint: e.statusHint };
    let message: string;
    if (e.rule === 'head-too-large') {
      details.rule = 'trailer-too-large';
      message = `Trailer section longer than ${this.#o.maxTrailerSize} bytes (maxTrailerSize) at offset ${offset}`;
    } else if (e.rule === 'too-many-fields') {
      details.rule = 'too-many-trailers';
      message = `More than ${this.#o.maxTrailerFields} trailer fields (maxTrailerFields) at offset ${offset}`;
    } else if (e.rule === 'eof') {
      message = `Connection closed in the trailer section at offset ${offset}`;
    } else {
      // A first trailer line starting with whitespace would continue the
      // last-chunk line: an obs-fold, like every later one.
      if (e.rule === 'whitespace-after-start-line') details.rule = 'obs-fold';
      message = e.message.replace(` at offset ${e.offset}`, ` in the trailer section at offset ${offset}`);
    }
    return new HttpError(e.code, message, details);
  }
}
