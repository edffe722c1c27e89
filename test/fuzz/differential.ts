// Differential check against Node's native llhttp.
//
// INVARIANT: on any input, as a request and as a response, headwire's
// `parseHead` (default options) and llhttp (strict, Node's defaults) reach the
// same verdict (accept / reject / incomplete) and, when both accept, the same
// start line and fields (names compared case-insensitively, values exactly) —
// except where a rule of DESIGN.md decides differently from llhttp. Every
// disagreement is classified by looking at the input and both outcomes
// (headwire's rule and offset, llhttp's error code, reason and offset); a
// disagreement no class explains is a failure.
import { type HeadEvent, type HeadKind, HttpError, parseHead } from '../../src/codec/index.ts';
import { LLHTTP_METHODS, type LlhttpOutcome, llhttpHead } from './llhttp.ts';
import type { Run } from './target.ts';

/** Each class of expected disagreement, and the DESIGN.md rule that decides it. */
export const CLASSES = {
  'bare-lf':
    'Bare LF as a line end: headwire rejects it by default (DESIGN.md: "Bare LF is an error unless lenient.lfOnly"); llhttp skips LFs before the request line',
  'bare-cr': 'Bare CR: headwire rejects it anywhere (DESIGN.md: "A bare CR anywhere is an error")',
  'empty-lines':
    'Empty lines before the start line: headwire skips CRLF lines only (RFC 9112 §2.2, DESIGN.md), llhttp its own set',
  'obs-fold-response':
    'obs-fold in a response: headwire replaces it with SP (DESIGN.md: obsFold defaults to replace for responses); llhttp rejects',
  'obs-fold-request': 'obs-fold in a request: headwire rejects it (obsFold defaults to reject for requests)',
  'ctl-in-value': 'CTLs other than HTAB, and DEL, in a field value: headwire rejects them (value octets are HTAB, SP, VCHAR, obs-text)',
  'high-byte-target': 'Bytes >= 0x80 in the request-target: headwire rejects them (the target is 1*%x21-7E)',
  'multiple-sp': 'Several SP between start-line parts: headwire rejects them (single SP separators)',
  'method-token': "Method tokens: any token for headwire, llhttp's own method table only",
  'http-version':
    'HTTP versions other than 1.0 / 1.1: headwire rejects them (HTTP-version is HTTP/1.0 or HTTP/1.1, case-sensitive); llhttp accepts 0.9, 2.0, RTSP/ and ICE/ versions',
  'request-target-syntax':
    'Request-target syntax: headwire checks byte classes (0x21-0x7E), llhttp runs a URL parser',
  'reason-phrase-bytes':
    'NUL, other CTLs and DEL in the reason phrase: headwire rejects them (reason is HTAB / SP / VCHAR / obs-text); llhttp accepts',
  'status-code-range':
    'Status codes outside 100-599: headwire rejects them (README design notes, RFC 9110 §15); llhttp accepts any 3 digits',
  'framing-headers':
    "Content-Length / Transfer-Encoding checks: llhttp's parser checks them, headwire's head decoder does not (DESIGN.md: a separate framing helper)",
  limits: 'Limits: maxFields 100 (headwire) against none in llhttp; maxHeadSize 16384 against llhttp\'s own count',
} as const;
export type DiffClass = keyof typeof CLASSES;

export interface HeadwireOutcome {
  verdict: 'accept' | 'reject' | 'incomplete';
  events?: HeadEvent[];
  code?: string;
  rule?: string;
  offset?: number;
}

/**
 * parseHead's verdict read off the target's default-options run over the same
 * bytes (the target checks that the two agree), so the runner does not decode twice.
 */
export function headwireFromRun(run: Run): HeadwireOutcome {
  const first = run.heads[0];
  if (first) return { verdict: 'accept', events: first.events };
  if (!run.beforeEnd) return { verdict: 'incomplete' };
  return { verdict: 'reject', code: run.error.code, rule: run.error.rule, offset: run.error.offset };
}

