/**
 * Child process for solo runs: `deno run -A bench/_solo_child.ts <workload> <contender>` measures
 * one contender of W1, W1b, W2 or W4 alone in a fresh isolate (same harness and knobs as the
 * suite) and prints `{"ok":true,"ns":...}`. Solo figures show what a contender costs when the
 * JIT has seen nothing else: shared call sites in a library stay monomorphic.
 *
 * @module
 */

import { type Contender, measure, verify } from "./_harness.ts";
import { EXPECTED_LOOP, FIB_EXPECTED, fibContenders, loopContenders } from "./compose.ts";
import { EXPECTED_FUT, futureContenders } from "./futures.ts";

/** Workload id → [fresh contenders, expected answer]. */
export const SOLO_WORKLOADS: Record<string, () => [Contender[], unknown]> = {
  W1: () => [loopContenders("W1"), EXPECTED_LOOP],
  W1b: () => [loopContenders("W1b"), EXPECTED_LOOP],
  W2: () => [futureContenders(), EXPECTED_FUT],
  W4: () => [fibContenders(), FIB_EXPECTED],
};

if (import.meta.main) {
  const [workload, name] = Deno.args;
  try {
    const [cs, expected] = SOLO_WORKLOADS[workload]?.() ?? [[], undefined];
    const c = cs.find((c) => c.name === name);
    if (!c) throw new Error(`no contender ${name} in ${workload}`);
    await verify(workload, [c], expected);
    const [m] = await measure([c]);
    console.log(JSON.stringify({ ok: true, ns: m.nsPerOp }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) }));
  }
}
