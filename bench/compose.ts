/**
 * Composition workloads from the paper's "Why not use futures" figure, plus `fib`.
 *
 * - W1 `coro_refactored`: a loop of `N` iterations awaiting `subtask(i)`, which awaits a ready
 *   leaf `async_read(i)`, summing the values.
 * - W1b `coro`: the same loop awaiting the leaf directly.
 * - W1a: W1 with every `subtask` frame taken from an `ArenaResource` via `allocatorArg` (run only
 *   when `mod.ts` exports both).
 * - W4: `fib(20)` with every call a task (21 891 calls).
 *
 * Each contender is written the way its library is meant to be used. The ready leaf is: a reused
 * `Awaiter` subclass instance or `ready(v)` for `@coro/task`; `await v` on a plain value for
 * async/await (the cheapest ready await it has); a generator returning at once for raw `yield*`
 * and Effection; `Effect.succeed` for Effect; a sync/async pair for quansync and gensync; a
 * resolved promise for co (it cannot yield plain values). Every builder makes fresh closures, so
 * contenders never share inline caches.
 *
 * @module
 */

import {
  ArenaResource,
  Awaiter,
  type Body,
  type CoroutineHandle,
  optional,
  ready,
  syncAwait,
  task,
} from "./_coro.ts";
import { co, Effect, effection, gensync, quansync } from "./_peers.ts";
import type { Contender } from "./_harness.ts";

/** Loop length of W1/W1b (the paper's inner loop, 1000 awaits per run). */
export const N = 1000;
const leaf = (i: number) => i & 15;
/** Expected answer of W1/W1b. */
export const EXPECTED_LOOP: number = Array.from({ length: N }, (_, i) => leaf(i)).reduce(
  (a, b) => a + b,
);

/** A reused ready awaitable: the paper's cheap `async_read`. */
class ReadyRead extends Awaiter<number> {
  v = 0;
  arm(i: number): this {
    this.v = i & 15;
    return this;
  }
  override awaitReady(): boolean {
    return true;
  }
  override awaitSuspend(_h: CoroutineHandle): void {}
  override awaitResume(): number {
    return this.v;
  }
}

type Shape = "W1" | "W1b";
type Builder = (shape: Shape, n: number) => Contender;

const coroAwaiter: Builder = (shape, n) => {
  const rd = new ReadyRead();
  const subtask = task(function* (i: number) {
    return yield* rd.arm(i);
  });
  const main = shape === "W1"
    ? task(function* () {
      let r = 0;
      for (let i = 0; i < n; i++) r += yield* subtask(i);
      return r;
    })
    : task(function* () {
      let r = 0;
      for (let i = 0; i < n; i++) r += yield* rd.arm(i);
      return r;
    });
  return { name: "@coro/task (Awaiter)", ops: n, run: () => syncAwait(main()) };
};

const coroReady: Builder = (shape, n) => {
  const subtask = task(function* (i: number) {
    return yield* ready(i & 15);
  });
  const main = shape === "W1"
    ? task(function* () {
      let r = 0;
      for (let i = 0; i < n; i++) r += yield* subtask(i);
      return r;
    })
    : task(function* () {
      let r = 0;
      for (let i = 0; i < n; i++) r += yield* ready(i & 15);
      return r;
    });
  return { name: "@coro/task (ready)", ops: n, run: () => syncAwait(main()) };
};

const rawGen: Builder = (shape, n) => {
  // deno-lint-ignore require-yield
  function* read(i: number): Generator<never, number> {
    return i & 15;
  }
  function* subtask(i: number): Generator<never, number> {
    return yield* read(i);
  }
  function* main(): Generator<never, number> {
    let r = 0;
    if (shape === "W1") { for (let i = 0; i < n; i++) r += yield* subtask(i); }
    else for (let i = 0; i < n; i++) r += yield* read(i);
    return r;
  }
  return { name: "raw yield*", ops: n, run: () => main().next().value };
};

const plainSync: Builder = (shape, n) => {
  const read = (i: number) => i & 15;
  const subtask = (i: number) => read(i);
  const main = shape === "W1"
    ? () => {
      let r = 0;
      for (let i = 0; i < n; i++) r += subtask(i);
      return r;
    }
    : () => {
      let r = 0;
      for (let i = 0; i < n; i++) r += read(i);
      return r;
    };
  return { name: "sync functions", ops: n, run: main };
};

const asyncAwait: Builder = (shape, n) => {
  const read = (i: number) => i & 15;
  async function subtask(i: number) {
    return await read(i);
  }
  const main = shape === "W1"
    ? async () => {
      let r = 0;
      for (let i = 0; i < n; i++) r += await subtask(i);
      return r;
    }
    : async () => {
      let r = 0;
      for (let i = 0; i < n; i++) r += await read(i);
      return r;
    };
  return { name: "async/await", ops: n, run: main, async: true };
};

