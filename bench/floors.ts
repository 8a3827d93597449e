/**
 * Floors: for targets the library misses, the least this design can cost, measured in the same
 * run as the library and the target's reference. Each floor is a small model written here, in the
 * bench; it is not library code and carries none of the library's guarantees (no cancellation,
 * no allocator environment, no frames, no misuse errors, no re-entrancy). What a model leaves out
 * is what the library pays for; what it keeps is what any implementation of the design pays.
 *
 * - W4, `fib(20)` with every call a task (target ≤ 1.2× raw `yield*`): a generator in a
 *   2-field wrapper that is its own iterator; and a variant of the design without the wrapper, where
 *   the body's generator object is the task, alone and in a program of 17 task functions (where
 *   it loses its lead: its state accesses see one map per task function).
 * - W2, a value handed over through a future whose `awaitSuspend` returns false (suspension
 *   bookkeeping, no wake path), and the same resumed from outside (target ≤ 0.5× a Promise): a
 *   task wrapper, an op object per suspension and a driver loop.
 * - `PoolResource` allocate+deallocate pairs of 64 bytes (target ≤ 5 ns with validation): the
 *   same free list and counters without the pointer checks.
 *
 * @module
 */

import { PoolResource } from "./_coro.ts";
import { type Contender, type Measurement, verifyAndMeasure } from "./_harness.ts";
import { type FloorTable, fmtNs, fmtRatio, nsOf } from "./_report.ts";
import { FIB_CALLS, FIB_EXPECTED, FIB_N, fibContenders } from "./compose.ts";
import { EXPECTED_FUT, futureContenders, N as W2_N } from "./futures.ts";

/** Row names of the floor tables (and the library rows they are read against). */
export const FLOOR_ROWS = {
  w4Coro: "@coro/task",
  w4Raw: "raw yield*",
  w4Floor: "floor: generator in a 2-field wrapper",
  w4GenFloor: "variant: the generator is the task (one state property)",
  w4GenMany: "variant: the same, its methods also serving 16 other task functions",
  w2Coro: "@coro/task (awaitSuspend returns false)",
  w2Floor: "floor: task wrapper + await op + driver loop",
  w2CoroOutside: "@coro/task (resumed from outside)",
  w2FloorOutside: "floor: the same, resumed from outside (op.resume() runs the loop)",
  w2Raw: "raw generator + driver",
  w2Promise: "async/await (new Promise)",
  pool: "PoolResource",
  poolFloor: "floor: the same free list without validation",
} as const;
const R = FLOOR_ROWS;

/** The pool target, ns per allocate+deallocate pair. */
export const POOL_LIMIT_NS = 5;
/** Pairs per pool run. */
export const PAIRS = 1000;
const BLOCK = 64;

/** `%GeneratorPrototype%.next`, called directly (as the library's `Task.next` does). */
const generatorNext = Object.getPrototypeOf(function* () {}).prototype.next as (
  this: Generator,
  input: unknown,
) => IteratorResult<unknown>;

/** The contenders of `all` named in `names`, in that order (throws if one is missing). */
function pick(all: Contender[], names: string[]): Contender[] {
  return names.map((n) => {
    const c = all.find((c) => c.name === n);
    if (!c) throw new Error(`Floors: no contender ${n}`);
    return c;
  });
}

// --- W4 ----------------------------------------------------------------------------------------

/**
 * The W4 floor: the least a Task object that is its own iterator can cost. A class of two fields
 * (`_gen`, `_state`), a wrapper per task function that checks `arguments.length` and constructs
 * it around the body's generator, `[Symbol.iterator]` checking the state (await once), and
 * `next()` calling `%GeneratorPrototype%.next` directly and setting the state. Left out: the
 * library's inline-depth budget (`rt.room`) and its move to the driver's stack, frames, the
 * allocator argument, extras, `throw`/`return` bookkeeping, stack notes, the driver `syncAwait`
 * sets up per run.
 */
