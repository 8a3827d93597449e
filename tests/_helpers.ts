/**
 * Test helpers: a resource that counts what goes through it, and a probe of the native stack.
 *
 * @module
 */

import {
  getDefaultResource,
  type MemoryResource,
  newDeleteResource,
  type ResourceStats,
} from "../mod.ts";

/** A user-written resource: forwards to `upstream` and records every call. */
export class CountingResource implements MemoryResource {
  readonly upstream: MemoryResource;
  readonly live = new Map<number, number>();
  allocations = 0;
  deallocations = 0;
  bytesInUse = 0;
  peakBytes = 0;

  constructor(upstream: MemoryResource = newDeleteResource) {
    this.upstream = upstream;
  }

  allocate(bytes: number, align = 8): number {
    const ptr = this.upstream.allocate(bytes, align);
    this.live.set(ptr, bytes);
    this.allocations++;
    this.bytesInUse += bytes;
    this.peakBytes = Math.max(this.peakBytes, this.bytesInUse);
    return ptr;
  }

  deallocate(ptr: number, bytes: number, align = 8): void {
    if (this.live.get(ptr) !== bytes) {
      throw new Error(`deallocate(${ptr}, ${bytes}): not a live block of that size`);
    }
    this.live.delete(ptr);
    this.deallocations++;
    this.bytesInUse -= bytes;
    this.upstream.deallocate(ptr, bytes, align);
  }

  isEqual(other: MemoryResource): boolean {
    return other === this;
  }

  get stats(): ResourceStats {
    return {
      bytesInUse: this.bytesInUse,
      peakBytes: this.peakBytes,
      allocations: this.allocations,
      deallocations: this.deallocations,
    };
  }
}

/** Bytes the default resource has handed out and not taken back. */
export function defaultBytesInUse(): number {
  return getDefaultResource().stats.bytesInUse;
}

/** How many frames are on the native stack here (exact: counted from a full stack trace). */
export function nativeFrames(): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  try {
    return new Error().stack!.split("\n").length - 1;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** mulberry32, a small seedable generator: a function giving uint32 values. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Runs `body` collecting what is reported to the host (the "error" events `reportError`
 * dispatches on globalThis) instead of failing the test; waits one macrotask for reports made
 * after the current job. `body` also gets the list as it fills.
 */
export async function capturingReports<T>(
  body: (reported: unknown[]) => Promise<T> | T,
): Promise<{ value: T; reported: unknown[] }> {
  const reported: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    reported.push(event.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    const value = await body(reported);
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { value, reported };
  } finally {
    globalThis.removeEventListener("error", onError);
  }
}
