/**
 * W5: JS heap bytes allocated per W1 and W1b iteration.
 *
 * Uses V8's `total_allocated_bytes` counter from `node:v8` `getHeapStatistics()` (available in
 * Deno 2.9), which counts every byte allocated on the JS heap whether or not a GC ran in between.
 * Each contender runs its loop with `SHORT` and `LONG` iterations per run, warmed up, over the
 * same total number of runs; the per-iteration figure is the slope between the two (so the fixed
 * cost of starting a run, e.g. `syncAwait`'s driver, is reported separately as "per run"). Each
 * reading is the minimum over three repeats. The counter moves in allocation-buffer steps, so
 * figures below ~0.3 B/iteration read as zero.
 *
 * @module
 */

import v8 from "node:v8";
import { type Contender, log, QUICK } from "./_harness.ts";
import { loopContenders } from "./compose.ts";
import type { Grid } from "./_report.ts";

function allocated(): number {
  return (v8.getHeapStatistics() as unknown as { total_allocated_bytes: number })
    .total_allocated_bytes;
}

/** Loop lengths whose difference gives the per-iteration slope. */
export const SHORT = 100, LONG = 1100;
/** Runs per reading. */
export const RUNS = QUICK ? 200 : 1000;

/** Bytes allocated by `runs` calls of `c.run()` (min over repeats, after a warm-up). */
export async function bytesPerRuns(c: Contender, runs: number, repeats = 3): Promise<number> {
  const once = async () => {
    if (c.async) { for (let i = 0; i < runs; i++) await c.run(); }
    else for (let i = 0; i < runs; i++) c.run();
  };
  await once(); // warm-up: JIT, inline caches, lazily created objects
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const a = allocated();
    await once();
    best = Math.min(best, allocated() - a);
  }
  return best;
}

/** Per-iteration slope and per-run fixed bytes for contender `i` of a loop shape. */
async function slope(shape: "W1" | "W1b", i: number): Promise<{ iter: number; run: number }> {
  const short = await bytesPerRuns(loopContenders(shape, SHORT)[i], RUNS) / RUNS;
  const long = await bytesPerRuns(loopContenders(shape, LONG)[i], RUNS) / RUNS;
  const iter = Math.max(0, (long - short) / (LONG - SHORT));
  return { iter, run: Math.max(0, short - SHORT * iter) };
}

/** Runs W5 and lays out its grid; `bytes` maps contender → [W1, W1b] bytes per iteration. */
export async function heapGrid(): Promise<{ grid: Grid; bytes: Map<string, [number, number]> }> {
  const t0 = performance.now();
  const names = loopContenders("W1", 1).map((c) => c.name);
  const bytes = new Map<string, [number, number]>();
  const rows: string[][] = [];
  const fmt = (b: number) => b < 0.3 ? "0" : b.toFixed(b < 10 ? 1 : 0);
  for (let i = 0; i < names.length; i++) {
    const a = await slope("W1", i), b = await slope("W1b", i);
    bytes.set(names[i], [a.iter, b.iter]);
    rows.push([names[i], fmt(a.iter), fmt(b.iter), fmt(a.run), fmt(b.run)]);
  }
  log(`W5: ${names.length} contenders in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  return {
    bytes,
    grid: {
      id: "W5",
      title: "JS heap bytes allocated per iteration",
      about: "`total_allocated_bytes` slope between loops of " +
        `${SHORT} and ${LONG} iterations (${RUNS} runs each, min of 3, after a warm-up); ` +
        '"per run" is the fixed cost of one run of the loop (starting and finishing it).',
      header: ["contender", "W1 B/iter", "W1b B/iter", "W1 B/run", "W1b B/run"],
      rows,
    },
  };
}
