/**
 * `task()` and `Task<T>`: the lazy coroutine task of P1056 (`std::lazy<T>`), written as a
 * generator function.
 *
 * A `Task` is its own iterator: `yield* t` in the awaiting task drives `t` through `next()`,
 * which forwards to the child's generator. So a child that completes synchronously runs on its
 * awaiter's native stack, exactly like a raw `yield*` delegation, with no Promise, microtask or
 * closure. Only when {@linkcode INLINE_LIMIT} tasks are already nested on the native stack does a
 * newly launched task ask the driver, through {@linkcode PUSH_SIGNAL}, to run it on the driver's
 * explicit stack instead: nesting depth is then bounded by memory, not by the native stack.
 *
 * @module
 */

import { allocateBuffer, allocateFrame, freeFrame, resourceOf } from "./_frame.ts";
import { BUFFER_SIGNAL, done, INLINE_LIMIT, PUSH_RESULT, rt, type Suspension } from "./_runtime.ts";
import { allocatorArg } from "./allocator_arg.ts";
import { getDefaultResource } from "./default_resource.ts";
import type { MemoryResource } from "./memory_resource.ts";
import type { Operation, SimpleAwaitable } from "./awaitable.ts";
import { AwaitOp } from "./awaiter.ts";
import { TaskStateError } from "./task_state_error.ts";

/**
 * @ignore Work a task must finish after its body ends and before it completes: the forks it never
 * joined (see `fork.ts`). Set on the task by the first `fork()` it awaits.
 */
export interface TaskScope {
  /**
   * The body ended (`threw`, `outcome`): cancel what is left. Returns null to complete now, or an
   * awaitable the task waits on first; its `awaitResume()` may throw to replace the outcome.
   */
  close(threw: boolean, outcome: unknown, destroying: boolean): SimpleAwaitable<void> | null;
}

/** What a task can be: see {@linkcode Task.status}. */
export type TaskStatus = "armed" | "launched" | "done" | "destroyed" | "empty";

// Internal states. DETACHED: launched, handed to the driver's stack, not yet running there.
// COMPLETED: finished on the driver's stack, outcome not yet taken by the awaiter's `yield*`.
const ARMED = 0;
const RUNNING = 1;
const DETACHED = 2;
const COMPLETED = 3;
const DONE = 4;
const DESTROYED = 5;
const EMPTY = 6;
// DRAINING: the body has ended; the task waits for its unjoined forks before it completes.
const DRAINING = 7;

const STATUS: readonly TaskStatus[] = [
  "armed",
  "launched",
  "launched",
  "done",
  "done",
  "destroyed",
  "empty",
  "launched",
];

/**
 * A lazy task producing a `T`: a coroutine that has not started until it is awaited (paper XX.1.3
 * clause 2.1, the *armed* state). The only thing to do with it is to await it, once: `yield* t`
 * inside another task, or `syncAwait(t)` / `start(t)` from ordinary code.
 *
 * A task has one owner. Awaiting it a second time, or after `move()` or `destroy()`, throws
 * {@linkcode TaskStateError}.
 *
 * @typeParam T The task's eventual type: what `yield* t` evaluates to.
 *
 * @example
 * ```ts
 * import { syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const add = task(function* (a: number, b: number) {
 *   return a + b;
 * });
 * const twice = task(function* (n: number) {
 *   const x = yield* add(n, n); // runs add() now, on this stack
 *   return x;
 * });
 * const t = twice(21);
 * assert.equal(t.status, "armed"); // nothing has run yet
 * assert.equal(syncAwait(t), 42);
 * assert.equal(t.status, "done");
 * ```
 */
export class Task<T> implements Operation<T>, Iterator<Suspension, T, unknown>, Disposable {
  /** @ignore The coroutine body; null once it has ended or been given away. */
  _gen: Generator<Suspension, T, unknown> | null;
  /** @ignore One of the internal states above. */
  _state: number;
  /** @ignore Address of the frame in the Wasm heap, 0 while elided. */
  _frame: number;
  /** @ignore The resource the frame came from, or must come from (allocatorArg). */
  _resource: MemoryResource | null;
  /** @ignore The outcome kept between finishing on the driver's stack and delivery. */
  _outcome: unknown;
  /** @ignore Whether `_outcome` is an exception. */
  _threw: boolean;
  /** @ignore What the task must finish after its body ends (its forks), if anything. */
  _scope: TaskScope | null;
  /** @ignore The wait on `_scope` while draining. */
  _drain: AwaitOp<void> | null;

