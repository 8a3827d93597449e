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

import { allocateBuffer, allocateFrame, freeFrame } from "../memory/_frame.ts";
import { getDefaultResource } from "../memory/default_resource.ts";
import { newDeleteResource } from "../memory/new_delete_resource.ts";
import type { MemoryResource } from "../memory/memory_resource.ts";
import {
  done,
  OWNER_SIGNAL,
  PUSH_RESULT,
  rt as runtimeCells,
  type Suspension,
  TASK_BRAND,
} from "./_runtime.ts";
import { TaskExtras, type TaskScope } from "./_task_extras.ts";
import { noteTask, taskInfoOf } from "./_stack.ts";
import { installThenTrap } from "./_then_trap.ts";
import { coAwaitSymbol, type Operation, type SimpleAwaitable } from "./awaitable.ts";
import { AwaitOp } from "./awaiter.ts";
import { TaskStateError } from "./task_state_error.ts";
import { drivenByHand, notArmed, notConstructible } from "./_task_errors.ts";
import type { TaskStatus } from "./task_status.ts";
import { inlineExecutor } from "../executors/executor.ts";
import { Spawn } from "../executors/_spawn.ts";

// Internal states, one transition table (`yield*` drives next/throw/return; the driver calls
// _attach/_complete on a task it moved to its stack):
//
// | from      | event                                                  | to        |
// |-----------|--------------------------------------------------------|-----------|
// | ARMED     | next() with fewer than INLINE_LIMIT tasks on the stack | RUNNING, or SCOPED with its own allocator |
// | ARMED     | next() at INLINE_LIMIT: push signal to the driver      | DETACHED  |
// | ARMED     | destroy(), or throw()/return() (its awaiter unwinds)   | DESTROYED |
// | ARMED     | move()                                                 | EMPTY (the new task is ARMED) |
// | DETACHED  | _attach() (the driver runs it as a segment)            | RUNNING or SCOPED |
// | RUNNING   | its first frame comes from an inherited allocator      | SCOPED    |
// | DETACHED  | throw()/return() before the driver ran it              | DESTROYED |
// | RUNNING   | the body ended, no forks left running                  | DONE      |
// | RUNNING   | the body ended, forks still unwinding                  | DRAINING  |
// | RUNNING   | ended on the driver's stack: _complete()               | COMPLETED |
// | SCOPED    | (as RUNNING: the same transitions)                     |           |
// | DRAINING  | next()/throw()/return() after the forks unwound        | DONE      |
// | COMPLETED | next()/throw()/return(): the outcome is delivered      | DONE      |
// | DONE      | destroy()                                              | DESTROYED |
// | DONE, COMPLETED | move()                                           | EMPTY (the new task keeps the state) |
//
// DETACHED: launched, handed to the driver's stack, not yet running there. COMPLETED: finished
// on the driver's stack, outcome not yet taken by the awaiter's `yield*`. DRAINING: the body has
// ended; the task waits for its unjoined forks before it completes. SCOPED: running, and its
// allocator is the environment of what it runs (it sets the driver's `resource` around each
// step): a state of its own, so that `next()` of an ordinary task pays nothing for it.
const ARMED = 0;
const RUNNING = 1;
const DETACHED = 2;
const COMPLETED = 3;
const DONE = 4;
const DESTROYED = 5;
const EMPTY = 6;
const DRAINING = 7;
const SCOPED = 8;

/** How `_resumeAbruptly` resumes the body. */
const enum Abrupt {
  /** Resume it with the input (a task whose allocator is its children's environment). */
  Next,
  /** Throw the input into the body at its suspension point. */
  Throw,
  /** Unwind the body through its `finally` blocks. */
  Return,
  /** The body suspended (the input is its result) and needs this task's frame or identity. */
  Suspended,
}

/** How `_settle` was reached: which iterator method the awaiter called. */
const enum Call {
  Next,
  Throw,
  Return,
}

