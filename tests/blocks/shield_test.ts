/** `shield(op)`: cleanup that awaits after its task was cancelled. */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  createContext,
  currentDomain,
  ready,
  shield,
  sleep,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  TaskStateError,
  timeout,
  TimeoutError,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { assertAwaitRejected, CountingDomain } from "./_helpers.ts";

const flush = task(function* (log: string[], ms: number) {
  try {
    yield* sleep(ms);
    log.push("flushed");
    return "flushed";
  } finally {
    log.push("flush ended");
  }
});

Deno.test("shield gives the operation's value; work that does not suspend does not suspend", () => {
  const t = task(function* () {
    const a = yield* shield(ready(20));
    const b = yield* shield(
      task(function* () {
        return 22;
      })(),
    );
    return a + b;
  });
  assert.equal(syncAwait(t()), 42);
});

Deno.test("shield rethrows the operation's error, the same object", async () => {
  const boom = new Error("boom");
  const failing = task(function* (): Generator<never, void> {
    throw boom;
  });
  const t = task(function* () {
    yield* sleep(1);
    yield* shield(failing());
  });
  await assert.rejects(start(t()), (e) => e === boom);
});

Deno.test("in a cancelled task's finally, shielded cleanup runs to its end; unshielded does not", async () => {
  const log: string[] = [];
  const writer = task(function* (shielded: boolean) {
    try {
      yield* sleep(60_000);
    } finally {
      try {
        yield* (shielded ? shield(flush(log, 2)) : flush(log, 2));
      } catch (e) {
        log.push(e instanceof CancelledError ? "cleanup cancelled" : "other");
      }
      log.push("after cleanup");
    }
  });
  for (const shielded of [false, true]) {
    const controller = new AbortController();
    const p = start(writer(shielded), { signal: controller.signal });
    controller.abort("Ctrl-C");
    await assert.rejects(p, CancelledError);
  }
  assert.deepEqual(log, [
    "flush ended",
    "cleanup cancelled",
    "after cleanup",
    "flushed",
    "flush ended",
    "after cleanup",
  ]);
});

Deno.test("the shielded operation runs in a fresh domain, not linked to the ambient one", async () => {
  const outer = new CancellationDomain();
  const t = task(function* () {
    return yield* shield(
      task(function* () {
        const inner = yield* currentDomain();
        outer.cancel("outer cancelled while shielded");
        yield* sleep(1); // would throw if the cancellation reached it
        return inner !== outer && !inner.cancelled;
      })(),
    );
  });
  assert.equal(await start(withDomain(outer, t())), true);
});

Deno.test("a cancellation that arrives meanwhile is seen at the first await after the shield", async () => {
  const domain = new CancellationDomain();
  const log: string[] = [];
  const t = task(function* () {
    const value = yield* shield(flush(log, 5));
    log.push(`shield gave ${value}; domain cancelled: ${(yield* currentDomain()).cancelled}`);
    try {
      yield* sleep(0);
      log.push("not reached");
    } catch (e) {
      log.push(e instanceof CancelledError ? `then: ${e.reason}` : "other");
      throw e;
    }
  });
  const p = start(withDomain(domain, t()));
  domain.cancel("stop");
  await assert.rejects(p, CancelledError);
  assert.deepEqual(log, [
    "flushed",
    "flush ended",
    "shield gave flushed; domain cancelled: true",
    "then: stop",
  ]);
});

Deno.test("a second cancellation is kept out too (Trio's shield=True): the cleanup completes", async () => {
  const root = new AbortController();
  const parent = new CancellationDomain(root.signal);
  const child = new CancellationDomain(parent);
  const log: string[] = [];
  const t = task(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      yield* shield(
        task(function* () {
          yield* sleep(2);
          root.abort("second cancellation"); // reaches every domain outside the shield
          yield* sleep(2);
          log.push("cleanup finished");
        })(),
      );
    }
  });
  const p = start(withDomain(child, t()));
  child.cancel("first cancellation");
  await assert.rejects(p, (e) => e instanceof CancelledError && e.reason === "first cancellation");
  assert.equal(parent.cancelled, true);
  assert.deepEqual(log, ["cleanup finished"]);
});