  /**
   * Tasks are made by calling a function that {@linkcode task} returned; this constructor is
   * internal.
   *
   * @param gen The coroutine body, not yet started.
   * @param resource The frame allocator given with `allocatorArg`, or `null` for the default.
   * @param frame The frame already taken from `resource`, or 0.
   */
  constructor(
    gen: Generator<Suspension, T, unknown>,
    resource: MemoryResource | null,
    frame: number,
  ) {
    this._gen = gen;
    this._state = ARMED;
    this._frame = frame;
    this._resource = resource;
    this._outcome = undefined;
    this._threw = false;
    this._scope = null;
    this._drain = null;
  }

  /**
   * Where the task is in its life: `"armed"` (not started), `"launched"` (awaited and not
   * finished), `"done"` (its body ended), `"destroyed"` or `"empty"` (moved from).
   */
  get status(): TaskStatus {
    return STATUS[this._state];
  }

  /**
   * `yield* t` starts here: the task is its own iterator. Throws {@linkcode TaskStateError} when
   * the task is not armed (awaiting a task twice is an error, paper XX.1.3 clause 2.2).
   */
  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    if (this._state !== ARMED) throw notArmed(this);
    return this;
  }

  /** @ignore Resumes the coroutine; its first call launches it. Driven by `yield*`. */
  next(input?: unknown): IteratorResult<Suspension, T> {
    if (this._state !== RUNNING) {
      if (this._state !== ARMED) return this.#settle(0, input);
      if (rt.depth >= INLINE_LIMIT) return this.#detach();
      this._state = RUNNING;
    }
    const gen = this._gen!;
    let r: IteratorResult<Suspension, T>;
    const outer = rt.task;
    rt.task = this;
    rt.depth++;
    try {
      r = gen.next(input);
      if (!r.done) r = this.#suspending(gen, r);
    } catch (error) {
      rt.depth--;
      rt.task = outer;
      if (this._scope !== null) return this.#close(true, error);
      this.#end();
      throw error;
    }
    rt.depth--;
    rt.task = outer;
    if (r.done) {
      if (this._scope !== null) return this.#close(false, r.value);
      this.#end();
    }
    return r;
  }

  /** @ignore Throws `error` into the coroutine at its suspension point. Driven by `yield*`. */
  throw(error: unknown): IteratorResult<Suspension, T> {
    if (this._state !== RUNNING) return this.#settle(1, error);
    return this.#resumeAbruptly(1, error);
  }

  /** @ignore Unwinds the coroutine through its `finally` blocks. Driven by `yield*`. */
  return(value?: unknown): IteratorResult<Suspension, T> {
    if (this._state !== RUNNING) return this.#settle(2, value);
    return this.#resumeAbruptly(2, value);
  }

  /**
   * Gives the coroutine to a new `Task` and leaves this one `"empty"` (paper XX.1.3.1: the
   * moved-from task refers to no coroutine).
   *
   * @returns The task that now owns the coroutine.
   * @throws {TaskStateError} If the task is running: the awaiter holds it.
   */
  move(): Task<T> {
    if (this._state === RUNNING || this._state === DETACHED || this._state === DRAINING) {
      throw new TaskStateError(
        "cannot move a launched task: its awaiter owns it until it finishes",
        this.status,
      );
    }
    const moved = new Task(this._gen!, this._resource, this._frame);
    moved._state = this._state;
    moved._outcome = this._outcome;
    moved._threw = this._threw;
    this._gen = null;
    this._frame = 0;
    this._outcome = undefined;
    this._state = EMPTY;
    return moved;
  }

  /**
   * Destroys the coroutine (the paper's `~lazy()`). An armed task's body never runs and its frame
   * is freed; a done task only becomes `"destroyed"`; an empty or destroyed one is left alone.
   *
   * @throws {TaskStateError} If the task is launched and has not finished. To stop work in flight,
   * cancel the `CancellationDomain` it runs in: cancellation belongs to domains, not to tasks.
   */
  destroy(): void {
    switch (this._state) {
      case ARMED:
        this._gen!.return(undefined as T); // an unstarted generator ends without running its body
        this.#end();
        this._state = DESTROYED;
        return;
      case COMPLETED:
      case DONE:
        this._outcome = undefined;
        this._state = DESTROYED;
        return;
      case RUNNING:
      case DETACHED:
      case DRAINING:
        throw new TaskStateError(
          "cannot destroy a task that is still running: cancel the CancellationDomain it runs " +
            "in (or the AbortSignal given to start) and let it unwind",
          this.status,
        );
    }
  }

  /** Same as {@linkcode Task.destroy}, so that `using t = f()` destroys an unawaited task. */
  [Symbol.dispose](): void {
    this.destroy();
  }

  /** @ignore Marks a task launched by a driver-level owner (a root, whenAll, fork). */
  _launch(): void {
    if (this._state !== ARMED) throw notArmed(this);
  }

  /** @ignore Called by the driver when it takes a detached task onto its stack. */
  _attach(): void {
    this._state = RUNNING;
  }

  /** @ignore Called by the driver when a detached task ended: keeps the outcome for delivery. */
  _complete(threw: boolean, outcome: unknown): void {
    this._state = COMPLETED;
    this._threw = threw;
    this._outcome = outcome;
  }

  /** Moves this task to the driver's stack: the native stack is deep enough already. */
  #detach(): IteratorResult<Suspension, T> {
    if (this._frame === 0) this.#takeFrame();
    this._state = DETACHED;
    rt.pendingPush = this;
    rt.pushDomain = (rt.driver as { ambient: unknown } | null)?.ambient ?? null;
    return PUSH_RESULT;
  }

  /**
   * The generator yielded: serve `frameBuffer()` requests here (the innermost task owns them),
   * and give the task a frame before it outlives its awaiter's stack (the HALO analogue: a task
   * that never suspends never has one).
   */
  #suspending(
    gen: Generator<Suspension, T, unknown>,
    r: IteratorResult<Suspension, T>,
  ): IteratorResult<Suspension, T> {
    while (!r.done && r.value === BUFFER_SIGNAL) {
      let view: Uint8Array;
      try {
        if (this._frame === 0) this.#takeFrame();
        view = allocateBuffer(this._frame, this._resource!, rt.bufferBytes);
      } catch (error) {
        r = gen.throw(error);
        continue;
      }
      r = gen.next(view);
    }
    if (!r.done && this._frame === 0) {
      try {
        this.#takeFrame();
      } catch (error) {
        return this.#suspending(gen, gen.throw(error));
      }
    }
    return r;
  }

  #resumeAbruptly(mode: 1 | 2, input: unknown): IteratorResult<Suspension, T> {
    const gen = this._gen!;
    let r: IteratorResult<Suspension, T>;
    const outer = rt.task;
    rt.task = this;
    rt.depth++;
    try {
      r = mode === 1 ? gen.throw(input) : gen.return(input as T);
      if (!r.done) r = this.#suspending(gen, r);
    } catch (error) {
      rt.depth--;
      rt.task = outer;
      if (this._scope !== null) return this.#close(true, error);
      this.#end();
      throw error;
    }
    rt.depth--;
    rt.task = outer;
    if (r.done) {
      if (this._scope !== null) return this.#close(false, r.value);
      this.#end();
    }
    return r;
  }

  /**
   * The body ended and the task has forks: free the frame, cancel the forks it never joined, and
   * complete now if none is running, else suspend until they have unwound (state DRAINING).
   */
  #close(threw: boolean, outcome: unknown): IteratorResult<Suspension, T> {
    const scope = this._scope!;
    this._scope = null;
    this.#end();
    const destroying = (rt.driver as { destroying: boolean } | null)?.destroying === true;
    const wait = scope.close(threw, outcome, destroying);
    if (wait !== null && !wait.awaitReady()) {
      this._state = DRAINING;
      this._threw = threw;
      this._outcome = outcome;
      const op = new AwaitOp(wait);
      this._drain = op;
      return op.next() as IteratorResult<Suspension, T>;
    }
    wait?.awaitResume(); // throws a fork's error
    if (threw) throw outcome;
    return done(outcome as T);
  }

  /** `next`/`throw`/`return` on a task that is not running inline. */
  #settle(mode: 0 | 1 | 2, input: unknown): IteratorResult<Suspension, T> {
    const state = this._state;
    if (state === DRAINING) {
      // The forks have unwound (or the awaiter is unwinding): complete with the body's outcome.
      const op = this._drain!;
      const threw = this._threw;
      const outcome = this._outcome;
      this._drain = null;
      this._outcome = undefined;
      this._state = DONE;
      if (mode !== 0) {
        op.return(); // destroyed while waiting: the forks are destroyed too
        if (mode === 1) throw input;
        return done(input as T);
      }
      op.next(); // throws a fork's error
      if (threw) throw outcome;
      return done(outcome as T);
    }
    if (state === COMPLETED) {
      // The driver ran this task to its end; hand its outcome to the awaiter's `yield*`.
      const outcome = this._outcome;
      this._outcome = undefined;
      this._state = DONE;
      if (mode === 1) throw input;
      if (mode === 2) return done(input as T);
      if (this._threw) throw outcome;
      return done(outcome as T);
    }
    if (state === DETACHED || state === ARMED) {
      // The awaiter is being unwound before this task ever ran: it never will.
      this._gen!.return(undefined as T);
      this.#end();
      this._state = DESTROYED;
      if (mode === 1) throw input;
      if (mode === 2) return done(input as T);
    }
    throw notArmed(this);
  }

  #takeFrame(): void {
    const resource = this._resource ?? getDefaultResource();
    this._frame = allocateFrame(resource);
    this._resource = resource;
  }

  /** The body ended by any path: free the frame and its buffers before anyone resumes. */
  #end(): void {
    this._state = DONE;
    this._gen = null;
    if (this._frame !== 0) {
      const frame = this._frame;
      this._frame = 0;
      freeFrame(frame, this._resource!);
    }
  }
}

