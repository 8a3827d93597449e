/** whenAny: the first to end wins, the rest are cancelled and unwound before it returns. */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  ready,
  sleep,
  start,
  type Suspension,
  task,
  whenAny,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

const after = task(function* <T>(ms: number, value: T, log: string[]) {
  try {
    yield* sleep(ms);
    return value;
  } finally {
    log.push(`finally ${String(value)}`);
  }
});

Deno.test("whenAny with sleeps: the shortest wins, the others unwind before it returns", async () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const main = task(function* () {
    const r = yield* whenAny(
      after(50, "slow", log),
      after(1, 7, log),
      after(Infinity, "never", log),
    );
    log.push("returned");
    if (r.index === 1) {
      const n: number = r.value; // narrowed by index
      return n;
    }
    return -1;
  });
  assert.equal(await start(main()), 7);
  assert.deepEqual(log, ["finally 7", "finally slow", "finally never", "returned"]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("the first to end threw: its error is rethrown after the others unwind", async () => {
  const log: string[] = [];
  const bad = task(function* (): Generator<Suspension, number, unknown> {
    yield* sleep(1);
    throw new TypeError("first");
  });
  const main = task(function* () {
    try {
      return yield* whenAny(bad(), after(Infinity, "x", log));
    } finally {
      log.push("main finally");
    }
  });
  await assert.rejects(start(main()), TypeError);
  assert.deepEqual(log, ["finally x", "main finally"]);
});

Deno.test("an input that ends without suspending wins; the rest start cancelled", async () => {
  const log: string[] = [];
  const main = task(function* () {
    return yield* whenAny(after(Infinity, "a", log), ready("now"), after(5, "b", log));
  });
  assert.deepEqual(await start(main()), { index: 1, value: "now" });
  // b's sleep starts in a cancelled domain and fails at once, while it is being started; a's
  // cancellation is delivered after the start-up.
  assert.deepEqual(log, ["finally b", "finally a"]);
});

Deno.test("whenAny() with no arguments is a TypeError at the call", () => {
  assert.throws(() => whenAny(), TypeError);
});

Deno.test("cancelling the awaiter's domain makes whenAny throw CancelledError", async () => {
  const log: string[] = [];
  const domain = new CancellationDomain();
  const p = start(
    withDomain(domain, whenAny(after(Infinity, "a", log), after(Infinity, "b", log))),
  );
  domain.cancel("quit");
  await assert.rejects(p, (e) => e instanceof CancelledError && e.reason === "quit");
  assert.deepEqual(log, ["finally a", "finally b"]);
});

Deno.test("a timeout is whenAny(work, sleep(ms))", async () => {
  const log: string[] = [];
  const withTimeout = task(function* (workMs: number) {
    const r = yield* whenAny(after(workMs, "done", log), sleep(5));
    return r.index === 0 ? r.value : "timed out";
  });
  assert.equal(await start(withTimeout(0)), "done");
  assert.equal(await start(withTimeout(10_000)), "timed out");
  assert.deepEqual(log, ["finally done", "finally done"]);
});
