/**
 * Soak (issue 10): the JS heap stays flat over many iterations of the group patterns under one
 * long-lived root: whenAll, whenAny with losers, forks joined and unjoined. A leak of a listener,
 * a domain or a closure per iteration shows as megabytes here.
 *
 * The heap is measured after a full collection: `gc` is exposed at run time through V8's flags
 * (`node:v8` and `node:vm`), so the test needs no `--v8-flags` and no subprocess.
 */

import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import {
  fork,
  ManualExecutor,
  schedule,
  sleep,
  type Suspension,
  syncAwait,
  task,
  whenAll,
  whenAny,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/**
 * A generous bound on growth: measured growth is ~25 KB when nothing leaks, while one small
 * object (a listener entry, a domain) kept per iteration is several megabytes.
 */
const BOUND = 2 * 1024 * 1024;

function heapAfterGc(): number {
  gc();
  gc();
  return Deno.memoryUsage().heapUsed;
}

const executor = new ManualExecutor();

/** Suspends and is resumed from the executor that syncAwait drives: a cross-task resume. */
const hop = task(function* (v: number) {
  yield* schedule(executor);
  return v;
});
const now = task(function* (v: number) {
  return v;
});
/** Waits until cancelled (no host timer: sleep(Infinity) only listens to its domain). */
const loser = task(function* () {
  yield* sleep(Infinity);
  return -1;
});
const forksAndLeaves = task(function* () {
  yield* fork(loser()); // never joined: cancelled when this body ends, then awaited
  return 1;
});

/** Each pattern and its iteration count (650_000 in all, about 10 s on a loaded machine). */
const patterns: Record<string, [number, (i: number) => Generator<Suspension, number, unknown>]> = {
  whenAll: [250_000, function* (i) {
    const [a, b, c] = yield* whenAll(hop(i), now(1), hop(2));
    return a + b + c;
  }],
  whenAnyWithALoser: [100_000, function* (i) {
    const r = yield* whenAny([loser(), hop(i)]);
    return r.value;
  }],
  forkJoined: [150_000, function* (i) {
    const f = yield* fork(hop(i));
    return yield* f;
  }],
  forkUnjoined: [150_000, function* () {
    return yield* forksAndLeaves();
  }],
};

for (const [name, [iterations, body]] of Object.entries(patterns)) {
  Deno.test(`soak: ${name} x ${iterations} under one root keeps the JS heap flat`, () => {
    const frames = defaultBytesInUse();
    const warmUp = iterations / 10; // the baseline is taken after it
    let baseline = 0;
    let end = 0;
    const root = task(function* () {
      let sum = 0;
      for (let i = 0; i < iterations; i++) {
        // Both measured at the same point of the loop, inside the long-lived root.
        if (i === warmUp) baseline = heapAfterGc();
        sum += yield* body(i);
      }
      end = heapAfterGc();
      return sum;
    });
    assert.ok(syncAwait(root(), { executor }) > 0);
    const growth = end - baseline;
    assert.ok(
      growth < BOUND,
      `${name}: the heap grew by ${growth} bytes over ${iterations - warmUp} iterations`,
    );
    assert.equal(executor.pending, 0);
    assert.equal(defaultBytesInUse(), frames);
  });
}
