/**
 * Issue 10's findings in the core, bridges and executors, one test (or more) per item: each
 * would fail if the fix broke. Items handled elsewhere have their tests beside their code
 * (allocators in tests/allocators, groups and forks in tests/concurrency, listeners in
 * tests/cancellation).
 */

import assert from "node:assert/strict";
import {
  allocatorArg,
  ArenaResource,
  Awaiter,
  CancellationDomain,
  CancelledError,
  coAwait,
  coAwaitSymbol,
  type CoroutineHandle,
  currentDomain,
  inlineExecutor,
  ManualExecutor,
  microtaskExecutor,
  ready,
  schedule,
  type SimpleAwaitable,
  sleep,
  spawn,
  start,
  type Suspension,
  syncAwait,
  SyncAwaitError,
  Task,
  task,
  TaskStateError,
  withDomain,
} from "../../mod.ts";
import { trampolineBacklog } from "../../src/core/_trampoline.ts";
import { defaultBytesInUse } from "../_helpers.ts";

/** An awaitable that parks its handle for the test to resume or destroy. */
class Parked<T> extends Awaiter<T> {
  handle: CoroutineHandle | null = null;
  constructor(readonly value: T) {
    super();
  }
  awaitReady(): boolean {
    return false;
  }
  awaitSuspend(h: CoroutineHandle): void {
    this.handle = h;
  }
  awaitResume(): T {
    return this.value;
  }
}

Deno.test("#1 roots that start later on an executor each get their own operation", async () => {
  const a = start(ready(1), { executor: microtaskExecutor });
  const b = start(ready(2), { executor: microtaskExecutor });
  assert.deepEqual(await Promise.all([a, b]), [1, 2]);
  const simple = (v: number): SimpleAwaitable<number> => ({
    awaitReady: () => true,
    awaitSuspend: () => false,
    awaitResume: () => v,
  });
  const c = start(simple(3), { executor: microtaskExecutor });
  const d = start(simple(4), { executor: microtaskExecutor });
  assert.deepEqual(await Promise.all([c, d]), [3, 4]);
  const worker = new ManualExecutor();
  const both = task(function* () {
    const x = yield* spawn(worker, ready("x"));
    const y = yield* spawn(worker, ready("y"));
    return x + y;
  });
  assert.equal(syncAwait(both(), { executor: worker }), "xy");
});

Deno.test("#2 a root destroyed through its handle fails with CancelledError in every bridge", async () => {
  const destroyer = () =>
    coAwait<number>({
      awaitReady: () => false,
      awaitSuspend: (h: CoroutineHandle) => h.destroy(),
      awaitResume: () => 1,
    });
  let finallies = 0;
  const victim = task(function* () {
    try {
      return yield* destroyer();
    } finally {
      finallies++;
    }
  });
  assert.throws(() => syncAwait(victim()), CancelledError);
  await assert.rejects(start(victim()), CancelledError);
  const parent = task(function* () {
    try {
      yield* spawn(inlineExecutor, victim());
      return "value";
    } catch (e) {
      return e;
    }
  });
  assert.ok(syncAwait(parent()) instanceof CancelledError);
  assert.equal(finallies, 3);
});

Deno.test("#3 an executor that runs a root's callback twice cannot resume it twice", async () => {
  const twice = {
    execute(callback: () => void) {
      queueMicrotask(() => {
        callback();
        callback();
      });
    },
  };
  const parked = new Parked(5);
  let steps = 0;
  const t = task(function* () {
    steps++;
    const v = yield* parked;
    steps++;
    return v;
  });
  const p = start(t(), { executor: twice });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(steps, 1, "the second call did not resume the suspended task");
  parked.handle!.resume();
  assert.equal(await p, 5);
  const parent = task(function* () {
    return yield* spawn(twice, ready(6));
  });
  assert.equal(await start(parent()), 6);
});