const ARMED = 0, RUNNING = 1, DONE = 2;
class FloorTask<T> {
  _gen: Generator<never, T, unknown>;
  _state: number;
  constructor(gen: Generator<never, T, unknown>) {
    this._gen = gen;
    this._state = ARMED;
  }
  [Symbol.iterator](): this {
    if (this._state !== ARMED) throw new TypeError("floor: a task is awaited once");
    return this;
  }
  next(input?: unknown): IteratorResult<never, T> {
    const r = generatorNext.call(this._gen, input) as IteratorResult<never, T>;
    this._state = r.done ? DONE : RUNNING;
    return r;
  }
}

/** The floor's `task()` for bodies of one parameter. */
function floorTask<T>(
  body: (a0: number) => Generator<never, T, unknown>,
): (a0: number) => FloorTask<T> {
  return function (this: unknown, a0: number): FloorTask<T> {
    if (arguments.length !== 1) throw new TypeError("floor: one argument");
    return new FloorTask(body.call(this, a0));
  };
}

/**
 * Another design, not this one's floor: no Task object at all. `task()` gives the body a
 * `prototype` inheriting from `%GeneratorPrototype%` with the task's `[Symbol.iterator]` and
 * `next`, so calling the body returns a generator that is the task; its state is one property on
 * the generator (V8 keeps it in the object: ~8 bytes against a 64-byte Task). Left out as above,
 * plus what moving a task (`move()`) would need once the coroutine is the object.
 */
const GenTaskPrototype = Object.create(Object.getPrototypeOf(function* () {}).prototype, {
  [Symbol.iterator]: {
    value(this: { _s?: number }) {
      if (this._s !== undefined) throw new TypeError("floor: a task is awaited once");
      return this;
    },
  },
  next: {
    value(this: Generator & { _s?: number }, input?: unknown) {
      const r = generatorNext.call(this, input);
      this._s = r.done ? DONE : RUNNING;
      return r;
    },
  },
});

/** W4 with the generator as the task. */
export function fibGeneratorTask(): Contender {
  function* body(n: number): Generator<never, number, unknown> {
    if (n < 2) return n;
    return (yield* fib(n - 1)) + (yield* fib(n - 2));
  }
  body.prototype = Object.create(GenTaskPrototype);
  const fib = function (this: unknown, n: number) {
    if (arguments.length !== 1) throw new TypeError("floor: one argument");
    return body.call(this, n);
  };
  const n = FIB_N;
  return {
    name: R.w4GenFloor,
    ops: FIB_CALLS,
    run: () => fib(n)[Symbol.iterator]().next().value,
  };
}

/**
 * The same design as {@linkcode fibGeneratorTask} in a program with more than one task function.
 * Each task function's generators have a map of their own (V8 keys a generator's map on its
 * function), so the shared `next()` reads and writes the state property on as many maps as there
 * are task functions: past four, its property accesses go megamorphic, where a Task class keeps
 * one map whatever the program. Written as a class, apart from `GenTaskPrototype`, so that the
 * single-function row above keeps its own, monomorphic feedback.
 */
class SharedGenTask {
  declare _s: number | undefined;
  [Symbol.iterator](): this {
    if (this._s !== undefined) throw new TypeError("floor: a task is awaited once");
    return this;
  }
  next(input?: unknown): IteratorResult<unknown> {
    const r = generatorNext.call(this as unknown as Generator, input);
    this._s = r.done ? DONE : RUNNING;
    return r;
  }
}
Object.setPrototypeOf(SharedGenTask.prototype, Object.getPrototypeOf(function* () {}).prototype);

/** Other task functions of the {@linkcode SharedGenTask} design, to run before each `fib`. */
const OTHER_TASK_FUNCTIONS = 16;

/** W4 with the generator as the task, in a program of 17 task functions. */
export function fibGeneratorTaskMany(): Contender {
  const task = <A extends unknown[], T>(body: (...a: A) => Generator<never, T, unknown>) => {
    body.prototype = Object.create(SharedGenTask.prototype);
    return body as (...a: A) => Generator<never, T, unknown> & SharedGenTask;
  };
  const fib = task(function* (n: number): Generator<never, number, unknown> {
    if (n < 2) return n;
    return (yield* fib(n - 1)) + (yield* fib(n - 2));
  });
  // Distinct generator functions (one literal would give one map): each its own compiled source.
  const others = Array.from(
    { length: OTHER_TASK_FUNCTIONS },
    (_, k) =>
      task(
        new Function(`return function* (n) { return n + ${k}; }`)() as (
          n: number,
        ) => Generator<never, number, unknown>,
      ),
  );
  const runOthers = () => {
    let sum = 0;
    for (const t of others) sum += t(1)[Symbol.iterator]().next().value as number;
    return sum;
  };
  const expectedOthers = runOthers();
  const n = FIB_N;
  return {
    name: R.w4GenMany,
    ops: FIB_CALLS,
    run: () => {
      // Keeps the shared methods' feedback seeing every task function (a few ns per run).
      if (runOthers() !== expectedOthers) throw new Error("floor: other task functions");
      return fib(n)[Symbol.iterator]().next().value;
    },
  };
}

