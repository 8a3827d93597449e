/**
 * Issue 10 items 11 and 14 (domain part): a throwing `onCancel` listener never stops the
 * cancellation and never leaves a coroutine un-resumed; its error is thrown by `cancel()` when
 * user code called it, and reported (`reportError`) when the cancellation came from a parent
 * domain or an `AbortSignal`. Bad listeners and parents are TypeErrors at the call.
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  type CancellationListener,
  CancelledError,
  coAwait,
  ManualExecutor,
  type Operation,
  schedule,
  sleep,
  start,
  task,
  withDomain,
} from "../../mod.ts";
import { capturingReports, defaultBytesInUse } from "../_helpers.ts";
import { ResumeThenThrow } from "./fixtures/_resume_then_throw.ts";

const thrower = (error: Error): CancellationListener => ({
  onCancel() {
    throw error;
  },
});

Deno.test("cancel() tells every listener, then rethrows the one error a listener threw", async () => {
  await capturingReports(async (reported) => {
    const domain = new CancellationDomain();
    const told: string[] = [];
    const boom = new Error("listener boom");
    domain.addListener({ onCancel: () => void told.push("a") });
    domain.addListener(thrower(boom));
    domain.addListener({ onCancel: () => void told.push("c") });
    assert.throws(() => domain.cancel("why"), (e) => e === boom);
    assert.deepEqual(told, ["a", "c"]);
    assert.equal(domain.cancelled, true);
    domain.cancel(); // cancelling again does nothing, throws nothing
    await Promise.resolve();
    assert.deepEqual(reported, [], "thrown to the caller, not also reported");
  });
});

Deno.test("cancel() throws an AggregateError when several listeners threw", () => {
  const domain = new CancellationDomain();
  const a = new Error("a");
  const b = new Error("b");
  domain.addListener(thrower(a));
  domain.addListener(thrower(b));
  assert.throws(() => domain.cancel(), (e: unknown) => {
    assert.ok(e instanceof AggregateError);
    assert.deepEqual(e.errors, [a, b]);
    return true;
  });
});

Deno.test("a cancellation from a parent domain reports a child listener's error and completes", async () => {
  await capturingReports(async (reported) => {
    const parent = new CancellationDomain();
    const child = new CancellationDomain(parent);
    const grandchild = new CancellationDomain(child);
    const boom = new Error("child listener");
    const told: string[] = [];
    child.addListener(thrower(boom));
    child.addListener({ onCancel: () => void told.push("child") });
    grandchild.addListener({ onCancel: () => void told.push("grandchild") });
    parent.addListener({ onCancel: () => void told.push("parent") });
    parent.cancel("stop"); // does not throw: the error is the child's, reported
    assert.deepEqual(told.sort(), ["child", "grandchild", "parent"]);
    assert.equal(grandchild.reason, "stop");
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(reported, [boom]);
  });
});

Deno.test("every domain of the tree is cancelled before any listener runs", () => {
  const parent = new CancellationDomain();
  const seen: boolean[] = [];
  parent.addListener({ onCancel: () => void seen.push(child.cancelled) }); // registered first
  const child = new CancellationDomain(parent);
  child.addListener({ onCancel: () => {} });
  parent.cancel();
  assert.deepEqual(seen, [true]);
});

Deno.test("a cancellation from an AbortSignal reports a listener's error; abort() does not throw", async () => {
  await capturingReports(async (reported) => {
    const controller = new AbortController();
    const domain = new CancellationDomain(controller.signal);
    const boom = new Error("abort listener");
    const told: string[] = [];
    domain.addListener(thrower(boom));
    domain.addListener({ onCancel: (r) => void told.push(String(r)) });
    controller.abort("aborted");
    assert.deepEqual(told, ["aborted"]);
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(reported, [boom]);
  });
});

Deno.test("onCancel (library code, a parent) reports instead of throwing", async () => {
  await capturingReports(async (reported) => {
    const domain = new CancellationDomain();
    const boom = new Error("x");
    domain.addListener(thrower(boom));
    domain.onCancel("from a parent");
    assert.equal(domain.reason, "from a parent");
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(reported, [boom]);
  });
});

Deno.test("a throwing listener next to suspended operations: every operation is cancelled, every finally runs", async () => {
  await capturingReports(async (reported) => {
    const controller = new AbortController();
    const domain = new CancellationDomain(controller.signal);
    const boom = new Error("listener");
    const finallies: string[] = [];
    const loop = new ManualExecutor();
    const waiter = (label: string, op: () => Operation<unknown>) =>
      task(function* () {
        try {
          yield* op();
        } finally {
          finallies.push(label);
        }
      })();
    const before = defaultBytesInUse();
    domain.addListener(thrower(boom)); // first: told before the operations
    const all = Promise.allSettled([
      start(withDomain(domain, waiter("sleep", () => sleep(60_000)))),
      start(withDomain(domain, waiter("promise", () => coAwait(new Promise(() => {}))))),
      start(withDomain(domain, waiter("hop", () => schedule(loop)))),
    ]);
    controller.abort("shutdown");
    const results = await all;
    assert.ok(results.every((r) => r.status === "rejected" && r.reason instanceof CancelledError));
    assert.deepEqual(finallies.sort(), ["hop", "promise", "sleep"]);
    assert.equal(defaultBytesInUse(), before);
    assert.equal(loop.drain(), 1); // the stale hop does nothing
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(reported, [boom]);
  });
});

/** A custom awaitable whose stop() throws: CancellableAwaiter is private, so test it via sleep's. */
Deno.test("an awaiter whose cleanup throws on cancellation still resumes its task", async () => {
  await capturingReports(async (reported) => {
    const realClear = globalThis.clearTimeout;
    const boom = new Error("clearTimeout threw");
    const domain = new CancellationDomain();
    const log: string[] = [];
    const t = task(function* () {
      try {
        yield* sleep(60_000);
      } catch (e) {
        log.push(e instanceof CancelledError ? "cancelled" : "other");
      } finally {
        log.push("finally");
      }
    });
    const p = start(withDomain(domain, t()));
    let timerLeft: number | undefined;
    try {
      globalThis.clearTimeout = ((id: number) => {
        timerLeft = id;
        throw boom;
      }) as unknown as typeof clearTimeout;
      // stop() throws inside a listener of this domain: cancel() rethrows it to its caller...
      assert.throws(() => domain.cancel(), (e) => e === boom);
    } finally {
      globalThis.clearTimeout = realClear;
      realClear(timerLeft);
    }
    await p; // ...and the task was resumed all the same
    assert.deepEqual(log, ["cancelled", "finally"]);
    assert.deepEqual(reported, []);
  });
});

