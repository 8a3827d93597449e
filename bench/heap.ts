/**
 * W5: JS heap bytes allocated per W1 and W1b iteration.
 *
 * Uses V8's `total_allocated_bytes` counter from `node:v8` `getHeapStatistics()` (available in
 * Deno 2.9), which counts every byte allocated on the JS heap whether or not a GC ran in between.
 * Each contender is warmed up, then runs `ITERS` loop iterations between two readings; the figure
 * is the minimum over three repeats divided by `ITERS`. The counter moves in allocation-buffer
 * steps (~150 KB), so below ~0.5 B/iteration read "zero".
 *
 * @module
 */

import v8 from "node:v8";
import { type Contender, log, QUICK } from "./_harness.ts";
import { loopContenders, N } from "./compose.ts";
import type { Grid } from "./_report.ts";

function allocated(): number {
  return (v8.getHeapStatistics() as unknown as { total_allocated_bytes: number })
    .total_allocated_bytes;
}

/** Loop iterations between the two readings. */
export const ITERS = QUICK ? 200_000 : 1_000_000;

/** Bytes allocated per operation by one contender (min over repeats). */
export async function bytesPerOp(c: Contender, ops: number, repeats = 3): Promise<number> {
  const batches = Math.max(1, Math.round(ops / c.ops));
  const once = async () => {
    if (c.async) { for (let i = 0; i < batches; i++) await c.run(); }
    else for (let i = 0; i < batches; i++) c.run();
  };
  await once(); // warm-up: JIT, inline caches, lazily created objects
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const a = allocated();
    await once();
    best = Math.min(best, allocated() - a);
  }
  return best / (batches * c.ops);
}

/** Runs W5 and lays out its grid (bytes per iteration of W1 and W1b). */
export async function heapGrid(): Promise<{ grid: Grid; bytes: Map<string, [number, number]> }> {
  const t0 = performance.now();
  const w1 = loopContenders("W1"), w1b = loopContenders("W1b");
  const bytes = new Map<string, [number, number]>();
  for (let i = 0; i < w1.length; i++) {
    bytes.set(w1[i].name, [await bytesPerOp(w1[i], ITERS), await bytesPerOp(w1b[i], ITERS)]);
  }
  log(`W5: ${w1.length} contenders in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  const fmt = (b: number) => b < 0.5 ? "0" : b.toFixed(b < 10 ? 1 : 0);
  return {
    bytes,
    grid: {
      id: "W5",
      title: "JS heap bytes allocated per iteration",
      about: `\`total_allocated_bytes\` over ${ITERS.toLocaleString("en-US")} iterations ` +
        `(${ITERS / N} runs of the ${N}-iteration loop), min of 3, after a warm-up.`,
      header: ["contender", "W1 bytes/iter", "W1b bytes/iter"],
      rows: [...bytes].map(([name, [a, b]]) => [name, fmt(a), fmt(b)]),
    },
  };
}
