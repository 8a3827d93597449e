// Test helpers for the allocator tests: a seeded PRNG, a forwarding CountingResource written
// against the public interface only, and a model-based random tester for any MemoryResource.

import assert from "node:assert/strict";
import { heapU8 } from "../../src/memory/_heap.ts";
import type { MemoryResource, ResourceStats } from "../../src/memory/memory_resource.ts";
import { prng } from "../_helpers.ts";

export { prng };

/** An integer in [0, n). */
export function below(next: () => number, n: number): number {
  return next() % n;
}

/** A user-written resource: forwards to `upstream` and keeps its own exact statistics. */
export class CountingResource implements MemoryResource {
  readonly requests: Array<[bytes: number, align: number]> = [];
  #stats = { bytesInUse: 0, peakBytes: 0, allocations: 0, deallocations: 0 };
  constructor(readonly upstream: MemoryResource) {}
  get stats(): ResourceStats {
    return { ...this.#stats };
  }
  allocate(bytes: number, align = 8): number {
    const ptr = this.upstream.allocate(bytes, align);
    this.requests.push([bytes, align]);
    const s = this.#stats;
    s.allocations++;
    s.bytesInUse += bytes;
    s.peakBytes = Math.max(s.peakBytes, s.bytesInUse);
    return ptr;
  }
  deallocate(ptr: number, bytes: number, align = 8): void {
    this.upstream.deallocate(ptr, bytes, align);
    this.#stats.deallocations++;
    this.#stats.bytesInUse -= bytes;
  }
  isEqual(other: MemoryResource): boolean {
    return other === this;
  }
}

interface Block {
  ptr: number;
  bytes: number;
  align: number | undefined;
  seed: number;
}

/** How the resource under test is expected to behave. */
export interface ModelOptions {
  seed: number;
  steps: number;
  /** Largest request size. */
  maxBytes: number;
  /** Largest alignment is 2 ** maxAlignLog2. */
  maxAlignLog2: number;
  /** Arena semantics: deallocate frees nothing and bytesInUse only drops at release(). */
  monotonic?: boolean;
  /** Call `release()` now and then (the resource must have one). */
  release?: boolean;
  /** Pool semantics: the size class a request maps to, or -1 when it bypasses the pools. */
  sizeClass?: (bytes: number, align: number) => number;
  /** Called every 64 steps and at the end (e.g. a heap invariant check). */
  audit?: () => void;
}

function fill(b: Block): void {
  const u8 = heapU8();
  for (let i = 0; i < b.bytes; i++) u8[b.ptr + i] = (b.seed + i * 7) & 255;
}

function verify(b: Block): void {
  const u8 = heapU8();
  for (let i = 0; i < b.bytes; i++) {
    if (u8[b.ptr + i] !== ((b.seed + i * 7) & 255)) {
      assert.fail(`block ${b.ptr} (${b.bytes} bytes) was overwritten at byte ${i}`);
    }
  }
}

/**
 * Runs a random sequence of allocate/deallocate (and release) on `resource`, checking it against a
 * reference model after every step: alignment, no overlap between blocks that must not share
 * memory, contents surviving until free, exact stats, and (for pools) LIFO reuse per size class.
 * Frees everything it still holds at the end. Returns how many pool allocations were reuses.
 */
export function runModel(
  resource: MemoryResource & { release?(): void },
  o: ModelOptions,
): number {
  const next = prng(o.seed);
  const live: Block[] = [];
  // Blocks whose memory is still claimed: live ones, plus (monotonic) freed-but-unreleased ones.
  let claimed: Block[] = [];
  const freedByClass = new Map<number, number[]>();
  const base = { ...resource.stats };
  let bytesInUse = base.bytesInUse;
  let peak = base.peakBytes;
  let allocations = base.allocations;
  let deallocations = base.deallocations;
  let reuses = 0;

  const checkStats = () => {
    const s = resource.stats;
    assert.equal(s.allocations, allocations, "allocations");
    assert.equal(s.deallocations, deallocations, "deallocations");
    assert.equal(s.bytesInUse, bytesInUse, "bytesInUse");
    assert.equal(s.peakBytes, peak, "peakBytes");
  };

  const free = (k: number) => {
    const b = live[k];
    verify(b);
    live[k] = live[live.length - 1];
    live.pop();
    if (b.align === undefined) resource.deallocate(b.ptr, b.bytes);
    else resource.deallocate(b.ptr, b.bytes, b.align);
    deallocations++;
    if (!o.monotonic) {
      bytesInUse -= b.bytes;
      claimed = claimed.filter((c) => c !== b);
      const c = o.sizeClass?.(b.bytes, b.align ?? 8) ?? -1;
      if (c >= 0) {
        const stack = freedByClass.get(c) ?? [];
        stack.push(b.ptr);
        freedByClass.set(c, stack);
      }
    }
  };

  for (let step = 0; step < o.steps; step++) {
    const roll = below(next, 100);
    if (o.release && roll === 0) {
      resource.release!();
      live.length = 0;
      claimed = [];
      freedByClass.clear();
      bytesInUse = 0;
    } else if (roll < 55 || live.length === 0) {
      const big = below(next, 10) === 0;
      const bytes = big ? below(next, o.maxBytes + 1) : below(next, Math.min(257, o.maxBytes + 1));
      const align = below(next, 3) === 0 ? undefined : 2 ** below(next, o.maxAlignLog2 + 1);
      const ptr = align === undefined ? resource.allocate(bytes) : resource.allocate(bytes, align);
      assert.equal(ptr % (align ?? 8), 0, `allocate(${bytes}, ${align}) = ${ptr} is misaligned`);
      const c = o.sizeClass?.(bytes, align ?? 8) ?? -1;
      const stack = freedByClass.get(c);
      if (c >= 0 && stack && stack.length > 0) {
        assert.equal(ptr, stack.pop(), "the pool must hand out the most recently freed block");
        reuses++;
      }
      const b: Block = { ptr, bytes, align, seed: next() };
      if (bytes > 0) {
        for (const o of claimed) {
          if (o.bytes > 0 && ptr < o.ptr + o.bytes && o.ptr < ptr + bytes) {
            assert.fail(`[${ptr}, +${bytes}) overlaps [${o.ptr}, +${o.bytes})`);
          }
        }
      }
      fill(b);
      live.push(b);
      claimed.push(b);
      allocations++;
      bytesInUse += bytes;
      peak = Math.max(peak, bytesInUse);
    } else {
      free(below(next, live.length));
    }
    checkStats();
    if (step % 64 === 0) {
      for (const b of live) verify(b);
      o.audit?.();
    }
  }
  while (live.length > 0) free(live.length - 1);
  checkStats();
  o.audit?.();
  return reuses;
}
