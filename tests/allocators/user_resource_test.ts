/**
 * Issue 10 item 22: addresses a user-written resource returns are checked before a task uses
 * them; issue 10 item 14: junk upstreams and allocators are a TypeError at construction.
 */

import assert from "node:assert/strict";
import {
  allocatorArg,
  ArenaResource,
  frameBuffer,
  type MemoryResource,
  newDeleteResource,
  PolymorphicAllocator,
  PoolResource,
  type ResourceStats,
  setDefaultResource,
  sleep,
  start,
  syncAwait,
  task,
} from "../../mod.ts";
import { heap, heapBase, heapBytes } from "../../src/memory/_heap.ts";

/**
 * A user-written resource that answers allocate with `address(bytes)`, or, when that gives
 * `undefined`, with memory from newDeleteResource.
 */
class LyingResource implements MemoryResource {
  allocations = 0;
  deallocations = 0;
  readonly forwarded = new Set<number>();
  constructor(readonly address: (bytes: number) => number | undefined) {}
  allocate(bytes: number, align = 8): number {
    this.allocations++;
    const lie = this.address(bytes);
    if (lie !== undefined) return lie;
    const ptr = newDeleteResource.allocate(bytes, align);
    this.forwarded.add(ptr);
    return ptr;
  }
  deallocate(ptr: number, bytes: number, align = 8): void {
    this.deallocations++;
    if (this.forwarded.delete(ptr)) newDeleteResource.deallocate(ptr, bytes, align);
  }
  isEqual(other: MemoryResource): boolean {
    return other === this;
  }
  get stats(): ResourceStats {
    return { bytesInUse: 0, peakBytes: 0, allocations: this.allocations, deallocations: 0 };
  }
}

const junk: Array<[string, () => number, RegExp]> = [
  ["NaN", () => NaN, /not an integer/],
  ["a fraction", () => 4096.5, /not an integer/],
  ["a string", () => "4096" as unknown as number, /not an integer/],
  ["null", () => null as unknown as number, /not an integer/],
  ["negative", () => -64, /negative/],
  ["zero", () => 0, /control area/],
  ["the control area", () => 64, /control area/],
  ["misaligned", () => heapBase() + 4, /not aligned to 8/],
  ["past the heap", () => heapBytes() - 8, /past the end/],
  ["far past the heap", () => 2 ** 31 + 8, /past the end|not an integer/],
];

function assertBadAddress(e: unknown, cause: RegExp): true {
  assert.ok(e instanceof RangeError, String(e));
  assert.equal(e.name, "InvalidPointerError");
  assert.match(e.message, /^LyingResource\.allocate\(\d+, \d+\): returned/);
  assert.match(e.message, cause);
  return true;
}

for (const [what, address, cause] of junk) {
  Deno.test(`a user resource returning ${what}: frameBuffer throws at the yield*, nothing written`, () => {
    // Frames (32 bytes) are real; the 64-byte buffer gets the junk address.
    const liar = new LyingResource((bytes) => bytes === 64 ? address() : undefined);
    const free = heap.freeBytes();
    let finallyRan = 0;
    const body = task(function* (_tag: typeof allocatorArg, _r: MemoryResource) {
      try {
        yield* frameBuffer(64);
        return "unreachable";
      } finally {
        finallyRan++;
      }
    });
    assert.throws(() => syncAwait(body(allocatorArg, liar)), (e) => assertBadAddress(e, cause));
    assert.equal(finallyRan, 1);
    assert.equal(liar.forwarded.size, 0, "the frame went back");
    assert.equal(liar.deallocations, liar.allocations - 1, "the junk address was never given back");
    assert.equal(heap.freeBytes(), free);
    assert.equal(heap.check(), 0);
  });
}

Deno.test("a user resource returning NaN for a frame: a typed error, and the task ends", async () => {
  const liar = new LyingResource(() => NaN);
  let caught: unknown;
  let ran = 0;
  const body = task(function* (_tag: typeof allocatorArg, _r: MemoryResource) {
    ran++;
    try {
      yield* sleep(1);
    } catch (e) {
      caught = e;
    }
    return "ended";
  });
  // The frame is taken at the call (today) or at the first suspension (lazy frames): the error is
  // thrown there, and the task ends either way (no infinite loop over a NaN frame at its end).
  try {
    assert.equal(await start(body(allocatorArg, liar)), "ended");
    assert.equal(ran, 1);
  } catch (e) {
    caught = e;
    assert.equal(ran, 0);
  }
  assertBadAddress(caught, /not an integer/);
  assert.equal(heap.check(), 0);
});

