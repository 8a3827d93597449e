/**
 * Issue 13: `frameBuffer(n)` asks its resource for exactly `n` bytes (a power of two fits the
 * pool's class for it), keeps its bookkeeping in the frame, and has a checked mode that poisons
 * freed buffers.
 */

import assert from "node:assert/strict";
import {
  allocatorArg,
  ArenaResource,
  CancellationDomain,
  CancelledError,
  frameBuffer,
  type MemoryResource,
  newDeleteResource,
  nullResource,
  poisonFreedFrameBuffers,
  PoolResource,
  sleep,
  start,
  syncAwait,
  task,
  withDomain,
} from "../../mod.ts";
import { heap } from "../../src/memory/_heap.ts";
import { CountingResource } from "./_model.ts";

const FRAME_BYTES = 32;

const takeBuffers = task(function* (
  _tag: typeof allocatorArg,
  resource: MemoryResource,
  sizes: number[],
) {
  const views: Uint8Array[] = [];
  for (const [i, n] of sizes.entries()) {
    const view = yield* frameBuffer(n);
    view.fill(i + 1);
    views.push(view);
  }
  // Every buffer kept its own bytes: no two overlap, and no bookkeeping was written into them.
  for (const [i, view] of views.entries()) assert.ok(view.every((b) => b === i + 1));
  return { inUse: resource.stats.bytesInUse, views };
});

Deno.test("frameBuffer(n) for a power of two n takes exactly the pool's n-byte class", () => {
  for (let n = 8; n <= 16384; n *= 2) {
    const upstream = new CountingResource(newDeleteResource);
    using pool = new PoolResource({ largestRequiredPoolBlock: 16384, upstream });
    const { inUse } = syncAwait(takeBuffers(allocatorArg, pool, [n]));
    assert.equal(inUse, FRAME_BYTES + n, `frameBuffer(${n}) asked for more than ${n} bytes`);
    // The chunk taken for the buffer is of the n-byte class (chunks are aligned to their class,
    // and to at least 1 KiB), never of the 2n-byte one.
    const aligns = upstream.requests.map(([, align]) => align);
    assert.ok(!aligns.includes(Math.max(2 * n, 2048)), `class of ${2 * n} used for ${n}`);
    if (n >= 1024) assert.ok(aligns.includes(n));
    assert.equal(pool.stats.bytesInUse, 0);
  }
});

Deno.test("many frameBuffers in one task: distinct, intact, all freed at its end", () => {
  using pool = new PoolResource();
  const sizes = [1, 8, 24, 64, 0, 100, 256, 7, 512, 3, 40];
  const { inUse } = syncAwait(takeBuffers(allocatorArg, pool, sizes));
  const sum = sizes.reduce((a, b) => a + b, 0);
  // The frame, one 32-byte record per further three buffers, and exactly the bytes asked for.
  const records = Math.ceil((sizes.length - 3) / 3);
  assert.equal(inUse, FRAME_BYTES * (1 + records) + sum);
  assert.equal(pool.stats.bytesInUse, 0);
  assert.equal(pool.stats.allocations, pool.stats.deallocations);
  assert.equal(pool.stats.allocations, 1 + records + sizes.length);
  assert.equal(heap.check(), 0);
});

Deno.test("frameBuffer: a bad size is a RangeError at the call", () => {
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 31, "8" as unknown as number]) {
    assert.throws(() => frameBuffer(bad), RangeError, String(bad));
  }
});

Deno.test("poisonFreedFrameBuffers: a view kept past its task reads 0xDE at once", () => {
  for (const make of [() => new ArenaResource(), () => new PoolResource()]) {
    using resource = make();
    const previous = poisonFreedFrameBuffers(true);
    let views: Uint8Array[];
    try {
      ({ views } = syncAwait(takeBuffers(allocatorArg, resource, [16, 300, 5, 64, 9])));
    } finally {
      assert.equal(poisonFreedFrameBuffers(previous), true);
    }
    for (const view of views) assert.ok(view.every((b) => b === 0xde), String([...view]));
  }
});

Deno.test("poison mode off (the default): the stale view still shows the old bytes", () => {
  // The hazard the checked mode exists for: nothing tells the user the view is stale.
  using arena = new ArenaResource();
  assert.equal(poisonFreedFrameBuffers(false), false);
  const { views } = syncAwait(takeBuffers(allocatorArg, arena, [16]));
  assert.ok(views[0].every((b) => b === 1));
});

Deno.test("poisonFreedFrameBuffers: a non-boolean is a TypeError", () => {
  assert.throws(() => poisonFreedFrameBuffers(1 as unknown as boolean), TypeError);
});

Deno.test("a task with its own allocator: frameBuffer then a throw, a budget overrun, a cancel", async () => {
  // The owner question of frameBuffer() is answered inside the step that asked; each way out of
  // that step must still free the frame and its buffers before the awaiter resumes.
  using arena = new ArenaResource({ initialSize: 512, upstream: nullResource });
  const throwsAfter = task(function* (_t: typeof allocatorArg, _r: MemoryResource) {
    (yield* frameBuffer(64)).fill(1);
    throw new Error("after the buffer");
  });
  assert.throws(() => syncAwait(throwsAfter(allocatorArg, arena)), /after the buffer/);
  arena.release(); // refuses (ResourceInUseError) if a frame were still live

  const overrun = task(function* (_t: typeof allocatorArg, _r: MemoryResource) {
    const small = yield* frameBuffer(64);
    try {
      yield* frameBuffer(4096); // over the 512-byte budget: thrown into the body, here
      return "no error";
    } catch (e) {
      return `${(e as Error).name}, small buffer still ${small.length} bytes`;
    }
  });
  assert.equal(
    syncAwait(overrun(allocatorArg, arena)),
    "BadAllocError, small buffer still 64 bytes",
  );
  arena.release();

  const domain = new CancellationDomain();
  let unwound = false;
  const cancelled = task(function* (_t: typeof allocatorArg, _r: MemoryResource) {
    try {
      (yield* frameBuffer(64)).fill(2);
      yield* sleep(60_000);
    } finally {
      unwound = true;
    }
  });
  const p = start(withDomain(domain, cancelled(allocatorArg, arena)));
  assert.throws(() => arena.release(), { name: "ResourceInUseError" });
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.ok(unwound);
  arena.release();
  assert.equal(arena.stats.bytesInUse, 0);
});
