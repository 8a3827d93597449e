/**
 * Issue 11: `whenAll(tasks)`, `whenAllSettled(tasks)` and `whenAny(tasks)` over one array of any
 * length, and `{ concurrency }`: at most n launched at a time, in order; the rest stay armed; the
 * first failure cancels the running ones and destroys the never-launched ones.
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  fork,
  type Forked,
  join,
  type SettledResult,
  sleep,
  start,
  type Suspension,
  syncAwait,
  SyncAwaitError,
  type Task,
  task,
  TaskStateError,
  whenAll,
  whenAllSettled,
  whenAny,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

const leaf = task(function* (i: number) {
  return i;
});
const later = task(function* (i: number, ms: number) {
  yield* sleep(ms);
  return i;
});
const word = task(function* (s: string) {
  return s;
});

/** Counts launched and in-flight inputs; each one ends after `ms` (or at once with -1). */
class Probe {
  inFlight = 0;
  most = 0;
  launched: number[] = [];
  finallies = 0;
  readonly job = task((function (probe: Probe) {
    return function* (i: number, ms: number): Generator<Suspension, number, unknown> {
      probe.launched.push(i);
      probe.inFlight++;
      probe.most = Math.max(probe.most, probe.inFlight);
      try {
        if (ms >= 0) yield* sleep(ms);
        return i * 10;
      } finally {
        probe.inFlight--;
        probe.finallies++;
      }
    };
  })(this));
}

Deno.test("types: an array of tasks gives an array of results; a tuple type gives a tuple", () => {
  const main = task(function* () {
    const tasks: Task<number>[] = [leaf(1), leaf(2)];
    const all: number[] = yield* whenAll(tasks);
    const limited: number[] = yield* whenAll([leaf(3), leaf(4)], { concurrency: 1 });
    const settled: SettledResult<number>[] = yield* whenAllSettled([leaf(5)]);
    const any: { index: number; value: number } = yield* whenAny([leaf(6), leaf(7)]);
    const mixed: (number | string)[] = yield* whenAll([leaf(8), word("w")]);
    const pair: [Task<number>, Task<string>] = [leaf(9), word("x")];
    const tuple: [number, string] = yield* whenAll(pair);
    const spread: [number, string] = yield* whenAll(leaf(10), word("y")); // unchanged
    const forks: Forked<number>[] = [yield* fork(leaf(11))];
    const joined: number[] = yield* join(forks);
    // @ts-expect-error: an array of numbers is not an array of strings
    const wrong: string[] = yield* whenAll([leaf(12)]);
    return [all, limited, settled, any, mixed, tuple, spread, joined, wrong];
  });
  assert.deepEqual(syncAwait(main()), [
    [1, 2],
    [3, 4],
    [{ status: "fulfilled", value: 5 }],
    { index: 0, value: 6 },
    [8, "w"],
    [9, "x"],
    [10, "y"],
    [11],
    [12],
  ]);
});

