/**
 * `PoolResource`: size-class pools with LIFO free lists.
 *
 * @module
 */

import { getDefaultResource } from "./default_resource.ts";
import type { MemoryResource, ResourceStats } from "./memory_resource.ts";
import { newDeleteInternal, newDeleteResource } from "./new_delete_resource.ts";
import {
  addressOk,
  argsOk,
  framesLive,
  intOption,
  nameOf,
  rejectAddress,
  rejectArgs,
  resourceOption,
  statsView,
} from "./_resource_util.ts";
import { optionsObject } from "../core/_options.ts";
import {
  addChunk,
  chunkOverlaps,
  GRANULE,
  GRANULE_BITS,
  ID_SHIFT,
  removeChunk,
  returnPoolId,
  tables,
  takePoolId,
} from "./_pool_blocks.ts";
import { deallocateCall, InvalidPointerError } from "./_invalid_pointer_error.ts";
import { ResourceInUseError } from "./_resource_in_use_error.ts";

/** Options for `new PoolResource(...)`. */
export interface PoolOptions {
  /**
   * The most blocks one chunk taken from upstream may hold. Default 256. Chunks are at least 1 KiB,
   * so a small class may get more blocks per chunk than this.
   */
  maxBlocksPerChunk?: number;
  /**
   * Requests bigger than this (after rounding up to a power of two and to the alignment) bypass
   * the pools and go straight to upstream. Default 4096, at most 2^20.
   */
  largestRequiredPoolBlock?: number;
  /** Where chunks and oversized blocks come from. Default: `getDefaultResource()` when made. */
  upstream?: MemoryResource;
}

const NAME = "PoolResource";
// A module-local name for the shared tables: read on every allocate/deallocate.
const T = tables;
const MIN_CLASS = 8;
// A first chunk holds about this many bytes; each later chunk of a class holds twice the blocks of
// the one before, up to maxBlocksPerChunk.
const FIRST_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 2 ** 26;

/**
 * Size-class pools (the analogue of `std::pmr::unsynchronized_pool_resource`). Requests are
 * rounded up to a power-of-two class of at least 8 bytes and at least the alignment; each class
 * carves blocks from chunks taken from `upstream` (chunks grow from about 1 KiB worth of blocks,
 * doubling, up to `maxBlocksPerChunk` blocks; a chunk is at least 1 KiB) and keeps freed blocks on
 * a LIFO free list, so the most recently freed block is handed out first. Requests above
 * `largestRequiredPoolBlock` go straight to `upstream`. `release()` (also `[Symbol.dispose]()`)
 * returns every chunk and oversized block to `upstream`; the pool stays usable.
 *
 * `deallocate` is validated exactly: a double free, a pointer from another pool or resource, an
 * interior pointer, a size other than the one allocated, or an alignment of another class throws
 * a `RangeError` (its `name` is `"InvalidPointerError"`) and changes nothing. Every block has a
 * record (address, owner and class, free-list link or the size it was asked for) in typed arrays
 * beside the Wasm memory, found from its address in O(1) through a table of 1 KiB granules, so an
 * allocate/deallocate pair reads no Wasm memory and makes no Wasm call or Map lookup.
 *
 * `release()` while a task still holds a frame (or a `frameBuffer`) from this pool refuses with
 * an `Error` named `"ResourceInUseError"` and releases nothing: it never hands a live task's
 * memory to the next allocation. Blocks you allocated yourself are yours to track: after
 * `release()` they are no longer live, and deallocating one throws.
 *
 * @example
 * ```ts
 * import { PoolResource } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * using pool = new PoolResource({ largestRequiredPoolBlock: 512 });
 * const a = pool.allocate(48);
 * pool.deallocate(a, 48);
 * assert.equal(pool.allocate(40), a); // same 64-byte class, most recently freed first
 * assert.throws(() => pool.deallocate(a, 200), { name: "InvalidPointerError" }); // wrong class
 * pool.deallocate(a, 40);
 * assert.throws(() => pool.deallocate(a, 40), RangeError); // freed already
 * ```
 */
