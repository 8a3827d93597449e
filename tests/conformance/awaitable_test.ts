/**
 * P1056R1 21.11.6 "Awaitable concepts" [support.awaitable.simple]: the three await calls, the
 * member `operator co_await`, and the coroutine handle they receive.
 */

import assert from "node:assert/strict";
import {
  type Awaitable,
  Awaiter,
  coAwait,
  coAwaitSymbol,
  type CoroutineHandle,
  ready,
  type SimpleAwaitable,
  start,
  syncAwait,
  task,
} from "../../mod.ts";

/** A SimpleAwaitable that records its calls and answers awaitSuspend with `decide`. */
function recorder<T>(
  value: T,
  readyNow: boolean,
  decide: (h: CoroutineHandle) => void | boolean | CoroutineHandle,
): SimpleAwaitable<T> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    awaitReady: () => (calls.push("ready"), readyNow),
    awaitSuspend: (h) => (calls.push("suspend"), decide(h)),
    awaitResume: () => (calls.push("resume"), value),
  };
}

Deno.test("21.11.6/1: awaitReady() true skips awaitSuspend", () => {
  const a = recorder(1, true, () => assert.fail("must not suspend"));
  assert.equal(syncAwait(a), 1);
  assert.deepEqual(a.calls, ["ready", "resume"]);
});

Deno.test("21.11.6/1: awaitSuspend() false resumes at once", () => {
  const a = recorder(2, false, () => false);
  const t = task(function* () {
    return yield* coAwait(a);
  });
  assert.equal(syncAwait(t()), 2);
  assert.deepEqual(a.calls, ["ready", "suspend", "resume"]);
});

Deno.test("21.11.6/1: awaitSuspend() true or void stays suspended until resume()", async () => {
  for (const answer of [true, undefined]) {
    let saved: CoroutineHandle | undefined;
    const a = recorder(3, false, (h) => {
      saved = h;
      return answer;
    });
    let after = false;
    const t = task(function* () {
      const v = yield* coAwait(a);
      after = true;
      return v;
    });
    const p = start(t());
    assert.equal(after, false);
    assert.equal(saved!.done, false);
    saved!.resume();
    assert.equal(after, true, "resume() runs the coroutine now, from outside any task");
    assert.equal(await p, 3);
    assert.equal(saved!.done, true);
  }
});

Deno.test("21.11.6/1: awaitSuspend() returning a handle resumes it by symmetric transfer", async () => {
  let first: CoroutineHandle | undefined;
  const order: string[] = [];
  const parkFirst = recorder("first", false, (h) => void (first = h));
  const transferToFirst = recorder("second", false, () => first!);
  const a = task(function* () {
    const v = yield* coAwait(parkFirst);
    order.push(`a got ${v}`);
    return v;
  });
  const b = task(function* () {
    const v = yield* coAwait(transferToFirst);
    order.push(`b got ${v}`);
    return v;
  });
  const pa = start(a());
  const pb = start(b());
  assert.deepEqual(order, ["a got first"], "b's suspension resumed a at once");
  assert.equal(await pa, "first");
  // b stays suspended: nobody holds its handle but the awaitable that gave it away.
  assert.equal(order.length, 1);
  void pb.catch(() => {});
});

Deno.test("21.11.6/2: an object with [coAwaitSymbol]() is awaitable through it", () => {
  const calls: string[] = [];
  const db = {
    [coAwaitSymbol]() {
      calls.push("co_await");
      return ready("row");
    },
  };
  const t = task(function* () {
    return yield* coAwait(db);
  });
  assert.equal(syncAwait(t()), "row");
  assert.equal(syncAwait(db), "row");
  assert.deepEqual(calls, ["co_await", "co_await"]);
});

