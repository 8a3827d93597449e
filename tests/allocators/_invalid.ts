// Assertions shared by the validation tests: an invalid call throws the typed error and changes
// nothing.

import assert from "node:assert/strict";
import { heap } from "../../src/memory/_heap.ts";
import type { MemoryResource } from "../../src/memory/memory_resource.ts";

/** The stats as a plain object. */
export function statsOf(r: MemoryResource): Record<string, number> {
  const s = r.stats;
  return {
    bytesInUse: s.bytesInUse,
    peakBytes: s.peakBytes,
    allocations: s.allocations,
    deallocations: s.deallocations,
  };
}

/**
 * `call` throws an `InvalidPointerError` (a `RangeError`) whose message names `resource`, the
 * pointer and matches `cause`; every resource's stats in `watch` and the heap are unchanged.
 */
export function assertRejected(
  call: () => void,
  resource: string,
  ptr: unknown,
  cause: RegExp,
  watch: MemoryResource[],
): void {
  const before = watch.map(statsOf);
  const free = heap.freeBytes();
  assert.throws(call, (e: unknown) => {
    assert.ok(e instanceof RangeError, `not a RangeError: ${e}`);
    assert.equal(e.name, "InvalidPointerError");
    assert.equal((e as RangeError & { resource: string }).resource, resource);
    assert.ok(Object.is((e as RangeError & { ptr: unknown }).ptr, ptr));
    assert.ok(e.message.startsWith(`${resource}.`), e.message);
    assert.ok(e.message.includes(String(ptr)), `pointer not named: ${e.message}`);
    assert.match(e.message, cause);
    return true;
  });
  assert.deepEqual(watch.map(statsOf), before, "stats changed");
  assert.equal(heap.freeBytes(), free, "the heap changed");
  assert.equal(heap.check(), 0);
}
