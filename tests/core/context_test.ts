/** `createContext`/`Context`: scoping, propagation to everything started inside, isolation. */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  createContext,
  fork,
  inlineExecutor,
  ManualExecutor,
  schedule,
  sleep,
  spawn,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  via,
  whenAll,
  whenAny,
  withDomain,
} from "../../mod.ts";

const user = createContext("user", "nobody");
const whoAmI = task(function* () {
  return yield* user.get();
});

Deno.test("context: default outside with(); the value inside; restored after", () => {
  const t = task(function* () {
    const before = yield* user.get();
    const inside = yield* user.with("ada", whoAmI());
    const after = yield* user.get();
    return [before, inside, after];
  });
  assert.deepEqual(syncAwait(t()), ["nobody", "ada", "nobody"]);
});

Deno.test("context: nested with() shadows, per context, innermost wins", () => {
  const role = createContext<string | undefined>("role", undefined);
  const t = task(function* () {
    return yield* user.with(
      "ada",
      task(function* () {
        const outer = [yield* user.get(), yield* role.get()];
        const inner = yield* role.with("admin", user.with("grace", whoAmI()));
        const back = yield* user.get();
        return [outer, inner, back];
      })(),
    );
  });
  assert.deepEqual(syncAwait(t()), [["ada", undefined], "grace", "ada"]);
});

Deno.test("context: seen across suspensions, driver segments and every way work starts", async () => {
  const worker = new ManualExecutor();
  const deep: (n: number) => ReturnType<typeof whoAmI> = task(function* (n: number) {
    if (n === 0) {
      yield* sleep(0);
      return yield* user.get();
    }
    return yield* deep(n - 1); // deeper than the inline limit: runs as driver segments
  });
  const everywhere = task(function* () {
    const seen: string[] = [];
    seen.push(yield* deep(200));
    const f = yield* fork(whoAmI());
    seen.push(yield* f);
    seen.push(...(yield* whenAll(whoAmI(), whoAmI())));
    seen.push((yield* whenAny(whoAmI(), sleep(1_000))).value as string);
    seen.push(yield* spawn(inlineExecutor, whoAmI()));
    seen.push(yield* via(whoAmI(), inlineExecutor));
    yield* schedule(inlineExecutor);
    seen.push(yield* user.get());
    seen.push(yield* withDomain(new CancellationDomain(), whoAmI()));
    return seen;
  });
  const seen = await start(user.with("ada", everywhere()));
  assert.equal(seen.length, 9);
  assert.ok(seen.every((v) => v === "ada"), JSON.stringify(seen));
  worker.drain();
});

Deno.test("context: nothing outside with() sees it, and roots from ordinary code start clean", async () => {
  let leaked: Promise<string> | null = null;
  const t = task(function* () {
    yield* user.with(
      "ada",
      task(function* () {
        leaked = start(whoAmI()); // a root started from inside sees its creator's values
        yield* sleep(0);
      })(),
    );
    return yield* user.get();
  });
  assert.equal(await start(t()), "nobody");
  assert.equal(await leaked!, "ada");
  assert.equal(await start(whoAmI()), "nobody");
});

Deno.test("context: a with() that throws, is cancelled or destroyed restores the outer value", async () => {
  const failing = task(function* () {
    yield* sleep(0);
    throw new Error("inner");
  });
  const t = task(function* () {
    try {
      yield* user.with("ada", failing());
    } catch (e) {
      return [(e as Error).message, yield* user.get()];
    }
    return [];
  });
  assert.deepEqual(await start(t()), ["inner", "nobody"]);

  const controller = new AbortController();
  const cancelled = task(function* () {
    try {
      yield* user.with("ada", sleep(60_000));
    } catch (e) {
      return [e instanceof CancelledError, yield* user.get()];
    }
    return [];
  });
  const p = start(cancelled(), { signal: controller.signal });
  controller.abort();
  assert.deepEqual(await p, [true, "nobody"]);

  let inFinally = "";
  const destroyed = task(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      inFinally = yield* user.get();
    }
  });
  assert.throws(() => syncAwait(user.with("ada", destroyed())), SyncAwaitError);
  assert.equal(inFinally, "ada", "a finally that runs while unwinding still sees the value");
});

Deno.test("context: bad arguments and misuse are typed errors", () => {
  assert.throws(() => createContext(42 as unknown as string, 0), TypeError);
  assert.throws(() => syncAwait(user.get()[Symbol.iterator]().next() as never), TypeError);
  const once = user.with("x", whoAmI());
  const t = task(function* () {
    yield* once;
    yield* once;
  });
  assert.throws(() => syncAwait(t()), /awaited already/);
});
