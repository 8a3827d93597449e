/**
 * A timeout is a race: `whenAny(work(), sleep(ms))`. The loser is cancelled and unwinds (its
 * `finally` runs) before `whenAny` returns.
 *
 * Run: `deno run examples/timeout.ts`
 *
 * @module
 */

import { CancelledError, sleep, start, task, whenAny } from "../mod.ts";

const work = task(function* (name: string, ms: number) {
  try {
    yield* sleep(ms); // stands for I/O that takes `ms`
    return `${name} finished after ${ms} ms`;
  } catch (e) {
    if (e instanceof CancelledError) console.log(`  ${name}: cancelled`);
    throw e;
  } finally {
    console.log(`  ${name}: cleanup ran`);
  }
});

const withTimeout = task(function* (name: string, ms: number, limit: number) {
  const r = yield* whenAny(work(name, ms), sleep(limit));
  return r.index === 0 ? r.value : `${name} timed out after ${limit} ms`;
});

console.log(await start(withTimeout("quick job", 5, 100)));
console.log(await start(withTimeout("slow job", 10_000, 20)));
