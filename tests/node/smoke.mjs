// Loads the bundled package in Node.js (no resizable Wasm buffers before V8 13) and checks that
// the core, the Wasm heap and its growth work there. Run by .ci/run:
//   deno bundle mod.ts -o /tmp/coro.js && node tests/node/smoke.mjs /tmp/coro.js
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";

const lib = await import(pathToFileURL(process.argv[2]).href);
const { allocatorArg, ArenaResource, getDefaultResource, sleep, start, syncAwait, task } = lib;

const deep = task(function* (n) {
  return n === 0 ? 0 : 1 + (yield* deep(n - 1));
});
assert.equal(syncAwait(deep(100_000)), 100_000);

const before = getDefaultResource().stats.bytesInUse;
const napping = task(function* () {
  yield* sleep(1);
  const big = getDefaultResource().allocate(96 << 20); // grows the heap: views are re-derived
  getDefaultResource().deallocate(big, 96 << 20);
  return "woke";
});
assert.equal(await start(napping()), "woke");
assert.equal(getDefaultResource().stats.bytesInUse, before);

// A task given an allocator takes its frame from it when it first needs one: here, at its
// suspension (one that completes inline may elide it).
const arena = new ArenaResource();
const double = task(function* (_tag, _arena, x) {
  yield* sleep(1);
  return 2 * x;
});
assert.equal(await start(double(allocatorArg, arena, 21)), 42);
assert.equal(arena.stats.allocations, 1);
arena[Symbol.dispose]();
console.log(`node ${process.version}: core, heap growth and allocatorArg work`);
