// The chunked transfer coding's framing (RFC 9112 §7.1), one byte at a time:
// chunk-size lines with their extensions, and the CRLF after chunk data. The
// data itself is never scanned here: the reader only counts it down while
// BodyDecoder hands it out as views. The trailer section goes to trailers.ts.
//
//   chunked-body   = *chunk last-chunk trailer-section CRLF
//   chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   chunk-size     = 1*HEXDIG
//   last-chunk     = 1*("0") [ chunk-ext ] CRLF
//   chunk-data     = 1*OCTET ; a sequence of chunk-size octets
//   chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//   chunk-ext-name = token
//   chunk-ext-val  = token / quoted-string
//   BWS            = OWS (RFC 9110 §5.6.3)
//
// Strict, because chunk lines are where request smuggling lives: no sign,
// "0x" or whitespace around the size (BWS only where a ";" follows), sizes
// past 2^53-1 refused rather than wrapped, extensions checked against the
// grammar (and dropped), exactly CRLF after the data (no "any two bytes"
// skip), a bare CR never a line end, a bare LF only with lenient.lfOnly.
//
// INVARIANT: every byte of the framing is looked at once, in scan(); the
// verdict and the offset of an error depend only on the bytes, never on how
// they were split across scan() calls.
import { BACKSLASH, CR, DQUOTE, EQUALS, FIELD_VALUE_CHAR, HEX_VALUE, HEXDIG, HTAB, LF, QDTEXT, SEMICOLON, SP, TCHAR, hexByte } from './chars.ts';
import { type ErrorCode, HttpError, type StatusHint, escapeBytes } from './errors.ts';
import { type ResolvedBodyOptions, bodyTooLarge } from './body-options.ts';
import type { Rule } from './rules.ts';

// States are named for what the reader waits for.
const S_SIZE_START = 0; //       the first HEXDIG of a chunk-size
const S_SIZE = 1; //             more HEXDIG, or what ends the size
// S_SIZE_BWS..S_EXT_VALUE_END read chunk-ext: their bytes count toward maxChunkExtensions.
const S_SIZE_BWS = 2; //         BWS after the size: only ";" may follow
const S_EXT_SEMI = 3; //         BWS after an extension value: only ";" may follow
const S_EXT_NAME_START = 4; //   BWS after ";", then the extension name
const S_EXT_NAME = 5; //         the rest of the name
const S_EXT_NAME_END = 6; //     BWS after the name, then "=" or ";"
const S_EXT_VALUE_START = 7; //  BWS after "=", then a token or a quoted-string
const S_EXT_TOKEN = 8; //        the rest of a token value
const S_EXT_QUOTED = 9; //       inside a quoted-string value
const S_EXT_QUOTED_PAIR = 10; // the octet after a backslash
const S_EXT_VALUE_END = 11; //   after a value: BWS, ";" or the line end
const S_SIZE_LF = 12; //         the LF after the size line's CR
const S_DATA = 13; //            chunk data (counted down by took(), not scanned)
const S_DATA_CR = 14; //         the CR after chunk data
const S_DATA_LF = 15; //         the LF after chunk data
const S_LAST = 16; //            after the last-chunk line: the final CRLF or a trailer field
const S_END_LF = 17; //          the LF of the final blank line
const S_TRAILERS = 18; //        the trailer section (handed to trailers.ts)
const S_END = 19; //             nothing: the body is complete

/** What the reader waits for, as BodyDecoder needs to know it. */
export type ChunkedPhase = 'framing' | 'data' | 'trailers' | 'end';

const NOT_CRLF_AFTER_DATA = 'Chunk data not followed by CRLF';
const BAD_SIZE_BYTE = 'Invalid byte in chunk size';

/** 2^49: a size at least this large overflows 2^53-1 with one more hex digit. */
const SIZE_SHIFT_LIMIT = 2 ** 49;

