/**
 * Task stack traces (issue 14): with default settings, an error shows every task level it left,
 * by name and in order, and where syncAwait/start was called; library frames are hidden.
 * Checked by parsing `e.stack`.
 */

import assert from "node:assert/strict";
import {
  CancelledError,
  coAwait,
  ManualExecutor,
  schedule,
  sleep,
  start,
  type Suspension,
  syncAwait,
  type Task,
  task,
} from "../../mod.ts";

/** The `at …` lines of a stack, trimmed. */
const frames = (e: unknown) =>
  String((e as Error).stack).split("\n").filter((l) => /^\s+at /.test(l)).map((l) => l.trim());

const level5 = task(function* level5() {
  yield* sleep(1);
  throw new Error("boom");
});
const level4 = task(function* level4() {
  return yield* level5();
});
const level3 = task(function* () {
  return yield* level4();
}, { name: "level3" });
const level2 = task(function* level2() {
  return yield* level3();
});
const level1 = task(function* level1() {
  return yield* level2();
});

Deno.test("stack: five levels after a sleep show every level by name, in order", async () => {
  assert.equal(Error.stackTraceLimit, 10, "default settings");
  const e = await start(level1()).catch((e) => e);
  const lines = frames(e);
  assert.match(lines[0], /^at level5 \(.*stack_trace_test\.ts:\d+:\d+\)$/, "the throw site");
  const names = lines.map((l) => /^at (?:async )?(\S+)/.exec(l)![1]);
  assert.deepEqual(names, ["level5", "level4", "level3", "level2", "level1", "start"]);
  assert.ok(lines.every((l) => !/task\.ts|_driver\.ts|\.next \(/.test(l)), lines.join("\n"));
  assert.match(lines[1], /^at async level4 \(.*stack_trace_test\.ts:\d+:\d+\)$/);
});

Deno.test("stack: syncAwait's call site ends the chain", () => {
  const worker = new ManualExecutor();
  const inner = task(function* inner() {
    yield* schedule(worker);
    throw new Error("sync");
  });
  const outer = task(function* outer() {
    yield* inner();
  });
  function caller() {
    return syncAwait(outer(), { executor: worker });
  }
  let e: unknown;
  try {
    caller();
  } catch (error) {
    e = error;
  }
  const lines = frames(e);
  assert.equal(lines[lines.length - 1].startsWith("at syncAwait ("), true, lines.join("\n"));
  assert.match(lines[lines.length - 1], /stack_trace_test\.ts:\d+:\d+\)$/);
  assert.deepEqual(lines.slice(0, 2).map((l) => /^at (?:async )?(\S+)/.exec(l)![1]), [
    "inner",
    "outer",
  ]);
});

Deno.test("stack: start() names its call site when the task fails before it returns", async () => {
  const early = task(function* early() {
    throw new Error("at once");
  });
  const p = start(early()); // this line is the call site
  const e = await p.catch((e) => e);
  const last = frames(e).at(-1)!;
  assert.match(last, /^at start \(.*stack_trace_test\.ts:\d+:\d+\)$/);
});

Deno.test("stack: start() inside a starting task names its own site; later failures name none", async () => {
  const early = task(function* early() {
    throw new Error("at once");
  });
  const gate = Promise.withResolvers<void>();
  const later = task(function* later() {
    yield* coAwait(gate.promise);
    throw new Error("later");
  });
  let inner: Promise<unknown> | undefined;
  const outer = task(function* outer() {
    inner = start(early()); // the inner call site, while the outer start is still running
    yield* coAwait(gate.promise);
    throw new Error("outer, later");
  });
  const p = start(outer());
  const l = start(later());
  const ei = await inner!.catch((e) => e);
  assert.match(frames(ei).at(-1)!, /^at start \(.*stack_trace_test\.ts:\d+:\d+\)$/);
  gate.resolve();
  for (const e of [await p.catch((e) => e), await l.catch((e) => e)]) {
    // Failed after start() returned: the bridge is named without a site it can no longer read.
    assert.equal(frames(e).at(-1), "at async start");
  }
});

Deno.test("stack: a chain deeper than the driver's inline limit, and very deep chains", () => {
  const worker = new ManualExecutor();
  // (A named generator would shadow `deep` inside itself: name the task through options.)
  const deep: (n: number) => Task<number> = task(function* (
    n: number,
  ): Generator<Suspension, number, unknown> {
    if (n === 0) {
      yield* schedule(worker);
      throw new Error("deep");
    }
    return yield* deep(n - 1);
  }, { name: "deep" });
  let e: unknown;
  try {
    syncAwait(deep(200), { executor: worker });
  } catch (error) {
    e = error;
  }
  const lines = frames(e);
  const asyncDeep = lines.filter((l) => l.startsWith("at async deep ("));
  assert.equal(asyncDeep.length, 64, "64 logical frames are kept");
  assert.ok(String((e as Error).stack).includes("... 137 more task frames"));
});

