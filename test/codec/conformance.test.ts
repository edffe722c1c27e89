// The peer corpus (test/conformance/peers.json, a copy of ../shared/conformance):
// 667 head cases from llhttp, h11, httparse and picohttpparser, with what each
// peer really does. Head-scope cases run through parseHead with default options.
// Where the peer's strict verdict and ours agree on accepting, the events must
// match. Every case we decide differently is listed in DIFFERS with the
// DESIGN.md rule that decides it; nothing else may differ.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DecoderOptions, type HeadEvent, type HeadKind, HttpError, parseHead } from '../../src/index.ts';

interface PeerCase {
  id: string;
  source: string;
  kind: HeadKind;
  input_b64: string;
  expect: 'accept' | 'reject' | 'incomplete';
  strict_expect?: 'accept' | 'reject' | 'incomplete';
  events?: HeadEvent[];
  scope?: string;
}

const CLASSES = {
  'bare-lf': 'Bare LF as a line terminator: rejected by default (RFC 9112 §2.2 allows it; option lenient.lfOnly accepts it)',
  'empty-lines': 'Empty lines (CRLF) before the start line: skipped (RFC 9112 §2.2), so "\\r\\n" alone is incomplete',
  'obs-fold-request': 'obs-fold in a request: rejected (RFC 9112 §5.2; obsFold defaults to reject for requests)',
  'obs-fold-response': 'obs-fold in a response: replaced with SP (RFC 9112 §5.2; obsFold defaults to replace for responses)',
  'ctl-in-value': 'CTLs other than HTAB in a field value: rejected (field-vchar = VCHAR / obs-text)',
  'high-byte-target': 'Bytes >= 0x80 in the request-target: rejected (the target is 1*%x21-7E)',
  'multiple-sp': 'Several SP between start-line parts: rejected (single SP separators)',
  'http-version': 'HTTP versions other than 1.0 and 1.1: rejected',
} as const;
type DiffClass = keyof typeof CLASSES;

const DIFFERS: Record<string, DiffClass> = {
  'llhttp/response/sample.md#HTTP version 0.9': 'http-version',
  'llhttp/response/transfer-encoding.md#Invalid OBS fold after chunked value': 'obs-fold-response',
  'h11/test_io.py#test_readers_unusual[7]': 'bare-lf',
  'h11/test_io.py#test_readers_unusual[8]': 'bare-lf',
  'h11/test_io.py#test_readers_unusual[9]': 'bare-lf',
  'h11/test_io.py#test_readers_unusual[10]': 'obs-fold-request',
  'h11/test_io.py#test_allow_some_garbage_in_cookies': 'ctl-in-value',
  'h11/test_receivebuffer.py#test_receivebuffer_for_invalid_delimiter[with_lf_only_delimiter]': 'bare-lf',
  'h11/test_receivebuffer.py#test_receivebuffer_for_invalid_delimiter[with_mixed_crlf_and_lf]': 'bare-lf',
  'h11/test_connection.py#test_empty_request': 'empty-lines',
  'h11/test_connection.py#test_empty_response': 'empty-lines',
  'h11/test_events.py#test_events[value-ctl-allowed]': 'ctl-in-value',
  'httparse/src/lib.rs#test_request_newlines': 'bare-lf',
  'httparse/src/lib.rs#test_request_empty_lines_prefix_lf_only': 'bare-lf',
  'httparse/src/lib.rs#test_request_path_backslash': 'bare-lf',
  'httparse/src/lib.rs#test_response_newlines': 'bare-lf',
  'httparse/src/lib.rs#test_response_empty_lines_prefix_lf_only': 'bare-lf',
  'httparse/src/lib.rs#test_response_no_cr': 'bare-lf',
  'httparse/src/lib.rs#test_forbid_response_with_obsolete_line_folding_at_start': 'obs-fold-response',
  'httparse/src/lib.rs#test_allow_response_with_obsolete_line_folding_at_start': 'obs-fold-response',
  'httparse/src/lib.rs#test_forbid_response_with_obsolete_line_folding_at_end': 'obs-fold-response',
  'httparse/src/lib.rs#test_allow_response_with_obsolete_line_folding_at_end': 'obs-fold-response',
  'httparse/src/lib.rs#test_forbid_response_with_obsolete_line_folding_in_middle': 'obs-fold-response',
  'httparse/src/lib.rs#test_allow_response_with_obsolete_line_folding_in_middle': 'obs-fold-response',
  'httparse/src/lib.rs#test_forbid_response_with_obsolete_line_folding_in_empty_header': 'obs-fold-response',
  'httparse/src/lib.rs#test_allow_response_with_obsolete_line_folding_in_empty_header': 'obs-fold-response',
  'httparse/src/lib.rs#test_utf8_in_path_ok': 'high-byte-target',
  'httparse/src/lib.rs#test_all_utf8_char_in_paths[c280]': 'high-byte-target',
  'httparse/src/lib.rs#test_all_utf8_char_in_paths[c3a9]': 'high-byte-target',
  'httparse/src/lib.rs#test_all_utf8_char_in_paths[dfbf]': 'high-byte-target',
  'httparse/src/lib.rs#test_all_utf8_char_in_paths[e282ac]': 'high-byte-target',
  'httparse/src/lib.rs#test_all_utf8_char_in_paths[efbfbd]': 'high-byte-target',
  'httparse/src/lib.rs#test_all_utf8_char_in_paths[f09f9880]': 'high-byte-target',
  'httparse/src/lib.rs#test_all_utf8_char_in_paths[f48fbfbf]': 'high-byte-target',
  'picohttpparser/test.c#test_request/parse multiline': 'obs-fold-request',
  'picohttpparser/test.c#test_request/accept MSB chars': 'high-byte-target',
  'picohttpparser/test.c#test_request/accept multiple spaces between tokens': 'multiple-sp',
  'picohttpparser/test.c#test_response/incomplete 11': 'bare-lf',
  'picohttpparser/test.c#test_response/accept multiple spaces between tokens': 'multiple-sp',
};

