/**
 * W3: nesting depth. Each contender runs `deep(n)` for n = 10 000, 100 000 and 1 000 000 in its
 * own child process (`_depth_child.ts`), so a stack overflow or a crash is a result, not the end
 * of the suite. The API contract requires `@coro/task` to complete 1 000 000. The reference is an
 * explicit-stack trampoline of plain generators (the least a nest deeper than the native stack
 * costs); for it and `@coro/task` a second child per contender measures the JS heap each level
 * holds at 1 000 000 (`--bytes`, with `--expose-gc`).
 *
 * @module
 */

import { runChild } from "./_child.ts";
import { log, QUICK } from "./_harness.ts";
import type { Grid } from "./_report.ts";
import { BYTES_CONTENDERS, DEPTH_CONTENDERS } from "./_depth_child.ts";

/** Depths measured by W3. */
export const DEPTHS = [10_000, 100_000, 1_000_000];
/**
 * The depth at which bytes per level are measured: 1 000 000, or 100 000 in quick mode (the
 * figure is the same to ~1%, in a fifth of the time).
 */
export const BYTES_DEPTH: number = QUICK ? 100_000 : 1_000_000;
/** W3's reference: a loop over an array of suspended plain generators. */
export const TRAMPOLINE = "explicit-stack trampoline";

/**
 * Runs W3 and lays out its grid. In quick mode only 10k for peers, all depths for @coro/task and
 * the trampoline (the reference of a target).
 */
export async function depthGrid(): Promise<Grid> {
  const t0 = performance.now();
  const names = Object.keys(DEPTH_CONTENDERS);
  const rows: string[][] = [];
  const raw: Record<string, Record<number, { ok: boolean; ms?: number; error?: string }>> = {};
  const bytes: Record<string, number> = {};
  for (const name of names) {
    const row = [name];
    raw[name] = {};
    for (const d of DEPTHS) {
      if (QUICK && d > DEPTHS[0] && name !== "@coro/task" && name !== TRAMPOLINE) {
        row.push("(quick: skipped)");
        continue;
      }
      const r = await runChild("./_depth_child.ts", [name, String(d)], {
        timeoutMs: QUICK ? 15_000 : 30_000,
      });
      raw[name][d] = r.ok ? { ok: true, ms: r.ms as number } : { ok: false, error: r.error };
      row.push(r.ok ? `ok, ${(r.ms as number).toFixed(1)} ms` : r.error);
    }
    if (BYTES_CONTENDERS.includes(name)) {
      const r = await runChild("./_depth_child.ts", ["--bytes", name, String(BYTES_DEPTH)], {
        timeoutMs: 60_000,
        v8Flags: ["--expose-gc"],
      });
      if (r.ok) bytes[name] = r.bytesPerLevel as number;
      row.push(r.ok ? (r.bytesPerLevel as number).toFixed(0) : r.error);
    } else {
      row.push("—");
    }
    rows.push(row);
  }
  log(`W3: ${names.length} contenders in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  depthResults = raw;
  bytesPerLevel = bytes;
  return {
    id: "W3",
    title: "nesting depth",
    about: "`deep(n)` awaiting `deep(n - 1)`, one child process per cell; time of one run " +
      "(includes first-run JIT warm-up, so read it as indicative). The explicit-stack " +
      "trampoline is plain generators `yield`ing their child to a ~20-line loop that keeps an " +
      "array of the suspended ones (`_depth_child.ts`).",
    header: [
      "contender",
      ...DEPTHS.map((d) => `depth ${d.toLocaleString("en-US")}`),
      `B/level at ${BYTES_DEPTH.toLocaleString("en-US")}`,
    ],
    rows,
    notes: [
      `B/level: JS heap at the deepest point of \`deep(${BYTES_DEPTH.toLocaleString("en-US")})\` ` +
      "minus the heap before the run, divided by the depth; both read by `gc()` then " +
      "`Deno.memoryUsage().heapUsed` (the leaf calls the probe), in a child process of its own " +
      "with `--expose-gc`. `@coro/task`'s Wasm frames are outside the JS heap and not counted: " +
      "32 bytes a level, as every level is suspended while the chain is moved off the native stack " +
      "every `INLINE_LIMIT` levels.",
    ],
  };
}

/** Bytes of JS heap per level at {@linkcode BYTES_DEPTH}, by contender, of the last run. */
export let bytesPerLevel: Record<string, number> = {};

/** Raw W3 outcomes of the last {@linkcode depthGrid} run, for the targets check. */
export let depthResults: Record<
  string,
  Record<number, { ok: boolean; ms?: number; error?: string }>
> = {};
