/**
 * Issue 10 item 13 (groups and forks): nested groups and forks are nested roots; nesting them
 * 10_000 deep must neither overflow the native stack nor leak frames, whether they run, fail or
 * are destroyed.
 */

import assert from "node:assert/strict";
import {
  fork,
  sleep,
  start,
  type Suspension,
  syncAwait,
  SyncAwaitError,
  type Task,
  task,
  whenAll,
  whenAny,
} from "../../mod.ts";
import { capturingReports, defaultBytesInUse } from "../_helpers.ts";

const DEPTH = 10_000;

/** Counts finally blocks run, so that unwinding is checked level by level. */
const counter = { finallies: 0 };

const syncLeaf = task(function* () {
  return 0;
});
const sleepyLeaf = task(function* (ms: number) {
  yield* sleep(ms);
  return 0;
});

type Leaf = () => Task<number>;

const nestedAll: (n: number, leaf: Leaf) => Task<number> = task(
  function* (n: number, leaf: Leaf): Generator<Suspension, number, unknown> {
    try {
      if (n === 0) return yield* leaf();
      const [v] = yield* whenAll(nestedAll(n - 1, leaf));
      return v + 1;
    } finally {
      counter.finallies++;
    }
  },
);

const nestedAny: (n: number, leaf: Leaf) => Task<number> = task(
  function* (n: number, leaf: Leaf): Generator<Suspension, number, unknown> {
    if (n === 0) return yield* leaf();
    const r = yield* whenAny([nestedAny(n - 1, leaf), sleepyLeaf(60_000)]);
    return r.value + 1;
  },
);

const nestedFork: (n: number, leaf: Leaf) => Task<number> = task(
  function* (n: number, leaf: Leaf): Generator<Suspension, number, unknown> {
    try {
      if (n === 0) return yield* leaf();
      const f = yield* fork(nestedFork(n - 1, leaf));
      return (yield* f) + 1;
    } finally {
      counter.finallies++;
    }
  },
);

/** Forks that are never joined: each level's body ends, cancels its fork and waits for it. */
const nestedUnjoined: (n: number) => Task<void> = task(
  function* (n: number): Generator<Suspension, void, unknown> {
    try {
      if (n > 0) yield* fork(nestedUnjoined(n - 1));
      yield* sleep(n === 0 ? 60_000 : 1);
    } finally {
      counter.finallies++;
    }
  },
);

Deno.test("10_000 nested whenAll under syncAwait: the value, every finally, no frame left", () => {
  const before = defaultBytesInUse();
  counter.finallies = 0;
  assert.equal(syncAwait(nestedAll(DEPTH, syncLeaf)), DEPTH);
  assert.equal(counter.finallies, DEPTH + 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("10_000 nested whenAll around a sleep, under start", async () => {
  const before = defaultBytesInUse();
  counter.finallies = 0;
  assert.equal(await start(nestedAll(DEPTH, () => sleepyLeaf(1))), DEPTH);
  assert.equal(counter.finallies, DEPTH + 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("10_000 nested whenAll destroyed by syncAwait: every level unwinds, no frame left", () => {
  const before = defaultBytesInUse();
  counter.finallies = 0;
  assert.throws(() => syncAwait(nestedAll(DEPTH, () => sleepyLeaf(60_000))), SyncAwaitError);
  assert.equal(counter.finallies, DEPTH + 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("10_000 nested whenAny with a loser at each level", async () => {
  const before = defaultBytesInUse();
  assert.equal(await start(nestedAny(DEPTH, () => sleepyLeaf(1))), DEPTH);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("10_000 nested forks, each joined", async () => {
  const before = defaultBytesInUse();
  counter.finallies = 0;
  assert.equal(syncAwait(nestedFork(DEPTH, syncLeaf)), DEPTH);
  assert.equal(await start(nestedFork(DEPTH, () => sleepyLeaf(1))), DEPTH);
  assert.equal(counter.finallies, 2 * (DEPTH + 1));
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("10_000 nested forks destroyed by syncAwait: every level unwinds, no frame left", () => {
  const before = defaultBytesInUse();
  counter.finallies = 0;
  assert.throws(() => syncAwait(nestedFork(DEPTH, () => sleepyLeaf(60_000))), SyncAwaitError);
  assert.equal(counter.finallies, DEPTH + 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("10_000 nested unjoined forks: each task cancels its fork and waits for it to unwind", async () => {
  const before = defaultBytesInUse();
  counter.finallies = 0;
  await start(nestedUnjoined(DEPTH));
  assert.equal(counter.finallies, DEPTH + 1, "every level ended, the innermost cancelled");
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("a throwing finally 200 groups deep reaches syncAwait's caller when the nest is destroyed", () => {
  const before = defaultBytesInUse();
  const bottom = task(function* (): Generator<Suspension, number, unknown> {
    try {
      yield* sleep(60_000);
      return 0;
    } finally {
      // deno-lint-ignore no-unsafe-finally
      throw new Error("from the bottom");
    }
  });
  assert.throws(() => syncAwait(nestedAll(200, bottom)), /from the bottom/);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("a throwing finally deeper than the synchronous unwinding bound is reported, not lost", async () => {
  const before = defaultBytesInUse();
  const { reported } = await capturingReports(() => {
    const bottom = task(function* (): Generator<Suspension, number, unknown> {
      try {
        yield* sleep(60_000);
        return 0;
      } finally {
        // deno-lint-ignore no-unsafe-finally
        throw new Error("from 1000 deep");
      }
    });
    // 1000 groups deep: past the bound, the bottom unwinds from the trampoline after its owner
    // ended, so syncAwait cannot throw it; it is reported instead.
    assert.throws(() => syncAwait(nestedAll(1000, bottom)), SyncAwaitError);
  });
  assert.equal(reported.length, 1);
  assert.match((reported[0] as Error).message, /from 1000 deep/);
  assert.equal(defaultBytesInUse(), before);
});
