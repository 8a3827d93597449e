/** `AsyncScope`: work owned by a scope rather than by the code that started it. */

import assert from "node:assert/strict";
import {
  AsyncScope,
  CancellationDomain,
  CancelledError,
  createContext,
  ready,
  sleep,
  start,
  type Suspension,
  syncAwait,
  SyncAwaitError,
  task,
  TaskStateError,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { assertAwaitRejected, CountingDomain } from "./_helpers.ts";

const worker = task(function* (log: string[], name: string, ms: number, fail?: Error) {
  log.push(`${name} started`);
  try {
    yield* sleep(ms);
    if (fail) throw fail;
    log.push(`${name} done`);
  } catch (e) {
    if (e instanceof CancelledError) log.push(`${name} cancelled: ${String(e.reason)}`);
    throw e;
  }
});

Deno.test("spawn starts the operation now; size counts those running; join waits for all", async () => {
  const scope = new AsyncScope();
  const log: string[] = [];
  scope.spawn(worker(log, "a", 2));
  assert.deepEqual(log, ["a started"]); // ran until its first suspension, at once
  scope.spawn(worker(log, "b", 1));
  scope.spawn(ready(1)); // ends at once: never counted
  assert.equal(scope.size, 2);
  await start(scope.join());
  assert.equal(scope.size, 0);
  assert.deepEqual(log, ["a started", "b started", "b done", "a done"]);
});

Deno.test("spawned work outlives the task that spawned it: the scope owns it", async () => {
  const scope = new AsyncScope();
  const log: string[] = [];
  const request = task(function* () {
    scope.spawn(worker(log, "audit", 3));
    return "response";
  });
  assert.equal(await start(request()), "response");
  assert.equal(scope.size, 1);
  await scope.closed();
  assert.deepEqual(log, ["audit started", "audit done"]);
});

Deno.test("a failure does not cancel the siblings; join rethrows it, the same object", async () => {
  const scope = new AsyncScope();
  const log: string[] = [];
  const boom = new Error("boom");
  scope.spawn(worker(log, "bad", 1, boom));
  scope.spawn(worker(log, "good", 5));
  await assert.rejects(start(scope.join()), (e) => e === boom);
  assert.ok(log.includes("good done"));
});

Deno.test("several failures: an AggregateError of all of them", async () => {
  const scope = new AsyncScope();
  const log: string[] = [];
  const e1 = new Error("one");
  const e2 = new Error("two");
  scope.spawn(worker(log, "1", 1, e1));
  scope.spawn(worker(log, "2", 2, e2));
  scope.spawn(worker(log, "3", 0));
  const error = await scope.closed().catch((e) => e);
  assert.ok(error instanceof AggregateError);
  assert.equal(error.errors.length, 2);
  assert.ok(error.errors.includes(e1) && error.errors.includes(e2));
});

Deno.test("cancel(reason) cancels every operation; CancelledError is not a failure", async () => {
  const scope = new AsyncScope();
  const log: string[] = [];
  scope.spawn(worker(log, "a", 60_000));
  scope.spawn(worker(log, "b", 60_000));
  scope.cancel("shutdown");
  await scope.closed();
  assert.deepEqual(log, [
    "a started",
    "b started",
    "a cancelled: shutdown",
    "b cancelled: shutdown",
  ]);
});

Deno.test("a parent domain or AbortSignal cancels the scope's work", async () => {
  for (const kind of ["domain", "signal"]) {
    const controller = new AbortController();
    const parent = kind === "domain"
      ? new CancellationDomain(controller.signal)
      : controller.signal;
    const scope = new AsyncScope(parent);
    const log: string[] = [];
    scope.spawn(worker(log, kind, 60_000));
    controller.abort("parent gone");
    await scope.closed();
    assert.deepEqual(log, [`${kind} started`, `${kind} cancelled: parent gone`]);
  }
});

Deno.test("await using: disposal cancels and waits for the work to unwind", async () => {
  const log: string[] = [];
  {
    await using scope = new AsyncScope();
    scope.spawn(worker(log, "bg", 60_000));
  }
  assert.deepEqual(log, ["bg started", "bg cancelled: the AsyncScope was disposed"]);
});

Deno.test("a failure is delivered once: a join reports it, disposal after it does not", async () => {
  const boom = new Error("boom");
  const log: string[] = [];
  const run = async () => {
    await using scope = new AsyncScope();
    scope.spawn(worker(log, "bad", 1, boom));
    await assert.rejects(scope.closed(), (e) => e === boom);
  };
  await run(); // would reject with a SuppressedError if disposal reported it again
});

Deno.test("while a join waits, work spawned by the scope's operations is waited for too", async () => {
  const scope = new AsyncScope();
  const log: string[] = [];
  const crawl = task(function* (depth: number): Generator<Suspension, void, unknown> {
    yield* sleep(1);
    log.push(`page at depth ${depth}`);
    if (depth < 3) scope.spawn(crawl(depth + 1));
  });
  scope.spawn(crawl(0));
  await scope.closed();
  assert.deepEqual(log, [0, 1, 2, 3].map((d) => `page at depth ${d}`));
});

Deno.test("spawn after the scope was joined is a TypeError naming the fix", async () => {
  const scope = new AsyncScope();
  await scope.closed();
  const t = worker([], "late", 1);
  assert.throws(
    () => scope.spawn(t),
    (e) => e instanceof TypeError && /was joined.*make a new AsyncScope/.test(e.message),
  );
  assert.equal(t.status, "armed"); // not taken: the caller still owns it
  t.destroy();
});

Deno.test("a cancelled join stops waiting; the work goes on and a later join gets its failure", async () => {
  const scope = new AsyncScope();
  const domain = new CountingDomain();
  const boom = new Error("late failure");
  const log: string[] = [];
  scope.spawn(worker(log, "slow", 5, boom));
  const joining = start(withDomain(domain, scope.join()));
  domain.cancel("impatient");
  await assert.rejects(joining, CancelledError);
  assert.equal(scope.size, 1);
  await assert.rejects(scope.closed(), (e) => e === boom);
});

Deno.test("destruction: syncAwait gives up on a join (a host wait); the scope's work goes on", async () => {
  const scope = new AsyncScope();
  const log: string[] = [];
  scope.spawn(worker(log, "w", 2));
  assert.throws(
    () => syncAwait(scope.join()),
    (e) => e instanceof SyncAwaitError && /AsyncScope\.join\(\)/.test(e.message),
  );
  assert.equal(scope.size, 1);
  await scope.closed(); // the destroyed join left nothing behind that would be woken
  assert.deepEqual(log, ["w started", "w done"]);
});

Deno.test("destruction: syncAwait giving up on the spawner leaves the spawned work to the scope", () => {
  const scope = new AsyncScope();
  const log: string[] = [];
  // Spawned from a syncAwait'ed task, the work is the scope's: syncAwait gives up only on its own.
  const t = task(function* () {
    scope.spawn(worker(log, "w", 60_000));
    yield* sleep(60_000);
  });
  assert.throws(() => syncAwait(t()), SyncAwaitError);
  assert.equal(scope.size, 1);
  scope.cancel("done");
  assert.equal(scope.size, 0);
  assert.deepEqual(log, ["w started", "w cancelled: done"]);
});

Deno.test("a spawned operation cannot join its own scope: a TypeError, not a deadlock", async () => {
  const scope = new AsyncScope();
  let seen: unknown;
  scope.spawn(
    task(function* () {
      try {
        yield* scope.join();
      } catch (e) {
        seen = e;
      }
    })(),
  );
  await scope.closed();
  assert.ok(seen instanceof TypeError && /cannot join it/.test(seen.message));
});

Deno.test("bad arguments: typed errors at the call; size unchanged", () => {
  assert.throws(
    () => new AsyncScope(42 as never),
    (e) => e instanceof TypeError && /CancellationDomain or an AbortSignal/.test(e.message),
  );
  const scope = new AsyncScope();
  assert.throws(
    () => scope.spawn(42 as never),
    (e) => e instanceof TypeError && e.message.startsWith("AsyncScope.spawn(op): cannot await"),
  );
  const t = task(function* () {
    return 1;
  })();
  syncAwait(t);
  assert.throws(() => scope.spawn(t), TaskStateError);
  assert.equal(scope.size, 0);
});

Deno.test("leak check: joins leave no listener, spawned work no frame", async () => {
  const ambient = new CountingDomain();
  const before = defaultBytesInUse();
  const scope = new AsyncScope();
  const log: string[] = [];
  for (let i = 0; i < 20; i++) scope.spawn(worker(log, `${i}`, i % 3));
  const joined = start(withDomain(ambient, scope.join()));
  assert.equal(ambient.live, 1); // the waiting join listens for its own cancellation
  await joined;
  assert.equal(ambient.live, 0);
  assert.equal(scope.size, 0);
  assert.equal(defaultBytesInUse(), before);
  assert.equal(log.filter((l) => l.endsWith("done")).length, 20);
});

Deno.test("a spawned operation sees the context values in force where spawn was called", async () => {
  const requestId = createContext("requestId", "none");
  const scope = new AsyncScope();
  const seen: string[] = [];
  const record = task(function* () {
    yield* sleep(1);
    seen.push(yield* requestId.get());
  });
  const handler = task(function* () {
    scope.spawn(record());
  });
  await start(requestId.with("r-17", handler()));
  scope.spawn(record()); // from ordinary code: the default
  await scope.closed();
  assert.deepEqual(seen.sort(), ["none", "r-17"]);
});

Deno.test("an operation that fails while spawn starts it is a failure of the scope, not of spawn", async () => {
  const scope = new AsyncScope();
  const boom = new Error("failed at once");
  scope.spawn(
    task(function* (): Generator<never, void> {
      throw boom;
    })(),
  );
  assert.equal(scope.size, 0);
  await assert.rejects(scope.closed(), (e) => e === boom);
});

Deno.test("one join() operation can be awaited more than once", async () => {
  const scope = new AsyncScope();
  scope.spawn(worker([], "w", 1));
  const joined = scope.join();
  await start(joined);
  await start(joined); // the scope is joined: done at once
  assert.equal(scope.size, 0);
});

Deno.test("`await` on a AsyncScope operation (instead of yield*) rejects with a TypeError naming the fix", async () => {
  await assertAwaitRejected(new AsyncScope().join());
});