Deno.test("#4 driving a task by hand is a TypeError, not a silent undefined", () => {
  const child = task(function* () {
    return yield* coAwait(Promise.resolve(1));
  });
  assert.throws(() => {
    for (const _ of child()) { /* by hand */ }
  }, /iterated by hand/);
  assert.throws(() => [...child()], /iterated by hand/);
  // Inside a running task too: the first await fails instead of "returning" undefined.
  const parent = task(function* () {
    const t = child();
    try {
      for (const _ of t as Iterable<unknown>) { /* by hand */ }
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  });
  assert.match(syncAwait(parent()), /iterated by hand/);
});

Deno.test("#4 a suspended task resumed by hand is refused; its real resume still delivers", async () => {
  class Gate extends Awaiter<number> {
    handle: CoroutineHandle | null = null;
    awaitReady(): boolean {
      return false;
    }
    awaitSuspend(h: CoroutineHandle): void {
      this.handle = h;
    }
    awaitResume(): number {
      return 7;
    }
  }
  const arena = new ArenaResource();
  for (const scoped of [false, true]) {
    const gate = new Gate();
    const order: string[] = [];
    let inner: Task<number> | null = null;
    const child = task(function* (_tag?: unknown, _arena?: unknown) {
      try {
        return (yield* gate) * 2;
      } finally {
        order.push("child finally");
      }
    });
    const parent = task(function* () {
      inner = scoped ? child(allocatorArg, arena) : child();
      return yield* inner;
    });
    const before = defaultBytesInUse();
    const result = start(parent());
    const suspended = inner as unknown as Iterator<unknown>;
    for (
      const call of [
        () => suspended.next(),
        () => suspended.throw!(new Error("x")),
        () => suspended.return!(1),
      ]
    ) {
      assert.throws(call, /iterated by hand/, `scoped: ${scoped}`);
    }
    assert.deepEqual(order, [], "the body saw nothing: no finally ran");
    gate.handle!.resume();
    assert.equal(await result, 14, "the real resume delivers the real value");
    assert.deepEqual(order, ["child finally"]);
    assert.equal(defaultBytesInUse(), before, "frames freed");
  }
  // From inside another root's task it cannot be refused before the body runs (a task does not
  // know its driver), but the await fails loudly instead of returning a value that never came.
  const gate = new Gate();
  let inner: Task<number> | null = null;
  const child = task(function* () {
    return (yield* gate) * 2;
  });
  const parent = task(function* () {
    inner = child();
    return yield* inner;
  });
  const result = start(parent());
  const meddler = task(function* () {
    return (inner as unknown as Iterator<unknown>).next();
  });
  assert.throws(() => syncAwait(meddler()), /iterated by hand/);
  gate.handle!.resume();
  await assert.rejects(result, TaskStateError);
});

Deno.test("#6 a plain `yield` of a handle is the plain-yield TypeError, fresh or spent", () => {
  let saved: CoroutineHandle | null = null;
  const grab = coAwait({
    awaitReady: () => false,
    awaitSuspend: (h: CoroutineHandle) => {
      saved = h;
      return false;
    },
    awaitResume: () => 0,
  });
  const body = task(function* () {
    yield* grab;
    try {
      yield saved as unknown as Suspension;
    } catch (e) {
      return (e as Error).message;
    }
    return "taken as a suspension";
  });
  assert.match(syncAwait(body()), /CoroutineHandle was yielded/);
});

Deno.test("#7 withDomain inside the on-demand root domain is reached by the root's cancel", async () => {
  let root!: CancellationDomain;
  const t = task(function* () {
    root = yield* currentDomain();
    yield* withDomain(new CancellationDomain(), sleep(60_000));
  });
  const p = start(t());
  root.cancel("stop");
  await assert.rejects(p, CancelledError);
  // The same under syncAwait: the cancel arrives from local work while withDomain waits.
  const worker = new ManualExecutor();
  const u = task(function* () {
    const rootDomain = yield* currentDomain();
    worker.execute(() => rootDomain.cancel("late"));
    try {
      yield* withDomain(new CancellationDomain(), schedule(worker));
      return "not reached";
    } catch (e) {
      return (e as CancelledError).reason;
    }
  });
  assert.equal(syncAwait(u(), { executor: worker }), "late");
});

Deno.test("#9 awaitSuspend returning junk is a TypeError at the await; finally runs; no leak", async () => {
  const before = defaultBytesInUse();
  for (const junk of [null, 0, 7, "yes", Promise.resolve(), {}, Symbol("s")]) {
    let finallies = 0;
    const t = task(function* () {
      try {
        yield* schedule(inlineExecutor); // takes a frame
        yield* coAwait({
          awaitReady: () => false,
          awaitSuspend: () => junk as unknown as boolean,
          awaitResume: () => 1,
        });
      } finally {
        finallies++;
      }
    });
    assert.throws(() => syncAwait(t()), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match((e as Error).message, /awaitSuspend\(\) returned/);
      return true;
    });
    assert.equal(finallies, 1);
  }
  assert.equal(defaultBytesInUse(), before);
  // After a timer resume: the error reaches the promise, not the timer.
  const late = task(function* () {
    yield* sleep(1);
    yield* coAwait({
      awaitReady: () => false,
      awaitSuspend: () => 42 as unknown as boolean,
      awaitResume: () => 1,
    });
  });
  await assert.rejects(start(late()), /awaitSuspend\(\) returned number 42/);
});