/** W4's floor contender: `fib(20)` with every call a {@linkcode FloorTask}. */
export function fibFloor(): Contender {
  const fib: (n: number) => FloorTask<number> = floorTask(function* (n: number) {
    if (n < 2) return n;
    return (yield* fib(n - 1)) + (yield* fib(n - 2));
  });
  const n = FIB_N;
  return { name: R.w4Floor, ops: FIB_CALLS, run: () => fib(n)[Symbol.iterator]().next().value };
}

// --- W2 ----------------------------------------------------------------------------------------

/** What a model's awaitable is: the paper's three calls. */
interface ModelAwaitable {
  awaitReady(): boolean;
  awaitSuspend(op: unknown): boolean | void;
  awaitResume(): number;
}

/**
 * A model of the design's await path and nothing else, like the library one set of classes for
 * every awaitable: a task wrapper whose `next()` forwards to the generator; an `Op` allocated per
 * suspension, which `yield*` drives: its first `next()` yields `{done: false, value: op}` up the
 * chain, its second returns `{done: true, value: awaitable.awaitResume()}`; a driver loop that
 * checks `instanceof Op`, calls `awaitSuspend(op)`, and on `false` resumes at once, else leaves
 * the loop until `op.resume()` runs it again. Left out: ambient domain, context and allocator
 * captured per await, the spent flag, the trampoline (a resume from inside `awaitSuspend` would
 * recurse here), the decision check, affinity, the explicit stack of segments, errors.
 *
 * Module-level classes, not made per contender: closures made by one function literal share its
 * feedback, so two copies of a model made by one factory measured 2-3x slower than one (fresh,
 * monomorphic) model alone, as their sites saw two classes each and `instanceof` a non-constant.
 */
class Op {
  awaitable: ModelAwaitable;
  owner: ModelDriver | null = null;
  yielded = false;
  constructor(awaitable: ModelAwaitable) {
    this.awaitable = awaitable;
  }
  next(): IteratorResult<Op, number> {
    if (!this.yielded) {
      this.yielded = true;
      return { done: false, value: this };
    }
    return { done: true, value: this.awaitable.awaitResume() };
  }
  resume(): void {
    this.owner!.run();
  }
}

/** The ready path of the protocol (unused by W2, where nothing is ready): one shared iterator. */
const readyIterator = {
  awaitable: null as ModelAwaitable | null,
  next(): IteratorResult<Op, number> {
    return { done: true, value: this.awaitable!.awaitResume() };
  },
};

/** What a model awaitable's `[Symbol.iterator]()` returns: the ready iterator or a fresh op. */
function iterate(a: ModelAwaitable): Iterator<Op, number, unknown> {
  if (!a.awaitReady()) return new Op(a);
  readyIterator.awaitable = a;
  return readyIterator;
}

class TaskWrapper {
  _gen: Generator<Op, number, unknown>;
  constructor(gen: Generator<Op, number, unknown>) {
    this._gen = gen;
  }
  next(input?: unknown): IteratorResult<Op, number> {
    return generatorNext.call(this._gen, input) as IteratorResult<Op, number>;
  }
}

class ModelDriver {
  finished = false;
  result = 0;
  constructor(readonly task: TaskWrapper) {}
  run(): void {
    const task = this.task;
    for (;;) {
      const r = task.next(undefined);
      if (r.done) {
        this.finished = true;
        this.result = r.value;
        return;
      }
      const op = r.value;
      if (!(op instanceof Op)) throw new TypeError("floor: a plain yield");
      op.owner = this;
      if (op.awaitable.awaitSuspend(op) !== false) return; // suspended until op.resume()
    }
  }
}