Deno.test("timeout(shield(op), ms) bounds shielded cleanup; the op unwinds first", async () => {
  const log: string[] = [];
  const hang = task(function* () {
    try {
      yield* sleep(60_000);
    } catch (e) {
      log.push(e instanceof CancelledError && e.reason instanceof TimeoutError ? "timed out" : "?");
      throw e;
    } finally {
      log.push("hang unwound");
    }
  });
  const t = task(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      try {
        yield* timeout(shield(hang()), 5);
      } catch (e) {
        log.push(e instanceof TimeoutError ? `TimeoutError ${e.ms}` : "other");
      }
    }
  });
  const controller = new AbortController();
  const p = start(t(), { signal: controller.signal });
  controller.abort();
  await assert.rejects(p, CancelledError);
  assert.deepEqual(log, ["timed out", "hang unwound", "TimeoutError 5"]);
});

Deno.test("timeout(shield(op)) still keeps the outer cancellation out", async () => {
  const domain = new CancellationDomain();
  const log: string[] = [];
  const t = task(function* () {
    return yield* timeout(shield(flush(log, 5)), 1000);
  });
  const p = start(withDomain(domain, t()));
  domain.cancel();
  assert.equal(await p, "flushed");
});

Deno.test("destruction: syncAwait giving up destroys the shielded work too (finally runs)", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const t = task(function* () {
    try {
      return yield* shield(flush(log, 60_000));
    } finally {
      log.push("outer finally");
    }
  });
  assert.throws(
    () => syncAwait(t()),
    (e) => e instanceof SyncAwaitError && /shield\(\) around sleep\(60000\)/.test(e.message),
  );
  assert.deepEqual(log, ["flush ended", "outer finally"]);
  assert.equal(defaultBytesInUse(), before, "no frame leaks");
});

Deno.test("destruction: an error the shielded work's finally throws is not lost", () => {
  const boom = new Error("finally broke");
  const inner = task(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      // deno-lint-ignore no-unsafe-finally
      throw boom;
    }
  });
  const outer = task(function* () {
    yield* shield(inner());
  });
  assert.throws(() => syncAwait(outer()), (e) => e === boom);
});

Deno.test("bad arguments: shield(42) is a TypeError at the call; a used task a TaskStateError", async () => {
  assert.throws(
    () => shield(42 as never),
    (e) => e instanceof TypeError && e.message.startsWith("shield(op): cannot await number"),
  );
  const used = ready(1);
  const once = task(function* () {
    return yield* used;
  });
  const t = once();
  syncAwait(t);
  const again = task(function* () {
    yield* shield(t);
  });
  await assert.rejects(start(again()), TaskStateError);
});

Deno.test("leak check: a shield never listens to the ambient domain; frames are freed", async () => {
  const domain = new CountingDomain();
  const before = defaultBytesInUse();
  const log: string[] = [];
  const listenersNow = task(function* () {
    yield* sleep(1);
    return domain.live;
  });
  const t = task(function* () {
    const inShield = yield* shield(listenersNow());
    const inTimeout = yield* timeout(listenersNow(), 1000); // linked: it listens while it runs
    yield* shield(timeout(flush(log, 1), 1000));
    try {
      yield* shield(timeout(flush(log, 60_000), 1));
    } catch (e) {
      assert.ok(e instanceof TimeoutError);
    }
    return [inShield, inTimeout];
  });
  assert.deepEqual(await start(withDomain(domain, t())), [0, 1]);
  assert.equal(domain.live, 0);
  assert.equal(defaultBytesInUse(), before);
  assert.equal(log.filter((l) => l === "flush ended").length, 2);
});

Deno.test("context values set around the shield are seen inside it", async () => {
  const user = createContext("user", "anonymous");
  const t = task(function* () {
    return yield* shield(
      task(function* () {
        yield* sleep(1);
        return yield* user.get();
      })(),
    );
  });
  assert.equal(await start(user.with("ada", t())), "ada");
});

Deno.test("`await` on a shield operation (instead of yield*) rejects with a TypeError naming the fix", async () => {
  await assertAwaitRejected(shield(ready(1)));
});