// chunk-ext as data: for each state from S_SIZE_BWS to S_EXT_VALUE_END, the
// state each byte leads to, EXT_EOL for a line end (CR or LF), EXT_ERROR for
// a byte the grammar (quoted at the top) does not allow there.
//   chunk-ext     = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//   chunk-ext-val = token / quoted-string
//   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
const EXT_EOL = 254;
const EXT_ERROR = 255;
const EXT_NEXT: Uint8Array[] = [];
/** The message for a byte that has no transition, per extension state. */
const EXT_ERROR_WHY: string[] = [];
{
  const BWS = [SP, HTAB];
  const EOL = [CR, LF];
  const row = (state: number, why: string, ...moves: Array<[bytes: number[] | Uint8Array, next: number]>): void => {
    const t = new Uint8Array(256).fill(EXT_ERROR);
    for (const [set, next] of moves) {
      if (set instanceof Uint8Array) for (let b = 0; b < 256; b++) if (set[b]) t[b] = next;
      if (Array.isArray(set)) for (const b of set) t[b] = next;
    }
    EXT_NEXT[state - S_SIZE_BWS] = t;
    EXT_ERROR_WHY[state - S_SIZE_BWS] = why;
  };
  const afterValue: Array<[number[], number]> = [[BWS, S_EXT_SEMI], [[SEMICOLON], S_EXT_NAME_START], [EOL, EXT_EOL]];
  row(S_SIZE_BWS, "Whitespace after chunk size without ';'", [BWS, S_SIZE_BWS], [[SEMICOLON], S_EXT_NAME_START]);
  row(S_EXT_SEMI, "Expected ';' after whitespace in chunk extensions", [BWS, S_EXT_SEMI], [[SEMICOLON], S_EXT_NAME_START]);
  row(S_EXT_NAME_START, 'Invalid byte at the start of a chunk extension name', [BWS, S_EXT_NAME_START], [TCHAR, S_EXT_NAME]);
  row(
    S_EXT_NAME,
    'Invalid byte in chunk extension name',
    [TCHAR, S_EXT_NAME],
    [BWS, S_EXT_NAME_END],
    [[EQUALS], S_EXT_VALUE_START],
    [[SEMICOLON], S_EXT_NAME_START],
    [EOL, EXT_EOL],
  );
  row(S_EXT_NAME_END, "Expected '=' or ';' after whitespace in chunk extension", [BWS, S_EXT_NAME_END], [[EQUALS], S_EXT_VALUE_START], [[SEMICOLON], S_EXT_NAME_START]);
  row(S_EXT_VALUE_START, 'Invalid byte at the start of a chunk extension value', [BWS, S_EXT_VALUE_START], [[DQUOTE], S_EXT_QUOTED], [TCHAR, S_EXT_TOKEN]);
  row(S_EXT_TOKEN, 'Invalid byte after chunk extension value', [TCHAR, S_EXT_TOKEN], ...afterValue);
  row(S_EXT_QUOTED, 'Invalid byte in quoted chunk extension value', [QDTEXT, S_EXT_QUOTED], [[DQUOTE], S_EXT_VALUE_END], [[BACKSLASH], S_EXT_QUOTED_PAIR]);
  row(S_EXT_QUOTED_PAIR, 'Invalid byte after backslash in chunk extension value', [FIELD_VALUE_CHAR, S_EXT_QUOTED]);
  row(S_EXT_VALUE_END, 'Invalid byte after chunk extension value', ...afterValue);
}

/**
 * The chunked framing state machine. BodyDecoder owns the bytes: it calls
 * scan() on what it has, hands out `dataLeft` bytes as data (telling the
 * reader with took()), and takes over at the trailer section.
 *
 * Internal; for example:
 * ```ts
 * const r = new ChunkedReader(resolveBodyOptions());
 * const wire = new TextEncoder().encode('3\r\nabc\r\n0\r\n\r\n');
 * let i = r.scan(wire, 0, 0); // 3: stopped at the data
 * r.took(3); // r.phase === 'framing'
 * r.scan(wire, i + 3, 0); // r.phase === 'end'
 * ```
 */
