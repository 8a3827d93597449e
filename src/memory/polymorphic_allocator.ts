/**
 * `PolymorphicAllocator`: a handle on a memory resource.
 *
 * @module
 */

import { getDefaultResource } from "./default_resource.ts";
import type { MemoryResource } from "./memory_resource.ts";
import { resourceOption } from "./_resource_util.ts";

/**
 * An allocator that forwards to a `MemoryResource` (the analogue of
 * `std::pmr::polymorphic_allocator`). Passing one after `allocatorArg` to a task makes the task
 * take its frame from the resource.
 *
 * @example
 * ```ts
 * import { ArenaResource, PolymorphicAllocator } from "@coro/task";
 *
 * using arena = new ArenaResource();
 * const alloc = new PolymorphicAllocator(arena);
 * const ptr = alloc.allocate(32);
 * alloc.deallocate(ptr, 32);
 * console.log(alloc.resource() === arena, arena.stats.allocations); // true 1
 * ```
 */
export class PolymorphicAllocator {
  readonly #resource: MemoryResource;

  /** An allocator over `resource` (default: `getDefaultResource()` at construction). */
  constructor(resource: MemoryResource = getDefaultResource()) {
    this.#resource = resourceOption(
      "new PolymorphicAllocator()",
      "its resource",
      resource,
      getDefaultResource,
    );
  }

  /** The resource this allocator forwards to. */
  resource(): MemoryResource {
    return this.#resource;
  }

  /** `resource().allocate(bytes, align)`. */
  allocate(bytes: number, align = 8): number {
    return this.#resource.allocate(bytes, align);
  }

  /** `resource().deallocate(ptr, bytes, align)`. */
  deallocate(ptr: number, bytes: number, align = 8): void {
    this.#resource.deallocate(ptr, bytes, align);
  }

  /** Whether the two allocators' resources are equal (`isEqual`). */
  isEqual(other: PolymorphicAllocator): boolean {
    const mine = this.#resource;
    const theirs = other.resource();
    return mine === theirs || mine.isEqual(theirs);
  }
}
