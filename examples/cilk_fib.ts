/**
 * The paper's cilk-style fib: `fork` is `cilk_spawn`, `join` is `cilk_sync`.
 *
 * Run: `deno run examples/cilk_fib.ts`
 *
 * @module
 */

import {
  fork,
  getDefaultResource,
  join,
  sleep,
  start,
  type Suspension,
  syncAwait,
  task,
} from "../mod.ts";

let forks = 0;

const fib = task(function* (n: number): Generator<Suspension, number, unknown> {
  if (n < 2) return n;
  forks++;
  const xx = yield* fork(fib(n - 1)); // cilk_spawn: fib(n-1) starts now
  const yy = fib(n - 2); // a lazy task: nothing runs yet
  const [x, y] = yield* join(xx, yy); // cilk_sync: runs yy, waits for both
  return x + y;
});

const before = getDefaultResource().stats.bytesInUse;
console.log(`fib(20) = ${syncAwait(fib(20))} with ${forks} forks, all on this thread, no Promise`);

// The same shape with leaves that really wait: forks overlap their waits.
const slowFib = task(function* (n: number): Generator<Suspension, number, unknown> {
  if (n < 2) {
    yield* sleep(1);
    return n;
  }
  const xx = yield* fork(slowFib(n - 1));
  const [x, y] = yield* join(xx, slowFib(n - 2));
  return x + y;
});
const t0 = performance.now();
const v = await start(slowFib(10));
console.log(
  `fib(10) with 89 leaves that each sleep 1 ms = ${v}, in ${
    Math.round(performance.now() - t0)
  } ms (the sleeps overlap)`,
);
console.log(`frame bytes still in use: ${getDefaultResource().stats.bytesInUse - before}`);