export function headwireHead(kind: HeadKind, data: Uint8Array): HeadwireOutcome {
  try {
    const events = parseHead(kind, data);
    return events ? { verdict: 'accept', events } : { verdict: 'incomplete' };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return { verdict: 'reject', code: e.code, rule: e.rule, offset: e.offset };
  }
}

export interface Comparison {
  kind: HeadKind;
  hw: HeadwireOutcome;
  ll: LlhttpOutcome;
  /** 'agree' (with the verdict), or the class that explains the disagreement, or null: unexplained. */
  result: `agree-${'accept' | 'reject' | 'incomplete'}` | DiffClass | null;
  /** For a disagreement: what differs (the verdict, or which part of an accepted head). */
  what?: string;
}

// ------------------------------------------------------------------ evidence

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const METHODS = LLHTTP_METHODS;
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

const isCtlOrDel = (c: number | undefined): boolean => c !== undefined && ((c < 0x20 && c !== HTAB) || c === 0x7f);

function latin1(b: Uint8Array, from = 0, to = b.length): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Offset of the start line's first byte: after the CR/LF bytes in front of it. */
function startLineAt(data: Uint8Array): number {
  let i = 0;
  while (i < data.length && (data[i] === CR || data[i] === LF)) i++;
  return i;
}

/** The request's method token and target span, from the raw bytes. */
function requestParts(data: Uint8Array): { method: string; targetFrom: number; targetTo: number } {
  const s = startLineAt(data);
  let i = s;
  while (i < data.length && TCHAR[data[i]!]) i++;
  const method = latin1(data, s, i);
  const targetFrom = i + 1;
  let j = targetFrom;
  while (j < data.length && data[j] !== SP && data[j] !== CR && data[j] !== LF) j++;
  return { method, targetFrom, targetTo: j };
}

/**
 * The request's method is a token (a tchar run ending at SP or at the end of the
 * input) that llhttp's table lacks: headwire takes it, llhttp cannot.
 */
function isOtherMethod(data: Uint8Array): boolean {
  const { method, targetFrom } = requestParts(data);
  const end = targetFrom - 1;
  return method.length > 0 && (end >= data.length || data[end] === SP) && !METHODS.has(method);
}

/** Field names (lower case) of the lines that start before `limit`. */
function fieldNamesBefore(data: Uint8Array, limit: number): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < data.length && i < limit) {
    let j = i;
    while (j < data.length && data[j] !== LF) j++;
    let k = i;
    while (k < j && TCHAR[data[k]!]) k++;
    if (k > i && data[k] === 0x3a) names.push(latin1(data, i, k).toLowerCase());
    i = j + 1;
  }
  return names;
}

/**
 * The start line holds a version headwire must accept: "HTTP/1.0" or "HTTP/1.1"
 * in its place (a request's third part, a response's first), followed by the
 * line end (request) or SP (response). A rejection with rule http-version is
 * then headwire's bug, not the class.
 */
function hasValidVersion(kind: HeadKind, data: Uint8Array): boolean {
  let i = startLineAt(data);
  if (kind === 'request') {
    const { targetTo } = requestParts(data);
    if (data[targetTo] !== SP) return false;
    i = targetTo + 1;
  }
  const v = latin1(data, i, i + 8);
  if (v !== 'HTTP/1.0' && v !== 'HTTP/1.1') return false;
  const after = data[i + 8];
  return kind === 'request' ? after === CR : after === SP;
}

/** The 3-digit status code after "HTTP/x.y " (any version text), or -1. */
function statusCodeOf(data: Uint8Array): number {
  let i = startLineAt(data);
  while (i < data.length && data[i] !== SP && data[i] !== CR && data[i] !== LF) i++;
  const d = data.subarray(i + 1, i + 4);
  if (d.length < 3 || d.some((c) => c < 0x30 || c > 0x39)) return -1;
  return (d[0]! - 0x30) * 100 + (d[1]! - 0x30) * 10 + (d[2]! - 0x30);
}

/**
 * The continuation line of the first obs-fold headwire sees, as [CRLF before it,
 * its LF] (found by decoding with obsFold 'reject'), or null when there is none.
 */
