/**
 * Coroutine frames in the Wasm heap.
 *
 * A frame is what a task keeps in the heap once it has to outlive its awaiter's native stack (or
 * was given an allocator): the record of the `frameBuffer()` blocks it took, which are freed with
 * it. The JavaScript values a task holds (its generator, its outcome) stay on the `Task` object
 * itself: reading them there costs nothing, where a side table would cost a lookup on every
 * await. Each access to the heap through a length-tracking view costs a few nanoseconds, so a
 * frame is written when taken and when a buffer is added, and read once when freed.
 *
 * Layout (32-bit words): a frame is a buffer record of `FRAME_BYTES`:
 *
 *   [ older record | count | ptr0 | bytes0 | ptr1 | bytes1 | ptr2 | bytes2 ]
 *
 * When a fourth buffer comes, the frame's entries move to a new record of the same size (taken
 * from the same resource), which the frame then links as its older record. Keeping the
 * bookkeeping out of the buffers means `frameBuffer(n)` asks its resource for exactly `n` bytes,
 * so a power of two fits the pool's size class for it; the overhead is the 32-byte frame and one
 * 32-byte record per further three buffers. Every block comes from the task's frame resource, so
 * a budgeted arena also bounds what a task buffers.
 *
 * Resources that have `release()` count the frames live on them (`framesLive`), so `release()`
 * can refuse while a task still uses one; a task takes its frame at most once, so the count costs
 * nothing per await.
 *
 * @module
 */

import { heapI32, heapU8, heapUsable, heapView } from "./_heap.ts";
import type { MemoryResource } from "./memory_resource.ts";
import { PolymorphicAllocator } from "./polymorphic_allocator.ts";
import { ArenaResource } from "./arena_resource.ts";
import { PoolResource } from "./pool_resource.ts";
import { newDeleteResource } from "./new_delete_resource.ts";
import {
  addressOk,
  type FrameCounting,
  framesLive,
  isMemoryResource,
  nameOf,
  rejectAddress,
} from "./_resource_util.ts";

/** Bytes of one frame (and of one overflow buffer record). */
export const FRAME_BYTES = 32;
/** Alignment of frames, records and buffers. */
export const FRAME_ALIGN = 8;
/** Buffers one record holds. */
const ENTRIES = 3;
/** The byte written over freed buffers in poison mode (see `poisonFreedFrameBuffers`). */
const POISON_BYTE = 0xde;

let poison = false;

/** Turns poison mode on or off; returns the previous setting. */
export function setPoison(enabled: boolean): boolean {
  const previous = poison;
  poison = enabled;
  return previous;
}

/**
 * The frame of a task whose resource is `newDeleteResource` on a host without WebAssembly: a
 * nonzero address that is none, so plain tasks can suspend there (their frame holds nothing until
 * a `frameBuffer`, and asking for one gives `newDeleteResource`'s `BadAllocError`).
 */
const FRAME_WITHOUT_HEAP = -8;

/** Takes a frame from `resource`; throws what the resource throws when it cannot. */
export function allocateFrame(resource: MemoryResource): number {
  if (resource === newDeleteResource && !heapUsable()) return FRAME_WITHOUT_HEAP;
  const frame = resource.allocate(FRAME_BYTES, FRAME_ALIGN);
  if (!trusted(resource)) checkAddress(resource, frame, FRAME_BYTES);
  const heap = heapI32();
  heap[frame >> 2] = 0;
  heap[(frame >> 2) + 1] = 0;
  const counted = (resource as Partial<FrameCounting>)[framesLive];
  if (counted !== undefined) (resource as unknown as FrameCounting)[framesLive] = counted + 1;
  return frame;
}

/**
 * Returns every buffer of `frame` (newest first), its records, then the frame itself to
 * `resource`. In poison mode each buffer is overwritten with `POISON_BYTE` first.
 */
