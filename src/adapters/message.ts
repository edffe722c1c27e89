// What HttpSocket knows about the message in each direction, beyond the head
// codec's state: the start line, the fields (framing needs all of them), how
// the body is framed, and whether the message is over so the next one may
// start on the same connection (keep-alive, pipelining). No I/O here.
import type { BodyDecoder } from '../codec/body.ts';
import type { BodyEncoder } from '../codec/body-encoder.ts';
import { HttpError } from '../codec/errors.ts';
import type { HeadKind, HttpVersion } from '../codec/events.ts';
import { type Framing, framing } from '../codec/framing.ts';

/**
 * What `recvField()` returns and `fields()` yields: one field line.
 *
 * @example
 * ```ts
 * const all: ReceivedField[] = [];
 * for await (const field of s.fields()) all.push(field);
 * ```
 */
export interface ReceivedField {
  /** The field name as sent, case kept. */
  name: string;
  /** The field value without leading and trailing SP/HTAB. */
  value: string;
}

const ORDER = { rule: 'order' } as const;

/**
 * The head's start line as framing() needs it. `requestMethod`: a request's
 * own method; for a response, the method of the request it answers
 * (undefined when no request is known: framed as for GET).
 */
export interface StartLine {
  version: HttpVersion;
  requestMethod: string | undefined;
  status?: number;
}

/**
 * A message in one direction: its start line, its fields, its framing
 * (computed once, when first needed; a framing error is kept and rethrown).
 */
abstract class Message {
  readonly kind: HeadKind;
  readonly start: StartLine;
  readonly fields: ReceivedField[] = [];
  #framing: Framing | null = null;
  #error: HttpError | null = null;

  constructor(kind: HeadKind, start: StartLine) {
    this.kind = kind;
    this.start = start;
  }

  /** framing() of this message's fields; throws its HttpError (sticky). */
  framing(): Framing {
    if (this.#framing !== null) return this.#framing;
    if (this.#error !== null) throw this.#error;
    try {
      this.#framing = framing(this.kind, this.fields, this.start);
    } catch (e) {
      if (e instanceof HttpError) this.#error = this.wrap(e);
      throw this.#error ?? e;
    }
    return this.#framing;
  }

  /**
   * After this head the connection belongs to another protocol: a 101
   * (upgrade), a CONNECT request, or a 2xx answer to CONNECT (a tunnel).
   * Only detach() goes on from there.
   */
  takesOver(): boolean {
    const s = this.start;
    if (s.requestMethod !== 'CONNECT') return this.framing().type === 'upgrade';
    return this.kind === 'request' || (s.status !== undefined && s.status >= 200 && s.status < 300);
  }

  /** The EINVAL for a body call after a head that hands the connection over. */
  takeOverError(call: string): HttpError {
    const what = this.start.status === 101 ? 'a 101 (Switching Protocols)' : 'CONNECT (a tunnel)';
    return new HttpError('EINVAL', `${call} after ${what}: the connection now belongs to another protocol; use detach()`, ORDER);
  }

  protected wrap(e: HttpError): HttpError {
    return e;
  }
}

/** The message being received: the fields read so far, the body decoder once the body is read. */
export class Incoming extends Message {
  /** Fields already handed out by recvField(). The rest were read ahead (by recvBody) and are kept. */
  given = 0;
  body: BodyDecoder | null = null;
  /** The body was read to its end (or the message has none): the next head may start. */
  ended = false;
  readonly trailers: ReceivedField[] = [];

  /**
   * Throws unless the message is over (head done, body read to its end or
   * none): `EINVAL` pointing at recvBody() or detach(), or the framing error.
   */
  checkOver(call: string): void {
    if (this.ended) return;
    if (this.body === null) {
      if (this.takesOver()) throw this.takeOverError(call);
      if (this.framing().type === 'none') {
        this.ended = true;
        return;
      }
    }
    throw new HttpError('EINVAL', `${call} before the body of the previous message was read to its end (recvBody())`, ORDER);
  }
}

/** The message being sent: the fields this socket sent, and the body encoder once the body starts. */
export class Outgoing extends Message {
  body: BodyEncoder | null = null;
  /** endBody() ran, or done() ended a message that has no body. */
  ended = false;

  /** Whether the next head may start: the message is over (and does not hand the connection over). */
  over(): boolean {
    if (this.ended) return true;
    try {
      return !this.takesOver() && this.framing().type === 'none';
    } catch {
      return false; // bad framing fields: sendBody() and endBody() say why
    }
  }

  // The fields are ours: a framing they get wrong is a bad argument, not the peer's fault.
  protected override wrap(e: HttpError): HttpError {
    return new HttpError('EINVAL', `The fields sent do not frame a body: ${e.message}`, { rule: e.rule, cause: e });
  }
}