export class PoolResource implements MemoryResource {
  /** Counts of the calls made on this pool (bytes as requested, before rounding). */
  readonly stats: ResourceStats;
  /** @ignore Live task frames taken from this pool (see `_frame.ts`). */
  [framesLive] = 0;
  // Counters live in fields of the pool itself so the hot path touches no other object.
  #allocations = 0;
  #deallocations = 0;
  #bytesInUse = 0;
  #peakBytes = 0;
  readonly #upstream: MemoryResource;
  readonly #maxBlocks: number;
  readonly #largest: number;
  // Per size class (class c holds blocks of 8 << c bytes): the free list head (1 + a slot of
  // _pool_blocks.ts, or 0), the slots of the newest chunk not handed out yet [cur, end), and the
  // block count of the next chunk.
  readonly #head: Int32Array;
  readonly #cur: Int32Array;
  readonly #end: Int32Array;
  readonly #nextBlocks: Int32Array;
  // This pool's id << ID_SHIFT while it holds chunks (0 otherwise): its blocks' state is
  // #tag | class << 1.
  #tag = 0;
  // Chunks as (ptr, bytes, align, class, first slot) records, oldest first.
  #chunks: number[] = [];
  // Oversized blocks, by address: [bytes, align] as the caller gave them.
  #large: Map<number, [number, number]> = new Map();

