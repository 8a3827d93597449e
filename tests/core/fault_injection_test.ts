/**
 * Awaitable-protocol fault injection (issue 10): seeded random task trees whose awaits go through
 * awaitables and executors that throw from each method, return junk, resume twice, resume then
 * throw, destroy at every point and transfer to busy or spent coroutines.
 *
 * Property: every task that started runs its `finally` exactly once, every child's outcome
 * reaches its parent exactly once, the root settles exactly once, no frame leaks, the trampoline
 * drains, and nothing escapes to the host. `CORO_FAULT_SEED` overrides the seed.
 */

import assert from "node:assert/strict";
import {
  coAwait,
  type CoroutineHandle,
  type Executor,
  ManualExecutor,
  schedule,
  type SimpleAwaitable,
  start,
  type Suspension,
  syncAwait,
  SyncAwaitError,
  type Task,
  task,
  whenAllSettled,
} from "../../mod.ts";
import { trampolineBacklog } from "../../src/core/_trampoline.ts";
import { capturingReports, defaultBytesInUse, prng } from "../_helpers.ts";

const SEED = Number(Deno.env.get("CORO_FAULT_SEED") ?? 0x5eed_f417);
const FAULTS = 18;

interface World {
  next: () => number;
  later: ManualExecutor;
  parked: CoroutineHandle[];
  spent: CoroutineHandle[];
  started: number[];
  finallies: number[];
  outcomes: number[];
}

const injected = new Error("injected");

/** One faulty await: kind `k` of {@linkcode FAULTS}. */
function faulty(w: World, k: number): SimpleAwaitable<number> | Executor | Promise<number> {
  const junk = [null, 0, "x", Promise.resolve(), {}, 1n][w.next() % 6];
  const park = (h: CoroutineHandle) => {
    w.parked.push(h);
    w.later.execute(() => w.parked.shift()?.resume());
  };
  const simple = (
    suspend: (h: CoroutineHandle) => unknown,
    opts: { ready?: () => boolean; resume?: () => number } = {},
  ): SimpleAwaitable<number> => ({
    awaitReady: opts.ready ?? (() => false),
    awaitSuspend: suspend as SimpleAwaitable<number>["awaitSuspend"],
    awaitResume: opts.resume ?? (() => k),
  });
  switch (k) {
    case 0:
      return simple(() => false, { ready: () => true });
    case 1:
      return simple(() => false, {
        ready: () => {
          throw injected;
        },
      });
    case 2:
      return simple(() => {
        throw injected;
      });
    case 3:
      return simple(() => false, {
        resume: () => {
          throw injected;
        },
      });
    case 4:
      return simple(() => junk);
    case 5:
      return simple((h) => {
        h.resume();
        h.resume();
        return true;
      });
    case 6:
      return simple((h) => {
        h.resume();
        throw injected;
      });
    case 7:
      return simple((h) => {
        h.destroy();
        return true;
      });
    case 8:
      return simple((h) => w.later.execute(() => h.destroy()));
    case 9:
      return simple((h) =>
        w.later.execute(() => {
          h.resume();
          h.resume();
          w.spent.push(h);
        })
      );
    case 10:
      return simple((h) =>
        w.later.execute(() => {
          h.resume();
          h.destroy();
        })
      );
    case 11: // transfer to a busy (parked) coroutine, parking this one
      return simple((h) => {
        const other = w.parked.shift();
        park(h);
        return other ?? true;
      });
    case 12:
      return simple((h) => h); // transfer to itself: resume at once
    case 13: // return a handle that was spent already
      return simple((h) => {
        park(h);
        return w.spent[w.next() % Math.max(1, w.spent.length)] ?? true;
      });
    case 14: // an executor that runs the hop twice
      return {
        execute: (cb: () => void) => {
          w.later.execute(cb);
          w.later.execute(cb);
        },
      };
    case 15: // an executor that throws
      return {
        execute: () => {
          throw injected;
        },
      };
    case 16: // an executor that runs the hop and then throws
      return {
        execute: (cb: () => void) => {
          cb();
          throw injected;
        },
      };
    default: // a host wait: under syncAwait the root is destroyed
      return Promise.resolve(k);
  }
}

/** How many times each fault kind was injected, over all runs: the suites check coverage. */
const injectedKinds = new Array<number>(FAULTS).fill(0);

