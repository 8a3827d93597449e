/**
 * `nullResource`: a resource that never allocates.
 *
 * @module
 */

import { BadAllocError } from "./bad_alloc_error.ts";
import type { MemoryResource, ResourceStats } from "./memory_resource.ts";
import { argsOk, Counters, rejectArgs } from "./_resource_util.ts";
import { deallocateCall, InvalidPointerError } from "./_invalid_pointer_error.ts";

const NAME = "nullResource";

class NullResource implements MemoryResource {
  readonly stats: ResourceStats = new Counters();

  allocate(bytes: number, align = 8): number {
    if (!argsOk(bytes, align)) rejectArgs(`${NAME}.allocate`, bytes, align);
    throw new BadAllocError(
      NAME,
      bytes,
      align,
      "nullResource never allocates; raise the budget of the resource above it " +
        "or give that resource a real upstream",
    );
  }

  deallocate(ptr: number, bytes: number, align?: number): void {
    throw new InvalidPointerError(
      NAME,
      deallocateCall(ptr, bytes, align ?? 8),
      ptr,
      `${String(ptr)} cannot come from nullResource, which never allocates: give it back to ` +
        "the resource that allocated it",
    );
  }

  isEqual(other: MemoryResource): boolean {
    return other === this;
  }
}

/**
 * A resource whose `allocate` always throws `BadAllocError` (the analogue of
 * `std::pmr::null_memory_resource()`); its `deallocate` always throws a `RangeError` (named
 * `"InvalidPointerError"`), since nothing
 * can have come from it. As the upstream of an `ArenaResource` it turns the arena's first block
 * into a hard memory budget. Its stats stay at zero.
 *
 * @example
 * ```ts
 * import { BadAllocError, nullResource } from "@coro/task";
 *
 * try {
 *   nullResource.allocate(8);
 * } catch (e) {
 *   console.log(e instanceof BadAllocError); // true
 * }
 * ```
 */
export const nullResource: MemoryResource = new NullResource();