  /** A pool with the given limits, taking its memory from `upstream`. */
  constructor(options?: PoolOptions) {
    const given = optionsObject(
      "new PoolResource(options)",
      options,
      "{ largestRequiredPoolBlock: 512 }",
    );
    this.stats = statsView(() => ({
      bytesInUse: this.#bytesInUse,
      peakBytes: this.#peakBytes,
      allocations: this.#allocations,
      deallocations: this.#deallocations,
    }));
    this.#maxBlocks = intOption(
      NAME,
      "maxBlocksPerChunk",
      given.maxBlocksPerChunk,
      256,
      1,
      2 ** 20,
    );
    const largest = intOption(
      NAME,
      "largestRequiredPoolBlock",
      given.largestRequiredPoolBlock,
      4096,
      1,
      2 ** 20,
    );
    this.#largest = Math.max(MIN_CLASS, 2 ** Math.ceil(Math.log2(largest)));
    this.#upstream = resourceOption(NAME, "upstream", given.upstream, getDefaultResource);
    const classes = Math.log2(this.#largest / MIN_CLASS) + 1;
    this.#head = new Int32Array(classes);
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
    const t = T;
    const head = this.#head[c];
    if (head === 0) return this.#allocateCarved(bytes, c);
    const slot = head - 1;
    const next = t.slotNext;
    this.#head[c] = next[slot];
    next[slot] = ~bytes; // the bytes asked for, while live
    this.#allocations++;
    const inUse = this.#bytesInUse + bytes;
    this.#bytesInUse = inUse;
    if (inUse > this.#peakBytes) this.#peakBytes = inUse;
    return t.slotPtr[slot];
  }

  // allocate() when the class's free list is empty: a block not handed out yet.
  #allocateCarved(bytes: number, c: number): number {
    if (this.#cur[c] === this.#end[c]) this.#addChunk(c);
    const slot = this.#cur[c]++;
    T.slotNext[slot] = ~bytes;
    this.#allocations++;
    const inUse = this.#bytesInUse + bytes;
    this.#bytesInUse = inUse;
    if (inUse > this.#peakBytes) this.#peakBytes = inUse;
    return T.slotPtr[slot];
  }

  /**
   * Puts the block back on its class's free list (or returns an oversized one to upstream), after
   * checking that it is a live block of this pool of that class.
   */
  deallocate(ptr: number, bytes: number, align = 8): void {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.deallocate`, bytes, align);
    const n = bytes > align ? bytes : align;
    if (n > this.#largest) return this.#deallocateLarge(ptr, bytes, align);
    const c = n <= MIN_CLASS ? 0 : 29 - Math.clz32(n - 1);
    const t = T;
    const slot = t.granuleSlot[ptr >>> GRANULE_BITS] - 1 + ((ptr & (GRANULE - 1)) >> (3 + c));
    const state = this.#tag | (c << 1);
    // Chunks are aligned to the class size and to the granule, so a class-aligned integer address
    // in a chunk of this pool and class (its state) is a block start; a live block's free-list
    // word holds ~bytes (negative), a free one's the next free slot + 1 (or 0). An alignment is
    // checked through the class it maps to: one of the same class changes nothing, and checking
    // it exactly measured ~6 ns more a pair (deallocate no longer fits V8's inlining budget).
    const next = t.slotNext;
    if (
      (ptr | 0) !== ptr || (ptr & ((MIN_CLASS << c) - 1)) !== 0 || t.slotState[slot] !== state ||
      next[slot] !== ~bytes
    ) this.#reject(ptr, bytes, align);
    next[slot] = this.#head[c];
    this.#head[c] = slot + 1;
    this.#deallocations++;
    this.#bytesInUse -= bytes;
  }

  /** Identity: only this pool can take back its memory. */
  isEqual(other: MemoryResource): boolean {
    return other === this;
  }

  /**
   * Returns every chunk and oversized block to upstream. The pool remains usable. Refuses with an
   * `Error` named `"ResourceInUseError"` (releasing nothing) while a task still holds a frame or
   * a `frameBuffer` from this pool.
   */
  release(): void {
    this.#releaseAs("release()");
  }

  /** Same as `release()`. */
  [Symbol.dispose](): void {
    this.#releaseAs("[Symbol.dispose]()");
  }

  #releaseAs(call: string): void {
    if (this[framesLive] !== 0) throw new ResourceInUseError(NAME, call, this[framesLive]);
    const chunks = this.#chunks;
    const large = this.#large;
    this.#chunks = [];
    this.#large = new Map();
    for (let i = 0; i < chunks.length; i += 5) {
      const size = MIN_CLASS << chunks[i + 3];
      removeChunk(chunks[i], size, chunks[i + 1] / size, chunks[i + 4]);
    }
    if (this.#tag !== 0) returnPoolId(this.#tag >> ID_SHIFT);
    this.#tag = 0;
    this.#resetClasses();
    this.#bytesInUse = 0;
    for (const [ptr, [bytes, align]] of large) this.#giveBack(ptr, bytes, align);
    for (let i = chunks.length - 5; i >= 0; i -= 5) {
      this.#giveBack(chunks[i], chunks[i + 1], chunks[i + 2]);
    }
  }

  #resetClasses(): void {
    this.#head.fill(0);
    this.#cur.fill(0);
    this.#end.fill(0);
    for (let c = 0; c < this.#nextBlocks.length; c++) {
      const size = MIN_CLASS << c;
      this.#nextBlocks[c] = Math.min(this.#maxBlocks, Math.max(1, FIRST_CHUNK_BYTES / size));
    }
  }

  #takeFromUpstream(bytes: number, align: number): number {
    const upstream = this.#upstream;
    const ptr = upstream === newDeleteResource
      ? newDeleteInternal.allocateOwned(NAME, bytes, align)
      : upstream.allocate(bytes, align);
    if (!addressOk(ptr, bytes, align)) rejectAddress(nameOf(upstream), ptr, bytes, align);
    return ptr;
  }

  #giveBack(ptr: number, bytes: number, align: number): void {
    if (this.#upstream === newDeleteResource) newDeleteInternal.deallocateOwned(ptr, bytes, align);
    else this.#upstream.deallocate(ptr, bytes, align);
  }

  #addChunk(c: number): void {
    const size = MIN_CLASS << c;
    // Chunks are whole granules on granule boundaries (so the granule table maps each address to
    // one chunk), and aligned to the class size (so every block in one is).
    const perGranule = Math.max(1, GRANULE / size);
    const blocks = Math.ceil(this.#nextBlocks[c] / perGranule) * perGranule;
    const bytes = blocks * size;
    const align = Math.max(size, GRANULE);
    const ptr = this.#takeFromUpstream(bytes, align);
    if (chunkOverlaps(ptr, bytes)) {
      throw new InvalidPointerError(
        nameOf(this.#upstream),
        `allocate(${bytes}, ${align})`,
        ptr,
        `returned ${ptr}, which overlaps memory a PoolResource holds already: a resource must ` +
          "not hand out memory twice",
      );
    }
    if (this.#tag === 0) this.#tag = takePoolId() << ID_SHIFT;
    const first = addChunk(ptr, size, blocks, this.#tag | (c << 1));
    this.#chunks.push(ptr, bytes, align, c, first);
    this.#cur[c] = first;
    this.#end[c] = first + blocks;
    this.#nextBlocks[c] = Math.min(
      blocks * 2,
      this.#maxBlocks,
      Math.max(1, MAX_CHUNK_BYTES / size),
    );
  }

  #allocateLarge(bytes: number, align: number): number {
    const ptr = this.#takeFromUpstream(bytes, align);
    this.#large.set(ptr, [bytes, align]);
    this.#allocations++;
    const inUse = this.#bytesInUse + bytes;
    this.#bytesInUse = inUse;
    if (inUse > this.#peakBytes) this.#peakBytes = inUse;
    return ptr;
  }

  #deallocateLarge(ptr: number, bytes: number, align: number): void {
    const entry = this.#large.get(ptr);
    if (entry === undefined || entry[0] !== bytes || entry[1] !== align) {
      this.#reject(ptr, bytes, align);
    }
    this.#giveBack(ptr, bytes, align);
    this.#large.delete(ptr);
    this.#deallocations++;
    this.#bytesInUse -= bytes;
  }

  #reject(ptr: number, bytes: number, align: number): never {
    const { granuleSlot, slotPtr: ptrs, slotState: states } = T;
    const slotPtr = (s: number) => ptrs[s];
    const slotState = (s: number) => states[s];
    let why: string;
    const large = typeof ptr === "number" ? this.#large.get(ptr) : undefined;
    const n = bytes > align ? bytes : align;
    const c = n <= MIN_CLASS ? 0 : 29 - Math.clz32(n - 1);
    // The block the address falls in, whatever class it is of.
    const first = typeof ptr === "number" && ptr >= 0
      ? (granuleSlot[ptr >>> GRANULE_BITS] ?? 0) - 1
      : -1;
    let slot = -1;
    if (first >= 0) {
      const size = MIN_CLASS << ((slotState(first) >> 1) & 31);
      slot = first + Math.floor((ptr & (GRANULE - 1)) / size);
      if (size > GRANULE) slot = first;
    }
    const state = slot >= 0 ? slotState(slot) : 0;
    const blockSize = MIN_CLASS << ((state >> 1) & 31);
    if (typeof ptr !== "number" || !Number.isInteger(ptr)) {
      why = "it is not an integer, so no pool handed it out";
    } else if (large !== undefined) {
      why = `it is an oversized block of this pool allocated as ${large[0]} bytes aligned to ` +
        `${large[1]}: pass deallocate the same bytes and align as allocate`;
    } else if (state === 0) {
      why = "no chunk of any pool covers it: it came from another resource (give it back to that " +
        "one), or from this pool before release()";
    } else if ((state >> ID_SHIFT) !== (this.#tag >> ID_SHIFT)) {
      why = "it is a block of another PoolResource: give it back to that pool";
    } else if (slotPtr(slot) !== ptr) {
      why = `it points into the middle of a ${blockSize}-byte block`;
    } else if (((state >> 1) & 31) !== c) {
      why = `it is a block of the ${blockSize}-byte class, but ${bytes} bytes aligned to ` +
        `${align} is the ${MIN_CLASS << c}-byte class (or oversized): pass deallocate the same ` +
        "bytes and align as allocate";
    } else if (T.slotNext[slot] >= 0) {
      why = "it is not live: it was freed already (a double free), or never handed out";
    } else {
      why = `it is a live block allocated as ${~T.slotNext[slot]} bytes: pass deallocate the ` +
        "same bytes and align as allocate";
    }
    throw new InvalidPointerError(
      NAME,
      deallocateCall(ptr, bytes, align),
      ptr,
      `${String(ptr)} is not a live block of this pool with that size and alignment: ${why}. ` +
        "Nothing was freed",
    );
  }
}
