/**
 * `newDeleteResource`'s allocation map (`src/memory/_live_blocks.ts`): exact membership under
 * address patterns an allocator produces, and no pattern builds a long probe run.
 */

import assert from "node:assert/strict";
import { LiveBlocks } from "../../src/memory/_live_blocks.ts";
import { prng } from "../_helpers.ts";

const COUNT = 50_000;

/** Address patterns: dense blocks of common sizes, power-of-two strides, random. */
function patterns(): [string, (i: number) => number][] {
  const random = prng(1301);
  return [
    ["dense 8 B", (i) => 8 + 8 * i],
    ["dense 16 B", (i) => 16 + 16 * i],
    ["dense 40 B", (i) => 8 + 40 * i],
    ["dense 48 B", (i) => 8 + 48 * i],
    ["stride 256 B", (i) => 256 * (i + 1)],
    ["stride 4 KiB", (i) => 4096 * (i + 1)],
    // 16,384 blocks 64 KiB apart fill 1 GiB: then the next lap, 8 bytes further on.
    ["stride 64 KiB", (i) => 65536 * (i % 16384) + 8 * (1 + Math.floor(i / 16384))],
    ["random", () => 8 * (1 + (random() >>> 5))], // uint32 >>> 5: below 2^27
  ];
}

Deno.test("LiveBlocks: every pattern is found exactly, taken once, and keeps probe runs short", () => {
  for (const [name, address] of patterns()) {
    const live = new LiveBlocks();
    const added = new Map<number, number>();
    for (let i = 0; added.size < COUNT; i++) {
      const ptr = address(i);
      if (added.has(ptr)) continue;
      added.set(ptr, i % 7);
      live.add(ptr, i % 7);
    }
    assert.equal(live.size, COUNT, name);
    // Measured: at most 16 cells for these patterns (the per-address hash: 45, dense 40 B).
    const probe = live.longestProbe();
    assert.ok(probe <= 32, `${name}: a lookup walks ${probe} cells`);
    for (const [ptr, value] of added) {
      assert.equal(live.get(ptr), value, name);
      assert.equal(live.get(ptr + 8), added.get(ptr + 8), `${name}: a neighbour is not ${ptr}`);
    }
    let k = 0;
    for (const [ptr, value] of added) {
      if (k++ % 2 === 0) {
        assert.equal(live.take(ptr, value + 1), false, `${name}: a wrong value takes nothing`);
        assert.equal(live.take(ptr, value), true, name);
        assert.equal(live.take(ptr, value), false, `${name}: taken once`);
        assert.equal(live.get(ptr), undefined, name);
      }
    }
    assert.equal(live.size, COUNT / 2, name);
    // What is left is still found after the deletions shifted cells back.
    k = 0;
    for (const [ptr, value] of added) {
      if (k++ % 2 === 1) assert.equal(live.take(ptr, value), true, name);
    }
    assert.equal(live.size, 0, name);
    assert.equal(live.longestProbe(), 0, name);
  }
});

Deno.test("LiveBlocks: addresses that are not positive integers are never found", () => {
  const live = new LiveBlocks();
  live.add(64, 1);
  for (const bad of [0, -64, 64.5, 2 ** 31, NaN]) assert.equal(live.get(bad), undefined);
  assert.equal(live.take(64.5, 1), false);
  assert.equal(live.get(64), 1);
});
