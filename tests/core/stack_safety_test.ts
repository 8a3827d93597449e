/**
 * The driver's promises about the native stack: nesting depth, re-entrant resumes and symmetric
 * transfers are bounded by memory, not by the native stack (paper "Part 4. Scheduling overhead").
 */

import assert from "node:assert/strict";
import {
  Awaiter,
  coAwait,
  type CoroutineHandle,
  sleep,
  start,
  type Suspension,
  syncAwait,
  type Task,
  task,
} from "../../mod.ts";
import { defaultBytesInUse, nativeFrames } from "../_helpers.ts";

const deep: (n: number) => Task<number> = task(
  function* (n: number): Generator<Suspension, number, unknown> {
    return n === 0 ? 0 : 1 + (yield* deep(n - 1));
  },
);

Deno.test("1_000_000 nested awaits complete", () => {
  const before = defaultBytesInUse();
  assert.equal(syncAwait(deep(1_000_000)), 1_000_000);
  assert.equal(defaultBytesInUse(), before, "every frame taken on the way down was freed");
});

Deno.test("the native stack does not grow with task depth", () => {
  const framesAt = (depth: number): number => {
    let seen = 0;
    const probe: (n: number) => Task<void> = task(
      function* (n: number): Generator<Suspension, void, unknown> {
        if (n === 0) seen = nativeFrames();
        else yield* probe(n - 1);
      },
    );
    syncAwait(probe(depth));
    return seen;
  };
  // Up to the inline limit, each level adds native frames; beyond it, depth lives on the
  // driver's explicit stack, so no depth reaches more frames than some depth below 100 does.
  const shallow = Array.from({ length: 100 }, (_, i) => framesAt(i + 1));
  const bound = Math.max(...shallow);
  assert.ok(shallow[9] > shallow[0], "nesting inline does add frames");
  for (const depth of [1_000, 10_000, 100_000]) {
    const frames = framesAt(depth);
    assert.ok(frames <= bound, `${frames} native frames at depth ${depth}, bound ${bound}`);
  }
});

Deno.test("a deep chain suspended on the host resumes without overflow", async () => {
  const deepAsync: (n: number) => Task<number> = task(
    function* (n: number): Generator<Suspension, number, unknown> {
      if (n === 0) {
        yield* sleep(1);
        return 0;
      }
      return 1 + (yield* deepAsync(n - 1));
    },
  );
  const before = defaultBytesInUse();
  assert.equal(await start(deepAsync(200_000)), 200_000);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("1_000_000 re-entrant resume() calls from inside awaitSuspend complete", () => {
  class ResumesAtOnce extends Awaiter<number> {
    awaitReady(): boolean {
      return false;
    }
    awaitSuspend(h: CoroutineHandle): void {
      h.resume(); // the paper's Part 4: a future that completes synchronously
    }
    awaitResume(): number {
      return 1;
    }
  }
  const op = new ResumesAtOnce();
  const loop = task(function* (n: number) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* op;
    return sum;
  });
  assert.equal(syncAwait(loop(1_000_000)), 1_000_000);
});

Deno.test("1_000_000 symmetric transfers between two coroutines complete", async () => {
  // Ping and pong hand control to each other: each suspension returns the other's handle.
  let parked: CoroutineHandle | null = null;
  let transfers = 0;
  const exchange = {
    awaitReady: () => false,
    awaitSuspend(h: CoroutineHandle): void | CoroutineHandle {
      const other = parked;
      parked = h;
      transfers++;
      return other ?? undefined;
    },
    awaitResume: () => undefined,
  };
  const player = task(function* (rounds: number) {
    for (let i = 0; i < rounds; i++) yield* coAwait(exchange);
    return rounds;
  });
  const n = 500_000;
  const ping = start(player(n));
  const pong = start(player(n));
  // Both are now parked in turn; one is left parked at the end: release it.
  (parked as CoroutineHandle | null)?.resume();
  assert.deepEqual(await Promise.all([ping, pong]), [n, n]);
  assert.ok(transfers >= 2 * n, `${transfers} transfers`);
});

Deno.test("resumes from timers and from other tasks are queued, not nested", async () => {
  const waiters: CoroutineHandle[] = [];
  const gate = {
    awaitReady: () => false,
    awaitSuspend: (h: CoroutineHandle) => void waiters.push(h),
    awaitResume: () => undefined,
  };
  const order: string[] = [];
  const waiter = task(function* (name: string) {
    yield* coAwait(gate);
    order.push(`${name} resumed`);
  });
  const releaser = task(function* () {
    for (const h of waiters.splice(0)) h.resume();
    order.push("releaser done"); // the resumed tasks run after this task's step, not inside it
  });
  const a = start(waiter("a"));
  const b = start(waiter("b"));
  await start(releaser());
  await Promise.all([a, b]);
  assert.deepEqual(order, ["releaser done", "a resumed", "b resumed"]);
});