function notArmed(t: Task<unknown>): TaskStateError {
  const why: Record<TaskStatus, string> = {
    armed: "",
    launched: "it was awaited already and is still running",
    done: "it was awaited already and has finished",
    destroyed: "it was destroyed",
    empty: "it was moved from (move() gave its coroutine to another task)",
  };
  return new TaskStateError(
    `cannot await a task that is not armed: ${why[t.status]}. A task has one owner and is ` +
      "awaited once; call the task function again for a new task",
    t.status,
  );
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;

/**
 * Turns a generator function into a task function: calling it returns an armed
 * {@linkcode Task} and runs none of the body. Inside the body, `yield*` awaits tasks and other
 * awaitables; a plain `yield` is rejected (paper XX.1.3 clause 7).
 *
 * If the task function is called with {@linkcode allocatorArg} first, the next argument (a
 * `MemoryResource` or `PolymorphicAllocator`) supplies the task's frame at the call (paper XX.1.3
 * clause 6); the body still receives every argument.
 *
 * @typeParam A The parameters of the generator function.
 * @typeParam T The task's eventual type: the generator's return type.
 * @param body A generator function (`function*`).
 * @returns A function with the same parameters that returns a `Task<T>`.
 * @throws {TypeError} If `body` is not a generator function.
 *
 * @example
 * ```ts
 * import { ready, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const asyncRead = () => ready(4); // an operation that happens to be ready
 * const subtask = task(function* () {
 *   return yield* asyncRead();
 * });
 * const coroRefactored = task(function* (n: number) {
 *   let result = 0;
 *   for (let i = 0; i < n; i++) result += yield* subtask();
 *   return result;
 * });
 * assert.equal(syncAwait(coroRefactored(1000)), 4000);
 * ```
 */
export function task<A extends unknown[], T>(
  body: (...args: A) => Generator<Suspension, T, unknown>,
): (...args: A) => Task<T> {
  if (!(body instanceof GeneratorFunction)) {
    throw new TypeError(
      `task() takes a generator function (function* ...), got ${describe(body)}: ` +
        "write the body as function* and await with yield*",
    );
  }
  return wrap(body);
}

/**
 * Builds the task function. For bodies of up to three declared parameters it forwards them by
 * name, which engines call about twice as fast as `apply(this, arguments)`; calls with
 * `allocatorArg` or with extra arguments take the general path.
 */
function wrap<A extends unknown[], T>(
  body: (...args: A) => Generator<Suspension, T, unknown>,
): (...args: A) => Task<T> {
  type Body = (this: unknown, ...args: unknown[]) => Generator<Suspension, T, unknown>;
  const b = body as unknown as Body;
  function general(this: unknown): Task<T> {
    const args = arguments as unknown as unknown[];
    if (args[0] === allocatorArg) {
      const resource = resourceOf(args[1]);
      return new Task(b.apply(this, args), resource, allocateFrame(resource));
    }
    return new Task(b.apply(this, args), null, 0);
  }
  let fn: (this: unknown, ...args: unknown[]) => Task<T>;
  switch (body.length) {
    case 0:
      fn = function (this: unknown): Task<T> {
        if (arguments.length !== 0) return general.apply(this, arguments as never);
        return new Task(b.call(this), null, 0);
      };
      break;
    case 1:
      fn = function (this: unknown, a0: unknown): Task<T> {
        if (arguments.length !== 1) return general.apply(this, arguments as never);
        return new Task(b.call(this, a0), null, 0);
      };
      break;
    case 2:
      fn = function (this: unknown, a0: unknown, a1: unknown): Task<T> {
        if (arguments.length !== 2 || a0 === allocatorArg) {
          return general.apply(this, arguments as never);
        }
        return new Task(b.call(this, a0, a1), null, 0);
      };
      break;
    case 3:
      fn = function (this: unknown, a0: unknown, a1: unknown, a2: unknown): Task<T> {
        if (arguments.length !== 3 || a0 === allocatorArg) {
          return general.apply(this, arguments as never);
        }
        return new Task(b.call(this, a0, a1, a2), null, 0);
      };
      break;
    default:
      fn = general;
  }
  return fn as unknown as (...args: A) => Task<T>;
}

function describe(value: unknown): string {
  if (typeof value === "function") {
    const kind = value.constructor?.name ?? "Function";
    return `${kind === "Function" ? "a plain function" : `an ${kind}`} ${
      value.name || "(anonymous)"
    }`;
  }
  return value === null ? "null" : typeof value;
}
