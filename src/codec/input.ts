// The bytes received and not yet consumed: the chunks as the caller handed
// them over (never copied at receive(), except small ones: see append()) and
// the work area the scanner reads. The scanner reads only the work area, an
// aligned buffer it can read four bytes at a time through an Int32Array, with
// a stop byte written after the bytes it may look at; bytes are copied into it
// as the scanner needs them, never past the head limit, so a chunk that
// carries a body after the head is copied only up to the limit (COPY_STEP at
// a time).

const NONE = new Uint8Array(0);
const NO_WORDS = new Int32Array(0);
/** First size of a work area the decoder allocates itself. */
const FIRST_WORK = 512;
/** Most bytes one pull() copies: a head is rarely longer, and a body after it is not copied in bulk. */
const COPY_STEP = 4096;

/**
 * The chunks received but not yet copied, in order. Chunks are kept by
 * reference, never copied. Slots are reused rather than the array shrunk and
 * regrown, so a byte-at-a-time peer costs no allocation per chunk here.
 *
 * INVARIANT: #items[#head, #tail) are the queued chunks, none empty; every slot
 * outside that range holds NONE, so a consumed chunk is not kept alive.
 */
export class ChunkQueue {
  #items: Uint8Array[] = [];
  #head = 0;
  #tail = 0;

  get empty(): boolean {
    return this.#head === this.#tail;
  }

