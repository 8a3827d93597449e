import assert from "node:assert/strict";
import {
  heap,
  heapI32,
  heapMemory,
  heapU8,
  heapView,
  heapViewsTrackGrowth,
} from "../../src/memory/_heap.ts";

const memory = heapMemory();
const resizable = heapViewsTrackGrowth();
import { below, prng } from "./_model.ts";

Deno.test("Wasm heap: exports memory with a 1 GiB maximum and no imports", () => {
  assert.ok(memory instanceof WebAssembly.Memory);
  // Deno has toResizableBuffer: the buffer is resizable and its maximum is 1 GiB.
  assert.equal(resizable, true);
  assert.equal((memory.buffer as ArrayBuffer).maxByteLength, 2 ** 30);
  assert.equal(heap.check(), 0);
});

Deno.test("Wasm heap: random alloc/free keeps every invariant, alignment and contents", () => {
  const next = prng(0xc0ffee);
  const live: Array<[ptr: number, size: number, tag: number]> = [];
  const freeBefore = heap.freeBytes();
  const memBefore = memory.buffer.byteLength;
  for (let i = 0; i < 20_000; i++) {
    if (below(next, 100) < 55 || live.length === 0) {
      const align = 2 ** below(next, 13); // up to 4096
      const size = below(next, 8) === 0 ? below(next, 70_000) : below(next, 300);
      const ptr = heap.alloc(size, align);
      assert.notEqual(ptr, 0);
      assert.equal(ptr % Math.max(align, 8), 0);
      assert.ok(heap.usable(ptr) >= size);
      const tag = below(next, 256);
      heapU8().fill(tag, ptr, ptr + size);
      live.push([ptr, size, tag]);
    } else {
      const k = below(next, live.length);
      const [ptr, size, tag] = live[k];
      const u8 = heapU8();
      for (let j = 0; j < size; j++) assert.equal(u8[ptr + j], tag);
      live[k] = live[live.length - 1];
      live.pop();
      assert.equal(heap.free(ptr), 0);
    }
    if (i % 500 === 0) assert.equal(heap.check(), 0, `heap invariant broken at step ${i}`);
  }
  for (const [ptr] of live) assert.equal(heap.free(ptr), 0);
  assert.equal(heap.check(), 0);
  // Everything coalesced back: free space is what it was plus whatever growth added.
  assert.equal(heap.freeBytes() - freeBefore, memory.buffer.byteLength - memBefore);
});

Deno.test("Wasm heap: freeing a block and allocating the same size reuses memory", () => {
  const mem = memory.buffer.byteLength;
  for (let i = 0; i < 1000; i++) {
    const p = heap.alloc(1 << 20, 8);
    assert.notEqual(p, 0);
    assert.equal(heap.free(p), 0);
  }
  assert.ok(memory.buffer.byteLength <= mem + (2 << 20), "memory grew although blocks were freed");
});

Deno.test("Wasm heap: free rejects double frees and foreign pointers", () => {
  const p = heap.alloc(40, 8);
  assert.equal(heap.free(p), 0);
  assert.notEqual(heap.free(p), 0);
  assert.notEqual(heap.free(0), 0);
  assert.notEqual(heap.free(p + 4), 0);
  assert.notEqual(heap.free(memory.buffer.byteLength + 8), 0);
  assert.equal(heap.check(), 0);
});

Deno.test("Wasm heap: impossible requests return 0", () => {
  assert.equal(heap.alloc(2 ** 30 + 1, 8), 0);
  assert.equal(heap.alloc(8, 3), 0);
  assert.equal(heap.alloc(8, 2 ** 30), 0);
  assert.equal(heap.check(), 0);
});

Deno.test("Wasm heap: a heapView survives memory growth (>64 MiB) and reads the same bytes", () => {
  const ptr = heap.alloc(16, 8);
  const view = heapView(ptr, 16);
  view.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  const i32Before = heapI32();
  const before = memory.buffer.byteLength;
  const big = heap.alloc(80 << 20, 8);
  assert.notEqual(big, 0);
  assert.ok(memory.buffer.byteLength > before, "expected the memory to grow");
  assert.equal(view.length, 16);
  assert.deepEqual([...view], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  // The cached whole-heap views track the new length and see writes through the old view.
  assert.equal(heapI32(), i32Before);
  assert.equal(heapU8().length, memory.buffer.byteLength);
  heapU8()[big + (80 << 20) - 1] = 0x5a;
  view[0] = 99;
  assert.equal(heapU8()[ptr], 99);
  assert.equal(heapI32()[ptr >> 2] & 0xff, 99);
  assert.equal(heap.free(big), 0);
  assert.equal(heap.free(ptr), 0);
  assert.equal(heap.check(), 0);
});
