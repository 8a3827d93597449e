/**
 * The process-wide default memory resource.
 *
 * @module
 */

import type { MemoryResource } from "./memory_resource.ts";
import { newDeleteResource } from "./new_delete_resource.ts";
import { resourceOption } from "./_resource_util.ts";

let current: MemoryResource = newDeleteResource;

/**
 * The default resource (the analogue of `std::pmr::get_default_resource()`): what tasks without
 * `allocatorArg`, a `PolymorphicAllocator` built without a resource, and an `ArenaResource` or
 * `PoolResource` without `upstream` use. Initially `newDeleteResource`.
 *
 * @example
 * ```ts
 * import { getDefaultResource, newDeleteResource } from "@coro/task";
 *
 * console.log(getDefaultResource() === newDeleteResource); // true
 * ```
 */
export function getDefaultResource(): MemoryResource {
  return current;
}

/**
 * Replaces the default resource and returns the previous one (the analogue of
 * `std::pmr::set_default_resource()`); `null` or `undefined` restores `newDeleteResource`.
 * Resources that already captured the default keep using what they captured.
 *
 * @example
 * ```ts
 * import { ArenaResource, getDefaultResource, setDefaultResource } from "@coro/task";
 *
 * using arena = new ArenaResource({ initialSize: 4096 });
 * const previous = setDefaultResource(arena);
 * try {
 *   console.log(getDefaultResource() === arena); // true
 * } finally {
 *   setDefaultResource(previous);
 * }
 * ```
 */
export function setDefaultResource(resource: MemoryResource | null | undefined): MemoryResource {
  const next = resource == null ? newDeleteResource : resourceOption(
    "setDefaultResource",
    "the resource",
    resource,
    () => newDeleteResource,
    "pass a resource, or null to restore newDeleteResource",
  );
  const previous = current;
  current = next;
  return previous;
}
