// Helpers shared by the built-in memory resources: statistics counting and argument checks.
// Written so that V8 inlines the fast checks into each resource's allocate/deallocate.

import { BadAllocError } from "./bad_alloc_error.ts";
import type { ResourceStats } from "./memory_resource.ts";

/** The largest alignment the heap honours; larger powers of two cannot be satisfied. */
export const MAX_ALIGN = 2 ** 29;

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
