/**
 * Issue 10 item 3: an executor that runs a callback twice, or a thenable that calls back twice,
 * settles and then rejects, or settles and then throws, cannot resume a coroutine twice: the
 * first completion wins, later calls do nothing (CancellableAwaiter enforces it for every
 * built-in wait: coAwait, schedule, via, sleep).
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  coAwait,
  type Executor,
  ManualExecutor,
  type Operation,
  schedule,
  sleep,
  start,
  syncAwait,
  task,
  via,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

/** An executor that keeps every callback it is given so that the test can replay them. */
class ReplayingExecutor implements Executor {
  readonly callbacks: (() => void)[] = [];
  constructor(readonly runsNow: number) {}
  execute(callback: () => void): void {
    this.callbacks.push(callback);
    for (let i = 0; i < this.runsNow; i++) callback();
  }
  replayAll(): void {
    for (const callback of this.callbacks) callback();
  }
}

/** A task that counts how many times each step after an await ran. */
function stepper(op: () => Operation<unknown>, awaits: number) {
  const steps: number[] = [];
  const t = task(function* () {
    for (let i = 0; i < awaits; i++) {
      yield* op();
      steps.push(i);
    }
    return "done";
  });
  return { steps, t };
}

Deno.test("schedule: an executor that runs the callback twice at once resumes the task once", () => {
  const twice = new ReplayingExecutor(2);
  const { steps, t } = stepper(() => schedule(twice), 3);
  const before = defaultBytesInUse();
  assert.equal(syncAwait(t()), "done");
  assert.deepEqual(steps, [0, 1, 2]);
  twice.replayAll(); // every callback once more, after the task ended: nothing happens
  assert.deepEqual(steps, [0, 1, 2]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("schedule: a late second run of an earlier hop's callback does not resume a later wait", () => {
  const loop = new ManualExecutor();
  const kept: (() => void)[] = [];
  const keeping: Executor = {
    execute(callback) {
      kept.push(callback);
      loop.execute(callback);
    },
  };
  const hop = schedule(keeping); // one awaiter, awaited twice
  const steps: string[] = [];
  const t = task(function* () {
    yield* hop;
    steps.push("first hop");
    yield* hop;
    steps.push("second hop");
  });
  const p = start(t());
  assert.equal(loop.runOne(), true);
  assert.deepEqual(steps, ["first hop"]);
  kept[0](); // the first wait's callback again, while the second wait is pending
  assert.deepEqual(steps, ["first hop"], "the stale callback did not resume the second wait");
  assert.equal(loop.drain(), 1);
  assert.deepEqual(steps, ["first hop", "second hop"]);
  return p;
});

Deno.test("schedule: an executor that runs the callback, then throws: resumed once, the error is not dropped", () => {
  const boom = new Error("after running it");
  const runsThenThrows: Executor = {
    execute(callback) {
      callback();
      throw boom;
    },
  };
  let resumedNormally = 0;
  const t = task(function* () {
    try {
      yield* schedule(runsThenThrows);
      resumedNormally++;
      return "resumed";
    } catch (e) {
      return e === boom ? "execute's error at the yield*" : "other";
    }
  });
  assert.equal(syncAwait(t()), "execute's error at the yield*");
  assert.equal(resumedNormally, 0);
});

Deno.test("via: an executor that runs the hop twice resumes the awaiter once", () => {
  const twice = new ReplayingExecutor(2);
  let resumed = 0;
  const inner = task(function* () {
    return 7;
  });
  const t = task(function* () {
    const v = yield* via(inner(), twice);
    resumed++;
    return v;
  });
  assert.equal(syncAwait(t()), 7);
  twice.replayAll();
  assert.equal(resumed, 1);
});

/** A thenable that runs `script` with its callbacks, synchronously or later. */
function thenable<T>(
  script: (resolve: (v: T) => void, reject: (e: unknown) => void) => void,
): PromiseLike<T> {
  return {
    then(onFulfilled, onRejected) {
      script(onFulfilled as (v: T) => void, onRejected as (e: unknown) => void);
      return undefined as never;
    },
  };
}

const misbehaving: [string, PromiseLike<unknown>, { value: unknown } | { error: string }][] = [
  ["calls back twice", thenable((res) => (res(1), res(2))), { value: 1 }],
  ["resolves, then rejects", thenable((res, rej) => (res(1), rej(new Error("late")))), {
    value: 1,
  }],
  ["rejects, then resolves", thenable((res, rej) => (rej(new Error("first")), res(2))), {
    error: "first",
  }],
  [
    "resolves, then throws",
    thenable((res) => {
      res(1);
      throw new Error("thrown after resolving");
    }),
    { value: 1 },
  ],
  [
    "throws before calling back",
    thenable(() => {
      throw new Error("then threw");
    }),
    { error: "then threw" },
  ],
  [
    "resolves later twice",
    thenable((res) => {
      queueMicrotask(() => res(1));
      queueMicrotask(() => res(2));
    }),
    { value: 1 },
  ],
  [
    "resolves later, then rejects later",
    thenable((res, rej) => {
      queueMicrotask(() => res(1));
      queueMicrotask(() => rej(new Error("late")));
    }),
    { value: 1 },
  ],
];

for (const [name, bad, expected] of misbehaving) {
  Deno.test(`coAwait: a thenable that ${name} settles the await once, the first way`, async () => {
    let runs = 0;
    const t = task(function* () {
      try {
        const v = yield* coAwait(bad);
        runs++;
        return { value: v };
      } catch (e) {
        runs++;
        return { error: (e as Error).message };
      }
    });
    assert.deepEqual(await start(t()), expected);
    await new Promise((r) => setTimeout(r, 0)); // let every late call arrive
    assert.equal(runs, 1);
  });
}

Deno.test("coAwait: a thenable's late call after cancellation changes nothing", async () => {
  let settle: ((v: number) => void) | undefined;
  const later = thenable<number>((res) => (settle = res));
  const domain = new CancellationDomain();
  const t = task(function* () {
    try {
      yield* withDomain(domain, coAwait(later));
      return "not cancelled";
    } catch (e) {
      return e instanceof CancelledError ? "cancelled" : "other";
    }
  });
  const p = start(t());
  domain.cancel();
  settle!(5);
  assert.equal(await p, "cancelled");
});

Deno.test("coAwait: one thenable awaited twice; its first callback called again during the second wait is ignored", async () => {
  const callbacks: ((v: number) => void)[] = [];
  const recorder = thenable<number>((res) => callbacks.push(res));
  const op = coAwait(recorder);
  const seen: number[] = [];
  const t = task(function* () {
    seen.push(yield* op);
    seen.push(yield* op);
  });
  const p = start(t());
  callbacks[0](1);
  await Promise.resolve();
  assert.deepEqual(seen, [1]);
  callbacks[0](99); // the first wait's callback: stale
  assert.deepEqual(seen, [1]);
  callbacks[1](2);
  await p;
  assert.deepEqual(seen, [1, 2]);
});

Deno.test("sleep: a timer callback run twice (a faulty host) resumes the task once", async () => {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const fired: (() => void)[] = [];
  try {
    globalThis.setTimeout = ((callback: () => void) => {
      fired.push(callback);
      return fired.length;
    }) as unknown as typeof setTimeout;
    globalThis.clearTimeout = (() => {}) as unknown as typeof clearTimeout;
    const snooze = sleep(5); // one awaiter, awaited twice
    const steps: string[] = [];
    const t = task(function* () {
      yield* snooze;
      steps.push("first");
      yield* snooze;
      steps.push("second");
    });
    const p = start(t());
    fired[0]();
    fired[0]();
    assert.deepEqual(steps, ["first"], "a second run of the first timer does not end the second");
    assert.equal(fired.length, 2);
    fired[1]();
    fired[1]();
    await p;
    assert.deepEqual(steps, ["first", "second"]);
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
});

Deno.test("one operation awaited by two tasks at once: the second gets a TypeError, the first completes", async () => {
  const loop = new ManualExecutor();
  for (
    const [name, op] of [
      ["sleep", sleep(1)],
      ["schedule", schedule(loop)],
      ["coAwait", coAwait(new Promise((r) => setTimeout(r, 1)))],
    ] as [string, Operation<unknown>][]
  ) {
    const first = task(function* () {
      yield* op;
      return "first done";
    });
    const second = task(function* () {
      try {
        yield* op;
        return "second done";
      } catch (e) {
        assert.ok(e instanceof TypeError, name);
        assert.match(e.message, /already being awaited by another task; make one per/);
        return "second refused";
      }
    });
    const p1 = start(first());
    const p2 = start(second());
    loop.drain();
    assert.deepEqual(await Promise.all([p1, p2]), ["first done", "second refused"], name);
  }
});