// Module-local aliases of what the hot path reads: an imported binding is a cell that V8 loads
// and checks for its temporal dead zone at every use, where a local constant is folded into the
// optimized code of `Task`'s methods.
const rt = runtimeCells;
// %GeneratorPrototype%.next, called directly: `gen.next` is one load site for the generators of
// every task function, each with its own map, so V8 would look it up megamorphically per resume.
// A body is a generator function (task() checks), whose generators inherit exactly this method.
const generatorNext = Object.getPrototypeOf(function* () {}).prototype.next as (
  this: Generator,
  input: unknown,
) => IteratorResult<unknown>;
const ownerSignal = OWNER_SIGNAL;
const token: unique symbol = Symbol("@coro/task:new Task");

/** Only the task functions `task()` makes construct tasks (see `task_function.ts`). */
export const TASK_TOKEN: typeof token = token;

const STATUS: readonly TaskStatus[] = [
  "armed",
  "launched",
  "launched",
  "done",
  "done",
  "destroyed",
  "empty",
  "launched",
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
export class Task<T = void> implements Operation<T>, Iterator<Suspension, T, unknown>, Disposable {
  // Five fields only: the hot path allocates a task per call, and every field costs; the frame
  // is a field of its own so that a suspended task needs no extras object (80 bytes) for it.
  // Declared, not initialized as class fields: the constructor's own stores define them, so V8
  // runs no field initializer and keeps `_state`/`_frame` as small integers.
  // Helpers are TypeScript-private methods rather than `#` methods: V8's brand check on `#`
  // methods measured ~3 ns per task on fib(20) (1.38x -> 1.30x raw generators).
  /** @ignore The coroutine body; null once it has ended or been given away. */
  declare _gen: Generator<Suspension, T, unknown> | null;
  /** @ignore One of the internal states above. */
  declare _state: number;
  /** @ignore The rarer state, made only when needed (see {@linkcode TaskExtras}). */
  declare _ext: TaskExtras | null;
  /** @ignore The frame's address in the Wasm heap, 0 while elided. */
  declare _frame: number;
  /**
   * @ignore The allocator this task's frame and buffers come from, and the environment of what it
   * runs (see SCOPED): given with `allocatorArg`, inherited, or a default that is not
   * `newDeleteResource`. Null: `newDeleteResource`, the common default, which needs no record.
   */
  declare _resource: MemoryResource | null;

  /**
   * Tasks are made by calling a function that `task()` returned; calling this constructor
   * directly is a `TypeError`.
   *
   * @param key The library's private token.
   * @param gen The coroutine body, not yet started.
   * @param resource The allocator given with `allocatorArg`, or `null`.
   */
  constructor(
    key: typeof TASK_TOKEN,
    gen: Generator<Suspension, T, unknown>,
    resource: MemoryResource | null,
  ) {
    if (key !== token) notConstructible();
    this._gen = gen;
    this._state = ARMED;
    this._ext = null;
    this._frame = 0;
    this._resource = resource;
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

  /**
   * The task as a `SimpleAwaitable` (operator co_await), for code written against the awaitable
   * protocol alone: awaiting it runs the task as a root of its own in the awaiter's domain and
   * resumes the awaiter with its outcome. `yield* t` does the same without the extra root.
   *
   * @throws {TaskStateError} If the task is not armed.
   */
  [coAwaitSymbol](): SimpleAwaitable<T> {
    if (this._state !== ARMED) throw notArmed(this);
    // spawn's awaiter is exactly this: a root of its own in the awaiter's domain.
    return new Spawn<T>(inlineExecutor, this, false);
  }

  /** @ignore Resumes the coroutine; its first call launches it. Driven by `yield*`. */
  next(input?: unknown): IteratorResult<Suspension, T> {
    // Kept small (V8 inlines it into the awaiter's generator, twice for `a + b` of two awaits,
    // within one inlining budget): what is rare goes to _nextSlow, _threw and _returned.
    if (this._state !== RUNNING) {
      // No room while no driver runs: a task iterated by hand goes to its TypeError there.
      if (this._state !== ARMED || this._resource !== null || rt.room <= 0) {
        return this._nextSlow(input);
      }
      this._state = RUNNING;
    } else if (rt.driver === null) {
      // Resumed by hand, outside any driver: refused before the body sees anything, so the
      // task's real resume still finds it as it was.
      throw drivenByHand();
    }
    // Kept apart from _resumeAbruptly: this is the path every await takes.
    const gen = this._gen!;
    let r: IteratorResult<Suspension, T>;
    rt.room--;
    try {
      r = generatorNext.call(gen, input) as IteratorResult<Suspension, T>;
    } catch (error) {
      return this._threwInline(error);
    }
    rt.room++;
    if (r.done) {
      // The common end: no extras, no frame (it never suspended).
      if (this._ext !== null || this._frame !== 0) return this._returned(r);
      this._state = DONE;
      this._gen = null;
      return r;
    }
    // Suspending: the common case is a task that has its frame already and passes the signal on.
    if (this._frame === 0 || r.value === ownerSignal) {
      return this._resumeAbruptly(Abrupt.Suspended, r);
    }
    return r;
  }

  /** `next()` of a task that is not an ordinary one running or launching inline. */
  private _nextSlow(input: unknown): IteratorResult<Suspension, T> {
    // Outside any driver nothing may resume or launch a task (see next()).
    if (rt.driver === null && (this._state === ARMED || STATUS[this._state] === "launched")) {
      throw drivenByHand();
    }
    if (this._state === SCOPED) return this._nextScoped(input);
    if (this._state !== ARMED) return this._settle(Call.Next, input);
    if (rt.room <= 0) return this._detach();
    this._state = SCOPED; // armed, with an allocator of its own
    return this._nextScoped(input);
  }

  /**
   * `next()` of a task whose allocator is its children's environment: `next()`'s path with the
   * driver's `resource` set to it while the body runs (a SCOPED task only runs under a driver).
   */
  private _nextScoped(input: unknown): IteratorResult<Suspension, T> {
    const driver = rt.driver!;
    const outer = driver.resource;
    driver.resource = this._resource;
    const gen = this._gen!;
    let r: IteratorResult<Suspension, T>;
    rt.room--;
    try {
      r = generatorNext.call(gen, input) as IteratorResult<Suspension, T>;
      // frameBuffer() and fork() ask which task they are in: answered within this step.
      while (!r.done && r.value === ownerSignal) {
        r = generatorNext.call(gen, this) as IteratorResult<Suspension, T>;
      }
    } catch (error) {
      rt.room++;
      driver.resource = outer;
      return this._threw(error);
    }
    rt.room++;
    driver.resource = outer;
    if (r.done) return this._returned(r);
    if (this._frame === 0) return this._resumeAbruptly(Abrupt.Suspended, r);
    return r;
  }

  /** @ignore Throws `error` into the coroutine at its suspension point. Driven by `yield*`. */
  throw(error: unknown): IteratorResult<Suspension, T> {
    if (this._state !== RUNNING && this._state !== SCOPED) return this._settle(Call.Throw, error);
    if (rt.driver === null) throw drivenByHand(); // by hand, outside any driver: see next()
    return this._resumeAbruptly(Abrupt.Throw, error);
  }

  /** @ignore Unwinds the coroutine through its `finally` blocks. Driven by `yield*`. */
  return(value?: unknown): IteratorResult<Suspension, T> {
    if (this._state !== RUNNING && this._state !== SCOPED) return this._settle(Call.Return, value);
    if (rt.driver === null) throw drivenByHand(); // by hand, outside any driver: see next()
    return this._resumeAbruptly(Abrupt.Return, value);
  }

  /**
   * Gives the coroutine to a new `Task` and leaves this one `"empty"` (paper XX.1.3.1: the
   * moved-from task refers to no coroutine).
   *
   * @returns The task that now owns the coroutine.
   * @throws {TaskStateError} If the task is running: the awaiter holds it.
   */
  move(): Task<T> {
    if (STATUS[this._state] === "launched") {
      throw new TaskStateError(
        "cannot move a launched task: its awaiter owns it until it finishes",
        this.status,
      );
    }
    const moved = new Task(TASK_TOKEN, this._gen!, this._resource);
    moved._ext = this._ext;
    moved._state = this._state;
    moved._frame = this._frame;
    this._frame = 0;
    this._gen = null;
    this._ext = null;
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
        this._end();
        this._state = DESTROYED;
        return;
      case COMPLETED:
      case DONE:
        this._ext = null;
        this._state = DESTROYED;
        return;
      case RUNNING:
      case SCOPED:
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

  /** @ignore Checks that a driver-level owner (a root, whenAll, fork) may launch this task. */
  _launch(): void {
    if (this._state !== ARMED) throw notArmed(this);
  }

  /** @ignore Called by the driver when it takes a detached task onto its stack. */
  _attach(): void {
    this._state = this._resource !== null ? SCOPED : RUNNING;
  }

  /** @ignore Called by the driver when a detached task ended: keeps the outcome for delivery. */
  _complete(threw: boolean, outcome: unknown): void {
    const ext = this._extras();
    this._state = COMPLETED;
    ext.threw = threw;
    ext.outcome = outcome;
  }

  /** @ignore The task's extras, made now if it had none. */
  _extras(): TaskExtras {
    return this._ext ??= new TaskExtras();
  }

  /** @ignore Takes a `frameBuffer` of `bytes` from this task's frame allocator. */
  _buffer(bytes: number): Uint8Array {
    if (this._frame === 0) this._takeFrame();
    return allocateBuffer(this._frame, this._resource ?? newDeleteResource, bytes);
  }

  /** Takes the frame: from the task's own allocator, its environment's, or the default. */
  private _takeFrame(): void {
    let resource = this._resource;
    if (resource === null) {
      resource = rt.driver?.resource ?? getDefaultResource();
      if (resource !== newDeleteResource) {
        // Recorded, the task is its children's environment from now on (its next resume).
        this._resource = resource;
        if (this._state === RUNNING) this._state = SCOPED;
      }
    }
    this._frame = allocateFrame(resource);
  }

  /** Moves this task to the driver's stack: the native stack is deep enough already. */
  private _detach(): IteratorResult<Suspension, T> {
    if (this._frame === 0) this._takeFrame();
    this._state = DETACHED;
    rt.pendingPush = this;
    const driver = rt.driver!;
    rt.pushDomain = driver.ambient;
    rt.pushContext = driver.context;
    return PUSH_RESULT;
  }

  /**
   * The generator yielded: answer "which task is this?" here (the innermost task is the one
   * whose body awaited `frameBuffer()` or `fork()`), and give the task a frame before it outlives
   * its awaiter's stack (the HALO analogue: a task that never suspends never has one).
   */
  private _suspending(
    gen: Generator<Suspension, T, unknown>,
    r: IteratorResult<Suspension, T>,
  ): IteratorResult<Suspension, T> {
    while (!r.done && r.value === ownerSignal) r = gen.next(this);
    if (r.done || this._frame !== 0) return r;
    try {
      this._takeFrame();
    } catch (error) {
      return this._suspending(gen, gen.throw(error)); // BadAllocError at the suspension point
    }
    return r;
  }

  /** The steps `next` leaves to a slower path (see {@linkcode Abrupt}). */
  private _resumeAbruptly(mode: Abrupt, input: unknown): IteratorResult<Suspension, T> {
    const gen = this._gen!;
    let r: IteratorResult<Suspension, T>;
    // A task with a scoped allocator is its children's environment while its body runs.
    const resource = this._resource;
    const driver = resource !== null ? rt.driver : null;
    const outer = driver?.resource ?? null;
    if (driver !== null) driver.resource = resource;
    rt.room--;
    try {
      r = mode === Abrupt.Next
        ? gen.next(input)
        : mode === Abrupt.Suspended
        ? input as IteratorResult<Suspension, T>
        : mode === Abrupt.Throw
        ? gen.throw(input)
        : gen.return(input as T);
      if (!r.done) r = this._suspending(gen, r);
    } catch (error) {
      rt.room++;
      if (driver !== null) driver.resource = outer;
      return this._threw(error);
    }
    rt.room++;
    if (driver !== null) driver.resource = outer;
    if (r.done) return this._returned(r);
    return r;
  }

  /** The body returned: free the frame and complete, unless forks are left to drain. */
  private _returned(r: IteratorResult<Suspension, T>): IteratorResult<Suspension, T> {
    const ext = this._ext;
    if (ext !== null && ext.scope !== null) return this._close(ext.scope, false, r.value);
    this._end();
    return r;
  }

  /** `next`'s catch, kept out of it: the body threw `error` while launching or resuming inline. */
  private _threwInline(error: unknown): IteratorResult<Suspension, T> {
    rt.room++;
    return this._threw(error);
  }

  /** The body threw `error`: note the task in its stack, then end as `_returned` does. */
  private _threw(error: unknown): IteratorResult<Suspension, T> {
    noteTask(error, taskInfoOf(this._gen));
    const ext = this._ext;
    if (ext !== null && ext.scope !== null) return this._close(ext.scope, true, error);
    this._end();
    throw error;
  }

  /**
   * The body ended and the task has forks: free the frame, cancel the forks it never joined, and
   * complete now if none is running, else suspend until they have unwound (state DRAINING).
   */
  private _close(
    scope: TaskScope,
    threw: boolean,
    outcome: unknown,
  ): IteratorResult<Suspension, T> {
    const ext = this._ext!;
    ext.scope = null;
    this._end();
    const destroying = rt.driver?.destroying === true;
    const wait = scope.close(threw, outcome, destroying);
    if (wait !== null && !wait.awaitReady()) {
      this._state = DRAINING;
      ext.threw = threw;
      ext.outcome = outcome;
      const op = new AwaitOp(wait);
      ext.drain = op;
      return op.next() as IteratorResult<Suspension, T>;
    }
    wait?.awaitResume(); // throws a fork's error
    if (threw) throw outcome;
    return done(outcome as T);
  }

  /** `next`/`throw`/`return` on a task that is not running inline. */
  private _settle(mode: Call, input: unknown): IteratorResult<Suspension, T> {
    const state = this._state;
    if (state === DRAINING || state === COMPLETED) {
      // DRAINING: the forks have unwound (or the awaiter is unwinding); COMPLETED: the driver ran
      // this task to its end. Either way, hand the body's outcome to the awaiter's `yield*`.
      const ext = this._ext!;
      const { threw, outcome, drain } = ext;
      ext.outcome = undefined;
      ext.drain = null;
      this._state = DONE;
      if (mode !== Call.Next) {
        drain?.return(); // destroyed while draining: the forks are destroyed too
        if (mode === Call.Throw) throw input;
        return done(input as T);
      }
      drain?.next(); // throws a fork's error
      if (threw) throw outcome;
      return done(outcome as T);
    }
    if (state === DETACHED || state === ARMED) {
      // The awaiter is being unwound before this task ever ran: it never will.
      this._gen!.return(undefined as T);
      this._end();
      this._state = DESTROYED;
      if (mode === Call.Throw) throw input;
      if (mode === Call.Return) return done(input as T);
    }
    throw notArmed(this);
  }

  /** The body ended by any path: free the frame and its buffers before anyone resumes. */
  private _end(): void {
    this._state = DONE;
    this._gen = null;
    const ext = this._ext;
    if (ext !== null && ext.endListeners !== null) ext.ended();
    if (this._frame !== 0) this._freeFrame();
  }

  /** Gives the frame (and the buffers it holds) back to the resource it came from. */
  private _freeFrame(): void {
    const frame = this._frame;
    this._frame = 0;
    freeFrame(frame, this._resource ?? newDeleteResource);
  }
}

// A task is recognised by the modules below this one without importing it.
Object.defineProperty(Task.prototype, TASK_BRAND, { value: true });
installThenTrap(Task.prototype, "a Task");