/** The counts the README reports; a change in the decoder's verdicts must update both. */
const EXPECTED_COUNTS = { head: 632, agree: 593, differ: 39, eventsCompared: 342 };

const corpus = JSON.parse(readFileSync(new URL('../conformance/peers.json', import.meta.url), 'utf8')) as PeerCase[];

function decodeBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

type Verdict = { verdict: 'accept' | 'reject' | 'incomplete'; events?: HeadEvent[]; rule?: string };

function decide(c: PeerCase, options?: DecoderOptions): Verdict {
  try {
    const events = parseHead(c.kind, decodeBytes(c.input_b64), options);
    return events ? { verdict: 'accept', events } : { verdict: 'incomplete' };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return { verdict: 'reject', rule: e.rule };
  }
}

describe('peer conformance corpus (head scope)', () => {
  const head = corpus.filter((c) => (c.scope ?? 'head') === 'head');
  const results = head.map((c) => ({ c, peer: c.strict_expect ?? c.expect, ours: decide(c) }));

  it('agrees with every peer verdict except the listed cases, and matches events where both accept', () => {
    const unexplained: string[] = [];
    const perClass: Record<string, number> = {};
    let agree = 0;
    let eventsCompared = 0;
    for (const { c, peer, ours } of results) {
      if (ours.verdict !== peer) {
        const cls = DIFFERS[c.id];
        if (!cls) unexplained.push(`${c.id}: peer ${peer}, headwire ${ours.verdict} ${ours.rule ?? ''}`);
        else perClass[cls] = (perClass[cls] ?? 0) + 1;
        continue;
      }
      expect(DIFFERS[c.id], `${c.id} is listed in DIFFERS but agrees`).toBeUndefined();
      agree++;
      if (peer === 'accept' && c.expect === 'accept' && c.events) {
        expect({ id: c.id, events: ours.events }).toEqual({ id: c.id, events: c.events });
        eventsCompared++;
      }
    }
    expect(unexplained).toEqual([]);
    for (const id of Object.keys(DIFFERS)) expect(head.some((c) => c.id === id), id).toBe(true);
    expect({ head: head.length, agree, differ: head.length - agree, eventsCompared }).toEqual(EXPECTED_COUNTS);
    expect(perClass).toEqual({
      'bare-lf': 12,
      'empty-lines': 2,
      'obs-fold-request': 2,
      'obs-fold-response': 9,
      'ctl-in-value': 2,
      'high-byte-target': 9,
      'multiple-sp': 2,
      'http-version': 1,
    });
  });

  it('with the matching leniency, the differing cases give the peer events', () => {
    // Where a peer accepted in its own (lenient) mode, the option that relaxes our
    // rule must reproduce its events exactly: the leniency changes the verdict, not the parse.
    const options: Partial<Record<DiffClass, DecoderOptions>> = {
      'bare-lf': { lenient: { lfOnly: true } },
      'obs-fold-request': { obsFold: 'replace' },
      'obs-fold-response': {},
    };
    let compared = 0;
    for (const { c } of results) {
      const cls = DIFFERS[c.id];
      if (!cls || !(cls in options) || c.expect !== 'accept' || !c.events) continue;
      const ours = decide(c, options[cls]);
      expect({ id: c.id, ...ours }).toEqual({ id: c.id, verdict: 'accept', events: c.events });
      compared++;
    }
    expect(compared).toBe(18);
  });

  it('every class of disagreement is explained', () => {
    for (const cls of new Set(Object.values(DIFFERS))) expect(CLASSES[cls].length).toBeGreaterThan(0);
  });
});
