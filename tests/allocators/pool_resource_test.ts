import assert from "node:assert/strict";
import { heap } from "../../src/memory/_heap.ts";
import { BadAllocError } from "../../src/memory/bad_alloc_error.ts";
import { newDeleteResource } from "../../src/memory/new_delete_resource.ts";
import { nullResource } from "../../src/memory/null_resource.ts";
import { PoolResource } from "../../src/memory/pool_resource.ts";
import { CountingResource, runModel } from "./_model.ts";

function sizeClassOf(largest: number): (bytes: number, align: number) => number {
  return (bytes, align) => {
    const n = Math.max(bytes, align);
    return n > largest ? -1 : Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(n, 1))));
  };
}

Deno.test("PoolResource: model-based random sequence (LIFO reuse, oversize, release)", () => {
  const upstream = new CountingResource(newDeleteResource);
  using pool = new PoolResource({
    largestRequiredPoolBlock: 1024,
    maxBlocksPerChunk: 16,
    upstream,
  });
  const reuses = runModel(pool, {
    seed: 3,
    steps: 8000,
    maxBytes: 3000,
    maxAlignLog2: 11,
    release: true,
    sizeClass: sizeClassOf(1024),
  });
  assert.ok(reuses > 500, `expected many reuses, saw ${reuses}`);
  pool.release();
  assert.equal(upstream.stats.bytesInUse, 0);
  assert.equal(heap.check(), 0);
});

Deno.test("PoolResource: the most recently freed block of a class is handed out first", () => {
  using pool = new PoolResource();
  const a = pool.allocate(24);
  const b = pool.allocate(32);
  const c = pool.allocate(17);
  pool.deallocate(a, 24);
  pool.deallocate(c, 17);
  pool.deallocate(b, 32);
  assert.equal(pool.allocate(30), b);
  assert.equal(pool.allocate(32), c);
  assert.equal(pool.allocate(20), a);
  const d = pool.allocate(32);
  assert.ok(d !== a && d !== b && d !== c);
  // Different class: not reused.
  pool.deallocate(d, 32);
  assert.notEqual(pool.allocate(64), d);
});

Deno.test("PoolResource: chunks grow up to maxBlocksPerChunk; larger requests go upstream", () => {
  const upstream = new CountingResource(newDeleteResource);
  using pool = new PoolResource({ maxBlocksPerChunk: 32, largestRequiredPoolBlock: 256, upstream });
  for (let i = 0; i < 500; i++) pool.allocate(64);
  const counts = upstream.requests.map(([bytes, align]) => {
    assert.equal(align, 1024, "chunks are aligned to the 1 KiB granule (and so to the class)");
    return bytes / 64;
  });
  assert.deepEqual(counts.slice(0, 3), [16, 32, 32]);
  assert.ok(counts.every((n) => n <= 32));
  const n = upstream.requests.length;
  const big = pool.allocate(257);
  assert.equal(upstream.requests.length, n + 1);
  assert.deepEqual(upstream.requests.at(-1), [257, 8]);
  pool.deallocate(big, 257);
  assert.equal(upstream.stats.deallocations, 1);
  assert.equal(pool.largestRequiredPoolBlock, 256);
  assert.equal(pool.maxBlocksPerChunk, 32);
});

Deno.test("PoolResource: an alignment larger than the size picks a bigger class", () => {
  using pool = new PoolResource();
  for (const align of [16, 64, 256, 4096]) {
    const p = pool.allocate(8, align);
    assert.equal(p % align, 0);
    pool.deallocate(p, 8, align);
  }
  const p = pool.allocate(8, 8192); // above largestRequiredPoolBlock: straight to upstream
  assert.equal(p % 8192, 0);
  pool.deallocate(p, 8, 8192);
});

Deno.test("PoolResource: release returns everything; the pool stays usable; twice is harmless", () => {
  const upstream = new CountingResource(newDeleteResource);
  const pool = new PoolResource({ upstream });
  for (let i = 0; i < 100; i++) pool.allocate(8 << (i % 8));
  pool.allocate(100_000);
  assert.ok(upstream.stats.bytesInUse > 100_000);
  pool.release();
  assert.equal(upstream.stats.bytesInUse, 0);
  assert.equal(pool.stats.bytesInUse, 0);
  pool.release();
  assert.equal(upstream.stats.bytesInUse, 0);
  const p = pool.allocate(40);
  pool.deallocate(p, 40);
  pool[Symbol.dispose]();
  assert.equal(upstream.stats.bytesInUse, 0);
  assert.equal(heap.check(), 0);
});

Deno.test("PoolResource: errors", () => {
  using pool = new PoolResource({ upstream: nullResource });
  assert.throws(() => pool.allocate(8), BadAllocError);
  assert.equal(pool.stats.allocations, 0);
  assert.throws(() => pool.allocate(8, 3), RangeError);
  assert.throws(() => pool.deallocate(12, 8), /not a live block of this pool/);
  assert.throws(() => pool.deallocate(4096, 100_000), /not a live block of this pool/);
  assert.throws(() => new PoolResource({ maxBlocksPerChunk: 0 }), RangeError);
  assert.throws(() => new PoolResource({ largestRequiredPoolBlock: 2 ** 21 }), RangeError);
  assert.equal(new PoolResource({ largestRequiredPoolBlock: 100 }).largestRequiredPoolBlock, 128);
});