export class ChunkedReader {
  readonly #o: ResolvedBodyOptions;
  #state = S_SIZE_START;
  /** Chunk data still to come in the current chunk. */
  #left = 0;
  #size = 0;
  /** Body offset of the current chunk-size's first digit. */
  #sizeAt = 0;
  /** Data bytes announced so far, the current chunk included. */
  #declared = 0;
  /** Extension bytes so far, over every chunk. */
  #ext = 0;
  /** Index in the buffer being scanned where the current line starts (0 when it began in an earlier one). */
  #lineStart = 0;

  constructor(options: ResolvedBodyOptions) {
    this.#o = options;
  }

  get phase(): ChunkedPhase {
    const s = this.#state;
    return s === S_DATA ? 'data' : s === S_TRAILERS ? 'trailers' : s === S_END ? 'end' : 'framing';
  }

  /** Bytes of chunk data still to come in this chunk (phase `data`). */
  get dataLeft(): number {
    return this.#left;
  }

  /** `n` (at most dataLeft) bytes of chunk data were handed out. */
  took(n: number): void {
    this.#left -= n;
    if (this.#left === 0) this.#state = S_DATA_CR;
  }

  /**
   * Scan `buf[i, buf.length)`, whose first byte is at body offset `base + i`,
   * until the bytes run out or the phase becomes `data`, `trailers` or `end`.
   * Returns the index of the first byte not consumed. Throws HttpError.
   */
  scan(buf: Uint8Array, i: number, base: number): number {
    const e = buf.length;
    const o = this.#o;
    let state = this.#state;
    let c = 0;
    this.#lineStart = i;
    while (i < e) {
      c = buf[i]!;
      if (state >= S_SIZE_BWS && state <= S_EXT_VALUE_END && c !== CR && c !== LF) this.#countExtension(buf, base, i);
      switch (state) {
        case S_SIZE_START: {
          if (!HEXDIG[c]) {
            const why = c === CR || c === LF ? 'Missing chunk size' : c === SP || c === HTAB ? 'Whitespace before chunk size' : BAD_SIZE_BYTE;
            throw this.#error(buf, base, i, 'EPROTO', 'chunk-size', why);
          }
          this.#lineStart = i;
          this.#sizeAt = base + i;
          this.#size = HEX_VALUE[c]!;
          state = S_SIZE;
          i++;
          continue;
        }
        case S_SIZE: {
          let size = this.#size;
          while (i < e && HEXDIG[(c = buf[i]!)]) {
            if (size >= SIZE_SHIFT_LIMIT) {
              throw this.#error(buf, base, i, 'EPROTO', 'chunk-size', `Chunk size overflows 2^53-1 (${Number.MAX_SAFE_INTEGER})`);
            }
            size = size * 16 + HEX_VALUE[c]!;
            i++;
          }
          this.#size = size;
          if (i === e) break;
          // The size is complete: the body limit is decided before any of its data.
          if (this.#declared + size > o.maxBody) {
            const at = this.#sizeAt - base;
            throw this.#error(buf, base, at, 'EMSGSIZE', 'body-too-large', bodyTooLarge(o.maxBody), 413);
          }
          this.#declared += size;
          if (c === SEMICOLON || c === SP || c === HTAB) {
            this.#countExtension(buf, base, i);
            state = c === SEMICOLON ? S_EXT_NAME_START : S_SIZE_BWS;
            i++;
            continue;
          }
          if (c === CR || c === LF) {
            state = this.#lineEnd(buf, base, i, S_SIZE_LF);
            i++;
            if (state === S_DATA) break;
            continue;
          }
          throw this.#error(buf, base, i, 'EPROTO', 'chunk-size', BAD_SIZE_BYTE);
        }
        case S_SIZE_LF:
        case S_END_LF: {
          if (c !== LF) throw this.#error(buf, base, i - 1, 'EPROTO', 'bare-cr', 'Bare CR');
          i++;
          if (state === S_END_LF) {
            state = S_END;
            break;
          }
          state = this.#sizeLineDone();
          if (state === S_DATA) break;
          continue;
        }
        case S_DATA_CR: {
          // Exactly CRLF after the data; anything else (the "two bytes after
          // chunk data" that some parsers skip unchecked) is refused.
          if (c === CR) state = S_DATA_LF;
          else if (c === LF && o.lfOnly) {
            state = S_SIZE_START;
            this.#lineStart = i + 1;
          } else throw this.#error(buf, base, i, 'EPROTO', 'chunk-data', NOT_CRLF_AFTER_DATA);
          i++;
          continue;
        }
        case S_DATA_LF: {
          if (c !== LF) throw this.#error(buf, base, i, 'EPROTO', 'chunk-data', NOT_CRLF_AFTER_DATA);
          state = S_SIZE_START;
          i++;
          this.#lineStart = i;
          continue;
        }
        case S_LAST: {
          // The common end, no trailer fields, is read here; anything else is
          // the trailer section's (trailers.ts), which also enforces its limit
          // on this line when that limit is below its length.
          if (c === CR && o.maxTrailerSize >= 2) {
            state = S_END_LF;
            i++;
            continue;
          }
          if (c === LF && o.lfOnly && o.maxTrailerSize >= 1) {
            state = S_END;
            i++;
            break;
          }
          state = S_TRAILERS;
          break;
        }
        default: {
          if (state > S_EXT_VALUE_END) break; // S_DATA, S_TRAILERS, S_END: not scanned here
          // chunk-ext, by the transition table.
          const next = EXT_NEXT[state - S_SIZE_BWS]![c]!;
          if (next === EXT_EOL) {
            state = this.#lineEnd(buf, base, i, S_SIZE_LF);
            i++;
            if (state === S_DATA) break;
            continue;
          }
          if (next === EXT_ERROR) {
            // "5 \r\n": whitespace after the size that no ";" follows makes the size malformed.
            const rule = state === S_SIZE_BWS ? 'chunk-size' : 'chunk-ext';
            throw this.#error(buf, base, i, 'EPROTO', rule, EXT_ERROR_WHY[state - S_SIZE_BWS]!);
          }
          state = next;
          i++;
          continue;
        }
      }
      break;
    }
    this.#state = state;
    return i;
  }

  /** The size line ended at `buf[i]` (CR or LF): the next state, or a bare-LF error. */
  #lineEnd(buf: Uint8Array, base: number, i: number, afterCr: number): number {
    if (buf[i] === CR) return afterCr;
    if (!this.#o.lfOnly) throw this.#error(buf, base, i, 'EPROTO', 'bare-lf', 'Bare LF');
    return this.#sizeLineDone();
  }

  /** The chunk-size line is complete: data follows, or the last chunk's trailer section. */
  #sizeLineDone(): number {
    if (this.#size === 0) return S_LAST;
    this.#left = this.#size;
    return S_DATA;
  }

  /** One more chunk-extension byte, at `buf[i]`; past the cap it is EMSGSIZE. */
  #countExtension(buf: Uint8Array, base: number, i: number): void {
    const max = this.#o.maxExtensions;
    if (++this.#ext <= max) return;
    const why = `Chunk extensions longer than ${max} bytes in this body (maxChunkExtensions)`;
    throw this.#error(buf, base, i, 'EMSGSIZE', 'chunk-extensions-too-large', why, 413);
  }

  /**
   * The error for `buf[at]` (body offset `base + at`), with the line around it
   * as far as this buffer holds it, escaped. Failure is sticky in BodyDecoder.
   */
  #error(buf: Uint8Array, base: number, at: number, code: ErrorCode, rule: Rule, why: string, hint: StatusHint = 400): HttpError {
    const offset = base + at;
    const shown = at >= 0 && at < buf.length ? `: byte ${hexByte(buf[at]!)}` : '';
    let from = Math.max(0, Math.min(this.#lineStart, at));
    let to = Math.max(at, 0);
    while (to < buf.length && buf[to] !== LF) to++;
    if (to < buf.length) to++;
    if (to - from > 120) {
      from = Math.max(from, at - 60);
      to = Math.min(to, from + 120);
    }
    const line = to > from ? `: "${escapeBytes(buf, from, to)}"` : '';
    return new HttpError(code, `${why}${shown} at offset ${offset}${line}`, { offset, rule, statusHint: hint });
  }
}