const quansyncFns = (shape: Shape, n: number) => {
  const read = quansync({
    sync: (i: number) => i & 15,
    async: (i: number) => Promise.resolve(i & 15),
  });
  const subtask = quansync(function* (i: number) {
    return yield* read(i);
  });
  return quansync(function* () {
    let r = 0;
    if (shape === "W1") { for (let i = 0; i < n; i++) r += yield* subtask(i); }
    else for (let i = 0; i < n; i++) r += yield* read(i);
    return r;
  });
};
const quansyncSync: Builder = (shape, n) => {
  const main = quansyncFns(shape, n);
  return { name: "quansync sync", ops: n, run: () => main.sync() };
};
const quansyncAsync: Builder = (shape, n) => {
  const main = quansyncFns(shape, n);
  return { name: "quansync async", ops: n, run: () => main.async(), async: true };
};

const gensyncFns = (shape: Shape, n: number) => {
  const read = gensync({
    sync: (i: number) => i & 15,
    async: (i: number) => Promise.resolve(i & 15),
  });
  const subtask = gensync(function* (i: number): Generator<unknown, number> {
    return yield* read(i);
  });
  return gensync(function* (): Generator<unknown, number> {
    let r = 0;
    if (shape === "W1") { for (let i = 0; i < n; i++) r += yield* subtask(i); }
    else for (let i = 0; i < n; i++) r += yield* read(i);
    return r;
  });
};
const gensyncSync: Builder = (shape, n) => {
  const main = gensyncFns(shape, n);
  return { name: "gensync sync", ops: n, run: () => main.sync() };
};
const gensyncAsync: Builder = (shape, n) => {
  const main = gensyncFns(shape, n);
  return { name: "gensync async", ops: n, run: () => main.async(), async: true };
};

const effectFn: Builder = (shape, n) => {
  const read = (i: number) => Effect.succeed(i & 15);
  const subtask = Effect.fnUntraced(function* (i: number) {
    return yield* read(i);
  });
  const main = Effect.fnUntraced(function* () {
    let r = 0;
    if (shape === "W1") { for (let i = 0; i < n; i++) r += yield* subtask(i); }
    else for (let i = 0; i < n; i++) r += yield* read(i);
    return r;
  });
  return { name: "Effect fnUntraced", ops: n, run: () => Effect.runSync(main()) };
};

const effectGen: Builder = (shape, n) => {
  const read = (i: number) => Effect.succeed(i & 15);
  const subtask = (i: number) =>
    Effect.gen(function* () {
      return yield* read(i);
    });
  const main = () =>
    Effect.gen(function* () {
      let r = 0;
      if (shape === "W1") { for (let i = 0; i < n; i++) r += yield* subtask(i); }
      else for (let i = 0; i < n; i++) r += yield* read(i);
      return r;
    });
  return { name: "Effect.gen", ops: n, run: () => Effect.runSync(main()) };
};

const effectionOps: Builder = (shape, n) => {
  // deno-lint-ignore require-yield
  function* read(i: number): effection.Operation<number> {
    return i & 15;
  }
  function* subtask(i: number): effection.Operation<number> {
    return yield* read(i);
  }
  function* main(): effection.Operation<number> {
    let r = 0;
    if (shape === "W1") { for (let i = 0; i < n; i++) r += yield* subtask(i); }
    else for (let i = 0; i < n; i++) r += yield* read(i);
    return r;
  }
  return { name: "Effection", ops: n, run: () => effection.run(main), async: true };
};

const coLib: Builder = (shape, n) => {
  function* subtask(i: number): Generator<unknown, number, number> {
    return yield Promise.resolve(i & 15);
  }
  const main = co.wrap(function* (): Generator<unknown, number, number> {
    let r = 0;
    if (shape === "W1") { for (let i = 0; i < n; i++) r += yield subtask(i); }
    else for (let i = 0; i < n; i++) r += yield Promise.resolve(i & 15);
    return r;
  });
  return { name: "co", ops: n, run: () => main(), async: true };
};

const BUILDERS: Builder[] = [
  coroAwaiter,
  coroReady,
  rawGen,
  plainSync,
  asyncAwait,
  quansyncSync,
  quansyncAsync,
  gensyncSync,
  gensyncAsync,
  effectFn,
  effectGen,
  effectionOps,
  coLib,
];

/** Fresh contenders for W1 (`coro_refactored`) or W1b (`coro`), `n` iterations per run. */
export function loopContenders(shape: Shape, n: number = N): Contender[] {
  return BUILDERS.map((b) => b(shape, n));
}

/**
 * W1 with `subtask` frames from an `ArenaResource` (hook for the allocator work). Returns
 * `undefined` until `mod.ts` exports `allocatorArg` and `ArenaResource`.
 */
