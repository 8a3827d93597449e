/**
 * P1056R1 XX.1.3 "Class template lazy" [coroutine.lazy.type], clause by clause.
 */

import assert from "node:assert/strict";
import {
  allocatorArg,
  ArenaResource,
  inlineExecutor,
  schedule,
  start,
  type Suspension,
  syncAwait,
  Task,
  task,
  TaskStateError,
} from "../../mod.ts";
import { CountingResource, defaultBytesInUse } from "../_helpers.ts";

Deno.test("XX.1.3/2.1: calling a task runs none of its body; the task is armed", () => {
  let ran = 0;
  const f = task(function* (x: number) {
    ran++;
    return x;
  });
  const t = f(1);
  assert.ok(t instanceof Task);
  assert.equal(t.status, "armed");
  assert.equal(ran, 0);
  assert.equal(syncAwait(t), 1);
  assert.equal(ran, 1);
});

Deno.test("XX.1.3/2.2: awaiting launches the task; awaiting it again is a TaskStateError", () => {
  const statuses: string[] = [];
  let child!: Task<number>;
  const inner = task(function* () {
    statuses.push(child.status);
    return 7;
  });
  const outer = task(function* () {
    child = inner();
    statuses.push(child.status);
    const v = yield* child;
    statuses.push(child.status);
    try {
      yield* child;
    } catch (e) {
      assert.ok(e instanceof TaskStateError);
      assert.match(e.message, /not armed.*awaited already/);
      statuses.push("second await rejected");
    }
    return v;
  });
  assert.equal(syncAwait(outer()), 7);
  assert.deepEqual(statuses, ["armed", "launched", "done", "second await rejected"]);
});

Deno.test("XX.1.3/2.3: an escaping exception is rethrown at the awaiter, same object", () => {
  const boom = new Error("boom");
  const order: string[] = [];
  const thrower = task(function* () {
    try {
      throw boom;
    } finally {
      order.push("child finally");
    }
  });
  const awaiter = task(function* () {
    try {
      yield* thrower();
    } catch (e) {
      order.push("caught");
      return e;
    }
    return undefined;
  });
  assert.equal(syncAwait(awaiter()), boom);
  assert.deepEqual(order, ["child finally", "caught"]);
  assert.throws(() => syncAwait(thrower()), (e) => e === boom);
});

Deno.test("XX.1.3/2.4: a void task evaluates to undefined", () => {
  const v = task(function* (): Generator<Suspension, void, unknown> {});
  const flowsOff = task(function* () {
    yield* v();
  });
  assert.equal(syncAwait(v()), undefined);
  assert.equal(syncAwait(flowsOff()), undefined);
});

Deno.test("XX.1.3/2.5: the returned value is what the await evaluates to", () => {
  const obj = { id: 1 };
  const f = task(function* () {
    return obj;
  });
  const g = task(function* () {
    return yield* f();
  });
  assert.equal(syncAwait(g()), obj);
});

Deno.test("XX.1.3/6: allocatorArg: the frame comes from the allocator when first needed", () => {
  const counting = new CountingResource();
  const seen: unknown[][] = [];
  const f = task(function* (tag: typeof allocatorArg, alloc: CountingResource, n: number) {
    seen.push([tag, alloc, n]);
    return n + 1;
  });
  const t = f(allocatorArg, counting, 41);
  assert.equal(counting.allocations, 0, "nothing is taken at the call");
  assert.equal(syncAwait(t), 42);
  assert.deepEqual(seen, [[allocatorArg, counting, 41]], "the body receives every argument");
  assert.equal(counting.allocations, 0, "a task that completes inline elides its frame");

  // A task that suspends needs its frame: it comes from the allocator, and goes back at the end.
  let frameBytes = -1;
  const suspends = task(function* (_tag: typeof allocatorArg, alloc: CountingResource) {
    yield* schedule(inlineExecutor);
    frameBytes = alloc.bytesInUse;
    return alloc.allocations;
  });
  assert.equal(syncAwait(suspends(allocatorArg, counting)), 1, "one frame, at the suspension");
  assert.ok(frameBytes > 0 && frameBytes <= 256, `frame of ${frameBytes} bytes`);
  assert.equal(counting.bytesInUse, 0, "the frame is freed when the body ends");
  assert.equal(counting.deallocations, 1);
});