export function freeFrame(frame: number, resource: MemoryResource): void {
  if (frame === FRAME_WITHOUT_HEAP) return;
  const heap = heapI32();
  const w = frame >> 2;
  try {
    // The common frame holds no buffer and no older record.
    if ((heap[w] | heap[w + 1]) !== 0) freeBuffers(frame, resource);
    resource.deallocate(frame, FRAME_BYTES, FRAME_ALIGN);
  } finally {
    const counted = (resource as Partial<FrameCounting>)[framesLive];
    if (counted !== undefined) (resource as unknown as FrameCounting)[framesLive] = counted - 1;
  }
}

/** Frees the buffers of `frame` (newest first) and its older records, not the frame itself. */
function freeBuffers(frame: number, resource: MemoryResource): void {
  let record = frame;
  while (record !== 0) {
    const w = record >> 2;
    const older = heapI32()[w];
    for (let i = heapI32()[w + 1] - 1; i >= 0; i--) {
      const heap = heapI32(); // re-read: a resource's deallocate may allocate
      const ptr = heap[w + 2 + 2 * i];
      const bytes = heap[w + 3 + 2 * i];
      if (poison) heapU8().fill(POISON_BYTE, ptr, ptr + bytes);
      resource.deallocate(ptr, bytes, FRAME_ALIGN);
    }
    if (record !== frame) resource.deallocate(record, FRAME_BYTES, FRAME_ALIGN);
    record = older;
  }
}

/** Takes `bytes` for `frame` from `resource` and returns a view over them. */
export function allocateBuffer(frame: number, resource: MemoryResource, bytes: number): Uint8Array {
  if ((bytes >>> 0) !== bytes || bytes > 2 ** 30) {
    throw new RangeError(
      `frameBuffer(${String(bytes)}): the size must be an integer in [0, 2^30]`,
    );
  }
  if (frame === FRAME_WITHOUT_HEAP) {
    resource.allocate(bytes, FRAME_ALIGN); // throws newDeleteResource's BadAllocError
  }
  const w = frame >> 2;
  if (heapI32()[w + 1] === ENTRIES) {
    // Full: move the frame's entries to a new record (taken first, so a failure loses nothing).
    const record = takeChecked(resource, FRAME_BYTES);
    const heap = heapI32();
    heap.copyWithin(record >> 2, w, w + FRAME_BYTES / 4);
    heap[w] = record;
    heap[w + 1] = 0;
  }
  const ptr = takeChecked(resource, bytes);
  const heap = heapI32(); // read after allocate: the heap may have grown
  const n = heap[w + 1];
  heap[w + 2 + 2 * n] = ptr;
  heap[w + 3 + 2 * n] = bytes;
  heap[w + 1] = n + 1;
  return heapView(ptr, bytes);
}

// The built-in allocate methods, whose addresses need no check (they come from the heap itself or
// are checked where the resource takes memory from its upstream). Compared by identity, so a
// subclass that overrides allocate is checked like any user-written resource.
const arenaAllocate = ArenaResource.prototype.allocate;
const poolAllocate = PoolResource.prototype.allocate;
const heapAllocate = newDeleteResource.allocate;

/** Whether `resource`'s addresses need no check. */
function trusted(resource: MemoryResource): boolean {
  const allocate = resource.allocate;
  return allocate === arenaAllocate || allocate === poolAllocate || allocate === heapAllocate;
}

/** Refuses an address no task may write `bytes` bytes at. */
function checkAddress(resource: MemoryResource, ptr: number, bytes: number): void {
  if (!addressOk(ptr, bytes, FRAME_ALIGN)) rejectAddress(nameOf(resource), ptr, bytes, FRAME_ALIGN);
}

/** `resource.allocate(bytes, FRAME_ALIGN)`, refusing an address no task may write to. */
function takeChecked(resource: MemoryResource, bytes: number): number {
  const ptr = resource.allocate(bytes, FRAME_ALIGN);
  if (!trusted(resource)) checkAddress(resource, ptr, bytes);
  return ptr;
}

/** The resource `resourceOf` last accepted: checking it again would give the same answer. */
let lastResource: MemoryResource | null = null;

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
