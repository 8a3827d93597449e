import assert from "node:assert/strict";
import { heap } from "../../src/memory/_heap.ts";
import { ArenaResource } from "../../src/memory/arena_resource.ts";
import { BadAllocError } from "../../src/memory/bad_alloc_error.ts";
import { newDeleteResource } from "../../src/memory/new_delete_resource.ts";
import { nullResource } from "../../src/memory/null_resource.ts";
import { CountingResource, runModel } from "./_model.ts";

Deno.test("ArenaResource: model-based random sequence with releases", () => {
  const upstream = new CountingResource(newDeleteResource);
  using arena = new ArenaResource({ initialSize: 512, upstream });
  runModel(arena, {
    seed: 2,
    steps: 6000,
    maxBytes: 5000,
    maxAlignLog2: 12,
    monotonic: true,
    release: true,
  });
  arena.release();
  assert.equal(upstream.stats.bytesInUse, 0, "release() returns every upstream block");
  assert.equal(upstream.stats.allocations, upstream.stats.deallocations);
  assert.equal(heap.check(), 0);
});

Deno.test("ArenaResource: bumps monotonically and rewinds to the first block on release", () => {
  using arena = new ArenaResource({ initialSize: 1024, upstream: nullResource });
  const a = arena.allocate(10);
  const b = arena.allocate(10);
  assert.equal(b, a + 16, "8-aligned bump");
  const c = arena.allocate(1, 64);
  assert.equal(c % 64, 0);
  assert.ok(c >= b + 10);
  arena.deallocate(a, 10);
  assert.equal(arena.stats.bytesInUse, 21, "deallocate does not give bytes back");
  assert.equal(arena.stats.deallocations, 1);
  arena.release();
  assert.equal(arena.stats.bytesInUse, 0);
  assert.equal(arena.stats.peakBytes, 21);
  assert.equal(arena.allocate(10), a, "release() rewinds to the start of the first block");
});

Deno.test("ArenaResource: the first block comes from newDeleteResource at construction", () => {
  const before = { ...newDeleteResource.stats };
  const arena = new ArenaResource({ initialSize: 3000 });
  assert.equal(newDeleteResource.stats.allocations, before.allocations + 1);
  assert.equal(newDeleteResource.stats.bytesInUse, before.bytesInUse + 3000);
  arena[Symbol.dispose]();
  assert.equal(newDeleteResource.stats.deallocations, before.deallocations + 1);
  assert.equal(newDeleteResource.stats.bytesInUse, before.bytesInUse);
});

Deno.test("ArenaResource: later blocks come from upstream and grow geometrically", () => {
  const upstream = new CountingResource(newDeleteResource);
  using arena = new ArenaResource({ initialSize: 100, upstream });
  for (let i = 0; i < 200; i++) arena.allocate(50);
  const sizes = upstream.requests.map(([bytes]) => bytes);
  assert.ok(sizes.length >= 3);
  assert.equal(sizes[0], 200);
  for (let i = 1; i < sizes.length; i++) assert.equal(sizes[i], sizes[i - 1] * 2);
  // A request bigger than the next block still fits.
  arena.allocate(100_000, 256);
  assert.ok(upstream.requests.at(-1)![0] >= 100_000 + 256);
  arena.release();
  assert.equal(upstream.stats.bytesInUse, 0);
  arena.release(); // a second release is harmless
  assert.equal(upstream.stats.deallocations, sizes.length + 1);
  // Growth restarts from the initial size after release.
  arena.allocate(150);
  assert.equal(upstream.requests.at(-1)![0], 200);
});

Deno.test("ArenaResource: with upstream nullResource it is a hard budget", () => {
  using arena = new ArenaResource({ initialSize: 256, upstream: nullResource });
  arena.allocate(200);
  arena.allocate(56);
  assert.equal(arena.stats.bytesInUse, 256);
  let caught: unknown;
  try {
    arena.allocate(1);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof BadAllocError);
  assert.equal(caught.name, "BadAllocError");
  assert.equal(caught.resource, "ArenaResource");
  assert.equal(caught.bytes, 1);
  assert.equal(caught.align, 8);
  assert.match(caught.message, /ArenaResource cannot allocate 1 bytes aligned to 8/);
  assert.match(caught.message, /raise the arena's budget/);
  assert.ok(caught.cause instanceof BadAllocError);
  assert.equal(arena.stats.allocations, 2, "the failed call is not counted");
  arena.release();
  arena.allocate(256); // the whole budget is available again
});

Deno.test("ArenaResource: dispose frees the first block; use after dispose is an error", () => {
  const upstream = new CountingResource(newDeleteResource);
  const before = newDeleteResource.stats.bytesInUse;
  const arena = new ArenaResource({ initialSize: 64, upstream });
  arena.allocate(500);
  assert.equal(newDeleteResource.stats.bytesInUse, before + 64 + upstream.stats.bytesInUse);
  arena[Symbol.dispose]();
  assert.equal(upstream.stats.bytesInUse, 0);
  assert.equal(newDeleteResource.stats.bytesInUse, before);
  assert.throws(() => arena.allocate(8), /used after \[Symbol.dispose\]/);
  assert.throws(() => arena.allocate(0), /used after/);
  assert.throws(() => arena.release(), /used after/);
  assert.throws(() => arena.deallocate(0, 8), /used after/);
  arena[Symbol.dispose](); // idempotent
  assert.equal(newDeleteResource.stats.bytesInUse, before);
});

Deno.test("ArenaResource: bad arguments and options are RangeErrors", () => {
  using arena = new ArenaResource();
  assert.throws(() => arena.allocate(8, 24), RangeError);
  assert.throws(() => arena.allocate(-4), RangeError);
  assert.throws(() => arena.allocate(2.5), RangeError);
  assert.throws(() => arena.deallocate(0, 8, 7), RangeError);
  assert.throws(() => new ArenaResource({ initialSize: -1 }), RangeError);
  assert.throws(() => new ArenaResource({ initialSize: 1.5 }), RangeError);
  assert.equal(arena.stats.allocations, 0);
  assert.ok(arena.isEqual(arena));
  assert.ok(!arena.isEqual(newDeleteResource));
});
