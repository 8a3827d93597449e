import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import {
  CancellationDomain,
  CancelledError,
  forEach,
  on,
  once,
  sleep,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  withDomain,
} from "../../mod.ts";
import { CountingTarget, tick } from "./_helpers.ts";

/** A minimal emitter with only on/off. */
class OnOff {
  readonly listeners = new Map<string, Set<(v: unknown) => void>>();
  on(type: string, fn: (v: unknown) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(fn);
  }
  off(type: string, fn: (v: unknown) => void): void {
    this.listeners.get(type)?.delete(fn);
  }
  emit(type: string, v: unknown): void {
    for (const fn of [...this.listeners.get(type) ?? []]) fn(v);
  }
  count(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
}

Deno.test("once: the next event of an EventTarget; the listener is removed", async () => {
  const target = new CountingTarget();
  const op = once(target, "ping");
  assert.equal(target.listeners, 0); // added only when awaited
  const p = start(op);
  assert.equal(target.listeners, 1);
  const event = new Event("ping");
  target.dispatchEvent(event);
  assert.equal(await p, event);
  assert.equal(target.listeners, 0);
  // The same operation awaited again waits for a new event.
  const again = start(op);
  target.dispatchEvent(new Event("ping"));
  assert.equal((await again).type, "ping");
  assert.equal(target.listeners, 0);
});

Deno.test("once: Node-style emitters (addListener/removeListener and on/off)", async () => {
  const emitter = new EventEmitter();
  const p = start(once<string>(emitter, "data"));
  assert.equal(emitter.listenerCount("data"), 1);
  emitter.emit("data", "chunk", "ignored second argument");
  assert.equal(await p, "chunk");
  assert.equal(emitter.listenerCount("data"), 0);

  const sym = Symbol("ready");
  const bySymbol = start(once<number>(emitter, sym));
  emitter.emit(sym, 7);
  assert.equal(await bySymbol, 7);

  const onOff = new OnOff();
  const q = start(once<number>(onOff, "n"));
  assert.equal(onOff.count("n"), 1);
  onOff.emit("n", 3);
  assert.equal(await q, 3);
  assert.equal(onOff.count("n"), 0);
});

Deno.test("once: cancellation removes the listener and throws CancelledError", async () => {
  const target = new CountingTarget();
  const domain = new CancellationDomain();
  let cleaned = false;
  const p = start(withDomain(
    domain,
    task(function* () {
      try {
        return yield* once(target, "never");
      } finally {
        cleaned = true;
      }
    })(),
  ));
  assert.equal(target.listeners, 1);
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.equal(cleaned, true);
  assert.equal(target.listeners, 0);
  target.dispatchEvent(new Event("never")); // nobody listens, nothing happens
  // In a domain that is already cancelled: fails at once, never listens.
  assert.throws(() => syncAwait(withDomain(domain, once(target, "x"))), CancelledError);
  assert.equal(target.listeners, 0);
});

Deno.test("once: under syncAwait, an event only the host can dispatch: SyncAwaitError, listener removed", () => {
  const target = new CountingTarget();
  const emitter = new EventEmitter();
  assert.throws(
    () => syncAwait(once(target, "load")),
    (e) => e instanceof SyncAwaitError && /once\(load\)/.test(e.message),
  );
  assert.throws(() => syncAwait(once(emitter, "data")), SyncAwaitError);
  assert.equal(target.listeners, 0);
  assert.equal(emitter.listenerCount("data"), 0);
});

Deno.test("once/on: bad targets and event names are TypeErrors at the call", () => {
  for (const f of [once, on] as const) {
    assert.throws(() => f(42 as never, "x"), /EventTarget .* or a Node-style emitter/);
    assert.throws(() => f({} as never, "x"), TypeError);
    assert.throws(() => f(new EventTarget(), 42 as never), /type must be an event name/);
    assert.throws(() => f(new EventTarget(), Symbol("s")), /string\), not symbol/);
    assert.throws(() => f(new EventEmitter(), null as never), TypeError);
  }
});

Deno.test("once: a dispatch that throws in another listener does not disturb it", async () => {
  const target = new EventTarget();
  const p = start(once(target, "x"));
  target.addEventListener("x", () => {
    throw new Error("someone else's listener");
  });
  const errors: unknown[] = [];
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    errors.push(e.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    target.dispatchEvent(new Event("x"));
  } finally {
    globalThis.removeEventListener("error", onError);
  }
  assert.equal((await p).type, "x");
  assert.equal(errors.length, 1);
});

