// obs-fold replacement (RFC 9112 §5.2): "A user agent that receives an
// obs-fold in a response message ... MUST replace each received obs-fold with
// one or more SP octets prior to interpreting the field value." Here each
// becomes exactly one SP, as h11 does:
//
//   obs-fold = OWS CRLF RWS   ; the line break and the whitespace after it
//
// A held field's value and the text of each continuation (from its first byte
// after the RWS to its line end) are joined with one SP, and OWS is trimmed
// from the ends of the whole once the field is final. The bytes are copied
// once, as each continuation's record is read: O(n) in the folds.
import { SP, trimOws } from './chars.ts';
import { byteString } from './latin1.ts';

/** The value of one field being unfolded, across batches of records (records.ts). */
export class FoldJoin {
  /** Strings of earlier batches' segments, each already joined. */
  #pieces: string[] | null = null;
  /** This batch's segments, joined by SP, in scratch[0, #k); #segments counts them. */
  #scratch = new Uint8Array(256);
  #k = 0;
  #segments = 0;
  #folded = false;
  /** The value's raw bytes (u8 indices) while no continuation came in this batch: copied only if one does. */
  #from = -1;
  #to = 0;

  /** A field is held: its raw value (untrimmed, to the line end) is u8[from, to) of this batch. */
  start(from: number, to: number): void {
    this.clear();
    this.#from = from;
    this.#to = to;
  }

  /** Forget the field (its value was taken, or the head is dropped). */
  clear(): void {
    this.#pieces = null;
    this.#k = this.#segments = 0;
    this.#folded = false;
    this.#from = -1;
  }

  /** A continuation of the held field: its text is u8[from, to) of this batch. */
  add(u8: Uint8Array, from: number, to: number): void {
    this.#folded = true;
    if (this.#from >= 0) {
      this.#copy(u8, this.#from, this.#to);
      this.#from = -1;
    }
    this.#copy(u8, from, to);
  }

  /** The batch is consumed (its bytes may move): what it held of the field becomes a string. */
  endBatch(u8: Uint8Array, ascii: boolean): void {
    const piece = this.#from >= 0 ? byteString(u8, this.#from, this.#to, ascii) : this.#segments > 0 ? byteString(this.#scratch, 0, this.#k, ascii) : null;
    if (piece !== null) (this.#pieces ??= []).push(piece);
    this.#from = -1;
    this.#k = this.#segments = 0;
  }

  /** The held field is final: its unfolded, trimmed value, or null when no continuation came. */
  value(ascii: boolean): string | null {
    if (!this.#folded) return null;
    const pieces = this.#pieces;
    // add() copied this batch's raw value, if it was here, before the first continuation.
    const last = this.#segments > 0 ? byteString(this.#scratch, 0, this.#k, ascii) : null;
    this.clear();
    if (pieces === null) return trimOws(last!);
    return trimOws(last === null ? pieces.join(' ') : `${pieces.join(' ')} ${last}`);
  }

  /** Append u8[from, to) as the next segment, after one SP when a segment is here. */
  #copy(u8: Uint8Array, from: number, to: number): void {
    let k = this.#k;
    let out = this.#scratch;
    if (k + 1 + (to - from) > out.length) {
      const bigger = new Uint8Array(Math.max(out.length * 2, k + 1 + (to - from)));
      bigger.set(out.subarray(0, k), 0);
      out = this.#scratch = bigger;
    }
    if (this.#segments++ > 0) out[k++] = SP;
    for (let i = from; i < to; i++) out[k++] = u8[i]!;
    this.#k = k;
  }
}
