/**
 * `PoolResource`: size-class pools with LIFO free lists.
 *
 * @module
 */

import { getDefaultResource } from "./default_resource.ts";
import type { MemoryResource, ResourceStats } from "./memory_resource.ts";
import { argsOk, intOption, rejectArgs, statsView } from "./_resource_util.ts";

/** Options for `new PoolResource(...)`. */
export interface PoolOptions {
  /** The most blocks one chunk taken from upstream may hold. Default 256. */
  maxBlocksPerChunk?: number;
  /**
   * Requests bigger than this (after rounding up to a power of two and to the alignment) bypass
   * the pools and go straight to upstream. Default 4096, at most 2^20.
   */
  largestRequiredPoolBlock?: number;
  /** Where chunks and oversized blocks come from. Default `getDefaultResource()` at construction. */
  upstream?: MemoryResource;
}

const NAME = "PoolResource";
const MIN_CLASS = 8;
// A first chunk holds about this many bytes; each later chunk of a class holds twice the blocks of
// the one before, up to maxBlocksPerChunk.
const FIRST_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 2 ** 26;

/**
 * Size-class pools (the analogue of `std::pmr::unsynchronized_pool_resource`). Requests are
 * rounded up to a power-of-two class of at least 8 bytes and at least the alignment; each class
 * carves blocks from chunks taken from `upstream` (chunks grow from about 1 KiB worth of blocks,
 * doubling, up to `maxBlocksPerChunk` blocks) and keeps freed blocks on a LIFO free list, so the
 * most recently freed block is handed out first. Requests above `largestRequiredPoolBlock` go
 * straight to `upstream`. `release()` (also `[Symbol.dispose]()`) returns every chunk and
 * oversized block to `upstream`; the pool stays usable.
 *
 * The free lists are JS arrays of addresses used as stacks, so an allocate/deallocate pair is a
 * pop and a push: no Wasm call, and no read of the Wasm memory (measured faster than links threaded
 * through the freed blocks and read via a view of the resizable Wasm buffer).
 *
 * @example
 * ```ts
 * import { PoolResource } from "@coro/task";
 *
 * using pool = new PoolResource({ largestRequiredPoolBlock: 512 });
 * const a = pool.allocate(48);
 * pool.deallocate(a, 48);
 * console.log(pool.allocate(40) === a); // true: same 64-byte class, most recently freed first
 * ```
 */
export class PoolResource implements MemoryResource {
  /** Counts of the calls made on this pool (bytes as requested, before rounding). */
  readonly stats: ResourceStats;
  // Counters live in fields of the pool itself so the hot path touches no other object.
  #allocations = 0;
  #deallocations = 0;
  #bytesInUse = 0;
  #peakBytes = 0;
  readonly #upstream: MemoryResource;
  readonly #maxBlocks: number;
  readonly #largest: number;
  // Per size class (class c holds blocks of 8 << c bytes): the free list as a stack of addresses
  // (top = most recently freed), the unused tail [cur, end) of the newest chunk, and the block
  // count of the next chunk.
  #free: number[][];
  readonly #cur: Int32Array;
  readonly #end: Int32Array;
  readonly #nextBlocks: Int32Array;
  // Chunks as (ptr, bytes, align) triples, oldest first.
  #chunks: number[] = [];
  // Oversized blocks, by address: [bytes, align] as the caller gave them.
  #large: Map<number, [number, number]> = new Map();

  /** A pool with the given limits, taking its memory from `upstream`. */
  constructor(options: PoolOptions = {}) {
    this.stats = statsView(() => ({
      bytesInUse: this.#bytesInUse,
      peakBytes: this.#peakBytes,
      allocations: this.#allocations,
      deallocations: this.#deallocations,
    }));
    this.#maxBlocks = intOption(
      NAME,
      "maxBlocksPerChunk",
      options.maxBlocksPerChunk,
      256,
      1,
      2 ** 20,
    );
    const largest = intOption(
      NAME,
      "largestRequiredPoolBlock",
      options.largestRequiredPoolBlock,
      4096,
      1,
      2 ** 20,
    );
    this.#largest = Math.max(MIN_CLASS, 2 ** Math.ceil(Math.log2(largest)));
    this.#upstream = options.upstream ?? getDefaultResource();
    const classes = Math.log2(this.#largest / MIN_CLASS) + 1;
    this.#free = [];
    this.#cur = new Int32Array(classes);
    this.#end = new Int32Array(classes);
    this.#nextBlocks = new Int32Array(classes);
    this.#resetClasses();
  }

  /** The largest request served from a pool; bigger ones go to upstream. */
  get largestRequiredPoolBlock(): number {
    return this.#largest;
  }

