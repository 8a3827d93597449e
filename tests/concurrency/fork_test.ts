/**
 * fork/join (the paper's cilk_spawn/cilk_sync): the cilk fib, unjoined forks cancelled at their
 * parent's end, errors never lost, and no frame leaks.
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  coAwait,
  fork,
  type Forked,
  join,
  type SimpleAwaitable,
  sleep,
  start,
  type Suspension,
  syncAwait,
  SyncAwaitError,
  task,
  TaskStateError,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

const fib = task(function* (n: number): Generator<Suspension, number, unknown> {
  if (n < 2) return n;
  const xx = yield* fork(fib(n - 1)); // cilk_spawn: continuation goes on
  const yy = fib(n - 2);
  const [x, y] = yield* join(xx, yy); // cilk_sync
  return x + y;
});

Deno.test("the paper's cilk fib: fork(fib(n-1)), fib(n-2), join(xx, yy) gives fib(20) = 6765", () => {
  const before = defaultBytesInUse();
  assert.equal(syncAwait(fib(20)), 6765);
  assert.equal(defaultBytesInUse(), before);
});

const asyncFib = task(function* (n: number): Generator<Suspension, number, unknown> {
  if (n < 2) {
    yield* sleep(0);
    return n;
  }
  const xx: Forked<number> = yield* fork(asyncFib(n - 1));
  const [x, y] = yield* join(xx, asyncFib(n - 2));
  return x + y;
});

Deno.test("the cilk fib with leaves that suspend on timers", async () => {
  const before = defaultBytesInUse();
  assert.equal(await start(asyncFib(10)), 55);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("fork runs the child at once and continues the awaiter when it suspends", async () => {
  const log: string[] = [];
  const child = task(function* () {
    log.push("child runs");
    yield* sleep(1);
    log.push("child resumes");
    return 1;
  });
  const parent = task(function* () {
    const f = yield* fork(child());
    log.push(`parent goes on, settled=${f.settled}`);
    const [v] = yield* join(f);
    log.push("joined");
    return v;
  });
  assert.equal(await start(parent()), 1);
  assert.deepEqual(log, ["child runs", "parent goes on, settled=false", "child resumes", "joined"]);
});

Deno.test("an unjoined fork is cancelled when its parent's body ends; the parent waits for it", async () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const forever = task(function* () {
    try {
      yield* sleep(Infinity);
    } catch (e) {
      log.push(`fork: ${(e as Error).name}`);
      throw e;
    } finally {
      log.push("fork finally");
    }
  });
  const parent = task(function* () {
    try {
      yield* fork(forever());
      log.push("body returns");
      return 42;
    } finally {
      log.push("parent finally");
    }
  });
  const outer = task(function* () {
    const v = yield* parent();
    log.push("outer resumes");
    return v;
  });
  assert.equal(await start(outer()), 42); // the fork's CancelledError is not an error of the parent
  assert.deepEqual(log, [
    "body returns",
    "parent finally",
    "fork: CancelledError",
    "fork finally",
    "outer resumes",
  ]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("an error in a forked task surfaces at join", async () => {
  const bad = task(function* (): Generator<Suspension, number, unknown> {
    yield* sleep(1);
    throw new RangeError("in fork");
  });
  const parent = task(function* () {
    const f = yield* fork(bad());
    yield* sleep(5);
    return yield* join(f);
  });
  await assert.rejects(start(parent()), RangeError);
});

Deno.test("an error in a fork that is never joined surfaces at the parent's end", async () => {
  const before = defaultBytesInUse();
  const bad = task(function* (): Generator<Suspension, number, unknown> {
    throw new RangeError("lost?");
  });
  const parent = task(function* () {
    yield* fork(bad());
    return "ok";
  });
  await assert.rejects(start(parent()), /lost\?/);
  // ... also when the body throws too: both errors are kept.
  const failing = task(function* (): Generator<Suspension, string, unknown> {
    yield* fork(bad());
    throw new Error("body");
  });
  await assert.rejects(
    start(failing()),
    (e) =>
      e instanceof SuppressedError && (e.error as Error).message === "lost?" &&
      (e.suppressed as Error).message === "body",
  );
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("join cancels the others on the first failure, forks included", async () => {
  const log: string[] = [];
  const forever = task(function* (name: string) {
    try {
      yield* sleep(Infinity);
    } finally {
      log.push(name);
    }
  });
  const bad = task(function* (): Generator<Suspension, void, unknown> {
    yield* sleep(1);
    throw new Error("bad");
  });
  const parent = task(function* () {
    const f = yield* fork(forever("forked"));
    yield* join(f, bad(), forever("plain"));
  });
  await assert.rejects(start(parent()), /bad/);
  assert.deepEqual(log.sort(), ["forked", "plain"]);
});

Deno.test("a fork can be joined once; fork outside a task is a TypeError", async () => {
  const one = task(function* () {
    return 1;
  });
  const parent = task(function* () {
    const f = yield* fork(one());
    yield* join(f);
    return yield* join(f);
  });
  await assert.rejects(start(parent()), TaskStateError);
  await assert.rejects(start(fork(one())), TypeError);
});

Deno.test("cancelling the parent's domain cancels its forks", async () => {
  const log: string[] = [];
  const forever = task(function* () {
    try {
      yield* sleep(Infinity);
    } finally {
      log.push("fork");
    }
  });
  const parent = task(function* () {
    const f = yield* fork(forever());
    yield* join(f);
  });
  const domain = new CancellationDomain();
  const p = start(withDomain(domain, parent()));
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.deepEqual(log, ["fork"]);
});

/** An awaitable that never resumes and does not listen to cancellation. */
const never: SimpleAwaitable<void> = {
  awaitReady: () => false,
  awaitSuspend: () => {},
  awaitResume: () => {},
};

Deno.test("a parent destroyed while it waits for its forks destroys them (syncAwait gives up)", () => {
  const before = defaultBytesInUse();
  const log: string[] = [];
  const stubborn = task(function* () {
    try {
      yield* sleep(Infinity);
    } catch {
      yield* coAwait(never); // ignores the cancellation: only destruction stops it
    } finally {
      log.push("fork");
    }
  });
  const parent = task(function* () {
    yield* fork(stubborn());
    return 1;
  });
  assert.throws(() => syncAwait(parent()), SyncAwaitError);
  assert.deepEqual(log, ["fork"]);
  assert.equal(defaultBytesInUse(), before);
});
