/**
 * `ArenaResource`: monotonic (bump) allocation, freed all at once.
 *
 * @module
 */

import { BadAllocError } from "./bad_alloc_error.ts";
import { getDefaultResource } from "./default_resource.ts";
import type { MemoryResource, ResourceStats } from "./memory_resource.ts";
import { newDeleteResource } from "./new_delete_resource.ts";
import { argsOk, intOption, rejectArgs, statsView } from "./_resource_util.ts";

/** Options for `new ArenaResource(...)`. */
export interface ArenaOptions {
  /** Bytes of the first block, taken from `newDeleteResource` at construction. Default 1024. */
  initialSize?: number;
  /** Where later blocks come from. Default `getDefaultResource()` at construction. */
  upstream?: MemoryResource;
}

const NAME = "ArenaResource";
// Blocks taken from upstream are 8-aligned; a request aligned to more may need up to this much
// padding, so a new block is sized bytes + align.
const BLOCK_ALIGN = 8;
// Geometric growth stops here, so a long-lived arena does not ask for blocks the heap cannot give.
const MAX_BLOCK = 2 ** 26;

/**
 * A monotonic arena (the analogue of `std::pmr::monotonic_buffer_resource`). `allocate` bumps a
 * pointer through the current block; `deallocate` does nothing but count the call, and
 * `stats.bytesInUse` drops only at `release()`. The first block (`initialSize` bytes, default
 * 1024) is taken from `newDeleteResource` at construction, like the caller-supplied buffer of the
 * C++ model; when it is full, later blocks come from `upstream`, each at least twice the size of
 * the one before and big enough for the request. `release()` returns those later blocks to
 * `upstream` and rewinds to the first; `[Symbol.dispose]()` releases and also frees the first
 * block, after which any use throws.
 *
 * With `upstream: nullResource` the first block is a hard budget: a request that does not fit
 * throws `BadAllocError`.
 *
 * @example
 * ```ts
 * import { ArenaResource, BadAllocError, nullResource } from "@coro/task";
 *
 * using arena = new ArenaResource({ initialSize: 256, upstream: nullResource });
 * const a = arena.allocate(100);
 * const b = arena.allocate(100, 16);
 * console.log(b > a, b % 16); // true 0
 * try {
 *   arena.allocate(100); // over the 256-byte budget
 * } catch (e) {
 *   console.log(e instanceof BadAllocError); // true
 * }
 * arena.release(); // everything is free again
 * console.log(arena.stats.bytesInUse); // 0
 * ```
 */
export class ArenaResource implements MemoryResource {
  /** Counts of the calls made on this arena (bytes as requested, before padding). */
  readonly stats: ResourceStats;
  // Counters live in fields of the arena itself so the bump path touches no other object. Between
  // releases bytesInUse only grows, so the peak is settled lazily (at release and when read).
  #allocations = 0;
  #deallocations = 0;
  #bytesInUse = 0;
  #peakBefore = 0;
  readonly #upstream: MemoryResource;
  readonly #first: number;
  readonly #firstSize: number;
  // The bump region [#cur, #end). After dispose #end is -1, so every request misses the fast path.
  #cur: number;
  #end: number;
  #nextSize: number;
  // Upstream blocks as (ptr, size) pairs, oldest first.
  #blocks: number[] = [];
  #disposed = false;

  /** An arena whose first block is `initialSize` bytes and whose later blocks come from `upstream`. */
  constructor(options: ArenaOptions = {}) {
    this.stats = statsView(() => ({
      bytesInUse: this.#bytesInUse,
      peakBytes: Math.max(this.#peakBefore, this.#bytesInUse),
      allocations: this.#allocations,
      deallocations: this.#deallocations,
    }));
    const size = intOption(NAME, "initialSize", options.initialSize, 1024, 0, 2 ** 30);
    this.#upstream = options.upstream ?? getDefaultResource();
    this.#firstSize = size;
    this.#first = newDeleteResource.allocate(size, BLOCK_ALIGN);
    this.#cur = this.#first;
    this.#end = this.#first + size;
    this.#nextSize = Math.min(size * 2, MAX_BLOCK);
  }

  /** `bytes` bytes aligned to `align` (default 8), bumped from the current block. */
  allocate(bytes: number, align = 8): number {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.allocate`, bytes, align);
    // Addresses stay below 2^30 (the heap's limit), so int32 rounding is exact.
    const ptr = (this.#cur + align - 1) & -align;
    const end = ptr + bytes;
    if (end > this.#end) return this.#allocateFromNewBlock(bytes, align);
    this.#cur = end;
    this.#allocations++;
    this.#bytesInUse += bytes;
    return ptr;
  }

  /** Does nothing but count the call: an arena frees memory only at `release()`. */
  deallocate(_ptr: number, bytes: number, align = 8): void {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.deallocate`, bytes, align);
    this.#live();
    this.#deallocations++;
  }

  /** Identity: only this arena can take back its memory. */
  isEqual(other: MemoryResource): boolean {
    return other === this;
  }

  /** The resource later blocks come from. */
  upstreamResource(): MemoryResource {
    return this.#upstream;
  }

  /**
   * Frees everything allocated from this arena: returns the later blocks to `upstream` (newest
   * first) and rewinds to the start of the first block. Calling it again is harmless.
   */
  release(): void {
    this.#live();
    const blocks = this.#blocks;
    this.#blocks = [];
    for (let i = blocks.length - 2; i >= 0; i -= 2) {
      this.#upstream.deallocate(blocks[i], blocks[i + 1], BLOCK_ALIGN);
    }
    this.#cur = this.#first;
    this.#end = this.#first + this.#firstSize;
    this.#nextSize = Math.min(this.#firstSize * 2, MAX_BLOCK);
    this.#peakBefore = Math.max(this.#peakBefore, this.#bytesInUse);
    this.#bytesInUse = 0;
  }

  /** Releases, then frees the first block too. The arena is unusable afterwards; a second call does nothing. */
  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.release();
    this.#disposed = true;
    this.#cur = 0;
    this.#end = -1;
    newDeleteResource.deallocate(this.#first, this.#firstSize, BLOCK_ALIGN);
  }

  #live(): void {
    if (this.#disposed) {
      throw new Error(`${NAME} used after [Symbol.dispose](); create a new arena instead`);
    }
  }

  #allocateFromNewBlock(bytes: number, align: number): number {
    this.#live();
    const size = Math.max(this.#nextSize, bytes + align);
    let ptr: number;
    try {
      ptr = this.#upstream.allocate(size, BLOCK_ALIGN);
    } catch (e) {
      if (!(e instanceof BadAllocError)) throw e;
      throw new BadAllocError(
        NAME,
        bytes,
        align,
        `its current block is full and its upstream refused ${size} more bytes; ` +
          "raise the arena's budget (initialSize) or give it an upstream that can allocate",
        { cause: e },
      );
    }
    this.#blocks.push(ptr, size);
    this.#nextSize = Math.min(size * 2, MAX_BLOCK);
    this.#cur = ptr;
    this.#end = ptr + size;
    return this.allocate(bytes, align);
  }
}