/** The model's `task()`: a task function making a wrapper around the body's generator. */
const wrapModel = (body: (k: number) => Generator<Op, number, unknown>) => (k: number) =>
  new TaskWrapper(body(k));

/** W2 floor: the future produces inside `awaitSuspend` and returns false. */
export function inlineFloor(): Contender {
  let count = 0;
  class InlineFuture implements ModelAwaitable {
    value = 0;
    awaitReady(): boolean {
      return false;
    }
    awaitSuspend(_op: unknown): boolean {
      this.value = count--;
      return false;
    }
    awaitResume(): number {
      return this.value;
    }
    [Symbol.iterator]() {
      return iterate(this);
    }
  }
  const consumer = wrapModel(function* (n: number) {
    let r = 0;
    count = n;
    for (let i = 0; i < n; i++) r += yield* new InlineFuture();
    return r;
  });
  return {
    name: R.w2Floor,
    ops: W2_N,
    run: () => {
      const d = new ModelDriver(consumer(W2_N));
      d.run();
      return d.result;
    },
  };
}

/**
 * W2 floor, resumed from outside: the future stores the op (its handle) in `awaitSuspend`; the
 * producer sets the value and calls `op.resume()`, which runs the driver loop until the consumer
 * suspends on the next future.
 */
export function outsideFloor(): Contender {
  class Future implements ModelAwaitable {
    value = 0;
    handle: { resume(): void } | null = null;
    awaitReady(): boolean {
      return false;
    }
    awaitSuspend(op: { resume(): void }): void {
      this.handle = op;
    }
    awaitResume(): number {
      return this.value;
    }
    [Symbol.iterator]() {
      return iterate(this);
    }
  }
  const slot = { f: null as Future | null };
  const consumer = wrapModel(function* (n: number) {
    let r = 0;
    for (let i = 0; i < n; i++) {
      const f = new Future();
      slot.f = f;
      r += yield* f;
    }
    return r;
  });
  return {
    name: R.w2FloorOutside,
    ops: W2_N,
    run: () => {
      const d = new ModelDriver(consumer(W2_N));
      d.run();
      let count = W2_N;
      while (!d.finished) {
        const f = slot.f!;
        slot.f = null;
        f.value = count--;
        f.handle!.resume();
      }
      return d.result;
    },
  };
}

// --- PoolResource ------------------------------------------------------------------------------

/** What the pool contenders call. */
interface Pool {
  allocate(bytes: number, align?: number): number;
  deallocate(ptr: number, bytes: number, align?: number): void;
}

const GRANULE_BITS = 10;
const GRANULE = 1 << GRANULE_BITS;
const MIN_CLASS = 8;

/**
 * The pool floor: `PoolResource`'s free list (src/memory/pool_resource.ts, _pool_blocks.ts)
 * without its validation. Size classes of powers of two from 8 bytes; per class an `Int32Array`
 * head of a LIFO free list linked through a slot table (`slotNext`, 1 + the next free slot), the
 * slot of an address found through a table of 1 KiB granules, blocks carved from granule-aligned
 * chunks; the same four counters, kept in fields of the pool. Left out: the argument check, the
 * pointer checks of `deallocate` (integer, class-aligned, this pool's chunk of this class, live,
 * the size it was allocated with) and the `~bytes` store that makes the last two possible,
 * oversized blocks, upstream, release. Addresses are numbers only (no memory behind them): the
 * library never reads a block's memory on this path either.
 */
export class FloorPool implements Pool {
  allocations = 0;
  deallocations = 0;
  bytesInUse = 0;
  peakBytes = 0;
  readonly #head = new Int32Array(10); // classes 8 B .. 4 KiB
  readonly #cur = new Int32Array(10);
  readonly #end = new Int32Array(10);
  #granuleSlot: Int32Array = new Int32Array(64);
  #slotPtr: Int32Array = new Int32Array(256);
  #slotNext: Int32Array = new Int32Array(256);
  #slots = 0;
  #top = GRANULE; // the next free address of the model's address space

