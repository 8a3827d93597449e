/**
 * Plugging in your own allocator. Two patterns:
 *
 * 1. A per-request arena with a hard budget (`upstream: nullResource`): runaway work becomes a
 *    `BadAllocError` in the task that asked, instead of eating the heap.
 * 2. A user-written `MemoryResource` that traces what a task tree allocates, forwarding to an
 *    upstream resource.
 *
 * Run: `deno run examples/custom_allocator.ts`.
 *
 * @module
 */

import {
  allocatorArg,
  ArenaResource,
  BadAllocError,
  frameBuffer,
  type MemoryResource,
  newDeleteResource,
  nullResource,
  type ResourceStats,
  syncAwait,
  type Task,
  task,
} from "../mod.ts";

// 1. A budgeted arena ----------------------------------------------------------------------------

const explore: (tag: typeof allocatorArg, arena: MemoryResource, depth: number) => Task<number> =
  task(function* (_tag: typeof allocatorArg, arena: MemoryResource, depth: number) {
    const scratch = yield* frameBuffer(256); // per-level scratch space, from the same arena
    scratch[0] = depth;
    if (depth === 0) return 1;
    return 1 + (yield* explore(allocatorArg, arena, depth - 1));
  });

{
  using budget = new ArenaResource({ initialSize: 16 * 1024, upstream: nullResource });
  console.log(
    "A request within budget explores",
    syncAwait(explore(allocatorArg, budget, 20)),
    "levels",
  );
  budget.release();
  try {
    syncAwait(explore(allocatorArg, budget, 1_000));
  } catch (e) {
    if (!(e instanceof BadAllocError)) throw e;
    console.log(`A runaway request hit its 16 KiB budget: ${e.message.split(":")[0]}`);
  }
}

// 2. A tracing resource you write yourself ---------------------------------------------------

/** Forwards to `upstream` and counts allocations by size. */
class TracingResource implements MemoryResource {
  readonly bySize = new Map<number, number>();
  #inUse = 0;
  #peak = 0;
  #allocations = 0;
  #deallocations = 0;

  constructor(readonly upstream: MemoryResource = newDeleteResource) {}

  allocate(bytes: number, align = 8): number {
    const ptr = this.upstream.allocate(bytes, align);
    this.bySize.set(bytes, (this.bySize.get(bytes) ?? 0) + 1);
    this.#allocations++;
    this.#inUse += bytes;
    this.#peak = Math.max(this.#peak, this.#inUse);
    return ptr;
  }

  deallocate(ptr: number, bytes: number, align = 8): void {
    this.#deallocations++;
    this.#inUse -= bytes;
    this.upstream.deallocate(ptr, bytes, align);
  }

  isEqual(other: MemoryResource): boolean {
    return other === this;
  }

  get stats(): ResourceStats {
    return {
      bytesInUse: this.#inUse,
      peakBytes: this.#peak,
      allocations: this.#allocations,
      deallocations: this.#deallocations,
    };
  }
}

const tracer = new TracingResource();
syncAwait(explore(allocatorArg, tracer, 10));
console.log("The traced task tree allocated:", Object.fromEntries(tracer.bySize), "(bytes: count)");
console.log("and gave everything back:", tracer.stats);
