// Allocate+free pairs for each memory resource against plain JS baselines.
// Run: deno bench bench/allocators_bench.ts

import {
  allocatorArg,
  ArenaResource,
  frameBuffer,
  newDeleteResource,
  PoolResource,
  syncAwait,
  task,
} from "./_coro.ts";

const N = 1000;
const SIZE = 64;

const pool = new PoolResource();
Deno.bench(
  "PoolResource allocate+deallocate (64 B) x1000",
  { group: "pair", baseline: true },
  () => {
    for (let i = 0; i < N; i++) pool.deallocate(pool.allocate(SIZE), SIZE);
  },
);

const ptrs = new Int32Array(N);
Deno.bench("PoolResource 1000 allocates then 1000 deallocates (64 B)", { group: "pair" }, () => {
  for (let i = 0; i < N; i++) ptrs[i] = pool.allocate(SIZE);
  for (let i = N - 1; i >= 0; i--) pool.deallocate(ptrs[i], SIZE);
});

const arena = new ArenaResource({ initialSize: N * SIZE });
Deno.bench("ArenaResource allocate (64 B) x1000, then release()", { group: "pair" }, () => {
  for (let i = 0; i < N; i++) arena.allocate(SIZE);
  arena.release();
});

Deno.bench("newDeleteResource allocate+deallocate (64 B) x1000", { group: "pair" }, () => {
  for (let i = 0; i < N; i++) newDeleteResource.deallocate(newDeleteResource.allocate(SIZE), SIZE);
});

let sink: unknown;
Deno.bench("JS object {a,b,c,d} allocation x1000 (GC frees)", { group: "pair" }, () => {
  for (let i = 0; i < N; i++) sink = { a: i, b: i, c: i, d: i };
});

const freeList: number[] = [];
let nextId = 0;
Deno.bench("JS array free list pop/push x1000", { group: "pair" }, () => {
  for (let i = 0; i < N; i++) {
    const id = freeList.length > 0 ? freeList.pop()! : nextId++;
    freeList.push(id);
  }
});

// A task that needs 256 bytes of scratch (issue 13): from its arena through frameBuffer, against
// the same task with a fresh Uint8Array. One task per iteration, 1000 per run.
const withFrameBuffer = task(
  function* (_tag: typeof allocatorArg, _arena: ArenaResource, i: number) {
    const scratch = yield* frameBuffer(256);
    scratch[i & 255] = i;
    return scratch[i & 255];
  },
);
const withUint8Array = task(function* (i: number) {
  const scratch = new Uint8Array(256);
  scratch[i & 255] = i;
  return scratch[i & 255];
});
const scratchArena = new ArenaResource({ initialSize: 1 << 20 });
const loopFrameBuffer = task(function* () {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += yield* withFrameBuffer(allocatorArg, scratchArena, i);
  return sum;
});
const loopUint8Array = task(function* () {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += yield* withUint8Array(i);
  return sum;
});
Deno.bench(
  "task with yield* frameBuffer(256) from an arena x1000",
  { group: "scratch", baseline: true },
  () => {
    sink = syncAwait(loopFrameBuffer());
    scratchArena.release();
  },
);
Deno.bench("task with new Uint8Array(256) x1000", { group: "scratch" }, () => {
  sink = syncAwait(loopUint8Array());
});

globalThis.addEventListener("unload", () => {
  if (sink === 42) console.log(sink);
});
