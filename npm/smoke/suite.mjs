// The smoke suite for the npm package, shared by every host CI runs it in (Node, Bun, Chromium,
// `node --jitless`). Plain JavaScript with no host API beyond timers, so the same file runs
// everywhere; each section returns its checks and the runner decides how to report them.
//
//   runSuite(lib, ["tasks", "cancellation", "groups", "allocators"])  // the full run
//   runSuite(lib, ["nowasm", "plain", "tasks", "cancellation", "groups"])  // node --jitless

/** Section name -> async function (lib, check) that runs its checks. */
export const SECTIONS = {
  // Run first under `node --jitless`: proves that the sections after it ran without WebAssembly.
  nowasm(lib, check) {
    check("WebAssembly is unavailable in this host", typeof WebAssembly === "undefined");
    let refused;
    try {
      new lib.ArenaResource();
    } catch (e) {
      refused = e;
    }
    check(
      "an allocator is refused with a BadAllocError naming WebAssembly",
      refused instanceof lib.BadAllocError && refused.message.includes("WebAssembly"),
    );
  },

  // Tasks that never suspend and never leave the awaiter's stack need no frame at all. Without
  // WebAssembly (`node --jitless`) the default heap's frames are virtual, so the sections that
  // follow work there too; only allocators (and frameBuffer) need the Wasm heap.
  async plain(lib, check) {
    const { start, syncAwait, task, Task } = lib;
    let ran = 0;
    const leaf = task(function* (x) {
      ran++;
      return x * 2;
    });
    const armed = leaf(1);
    check("a task is lazy: calling it runs nothing", ran === 0 && armed instanceof Task);
    check("syncAwait runs it", syncAwait(armed) === 2 && ran === 1);
    const nested = task(function* (n) {
      return n === 0 ? 0 : 1 + (yield* nested(n - 1));
    });
    check("nested yield* (10 levels)", syncAwait(nested(10)) === 10);
    const boom = new Error("boom");
    const thrower = task(function* () {
      throw boom;
    });
    const parent = task(function* () {
      yield* thrower();
    });
    let caught;
    try {
      syncAwait(parent());
    } catch (e) {
      caught = e;
    }
    check("an exception reaches the awaiter, the same object", caught === boom);
    check("start() of a task that never suspends", (await start(leaf(4))) === 8);
    const awaited = await (async () => await leaf(6))().then(() => undefined, (e) => e);
    check(
      "`await` on a task rejects with a TypeError naming yield*",
      awaited instanceof TypeError && awaited.message.includes("yield*"),
    );
    const all = await Promise.all([leaf(7)]).then(() => undefined, (e) => e);
    check("Promise.all of a task rejects with a TypeError", all instanceof TypeError);
    const dropped = leaf(5);
    dropped.destroy();
    check("destroy() of an armed task runs nothing", dropped.status === "destroyed" && ran === 2);
  },

  async tasks(lib, check) {
    const { sleep, start, syncAwait, task } = lib;
    const deep = task(function* (n) {
      return n === 0 ? 0 : 1 + (yield* deep(n - 1));
    });
    check(
      "100,000 nested awaits (stack-safe)",
      syncAwait(deep(100_000)) === 100_000,
    );
    const napping = task(function* (ms, v) {
      yield* sleep(ms);
      return v;
    });
    const parent = task(function* () {
      const a = yield* napping(2, "a");
      const b = yield* napping(1, "b");
      return a + b;
    });
    check("start() with suspensions", (await start(parent())) === "ab");
    const leafTask = task(function* leafTask() {
      yield* sleep(1);
      throw new Error("deep");
    });
    const midTask = task(function* midTask() {
      yield* leafTask();
    });
    const topTask = task(function* topTask() {
      yield* midTask();
    });
    const deepError = await start(topTask()).then(() => undefined, (e) => e);
    const stack = String(deepError?.stack);
    const at = (name) => stack.lastIndexOf(name);
    check(
      "an error's stack names each task level in order, then start()",
      at("leafTask") >= 0 && at("leafTask") < at("midTask") && at("midTask") < at("topTask") &&
        at("topTask") < stack.lastIndexOf("start"),
    );
    let caught;
    try {
      syncAwait(napping(1, "x"));
    } catch (e) {
      caught = e;
    }
    check(
      "syncAwait on a host wait throws SyncAwaitError",
      caught instanceof lib.SyncAwaitError,
    );
  },

  async cancellation(lib, check) {
    const {
      CancellationDomain,
      CancelledError,
      sleep,
      start,
      task,
      withDomain,
    } = lib;
    const log = [];
    const sleeper = task(function* (name) {
      try {
        yield* sleep(60_000);
        log.push(`${name} woke`);
      } finally {
        log.push(`${name} finally`);
      }
    });
    const controller = new AbortController();
    const running = start(sleeper("a"), { signal: controller.signal });
    controller.abort();
    const outcome = await running.then(() => "resolved", (e) => e);
    check(
      "an aborted signal cancels start()",
      outcome instanceof CancelledError,
    );
    check("the cancelled task's finally ran", log.join() === "a finally");

    const domain = new CancellationDomain();
    const inDomain = start(
      task(function* () {
        yield* withDomain(domain, sleeper("b"));
      })(),
    );
    domain.cancel();
    const second = await inDomain.then(() => "resolved", (e) => e);
    check(
      "domain.cancel() reaches a task in withDomain",
      second instanceof CancelledError,
    );
    check("its finally ran", log.join() === "a finally,b finally");
  },

  async groups(lib, check) {
    const { sleep, start, syncAwait, task, whenAll, whenAny } = lib;
    const leaf = task(function* (x) {
      return x * 2;
    });
    const both = syncAwait(whenAll(leaf(2), leaf(3)));
    check("whenAll of tasks that finish inline", both[0] === 4 && both[1] === 6);
    const first = syncAwait(whenAny(leaf(5), leaf(6)));
    check("whenAny of tasks that finish inline", first.index === 0 && first.value === 10);
    const unwound = [];
    const after = task(function* (ms, v) {
      try {
        yield* sleep(ms);
        return v;
      } finally {
        unwound.push(v);
      }
    });
    const all = await start(whenAll(after(3, 1), after(1, 2), after(2, 3)));
    check("whenAll returns the tuple in order", all.join() === "1,2,3");
    unwound.length = 0;
    const any = await start(whenAny(after(60_000, "slow"), after(1, "fast")));
    check(
      "whenAny gives the first to finish",
      any.index === 1 && any.value === "fast",
    );
    check(
      "the loser was cancelled and unwound",
      unwound.sort().join() === "fast,slow",
    );
    const boom = new Error("boom");
    const failing = task(function* () {
      yield* sleep(1);
      throw boom;
    });
    const failed = await start(whenAll(after(60_000, "x"), failing())).then(
      () => 0,
      (e) => e,
    );
    check(
      "a failure in whenAll cancels the others and is rethrown",
      failed === boom,
    );
  },

  async allocators(lib, check) {
    const {
      allocatorArg,
      ArenaResource,
      frameBuffer,
      getDefaultResource,
      PoolResource,
      sleep,
      start,
      syncAwait,
      task,
    } = lib;
    const heap = getDefaultResource();
    const before = heap.stats.bytesInUse;
    const arena = new ArenaResource({ initialSize: 4096 });
    const worker = task(function* (_tag, _alloc, n) {
      const buf = yield* frameBuffer(n);
      for (let i = 0; i < n; i++) buf[i] = i & 0xff;
      yield* sleep(1); // suspends: the frame and the buffer must survive
      let sum = 0;
      for (let i = 0; i < n; i++) sum += buf[i];
      return sum;
    });
    check(
      "frameBuffer survives a suspension",
      (await start(worker(allocatorArg, arena, 64))) === 2016,
    );
    check(
      "the frame and the buffer came from the arena",
      arena.stats.allocations >= 2,
    );
    arena[Symbol.dispose]();

    const pool = new PoolResource();
    const p = pool.allocate(48);
    pool.deallocate(p, 48);
    check(
      "a pool hands out the most recently freed block",
      pool.allocate(48) === p,
    );
    pool.deallocate(p, 48);
    pool.release();

    const resizable = typeof WebAssembly.Memory.prototype.toResizableBuffer === "function";
    if (resizable) {
      const holder = task(function* () {
        const held = yield* frameBuffer(32);
        held.fill(9);
        const grow = heap.allocate(128 << 20); // grows the heap under the live buffer
        heap.deallocate(grow, 128 << 20);
        return held.length === 32 && held[31] === 9;
      });
      check("a frameBuffer stays valid while the heap grows", syncAwait(holder()));
    }
    const big = heap.allocate(256 << 20); // grows the heap: views are re-derived
    heap.deallocate(big, 256 << 20);
    const small = task(function* () {
      const b = yield* frameBuffer(16);
      b.fill(7);
      return b[15];
    });
    check(
      "the heap grows and frameBuffer still works",
      syncAwait(small()) === 7,
    );
    check(
      "nothing leaked from the default heap",
      heap.stats.bytesInUse === before,
    );
  },
};

/** Runs the named sections; returns `{ name, ok }` per check, in order. Never throws. */
export async function runSuite(lib, sections) {
  const results = [];
  for (const section of sections) {
    const check = (name, ok) => results.push({ name: `${section}: ${name}`, ok: ok === true });
    try {
      await SECTIONS[section](lib, check);
    } catch (e) {
      results.push({ name: `${section}: threw ${e?.stack ?? e}`, ok: false });
    }
  }
  return results;
}
