// Node's native llhttp as a chunked-body decoder: the bytes are fed after a
// fixed request head with `Transfer-Encoding: chunked`, wired as Node's
// lib/_http_common.js wires it (strict: lenient flags 0; TOOLCHAIN.md §11):
// `kOnBody` gets the de-chunked data, `kOnHeaders` the trailer fields (Node's
// binding flushes them just before `kOnMessageComplete`).
//
// Verdict: message complete fired = accept (bytes after it are not fed, so no
// next message can fail the run); `execute()` returned an Error first =
// reject; neither = incomplete. The data delivered before a rejection is kept.
import { createRequire } from 'node:module';

interface ParserCtor {
  new (): Parser;
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}

interface Parser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  execute(b: Uint8Array): number | (Error & { code: string; reason: string; bytesParsed: number });
  [key: number]: unknown;
}

const { HTTPParser } = createRequire(import.meta.url)('_http_common') as { HTTPParser: ParserCtor };

/** The head the body follows; offsets below are counted after it. */
const HEAD = new TextEncoder().encode('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n');

export interface LlhttpBodyOutcome {
  verdict: 'accept' | 'reject' | 'incomplete';
  /** The data llhttp delivered (on reject: before the error), latin1. */
  data: string;
  /** Trailer fields, as [name, value] (on accept). */
  trailers: Array<[string, string]>;
  /** On reject: llhttp's code (`HPE_*`), reason and where it stopped, counted from the first body byte. */
  code?: string;
  reason?: string;
  offset?: number;
}

let parser: Parser | null = null;

/** llhttp's reading of `body` as a chunked request body. */
export function llhttpChunked(body: Uint8Array): LlhttpBodyOutcome {
  const p = (parser ??= new HTTPParser());
  const out: LlhttpBodyOutcome = { verdict: 'incomplete', data: '', trailers: [] };
  let headersDone = false;
  let complete = false;
  let trailerPairs: string[] = [];
  p[HTTPParser.kOnHeaders] = (headers: string[]): void => {
    // Only fields between the head and the body's end are trailers: llhttp goes on
    // into a pipelined message after it, in the same execute().
    if (headersDone && !complete) trailerPairs = trailerPairs.concat(headers);
  };
  p[HTTPParser.kOnHeadersComplete] = (): number => {
    headersDone = true;
    return 0;
  };
  p[HTTPParser.kOnBody] = (b: Uint8Array): void => {
    for (let i = 0; i < b.length; i++) out.data += String.fromCharCode(b[i]!);
  };
  p[HTTPParser.kOnMessageComplete] = (): void => {
    complete = true;
  };
  p.initialize(HTTPParser.REQUEST, {}, 0, 0);
  const all = new Uint8Array(HEAD.length + body.length);
  all.set(HEAD, 0);
  all.set(body, HEAD.length);
  const r = p.execute(all);
  if (!headersDone) throw new Error('llhttp did not accept the fixed head');
  if (complete) {
    out.verdict = 'accept';
    for (let i = 0; i + 1 < trailerPairs.length; i += 2) out.trailers.push([trailerPairs[i]!, trailerPairs[i + 1]!]);
  } else if (typeof r !== 'number') {
    out.verdict = 'reject';
    out.code = r.code;
    out.reason = r.reason;
    out.offset = r.bytesParsed - HEAD.length;
  }
  return out;
}
