/**
 * The `MemoryResource` interface (the analogue of `std::pmr::memory_resource`) and its statistics.
 *
 * @module
 */

/**
 * What a resource has handed out, counted over the calls made on that resource itself: the bytes
 * are the ones callers asked for (not rounded up, not what the resource took from its upstream).
 *
 * @example
 * ```ts
 * import { ArenaResource } from "@coro/task";
 *
 * using arena = new ArenaResource();
 * arena.allocate(24);
 * console.log(arena.stats.bytesInUse, arena.stats.allocations); // 24 1
 * ```
 */
export interface ResourceStats {
  /** Bytes requested by live allocations (for an arena: since the last `release()`). */
  readonly bytesInUse: number;
  /** The highest `bytesInUse` ever reached. */
  readonly peakBytes: number;
  /** Successful `allocate` calls. */
  readonly allocations: number;
  /** `deallocate` calls. */
  readonly deallocations: number;
}

/**
 * A source of memory in the Wasm heap (the analogue of `std::pmr::memory_resource`). Addresses are
 * plain numbers, byte offsets into the heap's `WebAssembly.Memory`.
 *
 * `align` defaults to 8 and must be a power of two (else `RangeError`); `bytes` must be a
 * non-negative integer (else `RangeError`). A resource that cannot satisfy a request throws
 * `BadAllocError`. Callers pass `deallocate` the same `bytes` and `align` they passed `allocate`.
 *
 * Any class implementing this interface, usually carving memory from an upstream resource, can be
 * used wherever a built-in resource can. What it returns is checked before a task writes there:
 * an address that is not an integer, lies in the heap's own control area or past its end, or is
 * not aligned as asked is a `RangeError` (`name` `"InvalidPointerError"`) at the call or the
 * `yield*` that asked, and nothing is written. The built-in resources validate what they are
 * given the same way: a `deallocate` of anything they did not hand out (or not with that size)
 * throws an `InvalidPointerError` and changes nothing; a user-written resource should do the same
 * (forwarding to its upstream first, as below, gets the upstream's checks).
 *
 * @example
 * ```ts
 * import { type MemoryResource, type ResourceStats, getDefaultResource } from "@coro/task";
 *
 * // Forwards to an upstream resource and counts what passes through.
 * class CountingResource implements MemoryResource {
 *   calls = 0;
 *   constructor(readonly upstream: MemoryResource = getDefaultResource()) {}
 *   get stats(): ResourceStats {
 *     return this.upstream.stats;
 *   }
 *   allocate(bytes: number, align = 8): number {
 *     this.calls++;
 *     return this.upstream.allocate(bytes, align);
 *   }
 *   deallocate(ptr: number, bytes: number, align = 8): void {
 *     this.upstream.deallocate(ptr, bytes, align);
 *   }
 *   isEqual(other: MemoryResource): boolean {
 *     return other === this;
 *   }
 * }
 *
 * const counting = new CountingResource();
 * counting.deallocate(counting.allocate(64), 64);
 * console.log(counting.calls); // 1
 * ```
 */
export interface MemoryResource {
  /** `bytes` bytes aligned to `align` (default 8); returns the address. */
  allocate(bytes: number, align?: number): number;
  /** Gives back memory from `allocate(bytes, align)` on this resource. */
  deallocate(ptr: number, bytes: number, align?: number): void;
  /** Whether memory allocated from one can be deallocated through the other. */
  isEqual(other: MemoryResource): boolean;
  /** Counts of the calls made on this resource. */
  readonly stats: ResourceStats;
}
