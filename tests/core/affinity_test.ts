/** Scheduler affinity (C++26 `std::execution::task`, P3552): `{ affinity: true }`. */

import assert from "node:assert/strict";
import {
  coAwait,
  type CoroutineHandle,
  type Executor,
  schedule,
  sleep,
  spawn,
  start,
  task,
} from "../../mod.ts";

/** An executor on the macrotask queue that records which executor is running right now. */
let running: string | null = null;
function named(name: string): Executor & { runs: number } {
  return {
    runs: 0,
    execute(callback: () => void) {
      setTimeout(() => {
        this.runs++;
        const outer = running;
        running = name;
        try {
          callback();
        } finally {
          running = outer;
        }
      }, 0);
    },
  };
}

Deno.test("affinity: every continuation after an await runs on the root's executor", async () => {
  const home = named("home");
  const where: (string | null)[] = [];
  const t = task(function* () {
    where.push(running);
    yield* sleep(1); // completes from a timer, elsewhere
    where.push(running);
    yield* coAwait(Promise.resolve(1)); // completes from a microtask
    where.push(running);
  });
  await start(t(), { executor: home, affinity: true });
  assert.deepEqual(where, ["home", "home", "home"]);

  // Without affinity, only the start is on the executor.
  where.length = 0;
  await start(t(), { executor: home });
  assert.deepEqual(where, ["home", null, null]);
});

Deno.test("affinity: schedule(ex) inside such a root changes its executor for the rest", async () => {
  const home = named("home");
  const away = named("away");
  const where: (string | null)[] = [];
  const t = task(function* () {
    where.push(running);
    yield* schedule(away);
    where.push(running);
    yield* sleep(1);
    where.push(running);
  });
  await start(t(), { executor: home, affinity: true });
  assert.deepEqual(where, ["home", "away", "away"]);
});

Deno.test("affinity: spawn(ex, op, { affinity: true }) keeps the spawned work on ex", async () => {
  const pool = named("pool");
  const where: (string | null)[] = [];
  const work = task(function* () {
    where.push(running);
    yield* sleep(1);
    where.push(running);
    return 7;
  });
  const parent = task(function* () {
    const v = yield* spawn(pool, work(), { affinity: true });
    where.push(running);
    return v;
  });
  assert.equal(await start(parent()), 7);
  assert.deepEqual(where.slice(0, 2), ["pool", "pool"]);
});

Deno.test("affinity: a cancelled root's finally runs on its executor", async () => {
  const home = named("home");
  let inFinally: string | null = "not run";
  const t = task(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      inFinally = running;
    }
  });
  const controller = new AbortController();
  const p = start(t(), { executor: home, affinity: true, signal: controller.signal });
  await new Promise((r) => setTimeout(r, 5));
  controller.abort("stop"); // from outside any executor
  await assert.rejects(p);
  assert.equal(inFinally, "home");
});

Deno.test("affinity: an executor that refuses a hop fails the await, not the host", async () => {
  let calls = 0;
  const flaky: Executor = {
    execute(callback) {
      if (calls++ === 0) setTimeout(callback, 0); // the start
      else throw new Error("executor is shutting down");
    },
  };
  let caught: unknown = null;
  const t = task(function* () {
    try {
      yield* sleep(1);
    } catch (e) {
      caught = e;
    }
    return "unwound";
  });
  assert.equal(await start(t(), { executor: flaky, affinity: true }), "unwound");
  assert.match((caught as Error).message, /shutting down/);
});

Deno.test("affinity: an executor that runs a hop twice resumes the root once", async () => {
  const twice: Executor = {
    execute(callback) {
      setTimeout(() => {
        callback();
        callback();
      }, 0);
    },
  };
  // Each await completes only when its handle is resumed from a timer: an early second run of
  // the root would make awaitResume see an await nobody completed.
  let early = 0;
  const later = () => {
    let resumed = false;
    return coAwait<void>({
      awaitReady: () => false,
      awaitSuspend: (h: CoroutineHandle) =>
        void setTimeout(() => {
          resumed = true;
          h.resume();
        }, 1),
      awaitResume: () => {
        if (!resumed) early++;
      },
    });
  };
  const t = task(function* () {
    for (let i = 0; i < 3; i++) yield* later();
    return "done";
  });
  assert.equal(await start(t(), { executor: twice, affinity: true }), "done");
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(early, 0, "no await was resumed before it completed");
});

Deno.test("affinity: bad options are TypeErrors at the call", async () => {
  const ex = named("x");
  await assert.rejects(start(sleep(0), { executor: ex, affinity: "yes" as never }), TypeError);
  assert.throws(() => spawn(ex, sleep(0), { affinity: 1 as never }), TypeError);
});
