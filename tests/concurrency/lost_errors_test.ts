/**
 * Issue 10 items 17 and 18: errors are never lost. The rule is DisposableStack's: the first error
 * is the outcome, and each later one wraps it as `SuppressedError(later, previous)`; a plain
 * `CancelledError` from cancelled work is not attached.
 */

import assert from "node:assert/strict";
import {
  currentDomain,
  fork,
  join,
  sleep,
  start,
  type Suspension,
  syncAwait,
  SyncAwaitError,
  task,
  whenAll,
  whenAllSettled,
  whenAny,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

/** Sleeps (a host wait), then throws `name` from its finally block, whichever way it ends. */
function badFactory(log: string[]) {
  return task(function* (name: string, ms: number = 5): Generator<Suspension, number, unknown> {
    try {
      yield* sleep(ms);
      return 0;
    } finally {
      log.push(name);
      // deno-lint-ignore no-unsafe-finally
      throw new Error(name);
    }
  });
}

/** The messages of a SuppressedError chain, outermost first. */
function chain(e: unknown): string[] {
  const out: string[] = [];
  while (e instanceof SuppressedError) {
    out.push((e.error as Error).message);
    e = e.suppressed;
  }
  out.push(e instanceof Error ? e.message : String(e));
  return out;
}

Deno.test("syncAwait(whenAll(bad(), bad())): both finally errors surface, the first wrapped by the second", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const bad = badFactory(log);
  let caught: unknown;
  try {
    syncAwait(whenAll(bad("a"), bad("b")));
  } catch (e) {
    caught = e;
  }
  assert.ok(!(caught instanceof SyncAwaitError), "the errors replace SyncAwaitError");
  assert.ok(caught instanceof SuppressedError);
  assert.deepEqual(chain(caught), ["b", "a"]);
  assert.deepEqual(log, ["a", "b"], "each finally ran once, before syncAwait returned");
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("syncAwait of a task awaiting whenAll: the task's finally runs, the errors reach the caller", () => {
  const log: string[] = [];
  const bad = badFactory(log);
  const main = task(function* () {
    try {
      return yield* whenAll(bad("a"), bad("b"), bad("c"));
    } finally {
      log.push("main");
    }
  });
  assert.throws(() => syncAwait(main()), (e) => {
    assert.deepEqual(chain(e), ["c", "b", "a"]);
    return true;
  });
  assert.deepEqual(log, ["a", "b", "c", "main"]);
});

Deno.test("whenAllSettled, whenAny and join destroyed by syncAwait surface their members' finally errors", () => {
  const log: string[] = [];
  const bad = badFactory(log);
  assert.throws(() => syncAwait(whenAllSettled(bad("s1"), bad("s2"))), (e) => {
    assert.deepEqual(chain(e), ["s2", "s1"]);
    return true;
  });
  assert.throws(() => syncAwait(whenAny(bad("y1"), bad("y2"))), (e) => {
    assert.deepEqual(chain(e), ["y2", "y1"]);
    return true;
  });
  const joiner = task(function* () {
    const f = yield* fork(bad("f"));
    return yield* join(f, bad("j"));
  });
  assert.throws(() => syncAwait(joiner()), (e) => {
    assert.deepEqual(chain(e), ["f", "j"], "members first (in order), then the claimed fork");
    return true;
  });
  assert.deepEqual(log, ["s1", "s2", "y1", "y2", "j", "f"]);
});

Deno.test("nested groups destroyed by syncAwait: every finally error surfaces once", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const bad = badFactory(log);
  const inner = task(function* () {
    return yield* whenAll(bad("i1"), bad("i2"));
  });
  assert.throws(() => syncAwait(whenAll(inner(), bad("o"))), (e) => {
    assert.deepEqual(chain(e), ["o", "i2", "i1"]);
    return true;
  });
  assert.deepEqual(log, ["i1", "i2", "o"]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("a task destroyed while it waits for its unjoined forks surfaces their finally errors", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const bad = badFactory(log);
  const main = task(function* () {
    yield* fork(bad("f1"));
    yield* fork(bad("f2"));
    return "body done"; // the forks are cancelled: sleep's cancellation throws, their finally too
  });
  assert.throws(() => syncAwait(main()), (e) => {
    assert.deepEqual(chain(e), ["f2", "f1"]);
    return true;
  });
  assert.deepEqual(log, ["f1", "f2"]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("a task destroyed while its cancelled forks still unwind on the host: their finally errors surface", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const stubborn = task(function* (name: string): Generator<Suspension, number, unknown> {
    try {
      yield* sleep(60_000);
      return 0;
    } catch {
      yield* sleep(60_000); // its unwinding waits on the host: syncAwait destroys the task here
      return 1;
    } finally {
      log.push(name);
      // deno-lint-ignore no-unsafe-finally
      throw new Error(name);
    }
  });
  const main = task(function* () {
    try {
      yield* fork(stubborn("f1"));
      yield* fork(stubborn("f2"));
      return "body done";
    } finally {
      log.push("body");
    }
  });
  assert.throws(() => syncAwait(main()), (e) => {
    assert.deepEqual(chain(e), ["f2", "f1"]);
    return true;
  });
  assert.deepEqual(log, ["body", "f1", "f2"]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("a group destroyed with a failure pending ends with that failure first", () => {
  const log: string[] = [];
  const bad = badFactory(log);
  const first = new Error("first");
  const failNow = task(function* (): Generator<Suspension, number, unknown> {
    throw first;
  });
  // failNow fails at once; bad() starts in the cancelled domain, its sleep fails at once and its
  // finally throws "b": all that happens before syncAwait gives up on the sleeping one.
  const slow = task(function* () {
    try {
      yield* sleep(60_000);
    } catch {
      yield* sleep(60_000); // unwinding waits on the host: syncAwait destroys it here
    }
    return 0;
  });
  assert.throws(() => syncAwait(whenAll(failNow(), slow(), bad("b"))), (e) => {
    assert.deepEqual(chain(e), ["b", "first"]);
    return true;
  });
});

Deno.test("two unjoined forks fail: both errors surface, the first wrapped by the second", async () => {
  const before = defaultBytesInUse();
  const thrower = task(function* (name: string, ms: number): Generator<Suspension, void, unknown> {
    yield* sleep(ms);
    throw new Error(name);
  });
  const main = task(function* () {
    yield* fork(thrower("one", 1));
    yield* fork(thrower("two", 10));
    yield* sleep(30); // both have failed by now, unjoined
    return "body";
  });
  await assert.rejects(start(main()), (e) => {
    assert.ok(e instanceof SuppressedError);
    assert.deepEqual(chain(e), ["two", "one"]);
    return true;
  });
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("unjoined forks failing while the body fails too: the body's error is the innermost", async () => {
  const thrower = task(function* (name: string): Generator<Suspension, void, unknown> {
    yield* sleep(0);
    throw new Error(name);
  });
  const main = task(function* (): Generator<Suspension, void, unknown> {
    yield* fork(thrower("one"));
    yield* fork(thrower("two"));
    yield* sleep(20);
    throw new Error("body");
  });
  await assert.rejects(start(main()), (e) => {
    assert.deepEqual(chain(e), ["two", "one", "body"]);
    return true;
  });
});

Deno.test("whenAny: a loser's finally error is attached to the winner's error", async () => {
  const log: string[] = [];
  const bad = badFactory(log);
  const winner = task(function* (): Generator<Suspension, number, unknown> {
    yield* sleep(1);
    throw new Error("winner");
  });
  const main = task(function* () {
    return yield* whenAny(winner(), bad("loser", 60_000));
  });
  await assert.rejects(start(main()), (e) => {
    assert.deepEqual(chain(e), ["loser", "winner"]);
    return true;
  });
  assert.deepEqual(log, ["loser"]);
});

Deno.test("whenAny: a loser's finally error replaces the winner's value, as a throwing disposer does", async () => {
  const log: string[] = [];
  const bad = badFactory(log);
  const fast = task(function* () {
    yield* sleep(1);
    return 42;
  });
  const main = task(function* () {
    return yield* whenAny(bad("l1", 60_000), fast(), bad("l2", 60_000));
  });
  await assert.rejects(start(main()), (e) => {
    assert.deepEqual(chain(e), ["l2", "l1"]);
    return true;
  });
});

/** An input that fails with `error` after a turn of the host's timers. */
const failing = task(function* (error: Error): Generator<Suspension, number, unknown> {
  yield* sleep(1);
  throw error;
});
/** An input that would run for a minute: only cancellation ends it. */
const quiet = task(function* () {
  yield* sleep(60_000);
  return 1;
});

Deno.test("whenAll: an error another input throws while unwinding is attached to the first failure", async () => {
  const log: string[] = [];
  const bad = badFactory(log);
  const first = new Error("first");
  const main = task(function* () {
    return yield* whenAll(bad("x", 60_000), failing(first), quiet());
  });
  await assert.rejects(start(main()), (e) => {
    assert.ok(e instanceof SuppressedError);
    assert.equal(e.suppressed, first, "the first failure is the innermost, the same object");
    assert.deepEqual(chain(e), ["x", "first"]);
    return true;
  });
});

Deno.test("cancelled inputs that end with CancelledError attach nothing: the first failure itself is rethrown", async () => {
  const first = new Error("first");
  const main = task(function* () {
    return yield* whenAll(quiet(), failing(first), quiet());
  });
  await assert.rejects(start(main()), (e) => e === first);
});

Deno.test("a cancellation listener that throws inside a group: the group settles with its first failure, the listener's error is reported", async () => {
  const first = new Error("first");
  const listenerError = new Error("listener");
  const reported: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    event.preventDefault(); // the host would end the process, as for any uncaught error
    reported.push(event.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    const registering = task(function* () {
      const domain = yield* currentDomain();
      domain.addListener({
        onCancel() {
          throw listenerError;
        },
      });
      try {
        yield* sleep(60_000);
      } finally {
        reported.push("sleeper unwound");
      }
      return 2;
    });
    const main = task(function* () {
      return yield* whenAll(registering(), failing(first));
    });
    await assert.rejects(start(main()), (e) => e === first);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(reported, ["sleeper unwound", listenerError]);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});

Deno.test("a destroyed group whose inputs unwind cleanly attaches nothing: SyncAwaitError as before", () => {
  const quiet = task(function* () {
    try {
      yield* sleep(60_000);
      return 1;
    } finally {
      // a clean unwinding
    }
  });
  assert.throws(() => syncAwait(whenAll(quiet(), quiet())), SyncAwaitError);
  assert.throws(() => syncAwait(whenAny(quiet(), quiet())), SyncAwaitError);
});