Deno.test("XX.1.3/6: allocatorArg with nothing after it is a TypeError at the call", () => {
  let ran = 0;
  const one = task(function* (_tag: unknown) {
    ran++;
  });
  const many = task(function* (..._args: unknown[]) {
    ran++;
  });
  for (const call of [() => one(allocatorArg), () => many(allocatorArg)]) {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match((e as Error).message, /allocatorArg must be followed by .* got nothing/);
      return true;
    });
  }
  assert.equal(ran, 0);
});

Deno.test("XX.1.3/6: a call with allocatorArg that throws leaves nothing taken", () => {
  const counting = new CountingResource();
  const f = task(function* (
    _tag: typeof allocatorArg,
    _alloc: CountingResource,
    { n }: { n: number } = (() => {
      throw new Error("default parameter");
    })(),
  ) {
    return n;
  });
  assert.throws(() => f(allocatorArg, counting), /default parameter/);
  assert.equal(counting.allocations, 0);
  assert.equal(counting.bytesInUse, 0);
});

Deno.test("XX.1.3/6: allocatorArg followed by anything but an allocator is a TypeError", () => {
  const f = task(function* (_tag: unknown, _a: unknown) {
    return 0;
  });
  for (const bad of [undefined, null, 3, "arena", {}, { allocate() {} }]) {
    assert.throws(() => f(allocatorArg, bad), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match((e as Error).message, /allocatorArg must be followed by a MemoryResource/);
      return true;
    });
  }
});

Deno.test("XX.1.3/6: a budgeted arena turns a frame it cannot hold into BadAllocError", async (t) => {
  const { nullResource, BadAllocError } = await import("../../mod.ts");
  using arena = new ArenaResource({ initialSize: 64, upstream: nullResource });
  // Each level suspends, so each needs its frame: the budget runs out at some depth.
  const nest: (tag: typeof allocatorArg, a: ArenaResource, n: number) => Task<number> = task(
    function* (_t: typeof allocatorArg, a: ArenaResource, n: number) {
      yield* schedule(inlineExecutor);
      return 1 + (yield* nest(allocatorArg, a, n + 1));
    },
  );
  await t.step("frames fit until the budget is spent, then the await throws", () => {
    assert.throws(() => syncAwait(nest(allocatorArg, arena, 0)), BadAllocError);
    assert.ok(arena.stats.allocations > 0);
  });
});

Deno.test("XX.1.3/7: plain yield throws a TypeError into the task at that point", () => {
  // @ts-expect-error: a plain yield is ill-formed in a task, and the types say so
  const f = task(function* () {
    try {
      yield 5;
    } catch (e) {
      assert.ok(e instanceof TypeError);
      assert.match((e as Error).message, /plain `yield` is not allowed.*yield\*/);
      return "caught at the yield";
    }
    return "not reached";
  });
  assert.equal(syncAwait(f()), "caught at the yield");
});

Deno.test("XX.1.3/7: yielding a task without * names the slip and leaves the task armed", () => {
  const child = task(function* () {
    return 1;
  });
  const c = child();
  // @ts-expect-error: the forgotten `*` is caught by the types too
  const f = task(function* () {
    yield c;
  });
  assert.throws(() => syncAwait(f()), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match((e as Error).message, /write `yield\* t`, not `yield t`/);
    return true;
  });
  assert.equal(c.status, "armed");
  assert.equal(syncAwait(c), 1);
});

Deno.test("task() of a non-generator function is a TypeError", () => {
  for (const bad of [() => 1, async function* () {}, async () => {}, 5, null]) {
    // @ts-expect-error: deliberately wrong
    assert.throws(() => task(bad), TypeError);
  }
});

Deno.test("XX.1.3.1: move() gives the coroutine to a new task; the old one is empty", () => {
  const f = task(function* () {
    return "moved";
  });
  const a = f();
  const b = a.move();
  assert.equal(a.status, "empty");
  assert.equal(b.status, "armed");
  assert.throws(() => syncAwait(a), (e: unknown) => {
    assert.ok(e instanceof TaskStateError);
    assert.match((e as Error).message, /moved from/);
    return true;
  });
  assert.equal(syncAwait(b), "moved");
  a.destroy(); // destroying an empty task does nothing
  assert.equal(a.status, "empty");
});

