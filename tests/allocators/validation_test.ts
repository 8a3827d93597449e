/**
 * Issue 10 items 19 and 20: `deallocate` of anything a resource did not hand out (or not with
 * that size and alignment) is an `InvalidPointerError` that changes nothing.
 */

import assert from "node:assert/strict";
import { heapU8 } from "../../src/memory/_heap.ts";
import { ArenaResource } from "../../src/memory/arena_resource.ts";
import { newDeleteResource } from "../../src/memory/new_delete_resource.ts";
import { nullResource } from "../../src/memory/null_resource.ts";
import { PoolResource } from "../../src/memory/pool_resource.ts";
import { assertRejected } from "./_invalid.ts";

const ND = "newDeleteResource";

Deno.test("newDeleteResource.deallocate: foreign pointers (an arena's, a pool's) are refused", () => {
  using arena = new ArenaResource({ initialSize: 256 });
  using pool = new PoolResource();
  const a = arena.allocate(64); // the arena's first block: a heap payload owned by the arena
  const a2 = arena.allocate(64);
  const p = pool.allocate(64); // the pool's chunk: a heap payload owned by the pool
  const watch = [newDeleteResource, arena, pool];
  assertRejected(() => newDeleteResource.deallocate(a, 64), ND, a, /wrong|took for itself/, watch);
  assertRejected(() => newDeleteResource.deallocate(a, 256), ND, a, /ArenaResource took/, watch);
  assertRejected(() => newDeleteResource.deallocate(a2, 64), ND, a2, /not the address/, watch);
  assertRejected(() => newDeleteResource.deallocate(p, 64), ND, p, /PoolResource took/, watch);
  // Everything still works afterwards.
  pool.deallocate(p, 64);
  arena.deallocate(a, 64);
});

Deno.test("newDeleteResource.deallocate: interior pointers are refused even if they look like a header", () => {
  const p = newDeleteResource.allocate(256);
  try {
    // Forge what the heap's header check would accept: a plausible used-block header at p + 60.
    const view = new DataView(heapBuffer());
    view.setUint32(p + 60, 64, true);
    view.setUint32(p + 124, 0, true);
    assertRejected(
      () => newDeleteResource.deallocate(p + 64, 32),
      ND,
      p + 64,
      /middle of a block/,
      [newDeleteResource],
    );
  } finally {
    newDeleteResource.deallocate(p, 256);
  }
});

Deno.test("newDeleteResource.deallocate: non-integers, NaN, negatives and junk are refused", () => {
  const p = newDeleteResource.allocate(64);
  try {
    for (const bad of [p + 0.5, NaN, -p, Infinity, 0, 3]) {
      assertRejected(
        () => newDeleteResource.deallocate(bad, 64),
        ND,
        bad,
        /not an integer|not the address/,
        [newDeleteResource],
      );
    }
    assertRejected(
      () => newDeleteResource.deallocate("1024" as unknown as number, 64),
      ND,
      "1024",
      /not an integer/,
      [newDeleteResource],
    );
  } finally {
    newDeleteResource.deallocate(p, 64);
  }
});

Deno.test("newDeleteResource.deallocate: double free, wrong size, wrong align are refused", () => {
  const p = newDeleteResource.allocate(100, 16);
  const watch = [newDeleteResource];
  assertRejected(
    () => newDeleteResource.deallocate(p, 99, 16),
    ND,
    p,
    /allocated as 100 bytes aligned to 16/,
    watch,
  );
  assertRejected(() => newDeleteResource.deallocate(p, 100, 8), ND, p, /aligned to 16/, watch);
  assertRejected(() => newDeleteResource.deallocate(p, 100), ND, p, /aligned to 16/, watch);
  newDeleteResource.deallocate(p, 100, 16);
  assertRejected(() => newDeleteResource.deallocate(p, 100, 16), ND, p, /freed already/, watch);
});

Deno.test("newDeleteResource: the stats never go negative under wrong sizes", () => {
  const before = newDeleteResource.stats.bytesInUse;
  const p = newDeleteResource.allocate(8);
  assert.throws(() => newDeleteResource.deallocate(p, 1 << 20), RangeError);
  assert.equal(newDeleteResource.stats.bytesInUse, before + 8);
  newDeleteResource.deallocate(p, 8);
  assert.equal(newDeleteResource.stats.bytesInUse, before);
});