function foldLine(kind: HeadKind, data: Uint8Array): [number, number] | null {
  try {
    parseHead(kind, data, { obsFold: 'reject' });
    return null;
  } catch (e) {
    if (!(e instanceof HttpError) || e.rule !== 'obs-fold' || e.offset === undefined) return null;
    let end = e.offset;
    while (end < data.length && data[end] !== LF) end++;
    return [e.offset - 2, end];
  }
}

// ---------------------------------------------------------------- classifier

/** headwire rejected; llhttp accepted or wanted more: the byte headwire refused decides. */
function whyHeadwireRejects(kind: HeadKind, data: Uint8Array, hw: HeadwireOutcome): DiffClass | null {
  const at = hw.offset ?? -1;
  const c = data[at];
  switch (hw.rule) {
    case 'bare-lf':
      return c === LF && data[at - 1] !== CR ? 'bare-lf' : null;
    case 'bare-cr':
      return c === CR && data[at + 1] !== LF ? 'bare-cr' : null;
    case 'http-version':
      if (c === SP && data[at - 1] === SP) return 'multiple-sp';
      return hasValidVersion(kind, data) ? null : 'http-version';
    case 'status-code': {
      if (c === SP && data[at - 1] === SP) return 'multiple-sp';
      const code = statusCodeOf(data);
      return kind === 'response' && code >= 0 && (code < 100 || code > 599) ? 'status-code-range' : null;
    }
    case 'reason-phrase':
      return isCtlOrDel(c) ? 'reason-phrase-bytes' : null;
    case 'field-value':
      return isCtlOrDel(c) ? 'ctl-in-value' : null;
    case 'request-target':
      if (c !== undefined && c >= 0x80) return 'high-byte-target';
      if (c === SP && data[at - 1] === SP) return 'multiple-sp';
      // "GET /\r\n": a request line without a version is HTTP/0.9's, which llhttp accepts.
      return kind === 'request' && (c === CR || c === LF) ? 'http-version' : null;
    case 'obs-fold':
      return kind === 'request' ? 'obs-fold-request' : null;
    case 'too-many-fields':
    case 'head-too-large':
      return 'limits';
    default:
      return null;
  }
}

/** llhttp rejected; headwire accepted or wanted more: llhttp's error and what it points at decide. */
function whyLlhttpRejects(kind: HeadKind, data: Uint8Array, ll: LlhttpOutcome): DiffClass | null {
  const at = ll.offset ?? -1;
  switch (ll.code) {
    case 'HPE_INVALID_METHOD':
      return kind === 'request' && isOtherMethod(data) ? 'method-token' : null;
    case 'HPE_PAUSED_H2_UPGRADE':
      // PRI is llhttp's HTTP/2 preface, not a method; for headwire it is a token like any other.
      return kind === 'request' && requestParts(data).method === 'PRI' ? 'method-token' : null;
    case 'HPE_INVALID_VERSION':
      return kind === 'request' && requestParts(data).method === 'PRI' && /preface/i.test(ll.reason ?? '') ? 'method-token' : null;
    case 'HPE_INVALID_CONSTANT':
      // "Invalid method for HTTP/x.x request": an RTSP/ICE method with an HTTP version.
      return kind === 'request' && /method/i.test(ll.reason ?? '') && isOtherMethod(data) ? 'method-token' : null;
    case 'HPE_INVALID_URL': {
      const { targetFrom, targetTo } = requestParts(data);
      // llhttp may report the byte after the target (its SP) or the end of the input.
      return kind === 'request' && at >= targetFrom && at <= targetTo + 1 ? 'request-target-syntax' : null;
    }
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING': {
      const names = fieldNamesBefore(data, at + 1);
      return names.includes('content-length') || names.includes('transfer-encoding') ? 'framing-headers' : null;
    }
    case 'HPE_INVALID_HEADER_TOKEN': {
      // llhttp fails somewhere on the continuation line of a fold headwire replaced.
      const fold = kind === 'response' ? foldLine(kind, data) : null;
      return fold && at >= fold[0] && at <= fold[1] ? 'obs-fold-response' : null;
    }
    case 'HPE_HEADER_OVERFLOW':
      return 'limits';
    default:
      return null;
  }
}