Deno.test("a user resource as default resource returning junk: plain tasks still settle", async () => {
  const liar = new LyingResource(() => 3);
  const previous = setDefaultResource(liar);
  try {
    const body = task(function* () {
      yield* sleep(1);
      return 1;
    });
    await assert.rejects(() => start(body()), (e) => assertBadAddress(e, /control area/));
  } finally {
    setDefaultResource(previous);
  }
  assert.equal(heap.check(), 0);
});

Deno.test("an arena or pool over a lying upstream refuses its blocks", () => {
  const liar = new LyingResource(() => 8);
  using arena = new ArenaResource({ initialSize: 16, upstream: liar });
  arena.allocate(16);
  assert.throws(() => arena.allocate(64), (e) => assertBadAddress(e, /control area/));
  using pool = new PoolResource({ upstream: liar });
  assert.throws(() => pool.allocate(64), (e) => assertBadAddress(e, /control area/));
  assert.equal(pool.stats.allocations, 0);
  // An upstream that hands out the same chunk twice is caught too.
  const chunk = newDeleteResource.allocate(4096, 1024);
  try {
    const twice = new LyingResource(() => chunk);
    using pool2 = new PoolResource({ upstream: twice });
    const a = pool2.allocate(1024);
    assert.equal(a, chunk);
    assert.throws(() => pool2.allocate(512), /overlaps memory a PoolResource holds/);
  } finally {
    newDeleteResource.deallocate(chunk, 4096, 1024);
  }
});

const junkResources: Array<[string, unknown]> = [
  ["null", null],
  ["a number", 42],
  ["a string", "newDeleteResource"],
  ["an empty object", {}],
  ["an object without deallocate", { allocate: () => 8, isEqual: () => false }],
  ["an object without isEqual", { allocate: () => 8, deallocate: () => {} }],
  ["a function", () => 8],
];

for (const [what, value] of junkResources) {
  Deno.test(`a junk upstream (${what}) is a TypeError at construction naming the fix`, () => {
    for (
      const make of [
        () => new ArenaResource({ upstream: value as MemoryResource }),
        () => new PoolResource({ upstream: value as MemoryResource }),
      ]
    ) {
      const before = newDeleteResource.stats.bytesInUse;
      assert.throws(make, (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, /upstream must be a MemoryResource/);
        assert.match(e.message, /leave upstream out/);
        return true;
      });
      assert.equal(newDeleteResource.stats.bytesInUse, before, "no first block leaked");
    }
  });
}

Deno.test("resource options that are not an object are a TypeError at construction, leaking nothing", () => {
  for (const junk of [null, 5, "big", true, () => ({})]) {
    for (
      const [name, make] of [
        ["ArenaResource", () => new ArenaResource(junk as never)],
        ["PoolResource", () => new PoolResource(junk as never)],
      ] as const
    ) {
      const before = newDeleteResource.stats.bytesInUse;
      assert.throws(make, (e: unknown) => {
        assert.ok(e instanceof TypeError, `${name}(${String(junk)})`);
        assert.match(e.message, new RegExp(`^new ${name}\\(options\\): options must be an object`));
        return true;
      });
      assert.equal(newDeleteResource.stats.bytesInUse, before, "no first block leaked");
    }
  }
  // A junk upstream is named with the right article: "an Object", "a Map".
  assert.throws(() => new ArenaResource({ upstream: {} as never }), /got an Object without/);
  assert.throws(() => new ArenaResource({ upstream: new Map() as never }), /got a Map without/);
});

Deno.test("PolymorphicAllocator over an object without deallocate is a TypeError at construction", () => {
  for (const [, value] of junkResources) {
    if (value === null) continue; // null: see below
    assert.throws(
      () => new PolymorphicAllocator(value as MemoryResource),
      /PolymorphicAllocator\(\): its resource must be a MemoryResource/,
    );
  }
  assert.throws(() => new PolymorphicAllocator(null as unknown as MemoryResource), TypeError);
  assert.throws(
    () => new PolymorphicAllocator({ allocate: () => 8, isEqual: () => false } as never),
    /without deallocate/,
  );
  assert.throws(() => setDefaultResource({} as MemoryResource), /or null to restore/);
});
