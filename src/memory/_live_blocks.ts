// The allocation map of `newDeleteResource`: live block address → the request it answered.
//
// An open-addressing hash table over typed arrays (linear probing, backward-shift deletion, load
// at most 1/2), because every allocate inserts and every deallocate looks up and removes: measured
// several times cheaper per pair than a `Map` with the same keys. Addresses are positive integers
// below 2^31, so 0 marks an empty cell.

const EMPTY = 0;

/** A set of live addresses, each with a number. */
export class LiveBlocks {
  #keys = new Int32Array(1024);
  #values = new Float64Array(1024);
  #mask = 1023;
  #size = 0;

  /** How many addresses are live. */
  get size(): number {
    return this.#size;
  }

  /**
   * The cell `ptr` hashes to: the 512-byte region it lies in is hashed, its 8-byte offset in the
   * region is added. Blocks allocated one after another then sit in neighbouring cells, so with a
   * million blocks live a lookup misses the cache once per region rather than once per block (a
   * pair on `newDeleteResource` with 10^6 blocks live: ~260 -> ~110 ns; a million nested awaits,
   * each taking and freeing a frame, ~6% faster). Hashing every address alone scatters neighbours;
   * not hashing piles blocks a power of two apart into one probe run. Longest lookups over 50,000
   * addresses (dense 8/16/40/48-byte blocks, strides of 256 B, 4 KiB and 64 KiB, random): at most
   * 16 cells, against 45 for the per-address hash (tests/allocators/live_blocks_test.ts).
   */
  #home(ptr: number): number {
    return ((Math.imul(ptr >>> 9, 0x9e3779b1) >>> 7) + ((ptr >>> 3) & 63)) & this.#mask;
  }

  /**
   * @ignore For tests: the most cells a lookup of a live address walks (1 when every address is
   * in its home cell).
   */
  longestProbe(): number {
    const keys = this.#keys;
    let longest = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== EMPTY) longest = Math.max(longest, ((i - this.#home(k)) & this.#mask) + 1);
    }
    return longest;
  }

  /** Records `ptr` (not present) with `value`. */
  add(ptr: number, value: number): void {
    if (++this.#size * 2 > this.#mask) this.#grow();
    const keys = this.#keys;
    let i = this.#home(ptr);
    while (keys[i] !== EMPTY) i = (i + 1) & this.#mask;
    keys[i] = ptr;
    this.#values[i] = value;
  }

  /** The value of `ptr`, or undefined when it is not live. */
  get(ptr: number): number | undefined {
    const i = this.#find(ptr);
    return i < 0 ? undefined : this.#values[i];
  }

  /** Replaces the value of a live `ptr`. */
  set(ptr: number, value: number): void {
    const i = this.#find(ptr);
    if (i >= 0) this.#values[i] = value;
  }

  /**
   * Removes `ptr` if its value is `value`; returns whether it did. One probe sequence serves both
   * the check and the removal.
   */
  take(ptr: number, value: number): boolean {
    const i = this.#find(ptr);
    if (i < 0 || this.#values[i] !== value) return false;
    this.#removeAt(i);
    return true;
  }

  #find(ptr: number): number {
    if ((ptr | 0) !== ptr || ptr <= 0) return -1;
    const keys = this.#keys;
    const mask = this.#mask;
    let i = this.#home(ptr);
    for (;;) {
      const k = keys[i];
      if (k === ptr) return i;
      if (k === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  // Backward-shift deletion: pull later entries of the probe run into the hole, so lookups never
  // need tombstones.
  #removeAt(hole: number): void {
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    let i = hole;
    for (;;) {
      i = (i + 1) & mask;
      const k = keys[i];
      if (k === EMPTY) break;
      const home = this.#home(k);
      // Move k into the hole unless its home lies cyclically in (hole, i].
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        keys[hole] = k;
        values[hole] = values[i];
        hole = i;
      }
    }
    keys[hole] = EMPTY;
    this.#size--;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const n = keys.length * 2;
    this.#keys = new Int32Array(n);
    this.#values = new Float64Array(n);
    this.#mask = n - 1;
    const size = this.#size;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== EMPTY) this.add(keys[i], values[i]);
    }
    this.#size = size;
  }
}
