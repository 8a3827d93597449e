/**
 * The allocator as part of a task's environment (API.md "Frames and allocators", P3552): a task
 * called without `allocatorArg` inside a task that has an allocator takes its frame and its
 * `frameBuffer`s from that same allocator, so one per-request arena or budget covers the tree.
 */

import assert from "node:assert/strict";
import {
  allocatorArg,
  ArenaResource,
  BadAllocError,
  fork,
  frameBuffer,
  inlineExecutor,
  join,
  nullResource,
  schedule,
  sleep,
  spawn,
  start,
  type Suspension,
  syncAwait,
  type Task,
  task,
  whenAll,
} from "../../mod.ts";
import { CountingResource, defaultBytesInUse } from "../_helpers.ts";

const leaf = task(function* (bytes: number) {
  yield* schedule(inlineExecutor); // suspends: needs a frame
  const b = yield* frameBuffer(bytes);
  return b.length;
});

Deno.test("env: children without allocatorArg take frames and buffers from the parent's", () => {
  const counting = new CountingResource();
  const before = defaultBytesInUse();
  const middle = task(function* () {
    return (yield* leaf(10)) + (yield* leaf(20));
  });
  const request = task(function* (_t: typeof allocatorArg, _a: CountingResource) {
    return (yield* middle()) + (yield* leaf(30));
  });
  assert.equal(syncAwait(request(allocatorArg, counting)), 60);
  // A suspension gives every task it passes a frame: request, middle, and three leaves with a
  // buffer each.
  assert.equal(counting.allocations, 2 + 3 * 2);
  assert.equal(counting.bytesInUse, 0, "all returned when each task ended");
  assert.equal(defaultBytesInUse(), before, "nothing came from the default resource");
});

Deno.test("env: the allocator covers groups, forks, spawned work and driver segments", async () => {
  const counting = new CountingResource();
  const before = defaultBytesInUse();
  const deep: (n: number) => Task<number> = task(
    function* (n: number): Generator<Suspension, number, unknown> {
      if (n === 0) return yield* leaf(1);
      return yield* deep(n - 1); // deeper than the inline limit: driver segments
    },
  );
  const tree = task(function* (_t: typeof allocatorArg, _a: CountingResource) {
    const [a, b] = yield* whenAll(leaf(1), leaf(1));
    const f = yield* fork(leaf(1));
    const [c] = yield* join(f);
    const d = yield* spawn(inlineExecutor, leaf(1));
    yield* sleep(0);
    const e = yield* deep(100);
    return a + b + c + d + e;
  });
  assert.equal(await start(tree(allocatorArg, counting)), 5);
  assert.ok(counting.allocations >= 10 + 100, `${counting.allocations} allocations`);
  assert.equal(counting.bytesInUse, 0);
  assert.equal(defaultBytesInUse(), before, "nothing came from the default resource");
});

Deno.test("env: one budget bounds the whole tree; outside it, the default resource", () => {
  using budget = new ArenaResource({ initialSize: 256, upstream: nullResource });
  const greedy: (n: number) => Task<number> = task(
    function* (n: number): Generator<Suspension, number, unknown> {
      yield* schedule(inlineExecutor);
      yield* frameBuffer(64);
      return n === 0 ? 0 : 1 + (yield* greedy(n - 1));
    },
  );
  const request = task(function* (_t: typeof allocatorArg, _a: ArenaResource) {
    return yield* greedy(1_000);
  });
  assert.throws(() => syncAwait(request(allocatorArg, budget)), BadAllocError);
  // The same tree outside any allocatorArg runs on the default resource, unbounded.
  const before = defaultBytesInUse();
  assert.equal(syncAwait(greedy(100)), 100);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("env: a child's own allocatorArg wins inside the parent's environment", () => {
  const outer = new CountingResource();
  const inner = new CountingResource();
  const child = task(function* (_t: typeof allocatorArg, _a: CountingResource) {
    return yield* leaf(8);
  });
  const parent = task(function* (_t: typeof allocatorArg, _a: CountingResource) {
    const x = yield* child(allocatorArg, inner);
    const y = yield* leaf(8);
    return x + y;
  });
  assert.equal(syncAwait(parent(allocatorArg, outer)), 16);
  assert.equal(inner.allocations, 3, "the child's frame, its leaf's frame and buffer");
  assert.equal(outer.allocations, 3, "the parent's frame, its own leaf's frame and buffer");
});
