/**
 * `ArenaResource`: monotonic (bump) allocation, freed all at once.
 *
 * @module
 */

import { BadAllocError } from "./bad_alloc_error.ts";
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
import { deallocateCall, InvalidPointerError } from "./_invalid_pointer_error.ts";
import { ResourceInUseError } from "./_resource_in_use_error.ts";

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
 * `deallocate` frees nothing, but it checks that the pointer lies in one of this arena's blocks in
 * use since the last `release()` (for the current block, in the part handed out), aligned as
 * given: anything else throws a `RangeError` (its `name` is `"InvalidPointerError"`) and is not
 * counted. (A monotonic arena keeps no per-allocation record,
 * so it cannot tell a second `deallocate` of the same pointer from the first; both are no-ops.)
 *
 * `release()` and `[Symbol.dispose]()` while a task still holds a frame (or a `frameBuffer`) from
 * this arena refuse with an `Error` named `"ResourceInUseError"` and release nothing, so a live
 * task's memory is never handed to the next allocation. Release after the tasks have finished.
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
  /** @ignore Live task frames taken from this arena (see `_frame.ts`). */
  [framesLive] = 0;
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
  #blockStart: number;
  #nextSize: number;
  // Upstream blocks as (ptr, size) pairs, oldest first.
  #blocks: number[] = [];
  #disposed = false;

  /** An arena whose first block is `initialSize` bytes and whose later blocks come from `upstream`. */
  constructor(options?: ArenaOptions) {
    const given = optionsObject("new ArenaResource(options)", options, "{ initialSize: 4096 }");
    this.stats = statsView(() => ({
      bytesInUse: this.#bytesInUse,
      peakBytes: Math.max(this.#peakBefore, this.#bytesInUse),
      allocations: this.#allocations,
      deallocations: this.#deallocations,
    }));
    const size = intOption(NAME, "initialSize", given.initialSize, 1024, 0, 2 ** 30);
    this.#upstream = resourceOption(NAME, "upstream", given.upstream, getDefaultResource);
    this.#firstSize = size;
    this.#first = newDeleteInternal.allocateOwned(NAME, size, BLOCK_ALIGN);
    this.#blockStart = this.#first;
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

  /**
   * Frees nothing (an arena frees memory only at `release()`) and counts the call, after checking
   * that `ptr` lies in memory this arena handed out since the last `release()`.
   */
  deallocate(ptr: number, bytes: number, align = 8): void {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.deallocate`, bytes, align);
    const inCurrentBlock = ptr >= this.#blockStart && ptr + bytes <= this.#cur;
    if (!inCurrentBlock || (ptr | 0) !== ptr || (ptr & (align - 1)) !== 0) {
      this.#checkOlder(ptr, bytes, align);
    }
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
    this.#releaseAs("release()");
  }

  #releaseAs(call: string): void {
    this.#live();
    if (this[framesLive] !== 0) throw new ResourceInUseError(NAME, call, this[framesLive]);
    const blocks = this.#blocks;
    this.#blocks = [];
    for (let i = blocks.length - 2; i >= 0; i -= 2) this.#giveBack(blocks[i], blocks[i + 1]);
    this.#blockStart = this.#first;
    this.#cur = this.#first;
    this.#end = this.#first + this.#firstSize;
    this.#nextSize = Math.min(this.#firstSize * 2, MAX_BLOCK);
    this.#peakBefore = Math.max(this.#peakBefore, this.#bytesInUse);
    this.#bytesInUse = 0;
  }

  /**
   * Releases, then frees the first block too. The arena is unusable afterwards; a second call does
   * nothing. Refuses like `release()` while a task holds a frame from this arena.
   */
  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.#releaseAs("[Symbol.dispose]()");
    this.#disposed = true;
    this.#cur = 0;
    this.#end = -1;
    this.#blockStart = 1;
    newDeleteInternal.deallocateOwned(this.#first, this.#firstSize, BLOCK_ALIGN);
  }

  #giveBack(ptr: number, size: number): void {
    if (this.#upstream === newDeleteResource) {
      newDeleteInternal.deallocateOwned(ptr, size, BLOCK_ALIGN);
    } else this.#upstream.deallocate(ptr, size, BLOCK_ALIGN);
  }

  // The slow path of deallocate: ptr is not in the current block's used part (or is malformed).
  #checkOlder(ptr: number, bytes: number, align: number): void {
    this.#live();
    if ((ptr | 0) === ptr && (ptr & (align - 1)) === 0) {
      if (ptr >= this.#first && ptr + bytes <= this.#first + this.#firstSize) {
        if (this.#blockStart === this.#first ? ptr + bytes <= this.#cur : true) return;
      }
      const blocks = this.#blocks;
      for (let i = 0; i < blocks.length; i += 2) {
        if (ptr >= blocks[i] && ptr + bytes <= blocks[i] + blocks[i + 1]) {
          if (blocks[i] !== this.#blockStart || ptr + bytes <= this.#cur) return;
        }
      }
    }
    const why = typeof ptr !== "number" || !Number.isInteger(ptr)
      ? "it is not an integer"
      : (ptr & (align - 1)) !== 0
      ? `it is not aligned to ${align}`
      : "it is not in memory this arena handed out since its last release() (it came from " +
        "another resource, or before release())";
    throw new InvalidPointerError(
      NAME,
      deallocateCall(ptr, bytes, align),
      ptr,
      `${String(ptr)} cannot be deallocated here: ${why}. Nothing was counted`,
    );
  }

  #live(): void {
    if (this.#disposed) {
      throw new Error(`${NAME} used after [Symbol.dispose](); create a new arena instead`);
    }
  }

  #allocateFromNewBlock(bytes: number, align: number): number {
    this.#live();
    const size = Math.max(this.#nextSize, bytes + align);
    const upstream = this.#upstream;
    let ptr: number;
    try {
      ptr = upstream === newDeleteResource
        ? newDeleteInternal.allocateOwned(NAME, size, BLOCK_ALIGN)
        : upstream.allocate(size, BLOCK_ALIGN);
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
    if (!addressOk(ptr, size, BLOCK_ALIGN)) rejectAddress(nameOf(upstream), ptr, size, BLOCK_ALIGN);
    this.#blocks.push(ptr, size);
    this.#blockStart = ptr;
    this.#nextSize = Math.min(size * 2, MAX_BLOCK);
    this.#cur = ptr;
    this.#end = ptr + size;
    return this.allocate(bytes, align);
  }
}