function awaitFault(w: World, k: number) {
  injectedKinds[k]++;
  const f = faulty(w, k);
  if (f instanceof Promise) return coAwait(f);
  if ("execute" in f) return schedule(f);
  return coAwait(f);
}

function tree(w: World, depth: number): Task<number> {
  const id = w.started.length;
  w.started.push(0);
  w.finallies.push(0);
  w.outcomes.push(0);
  const body = task(function* (): Generator<Suspension, number, unknown> {
    w.started[id]++;
    try {
      let sum = 0;
      const steps = 1 + (w.next() % 4);
      for (let i = 0; i < steps; i++) {
        const roll = w.next() % 10;
        if (depth > 0 && roll < 4) {
          const child = tree(w, depth - 1);
          const childId = w.started.length - 1;
          try {
            sum += yield* child;
          } catch {
            sum += 1000;
          } finally {
            w.outcomes[childId]++;
          }
        } else if (depth > 0 && roll < 6) {
          const kids = [tree(w, depth - 1), tree(w, depth - 1)];
          const last = w.started.length - 1;
          const results = yield* whenAllSettled(kids[0], kids[1]);
          w.outcomes[last - 1]++;
          w.outcomes[last]++;
          sum += results.length;
        } else {
          try {
            sum += (yield* awaitFault(w, w.next() % FAULTS)) ?? 0;
          } catch {
            sum += 1;
          }
        }
      }
      return sum;
    } finally {
      w.finallies[id]++;
    }
  });
  return body();
}

function world(seed: number): World {
  return {
    next: prng(seed),
    later: new ManualExecutor(),
    parked: [],
    spent: [],
    started: [],
    finallies: [],
    outcomes: [],
  };
}

function checkWorld(w: World, label: string): void {
  for (let i = 0; i < w.started.length; i++) {
    if (w.started[i] === 0) continue; // never launched (a destroyed parent's pending child)
    assert.equal(w.started[i], 1, `${label}: task ${i} started once`);
    assert.equal(w.finallies[i], 1, `${label}: task ${i} ran its finally exactly once`);
  }
  for (let i = 1; i < w.outcomes.length; i++) {
    assert.ok(w.outcomes[i] <= 1, `${label}: child ${i}'s outcome reached its parent at most once`);
  }
}

Deno.test("fault injection under syncAwait: 400 seeded trees", async () => {
  const before = defaultBytesInUse();
  let tasks = 0;
  let gaveUp = 0;
  const { reported } = await capturingReports(() => {
    for (let run = 0; run < 400; run++) {
      const w = world(SEED + run);
      const root = tree(w, 4);
      let settled = 0;
      try {
        syncAwait(root, { executor: w.later });
        settled++;
      } catch (e) {
        settled++;
        if (e instanceof SyncAwaitError) gaveUp++;
        else if (!(e instanceof Error)) throw e;
      }
      w.later.drain(); // late resumes and destroys find nothing to do
      tasks += w.started.filter((n) => n > 0).length;
      assert.equal(settled, 1);
      checkWorld(w, `seed ${SEED + run}`);
      assert.equal(trampolineBacklog(), 0, `seed ${SEED + run}: the trampoline drained`);
    }
  });
  assert.equal(defaultBytesInUse(), before, "no frame leaked");
  assert.deepEqual(reported.filter((e) => e !== injected), [], "nothing else reached the host");
  assert.ok(tasks > 3000, `enough tasks ran (${tasks})`);
  assert.ok(injectedKinds.every((n) => n >= 50), `every fault was injected: ${injectedKinds}`);
  assert.ok(gaveUp > 0 && gaveUp < 400, `some roots were host waits (${gaveUp})`);
});

Deno.test("fault injection under start with the host's event loop: 150 seeded trees", async () => {
  const before = defaultBytesInUse();
  const { reported } = await capturingReports(async () => {
    for (let run = 0; run < 150; run++) {
      const w = world(SEED ^ (run * 7919));
      // Late work runs from real macrotasks here, as the host would run it.
      const pump = setInterval(() => w.later.drain(), 0);
      let settled = 0;
      try {
        await start(tree(w, 3)).then(() => settled++, () => settled++);
      } finally {
        clearInterval(pump);
      }
      w.later.drain();
      assert.equal(settled, 1);
      checkWorld(w, `seed ${SEED ^ (run * 7919)}`);
    }
  });
  assert.equal(defaultBytesInUse(), before, "no frame leaked");
  assert.deepEqual(reported.filter((e) => e !== injected), [], "nothing else reached the host");
});
