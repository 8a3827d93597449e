/**
 * Chains deeper than the inline limit span several segments of the driver's explicit stack:
 * exceptions, destruction, cancellation and ambient domains must cross the segment boundaries
 * exactly as they cross ordinary `yield*` levels.
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  coAwait,
  currentDomain,
  sleep,
  start,
  type Suspension,
  syncAwait,
  SyncAwaitError,
  type Task,
  task,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

const DEPTH = 10_000; // hundreds of segments

/** A chain of `depth` tasks around `leaf`, counting the `finally` blocks that ran. */
function chain(leaf: () => Task<unknown>) {
  const counts = { finallies: 0 };
  const level: (n: number) => Task<unknown> = task(
    function* (n: number): Generator<Suspension, unknown, unknown> {
      try {
        return n === 0 ? yield* leaf() : yield* level(n - 1);
      } finally {
        counts.finallies++;
      }
    },
  );
  return { level, counts };
}

Deno.test("an exception thrown at depth 10,000 reaches the root, same object, every finally run", () => {
  const boom = new Error("deep");
  const { level, counts } = chain(task(function* () {
    throw boom;
  }));
  const before = defaultBytesInUse();
  assert.throws(() => syncAwait(level(DEPTH)), (e) => e === boom);
  assert.equal(counts.finallies, DEPTH + 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("an exception can be caught halfway up a deep chain", () => {
  const boom = new Error("deep");
  const thrower = task(function* () {
    throw boom;
  });
  const { level } = chain(thrower);
  const catcher = task(function* () {
    try {
      yield* level(DEPTH);
    } catch (e) {
      return e === boom ? "caught" : "wrong error";
    }
    return "not thrown";
  });
  const { level: outer } = chain(catcher);
  assert.equal(syncAwait(outer(DEPTH)), "caught");
});

Deno.test("syncAwait giving up unwinds every segment of a deep chain", () => {
  const { level, counts } = chain(task(function* () {
    yield* coAwait(new Promise(() => {}));
  }));
  const before = defaultBytesInUse();
  assert.throws(() => syncAwait(level(DEPTH)), SyncAwaitError);
  assert.equal(counts.finallies, DEPTH + 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("cancellation at depth 10,000 unwinds every segment with CancelledError", async () => {
  const { level, counts } = chain(task(function* () {
    yield* sleep(60_000);
  }));
  const controller = new AbortController();
  const before = defaultBytesInUse();
  const p = start(level(DEPTH), { signal: controller.signal });
  controller.abort("stop");
  await assert.rejects(p, CancelledError);
  assert.equal(counts.finallies, DEPTH + 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("the ambient domain set by withDomain holds in every segment below it", async () => {
  const domain = new CancellationDomain();
  const seen = task(function* () {
    return yield* currentDomain();
  });
  const { level } = chain(seen);
  assert.equal(await start(withDomain(domain, level(DEPTH))), domain);
  const { level: deepSleeper } = chain(task(function* () {
    yield* sleep(60_000);
  }));
  const p = start(withDomain(domain, deepSleeper(DEPTH)));
  domain.cancel();
  await assert.rejects(p, CancelledError);
});
