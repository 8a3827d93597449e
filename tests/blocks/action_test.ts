/** `action(executor)`: wrapping a callback API in one step. */

import assert from "node:assert/strict";
import {
  action,
  CancellationDomain,
  CancelledError,
  currentDomain,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { assertAwaitRejected, capturingReports, CountingDomain, tick } from "./_helpers.ts";

/** A timer as an action, recording what happened to it. */
function timer(log: string[], ms: number, value = "fired") {
  return action<string>((resolve, _reject, signal) => {
    log.push("start");
    signal.addEventListener("abort", () => log.push(`abort: ${String(signal.reason)}`));
    const id = setTimeout(() => resolve(value), ms);
    return () => {
      clearTimeout(id);
      log.push("cleanup");
    };
  });
}

Deno.test("an action resolved later gives its value; cleanup runs once; the signal stays unaborted", async () => {
  const log: string[] = [];
  let signal: AbortSignal | undefined;
  const t = task(function* () {
    const v = yield* action<number>((resolve, _reject, s) => {
      signal = s;
      const id = setTimeout(() => resolve(42), 1);
      return () => {
        clearTimeout(id);
        log.push("cleanup");
      };
    });
    log.push(`got ${v}`);
    return v;
  });
  assert.equal(await start(t()), 42);
  assert.deepEqual(log, ["cleanup", "got 42"]); // cleanup before the task goes on
  assert.equal(signal!.aborted, false);
});

Deno.test("reject gives the same error object at the yield*", async () => {
  const boom = new Error("boom");
  const log: string[] = [];
  const t = task(function* () {
    yield* action<void>((_resolve, reject) => {
      const id = setTimeout(() => reject(boom), 1);
      return () => {
        clearTimeout(id);
        log.push("cleanup");
      };
    });
  });
  await assert.rejects(start(t()), (e) => e === boom);
  assert.deepEqual(log, ["cleanup"]);
});

Deno.test("settling synchronously does not suspend (it works under syncAwait)", () => {
  let cleanups = 0;
  const t = task(function* () {
    const a = yield* action<number>((resolve) => {
      resolve(1);
      return () => cleanups++;
    });
    assert.equal(cleanups, 1, "the cleanup ran before the task went on");
    const b = yield* action<number>((resolve) => resolve(2));
    return a + b;
  });
  assert.equal(syncAwait(t()), 3);
  assert.equal(cleanups, 1);
});

Deno.test("resolve and reject settle once: later calls are ignored", async () => {
  let settle!: { resolve: (v: string) => void; reject: (e: unknown) => void };
  let cleanups = 0;
  const t = task(function* () {
    return yield* action<string>((resolve, reject) => {
      settle = { resolve, reject };
      return () => cleanups++;
    });
  });
  const p = start(t());
  settle.resolve("first");
  settle.resolve("second");
  settle.reject(new Error("late"));
  assert.equal(await p, "first");
  assert.equal(cleanups, 1);
});

Deno.test("an action can be awaited many times: the executor runs each time", async () => {
  let runs = 0;
  const next = action<number>((resolve) => {
    const id = setTimeout(() => resolve(++runs), 0);
    return () => clearTimeout(id);
  });
  const t = task(function* () {
    return [yield* next, yield* next, yield* next];
  });
  assert.deepEqual(await start(t()), [1, 2, 3]);
});

Deno.test("cancellation: CancelledError with the reason, the signal aborts with it, cleanup runs once", async () => {
  const domain = new CountingDomain();
  const log: string[] = [];
  let late!: (v: string) => void;
  const t = task(function* () {
    return yield* action<string>((resolve, _reject, signal) => {
      late = resolve;
      signal.addEventListener("abort", () => log.push(`abort: ${signal.reason}`));
      return () => log.push("cleanup");
    });
  });
  const p = start(withDomain(domain, t()));
  assert.equal(domain.live, 1);
  domain.cancel("user left");
  await assert.rejects(p, (e) => e instanceof CancelledError && e.reason === "user left");
  late("too late"); // ignored
  assert.deepEqual(log, ["abort: user left", "cleanup"]);
});

Deno.test("in a domain that is already cancelled, the executor never runs", async () => {
  const domain = new CancellationDomain();
  domain.cancel("closed");
  let ran = false;
  const op = action<void>(() => {
    ran = true;
  });
  await assert.rejects(start(withDomain(domain, op)), CancelledError);
  assert.equal(ran, false);
});

Deno.test("cancelled from inside the executor: the cleanup it returns still runs once", async () => {
  const log: string[] = [];
  const t = task(function* () {
    const domain = yield* currentDomain();
    yield* action<void>((_resolve, _reject, signal) => {
      domain.cancel("from inside");
      log.push(`aborted inside: ${signal.aborted}`);
      return () => log.push("cleanup");
    });
  });
  await assert.rejects(start(t()), CancelledError);
  assert.deepEqual(log, ["aborted inside: true", "cleanup"]);
});

Deno.test("destruction: syncAwait gives up on an action (a host wait), aborts the signal, runs cleanup", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const t = task(function* () {
    try {
      return yield* timer(log, 60_000);
    } finally {
      log.push("finally");
    }
  });
  assert.throws(
    () => syncAwait(t()),
    (e) =>
      e instanceof SyncAwaitError && /action\(\), which only the host can complete/.test(e.message),
  );
  assert.deepEqual(log, [
    "start",
    "abort: AbortError: the task awaiting the action was destroyed",
    "cleanup",
    "finally",
  ]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("a throwing executor: its error at the yield*, the signal aborted with it, even after resolve", async () => {
  const boom = new Error("executor broke");
  const reasons: unknown[] = [];
  for (const resolveFirst of [false, true]) {
    const t = task(function* () {
      return yield* action<number>((resolve, _reject, signal) => {
        signal.addEventListener("abort", () => reasons.push(signal.reason));
        if (resolveFirst) resolve(1);
        throw boom;
      });
    });
    assert.throws(() => syncAwait(t()), (e) => e === boom);
  }
  assert.deepEqual(reasons, [boom, boom]);
  await tick();
});

Deno.test("an async executor (returning a Promise) is a TypeError naming the fix", async () => {
  const t = task(function* () {
    yield* action<void>((async () => {}) as never);
  });
  await assert.rejects(
    start(t()),
    (e) => e instanceof TypeError && /returned a Promise.*plain function/.test(e.message),
  );
});

Deno.test("a return value that is not a function (a concise arrow's timer id) means no cleanup", async () => {
  const t = task(function* () {
    // The type says cleanup | void; plain JavaScript (or a cast) can still return a timer id.
    const executor = (resolve: (v: string) => void) => setTimeout(resolve, 1, "fired");
    return yield* action<string>(executor as never);
  });
  assert.equal(await start(t()), "fired");
});

Deno.test("bad arguments: action(42) is a TypeError at the call", () => {
  assert.throws(
    () => action(42 as never),
    (e) => e instanceof TypeError && /executor must be a function/.test(e.message),
  );
});

Deno.test("a throwing cleanup is not lost: alone after success, SuppressedError after failure or cancellation", async () => {
  const cleanupError = new Error("cleanup broke");
  const boom = new Error("boom");
  const settleWith = (how: "resolve" | "reject" | "cancel") =>
    task(function* () {
      const domain = yield* currentDomain();
      return yield* action<number>((resolve, reject) => {
        const id = setTimeout(() => {
          if (how === "resolve") resolve(1);
          else if (how === "reject") reject(boom);
          else domain.cancel("stop");
        }, 0);
        return () => {
          clearTimeout(id);
          throw cleanupError;
        };
      });
    })();
  await assert.rejects(start(settleWith("resolve")), (e) => e === cleanupError);
  await assert.rejects(
    start(settleWith("reject")),
    (e) => e instanceof SuppressedError && e.error === cleanupError && e.suppressed === boom,
  );
  await assert.rejects(
    start(settleWith("cancel")),
    (e) =>
      e instanceof SuppressedError && e.error === cleanupError &&
      e.suppressed instanceof CancelledError,
  );
});

Deno.test("a throwing cleanup during destruction is reported with reportError", async () => {
  const cleanupError = new Error("cleanup broke during destruction");
  const { reported } = await capturingReports(() => {
    const t = task(function* () {
      yield* action<void>((resolve) => {
        const id = setTimeout(resolve, 60_000);
        return () => {
          clearTimeout(id);
          throw cleanupError;
        };
      });
    });
    assert.throws(() => syncAwait(t()), SyncAwaitError);
  });
  assert.deepEqual(reported, [cleanupError]);
});

Deno.test("leak check: listeners and frames back to zero across many actions", async () => {
  const domain = new CountingDomain();
  const before = defaultBytesInUse();
  const log: string[] = [];
  const t = task(function* () {
    for (let i = 0; i < 50; i++) yield* timer(log, 0);
  });
  await start(withDomain(domain, t()));
  assert.equal(domain.live, 0);
  assert.equal(defaultBytesInUse(), before);
  assert.equal(log.filter((l) => l === "cleanup").length, 50);
});

Deno.test("`await` on a action operation (instead of yield*) rejects with a TypeError naming the fix", async () => {
  await assertAwaitRejected(action<void>((resolve) => resolve()));
});
