/** `Semaphore`: FIFO permits, cancellable waits, `use`. */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  ready,
  Semaphore,
  sleep,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  whenAll,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { assertAwaitRejected, CountingDomain, tick } from "./_helpers.ts";

Deno.test("a free permit is taken without suspending; available counts", () => {
  const s = new Semaphore(2);
  const t = task(function* () {
    yield* s.acquire();
    yield* s.acquire();
    return s.available;
  });
  assert.equal(syncAwait(t()), 0);
  s.release();
  assert.equal(s.available, 1);
  s.release();
  assert.equal(s.available, 2);
});

Deno.test("waiters get permits first come, first served, straight from release()", async () => {
  const s = new Semaphore(1);
  const order: string[] = [];
  const holder = task(function* (name: string, ms: number) {
    yield* s.acquire();
    order.push(`${name} in`);
    try {
      yield* sleep(ms);
    } finally {
      order.push(`${name} out`);
      s.release();
    }
  });
  await start(whenAll(holder("a", 3), holder("b", 1), holder("c", 0), holder("d", 0)));
  assert.deepEqual(order, ["a in", "a out", "b in", "b out", "c in", "c out", "d in", "d out"]);
  assert.equal(s.available, 1);
});

Deno.test("use(op) holds a permit while op runs and releases it on return and on throw", async () => {
  const s = new Semaphore(2);
  let running = 0;
  let peak = 0;
  const job = task(function* (i: number) {
    running++;
    peak = Math.max(peak, running);
    try {
      yield* sleep(1);
      if (i === 3) throw new Error(`job ${i} failed`);
      return i;
    } finally {
      running--;
    }
  });
  const ok = await start(whenAll(s.use(job(1)), s.use(job(2)), s.use(job(4))));
  assert.deepEqual(ok, [1, 2, 4]);
  await assert.rejects(start(s.use(job(3))), /job 3 failed/);
  assert.equal(peak, 2);
  assert.equal(s.available, 2);
});

Deno.test("a cancelled waiter leaves the queue and takes no permit; the next waiter gets it", async () => {
  const s = new Semaphore(1);
  const domain = new CountingDomain();
  const log: string[] = [];
  const waiter = task(function* (name: string) {
    try {
      yield* s.acquire();
    } catch (e) {
      log.push(`${name}: ${e instanceof CancelledError ? "cancelled" : "other"}`);
      throw e;
    }
    log.push(`${name} got it`);
    s.release();
  });
  syncAwait(s.acquire()); // held by the test
  const cancelled = start(withDomain(domain, waiter("first")));
  const next = start(waiter("second"));
  assert.equal(domain.live, 1);
  domain.cancel();
  await assert.rejects(cancelled, CancelledError);
  assert.equal(s.available, 0);
  s.release(); // goes to "second", not to the cancelled waiter
  await next;
  assert.deepEqual(log, ["first: cancelled", "second got it"]);
  assert.equal(s.available, 1);
});

Deno.test("use(op) whose wait is cancelled never starts op (an armed task is destroyed)", async () => {
  const s = new Semaphore(1);
  const domain = new CancellationDomain();
  let ran = false;
  const body = task(function* () {
    ran = true;
  });
  syncAwait(s.acquire());
  const t = body();
  const p = start(withDomain(domain, s.use(t)));
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.equal(ran, false);
  assert.equal(t.status, "destroyed");
  s.release();
  assert.equal(s.available, 1);
});

Deno.test("use(op) releases when op is cancelled", async () => {
  const s = new Semaphore(1);
  const domain = new CancellationDomain();
  const p = start(withDomain(domain, s.use(sleep(60_000))));
  assert.equal(s.available, 0);
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.equal(s.available, 1);
});

Deno.test("destruction: syncAwait gives up on a wait for a permit; the waiter leaves the queue", () => {
  const s = new Semaphore(1);
  const before = defaultBytesInUse();
  const log: string[] = [];
  syncAwait(s.acquire());
  const t = task(function* () {
    try {
      yield* s.use(
        task(function* () {
          log.push("never");
        })(),
      );
    } finally {
      log.push("finally");
    }
  });
  assert.throws(
    () => syncAwait(t()),
    (e) => e instanceof SyncAwaitError && /Semaphore\.acquire\(\)/.test(e.message),
  );
  assert.deepEqual(log, ["finally"]);
  s.release(); // nobody waits any more: the permit is free again
  assert.equal(s.available, 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("destruction: syncAwait gives up inside use(op); the permit is released", () => {
  const s = new Semaphore(1);
  assert.throws(() => syncAwait(s.use(sleep(60_000))), SyncAwaitError);
  assert.equal(s.available, 1);
});

Deno.test("a free permit is taken even in a cancelled domain, as a ready await (no checkpoint)", async () => {
  const s = new Semaphore(1);
  const domain = new CancellationDomain();
  domain.cancel();
  await start(withDomain(domain, s.acquire()));
  assert.equal(s.available, 0);
  await assert.rejects(start(withDomain(domain, s.acquire())), CancelledError); // must wait: fails
  s.release();
});

Deno.test("release() without an acquire is a RangeError and changes nothing", () => {
  const s = new Semaphore(2);
  assert.throws(
    () => s.release(),
    (e) => e instanceof RangeError && /no matching acquire\(\)/.test(e.message),
  );
  assert.equal(s.available, 2);
  syncAwait(s.acquire());
  s.release();
  assert.throws(() => s.release(), RangeError);
  assert.equal(s.available, 2);
});

Deno.test("bad arguments: typed errors naming the fix", () => {
  for (const permits of [-1, 0, NaN, 1.5, Infinity]) {
    assert.throws(
      () => new Semaphore(permits),
      (e) => e instanceof RangeError && /whole number of at least 1/.test(e.message),
    );
  }
  for (const permits of ["2", undefined, null]) {
    assert.throws(() => new Semaphore(permits as never), TypeError);
  }
  assert.throws(
    () => new Semaphore(1).use(42 as never),
    (e) => e instanceof TypeError && e.message.startsWith("Semaphore.use(op): cannot await"),
  );
});

Deno.test("leak check: 200 contending tasks leave no listener, frame, waiter or permit behind", async () => {
  const s = new Semaphore(3);
  const domain = new CountingDomain();
  const before = defaultBytesInUse();
  const job = task(function* (i: number) {
    yield* sleep(i % 3);
    return i;
  });
  const jobs = Array.from({ length: 200 }, (_, i) => s.use(job(i)));
  const p = start(withDomain(domain, whenAll(...jobs)));
  await tick(5);
  domain.cancel("stop half-way");
  await assert.rejects(p, CancelledError);
  assert.equal(s.available, 3);
  assert.equal(defaultBytesInUse(), before);
  // A later acquire is served at once: no dead waiter is left in the queue.
  assert.equal(
    syncAwait(s.use(
      task(function* () {
        return "served";
      })(),
    )),
    "served",
  );
});

Deno.test("`await` on a Semaphore operation (instead of yield*) rejects with a TypeError naming the fix", async () => {
  await assertAwaitRejected(new Semaphore(1).acquire());
  await assertAwaitRejected(new Semaphore(1).use(ready(1)));
});
