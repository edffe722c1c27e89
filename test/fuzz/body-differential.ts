// Differential check of BodyDecoder against Node's native llhttp on chunked
// bodies.
//
// INVARIANT: on any input read as a chunked request body, headwire's
// BodyDecoder (default options, the input whole, no EOF) and llhttp (strict,
// Node's defaults) reach the same verdict (accept / reject / incomplete) and,
// when both accept, the same data and the same trailer fields — except where
// a rule of DESIGN.md decides differently from llhttp. Every disagreement is
// classified by evidence in the input and both outcomes (headwire's rule and
// offset, llhttp's code, reason and offset); one no class explains is a failure.
import { BodyDecoder, HttpError, NEED_DATA } from '../../src/codec/index.ts';
import { type LlhttpBodyOutcome, llhttpChunked } from './llhttp-body.ts';

/** Each class of expected disagreement, and the rule that decides it. */
export const BODY_CLASSES = {
  'chunk-ext-bws':
    'BWS in chunk extensions ("5 ;a", "5; a", "5;a = b"): RFC 9112 §7.1.1 allows it and headwire accepts it (DESIGN.md: "BWS around ; and ="); strict llhttp rejects any whitespace there',
  'chunk-ext-empty':
    'An empty extension name or value ("5;=b", "5;;a", "5;a="): headwire rejects it (chunk-ext-name = token, chunk-ext-val = token / quoted-string); llhttp accepts',
  'chunk-ext-token-quote':
    'A DQUOTE right after token characters in an extension value ("5;a=0\"x\""): headwire rejects it (chunk-ext-val is a token or a quoted-string, not both); llhttp accepts',
  'chunk-size-over-2^53':
    'A chunk size above 2^53-1 but below 2^64: headwire rejects it (DESIGN.md: "at most 2^53-1", rule chunk-size); llhttp counts in 64 bits and waits for the data',
  'chunk-ext-limit':
    'Chunk extensions past the cap: headwire counts every extension byte (";", BWS, "=", names, values) over the whole body (DESIGN.md: maxChunkExtensions, total per body); Node counts name and value bytes per chunk, so it accepts more',
  'framing-field-in-trailers':
    'Content-Length or Transfer-Encoding as a trailer field: llhttp runs its header checks on trailers and rejects; headwire delivers them as trailer events (RFC 9110 §6.5.1: a recipient must not merge them into the header section; framing ignores trailers)',
} as const;
export type BodyDiffClass = keyof typeof BODY_CLASSES;

export interface HeadwireBodyOutcome {
  verdict: 'accept' | 'reject' | 'incomplete';
  data: string;
  trailers: Array<[string, string]>;
  code?: string;
  rule?: string;
  offset?: number;
}

/** headwire's reading of `body` as a chunked body: defaults, fed whole, no EOF. */
export function headwireChunked(body: Uint8Array): HeadwireBodyOutcome {
  const d = new BodyDecoder({ type: 'chunked' });
  const out: HeadwireBodyOutcome = { verdict: 'incomplete', data: '', trailers: [] };
  d.receive(body);
  try {
    for (;;) {
      const ev = d.next();
      if (ev === NEED_DATA) return out;
      if (ev.type === 'data') for (let i = 0; i < ev.bytes.length; i++) out.data += String.fromCharCode(ev.bytes[i]!);
      else if (ev.type === 'trailer') out.trailers.push([ev.name, ev.value]);
      else {
        out.verdict = 'accept';
        return out;
      }
    }
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return { ...out, verdict: 'reject', code: e.code, rule: e.rule, offset: e.offset };
  }
}

export interface BodyComparison {
  hw: HeadwireBodyOutcome;
  ll: LlhttpBodyOutcome;
  /** `agree-<verdict>`, the class that explains the disagreement, or null: unexplained. */
  result: `agree-${'accept' | 'reject' | 'incomplete'}` | BodyDiffClass | null;
  /** For a disagreement: what differs. */
  what?: string;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const MAX_SAFE = 2n ** 53n - 1n;

/** The line holding offset `at`: [start, end) with end at its CR or LF (or the input's end). */
function lineAt(b: Uint8Array, at: number): [number, number] {
  let s = Math.min(Math.max(at, 0), b.length);
  while (s > 0 && b[s - 1] !== LF) s--;
  let e = s;
  while (e < b.length && b[e] !== CR && b[e] !== LF) e++;
  return [s, e];
}

const isHex = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/**
 * The size line at `at` starts with hex digits and has SP or HTAB after them,
 * with a ";" on the line or the input ending inside it (where a ";" may follow).
 */
function extensionHasBws(b: Uint8Array, at: number): boolean {
  const [s, e] = lineAt(b, at);
  let i = s;
  while (i < e && isHex(b[i])) i++;
  if (i === s) return false;
  let semicolon = false;
  let ws = false;
  for (; i < e; i++) {
    if (b[i] === 0x3b) semicolon = true;
    else if (b[i] === SP || b[i] === HTAB) ws = true;
  }
  return ws && (semicolon || e === b.length);
}

/** headwire's error byte ends a name right after ";" (no name), or a value right after "=" (no value). */
function emptyExtensionAt(b: Uint8Array, at: number): boolean {
  const c = b[at];
  const prev = b[at - 1];
  const ends = c === CR || c === LF || c === 0x3b;
  return (prev === 0x3b && (ends || c === 0x3d)) || (prev === 0x3d && ends);
}

const TOKEN_CHARS = "!#$%&'*+-.^_`|~";
const isTchar = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || TOKEN_CHARS.includes(String.fromCharCode(c)));