Deno.test("#10 symmetric transfer back to a coroutine inside its own awaitSuspend", () => {
  let handleA!: CoroutineHandle;
  const transferBack = coAwait({
    awaitReady: () => false,
    awaitSuspend: () => handleA, // B transfers to A, which is still inside awaitSuspend
    awaitResume: () => "b",
  });
  const b = task(function* () {
    return yield* transferBack;
  });
  let bResult: Promise<string> | null = null;
  const a = task(function* () {
    const v = yield* coAwait({
      awaitReady: () => false,
      awaitSuspend(h: CoroutineHandle) {
        handleA = h;
        bResult = start(b()); // runs B now, on top of A's awaitSuspend
      },
      awaitResume: () => "a",
    });
    return v;
  });
  assert.equal(syncAwait(a()), "a");
  assert.ok(bResult !== null);
});

Deno.test("#12 a ManualExecutor callback that throws during syncAwait unwinds the task", () => {
  const worker = new ManualExecutor();
  const order: string[] = [];
  const t = task(function* () {
    try {
      yield* schedule(worker);
      order.push("resumed");
    } finally {
      order.push("finally");
    }
  });
  const boom = new Error("callback");
  const p = task(function* () {
    worker.execute(() => {
      throw boom;
    });
    yield* t();
  });
  const before = defaultBytesInUse();
  assert.throws(() => syncAwait(p(), { executor: worker }), (e) => e === boom);
  assert.deepEqual(order, ["finally"]);
  worker.drain(); // the hop that was queued finds its task gone
  assert.deepEqual(order, ["finally"]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("#13 nested roots (spawn inline, start) are stack-safe and leak no frame", async () => {
  const before = defaultBytesInUse();
  const nest: (n: number) => Task<number> = task(function* (n: number) {
    if (n === 0) return 0;
    return 1 + (yield* spawn(inlineExecutor, nest(n - 1)));
  });
  assert.equal(syncAwait(nest(20_000)), 20_000);
  assert.equal(defaultBytesInUse(), before);
  const viaStart: (n: number) => Task<number> = task(function* (n: number) {
    if (n === 0) return 0;
    return 1 + (yield* coAwait(start(viaStart(n - 1))));
  });
  assert.equal(await start(viaStart(20_000)), 20_000);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("#14 bad arguments are checked at the call, before anything runs", () => {
  let ran = false;
  const t = task(function* () {
    ran = true;
  });
  const armed = t();
  for (const executor of [{}, { execute() {} }, null, 3]) {
    assert.throws(
      () => syncAwait(armed, { executor: executor as unknown as ManualExecutor }),
      /must be a ManualExecutor/,
    );
  }
  assert.equal(ran, false);
  assert.equal(armed.status, "armed");
  armed.destroy();
  assert.throws(
    () => withDomain({} as unknown as CancellationDomain, ready(1)),
    /domain must be a CancellationDomain/,
  );
  assert.throws(() => spawn({} as never, ready(1)), /execute\(callback\)/);
  // An options argument that is not an object is refused, not ignored.
  for (const junk of [null, 5, "x"]) {
    assert.throws(
      () => syncAwait(ready(1), junk as never),
      /^TypeError: syncAwait\(awaitable, options\): options must be an object/,
    );
    assert.throws(
      () => spawn(inlineExecutor, ready(1), junk as never),
      /^TypeError: spawn\(executor, operation, options\): options must be an object/,
    );
    // One check behind every options argument: the same message names each call.
    assert.throws(
      () => task(function* () {}, junk as never),
      /^TypeError: task\(body, options\): options must be an object such as \{ name \}/,
    );
  }
});

Deno.test("#14 a value that cannot be awaited is refused naming the call it was given to", async () => {
  const {
    AsyncScope,
    createContext,
    fork,
    forEach,
    Semaphore,
    shield,
    stream,
    timeout,
    via,
    whenAll,
    whenAny,
  } = await import("../../mod.ts");
  const junk = 42 as never;
  const atCall: [string, () => unknown][] = [
    ["syncAwait(awaitable)", () => syncAwait(junk)],
    ["coAwait(awaitable)", () => coAwait(junk)],
    ["spawn(executor, operation)", () => spawn(inlineExecutor, junk)],
    ["via(operation, executor)", () => via(junk, inlineExecutor)],
    ["fork(operation)", () => fork(junk)],
    ["withDomain(domain, operation)", () => withDomain(new CancellationDomain(), junk)],
    ["Context.with(value, operation)", () => createContext("k", 0).with(1, junk)],
    ["whenAll(): argument 1", () => whenAll(ready(1), junk)],
    ["whenAny(): argument 0", () => whenAny(junk)],
    ["timeout(op, ms)", () => timeout(junk, 5)],
    ["shield(op)", () => shield(junk)],
    ["Semaphore.use(op)", () => new Semaphore(1).use(junk)],
    ["AsyncScope.spawn(op)", () => new AsyncScope().spawn(junk)],
  ];
  for (const [who, call] of atCall) {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof TypeError, who);
      assert.ok(e.message.startsWith(`${who}: cannot await number`), e.message);
      return true;
    });
  }
  await assert.rejects(start(junk), /^TypeError: start\(awaitable\): cannot await number/);
  // What a user's operator co_await throws is not a refusal of ours: it passes as it is.
  const own = new RangeError("mine");
  const throwing = {
    [coAwaitSymbol]() {
      throw own;
    },
  };
  for (
    const call of [() => shield(throwing), () => timeout(throwing, 5), () => whenAll(throwing)]
  ) {
    assert.throws(call, (e: unknown) => e === own);
  }
  // What a user's function returned is named as such, at the await that runs it.
  assert.throws(
    () => syncAwait(forEach([1], () => junk)),
    /^TypeError: forEach\(source, body\): what the body returned: cannot await number/,
  );
  assert.throws(
    () => syncAwait(forEach(stream(() => junk), function* () {})),
    /stream\(producer\)/,
  );
});

Deno.test("#14 start reports bad options as a rejected promise", async () => {
  await assert.rejects(start(ready(1), { executor: {} as never }), TypeError);
  await assert.rejects(start(ready(1), { signal: {} as never }), TypeError);
  await assert.rejects(start(ready(1), { affinity: true }), /needs an executor/);
  for (const junk of [null, 7, "x"]) {
    await assert.rejects(
      start(ready(1), junk as never),
      /^TypeError: start\(a, options\): options must be an object such as/,
    );
  }
});

Deno.test("#15 the trampoline's queue is released after cross-task resumes", async () => {
  const { whenAll } = await import("../../mod.ts");
  const handles: CoroutineHandle[] = [];
  let hops = 0;
  const park = () =>
    coAwait({
      awaitReady: () => false,
      awaitSuspend: (h: CoroutineHandle) => void handles.push(h),
      awaitResume: () => hops++,
    });
  // Two tasks that resume each other 50,000 times each: every resume is queued on the trampoline.
  const ping = task(function* (n: number) {
    for (let i = 0; i < n; i++) {
      handles.pop()?.resume();
      yield* park();
    }
    handles.pop()?.resume();
  });
  syncAwait(whenAll(ping(50_000), ping(50_000)));
  assert.equal(hops, 100_000);
  assert.equal(trampolineBacklog(), 0, "no slot is kept once the queue has drained");
});

Deno.test("#23 Task alone is Task<void>", () => {
  const f = task(function* () {});
  const t: Task = f();
  const v: void = syncAwait(t);
  assert.equal(v, undefined);
});

Deno.test("#26 a Task implements [coAwaitSymbol] for protocol-only code", async () => {
  const child = task(function* (x: number) {
    yield* sleep(0);
    return x * 2;
  });
  // Code that knows only the awaitable protocol: it asks for operator co_await and awaits that.
  const protocolOnly = <T>(a: { [coAwaitSymbol](): SimpleAwaitable<T> }) =>
    coAwait({ [coAwaitSymbol]: () => a[coAwaitSymbol]() });
  const parent = task(function* () {
    return yield* protocolOnly(child(21));
  });
  assert.equal(await start(parent()), 42);
  const used = child(1);
  assert.equal(await start(protocolOnly(used)), 2);
  assert.throws(() => used[coAwaitSymbol](), TaskStateError);
  // Destruction reaches the task run through the protocol: its finally runs.
  let finallies = 0;
  const hostWait = task(function* () {
    try {
      yield* sleep(10_000);
    } finally {
      finallies++;
    }
  });
  assert.throws(() => syncAwait(protocolOnly(hostWait())), SyncAwaitError);
  assert.equal(finallies, 1);
});

Deno.test("#27 an Awaiter subclass's own [coAwaitSymbol] is honoured", async () => {
  class Wrapped extends Awaiter<string> {
    awaitReady() {
      return true;
    }
    awaitSuspend() {
      return false;
    }
    awaitResume() {
      return "the awaiter itself";
    }
    [coAwaitSymbol]() {
      return ready("through operator co_await");
    }
  }
  const t = task(function* () {
    return yield* new Wrapped();
  });
  assert.equal(syncAwait(t()), "through operator co_await");
  assert.equal(syncAwait(new Wrapped()), "through operator co_await");
  assert.equal(await start(new Wrapped()), "through operator co_await");
});

Deno.test("#28 the Task constructor cannot be called by users", () => {
  const Ctor = Task as unknown as new (...args: unknown[]) => unknown;
  assert.throws(() => new Ctor(), /cannot be constructed directly.*task\(\)/);
  assert.throws(
    () => new Ctor(Symbol("fake"), (function* () {})(), null),
    /cannot be constructed directly/,
  );
  // Nor made from its prototype: awaiting one says it is no task, whichever way it is awaited.
  const fake = Object.create(Task.prototype) as Task<number>;
  assert.throws(() => syncAwait(fake), /not made by a task function/);
  const outer = task(function* () {
    return yield* fake;
  });
  assert.throws(() => syncAwait(outer()), /not made by a task function/);
});