Deno.test("stack: what cannot or must not carry a chain is left alone", () => {
  const thrower = (value: unknown) =>
    task(function* (): Generator<Suspension, void, unknown> {
      throw value;
    })();
  assert.throws(() => syncAwait(thrower(42)), (v) => v === 42);
  const frozen = Object.freeze(new Error("frozen"));
  const stack = frozen.stack;
  assert.throws(() => syncAwait(thrower(frozen)), (v) => v === frozen);
  assert.equal(frozen.stack, stack);
  // A user's own stack assignment wins.
  const mine = new Error("mine");
  const t = task(function* mineTask() {
    try {
      yield* thrower(mine);
    } catch (error) {
      (error as Error).stack = "custom";
      throw error;
    }
  });
  assert.throws(() => syncAwait(t()), (v) => (v as Error).stack === "custom");
  // A CancelledError is shared by every operation of its domain: no task's chain is added.
  const controller = new AbortController();
  controller.abort();
  const c = task(function* cancelled() {
    yield* sleep(1);
  });
  // Many tasks cancelled by one domain share it: its stack gains nothing, however many there are.
  const shared = new AbortController();
  const many = Array.from({ length: 100 }, () => start(c(), { signal: shared.signal }));
  shared.abort();
  return Promise.all([
    start(c(), { signal: controller.signal }),
    ...many,
  ].map((p) => p.catch((e) => e))).then((errors) => {
    assert.ok(errors.every((e) => e instanceof CancelledError));
    for (const e of errors) {
      assert.ok(!String(e.stack).includes("async cancelled"));
      assert.ok(!String(e.stack).includes("async start"), "no bridge frame either");
    }
  });
});

Deno.test("stack: task() names and options are checked", () => {
  assert.throws(
    () => task(function* () {}, { name: 5 as unknown as string }),
    /name must be a string/,
  );
  for (const junk of [5, "name", null]) {
    assert.throws(() => task(function* () {}, junk as never), /options must be an object/);
  }
});

Deno.test("stack: task() over a frozen, prototype-less, bound or proxied generator function", () => {
  const GeneratorPrototype = Object.getPrototypeOf(function* () {}).prototype;
  const intrinsicKeys = Reflect.ownKeys(GeneratorPrototype).length;
  const thrower = task(function* thrower(): Generator<never, never> {
    throw new Error("inner");
  });
  /** The logical line of the task over `body`, which the error leaves after its child threw. */
  const lineOf = (body: () => Generator<Suspension, never>, name?: string) => {
    try {
      syncAwait(task(body, name === undefined ? undefined : { name })());
    } catch (e) {
      const lines = frames(e);
      assert.match(lines[0], /^at thrower /, "the throw site stays first");
      return lines[1];
    }
    assert.fail("the task did not throw");
  };

  function* frozenBody(): Generator<Suspension, never> {
    return yield* thrower();
  }
  Object.freeze(frozenBody.prototype); // as Object.freeze() or harden() leaves it
  assert.match(lineOf(frozenBody), /^at async frozenBody \(.*stack_trace_test\.ts:\d+:\d+\)$/);
  assert.match(lineOf(frozenBody, "renamed"), /^at async renamed /, "a later task() renames");

  const noPrototype = function* () {
    return yield* thrower();
  };
  (noPrototype as { prototype: unknown }).prototype = null; // its generators get the shared one
  assert.equal(lineOf(noPrototype), "at async <anonymous task>");

  const bound = function* (): Generator<Suspension, never> {
    return yield* thrower();
  }.bind(null);
  assert.equal(lineOf(bound), "at async <anonymous task>");

  const proxied = new Proxy(function* proxiedBody(): Generator<Suspension, never> {
    return yield* thrower();
  }, {});
  assert.match(lineOf(proxied), /^at async proxiedBody \(/);

  // A proxy whose own-property trap throws: task() records no name and changes nothing else.
  const hostile = new Proxy(function* (): Generator<Suspension, never> {
    return yield* thrower();
  }, {
    getOwnPropertyDescriptor() {
      throw new Error("no peeking");
    },
  });
  assert.equal(lineOf(hostile), "at async <anonymous task>");

  assert.equal(
    Reflect.ownKeys(GeneratorPrototype).length,
    intrinsicKeys,
    "task() wrote nothing to %GeneratorPrototype%",
  );
});

Deno.test("stack: through whenAll, whenAny and fork the group and the parent stay", async () => {
  const { fork, join, whenAll, whenAny } = await import("../../mod.ts");
  const failing = task(function* failing() {
    yield* sleep(1);
    throw new Error("member");
  });
  const idle = task(function* idle() {
    yield* sleep(60_000);
  });
  const viaAll = task(function* viaAll() {
    yield* whenAll(idle(), failing());
  });
  const viaAny = task(function* viaAny() {
    yield* whenAny(failing(), idle());
  });
  const viaFork = task(function* viaFork() {
    const f = yield* fork(failing());
    yield* join(f);
  });
  const names = (e: unknown) => frames(e).map((l) => /^at (?:async )?(.+?)(?: \(|$)/.exec(l)![1]);
  assert.deepEqual(names(await start(viaAll()).catch((e) => e)), [
    "failing",
    "whenAll",
    "viaAll",
    "start",
  ]);
  assert.deepEqual(names(await start(viaAny()).catch((e) => e)), [
    "failing",
    "whenAny",
    "viaAny",
    "start",
  ]);
  assert.deepEqual(names(await start(viaFork()).catch((e) => e)), [
    "failing",
    "join",
    "viaFork",
    "start",
  ]);
  assert.match(
    String((await start(viaAll()).catch((e) => e)).stack),
    /at async whenAll \(index 1\)/,
  );
});
