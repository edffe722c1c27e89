// encodeHead's check of a whole head string: a few sticky RegExps, chained
// over the string so together they cover all of it, their character classes
// built from the tables in chars.ts (classSource). One RegExp call per head
// (per 16 fields) instead of two per field: a RegExp call costs about as much
// as reading 40 characters with it.
//
// Why passing means every piece is valid. The caller built the head as
//   start-line CRLF *( name ": " value CRLF ) CRLF
// from its pieces, with K fields, and checked that no name holds ':'. The
// patterns match exactly 1 + K + 1 CRLF-ended lines and no other CR or LF, so
// no piece holds a CR or LF and every line the patterns see is one the caller
// wrote. In a field line the name is the text before the first ':', which is
// the caller's name since it holds none; the value is the rest. In a request
// line method and target hold no SP, so the two SPs split it as written.
import { FIELD_VALUE_CHAR, FIELD_VCHAR, REASON_CHAR, TARGET_CHAR, TCHAR, classSource } from './chars.ts';

const TOKEN = `[${classSource(TCHAR)}]+`;
// RFC 9110 §5.5: field-value, and no OWS at either end (the decoder would trim it):
// empty, or field-vchar, then any value bytes, then field-vchar.
const VALUE = `(?:[${classSource(FIELD_VCHAR)}](?:[${classSource(FIELD_VALUE_CHAR)}]*[${classSource(FIELD_VCHAR)}])?)?`;
// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS, written with one SP.
const FIELD_LINE = `${TOKEN}: ${VALUE}\\r\\n`;

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version
// (the version was checked before: only its shape is matched here).
const REQUEST_LINE = new RegExp(`${TOKEN} [${classSource(TARGET_CHAR)}]+ HTTP/1\\.[01]\\r\\n`, 'y');
// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
// (version and code were checked before).
const STATUS_LINE = new RegExp(`HTTP/1\\.[01] [0-9]{3} [${classSource(REASON_CHAR)}]*\\r\\n`, 'y');

/** Field lines matched per call of FIELD_BLOCK; fewer go to one of TAILS. */
const BLOCK = 16;
const FIELD_BLOCK = new RegExp(`(?:${FIELD_LINE}){${BLOCK}}`, 'y');
/** TAILS[n]: n field lines, the blank line, the end. Built on first use. */
const TAILS: RegExp[] = [];

/**
 * `head` (a start line, `fields` field lines, the blank line, built by
 * encodeHead from pieces of which no field name holds ':') is a valid head.
 * `known` is the length of its start line when that line is known valid
 * (a status line of encoder.ts's own), else 0. False means some piece is
 * invalid: the caller finds which.
 */
export function headPasses(head: string, request: boolean, known: number, fields: number): boolean {
  let at = known;
  if (at === 0) {
    const start = request ? REQUEST_LINE : STATUS_LINE;
    start.lastIndex = 0;
    if (!start.test(head)) return false;
    at = start.lastIndex;
  }
  let left = fields;
  for (; left >= BLOCK; left -= BLOCK) {
    FIELD_BLOCK.lastIndex = at;
    if (!FIELD_BLOCK.test(head)) return false;
    at = FIELD_BLOCK.lastIndex;
  }
  const tail = (TAILS[left] ??= new RegExp(`(?:${FIELD_LINE}){${left}}\\r\\n$`, 'y'));
  tail.lastIndex = at;
  return tail.test(head);
}