  push(chunk: Uint8Array): void {
    if (this.#tail === this.#items.length && this.#head > 0 && this.#head * 2 >= this.#tail) {
      this.#items.copyWithin(0, this.#head, this.#tail);
      this.#items.fill(NONE, this.#tail - this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    this.#items[this.#tail++] = chunk;
  }

  /** The first chunk, without removing it. Only when not empty. */
  peek(): Uint8Array {
    return this.#items[this.#head]!;
  }

  /** Drop the first `n` bytes of the first chunk (all of it when n is its length). */
  consume(n: number): void {
    const first = this.#items[this.#head]!;
    if (n < first.length) {
      this.#items[this.#head] = first.subarray(n);
      return;
    }
    this.#items[this.#head++] = NONE;
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
  }

  /** Total bytes queued. */
  byteLength(): number {
    let n = 0;
    for (let j = this.#head; j < this.#tail; j++) n += this.#items[j]!.length;
    return n;
  }

  /**
   * `first` followed by the queued chunks from the `skip`-th on: a view when
   * that is one piece, else a copy.
   */
  concatAfter(first: Uint8Array, skip = 0): Uint8Array {
    const from = this.#head + skip;
    const count = this.#tail - from;
    if (count <= 0) return first;
    if (count === 1 && first.length === 0) return this.#items[from]!;
    let n = first.length;
    for (let j = from; j < this.#tail; j++) n += this.#items[j]!.length;
    const out = new Uint8Array(n);
    out.set(first, 0);
    n = first.length;
    for (let j = from; j < this.#tail; j++) {
      out.set(this.#items[j]!, n);
      n += this.#items[j]!.length;
    }
    return out;
  }

  clear(): void {
    this.#items.fill(NONE, this.#head, this.#tail);
    this.#head = this.#tail = 0;
  }
}

/**
 * The work area and the queue behind it.
 *
 * INVARIANTS: u8[0, end) are stream bytes, u8[0] at absolute offset `base`;
 * u8[pos, end) are kept (pos is the start of the line the scanner is in: a
 * value's trailing OWS is found from its line end, and errors show the line);
 * the scanner has looked at u8[pos, at). i32 views the same memory, word k
 * being u8[4k, 4k + 4); the queue holds the stream bytes after u8[end). A work
 * area the decoder owns always has room for a stop byte after u8[end).
 */
export class Input {
  u8: Uint8Array = NONE;
  i32: Int32Array = NO_WORDS;
  base = 0;
  end = 0;
  pos = 0;
  at = 0;
  eof = false;
  readonly queue = new ChunkQueue();
  /** The caller's buffer (aligned part), when given: the only work area then. */
  readonly #storage: Uint8Array | null;
  /** The chunk the last pull() copied from: u8[k] is #src[k - #srcAt] for k in [max(#srcAt, 0), end). Null once other bytes follow. */
  #src: Uint8Array | null = null;
  #srcAt = 0;

  constructor(storage: Uint8Array | undefined) {
    this.#storage = storage === undefined ? null : alignedPart(storage);
    if (this.#storage !== null) this.#use(this.#storage);
  }

  /**
   * receive() of a small chunk from a trickling peer: copy it straight after
   * the bytes already here, when it fits (leaving room for the stop byte) and
   * nothing is queued before it. Copying a few bytes costs less than a queue
   * round trip. Returns false (nothing done) otherwise.
   */
  append(bytes: Uint8Array): boolean {
    const n = bytes.length;
    const end = this.end;
    const u8 = this.u8;
    if (end + n >= u8.length || !this.queue.empty) return false;
    if (n === 1) u8[end] = bytes[0]!;
    else u8.set(bytes, end);
    this.end = end + n;
    if (this.#src !== null) this.#src = null; // a store on every byte costs more than the check
    return true;
  }

  /** append() of one byte `c`, for a peer sending a byte per packet: no array to copy from. */
  appendByte(c: number): boolean {
    const end = this.end;
    const u8 = this.u8;
    if (end + 1 >= u8.length || !this.queue.empty) return false;
    u8[end] = c;
    this.end = end + 1;
    if (this.#src !== null) this.#src = null;
    return true;
  }

  /** Bytes are about to be written after u8[end] without append(): the work area stops mirroring the chunk last pulled. */
  unlinkSource(): void {
    this.#src = null;
  }

  /**
   * Copy the next queued bytes, at most `room` (> 0) of them, after u8[end),
   * keeping u8[pos, end). Returns false when nothing is queued.
   */
  pull(room: number): boolean {
    const q = this.queue;
    if (q.empty) return false;
    if (this.pos === this.end) this.#shift(this.pos); // nothing to keep: start over at 0, for free
    const chunk = q.peek();
    let n = chunk.length < room ? chunk.length : room;
    if (n > COPY_STEP) n = COPY_STEP;
    if (this.end + n >= this.u8.length) this.#makeRoom(n);
    if (this.end + n > this.u8.length) n = this.u8.length - this.end; // never with storage: the limit stops first
    const end = this.end;
    this.u8.set(n === chunk.length ? chunk : chunk.subarray(0, n), end);
    this.#src = chunk;
    this.#srcAt = end;
    this.end = end + n;
    q.consume(n);
    return true;
  }

  /** The caller's storage is full: drop the bytes before the current line. Returns false when there are none. */
  compact(): boolean {
    if (this.pos === 0) return false;
    this.u8.copyWithin(0, this.pos, this.end);
    this.#shift(this.pos);
    return true;
  }

  /**
   * Make room for a stop byte after u8[end] (a full caller storage has none):
   * the unfinished line moves to a buffer of its own. Only for a head that
   * cannot end inside its limit, so the allocation is not per message.
   */
  roomForStop(): void {
    if (this.end < this.u8.length) return;
    const keep = this.end - this.pos;
    const u8 = new Uint8Array((keep + 8) & ~3);
    u8.set(this.u8.subarray(this.pos, this.end), 0);
    this.#shift(this.pos);
    this.#use(u8);
  }

  /**
   * Every byte from u8[pos] on, across the queue: a view of a received chunk
   * (or of the caller's storage) when they sit in one piece; a copy otherwise.
   * The work area the decoder owns is always copied: it is written again.
   */
  rest(): Uint8Array {
    const src = this.#src;
    const q = this.queue;
    if (src !== null && this.pos >= this.#srcAt) {
      // u8[pos, end) are src[pos - srcAt, end - srcAt); the queue's first chunk is src's uncopied tail, if any.
      const copied = this.end - this.#srcAt;
      if (copied === src.length || q.empty) return q.concatAfter(src.subarray(this.pos - this.#srcAt, copied));
      return q.concatAfter(src.subarray(this.pos - this.#srcAt), 1);
    }
    const left = this.u8.subarray(this.pos, this.end);
    return q.concatAfter(this.#storage === null && left.length > 0 ? left.slice() : left);
  }

  /** Drop everything received (after an error): offsets continue from the end of it. */
  dropAll(): void {
    this.base += this.end + this.queue.byteLength();
    this.queue.clear();
    this.end = this.pos = this.at = 0;
    this.#src = null;
    if (this.#storage !== null && this.u8 !== this.#storage) this.#use(this.#storage);
  }

  /**
   * One-shot use: `bytes` is the whole stream, from offset 0. A short input
   * is copied at once (no queue round trip); `limit` caps the copy.
   */
  load(bytes: Uint8Array, limit: number): void {
    this.base = this.end = this.pos = this.at = 0;
    this.eof = false;
    const n = bytes.length;
    if (n > COPY_STEP || n > limit || n >= this.u8.length - 1 || this.#storage !== null) {
      this.queue.push(bytes);
      return;
    }
    this.u8.set(bytes, 0);
    this.end = n;
    this.#src = bytes;
    this.#srcAt = 0;
  }

  /** After a one-shot use: keep no reference to the caller's bytes. */
  release(): void {
    if (!this.queue.empty) this.queue.clear();
    this.#src = null;
    this.end = this.pos = this.at = 0;
  }

  /** Room for `n` more bytes (and a stop byte, in an own work area): drop what the scanner is done with, then grow. */
  #makeRoom(n: number): void {
    this.compact();
    const need = this.end + n + 1;
    if (need <= this.u8.length || this.#storage !== null) return;
    let size = this.u8.length > 0 ? this.u8.length * 2 : FIRST_WORK;
    while (size < need) size *= 2;
    const u8 = new Uint8Array(size);
    u8.set(this.u8.subarray(0, this.end), 0);
    this.#use(u8);
  }

  /** Forget u8[0, by): indices move down by `by`. */
  #shift(by: number): void {
    this.base += by;
    this.end -= by;
    this.pos -= by;
    this.at -= by;
    this.#srcAt -= by;
  }

  #use(u8: Uint8Array): void {
    this.u8 = u8;
    this.i32 = new Int32Array(u8.buffer, u8.byteOffset, u8.length >> 2);
  }
}

/** The part of `storage` from its first 4-byte-aligned byte (an Int32Array needs the alignment). */
export function alignedPart(storage: Uint8Array): Uint8Array {
  const skip = (4 - (storage.byteOffset & 3)) & 3;
  return skip === 0 ? storage : storage.subarray(Math.min(skip, storage.length));
}
