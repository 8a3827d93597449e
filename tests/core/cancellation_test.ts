/**
 * Cancellation domains: bulk cancellation, the model the paper chose ("Destruction and
 * cancellation"), bridged to AbortSignal.
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  coAwait,
  type CoroutineHandle,
  currentDomain,
  ManualExecutor,
  type Operation,
  schedule,
  sleep,
  start,
  task,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

Deno.test("cancelling a domain completes every operation suspended in it with CancelledError", async () => {
  const domain = new CancellationDomain();
  const loop = new ManualExecutor();
  const finallies: string[] = [];
  const waitOn = (label: string, op: () => Operation<unknown>) =>
    task(function* () {
      try {
        yield* op();
        return `${label} finished`;
      } catch (e) {
        assert.ok(e instanceof CancelledError);
        assert.equal(e.reason, "shutdown");
        return `${label} cancelled`;
      } finally {
        finallies.push(label);
      }
    })();
  const before = defaultBytesInUse();
  const results = Promise.all([
    start(withDomain(domain, waitOn("sleep", () => sleep(60_000)))),
    start(withDomain(domain, waitOn("promise", () => coAwait(new Promise(() => {}))))),
    start(withDomain(domain, waitOn("hop", () => schedule(loop)))),
  ]);
  domain.cancel("shutdown");
  assert.deepEqual(await results, ["sleep cancelled", "promise cancelled", "hop cancelled"]);
  assert.deepEqual(finallies.sort(), ["hop", "promise", "sleep"]);
  assert.equal(defaultBytesInUse(), before, "no frame leaks");
  loop.drain(); // the stale hop callback does nothing
});

Deno.test("an operation started in a cancelled domain fails at once", async () => {
  const domain = new CancellationDomain();
  domain.cancel();
  const ops: Operation<unknown>[] = [
    sleep(10),
    coAwait(Promise.resolve(1)),
    schedule(new ManualExecutor()),
  ];
  for (const op of ops) {
    await assert.rejects(start(withDomain(domain, op)), CancelledError);
  }
});

Deno.test("a finally block that awaits still runs; its awaits in the cancelled domain fail at once", async () => {
  const domain = new CancellationDomain();
  const log: string[] = [];
  const t = task(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      log.push("cleanup starts");
      try {
        yield* sleep(60_000);
      } catch (e) {
        log.push(e instanceof CancelledError ? "cleanup sleep cancelled at once" : "other");
      }
      log.push("cleanup ends");
    }
  });
  const p = start(withDomain(domain, t()));
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.deepEqual(log, ["cleanup starts", "cleanup sleep cancelled at once", "cleanup ends"]);
});

Deno.test("coAwait(promise) ignores the promise's outcome after cancellation, with no unhandled rejection", async () => {
  let reject!: (e: unknown) => void;
  const promise = new Promise((_, r) => (reject = r));
  const controller = new AbortController();
  const p = start(coAwait(promise), { signal: controller.signal });
  controller.abort("gone");
  await assert.rejects(p, CancelledError);
  reject(new Error("late failure")); // handled by the library: the test would fail otherwise
  await new Promise((r) => setTimeout(r, 0));
});

Deno.test("coAwait(promise) in a domain cancelled already fails at once and still handles a rejection", async () => {
  const domain = new CancellationDomain();
  domain.cancel("gone");
  let reject!: (e: unknown) => void;
  const promise = new Promise((_, r) => (reject = r));
  await assert.rejects(start(withDomain(domain, coAwait(promise))), CancelledError);
  reject(new Error("late failure")); // an unhandled rejection would fail this test
  await new Promise((r) => setTimeout(r, 0));
});

Deno.test("start's signal cancels the root domain, with the abort reason in the error", async () => {
  const controller = new AbortController();
  const t = task(function* () {
    const d = yield* currentDomain();
    return d.signal.aborted;
  });
  assert.equal(await start(t(), { signal: controller.signal }), false);
  const slow = task(function* () {
    yield* sleep(60_000);
  });
  const p = start(slow(), { signal: controller.signal });
  controller.abort(new Error("user pressed stop"));
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CancelledError);
    assert.match(e.message, /user pressed stop/);
    return true;
  });
});

Deno.test("a domain from an aborted signal is cancelled at once", () => {
  const d = new CancellationDomain(AbortSignal.abort("already"));
  assert.equal(d.cancelled, true);
  assert.equal(d.reason, "already");
  assert.throws(() => new CancellationDomain(42 as never), TypeError);
});

Deno.test("cancelling a parent cancels children; signal bridges the other way", () => {
  const parent = new CancellationDomain();
  const child = new CancellationDomain(parent);
  const grandchild = new CancellationDomain(child);
  const sig = grandchild.signal;
  assert.equal(sig.aborted, false);
  parent.cancel("p");
  assert.equal(grandchild.cancelled, true);
  assert.equal(sig.aborted, true);
  assert.equal(sig.reason, "p");
  parent.cancel("again"); // twice: nothing
  assert.equal(child.reason, "p");
});

Deno.test("a disposed child no longer follows its parent", () => {
  const parent = new CancellationDomain();
  const child = new CancellationDomain(parent);
  child[Symbol.dispose]();
  parent.cancel();
  assert.equal(child.cancelled, false);
});

Deno.test("withDomain sets currentDomain; cancelling the outer domain still reaches the inner work", async () => {
  const outer = new AbortController();
  const inner = new CancellationDomain();
  const seen: CancellationDomain[] = [];
  const t = task(function* () {
    seen.push(yield* currentDomain());
    const body = task(function* () {
      seen.push(yield* currentDomain());
      yield* sleep(60_000);
    });
    yield* withDomain(inner, body());
  });
  const p = start(t(), { signal: outer.signal });
  assert.equal(seen[1], inner);
  assert.notEqual(seen[0], inner);
  outer.abort("outer");
  await assert.rejects(p, CancelledError);
  assert.equal(inner.cancelled, true);
});

Deno.test("a custom awaitable registers with handle.domain", async () => {
  const domain = new CancellationDomain();
  const events: string[] = [];
  const callbackApi = (done: () => void) => {
    const id = setTimeout(done, 60_000);
    return () => clearTimeout(id);
  };
  const cancellable = {
    handle: null as CoroutineHandle | null,
    cancelIo: null as null | (() => void),
    cancelled: false,
    awaitReady: () => false,
    awaitSuspend(h: CoroutineHandle) {
      this.handle = h;
      this.cancelIo = callbackApi(() => h.resume());
      h.domain.addListener(this);
    },
    onCancel() {
      this.cancelIo?.();
      this.cancelled = true;
      events.push("io cancelled");
      this.handle?.resume();
    },
    awaitResume() {
      this.handle?.domain.removeListener(this);
      if (this.cancelled) throw new CancelledError();
      return "io done";
    },
  };
  const p = start(withDomain(domain, coAwait(cancellable)));
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.deepEqual(events, ["io cancelled"]);
});

Deno.test("sleep validates its argument", () => {
  assert.throws(() => sleep(-1), RangeError);
  assert.throws(() => sleep(NaN), RangeError);
});

Deno.test("listeners are told once each, in registration order, however they came and went", () => {
  const told: string[] = [];
  const l = (name: string) => ({ onCancel: () => void told.push(name) });
  const [a, b, c, d] = ["a", "b", "c", "d"].map(l);
  const one = new CancellationDomain();
  one.addListener(a);
  one.addListener(b);
  one.removeListener(a);
  one.addListener(c);
  one.addListener(c); // twice: told once
  one.cancel();
  assert.deepEqual(told, ["b", "c"]);
  told.length = 0;
  const two = new CancellationDomain();
  two.addListener(a);
  two.removeListener(a);
  two.addListener(b);
  two.removeListener(d); // not registered: nothing
  two.addListener(c);
  two.addListener(d);
  two.removeListener(c);
  two.cancel();
  assert.deepEqual(told, ["b", "d"]);
});

Deno.test("start() lets go of its signal when the root ends: done, failed, or refused by its executor", async () => {
  /** A signal that counts the abort listeners added to it and still attached. */
  function countedSignal() {
    const controller = new AbortController();
    const signal = controller.signal;
    let attached = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    Object.assign(signal, {
      addEventListener(...args: Parameters<AbortSignal["addEventListener"]>) {
        attached++;
        add(...args);
      },
      removeEventListener(...args: Parameters<AbortSignal["removeEventListener"]>) {
        attached--;
        remove(...args);
      },
    });
    return { controller, signal, attached: () => attached };
  }
  const ok = task(function* () {
    return 1;
  });
  const later = task(function* () {
    yield* sleep(1);
    throw new Error("later");
  });
  const refusing = {
    execute(): void {
      throw new Error("refused");
    },
  };
  const cases: [string, (signal: AbortSignal) => Promise<unknown>][] = [
    ["done at once", (signal) => start(ok(), { signal })],
    ["failed later", (signal) => start(later(), { signal })],
    ["refused by its executor", (signal) => start(ok(), { signal, executor: refusing })],
  ];
  for (const [name, run] of cases) {
    const { controller, signal, attached } = countedSignal();
    const settled = run(signal).then(() => "resolved", (e) => (e as Error).message);
    assert.ok(attached() <= 1, name);
    const outcome = await settled;
    assert.equal(attached(), 0, `${name}: the abort listener is removed (${outcome})`);
    controller.abort(); // reaches nothing: no error, no report
  }
});
