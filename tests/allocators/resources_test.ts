import assert from "node:assert/strict";
import { ArenaResource } from "../../src/memory/arena_resource.ts";
import { BadAllocError } from "../../src/memory/bad_alloc_error.ts";
import { getDefaultResource, setDefaultResource } from "../../src/memory/default_resource.ts";
import { newDeleteResource } from "../../src/memory/new_delete_resource.ts";
import { nullResource } from "../../src/memory/null_resource.ts";
import { PolymorphicAllocator } from "../../src/memory/polymorphic_allocator.ts";
import { PoolResource } from "../../src/memory/pool_resource.ts";
import { CountingResource, runModel } from "./_model.ts";

Deno.test("nullResource: every allocate throws BadAllocError; deallocate is an error", () => {
  for (const bytes of [0, 1, 8, 1 << 20]) {
    assert.throws(() => nullResource.allocate(bytes), (e: unknown) => {
      assert.ok(e instanceof BadAllocError);
      assert.equal(e.resource, "nullResource");
      assert.equal(e.bytes, bytes);
      return true;
    });
  }
  assert.throws(() => nullResource.allocate(8, 5), RangeError);
  assert.throws(() => nullResource.deallocate(8, 8), /never allocates/);
  assert.deepEqual({ ...nullResource.stats }, {
    bytesInUse: 0,
    peakBytes: 0,
    allocations: 0,
    deallocations: 0,
  });
  assert.ok(nullResource.isEqual(nullResource));
  assert.ok(!nullResource.isEqual(newDeleteResource));
});

Deno.test("default resource: starts as newDeleteResource; set returns the previous one", () => {
  assert.equal(getDefaultResource(), newDeleteResource);
  using arena = new ArenaResource();
  assert.equal(setDefaultResource(arena), newDeleteResource);
  try {
    assert.equal(getDefaultResource(), arena);
    const alloc = new PolymorphicAllocator();
    assert.equal(alloc.resource(), arena);
    using pool = new PoolResource();
    pool.allocate(8);
    assert.ok(arena.stats.allocations > 0, "a pool built now takes its chunks from the default");
  } finally {
    assert.equal(setDefaultResource(null), arena);
  }
  assert.equal(getDefaultResource(), newDeleteResource);
  assert.throws(() => setDefaultResource({} as never), TypeError);
});

Deno.test("PolymorphicAllocator: forwards to its resource", () => {
  const counting = new CountingResource(newDeleteResource);
  const alloc = new PolymorphicAllocator(counting);
  assert.equal(alloc.resource(), counting);
  const p = alloc.allocate(40, 16);
  assert.equal(p % 16, 0);
  assert.deepEqual(counting.requests, [[40, 16]]);
  alloc.deallocate(p, 40, 16);
  assert.equal(counting.stats.deallocations, 1);
  assert.ok(alloc.isEqual(new PolymorphicAllocator(counting)));
  assert.ok(!alloc.isEqual(new PolymorphicAllocator(newDeleteResource)));
  assert.equal(new PolymorphicAllocator().resource(), newDeleteResource);
  assert.throws(() => new PolymorphicAllocator(42 as never), TypeError);
});

Deno.test("a user-written MemoryResource plugs in as a model resource and as an upstream", () => {
  const counting = new CountingResource(newDeleteResource);
  runModel(counting, { seed: 4, steps: 2000, maxBytes: 2000, maxAlignLog2: 10 });
  assert.equal(counting.stats.bytesInUse, 0);

  const upstream = new CountingResource(newDeleteResource);
  using pool = new PoolResource({ upstream });
  using arena = new ArenaResource({ initialSize: 16, upstream: pool });
  for (let i = 0; i < 50; i++) arena.allocate(24);
  assert.ok(pool.stats.allocations > 0);
  assert.ok(upstream.stats.allocations > 0);
  arena.release();
  assert.equal(pool.stats.bytesInUse, 0, "the arena gave its blocks back to the pool");
});

Deno.test("BadAllocError: a proper Error with name, fields and a helpful message", () => {
  const e = new BadAllocError("MyResource", 10, 16, "try less", { cause: 1 });
  assert.ok(e instanceof Error);
  assert.equal(e.name, "BadAllocError");
  assert.equal(e.message, "MyResource cannot allocate 10 bytes aligned to 16: try less");
  assert.equal(e.cause, 1);
  assert.match(String(e), /^BadAllocError: MyResource/);
});
