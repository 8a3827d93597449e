/**
 * W3: nesting depth. Each contender runs `deep(n)` for n = 10 000, 100 000 and 1 000 000 in its
 * own child process (`_depth_child.ts`), so a stack overflow or a crash is a result, not the end
 * of the suite. The API contract requires `@coro/task` to complete 1 000 000.
 *
 * @module
 */

import { runChild } from "./_child.ts";
import { log, QUICK } from "./_harness.ts";
import type { Grid } from "./_report.ts";
import { DEPTH_CONTENDERS } from "./_depth_child.ts";

/** Depths measured by W3. */
export const DEPTHS = [10_000, 100_000, 1_000_000];

/** Runs W3 and lays out its grid. In quick mode only 10k for peers, all depths for @coro/task. */
export async function depthGrid(): Promise<Grid> {
  const t0 = performance.now();
  const names = Object.keys(DEPTH_CONTENDERS);
  const rows: string[][] = [];
  const raw: Record<string, Record<number, { ok: boolean; ms?: number; error?: string }>> = {};
  for (const name of names) {
    const row = [name];
    raw[name] = {};
    for (const d of DEPTHS) {
      if (QUICK && d > DEPTHS[0] && name !== "@coro/task") {
        row.push("(quick: skipped)");
        continue;
      }
      const r = await runChild("./_depth_child.ts", [name, String(d)], {
        timeoutMs: QUICK ? 15_000 : 30_000,
      });
      raw[name][d] = r.ok ? { ok: true, ms: r.ms as number } : { ok: false, error: r.error };
      row.push(r.ok ? `ok, ${(r.ms as number).toFixed(1)} ms` : r.error);
    }
    rows.push(row);
  }
  log(`W3: ${names.length} contenders in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  depthResults = raw;
  return {
    id: "W3",
    title: "nesting depth",
    about: "`deep(n)` awaiting `deep(n - 1)`, one child process per cell; time of one run " +
      "(includes first-run JIT warm-up, so read it as indicative).",
    header: ["contender", ...DEPTHS.map((d) => `depth ${d.toLocaleString("en-US")}`)],
    rows,
  };
}

/** Raw W3 outcomes of the last {@linkcode depthGrid} run, for the targets check. */
export let depthResults: Record<
  string,
  Record<number, { ok: boolean; ms?: number; error?: string }>
> = {};