Deno.test("on + forEach: events queued while the body runs are not lost; stopping removes the listener", async () => {
  const target = new CountingTarget();
  const seen: number[] = [];
  const p = start(forEach(on<CustomEvent<number>>(target, "n"), function* (e) {
    seen.push(e.detail);
    if (e.detail === 4) throw new RangeError("done");
    yield* sleep(1); // events keep arriving meanwhile
  }));
  assert.equal(target.listeners, 1);
  for (let i = 1; i <= 4; i++) target.dispatchEvent(new CustomEvent("n", { detail: i }));
  await assert.rejects(p, RangeError);
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(target.listeners, 0);
});

Deno.test("on + forEach: cancellation and destruction remove the listener", async () => {
  const emitter = new EventEmitter();
  const controller = new AbortController();
  const p = start(forEach(on(emitter, "data"), function* () {}), { signal: controller.signal });
  assert.equal(emitter.listenerCount("data"), 1);
  emitter.emit("data", 1);
  controller.abort();
  await assert.rejects(p, CancelledError);
  assert.equal(emitter.listenerCount("data"), 0);

  const target = new CountingTarget();
  assert.throws(
    () => syncAwait(forEach(on(target, "tick"), function* () {})),
    (e) => e instanceof SyncAwaitError && /on\(tick\)/.test(e.message),
  );
  assert.equal(target.listeners, 0);
  const onOff = new OnOff();
  assert.throws(() => syncAwait(forEach(on(onOff, "x"), function* () {})), SyncAwaitError);
  assert.equal(onOff.count("x"), 0);
});

Deno.test("on + for await: listens from the first next() until break", async () => {
  const target = new CountingTarget();
  const events = on<CustomEvent<string>>(target, "msg");
  const it = events[Symbol.asyncIterator]();
  assert.equal(target.listeners, 0); // lazy
  const first = it.next();
  assert.equal(target.listeners, 1);
  target.dispatchEvent(new CustomEvent("msg", { detail: "a" }));
  target.dispatchEvent(new CustomEvent("msg", { detail: "b" })); // queued
  assert.equal((await first).value?.detail, "a");
  assert.equal((await it.next()).value?.detail, "b");
  const pending = it.next();
  assert.deepEqual(await it.return!(), { done: true, value: undefined });
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.equal(target.listeners, 0);
  assert.deepEqual(await it.next(), { done: true, value: undefined });

  const seen: string[] = [];
  const loop = (async () => {
    for await (const e of events) {
      seen.push(e.detail);
      if (seen.length === 2) break;
    }
  })();
  await tick();
  target.dispatchEvent(new CustomEvent("msg", { detail: "x" }));
  target.dispatchEvent(new CustomEvent("msg", { detail: "y" }));
  await loop;
  assert.deepEqual(seen, ["x", "y"]);
  assert.equal(target.listeners, 0);
});

Deno.test("once: an emitter that calls the listener while it is being added, or twice", () => {
  const eager = {
    added: 0,
    addListener(_type: string, fn: (v: unknown) => void) {
      this.added++;
      fn("now");
      fn("again"); // ignored
    },
    removeListener(_type: string, _fn: unknown) {
      this.added--;
    },
  };
  assert.equal(syncAwait(once<string>(eager, "x")), "now");
  assert.equal(eager.added, 0);
  const throwing = {
    addListener() {
      throw new Error("cannot listen");
    },
    removeListener() {},
  };
  assert.throws(() => syncAwait(once(throwing, "x")), /cannot listen/);
});

Deno.test("on: an error removing the listener is thrown by forEach, not lost", () => {
  const removeFailure = new Error("cannot remove");
  let listener: ((v: unknown) => void) | undefined;
  const emitter = {
    on(_type: string, fn: (v: unknown) => void) {
      listener = fn;
    },
    off() {
      throw removeFailure;
    },
  };
  const bodyError = new Error("body");
  const p = start(forEach(on<number>(emitter, "n"), function* () {
    throw bodyError;
  }));
  listener!(1);
  return assert.rejects(
    p,
    (e) => e instanceof SuppressedError && e.error === removeFailure && e.suppressed === bodyError,
  );
});

Deno.test("on + for await: overlapping next() calls get events in order", async () => {
  const target = new CountingTarget();
  const it = on<CustomEvent<number>>(target, "n")[Symbol.asyncIterator]();
  const a = it.next(), b = it.next(), c = it.next();
  for (let i = 1; i <= 3; i++) target.dispatchEvent(new CustomEvent("n", { detail: i }));
  assert.deepEqual([(await a).value?.detail, (await b).value?.detail, (await c).value?.detail], [
    1,
    2,
    3,
  ]);
  await it.return!();
  assert.equal(target.listeners, 0);
});
