const NONE = new Uint8Array(0);

/**
 * The chunks received but not yet looked at, in order. Chunks are kept by
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

  /** `first` followed by every queued chunk: a view when that is one piece, else a copy. */
  concatAfter(first: Uint8Array): Uint8Array {
    const count = this.#tail - this.#head;
    if (count === 0) return first;
    if (count === 1 && first.length === 0) return this.#items[this.#head]!;
    const out = new Uint8Array(first.length + this.byteLength());
    out.set(first, 0);
    let n = first.length;
    for (let j = this.#head; j < this.#tail; j++) {
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