Deno.test("exceptions from awaitReady, awaitSuspend and awaitResume are thrown at the yield*", () => {
  const errors = ["ready", "suspend", "resume"].map((where) => new Error(where));
  const make = (i: number): SimpleAwaitable<number> => ({
    awaitReady() {
      if (i === 0) throw errors[0];
      return false;
    },
    awaitSuspend() {
      if (i === 1) throw errors[1];
      return false;
    },
    awaitResume() {
      if (i === 2) throw errors[2];
      return 0;
    },
  });
  for (let i = 0; i < 3; i++) {
    const t = task(function* () {
      try {
        yield* coAwait(make(i));
      } catch (e) {
        return e;
      }
      return null;
    });
    assert.equal(syncAwait(t()), errors[i]);
  }
});

Deno.test("a handle is single-use: a second resume() or destroy() does nothing", async () => {
  let saved: CoroutineHandle | undefined;
  let resumes = 0;
  const a: SimpleAwaitable<number> = {
    awaitReady: () => false,
    awaitSuspend: (h) => void (saved = h),
    awaitResume: () => ++resumes,
  };
  const t = task(function* () {
    const x = yield* coAwait(a);
    const y = yield* coAwait(a);
    return [x, y];
  });
  const p = start(t());
  const h1 = saved!;
  h1.resume();
  h1.resume();
  h1.destroy();
  assert.notEqual(saved, h1, "the second await got a fresh handle");
  saved!.resume();
  assert.deepEqual(await p, [1, 2]);
});

Deno.test("handle.destroy() unwinds the suspended coroutine through its finally blocks", async () => {
  let saved: CoroutineHandle | undefined;
  let disposed = 0;
  const order: string[] = [];
  const a = {
    awaitReady: () => false,
    awaitSuspend: (h: CoroutineHandle) => void (saved = h),
    awaitResume: () => 0,
    [Symbol.dispose]: () => void disposed++,
  };
  const inner = task(function* () {
    try {
      yield* coAwait(a);
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
  const p = start(outer());
  saved!.destroy();
  assert.deepEqual(order, ["inner finally", "outer finally"]);
  assert.equal(disposed, 1, "the awaitable was told to release what it holds");
  await assert.rejects(p, /destroyed/);
});

Deno.test("Awaiter subclasses are yield*-able directly, typed", () => {
  class Twice extends Awaiter<number> {
    constructor(readonly n: number) {
      super();
    }
    awaitReady(): boolean {
      return true;
    }
    awaitSuspend(): boolean {
      return false;
    }
    awaitResume(): number {
      return 2 * this.n;
    }
  }
  const t = task(function* () {
    const v: number = yield* new Twice(21);
    return v;
  });
  assert.equal(syncAwait(t()), 42);
});

Deno.test("Awaitable covers SimpleAwaitable, co_await objects, tasks and promises", async () => {
  const seven = task(function* () {
    return 7;
  });
  const all: Awaitable<number>[] = [
    ready(7),
    { [coAwaitSymbol]: () => ready(7) },
    seven(),
    Promise.resolve(7),
  ];
  for (const a of all) assert.equal(await start(a), 7);
  assert.throws(() => coAwait(42 as unknown as Awaitable<number>), TypeError);
});

Deno.test("ready(v) can be awaited any number of times", () => {
  const r = ready("v");
  const t = task(function* () {
    return (yield* r) + (yield* r);
  });
  assert.equal(syncAwait(t()), "vv");
});

Deno.test("destroy() from inside awaitSuspend unwinds the coroutine once awaitSuspend returns", async () => {
  const order: string[] = [];
  const selfDestruct = {
    awaitReady: () => false,
    awaitSuspend(h: CoroutineHandle) {
      h.destroy();
      order.push("awaitSuspend returned");
    },
    awaitResume: () => order.push("not resumed"),
  };
  const t = task(function* () {
    try {
      yield* coAwait(selfDestruct);
    } finally {
      order.push("finally");
    }
  });
  await assert.rejects(start(t()), /destroyed/);
  assert.deepEqual(order, ["awaitSuspend returned", "finally"]);
});

Deno.test("awaitSuspend returning its own handle resumes at once", () => {
  const self: SimpleAwaitable<string> = {
    awaitReady: () => false,
    awaitSuspend: (h) => h,
    awaitResume: () => "resumed",
  };
  const t = task(function* () {
    return yield* coAwait(self);
  });
  assert.equal(syncAwait(t()), "resumed");
});