Deno.test("a custom awaitable's listener that resumes its task and then throws: the task still completes", async () => {
  await capturingReports(async (reported) => {
    const controller = new AbortController();
    const boom = new Error("after resuming");
    const t = task(function* () {
      return yield* coAwait(new ResumeThenThrow(boom, "resumed"));
    });
    const p = start(t(), { signal: controller.signal });
    controller.abort();
    assert.equal(await p, "resumed");
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(reported, [boom]);
  });
});

Deno.test("addListener of a non-listener is a TypeError at the call that names the fix", () => {
  const domain = new CancellationDomain();
  for (const bad of [null, undefined, 42, "x", {}, { onCancel: 1 }, () => {}]) {
    assert.throws(
      () => domain.addListener(bad as unknown as CancellationListener),
      (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.match(
          e.message,
          /addListener\(listener\): listener must be an object with an onCancel/,
        );
        assert.match(e.message, /pass \{ onCancel: \(reason\) => \.\.\. \}/);
        return true;
      },
    );
  }
  domain.cancel(); // nothing junk was registered: cancelling tells nobody and throws nothing
  assert.throws(() => domain.addListener({} as CancellationListener), TypeError);
});

Deno.test("new CancellationDomain(junk) is a TypeError that names what to pass", () => {
  for (const bad of [null, 42, "signal", {}, new AbortController()]) {
    assert.throws(() => new CancellationDomain(bad as AbortSignal), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /parent must be a CancellationDomain or an AbortSignal/);
      assert.match(e.message, /controller\.signal/);
      return true;
    });
  }
});

Deno.test("CancelledError never throws on an unprintable reason", () => {
  const reason = Object.create(null);
  const e = new CancelledError(reason);
  assert.equal(e.reason, reason);
  assert.match(e.message, /cannot be converted/);
  const hostile = {
    toString() {
      throw new Error("no");
    },
  };
  assert.equal(new CancelledError(hostile).reason, hostile);
});

Deno.test("a domain's signal is aborted before the tasks it cancels resume (their finally sees it)", async () => {
  const parent = new CancellationDomain();
  const child = new CancellationDomain(parent);
  const seen: boolean[] = [];
  const t = task(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      seen.push(child.signal.aborted, parent.signal.aborted);
    }
  });
  const signal = child.signal; // handed out before the cancellation
  const p = start(withDomain(child, t()));
  parent.cancel();
  await assert.rejects(p, CancelledError);
  assert.equal(signal.aborted, true);
  assert.deepEqual(seen, [true, true]);
});
