/**
 * Frames in the Wasm heap: elision while inline, allocation when a task outlives its awaiter's
 * stack, frameBuffer(), and no leaks on any path.
 */

import assert from "node:assert/strict";
import {
  allocatorArg,
  ArenaResource,
  BadAllocError,
  coAwait,
  frameBuffer,
  getDefaultResource,
  nullResource,
  PolymorphicAllocator,
  setDefaultResource,
  sleep,
  start,
  syncAwait,
  task,
} from "../../mod.ts";
import { CountingResource, defaultBytesInUse } from "../_helpers.ts";

Deno.test("a task without allocatorArg that never suspends takes no frame (HALO analogue)", () => {
  const counting = new CountingResource();
  const previous = setDefaultResource(counting);
  try {
    const leaf = task(function* () {
      return 1;
    });
    const parent = task(function* () {
      let s = 0;
      for (let i = 0; i < 100; i++) s += yield* leaf();
      return s;
    });
    assert.equal(syncAwait(parent()), 100);
    assert.equal(counting.allocations, 0);
  } finally {
    setDefaultResource(previous);
  }
});

Deno.test("a task that suspends takes its frame from the default resource and frees it", async () => {
  const counting = new CountingResource();
  const previous = setDefaultResource(counting);
  try {
    const leaf = task(function* () {
      yield* sleep(1);
      return 2;
    });
    const parent = task(function* () {
      return yield* leaf();
    });
    const p = start(parent());
    assert.equal(counting.allocations, 2, "leaf and parent outlive the stack: one frame each");
    assert.ok(counting.bytesInUse > 0);
    assert.equal(await p, 2);
    assert.equal(counting.bytesInUse, 0);
    assert.equal(counting.deallocations, 2);
  } finally {
    setDefaultResource(previous);
  }
});

Deno.test("a PolymorphicAllocator after allocatorArg supplies the frame from its resource", () => {
  const counting = new CountingResource();
  const alloc = new PolymorphicAllocator(counting);
  const f = task(function* (_t: typeof allocatorArg, _a: PolymorphicAllocator) {
    yield* frameBuffer(0); // needs the frame
    return counting.bytesInUse;
  });
  assert.ok(syncAwait(f(allocatorArg, alloc)) > 0);
  assert.equal(counting.bytesInUse, 0);
});

Deno.test("frameBuffer gives memory from the task's allocator, freed when the task ends", () => {
  using arena = new ArenaResource({ initialSize: 4096 });
  const counting = new CountingResource(arena);
  const f = task(function* (_t: typeof allocatorArg, _a: CountingResource) {
    const a = yield* frameBuffer(100);
    const b = yield* frameBuffer(50);
    a.fill(1);
    b.fill(2);
    assert.equal(a.length, 100);
    assert.equal(b.length, 50);
    assert.equal(a.every((x) => x === 1), true, "the two buffers do not overlap");
    return counting.allocations;
  });
  assert.equal(syncAwait(f(allocatorArg, counting)), 3, "the frame and two buffers");
  assert.equal(counting.bytesInUse, 0);
  assert.equal(counting.deallocations, 3);
});

Deno.test("frameBuffer memory is freed on throw and on SyncAwaitError too", () => {
  const counting = new CountingResource();
  const throws = task(function* (_t: typeof allocatorArg, _a: CountingResource) {
    yield* frameBuffer(64);
    throw new Error("after buffering");
  });
  assert.throws(() => syncAwait(throws(allocatorArg, counting)), /after buffering/);
  assert.equal(counting.bytesInUse, 0);
  const blocks = task(function* (_t: typeof allocatorArg, _a: CountingResource) {
    yield* frameBuffer(64);
    yield* coAwait(new Promise(() => {}));
  });
  assert.throws(() => syncAwait(blocks(allocatorArg, counting)));
  assert.equal(counting.bytesInUse, 0);
});

Deno.test("frameBuffer beyond a hard budget throws BadAllocError in the task that asked", () => {
  using arena = new ArenaResource({ initialSize: 256, upstream: nullResource });
  const greedy = task(function* (_t: typeof allocatorArg, _a: ArenaResource) {
    try {
      yield* frameBuffer(1 << 20);
    } catch (e) {
      return e instanceof BadAllocError;
    }
    return false;
  });
  assert.equal(syncAwait(greedy(allocatorArg, arena)), true);
});

Deno.test("frameBuffer outside a task is a TypeError; bad sizes are RangeErrors", () => {
  assert.throws(() => syncAwait(frameBuffer(8)), /inside a task/);
  const bad = task(function* () {
    yield* frameBuffer(-1);
  });
  assert.throws(() => syncAwait(bad()), RangeError);
});

Deno.test("frameBuffer views stay valid while the heap grows", () => {
  const f = task(function* () {
    const view = yield* frameBuffer(16);
    view.set([1, 2, 3]);
    const big = getDefaultResource().allocate(96 << 20); // forces memory.grow
    getDefaultResource().deallocate(big, 96 << 20);
    return [...view.subarray(0, 3)];
  });
  assert.deepEqual(syncAwait(f()), [1, 2, 3]);
});

Deno.test("10k tasks across all paths leave no frame behind", async () => {
  const before = defaultBytesInUse();
  const leaf = task(function* (i: number) {
    yield* frameBuffer(8);
    if (i % 3 === 0) yield* coAwait(Promise.resolve());
    if (i % 5 === 0) throw new Error("odd");
    return i;
  });
  const parent = task(function* (n: number) {
    let ok = 0;
    for (let i = 0; i < n; i++) {
      try {
        yield* leaf(i);
        ok++;
      } catch {
        // counted below
      }
    }
    return ok;
  });
  assert.equal(await start(parent(10_000)), 8000);
  for (let i = 0; i < 100; i++) leaf(i).destroy();
  assert.equal(defaultBytesInUse(), before);
});
