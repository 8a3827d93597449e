/** `timeout(op, ms)` and `TimeoutError`. */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  createContext,
  currentDomain,
  ready,
  sleep,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  TaskStateError,
  timeout,
  TimeoutError,
  whenAll,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { assertAwaitRejected, capturingReports, CountingDomain } from "./_helpers.ts";

const work = task(function* (log: string[], ms: number, value: string) {
  try {
    yield* sleep(ms);
    return value;
  } catch (e) {
    log.push(e instanceof CancelledError ? `cancelled: ${String(e.reason)}` : "other");
    throw e;
  } finally {
    log.push("unwound");
  }
});

Deno.test("timeout gives the operation's value when it ends in time", async () => {
  const log: string[] = [];
  assert.equal(await start(timeout(work(log, 1, "done"), 1000)), "done");
  assert.equal(syncAwait(timeout(ready(7), 0)), 7); // ends at once: never times out
  assert.deepEqual(log, ["unwound"]);
});

Deno.test("a slow operation is cancelled and unwound, then TimeoutError with ms", async () => {
  const log: string[] = [];
  const t = task(function* () {
    try {
      return yield* timeout(work(log, 60_000, "late"), 5);
    } catch (e) {
      log.push(e instanceof TimeoutError ? `TimeoutError(${e.ms})` : "other");
      throw e;
    }
  });
  const error = await start(t()).catch((e) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.name, "TimeoutError");
  assert.equal(error.ms, 5);
  assert.match(error.message, /timed out after 5 ms/);
  assert.deepEqual(log, [
    "cancelled: TimeoutError: the operation timed out after 5 ms (it was cancelled and has unwound)",
    "unwound",
    "TimeoutError(5)",
  ]);
});

Deno.test("an operation that returns despite the cancellation gives its value (Trio's fail_after)", async () => {
  const stubborn = task(function* () {
    try {
      yield* sleep(60_000);
      return "finished";
    } catch {
      return "gave up cleanly";
    }
  });
  assert.equal(await start(timeout(stubborn(), 1)), "gave up cleanly");
});

Deno.test("an operation that fails otherwise while unwinding gives that error", async () => {
  const boom = new Error("unwinding broke");
  const broken = task(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      // deno-lint-ignore no-unsafe-finally
      throw boom;
    }
  });
  await assert.rejects(start(timeout(broken(), 1)), (e) => e === boom);
});

Deno.test("cancellation from outside gives CancelledError with its reason, not TimeoutError", async () => {
  const domain = new CancellationDomain();
  const log: string[] = [];
  const p = start(withDomain(domain, timeout(work(log, 60_000, "x"), 60_000)));
  domain.cancel("shutdown");
  await assert.rejects(p, (e) => e instanceof CancelledError && e.reason === "shutdown");
  assert.deepEqual(log, ["cancelled: shutdown", "unwound"]);
});

Deno.test("in a domain that is already cancelled, the operation fails at its first await", async () => {
  const domain = new CancellationDomain();
  domain.cancel("closed");
  const log: string[] = [];
  await assert.rejects(
    start(withDomain(domain, timeout(work(log, 10, "x"), 1000))),
    (e) => e instanceof CancelledError && e.reason === "closed",
  );
});

Deno.test("timeout(op, Infinity) sets no timer and is still cancellable", async () => {
  const domain = new CancellationDomain();
  const log: string[] = [];
  assert.equal(await start(timeout(work(log, 1, "ok"), Infinity)), "ok");
  const p = start(withDomain(domain, timeout(work(log, 60_000, "x"), Infinity)));
  domain.cancel("stop");
  await assert.rejects(p, CancelledError);
});

Deno.test("a limit above 2^31-1 ms is not clamped by the host (the timer is chained)", async () => {
  const log: string[] = [];
  assert.equal(await start(timeout(work(log, 20, "not timed out"), 3e9)), "not timed out");
});

Deno.test("destruction: syncAwait gives up, the operation unwinds, the timer is cleared", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  assert.throws(() => syncAwait(timeout(work(log, 60_000, "x"), 60_000)), SyncAwaitError);
  assert.deepEqual(log, ["unwound"]);
  assert.equal(defaultBytesInUse(), before);
  // The sanitizers fail this test if the 60 s timer were left behind.
});