  /** The most blocks in one chunk. */
  get maxBlocksPerChunk(): number {
    return this.#maxBlocks;
  }

  /** The resource chunks and oversized blocks come from. */
  upstreamResource(): MemoryResource {
    return this.#upstream;
  }

  /** `bytes` bytes aligned to `align` (default 8): the most recently freed block of its class. */
  allocate(bytes: number, align = 8): number {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.allocate`, bytes, align);
    const n = bytes > align ? bytes : align;
    if (n > this.#largest) return this.#allocateLarge(bytes, align);
    const c = n <= MIN_CLASS ? 0 : 29 - Math.clz32(n - 1);
    const free = this.#free[c];
    const ptr = free.length !== 0 ? free.pop()! : this.#carve(c);
    this.#countAllocate(bytes);
    return ptr;
  }

  /** Puts the block back on its class's free list (or returns an oversized one to upstream). */
  deallocate(ptr: number, bytes: number, align = 8): void {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.deallocate`, bytes, align);
    const n = bytes > align ? bytes : align;
    if (n > this.#largest) return this.#deallocateLarge(ptr, bytes, align);
    const c = n <= MIN_CLASS ? 0 : 29 - Math.clz32(n - 1);
    // Blocks are aligned to their class size; anything else cannot be one of ours.
    if (ptr <= 0 || (ptr & ((MIN_CLASS << c) - 1)) !== 0) this.#foreign(ptr, bytes, align);
    this.#free[c].push(ptr);
    this.#deallocations++;
    this.#bytesInUse -= bytes;
  }

  /** Identity: only this pool can take back its memory. */
  isEqual(other: MemoryResource): boolean {
    return other === this;
  }

  /** Returns every chunk and oversized block to upstream. The pool remains usable. */
  release(): void {
    const chunks = this.#chunks;
    const large = this.#large;
    this.#chunks = [];
    this.#large = new Map();
    this.#resetClasses();
    this.#bytesInUse = 0;
    for (const [ptr, [bytes, align]] of large) this.#upstream.deallocate(ptr, bytes, align);
    for (let i = chunks.length - 3; i >= 0; i -= 3) {
      this.#upstream.deallocate(chunks[i], chunks[i + 1], chunks[i + 2]);
    }
  }

  /** Same as `release()`. */
  [Symbol.dispose](): void {
    this.release();
  }

  #countAllocate(bytes: number): void {
    this.#allocations++;
    const inUse = this.#bytesInUse + bytes;
    this.#bytesInUse = inUse;
    if (inUse > this.#peakBytes) this.#peakBytes = inUse;
  }

  #resetClasses(): void {
    this.#free = Array.from({ length: this.#cur.length }, () => []);
    this.#cur.fill(0);
    this.#end.fill(0);
    for (let c = 0; c < this.#nextBlocks.length; c++) {
      const size = MIN_CLASS << c;
      this.#nextBlocks[c] = Math.min(this.#maxBlocks, Math.max(1, FIRST_CHUNK_BYTES / size));
    }
  }

  // A block of class c from the newest chunk's unused tail, taking a new chunk when it is empty.
  #carve(c: number): number {
    const size = MIN_CLASS << c;
    let ptr = this.#cur[c];
    if (ptr === this.#end[c]) {
      const blocks = this.#nextBlocks[c];
      const bytes = blocks * size;
      // Aligning the chunk to the class size aligns every block in it to the class size.
      ptr = this.#upstream.allocate(bytes, size);
      this.#chunks.push(ptr, bytes, size);
      this.#end[c] = ptr + bytes;
      this.#nextBlocks[c] = Math.min(
        blocks * 2,
        this.#maxBlocks,
        Math.max(1, MAX_CHUNK_BYTES / size),
      );
    }
    this.#cur[c] = ptr + size;
    return ptr;
  }

  #allocateLarge(bytes: number, align: number): number {
    const ptr = this.#upstream.allocate(bytes, align);
    this.#large.set(ptr, [bytes, align]);
    this.#countAllocate(bytes);
    return ptr;
  }

  #deallocateLarge(ptr: number, bytes: number, align: number): void {
    const entry = this.#large.get(ptr);
    if (entry === undefined || entry[0] !== bytes || entry[1] !== align) {
      this.#foreign(ptr, bytes, align);
    }
    this.#large.delete(ptr);
    this.#upstream.deallocate(ptr, bytes, align);
    this.#deallocations++;
    this.#bytesInUse -= bytes;
  }

  #foreign(ptr: number, bytes: number, align: number): never {
    throw new Error(
      `${NAME}.deallocate(${ptr}, ${bytes}, ${align}): not a live block of this pool with that ` +
        "size and alignment",
    );
  }
}
