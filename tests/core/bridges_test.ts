/**
 * `syncAwait` and `start`: the paper's "But what about main?" bridges.
 */

import assert from "node:assert/strict";
import {
  coAwait,
  forEach,
  inlineExecutor,
  ManualExecutor,
  microtaskExecutor,
  ready,
  schedule,
  sleep,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  TaskStateError,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

Deno.test("a child that completes synchronously costs no microtask: the parent finishes inline", () => {
  let microtaskRan = false;
  queueMicrotask(() => (microtaskRan = true));
  const leaf = task(function* () {
    return yield* ready(1);
  });
  const parent = task(function* () {
    return (yield* leaf()) + (yield* leaf());
  });
  assert.equal(syncAwait(parent()), 2);
  assert.equal(microtaskRan, false, "no microtask checkpoint happened during the awaits");
});

Deno.test("syncAwait runs inline-executor and ManualExecutor work in its local loop", () => {
  const loop = new ManualExecutor();
  const t = task(function* () {
    yield* schedule(inlineExecutor);
    yield* schedule(loop);
    yield* schedule(loop);
    return "done";
  });
  assert.equal(syncAwait(t(), { executor: loop }), "done");
  assert.equal(loop.pending, 0);
});

Deno.test("syncAwait on host-only work destroys the task and throws SyncAwaitError", () => {
  for (
    const [wait, named] of [
      [() => sleep(5), /sleep\(5\)/],
      [() => coAwait(new Promise<void>(() => {})), /a Promise/],
      [() => schedule(microtaskExecutor), /schedule\(microtaskExecutor\)/],
      [() => forEach((async function* () {})(), function* () {}), /an async iterator's next\(\)/],
    ] as const
  ) {
    const before = defaultBytesInUse();
    const order: string[] = [];
    const inner = task(function* () {
      try {
        yield* wait();
        order.push("not reached");
      } finally {
        order.push("inner finally");
      }
    });
    const outer = task(function* () {
      try {
        yield* inner();
      } finally {
        order.push("outer finally");
      }
    });
    assert.throws(() => syncAwait(outer()), (e: unknown) => {
      assert.ok(e instanceof SyncAwaitError);
      assert.match(e.message, named);
      assert.match(e.message, /start/);
      // One sentence says why, once: the description names the wait, the message the reason.
      assert.equal(e.message.match(/host event loop/g)?.length, 1, e.message);
      return true;
    });
    assert.deepEqual(order, ["inner finally", "outer finally"]);
    assert.equal(defaultBytesInUse(), before, "frames freed");
  }
});

Deno.test("syncAwait destroys again when the unwinding itself awaits the host", () => {
  const order: string[] = [];
  const t = task(function* () {
    try {
      yield* sleep(5);
    } finally {
      order.push("finally starts");
      yield* sleep(5); // cannot complete either: destroyed in turn
      order.push("not reached");
    }
  });
  assert.throws(() => syncAwait(t()), SyncAwaitError);
  assert.deepEqual(order, ["finally starts"]);
});

Deno.test("syncAwait of a task that is not armed is a TaskStateError", () => {
  const t = task(function* () {
    return 1;
  })();
  syncAwait(t);
  assert.throws(() => syncAwait(t), TaskStateError);
});

Deno.test("syncAwait nested inside a running task works", () => {
  const inner = task(function* () {
    return 20;
  });
  const outer = task(function* () {
    return syncAwait(inner()) + 1;
  });
  assert.equal(syncAwait(outer()), 21);
});

Deno.test("start runs now, returns a Promise, and never throws", async () => {
  let ran = false;
  const t = task(function* () {
    ran = true;
    yield* coAwait(Promise.resolve());
    return "async result";
  });
  const p = start(t());
  assert.equal(ran, true, "started synchronously");
  assert.equal(await p, "async result");
  const used = t();
  await start(used);
  await assert.rejects(start(used), TaskStateError);
  await assert.rejects(start(42 as never), TypeError);
});

Deno.test("start with an executor starts there", async () => {
  const loop = new ManualExecutor();
  let ran = false;
  const t = task(function* () {
    ran = true;
    return 5;
  });
  const p = start(t(), { executor: loop });
  assert.equal(ran, false);
  loop.drain();
  assert.equal(ran, true);
  assert.equal(await p, 5);
});

Deno.test("start rejects with the task's exception, the same object", async () => {
  const boom = new Error("boom");
  const t = task(function* () {
    yield* coAwait(Promise.resolve());
    throw boom;
  });
  await assert.rejects(start(t()), (e) => e === boom);
});

Deno.test("start accepts plain awaitables and promises", async () => {
  assert.equal(await start(Promise.resolve("p")), "p");
  assert.equal(await start(ready("r")), "r");
});
