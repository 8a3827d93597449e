/**
 * Coroutine frames in the Wasm heap.
 *
 * A frame is what a task keeps in the heap once it has to outlive its awaiter's native stack (or
 * was given an allocator): the head of the list of `frameBuffer()` blocks it took, which are
 * freed with it. The JavaScript values a task holds (its generator, its outcome) stay on the
 * `Task` object itself: reading them there costs nothing, where a side table would cost a lookup
 * on every await. Each access to the heap through a length-tracking view costs a few
 * nanoseconds, so a frame is written once when taken and read once when freed.
 *
 * Layout: one 32-bit word, the address of the newest buffer node (0 if none). A buffer node is
 * `[next, bytes]` followed by the buffer's bytes, taken from the same resource as the frame, so
 * that a budgeted arena also bounds what a task buffers.
 *
 * @module
 */

import { heapI32, heapView } from "./_heap.ts";
import type { MemoryResource } from "./memory_resource.ts";
import { PolymorphicAllocator } from "./polymorphic_allocator.ts";

/** Bytes of one frame. */
export const FRAME_BYTES = 4;
/** Alignment of frames and buffer nodes. */
export const FRAME_ALIGN = 8;
const BUFFER_HEADER = 8;

/** Takes a frame from `resource`; throws what the resource throws when it cannot. */
export function allocateFrame(resource: MemoryResource): number {
  const frame = resource.allocate(FRAME_BYTES, FRAME_ALIGN);
  heapI32()[frame >> 2] = 0;
  return frame;
}

/** Returns every buffer of `frame`, then the frame itself, to `resource`. */
export function freeFrame(frame: number, resource: MemoryResource): void {
  let node = heapI32()[frame >> 2];
  while (node !== 0) {
    const heap = heapI32();
    const next = heap[node >> 2];
    const bytes = heap[(node >> 2) + 1];
    resource.deallocate(node, bytes + BUFFER_HEADER, FRAME_ALIGN);
    node = next;
  }
  resource.deallocate(frame, FRAME_BYTES, FRAME_ALIGN);
}

/** Takes `bytes` for `frame` from `resource` and returns a view over them. */
export function allocateBuffer(frame: number, resource: MemoryResource, bytes: number): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw new RangeError(`frameBuffer(${bytes}): the size must be a non-negative integer`);
  }
  const node = resource.allocate(bytes + BUFFER_HEADER, FRAME_ALIGN);
  const heap = heapI32(); // read after allocate: the heap may have grown
  heap[node >> 2] = heap[frame >> 2];
  heap[(node >> 2) + 1] = bytes;
  heap[frame >> 2] = node;
  return heapView(node + BUFFER_HEADER, bytes);
}

/** The resource `resourceOf` last accepted: checking it again would give the same answer. */
let lastResource: MemoryResource | null = null;

/** Whether `value` has the shape of a `MemoryResource`. */
function isMemoryResource(value: unknown): value is MemoryResource {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Partial<MemoryResource>;
  return typeof r.allocate === "function" && typeof r.deallocate === "function" &&
    typeof r.isEqual === "function";
}

/**
 * The resource behind the argument that follows `allocatorArg`, or a `TypeError` naming what was
 * passed instead.
 */
export function resourceOf(allocator: unknown): MemoryResource {
  if (allocator === lastResource) return allocator as MemoryResource; // the common repeat call
  if (allocator instanceof PolymorphicAllocator) return allocator.resource();
  if (isMemoryResource(allocator)) return lastResource = allocator;
  const got = allocator === null
    ? "null"
    : typeof allocator === "object"
    ? (allocator.constructor?.name ?? "an object")
    : typeof allocator;
  throw new TypeError(
    `allocatorArg must be followed by a MemoryResource or a PolymorphicAllocator, got ${got}: ` +
      "call the task as f(allocatorArg, resource, ...args)",
  );
}
