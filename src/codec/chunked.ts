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
import { BACKSLASH, CR, DQUOTE, EQUALS, FIELD_VALUE_CHAR, HEX_VALUE, HEXDIG, HTAB, LF, QDTEXT, SEMICOLON, SP, TCHAR } from './chars.ts';
import { type ErrorCode, HttpError, type StatusHint, escapeBytes, hexByte } from './errors.ts';
import { type ResolvedBodyOptions, bodyTooLarge } from './body-options.ts';

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

/** 2^49: a size at least this large overflows 2^53-1 with one more hex digit. */
const SIZE_SHIFT_LIMIT = 2 ** 49;

/**
 * The chunked framing state machine. BodyDecoder owns the bytes: it calls
 * scan() on what it has, hands out `dataLeft` bytes as data (telling the
 * reader with took()), and takes over at the trailer section.
 *
 * @example
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
            const why = c === CR || c === LF ? 'Missing chunk size' : c === SP || c === HTAB ? 'Whitespace before chunk size' : 'Invalid byte in chunk size';
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
          throw this.#error(buf, base, i, 'EPROTO', 'chunk-size', 'Invalid byte in chunk size');
        }
        case S_SIZE_BWS: {
          // "5 \r\n": BWS is part of chunk-ext, so whitespace after the size
          // must lead to a ";"; otherwise the size itself is malformed.
          if (c === SEMICOLON) state = S_EXT_NAME_START;
          else if (c !== SP && c !== HTAB) throw this.#error(buf, base, i, 'EPROTO', 'chunk-size', "Whitespace after chunk size without ';'");
          i++;
          continue;
        }
        case S_EXT_SEMI: {
          if (c === SEMICOLON) state = S_EXT_NAME_START;
          else if (c !== SP && c !== HTAB) throw this.#extError(buf, base, i, "Expected ';' after whitespace in chunk extensions");
          i++;
          continue;
        }
        case S_EXT_NAME_START: {
          if (TCHAR[c]) state = S_EXT_NAME;
          else if (c !== SP && c !== HTAB) throw this.#extError(buf, base, i, 'Invalid byte at the start of a chunk extension name');
          i++;
          continue;
        }
        case S_EXT_NAME: {
          if (TCHAR[c]) {
            i++;
            continue;
          }
          if (c === SP || c === HTAB) state = S_EXT_NAME_END;
          else if (c === EQUALS) state = S_EXT_VALUE_START;
          else if (c === SEMICOLON) state = S_EXT_NAME_START;
          else if (c === CR || c === LF) {
            state = this.#lineEnd(buf, base, i, S_SIZE_LF);
            i++;
            if (state === S_DATA) break;
            continue;
          } else throw this.#extError(buf, base, i, 'Invalid byte in chunk extension name');
          i++;
          continue;
        }
        case S_EXT_NAME_END: {
          if (c === EQUALS) state = S_EXT_VALUE_START;
          else if (c === SEMICOLON) state = S_EXT_NAME_START;
          else if (c !== SP && c !== HTAB) throw this.#extError(buf, base, i, "Expected '=' or ';' after whitespace in chunk extension");
          i++;
          continue;
        }
        case S_EXT_VALUE_START: {
          if (c === DQUOTE) state = S_EXT_QUOTED;
          else if (TCHAR[c]) state = S_EXT_TOKEN;
          else if (c !== SP && c !== HTAB) throw this.#extError(buf, base, i, 'Invalid byte at the start of a chunk extension value');
          i++;
          continue;
        }
        case S_EXT_TOKEN:
          if (TCHAR[c]) {
            i++;
            continue;
          }
        // falls through: the token ended
        case S_EXT_VALUE_END: {
          if (c === SP || c === HTAB) state = S_EXT_SEMI;
          else if (c === SEMICOLON) state = S_EXT_NAME_START;
          else if (c === CR || c === LF) {
            state = this.#lineEnd(buf, base, i, S_SIZE_LF);
            i++;
            if (state === S_DATA) break;
            continue;
          } else throw this.#extError(buf, base, i, 'Invalid byte after chunk extension value');
          i++;
          continue;
        }
        case S_EXT_QUOTED: {
          if (c === DQUOTE) state = S_EXT_VALUE_END;
          else if (c === BACKSLASH) state = S_EXT_QUOTED_PAIR;
          else if (!QDTEXT[c]) throw this.#extError(buf, base, i, 'Invalid byte in quoted chunk extension value');
          i++;
          continue;
        }
        case S_EXT_QUOTED_PAIR: {
          if (!FIELD_VALUE_CHAR[c]) throw this.#extError(buf, base, i, 'Invalid byte after backslash in chunk extension value');
          state = S_EXT_QUOTED;
          i++;
          continue;
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
          } else throw this.#error(buf, base, i, 'EPROTO', 'chunk-data', 'Chunk data not followed by CRLF');
          i++;
          continue;
        }
        case S_DATA_LF: {
          if (c !== LF) throw this.#error(buf, base, i, 'EPROTO', 'chunk-data', 'Chunk data not followed by CRLF');
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
        default:
          break;
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

  #extError(buf: Uint8Array, base: number, i: number, why: string): HttpError {
    return this.#error(buf, base, i, 'EPROTO', 'chunk-ext', why);
  }

  /**
   * The error for `buf[at]` (body offset `base + at`), with the line around it
   * as far as this buffer holds it, escaped. Failure is sticky in BodyDecoder.
   */
  #error(buf: Uint8Array, base: number, at: number, code: ErrorCode, rule: string, why: string, hint: StatusHint = 400): HttpError {
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
