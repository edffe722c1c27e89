// BodyEncoder: the bytes of a message body for the framing its head declared.
// It refuses (EINVAL, nothing written) whatever would make the body disagree
// with that framing, so the peer never reads a different message boundary
// than the one we meant: more or fewer bytes than a Content-Length, body
// bytes where there is no body, trailers without chunked. After end() every
// call is EPIPE.
import { checkFraming } from './body.ts';
import { HeadEncoder } from './encoder.ts';
import { HttpError } from './errors.ts';
import type { Framing } from './framing.ts';

const LAST_CHUNK = [0x30, 0x0d, 0x0a]; // "0\r\n"

/**
 * The body encoder. Each call returns the byte arrays to write, in order; the
 * caller's data is passed through, never copied (do not change it until it is
 * written).
 *
 * - `length`: the data as is; exactly `length` bytes in all, checked on each
 *   call (`EINVAL`, rule `length`) and at end().
 * - `chunked`: each non-empty data() is one chunk (size line, the data, CRLF);
 *   end() writes the last chunk, the trailer fields and the final CRLF. An
 *   empty data() writes nothing: it can never end the body early.
 * - `close`: the data as is; end() writes nothing (close the connection after).
 * - `none` and `upgrade`: no body; data() with bytes is `EINVAL` (rule
 *   `no-body`). After a 101 the connection carries the new protocol: write it
 *   directly, not through a BodyEncoder.
 *
 * Trailers (chunked only, else `EINVAL` rule `trailers`) follow the field
 * grammar HeadEncoder.field() enforces (rules `field-name`, `field-value`).
 * Framing fields (Content-Length, Transfer-Encoding) and routing fields do not
 * belong in trailers (RFC 9110 §6.5.1); that is left to the caller.
 *
 * @example
 * ```ts
 * const e = new BodyEncoder({ type: 'chunked' });
 * const wire = [
 *   ...e.data(new TextEncoder().encode('hello')), // "5\r\n", "hello", "\r\n"
 *   ...e.end([['Digest', 'sha-256=x']]), // "0\r\nDigest: sha-256=x\r\n\r\n"
 * ];
 * ```
 */
export class BodyEncoder {
  /** The framing this body is written with. */
  readonly framing: Framing;
  /** length: bytes still owed. */
  #left = 0;
  #ended = false;

  constructor(framing: Framing) {
    this.framing = checkFraming(framing);
    if (framing.type === 'length') this.#left = framing.length;
  }

  /** The bytes to write for `bytes` of body data. */
  data(bytes: Uint8Array): Uint8Array[] {
    this.#open('data');
    if (!(bytes instanceof Uint8Array)) throw new HttpError('EINVAL', 'data() takes a Uint8Array', { rule: 'bytes' });
    const n = bytes.length;
    if (n === 0) return [];
    const f = this.framing;
    switch (f.type) {
      case 'length':
        if (n > this.#left) {
          const sent = f.length - this.#left;
          throw new HttpError('EINVAL', `data() of ${n} bytes after ${sent} would pass the declared length ${f.length}`, {
            rule: 'length',
          });
        }
        this.#left -= n;
        return [bytes];
      case 'chunked':
        return [sizeLine(n), bytes, new Uint8Array([0x0d, 0x0a])];
      case 'close':
        return [bytes];
      default:
        throw new HttpError('EINVAL', `data() for a message without a body (framing ${f.type})`, { rule: 'no-body' });
    }
  }

  /**
   * The bytes that end the body: for chunked, the last chunk, the trailer
   * fields and the final CRLF. Later calls are `EPIPE`.
   */
  end(trailers?: ReadonlyArray<readonly [name: string, value: string]>): Uint8Array[] {
    this.#open('end');
    const f = this.framing;
    const given = trailers !== undefined && trailers !== null;
    if (given && !Array.isArray(trailers)) {
      throw new HttpError('EINVAL', 'Trailers must be an array of [name, value] pairs', { rule: 'trailers' });
    }
    if (given && trailers.length > 0 && f.type !== 'chunked') {
      throw new HttpError('EINVAL', `Trailers need chunked framing, not ${f.type}`, { rule: 'trailers' });
    }
    if (f.type === 'length' && this.#left > 0) {
      throw new HttpError('EINVAL', `end() after ${f.length - this.#left} of the declared ${f.length} bytes`, { rule: 'length' });
    }
    let out: Uint8Array[] = [];
    if (f.type === 'chunked') out = [lastChunk(given ? trailers : [])];
    this.#ended = true;
    return out;
  }

  #open(command: string): void {
    if (this.#ended) throw new HttpError('EPIPE', `${command}() after end(): the body is finished`, { rule: 'order' });
  }
}

/** `chunk-size CRLF`, the size in lowercase hex. */
function sizeLine(n: number): Uint8Array {
  const hex = n.toString(16);
  const out = new Uint8Array(hex.length + 2);
  for (let i = 0; i < hex.length; i++) out[i] = hex.charCodeAt(i);
  out[hex.length] = 0x0d;
  out[hex.length + 1] = 0x0a;
  return out;
}

/** `last-chunk trailer-section CRLF`, every trailer checked by HeadEncoder.field() first. */
function lastChunk(trailers: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const lines: Uint8Array[] = [];
  let size = LAST_CHUNK.length + 2;
  if (trailers.length > 0) {
    const h = new HeadEncoder();
    h.status(200); // field() is valid after a start line; only its field checks are used
    for (const t of trailers) {
      if (!Array.isArray(t) || t.length !== 2) {
        throw new HttpError('EINVAL', 'Each trailer must be a [name, value] pair', { rule: 'trailers' });
      }
      const line = h.field(t[0], t[1]);
      lines.push(line);
      size += line.length;
    }
  }
  const out = new Uint8Array(size);
  out.set(LAST_CHUNK, 0);
  let at = LAST_CHUNK.length;
  for (const line of lines) {
    out.set(line, at);
    at += line.length;
  }
  out[at] = 0x0d;
  out[at + 1] = 0x0a;
  return out;
}
