/**
 * `newDeleteResource`: the general-purpose Wasm heap.
 *
 * @module
 */

import { ensureHeap, heap } from "./_heap.ts";
import { BadAllocError } from "./bad_alloc_error.ts";
import type { MemoryResource, ResourceStats } from "./memory_resource.ts";
import { argsOk, countAllocate, countDeallocate, Counters, rejectArgs } from "./_resource_util.ts";
import { deallocateCall, InvalidPointerError } from "./_invalid_pointer_error.ts";
import { LiveBlocks } from "./_live_blocks.ts";

const NAME = "newDeleteResource";

// Every live block is in an allocation map (`_live_blocks.ts`), keyed by its address, with the
// request it answered encoded as bytes * 64 + log2(align). A deallocate must match that entry
// exactly, so a pointer the heap did not hand out (or not with that size and alignment) never
// reaches the Wasm `free`, whose own header checks are only a guard: a header inside the heap
// cannot tell a live block from bytes a user wrote to look like one, the map can.
// Blocks that other resources take internally (an arena's first block, chunks) are stored with a
// negative value that no request encodes to, naming their owner for the error message.
const owners: string[] = [];

function requestKey(bytes: number, align: number): number {
  return bytes * 64 + (31 - Math.clz32(align));
}

class NewDeleteResource implements MemoryResource {
  readonly #stats = new Counters();
  readonly stats: ResourceStats = this.#stats;
  readonly #live = new LiveBlocks();
  #ready = false;

  allocate(bytes: number, align = 8): number {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.allocate`, bytes, align);
    if (!this.#ready) this.#start(bytes, align);
    const ptr = heap.alloc(bytes, align);
    if (ptr === 0) {
      throw new BadAllocError(
        NAME,
        bytes,
        align,
        "the Wasm heap cannot grow past 1 GiB; free memory or allocate less",
      );
    }
    this.#live.add(ptr, requestKey(bytes, align));
    countAllocate(this.#stats, bytes);
    return ptr;
  }

  deallocate(ptr: number, bytes: number, align = 8): void {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.deallocate`, bytes, align);
    if (!this.#live.take(ptr, requestKey(bytes, align))) this.#reject(ptr, bytes, align);
    heap.free(ptr);
    countDeallocate(this.#stats, bytes);
  }

  isEqual(other: MemoryResource): boolean {
    return other === this;
  }

  /** Allocates a block `owner` keeps for itself: only `deallocateOwned` frees it. */
  allocateOwned(owner: string, bytes: number, align: number): number {
    const ptr = this.allocate(bytes, align);
    let id = owners.indexOf(owner);
    if (id < 0) id = owners.push(owner) - 1;
    this.#live.set(ptr, -(requestKey(bytes, align) * 64 + id + 1));
    return ptr;
  }

  /** Frees a block from `allocateOwned`. */
  deallocateOwned(ptr: number, bytes: number, align: number): void {
    const value = this.#live.get(ptr);
    if (
      value === undefined || value >= 0 ||
      Math.floor(-(value + 1) / 64) !== requestKey(bytes, align)
    ) {
      this.#reject(ptr, bytes, align);
    }
    this.#live.set(ptr, requestKey(bytes, align));
    this.deallocate(ptr, bytes, align);
  }

  #start(bytes: number, align: number): void {
    try {
      ensureHeap();
    } catch (e) {
      throw new BadAllocError(
        NAME,
        bytes,
        align,
        "this host cannot run WebAssembly, where task frames and frameBuffer memory live; " +
          "plain tasks work without it, allocators do not",
        { cause: e },
      );
    }
    this.#ready = true;
  }

  #reject(ptr: number, bytes: number, align: number): never {
    const call = deallocateCall(ptr, bytes, align);
    const value = this.#live.get(ptr);
    let why: string;
    if (typeof ptr !== "number" || !Number.isInteger(ptr)) {
      why = `${String(ptr)} is not an integer, so it is no address this heap handed out`;
    } else if (value === undefined) {
      why = `${ptr} is not the address of a live block of this heap (its allocation map has no ` +
        "entry for it). Likely causes: it was freed already, it points into the middle of a " +
        "block, or it came from another resource (give an arena's or a pool's memory back to " +
        "that resource)";
    } else if (value < 0) {
      const id = -(value + 1) % 64;
      why = `${ptr} is memory that ${owners[id]} took for itself; only that resource frees it`;
    } else {
      const liveBytes = Math.floor(value / 64);
      const liveAlign = 2 ** (value % 64);
      why = `${ptr} is a live block, but it was allocated as ${liveBytes} bytes aligned to ` +
        `${liveAlign}: pass deallocate the same bytes and align as allocate`;
    }
    throw new InvalidPointerError(NAME, call, ptr, `${why}. Nothing was freed`);
  }
}

/** The resource class behind `newDeleteResource`, with the internal calls other resources use. */
export type NewDelete = NewDeleteResource;

/**
 * The general-purpose heap (the analogue of `std::pmr::new_delete_resource()`): a TLSF allocator
 * in the Wasm module that coalesces freed blocks and grows the Wasm memory (up to 1 GiB) when it
 * runs out. Any power-of-two alignment up to 2^29 is honoured. It is the initial default resource
 * and the source of every `ArenaResource`'s first block.
 *
 * `deallocate` is checked exactly against a map of the live blocks: a pointer that is not one
 * (freed already, interior, non-integer, another resource's), or a size or alignment other than
 * the ones it was allocated with, throws a `RangeError` (its `name` is `"InvalidPointerError"`)
 * and changes nothing. The heap is instantiated on the first allocation, not at import.
 *
 * @example
 * ```ts
 * import { newDeleteResource } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const ptr = newDeleteResource.allocate(256, 64);
 * assert.equal(ptr % 64, 0);
 * assert.throws(() => newDeleteResource.deallocate(ptr + 8, 256, 64), RangeError);
 * newDeleteResource.deallocate(ptr, 256, 64);
 * assert.throws(() => newDeleteResource.deallocate(ptr, 256, 64), { name: "InvalidPointerError" });
 * ```
 */
export const newDeleteResource: MemoryResource = new NewDeleteResource();

/** `newDeleteResource` with its internal calls (for the arena and the pool). */
export const newDeleteInternal: NewDelete = newDeleteResource as NewDelete;
