/**
 * Suspended: the memory a suspended two-level chain holds (a task awaiting a child task awaiting a
 * gate that is never opened), for `@coro/task` and async/await. `suspended_memory.ts` measures it
 * in a child process of its own (it needs `--expose-gc`, and a fresh heap), with `--json`.
 *
 * @module
 */

import { runChild } from "./_child.ts";
import { log, QUICK } from "./_harness.ts";
import { fmtRatio, type Grid } from "./_report.ts";
import { COUNT, SUSPENDED_ROWS } from "./suspended_memory.ts";

/** Chains held at once: 100 000, or 20 000 in quick mode (the same figures to ~0.5%). */
export const SUSPENDED_COUNT: number = QUICK ? 20_000 : COUNT;

/** Bytes per chain of one contender. */
export interface ChainBytes {
  js: number;
  wasm: number;
}

/** Runs the child and lays out its grid; `bytes` is empty if the child failed. */
export async function suspendedGrid(): Promise<{ grid: Grid; bytes: Map<string, ChainBytes> }> {
  const t0 = performance.now();
  const r = await runChild(
    "./suspended_memory.ts",
    ["--json", `--count=${SUSPENDED_COUNT}`],
    { timeoutMs: 60_000, v8Flags: ["--expose-gc"] },
  );
  const bytes = new Map<string, ChainBytes>();
  if (r.ok) {
    for (const row of r.rows as ({ name: string } & ChainBytes)[]) {
      bytes.set(row.name, { js: row.js, wasm: row.wasm });
    }
  }
  log(`Suspended: ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  const asyncJs = bytes.get(SUSPENDED_ROWS.async)?.js ?? NaN;
  const rows = r.ok
    ? [...bytes].map(([name, b]) => [
      name,
      b.js.toFixed(0),
      b.wasm.toFixed(0),
      fmtRatio(b.js / asyncJs),
    ])
    : [[SUSPENDED_ROWS.coro, `error: ${r.error}`, "", ""]];
  const count = SUSPENDED_COUNT.toLocaleString("en-US");
  return {
    grid: {
      id: "Suspended",
      title: "memory held by suspended two-level chains",
      about: `${count} chains suspended at once, each a task (or async function) awaiting a ` +
        "child awaiting a gate that is never opened; bytes per chain. JS heap: " +
        "`v8.getHeapStatistics().used_heap_size` after `gc()` with every chain suspended, minus " +
        "the same before, divided by the count (the second of two rounds). Wasm heap: the default " +
        "resource's `bytesInUse`, the same way (async functions have none). In a child process " +
        "with `--expose-gc` (`bench/suspended_memory.ts --json`). The AsyncScope row starts " +
        "each chain with `scope.spawn(parent())` instead of `start(parent())`: what it saves is " +
        "what `start()` holds per root until it settles (a Promise, its two resolving functions " +
        "and their context, and the completion that keeps them), which an async function's own " +
        "Promise, settled inside the engine, does without.",
      header: ["contender", "JS heap B/chain", "Wasm heap B/chain", "JS heap vs async/await"],
      rows,
    },
    bytes,
  };
}
