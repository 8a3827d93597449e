import assert from "node:assert/strict";
import { heap, heapMemory } from "../../src/memory/_heap.ts";

const memory = heapMemory();
import { BadAllocError } from "../../src/memory/bad_alloc_error.ts";
import { newDeleteResource } from "../../src/memory/new_delete_resource.ts";
import { runModel } from "./_model.ts";

Deno.test("newDeleteResource: model-based random sequence", () => {
  const freeBefore = heap.freeBytes();
  const memBefore = memory.buffer.byteLength;
  runModel(newDeleteResource, {
    seed: 1,
    steps: 6000,
    maxBytes: 20_000,
    maxAlignLog2: 12,
    audit: () => assert.equal(heap.check(), 0),
  });
  // Freed memory went back to the heap and coalesced.
  assert.equal(heap.freeBytes() - freeBefore, memory.buffer.byteLength - memBefore);
});

Deno.test("newDeleteResource: stats count requested bytes, not rounded ones", () => {
  const s0 = { ...newDeleteResource.stats };
  const p = newDeleteResource.allocate(3);
  assert.equal(newDeleteResource.stats.bytesInUse, s0.bytesInUse + 3);
  assert.equal(newDeleteResource.stats.allocations, s0.allocations + 1);
  newDeleteResource.deallocate(p, 3);
  assert.equal(newDeleteResource.stats.bytesInUse, s0.bytesInUse);
  assert.equal(newDeleteResource.stats.deallocations, s0.deallocations + 1);
});

Deno.test("newDeleteResource: bad sizes and alignments are RangeErrors", () => {
  for (const align of [0, 3, 6, 12, -8, 4.5, NaN]) {
    assert.throws(() => newDeleteResource.allocate(8, align), RangeError, `align ${align}`);
  }
  for (const bytes of [-1, 1.5, NaN, Infinity]) {
    assert.throws(() => newDeleteResource.allocate(bytes), RangeError, `bytes ${bytes}`);
  }
  assert.throws(() => newDeleteResource.allocate(8, 3), /align must be a power of two, got 3/);
  const p = newDeleteResource.allocate(8);
  assert.throws(() => newDeleteResource.deallocate(p, 8, 5), RangeError);
  newDeleteResource.deallocate(p, 8);
});

Deno.test("newDeleteResource: requests beyond the 1 GiB heap are BadAllocError", () => {
  const before = { ...newDeleteResource.stats };
  assert.throws(() => newDeleteResource.allocate(2 ** 31), BadAllocError);
  assert.throws(() => newDeleteResource.allocate(2 ** 33), BadAllocError);
  assert.throws(() => newDeleteResource.allocate(8, 2 ** 31), BadAllocError);
  assert.deepEqual({ ...newDeleteResource.stats }, before, "failed calls are not counted");
});

Deno.test("newDeleteResource: double free is an error", () => {
  const p = newDeleteResource.allocate(24);
  newDeleteResource.deallocate(p, 24);
  assert.throws(() => newDeleteResource.deallocate(p, 24), /not the address of a live block/);
  assert.equal(heap.check(), 0);
});

Deno.test("newDeleteResource: large alignments up to 64 KiB hold", () => {
  for (let k = 3; k <= 16; k++) {
    const p = newDeleteResource.allocate(100, 2 ** k);
    assert.equal(p % 2 ** k, 0);
    newDeleteResource.deallocate(p, 100, 2 ** k);
  }
  assert.equal(heap.check(), 0);
});