/** headwire's error byte lies in a run of hex digits whose value is above 2^53-1 and below 2^64. */
function sizeOver53At(b: Uint8Array, at: number): boolean {
  let s = at;
  while (s > 0 && isHex(b[s - 1])) s--;
  let e = at;
  while (e < b.length && isHex(b[e])) e++;
  if (e === s) return false;
  const v = BigInt(`0x${String.fromCharCode(...b.subarray(s, e))}`);
  return v > MAX_SAFE && v < 2n ** 64n;
}

/** A trailer line named Content-Length or Transfer-Encoding after the last chunk's line. */
function framingTrailer(b: Uint8Array, at: number): boolean {
  const [s] = lineAt(b, at);
  const line = String.fromCharCode(...b.subarray(s, Math.min(b.length, s + 40))).toLowerCase();
  return line.startsWith('content-length:') || line.startsWith('transfer-encoding:');
}

function classify(b: Uint8Array, hw: HeadwireBodyOutcome, ll: LlhttpBodyOutcome): BodyDiffClass | null {
  // llhttp refused first, at a byte headwire accepts.
  if (ll.verdict === 'reject' && (hw.verdict !== 'reject' || hw.offset! > ll.offset!)) {
    const at = ll.offset!;
    if (/^HPE_(INVALID_CHUNK_SIZE|STRICT)$/.test(ll.code!) && /chunk (size|extensions)/.test(ll.reason!)) {
      if (extensionHasBws(b, at) || extensionHasBws(b, at - 1)) return 'chunk-ext-bws';
    }
    if (/^HPE_(INVALID_TRANSFER_ENCODING|INVALID_CONTENT_LENGTH|UNEXPECTED_CONTENT_LENGTH)$/.test(ll.code!)) {
      if (framingTrailer(b, at) || framingTrailer(b, at - 1)) return 'framing-field-in-trailers';
    }
    return null;
  }
  // headwire refused first, at a byte llhttp accepts.
  if (hw.verdict === 'reject' && (ll.verdict !== 'reject' || ll.offset! > hw.offset!)) {
    const at = hw.offset!;
    if (hw.rule === 'chunk-ext' && emptyExtensionAt(b, at)) return 'chunk-ext-empty';
    if (hw.rule === 'chunk-ext' && b[at] === 0x22 && isTchar(b[at - 1])) return 'chunk-ext-token-quote';
    if (hw.rule === 'chunk-size' && sizeOver53At(b, at)) return 'chunk-size-over-2^53';
    if (hw.rule === 'chunk-extensions-too-large') return 'chunk-ext-limit';
    return null;
  }
  return null;
}

/** Compare headwire and llhttp on one chunked body. */
export function compareChunked(body: Uint8Array): BodyComparison {
  const hw = headwireChunked(body);
  const ll = llhttpChunked(body);
  if (hw.verdict === ll.verdict) {
    if (hw.verdict !== 'accept') return { hw, ll, result: `agree-${hw.verdict}` };
    if (hw.data === ll.data && JSON.stringify(hw.trailers) === JSON.stringify(ll.trailers)) return { hw, ll, result: 'agree-accept' };
    return { hw, ll, result: null, what: hw.data === ll.data ? 'trailers' : 'data' };
  }
  return { hw, ll, result: classify(body, hw, ll), what: `verdict ${hw.verdict} vs ${ll.verdict}` };
}

export function describeBodyComparison(c: BodyComparison): string {
  const hw = c.hw.verdict === 'reject' ? `reject ${c.hw.code} ${c.hw.rule} at ${c.hw.offset}` : c.hw.verdict;
  const ll = c.ll.verdict === 'reject' ? `reject ${c.ll.code} "${c.ll.reason}" at ${c.ll.offset}` : c.ll.verdict;
  return `${c.result ?? 'UNEXPLAINED'} (${c.what ?? 'same'}): headwire ${hw}; llhttp ${ll}`;
}
