/**
 * The allocator abuse suite (issue 10, "Your own adversarial suites"): seeded random sequences per
 * resource that mix valid operations with every kind of invalid one. Every invalid step must throw
 * a typed error (a `RangeError`: `InvalidPointerError` for pointers, plain `RangeError` for
 * malformed sizes and alignments) and change nothing; the heap's own consistency check stays
 * clean, live blocks never overlap and keep their bytes, and the stats are exact.
 *
 * The seed is `ABUSE_SEED` when set (a failure message names the seed and the step), else fixed.
 */

import assert from "node:assert/strict";
import { heap, heapU8 } from "../../src/memory/_heap.ts";
import { ArenaResource } from "../../src/memory/arena_resource.ts";
import type { MemoryResource } from "../../src/memory/memory_resource.ts";
import { newDeleteResource } from "../../src/memory/new_delete_resource.ts";
import { PolymorphicAllocator } from "../../src/memory/polymorphic_allocator.ts";
import { PoolResource } from "../../src/memory/pool_resource.ts";
import { below, CountingResource, prng } from "./_model.ts";
import { statsOf } from "./_invalid.ts";

const SEED = Number(Deno.env.get("ABUSE_SEED") ?? 0x5eed);
const STEPS = 2500;

interface Block {
  ptr: number;
  bytes: number;
  align: number;
  tag: number;
}

interface Subject {
  resource: MemoryResource & { release?(): void };
  /** What `deallocate` goes through (a PolymorphicAllocator forwards to `resource`). */
  call: {
    allocate(b: number, a?: number): number;
    deallocate(p: number, b: number, a?: number): void;
  };
  /** Arena: deallocate frees nothing, bytesInUse drops only at release. */
  monotonic: boolean;
  /** Whether the resource has release(). */
  releases: boolean;
  /** The invalid kinds this resource can detect (an arena cannot see a double free). */
  kinds: Kind[];
}

type Kind =
  | "double free"
  | "interior"
  | "foreign"
  | "another resource"
  | "non-integer"
  | "NaN"
  | "negative"
  | "wrong size"
  | "wrong align"
  | "misaligned"
  | "bad bytes"
  | "bad align";

const POINTER_KINDS: Kind[] = ["foreign", "non-integer", "NaN", "negative", "misaligned"];
const ARG_KINDS: Kind[] = ["bad bytes", "bad align"];
const EXACT_KINDS: Kind[] = [
  ...POINTER_KINDS,
  ...ARG_KINDS,
  "double free",
  "interior",
  "another resource",
  "wrong size",
  "wrong align",
];

function tagOf(b: Block, i: number): number {
  return (b.tag + i * 13) & 255;
}

