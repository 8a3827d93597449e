/**
 * Issue 10 item 21: `release()` while a task holds a frame or a frameBuffer from the resource
 * refuses with a `ResourceInUseError` and releases nothing; once the task ended it works.
 */

import assert from "node:assert/strict";
import {
  allocatorArg,
  ArenaResource,
  coAwait,
  frameBuffer,
  type MemoryResource,
  PoolResource,
  start,
  task,
} from "../../mod.ts";
import { heap, heapU8 } from "../../src/memory/_heap.ts";

// A task that fills a frameBuffer, waits on `gate`, and then reports whether its bytes survived.
const holder = task(function* (
  _tag: typeof allocatorArg,
  _resource: MemoryResource,
  gate: Promise<void>,
) {
  const buffer = yield* frameBuffer(200);
  buffer.fill(0x5a);
  yield* coAwait(gate);
  return buffer.every((b) => b === 0x5a);
});

function assertInUse(call: () => void, resource: string, frames: number): void {
  assert.throws(call, (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "ResourceInUseError");
    assert.equal((e as Error & { resource: string }).resource, resource);
    assert.equal((e as Error & { frames: number }).frames, frames);
    assert.match(e.message, /still live/);
    return true;
  });
}

Deno.test("arena.release() while a suspended task holds a frameBuffer from it is refused", async () => {
  const arena = new ArenaResource({ initialSize: 128 }); // the buffer lands in a later block
  const gate = Promise.withResolvers<void>();
  const done = start(holder(allocatorArg, arena, gate.promise));
  const before = { ...arena.stats };
  assertInUse(() => arena.release(), "ArenaResource", 1);
  assertInUse(() => arena[Symbol.dispose](), "ArenaResource", 1);
  assert.deepEqual({ ...arena.stats }, before, "nothing was released");
  // The next allocation does not get the task's memory.
  const other = arena.allocate(200);
  new Uint8Array(heapBufferOf(), other, 200).fill(0);
  gate.resolve();
  assert.equal(await done, true, "the task's buffer was never handed to anyone else");
  arena.release(); // the task ended: allowed now
  assert.equal(arena.stats.bytesInUse, 0);
  arena[Symbol.dispose]();
  assert.equal(heap.check(), 0);
});

Deno.test("pool.release() while a suspended task holds a frame from it is refused", async () => {
  const pool = new PoolResource();
  const gates = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
  const runs = gates.map((g) => start(holder(allocatorArg, pool, g.promise)));
  assertInUse(() => pool.release(), "PoolResource", 2);
  assertInUse(() => pool[Symbol.dispose](), "PoolResource", 2);
  gates[0].resolve();
  assert.equal(await runs[0], true);
  assertInUse(() => pool.release(), "PoolResource", 1);
  gates[1].resolve();
  assert.equal(await runs[1], true);
  pool.release();
  assert.equal(pool.stats.bytesInUse, 0);
  assert.equal(heap.check(), 0);
});

Deno.test("a task that releases its own arena gets the error in its body, and unwinds cleanly", async () => {
  const arena = new ArenaResource();
  const selfRelease = task(function* (_tag: typeof allocatorArg, a: ArenaResource) {
    yield* frameBuffer(16);
    a.release();
    return "released";
  });
  await assert.rejects(() => start(selfRelease(allocatorArg, arena)), {
    name: "ResourceInUseError",
  });
  arena.release();
  arena[Symbol.dispose]();
});

function heapBufferOf(): ArrayBuffer {
  return heapU8().buffer as ArrayBuffer;
}