  allocate(bytes: number, align = 8): number {
    const n = bytes > align ? bytes : align;
    const c = n <= MIN_CLASS ? 0 : 29 - Math.clz32(n - 1);
    const head = this.#head[c];
    if (head === 0) return this.#carve(bytes, c);
    const slot = head - 1;
    this.#head[c] = this.#slotNext[slot];
    this.allocations++;
    const inUse = this.bytesInUse + bytes;
    this.bytesInUse = inUse;
    if (inUse > this.peakBytes) this.peakBytes = inUse;
    return this.#slotPtr[slot];
  }

  deallocate(ptr: number, bytes: number, align = 8): void {
    const n = bytes > align ? bytes : align;
    const c = n <= MIN_CLASS ? 0 : 29 - Math.clz32(n - 1);
    const slot = this.#granuleSlot[ptr >>> GRANULE_BITS] - 1 + ((ptr & (GRANULE - 1)) >> (3 + c));
    this.#slotNext[slot] = this.#head[c];
    this.#head[c] = slot + 1;
    this.deallocations++;
    this.bytesInUse -= bytes;
  }

  #carve(bytes: number, c: number): number {
    if (this.#cur[c] === this.#end[c]) this.#addChunk(c);
    const slot = this.#cur[c]++;
    this.allocations++;
    const inUse = this.bytesInUse + bytes;
    this.bytesInUse = inUse;
    if (inUse > this.peakBytes) this.peakBytes = inUse;
    return this.#slotPtr[slot];
  }

