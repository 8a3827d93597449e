/**
 * whenAll and whenAllSettled: typed tuples, order, first-failure cancellation that waits for every
 * input to unwind, the awaiter's domain reaching the inputs, and no leaks.
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  coAwait,
  currentDomain,
  type Operation,
  ready,
  sleep,
  start,
  type Suspension,
  syncAwait,
  task,
  TaskStateError,
  whenAll,
  whenAllSettled,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

const num = task(function* (n: number, ms: number) {
  if (ms >= 0) yield* sleep(ms);
  return n;
});
const str = task(function* (s: string, ms: number) {
  if (ms >= 0) yield* sleep(ms);
  return s;
});

Deno.test("whenAll gives a typed tuple in argument order, whatever order they end in", async () => {
  const before = defaultBytesInUse();
  const main = task(function* () {
    // Compile-time check: the tuple is [number, string, boolean].
    const x: [number, string, boolean] = yield* whenAll(num(1, 5), str("two", 0), ready(true));
    return x;
  });
  assert.deepEqual(await start(main()), [1, "two", true]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("whenAll accepts promises, awaitables and operations; whenAll() is [] at once", async () => {
  const main = task(function* () {
    const empty: [] = yield* whenAll();
    const [a, b, c] = yield* whenAll(Promise.resolve(1), coAwait(Promise.resolve("b")), sleep(1));
    return [empty, a, b, c] as const;
  });
  assert.deepEqual(await start(main()), [[], 1, "b", undefined]);
  // Synchronous inputs need no host: syncAwait can drive them.
  const sync = task(function* () {
    return yield* whenAll(num(1, -1), str("s", -1));
  });
  assert.deepEqual(syncAwait(sync()), [1, "s"]);
});

Deno.test("inputs start at once, in order, each running until it first suspends", async () => {
  const log: string[] = [];
  const step = task(function* (name: string) {
    log.push(`${name} start`);
    yield* sleep(0);
    log.push(`${name} end`);
    return name;
  });
  const main = task(function* () {
    const all = whenAll(step("a"), step("b"));
    log.push("before await");
    const r = yield* all;
    log.push("after await");
    return r;
  });
  assert.deepEqual(await start(main()), ["a", "b"]);
  assert.deepEqual(log, ["before await", "a start", "b start", "a end", "b end", "after await"]);
});

Deno.test("the first failure cancels the others, waits for them to unwind, then is rethrown", async () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const boom = new Error("boom");
  const sleeper = task(function* (name: string) {
    try {
      yield* sleep(Infinity);
      return 0;
    } catch (e) {
      assert.ok(e instanceof CancelledError);
      assert.equal(e.reason, boom); // the reason is the error that caused it
      log.push(`${name} cancelled`);
      throw e;
    } finally {
      log.push(`${name} finally`);
    }
  });
  const failing = task(function* (): Generator<Suspension, number, unknown> {
    try {
      yield* sleep(1);
      throw boom;
    } finally {
      log.push("failing finally");
    }
  });
  const main = task(function* () {
    try {
      yield* whenAll(sleeper("a"), failing(), sleeper("b"));
      return "no";
    } catch (e) {
      log.push("caught");
      return e;
    }
  });
  assert.equal(await start(main()), boom);
  assert.deepEqual(log, [
    "failing finally",
    "a cancelled",
    "a finally",
    "b cancelled",
    "b finally",
    "caught",
  ]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("a synchronous failure while starting: later inputs start in a cancelled domain", async () => {
  const log: string[] = [];
  const bad = task(function* (): Generator<Suspension, number, unknown> {
    throw new RangeError("at once");
  });
  const later = task(function* () {
    const d = yield* currentDomain();
    log.push(`later sees cancelled=${d.cancelled}`);
    try {
      yield* sleep(10);
      return 1;
    } finally {
      log.push("later finally");
    }
  });
  const main = task(function* () {
    return yield* whenAll(bad(), later());
  });
  await assert.rejects(start(main()), RangeError);
  assert.deepEqual(log, ["later sees cancelled=true", "later finally"]);
});

Deno.test("cancelling the awaiter's domain cancels the inputs; whenAll throws after they unwind", async () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const sleeper = task(function* (name: string) {
    try {
      yield* sleep(Infinity);
    } finally {
      log.push(name);
    }
  });
  const controller = new AbortController();
  const main = task(function* () {
    try {
      yield* whenAll(sleeper("a"), sleeper("b"));
    } finally {
      log.push("main");
    }
  });
  const p = start(main(), { signal: controller.signal });
  controller.abort("stop");
  await assert.rejects(p, (e) => e instanceof CancelledError && e.reason === "stop");
  assert.deepEqual(log, ["a", "b", "main"]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("inputs that swallow cancellation still make whenAll throw CancelledError", async () => {
  const stubborn = task(function* () {
    try {
      yield* sleep(Infinity);
    } catch {
      return "swallowed";
    }
    return "slept";
  });
  const domain = new CancellationDomain();
  const p = start(withDomain(domain, whenAll(stubborn(), stubborn())));
  domain.cancel("bye");
  await assert.rejects(p, CancelledError);
});

Deno.test("in a domain that is already cancelled, whenAll starts nothing and throws", async () => {
  let ran = false;
  const t = task(function* () {
    ran = true;
    return 1;
  });
  const domain = new CancellationDomain();
  domain.cancel("early");
  const armed = t();
  await assert.rejects(start(withDomain(domain, whenAll(armed))), CancelledError);
  assert.equal(ran, false);
  assert.equal(armed.status, "destroyed");
});

Deno.test("withDomain inside an input is tied to whenAll's child domain", async () => {
  const inner = new CancellationDomain();
  const log: string[] = [];
  const bad = task(function* (): Generator<Suspension, never, unknown> {
    yield* sleep(1);
    throw new Error("x");
  });
  const waiter = withDomain(
    inner,
    task(function* () {
      try {
        yield* sleep(Infinity);
      } finally {
        log.push("inner unwound");
      }
    })(),
  );
  await assert.rejects(start(whenAll(waiter, bad())), /x/);
  assert.equal(inner.cancelled, true);
  assert.deepEqual(log, ["inner unwound"]);
});

Deno.test("a task that is not armed, or passed twice, is a TaskStateError at the yield*", async () => {
  const t = num(1, -1);
  syncAwait(t);
  const fresh = num(2, -1);
  await assert.rejects(start(whenAll(t, fresh)), TaskStateError);
  assert.equal(fresh.status, "destroyed"); // whenAll owned it and gave up
  const twice = num(3, -1);
  await assert.rejects(start(whenAll(twice, twice)), TaskStateError);
  assert.throws(() => whenAll(42 as unknown as Operation<number>), TypeError);
});

Deno.test("whenAllSettled never throws and reports each outcome, typed", async () => {
  const before = defaultBytesInUse();
  const boom = new Error("boom");
  const bad = task(function* (): Generator<Suspension, number, unknown> {
    yield* sleep(1);
    throw boom;
  });
  const done = num(1, -1);
  syncAwait(done);
  const main = task(function* () {
    const [a, b, c, d] = yield* whenAllSettled(num(1, 3), bad(), str("s", 0), done);
    if (a.status === "fulfilled") {
      const n: number = a.value;
      assert.equal(n, 1);
    }
    return [a, b, c, d.status, d.status === "rejected" && d.reason instanceof TaskStateError];
  });
  assert.deepEqual(await start(main()), [
    { status: "fulfilled", value: 1 },
    { status: "rejected", reason: boom },
    { status: "fulfilled", value: "s" },
    "rejected",
    true,
  ]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("whenAllSettled under cancellation reports CancelledError per input", async () => {
  const domain = new CancellationDomain();
  const p = start(withDomain(domain, whenAllSettled(sleep(Infinity), num(5, -1))));
  domain.cancel();
  const [a, b] = await p;
  assert.equal(a.status, "rejected");
  assert.ok(a.status === "rejected" && a.reason instanceof CancelledError);
  assert.deepEqual(b, { status: "fulfilled", value: 5 });
});

Deno.test("destroying a task suspended in whenAll destroys its inputs (syncAwait gives up)", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const sleeper = task(function* (name: string) {
    try {
      yield* sleep(Infinity);
    } finally {
      log.push(name);
    }
  });
  const main = task(function* () {
    try {
      yield* whenAll(sleeper("a"), sleeper("b"));
    } finally {
      log.push("main");
    }
  });
  assert.throws(() => syncAwait(main()), /sleep|whenAll/);
  assert.deepEqual(log.sort(), ["a", "b", "main"]);
  assert.equal(defaultBytesInUse(), before);
});