Deno.test("XX.1.3.1 ~lazy(): destroying an armed task never runs its body and frees its frame", () => {
  const counting = new CountingResource();
  let ran = false;
  const f = task(function* (_t: typeof allocatorArg, _a: CountingResource) {
    try {
      ran = true;
    } finally {
      ran = true;
    }
  });
  const t = f(allocatorArg, counting);
  assert.equal(counting.allocations, 0, "the frame is taken when first needed, not at the call");
  t.destroy();
  assert.equal(t.status, "destroyed");
  assert.equal(ran, false);
  assert.equal(counting.bytesInUse, 0);
  assert.throws(() => syncAwait(t), TaskStateError);
  t.destroy(); // twice: nothing
});

Deno.test("XX.1.3.1: `using` destroys an unawaited task; a done task becomes destroyed", () => {
  let ran = false;
  const f = task(function* () {
    ran = true;
  });
  {
    using _t = f();
  }
  assert.equal(ran, false);
  const done = f();
  syncAwait(done);
  done.destroy();
  assert.equal(done.status, "destroyed");
});

Deno.test("XX.1.3.1: destroying a running task is a TaskStateError naming CancellationDomain", () => {
  const f = task(function* (me: { task?: Task<void> }) {
    assert.throws(() => me.task!.destroy(), (e: unknown) => {
      assert.ok(e instanceof TaskStateError);
      assert.match((e as Error).message, /CancellationDomain/);
      return true;
    });
  });
  const me: { task?: Task<void> } = {};
  const self = (me.task = f(me));
  syncAwait(self);
  assert.equal(self.status, "done");
});

Deno.test("frames are freed before the awaiter resumes, on every path", () => {
  const counting = new CountingResource();
  const child = task(function* (_t: typeof allocatorArg, _a: CountingResource, fail: boolean) {
    yield* schedule(inlineExecutor); // suspends: the frame is taken
    if (fail) throw new Error("fail");
    return 1;
  });
  const parent = task(function* () {
    yield* child(allocatorArg, counting, false);
    assert.equal(counting.bytesInUse, 0, "after return");
    try {
      yield* child(allocatorArg, counting, true);
    } catch {
      assert.equal(counting.bytesInUse, 0, "after throw");
    }
    return counting.allocations;
  });
  const before = defaultBytesInUse();
  assert.equal(syncAwait(parent()), 2);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("`await t` on a task rejects with a TypeError naming yield* and start()", async () => {
  let ran = false;
  const f = task(function* () {
    ran = true;
    return 1;
  });
  const t = f();
  const named = (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match((e as Error).message, /yield\*.*start\(/s);
    return true;
  };
  await assert.rejects(async () => await t, named);
  await assert.rejects(Promise.all([t]), named);
  await assert.rejects(Promise.resolve(t), named);
  // deno-lint-ignore require-await
  await assert.rejects((async () => t)(), named); // an async function returning a task
  assert.equal(ran, false);
  assert.equal(t.status, "armed", "the task is not launched");
  // Nothing legitimate reads `then`: inspection, enumeration, and the library's own paths.
  assert.match(Deno.inspect(t), /Task/);
  assert.deepEqual(Object.keys(t).includes("then"), false);
  assert.equal(await start(t), 1);
});

Deno.test("`await` on any library operation rejects the same way", async () => {
  const m = await import("../../mod.ts");
  const child = task(function* () {
    return 1;
  });
  const ops: [string, () => unknown][] = [
    ["ready", () => m.ready(1)],
    ["sleep", () => m.sleep(1)],
    ["coAwait", () => m.coAwait(Promise.resolve(1))],
    ["currentDomain", () => m.currentDomain()],
    ["withDomain", () => m.withDomain(new m.CancellationDomain(), child())],
    ["frameBuffer", () => m.frameBuffer(8)],
    ["fork", () => m.fork(child())],
    ["join", () => m.join(child())],
    ["whenAll", () => m.whenAll(child())],
    ["whenAllSettled", () => m.whenAllSettled(child())],
    ["whenAny", () => m.whenAny(child())],
    ["via", () => m.via(child(), m.inlineExecutor)],
    ["spawn", () => m.spawn(m.inlineExecutor, child())],
    ["schedule", () => m.schedule(m.inlineExecutor)],
    ["Context.get", () => m.createContext("c", 1).get()],
    ["Context.with", () => m.createContext("c", 1).with(2, child())],
  ];
  for (const [name, make] of ops) {
    await assert.rejects(
      Promise.resolve(make()),
      (e: unknown) => e instanceof TypeError && /yield\*/.test((e as Error).message),
      name,
    );
  }
});