function run(name: string, subject: Subject, other: MemoryResource): void {
  const next = prng(SEED ^ hash(name));
  const { resource, call } = subject;
  const live: Block[] = [];
  const freed: Block[] = []; // freed, and not since handed out again (ptrs may be reused)
  // Memory from elsewhere, to pass as foreign and another resource's pointers.
  const foreign = newDeleteResource.allocate(256);
  const otherPtr = other.allocate(64);
  const s0 = statsOf(resource);
  let { bytesInUse, peakBytes, allocations, deallocations } = s0;
  let step = 0;
  const where = () => `${name}, seed ${SEED}, step ${step}`;

  const checkBlocks = () => {
    const u8 = heapU8();
    const sorted = [...live].filter((b) => b.bytes > 0).sort((a, b) => a.ptr - b.ptr);
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1], sorted[i]];
      assert.ok(a.ptr + a.bytes <= b.ptr, `${where()}: [${a.ptr},+${a.bytes}) overlaps ${b.ptr}`);
    }
    for (const b of live) {
      for (let i = 0; i < b.bytes; i += 7) {
        if (u8[b.ptr + i] !== tagOf(b, i)) assert.fail(`${where()}: block ${b.ptr} overwritten`);
      }
    }
  };
  const checkStats = () => {
    assert.deepEqual(
      statsOf(resource),
      { bytesInUse, peakBytes, allocations, deallocations },
      where(),
    );
  };

  const invalid = (kind: Kind) => {
    const b = live.length > 0 ? live[below(next, live.length)] : undefined;
    let args: [number, number, number];
    switch (kind) {
      case "double free": {
        const f = freed.find((f) => !live.some((l) => l.ptr === f.ptr));
        if (!f) return;
        args = [f.ptr, f.bytes, f.align];
        break;
      }
      case "interior":
        if (!b || b.bytes < 16) return;
        args = [b.ptr + 8 * (1 + below(next, Math.floor(b.bytes / 8) - 1)), 8, 8];
        break;
      case "foreign":
        args = [foreign + 8 * below(next, 32), 8, 8];
        break;
      case "another resource":
        args = [otherPtr, 64, 8];
        break;
      case "non-integer":
        if (!b) return;
        args = [b.ptr + 0.5, b.bytes, b.align];
        break;
      case "NaN":
        args = [NaN, b?.bytes ?? 8, b?.align ?? 8];
        break;
      case "negative":
        args = [-(b?.ptr ?? 64), b?.bytes ?? 8, 8];
        break;
      case "wrong size":
        if (!b) return;
        args = [b.ptr, b.bytes === 0 ? 1 : b.bytes * 3 + 1, b.align];
        break;
      case "wrong align": {
        // One that maps the request to another size class (a pool checks alignment through the
        // class; newDeleteResource checks it exactly).
        if (!b) return;
        const n = Math.max(b.bytes, b.align, 8);
        args = [b.ptr, b.bytes, 2 ** Math.ceil(Math.log2(n)) * 2];
        break;
      }
      case "misaligned":
        if (!b) return;
        args = [b.ptr | 1, 8, 8]; // odd: misaligned for 8 wherever it lies
        break;
      case "bad bytes":
        args = [b?.ptr ?? 8, [-1, 1.5, NaN][below(next, 3)], 8];
        break;
      case "bad align":
        args = [b?.ptr ?? 8, 8, [0, 3, 12, -8][below(next, 4)]];
        break;
    }
    const free = heap.freeBytes();
    assert.throws(() => call.deallocate(...args), (e: unknown) => {
      assert.ok(e instanceof RangeError, `${where()}: ${kind} ${args}: not a RangeError: ${e}`);
      if (!ARG_KINDS.includes(kind)) assert.equal(e.name, "InvalidPointerError", where());
      return true;
    }, `${where()}: ${kind} deallocate(${args}) was accepted`);
    assert.equal(heap.freeBytes(), free, `${where()}: ${kind} changed the heap`);
    checkStats();
  };

  for (step = 0; step < STEPS; step++) {
    const roll = below(next, 100);
    if (roll < 35) {
      invalid(subject.kinds[below(next, subject.kinds.length)]);
    } else if (subject.releases && roll === 35) {
      resource.release!();
      live.length = 0;
      freed.length = 0;
      bytesInUse = 0;
    } else if (roll < 70 || live.length === 0) {
      const bytes = below(next, 8) === 0 ? below(next, 9000) : below(next, 300);
      const align = 2 ** below(next, below(next, 4) === 0 ? 12 : 5);
      const ptr = call.allocate(bytes, align);
      assert.equal(ptr % align, 0, where());
      const b = { ptr, bytes, align, tag: next() & 255 };
      const u8 = heapU8();
      for (let i = 0; i < bytes; i++) u8[ptr + i] = tagOf(b, i);
      live.push(b);
      const k = freed.findIndex((f) => f.ptr === ptr);
      if (k >= 0) freed.splice(k, 1);
      allocations++;
      bytesInUse += bytes;
      peakBytes = Math.max(peakBytes, bytesInUse);
    } else {
      const k = below(next, live.length);
      const b = live[k];
      live.splice(k, 1);
      call.deallocate(b.ptr, b.bytes, b.align);
      deallocations++;
      if (!subject.monotonic) {
        bytesInUse -= b.bytes;
        freed.push(b);
      }
    }
    checkStats();
    if (step % 100 === 0) {
      checkBlocks();
      assert.equal(heap.check(), 0, where());
    }
  }
  checkBlocks();
  for (const b of live) call.deallocate(b.ptr, b.bytes, b.align);
  other.deallocate(otherPtr, 64);
  newDeleteResource.deallocate(foreign, 256);
  assert.equal(heap.check(), 0, where());
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

Deno.test("abuse: newDeleteResource", () => {
  using pool = new PoolResource();
  run("newDeleteResource", {
    resource: newDeleteResource,
    call: newDeleteResource,
    monotonic: false,
    releases: false,
    kinds: EXACT_KINDS.filter((k) => k !== "another resource"),
  }, pool);
  // Another resource's pointer: a pool block (inside a chunk the pool took from the heap).
  run("newDeleteResource vs a pool", {
    resource: newDeleteResource,
    call: newDeleteResource,
    monotonic: false,
    releases: false,
    kinds: ["another resource"],
  }, pool);
});

Deno.test("abuse: PoolResource", () => {
  using pool = new PoolResource({ largestRequiredPoolBlock: 2048 });
  using other = new PoolResource();
  run("PoolResource", {
    resource: pool,
    call: pool,
    monotonic: false,
    releases: true,
    kinds: EXACT_KINDS,
  }, other);
});

Deno.test("abuse: ArenaResource", () => {
  using arena = new ArenaResource({ initialSize: 4096 });
  using other = new ArenaResource();
  // A monotonic arena keeps no per-allocation record: a second deallocate of a pointer, an
  // interior pointer or a different size inside what it handed out are no-ops it cannot see.
  run("ArenaResource", {
    resource: arena,
    call: arena,
    monotonic: true,
    releases: true,
    kinds: [...POINTER_KINDS, ...ARG_KINDS, "another resource"],
  }, other);
});

Deno.test("abuse: PolymorphicAllocator over a pool", () => {
  using pool = new PoolResource();
  using other = new PoolResource();
  run("PolymorphicAllocator", {
    resource: pool,
    call: new PolymorphicAllocator(pool),
    monotonic: false,
    releases: true,
    kinds: EXACT_KINDS,
  }, other);
});

Deno.test("abuse: a user-written resource over newDeleteResource", () => {
  // CountingResource forwards to its upstream first and counts only what succeeded, as a careful
  // user-written resource would: the upstream's validation protects it.
  const user = new CountingResource(newDeleteResource);
  using other = new PoolResource();
  run("user-written resource", {
    resource: user,
    call: user,
    monotonic: false,
    releases: false,
    kinds: EXACT_KINDS,
  }, other);
});