export function arenaContender(): Contender | undefined {
  const api = optional("allocatorArg", "ArenaResource");
  if (!api) return undefined;
  const rd = new ReadyRead();
  const arena = new api.ArenaResource({ initialSize: 64 * 1024 });
  const tag = api.allocatorArg;
  const subtask = task(function* (_tag: unknown, _alloc: unknown, i: number) {
    return yield* rd.arm(i);
  });
  const main = task(function* () {
    let r = 0;
    for (let i = 0; i < N; i++) r += yield* subtask(tag, arena, i);
    return r;
  });
  return {
    name: "@coro/task (Awaiter, arena)",
    ops: N,
    run: () => {
      const r = syncAwait(main());
      arena.release();
      return r;
    },
  };
}

/**
 * The floor of the arena row: W1 with the same three-parameter subtask called as
 * `subtask(0, arena, i)`, no `allocatorArg`, so it passes the same arguments and takes the
 * ordinary path. What the arena row costs beyond this is the allocator's own path (the call's
 * check, the task's allocator made the environment of its step). Its own literals, not a flag of
 * `arenaContender`: closures of one literal share feedback, and the call sites would see both.
 */
export function threeArgumentContender(): Contender {
  const rd = new ReadyRead();
  const arena = new ArenaResource({ initialSize: 1024 });
  const subtask = task(function* (_notTag: number, _arena: unknown, i: number) {
    return yield* rd.arm(i);
  });
  const main = task(function* () {
    let r = 0;
    for (let i = 0; i < N; i++) r += yield* subtask(0, arena, i);
    return r;
  });
  return {
    name: "@coro/task (Awaiter, 3 arguments, no allocator)",
    ops: N,
    run: () => syncAwait(main()),
  };
}

/** W4's argument and answer. */
export const FIB_N = 20;
/** `fib(20)` = 6765. */
export const FIB_EXPECTED = 6765;
/** Calls made by one `fib(20)`. */
export const FIB_CALLS = 21891;

/** Fresh contenders for W4. */
export function fibContenders(): Contender[] {
  const ops = FIB_CALLS;
  const coroFib = task(function* (n: number): Body<number> {
    if (n < 2) return n;
    return (yield* coroFib(n - 1)) + (yield* coroFib(n - 2));
  });
  function* rawFib(n: number): Generator<never, number> {
    if (n < 2) return n;
    return (yield* rawFib(n - 1)) + (yield* rawFib(n - 2));
  }
  const syncFib = (n: number): number => n < 2 ? n : syncFib(n - 1) + syncFib(n - 2);
  const asyncFib = async (n: number): Promise<number> =>
    n < 2 ? n : (await asyncFib(n - 1)) + (await asyncFib(n - 2));
  const qFib = quansync(function* (n: number): Generator<unknown, number, unknown> {
    if (n < 2) return n;
    return (yield* qFib(n - 1)) + (yield* qFib(n - 2));
  });
  const gFib = gensync(function* (n: number): Generator<unknown, number, unknown> {
    if (n < 2) return n;
    return (yield* gFib(n - 1)) + (yield* gFib(n - 2));
  });
  const eFib: (n: number) => Effect.Effect<number> = Effect.fnUntraced(function* (n: number) {
    if (n < 2) return n;
    return (yield* eFib(n - 1)) + (yield* eFib(n - 2));
  });
  const eGen = (n: number): Effect.Effect<number> =>
    Effect.gen(function* () {
      if (n < 2) return n;
      return (yield* eGen(n - 1)) + (yield* eGen(n - 2));
    });
  function* fxFib(n: number): effection.Operation<number> {
    if (n < 2) return n;
    return (yield* fxFib(n - 1)) + (yield* fxFib(n - 2));
  }
  function* coFib(n: number): Generator<unknown, number, number> {
    if (n < 2) return n;
    return (yield coFib(n - 1)) + (yield coFib(n - 2));
  }
  const n = FIB_N;
  return [
    { name: "@coro/task", ops, run: () => syncAwait(coroFib(n)) },
    { name: "raw yield*", ops, run: () => rawFib(n).next().value },
    { name: "sync functions", ops, run: () => syncFib(n) },
    { name: "async/await", ops, run: () => asyncFib(n), async: true },
    { name: "quansync sync", ops, run: () => qFib.sync(n) },
    { name: "quansync async", ops, run: () => qFib.async(n), async: true },
    { name: "gensync sync", ops, run: () => gFib.sync(n) },
    { name: "gensync async", ops, run: () => gFib.async(n), async: true },
    { name: "Effect fnUntraced", ops, run: () => Effect.runSync(eFib(n)) },
    { name: "Effect.gen", ops, run: () => Effect.runSync(eGen(n)) },
    { name: "Effection", ops, run: () => effection.run(() => fxFib(n)), async: true },
    { name: "co", ops, run: () => co(coFib, n), async: true },
  ];
}
