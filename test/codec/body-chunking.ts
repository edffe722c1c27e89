// Run a BodyDecoder over the same bytes under every chunking (whole, byte by
// byte, random splits: see chunking.ts) and reduce what it did to an outcome
// that must not depend on the chunking: the concatenated data, the trailers,
// whether it ended, the bytes past the body, and the error.
import { type BodyDecoderOptions, BodyDecoder, type Framing, HttpError, NEED_DATA } from '../../src/index.ts';
import { latin1 } from '../support/bytes.ts';
import { expectSticky } from './chunking.ts';

export interface BodyOutcome {
  /** Every data event's bytes, concatenated, as a latin1 string. */
  data: string;
  trailers: Array<[string, string]>;
  ended: boolean;
  /** rest() after end, as a latin1 string. */
  rest: string | null;
  error: { code: string; rule: string | undefined; offset: number | undefined } | null;
}

/**
 * Feed `chunks` one at a time, draining events after each; `eof` calls end()
 * after the last. Checks on the way, whatever the chunking: every data event
 * is a non-empty view of one received chunk (same buffer, inside it), events
 * come in order (data, trailers, end), and a failure is sticky.
 */
export function runBody(framing: Framing, chunks: Uint8Array[], options?: BodyDecoderOptions, eof = false): BodyOutcome {
  const d = new BodyDecoder(framing, options);
  const out: BodyOutcome = { data: '', trailers: [], ended: false, rest: null, error: null };
  const received: Uint8Array[] = [];
  /** The bytes lie inside one received chunk (searched from the newest: data comes from recent chunks). */
  const isView = (b: Uint8Array): boolean => {
    for (let j = received.length - 1; j >= 0; j--) {
      const c = received[j]!;
      if (c.buffer === b.buffer && b.byteOffset >= c.byteOffset && b.byteOffset + b.length <= c.byteOffset + c.length) return true;
    }
    return false;
  };
  const drain = (): void => {
    while (!out.ended) {
      const ev = d.next();
      if (ev === NEED_DATA) return;
      if (ev.type === 'data') {
        if (ev.bytes.length === 0) throw new Error('empty data event');
        if (!isView(ev.bytes)) throw new Error('data event is not a view of a received chunk');
        if (out.trailers.length > 0) throw new Error('data after a trailer');
        out.data += latin1(ev.bytes);
      } else if (ev.type === 'trailer') {
        out.trailers.push([ev.name, ev.value]);
      } else {
        out.ended = true;
      }
    }
  };
  try {
    for (const c of chunks) {
      received.push(c);
      d.receive(c);
      drain();
    }
    if (eof) {
      d.end();
      drain();
    }
    if (out.ended) {
      out.rest = latin1(d.rest());
      if (d.next() !== NEED_DATA) throw new Error('an event after end');
    }
    return out;
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    expectSticky(d, e);
    out.error = { code: e.code, rule: e.rule, offset: e.offset };
    return out;
  }
}