Deno.test("a million inputs in one array (no spreading anywhere inside)", () => {
  const before = defaultBytesInUse();
  const n = 1_000_000;
  const tasks = new Array<Task<number>>(n);
  for (let i = 0; i < n; i++) tasks[i] = leaf(i);
  const r = syncAwait(whenAll(tasks));
  assert.equal(r.length, n);
  assert.equal(r[0], 0);
  assert.equal(r[n - 1], n - 1);
  assert.equal(tasks[n - 1].status, "done");
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("300_000 inputs: whenAllSettled, whenAny, and whenAll with concurrency 1 (a loop, not a recursion)", () => {
  const n = 300_000;
  const make = () => Array.from({ length: n }, (_, i) => leaf(i));
  const settled = syncAwait(whenAllSettled(make()));
  assert.equal(settled.length, n);
  assert.deepEqual(settled[n - 1], { status: "fulfilled", value: n - 1 });
  assert.deepEqual(syncAwait(whenAny(make())), { index: 0, value: 0 });
  const one = syncAwait(whenAll(make(), { concurrency: 1 }));
  assert.equal(one[n - 1], n - 1);
});

Deno.test("whenAll([]) is [] at once; whenAny([]) is a TypeError at the call", () => {
  assert.deepEqual(syncAwait(whenAll([])), []);
  assert.deepEqual(syncAwait(whenAll([], { concurrency: 2 })), []);
  assert.deepEqual(syncAwait(whenAllSettled([])), []);
  assert.throws(() => whenAny([]), TypeError);
});

Deno.test("concurrency: at most n launched, in order; the rest stay armed until a slot frees", async () => {
  const before = defaultBytesInUse();
  const probe = new Probe();
  const ms = [5, 1, 3, 1, 2, 1, 4, 0, 1, 2];
  const tasks = ms.map((m, i) => probe.job(i, m));
  const statuses: string[][] = [];
  const main = task(function* () {
    return yield* whenAll(tasks, { concurrency: 3 });
  });
  const p = start(main());
  statuses.push(tasks.map((t) => t.status));
  assert.deepEqual(probe.launched, [0, 1, 2], "the first three are launched at once, in order");
  assert.deepEqual(statuses[0].slice(3), new Array(7).fill("armed"));
  assert.deepEqual(await p, ms.map((_, i) => i * 10));
  assert.deepEqual(probe.launched, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "launched in order");
  assert.equal(probe.most, 3);
  assert.equal(probe.finallies, 10);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("concurrency: inputs that end without suspending free their slot at once", () => {
  const probe = new Probe();
  const tasks = Array.from({ length: 50 }, (_, i) => probe.job(i, -1));
  assert.equal(syncAwait(whenAll(tasks, { concurrency: 2 }))[49], 490);
  assert.equal(probe.most, 1);
  assert.equal(probe.launched.length, 50);
});

Deno.test("concurrency: the first failure cancels the running ones and destroys the never-launched ones", async () => {
  const before = defaultBytesInUse();
  const probe = new Probe();
  const boom = new Error("boom");
  const failing = task(function* (): Generator<Suspension, number, unknown> {
    yield* sleep(1);
    throw boom;
  });
  const tasks: Task<number>[] = [probe.job(0, 60_000), failing(), probe.job(2, 60_000)];
  for (let i = 3; i < 8; i++) tasks.push(probe.job(i, 0));
  const main = task(function* () {
    return yield* whenAll(tasks, { concurrency: 3 });
  });
  await assert.rejects(start(main()), (e) => e === boom);
  assert.deepEqual(probe.launched, [0, 2], "nothing after the failure was launched");
  assert.equal(probe.finallies, 2, "the running ones were cancelled and unwound");
  assert.deepEqual(
    tasks.map((t) => t.status),
    ["done", "done", "done", "destroyed", "destroyed", "destroyed", "destroyed", "destroyed"],
  );
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("concurrency: cancelling the awaiter's domain cancels the running ones and destroys the rest", async () => {
  const probe = new Probe();
  const domain = new CancellationDomain();
  const tasks = Array.from({ length: 6 }, (_, i) => probe.job(i, 60_000));
  const p = start(withDomain(domain, whenAll(tasks, { concurrency: 2 })));
  domain.cancel("stop");
  await assert.rejects(p, (e) => e instanceof CancelledError && e.reason === "stop");
  assert.deepEqual(probe.launched, [0, 1]);
  assert.equal(probe.finallies, 2);
  assert.deepEqual(tasks.slice(2).map((t) => t.status), new Array(4).fill("destroyed"));
});

Deno.test("whenAllSettled with concurrency: a failure stops nothing; a cancellation rejects the never-launched", async () => {
  const probe = new Probe();
  const bad = task(function* (): Generator<Suspension, number, unknown> {
    yield* sleep(0);
    throw new RangeError("bad");
  });
  const r = await start(
    whenAllSettled([probe.job(0, 1), bad(), probe.job(2, 0), probe.job(3, 1)], { concurrency: 2 }),
  );
  assert.deepEqual(r.map((x) => x.status), ["fulfilled", "rejected", "fulfilled", "fulfilled"]);
  assert.equal(probe.most, 2);

  const domain = new CancellationDomain();
  const tasks = Array.from({ length: 4 }, (_, i) => probe.job(i, 60_000));
  const p = start(withDomain(domain, whenAllSettled(tasks, { concurrency: 1 })));
  domain.cancel("stop");
  const out = await p;
  assert.ok(out.every((x) => x.status === "rejected" && x.reason instanceof CancelledError));
  assert.deepEqual(tasks.map((t) => t.status), ["done", "destroyed", "destroyed", "destroyed"]);
});

Deno.test("concurrency under syncAwait giving up: the running one is unwound, the rest destroyed, nothing leaks", () => {
  const before = defaultBytesInUse();
  const probe = new Probe();
  const tasks = Array.from({ length: 5 }, (_, i) => probe.job(i, 60_000));
  assert.throws(() => syncAwait(whenAll(tasks, { concurrency: 2 })), SyncAwaitError);
  assert.equal(probe.finallies, 2);
  assert.deepEqual(tasks.map((t) => t.status), [
    "done",
    "done",
    "destroyed",
    "destroyed",
    "destroyed",
  ]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("concurrency: forks in the array are already running and take no slot", async () => {
  const probe = new Probe();
  const main = task(function* () {
    const f = yield* fork(later(100, 5));
    return yield* whenAll([f, probe.job(1, 1), probe.job(2, 1)], { concurrency: 1 });
  });
  assert.deepEqual(await start(main()), [100, 10, 20]);
  assert.equal(probe.most, 1);
});

Deno.test("a task launched elsewhere while it waited for a slot fails the group, nothing is lost", async () => {
  const probe = new Probe();
  const stolen = probe.job(9, 0);
  const main = task(function* () {
    return yield* whenAll([probe.job(0, 1), stolen], { concurrency: 1 });
  });
  const p = assert.rejects(start(main()), TaskStateError);
  assert.equal(stolen.status, "armed");
  assert.equal(await start(stolen), 90);
  await p;
  assert.equal(probe.finallies, 2);
});

Deno.test("bad options are typed errors at the call, and the armed tasks are destroyed", () => {
  const before = defaultBytesInUse();
  const cases: [unknown, ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor][] = [
    [{ concurrency: 0 }, RangeError],
    [{ concurrency: -1 }, RangeError],
    [{ concurrency: NaN }, RangeError],
    [{ concurrency: 1.5 }, RangeError],
    [{ concurrency: -Infinity }, RangeError],
    [{ concurrency: "3" }, TypeError],
    [{ concurrency: null }, TypeError],
    [null, TypeError],
    [3, TypeError],
    ["fast", TypeError],
  ];
  for (const [options, type] of cases) {
    for (const group of [whenAll, whenAllSettled]) {
      const tasks = [later(1, 0), later(2, 0)];
      assert.throws(
        () => group(tasks, options as { concurrency: number }),
        (e) => e instanceof type && /concurrency|options/.test((e as Error).message),
        `${group.name}(tasks, ${JSON.stringify(options)})`,
      );
      assert.deepEqual(tasks.map((t) => t.status), ["destroyed", "destroyed"]);
    }
  }
  // Good ones: a positive integer, Infinity, no concurrency, undefined.
  for (const options of [{ concurrency: 1 }, { concurrency: Infinity }, {}, undefined]) {
    assert.deepEqual(syncAwait(whenAll([leaf(1), leaf(2)], options)), [1, 2]);
  }
  assert.equal(defaultBytesInUse(), before);
});

/** Calls a group function the way untyped JavaScript can. */
function untyped(f: unknown, ...args: unknown[]): unknown {
  return (f as (...args: unknown[]) => unknown)(...args);
}

Deno.test("misuse of the array forms: typed errors naming the fix", () => {
  const t = leaf(1);
  assert.throws(() => untyped(whenAll, t, [leaf(2)]), /spread it/);
  assert.equal(t.status, "destroyed", "the group owned its inputs from the call");
  assert.throws(() => untyped(whenAll, [leaf(1)], {}, {}), /one array/);
  assert.throws(() => untyped(whenAny, [leaf(1)], { concurrency: 1 }), /one array/);
  assert.throws(() => untyped(whenAll, [leaf(1), 42]), TypeError);
  const after = leaf(2);
  assert.throws(() => untyped(whenAll, [leaf(1)], after), /put every input in the array/);
  assert.equal(after.status, "destroyed");
  assert.throws(() => untyped(whenAllSettled, [leaf(1)], [leaf(2)]), /plain object/);
  // join takes an array too, with the same checks.
  assert.throws(() => untyped(join, [leaf(1)], leaf(2)), /one array/);
});

Deno.test("the array is read at the call: changing it afterwards changes nothing", () => {
  const tasks = [leaf(1), leaf(2)];
  const all = whenAll(tasks);
  tasks.push(leaf(3));
  tasks[0] = leaf(100);
  assert.deepEqual(syncAwait(all), [1, 2]);
});

Deno.test("an input whose awaitSuspend throws is a failure like any other: the never-launched are destroyed", () => {
  const before = defaultBytesInUse();
  const probe = new Probe();
  const broken = {
    awaitReady: () => false,
    awaitSuspend: (): boolean => {
      throw new URIError("broken awaitable");
    },
    awaitResume: () => 0,
  };
  const tail = [probe.job(2, -1), probe.job(3, -1)];
  assert.throws(
    () => syncAwait(whenAll([probe.job(0, -1), broken, ...tail], { concurrency: 1 })),
    URIError,
  );
  assert.deepEqual(probe.launched, [0]);
  assert.deepEqual(tail.map((t) => t.status), ["destroyed", "destroyed"]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("in a domain cancelled already, the array forms start nothing and destroy their tasks", async () => {
  const domain = new CancellationDomain();
  domain.cancel("gone");
  const tasks = [later(1, 0), later(2, 0)];
  await assert.rejects(
    start(withDomain(domain, whenAll(tasks, { concurrency: 1 }))),
    (e) => e instanceof CancelledError && e.reason === "gone",
  );
  assert.deepEqual(tasks.map((t) => t.status), ["destroyed", "destroyed"]);
  const settled = [later(1, 0), later(2, 0)];
  const out = await start(withDomain(domain, whenAllSettled(settled, { concurrency: 1 })));
  assert.ok(out.every((x) => x.status === "rejected" && x.reason instanceof CancelledError));
  assert.deepEqual(settled.map((t) => t.status), ["destroyed", "destroyed"]);
});

Deno.test("whenAllSettled: the same fork or task twice is rejected in the second slot, nothing hangs", async () => {
  const main = task(function* () {
    const f = yield* fork(later(1, 1));
    const t = leaf(2);
    return yield* whenAllSettled([f, f, t, t], { concurrency: 1 });
  });
  const out = await start(main());
  assert.deepEqual(out[0], { status: "fulfilled", value: 1 });
  assert.ok(out[1].status === "rejected" && out[1].reason instanceof TaskStateError);
  assert.deepEqual(out[2], { status: "fulfilled", value: 2 });
  assert.ok(out[3].status === "rejected" && out[3].reason instanceof TaskStateError);
});

Deno.test("whenAll over one array: the same task twice is a TaskStateError and nothing starts", () => {
  const probe = new Probe();
  const t = probe.job(1, -1);
  const other = probe.job(2, -1);
  assert.throws(() => syncAwait(whenAll([other, t, t], { concurrency: 2 })), TaskStateError);
  assert.deepEqual(probe.launched, []);
  assert.equal(other.status, "destroyed");
});

Deno.test("a group is awaited once: awaiting the same whenAll/whenAllSettled again is a TaskStateError", () => {
  const main = task(function* () {
    const settled = whenAllSettled([leaf(1)]);
    yield* settled;
    let second: unknown;
    try {
      yield* settled;
    } catch (e) {
      second = e;
    }
    const all = whenAll(leaf(2));
    yield* all;
    try {
      yield* all;
    } catch (e) {
      return [second, e];
    }
    return [];
  });
  const [a, b] = syncAwait(main());
  assert.ok(a instanceof TaskStateError && /awaited already/.test(a.message));
  assert.ok(b instanceof TaskStateError);
});
