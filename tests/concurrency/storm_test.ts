/** Storms: thousands of suspended tasks cancelled at once, and deep fork chains. */

import assert from "node:assert/strict";
import {
  CancelledError,
  fork,
  join,
  sleep,
  start,
  type Suspension,
  syncAwait,
  task,
  whenAll,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

Deno.test("10,000 tasks suspended in one domain are cancelled at once: all unwound, no frames left", async () => {
  const before = defaultBytesInUse();
  let unwound = 0;
  const sleeper = task(function* () {
    try {
      yield* sleep(Infinity);
    } finally {
      unwound++;
    }
  });
  const controller = new AbortController();
  const tasks = Array.from({ length: 10_000 }, () => sleeper());
  const p = start(whenAll(...tasks), { signal: controller.signal });
  assert.equal(unwound, 0);
  assert.ok(defaultBytesInUse() > before); // they hold frames while suspended
  controller.abort("storm");
  await assert.rejects(p, CancelledError);
  assert.equal(unwound, 10_000);
  assert.ok(tasks.every((t) => t.status === "done"));
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("10,000 forks of one task, never joined, are cancelled and drained at its end", async () => {
  const before = defaultBytesInUse();
  let unwound = 0;
  const sleeper = task(function* () {
    try {
      yield* sleep(Infinity);
    } finally {
      unwound++;
    }
  });
  const parent = task(function* () {
    for (let i = 0; i < 10_000; i++) yield* fork(sleeper());
    return "done";
  });
  assert.equal(await start(parent()), "done");
  assert.equal(unwound, 10_000);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("a chain of 500 nested forks completes", () => {
  const chain = task(function* (n: number): Generator<Suspension, number, unknown> {
    if (n === 0) return 0;
    const f = yield* fork(chain(n - 1));
    const [v] = yield* join(f);
    return v + 1;
  });
  assert.equal(syncAwait(chain(500)), 500);
});
