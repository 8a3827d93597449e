/**
 * `newDeleteResource`: the general-purpose Wasm heap.
 *
 * @module
 */

import { heap } from "./_heap.ts";
import { BadAllocError } from "./bad_alloc_error.ts";
import type { MemoryResource, ResourceStats } from "./memory_resource.ts";
import { argsOk, countAllocate, countDeallocate, Counters, rejectArgs } from "./_resource_util.ts";

const NAME = "newDeleteResource";

class NewDeleteResource implements MemoryResource {
  readonly #stats = new Counters();
  readonly stats: ResourceStats = this.#stats;

  allocate(bytes: number, align = 8): number {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.allocate`, bytes, align);
    const ptr = heap.alloc(bytes, align);
    if (ptr === 0) {
      throw new BadAllocError(
        NAME,
        bytes,
        align,
        "the Wasm heap cannot grow past 1 GiB; free memory or allocate less",
      );
    }
    countAllocate(this.#stats, bytes);
    return ptr;
  }

  deallocate(ptr: number, bytes: number, align = 8): void {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.deallocate`, bytes, align);
    if (heap.free(ptr) !== 0) {
      throw new Error(
        `${NAME}.deallocate: ${ptr} is not a live block of the Wasm heap ` +
          "(freed twice, or allocated by another resource)",
      );
    }
    countDeallocate(this.#stats, bytes);
  }

  isEqual(other: MemoryResource): boolean {
    return other === this;
  }
}

/**
 * The general-purpose heap (the analogue of `std::pmr::new_delete_resource()`): a TLSF allocator
 * in the Wasm module that coalesces freed blocks and grows the Wasm memory (up to 1 GiB) when it
 * runs out. Any power-of-two alignment up to 2^29 is honoured. It is the initial default resource
 * and the source of every `ArenaResource`'s first block. Deallocating a pointer that is not live
 * throws an `Error`.
 *
 * @example
 * ```ts
 * import { newDeleteResource } from "@coro/task";
 *
 * const ptr = newDeleteResource.allocate(256, 64);
 * console.log(ptr % 64); // 0
 * newDeleteResource.deallocate(ptr, 256, 64);
 * ```
 */
export const newDeleteResource: MemoryResource = new NewDeleteResource();
