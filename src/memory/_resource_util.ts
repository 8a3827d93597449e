// Helpers shared by the built-in memory resources: statistics counting and argument checks.
// Written so that V8 inlines the fast checks into each resource's allocate/deallocate.

import { BadAllocError } from "./bad_alloc_error.ts";
import { heapBase, heapBytes } from "./_heap.ts";
import { InvalidPointerError } from "./_invalid_pointer_error.ts";
import type { MemoryResource, ResourceStats } from "./memory_resource.ts";

/** The largest alignment the heap honours; larger powers of two cannot be satisfied. */
const MAX_ALIGN = 2 ** 29;

/** Mutable statistics; resources expose them typed as the read-only `ResourceStats`. */
export class Counters implements ResourceStats {
  bytesInUse = 0;
  peakBytes = 0;
  allocations = 0;
  deallocations = 0;
}

/**
 * A live read-only `ResourceStats` whose every read asks `read()`: for resources that keep their
 * counters in their own fields so the hot path touches no second object.
 */
export function statsView(read: () => ResourceStats): ResourceStats {
  return {
    get bytesInUse(): number {
      return read().bytesInUse;
    },
    get peakBytes(): number {
      return read().peakBytes;
    },
    get allocations(): number {
      return read().allocations;
    },
    get deallocations(): number {
      return read().deallocations;
    },
  };
}

/** Records one successful `allocate(bytes)`. */
export function countAllocate(s: Counters, bytes: number): void {
  s.allocations++;
  const inUse = s.bytesInUse + bytes;
  s.bytesInUse = inUse;
  if (inUse > s.peakBytes) s.peakBytes = inUse;
}

/** Records one `deallocate(bytes)` that gives the bytes back. */
export function countDeallocate(s: Counters, bytes: number): void {
  s.deallocations++;
  s.bytesInUse -= bytes;
}

/**
 * True when `bytes` is an integer in [0, 2^32) and `align` a power of two in [1, MAX_ALIGN]:
 * the fast path. Anything else goes to `rejectArgs`, which says what is wrong.
 */
export function argsOk(bytes: number, align: number): boolean {
  return (bytes >>> 0) === bytes && align <= MAX_ALIGN && align >= 1 && (align & -align) === align;
}

/**
 * Throws for arguments `argsOk` refused: `RangeError` for malformed ones, `BadAllocError` for
 * well-formed requests no resource here can meet (more than 4 GiB, or alignment beyond 2^29).
 */
export function rejectArgs(who: string, bytes: unknown, align: unknown): never {
  if (typeof bytes !== "number" || !Number.isInteger(bytes) || bytes < 0) {
    throw new RangeError(`${who}: bytes must be a non-negative integer, got ${String(bytes)}`);
  }
  const isPow2 = typeof align === "number" && Number.isInteger(align) && align >= 1 &&
    2 ** Math.round(Math.log2(align)) === align;
  if (!isPow2) {
    throw new RangeError(`${who}: align must be a power of two, got ${String(align)}`);
  }
  throw new BadAllocError(
    who,
    bytes,
    align,
    `the Wasm heap is at most 1 GiB and aligns to at most ${MAX_ALIGN}; ask for less`,
  );
}

/** Checks a resource's constructor option: an integer in [min, max], or the default. */
export function intOption(
  who: string,
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${who}: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/**
 * The live task frames taken from a resource that has `release()` (arena, pool): `_frame.ts`
 * counts them here, and `release()` refuses while any is live. A symbol, so user-written resources
 * are untouched and the count costs one property access per frame taken or freed.
 */
export const framesLive: unique symbol = Symbol("framesLive");

/** A resource that counts its live task frames. */
export interface FrameCounting {
  [framesLive]: number;
}

/** Whether `value` has the shape of a `MemoryResource` (the three methods). */
export function isMemoryResource(value: unknown): value is MemoryResource {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Partial<MemoryResource>;
  return typeof r.allocate === "function" && typeof r.deallocate === "function" &&
    typeof r.isEqual === "function";
}

/** What `value` is, for messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    const missing = ["allocate", "deallocate", "isEqual"]
      .filter((m) => typeof (value as Record<string, unknown>)[m] !== "function");
    return `${ctor ? `${/^[AEIOU]/.test(ctor) ? "an" : "a"} ${ctor}` : "an object"}` +
      (missing.length ? ` without ${missing.join(", ")}` : "");
  }
  return typeof value === "function" ? "a function" : `${typeof value} ${String(value)}`;
}

/** Checks a resource-valued constructor option: a `MemoryResource`, or the default. */
export function resourceOption(
  who: string,
  name: string,
  value: unknown,
  fallback: () => MemoryResource,
  fix = `pass a resource or leave ${name} out for getDefaultResource()`,
): MemoryResource {
  if (value === undefined) return fallback();
  if (isMemoryResource(value)) return value;
  throw new TypeError(
    `${who}: ${name} must be a MemoryResource (an object with allocate, deallocate and isEqual ` +
      `methods, e.g. newDeleteResource or another ArenaResource/PoolResource), got ` +
      `${describe(value)}; ${fix}`,
  );
}

/** The name a resource goes by in messages. */
export function nameOf(resource: object): string {
  return (resource as { constructor?: { name?: string } }).constructor?.name || "MemoryResource";
}

/**
 * Whether `ptr`, returned by some resource's `allocate(bytes, align)`, is an address a task or a
 * resource may write `bytes` bytes at: an integer inside the Wasm heap, at or above the end of the
 * heap's own control area, aligned to `align` (at least 8 for task frames).
 */
export function addressOk(ptr: number, bytes: number, align: number): boolean {
  return (ptr | 0) === ptr && ptr >= heapBase() && (ptr & (align - 1)) === 0 &&
    ptr + bytes <= heapBytes();
}

/** Throws the `InvalidPointerError` for an address `addressOk` refused. */
export function rejectAddress(
  resource: string,
  ptr: unknown,
  bytes: number,
  align: number,
): never {
  let why: string;
  if (typeof ptr !== "number" || !Number.isInteger(ptr)) why = "is not an integer";
  else if (ptr < heapBase()) {
    why = ptr < 0
      ? "is negative"
      : `lies in the Wasm heap's own control area (below ${heapBase()})`;
  } else if (ptr + bytes > heapBytes()) {
    why = `runs past the end of the Wasm heap (${heapBytes()} bytes)`;
  } else why = `is not aligned to ${align}`;
  throw new InvalidPointerError(
    resource,
    `allocate(${bytes}, ${align})`,
    ptr,
    `returned ${String(ptr)}, which ${why}: nothing was written there. A MemoryResource must ` +
      "return the address of memory it got from an upstream resource (e.g. newDeleteResource), " +
      "aligned as asked",
  );
}
