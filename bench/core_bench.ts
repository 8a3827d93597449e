/**
 * Ad-hoc side-by-side view of the core workloads with Deno's bench runner:
 *
 *     deno bench bench/core_bench.ts                 # @coro/task, raw yield*, async/await, sync
 *     CORO_BENCH_ALL=1 deno bench -A bench/core_bench.ts   # plus every peer library
 *
 * Groups W1, W1b, W2 and W4 reuse the contenders of the orchestrated suite (`compose.ts`,
 * `futures.ts`); each group's baseline is raw `yield*` (W2: `new Promise`). This runner does not
 * interleave contenders, so for figures to quote use `deno task bench` (which writes
 * `RESULTS.md`).
 *
 * @module
 */

import { type Contender, env } from "./_harness.ts";
import { fibContenders, loopContenders } from "./compose.ts";
import { futureContenders } from "./futures.ts";

const ALL = env("CORO_BENCH_ALL") === "1";
const CORE = /^(@coro\/task|raw |async\/await|sync functions)/;

function register(group: string, contenders: Contender[], baseline: string) {
  for (const c of contenders) {
    if (!ALL && !CORE.test(c.name)) continue;
    const run = c.run;
    Deno.bench({
      name: `${group} ${c.name}`,
      group,
      baseline: c.name === baseline,
      fn: c.async
        ? async () => {
          await run();
        }
        : () => {
          run();
        },
    });
  }
}

register("W1", loopContenders("W1"), "raw yield*");
register("W1b", loopContenders("W1b"), "raw yield*");
register("W2", futureContenders(), "async/await (new Promise)");
register("W4", fibContenders(), "raw yield*");