Deno.test("PoolResource.deallocate: double free, wrong class, another pool's, foreign, interior", () => {
  using pool = new PoolResource();
  using other = new PoolResource();
  const a = pool.allocate(64);
  const b = pool.allocate(64);
  const o = other.allocate(64);
  const nd = newDeleteResource.allocate(64);
  const watch = [pool, other, newDeleteResource];
  const P = "PoolResource";
  try {
    assertRejected(() => pool.deallocate(a, 16), P, a, /64-byte class, but 16 bytes/, watch);
    assertRejected(() => pool.deallocate(a, 128), P, a, /64-byte class, but 128 bytes/, watch);
    assertRejected(() => pool.deallocate(a, 64, 128), P, a, /64-byte class/, watch);
    assertRejected(() => pool.deallocate(o, 64), P, o, /another PoolResource/, watch);
    assertRejected(() => pool.deallocate(nd, 64), P, nd, /no chunk of any pool/, watch);
    assertRejected(() => pool.deallocate(a + 8, 64), P, a + 8, /middle of a 64-byte block/, watch);
    assertRejected(() => pool.deallocate(a + 0.5, 64), P, a + 0.5, /not an integer/, watch);
    assertRejected(() => pool.deallocate(NaN, 64), P, NaN, /not an integer/, watch);
    assertRejected(() => pool.deallocate(-64, 64), P, -64, /no chunk/, watch);
    pool.deallocate(a, 64);
    assertRejected(() => pool.deallocate(a, 64), P, a, /double free/, watch);
    // Still one owner per block: the next two allocations are a and then a fresh one, not a twice.
    assert.equal(pool.allocate(64), a);
    assert.notEqual(pool.allocate(64), a);
  } finally {
    newDeleteResource.deallocate(nd, 64);
    other.deallocate(o, 64);
  }
  void b;
});

Deno.test("PoolResource.deallocate: oversized blocks are checked exactly too", () => {
  using pool = new PoolResource({ largestRequiredPoolBlock: 256 });
  const big = pool.allocate(1000);
  const watch = [pool, newDeleteResource];
  assertRejected(() => pool.deallocate(big, 999), "PoolResource", big, /allocated as 1000/, watch);
  assertRejected(() => pool.deallocate(big + 8, 1000), "PoolResource", big + 8, /no chunk/, watch);
  pool.deallocate(big, 1000);
  assertRejected(() => pool.deallocate(big, 1000), "PoolResource", big, /no chunk/, watch);
});

Deno.test("PoolResource: blocks handed out before release() are not live after it", () => {
  using pool = new PoolResource();
  const a = pool.allocate(32);
  pool.release();
  assertRejected(() => pool.deallocate(a, 32), "PoolResource", a, /before release/, [pool]);
});

Deno.test("PoolResource: big classes (blocks over 1 KiB) validate per block", () => {
  using pool = new PoolResource({ largestRequiredPoolBlock: 16384 });
  const a = pool.allocate(4096);
  const b = pool.allocate(4096);
  assert.notEqual(a, b);
  assertRejected(() => pool.deallocate(a + 1024, 4096), "PoolResource", a + 1024, /middle/, [pool]);
  assertRejected(() => pool.deallocate(a, 2048), "PoolResource", a, /4096-byte class/, [pool]);
  pool.deallocate(b, 4096);
  pool.deallocate(a, 4096);
  assertRejected(() => pool.deallocate(b, 4096), "PoolResource", b, /double free/, [pool]);
});

Deno.test("ArenaResource.deallocate: pointers outside its blocks are refused and not counted", () => {
  using arena = new ArenaResource({ initialSize: 256 });
  const a = arena.allocate(64);
  const nd = newDeleteResource.allocate(64);
  try {
    const A = "ArenaResource";
    assertRejected(() => arena.deallocate(nd, 64), A, nd, /not in memory this arena/, [arena]);
    assertRejected(() => arena.deallocate(a + 64, 64), A, a + 64, /not in memory/, [arena]);
    assertRejected(() => arena.deallocate(a + 0.5, 8), A, a + 0.5, /not an integer/, [arena]);
    assertRejected(() => arena.deallocate(a + 4, 8, 8), A, a + 4, /not aligned to 8/, [arena]);
    arena.deallocate(a, 64);
    assert.equal(arena.stats.deallocations, 1);
    arena.release();
    assertRejected(() => arena.deallocate(a, 64), A, a, /since its last release/, [arena]);
  } finally {
    newDeleteResource.deallocate(nd, 64);
  }
});

Deno.test("nullResource.deallocate is an InvalidPointerError", () => {
  assertRejected(() => nullResource.deallocate(64, 8), "nullResource", 64, /never allocates/, [
    nullResource,
  ]);
});

function heapBuffer(): ArrayBuffer {
  return heapU8().buffer as ArrayBuffer;
}