/** Both accepted: the first part of the head that differs, or null when none does. */
function diffAccepted(kind: HeadKind, events: HeadEvent[], ll: LlhttpOutcome): string | null {
  const start = events[0]!;
  if (start.type === 'request') {
    if (start.method !== ll.method) return 'method';
    if (start.target !== ll.url) return 'target';
  } else if (start.type === 'status') {
    if (start.code !== ll.status) return 'status code';
    if (start.reason !== ll.statusMessage) return 'reason';
  }
  if (kind === 'request' ? start.type !== 'request' : start.type !== 'status') return 'start line';
  if ((start as { version: string }).version !== ll.version) return 'version';
  const h = ll.headers ?? [];
  const fields = events.filter((e) => e.type === 'field');
  if (fields.length * 2 !== h.length) return 'field count';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.name.toLowerCase() !== h[2 * i]!.toLowerCase()) return `field ${i} name`;
    if (f.value !== h[2 * i + 1]) return `field ${i} value`;
  }
  return null;
}

/** Compare headwire and llhttp on one input as one kind, and classify a disagreement. */
export function compare(kind: HeadKind, data: Uint8Array, known?: HeadwireOutcome): Comparison {
  const hw = known ?? headwireHead(kind, data);
  const ll = llhttpHead(kind, data);
  if (hw.verdict === 'accept' && ll.verdict === 'accept') {
    const what = diffAccepted(kind, hw.events!, ll);
    if (what === null) return { kind, hw, ll, result: 'agree-accept' };
    // A method outside llhttp's table that it parsed anyway (PRI without the h2 preface) gets another name there.
    const start = hw.events![0]!;
    if (what === 'method' && start.type === 'request' && !METHODS.has(start.method)) {
      return { kind, hw, ll, result: 'method-token', what };
    }
    return { kind, hw, ll, result: null, what };
  }
  if (hw.verdict === ll.verdict) return { kind, hw, ll, result: `agree-${hw.verdict}` };
  const what = `verdict: headwire ${hw.verdict}, llhttp ${ll.verdict}`;
  if (hw.verdict === 'reject') return { kind, hw, ll, result: whyHeadwireRejects(kind, data, hw), what };
  if (ll.verdict === 'reject') return { kind, hw, ll, result: whyLlhttpRejects(kind, data, ll), what };
  // headwire accepted a PRI request that llhttp reads as the start of an HTTP/2 preface.
  if (kind === 'request' && hw.verdict === 'accept' && requestParts(data).method === 'PRI') {
    return { kind, hw, ll, result: 'method-token', what };
  }
  return { kind, hw, ll, result: null, what };
}

/**
 * The differential check on one input: both kinds. `runs` (the target's default
 * runs on the same bytes) spares decoding them again.
 */
export function differential(data: Uint8Array, runs?: { request: Run; response: Run }): Comparison[] {
  return [
    compare('request', data, runs && headwireFromRun(runs.request)),
    compare('response', data, runs && headwireFromRun(runs.response)),
  ];
}

/** A one-line account of a comparison, for reports and sidecar files. */
export function describeComparison(c: Comparison): string {
  const hw = c.hw.verdict === 'reject' ? `reject ${c.hw.code} ${c.hw.rule} @${c.hw.offset}` : c.hw.verdict;
  const ll = c.ll.verdict === 'reject' ? `reject ${c.ll.code} "${c.ll.reason}" @${c.ll.offset}` : c.ll.verdict;
  const events = c.hw.events ? ` headwire events ${JSON.stringify(c.hw.events)};` : '';
  const llHead =
    c.ll.verdict === 'accept'
      ? ` llhttp ${JSON.stringify({ method: c.ll.method, url: c.ll.url, status: c.ll.status, reason: c.ll.statusMessage, version: c.ll.version, headers: c.ll.headers })}`
      : '';
  return `${c.kind}: ${c.result ?? 'UNEXPLAINED'}${c.what ? ` (${c.what})` : ''}; headwire ${hw}; llhttp ${ll};${events}${llHead}`;
}