  #addChunk(c: number): void {
    const size = MIN_CLASS << c;
    const align = Math.max(size, GRANULE);
    const blocks = Math.max(1, (4 * GRANULE) / size);
    const base = Math.ceil(this.#top / align) * align;
    this.#top = base + blocks * size;
    const first = this.#slots;
    this.#slots += blocks;
    while (this.#slots > this.#slotPtr.length) {
      this.#slotPtr = grow(this.#slotPtr);
      this.#slotNext = grow(this.#slotNext);
    }
    while (this.#top >> GRANULE_BITS > this.#granuleSlot.length) {
      this.#granuleSlot = grow(this.#granuleSlot);
    }
    for (let i = 0; i < blocks; i++) this.#slotPtr[first + i] = base + i * size;
    for (let g = base >> GRANULE_BITS; g < this.#top >> GRANULE_BITS; g++) {
      this.#granuleSlot[g] = 1 + first + Math.floor(((g << GRANULE_BITS) - base) / size);
    }
    this.#cur[c] = first;
    this.#end[c] = first + blocks;
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** The pool contenders: `PAIRS` allocate+deallocate pairs of 64 bytes per run. */
export function poolContenders(): Contender[] {
  // Each contender has its own loop, so its call sites see one pool class only.
  const lib = new PoolResource();
  const floor = new FloorPool();
  const counts = (s: { allocations: number; deallocations: number; bytesInUse: number }) => [
    s.allocations,
    s.deallocations,
    s.bytesInUse,
  ];
  const delta = (a: number[], b: number[]) => b.map((v, i) => v - a[i]);
  return [
    {
      name: R.pool,
      ops: PAIRS,
      run: () => {
        const before = counts(lib.stats);
        for (let i = 0; i < PAIRS; i++) lib.deallocate(lib.allocate(BLOCK), BLOCK);
        return delta(before, counts(lib.stats));
      },
    },
    {
      name: R.poolFloor,
      ops: PAIRS,
      run: () => {
        const before = counts(floor);
        for (let i = 0; i < PAIRS; i++) floor.deallocate(floor.allocate(BLOCK), BLOCK);
        return delta(before, counts(floor));
      },
    },
  ];
}

/** The pool answer: `PAIRS` allocations and deallocations, nothing left in use. */
export const POOL_EXPECTED: number[] = [PAIRS, PAIRS, 0];

// --- the tables --------------------------------------------------------------------------------

/** How far `row` is from `ref` (a row name) in `rows`, as `1.23×`. */
const ratio = (rows: Measurement[], row: string, ref: string) =>
  fmtRatio(nsOf(rows, row) / nsOf(rows, ref));

/**
 * Measures the floors next to the library and the targets' references; one table each. `reuse`
 * passes the contenders W4 and W2 measured in this run, if they ran: a second set made by
 * `fibContenders()` shares the feedback of the first (same function literals) while being other
 * closures, so its recursive calls see two targets and stop being inlined (both `@coro/task` and
 * raw `yield*` measured ~1.6x slower than the first set in one process).
 */
export async function floorTables(
  reuse: { fib?: Contender[]; futures?: Contender[] } = {},
): Promise<FloorTable[]> {
  const w4 = await verifyAndMeasure(
    "Floors W4",
    [
      ...pick(reuse.fib ?? fibContenders(), [R.w4Coro, R.w4Raw]),
      fibFloor(),
      fibGeneratorTask(),
      fibGeneratorTaskMany(),
    ],
    FIB_EXPECTED,
  );
  const [w2Coro, w2CoroOutside, w2Raw, w2Promise] = pick(reuse.futures ?? futureContenders(), [
    R.w2Coro,
    R.w2CoroOutside,
    R.w2Raw,
    R.w2Promise,
  ]);
  const w2 = await verifyAndMeasure(
    "Floors W2",
    [w2Coro, inlineFloor(), w2CoroOutside, outsideFloor(), w2Raw, w2Promise],
    EXPECTED_FUT,
  );
  const pool = await verifyAndMeasure("Floors Pool", poolContenders(), POOL_EXPECTED);
  const poolNs = nsOf(pool, R.pool), floorNs = nsOf(pool, R.poolFloor);
  return [
    {
      id: "W4",
      title: "`fib(20)`, every call a task (target ≤ 1.2× raw `yield*`)",
      about: `ns per call (${FIB_CALLS} calls per run). The floor is a generator in a ` +
        "2-field wrapper that is its own iterator (`fibFloor` in `bench/floors.ts`): the least " +
        "a Task object can cost on this path.",
      rows: w4,
      refs: [R.w4Raw, R.w4Coro],
      notes: [
        `Target ≤ 1.2× raw yield*: @coro/task ${ratio(w4, R.w4Coro, R.w4Raw)}, floor ` +
        `${ratio(w4, R.w4Floor, R.w4Raw)}; without a Task object (the generator is the task) ` +
        `${ratio(w4, R.w4GenFloor, R.w4Raw)} with one task function, but ` +
        `${ratio(w4, R.w4GenMany, R.w4Raw)} in a program of ${OTHER_TASK_FUNCTIONS + 1}, where ` +
        "its state accesses see one map per task function.",
      ],
    },
    {
      id: "W2",
      title: "a value handed over through a future (target ≤ 0.5× a Promise)",
      about: `ns per hand-over (${W2_N} per run). \`awaitSuspend returns false\`: suspension ` +
        "bookkeeping without a wake path; `resumed from outside`: the producer resumes the " +
        "handle. The floors model the design and nothing else: a task wrapper, an op object per " +
        "suspension, a driver loop (`Op`, `ModelDriver` in `bench/floors.ts`).",
      rows: w2,
      refs: [R.w2Promise, R.w2Raw],
      notes: [
        `Target ≤ 0.5× async/await (new Promise), resumed from outside: @coro/task ` +
        `${ratio(w2, R.w2CoroOutside, R.w2Promise)}, floor ` +
        `${ratio(w2, R.w2FloorOutside, R.w2Promise)}; awaitSuspend returns false: @coro/task ` +
        `${ratio(w2, R.w2Coro, R.w2Promise)}, floor ${ratio(w2, R.w2Floor, R.w2Promise)}.`,
      ],
    },
    {
      id: "Pool",
      title: `\`PoolResource\` allocate+deallocate pair, ${BLOCK} B (target ≤ ${POOL_LIMIT_NS} ns)`,
      about: `ns per pair (${PAIRS} pairs per run). The floor is the same free list and ` +
        "counters without the pointer checks (`FloorPool` in `bench/floors.ts`).",
      rows: pool,
      refs: [{ label: `${POOL_LIMIT_NS} ns`, ns: POOL_LIMIT_NS }, R.pool],
      notes: [
        `Target ≤ ${POOL_LIMIT_NS} ns with validation: PoolResource ${fmtNs(poolNs)} ns, floor ` +
        `without validation ${fmtNs(floorNs)} ns; validation costs ${fmtNs(poolNs - floorNs)} ns ` +
        "a pair here.",
      ],
    },
  ];
}