Deno.test("bad arguments: typed errors at the call, naming the fix", () => {
  const op = ready(1);
  for (const ms of [-1, NaN, -Infinity]) {
    assert.throws(
      () => timeout(op, ms),
      (e) => e instanceof RangeError && /non-negative number of milliseconds/.test(e.message),
    );
  }
  for (const ms of ["5", undefined, null, 5n]) {
    assert.throws(
      () => timeout(op, ms as never),
      (e) => e instanceof TypeError && /ms must be a number/.test(e.message),
    );
  }
  assert.throws(
    () => timeout(42 as never, 5),
    (e) => e instanceof TypeError && e.message.startsWith("timeout(op, ms): cannot await number"),
  );
});

Deno.test("a cancellation listener that throws when the timer fires is reported, not a crash", async () => {
  const listenerError = new Error("listener broke");
  const { value, reported } = await capturingReports(() =>
    start(
      task(function* () {
        return yield* timeout(
          task(function* () {
            (yield* currentDomain()).addListener({
              onCancel() {
                throw listenerError;
              },
            });
            yield* sleep(60_000);
          })(),
          1,
        );
      })(),
    ).catch((e) => e)
  );
  assert.ok(value instanceof TimeoutError);
  assert.deepEqual(reported, [listenerError]);
});

Deno.test("timeouts compose with groups; frames and timers are released", async () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const t = task(function* () {
    const settled = yield* whenAll(
      timeout(work(log, 1, "a"), 1000),
      timeout(work(log, 2, "b"), 1000),
    );
    let timedOut = false;
    try {
      yield* whenAll(timeout(work(log, 60_000, "c"), 2), work(log, 60_000, "d"));
    } catch (e) {
      timedOut = e instanceof TimeoutError;
    }
    return [...settled, timedOut];
  });
  assert.deepEqual(await start(t()), ["a", "b", true]);
  assert.equal(defaultBytesInUse(), before);
  // The sanitizers fail this test if a timer were left behind.
});

Deno.test("leak check: timeouts leave no listener on the ambient domain", async () => {
  const domain = new CountingDomain();
  const log: string[] = [];
  const t = task(function* () {
    yield* timeout(work(log, 1, "in time"), 1000);
    try {
      yield* timeout(work(log, 60_000, "late"), 1);
    } catch (e) {
      assert.ok(e instanceof TimeoutError);
    }
    yield* timeout(work(log, 1, "no limit"), Infinity);
  });
  await start(withDomain(domain, t()));
  assert.equal(domain.live, 0);
  assert.equal(log.filter((l) => l === "unwound").length, 3);
});

Deno.test("context values are seen inside timeout", async () => {
  const user = createContext("user", "anonymous");
  const t = task(function* () {
    yield* sleep(1);
    return yield* user.get();
  });
  assert.equal(await start(user.with("ada", timeout(t(), 1000))), "ada");
});

Deno.test("a task that is not armed is a TaskStateError at the yield*, and no timer is left", async () => {
  const t = work([], 1, "once");
  await start(t);
  await assert.rejects(start(timeout(t, 60_000)), TaskStateError);
});

Deno.test("no timer for an operation that ends without suspending; the limit counts from its start", async () => {
  const delays: number[] = [];
  const hostSetTimeout = globalThis.setTimeout;
  const counting = ((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return hostSetTimeout(fn, ms);
  }) as typeof setTimeout;
  globalThis.setTimeout = counting;
  try {
    assert.equal(syncAwait(timeout(ready(1), 1000)), 1);
    assert.deepEqual(delays, []);
    const busyThenWait = task(function* () {
      const until = performance.now() + 30;
      while (performance.now() < until) { /* synchronous work: no timer can fire meanwhile */ }
      yield* sleep(60_000);
    });
    await assert.rejects(start(timeout(busyThenWait(), 40)), TimeoutError);
  } finally {
    globalThis.setTimeout = hostSetTimeout;
  }
  // The timeout's timer (armed as the operation suspends), then the sleep's.
  assert.equal(delays.length, 2);
  assert.equal(delays[1], 60_000);
  assert.ok(delays[0] <= 10, `the timeout waited ${delays[0]} ms more, not 40 from the suspension`);
});

Deno.test("`await` on a timeout operation (instead of yield*) rejects with a TypeError naming the fix", async () => {
  await assertAwaitRejected(timeout(ready(1), 10));
});
