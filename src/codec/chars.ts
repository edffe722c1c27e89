// Byte-class tables: one 256-entry Uint8Array per ABNF rule, built from
// readable ranges. The decoder's inner loops are `while (TABLE[buf[i]]) i++`.
// Every table lives here so a grammar decision is made in one place.

type Range = string | readonly [number, number];

function byteTable(...ranges: Range[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const r of ranges) {
    if (typeof r === 'string') {
      for (let i = 0; i < r.length; i++) t[r.charCodeAt(i)] = 1;
    } else {
      for (let b = r[0]; b <= r[1]; b++) t[b] = 1;
    }
  }
  return t;
}

const DIGIT = [0x30, 0x39] as const;
const ALPHA_UPPER = [0x41, 0x5a] as const;
const ALPHA_LOWER = [0x61, 0x7a] as const;
const VCHAR = [0x21, 0x7e] as const;
const OBS_TEXT = [0x80, 0xff] as const;

// RFC 9110 §5.6.2
// token = 1*tchar
// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
export const TCHAR = byteTable("!#$%&'*+-.^_`|~", DIGIT, ALPHA_UPPER, ALPHA_LOWER);

// RFC 9112 §3.2: request-target = origin-form / absolute-form / authority-form / asterisk-form
// The forms are URI syntax (RFC 3986), which is all VCHAR. We check byte classes only
// (no URL parser, as h11 and httparse): 1*( %x21-7E ). Bytes >= 0x80 are rejected
// (httparse accepts UTF-8 here; llhttp and h11 reject, and so do we).
export const TARGET_CHAR = byteTable(VCHAR);

// RFC 9110 §5.5
// field-value  = *field-content
// field-vchar  = VCHAR / obs-text
// obs-text     = %x80-FF
// Inside a value SP and HTAB are allowed too, so this table is the set of bytes a
// value may hold: HTAB / SP / VCHAR / obs-text. NUL, CR, LF, other CTLs and DEL are not.
export const FIELD_VALUE_CHAR = byteTable('\t ', VCHAR, OBS_TEXT);

// RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) — the same set.
export const REASON_CHAR = FIELD_VALUE_CHAR;

// RFC 9110 §5.6.3: OWS = *( SP / HTAB )
export const OWS_CHAR = byteTable('\t ');

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

// RFC 5234 B.1: HEXDIG = DIGIT / "A" / "B" / "C" / "D" / "E" / "F", and
// RFC 5234 §2.3 makes quoted ABNF strings case-insensitive, so a-f too.
// RFC 9112 §7.1: chunk-size = 1*HEXDIG. The value of each is in HEX_VALUE.
export const HEXDIG = byteTable(DIGIT, [0x41, 0x46], [0x61, 0x66]);
export const HEX_VALUE = new Uint8Array(256);
for (let b = 0; b < 256; b++) if (HEXDIG[b]) HEX_VALUE[b] = b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10;

// RFC 9110 §5.6.4: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
// (FIELD_VALUE_CHAR without DQUOTE and backslash); a quoted-pair's second
// octet is any FIELD_VALUE_CHAR.
export const QDTEXT = byteTable('\t !', [0x23, 0x5b], [0x5d, 0x7e], OBS_TEXT);
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
