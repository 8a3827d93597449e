/**
 * `Awaiter<T>`: the base class of awaitables that `yield*` can await directly, and the iterator
 * protocol that turns the paper's three await calls into a `yield*`.
 *
 * @module
 */

import {
  type ContextFrame,
  done as doneResult,
  type HandleOwner,
  rt as runtimeCells,
  type Suspension,
} from "./_runtime.ts";
import { installThenTrap } from "./_then_trap.ts";
import { drivenByHand } from "./_task_errors.ts";
import {
  coAwaitSymbol as coAwait,
  type CoroutineHandle,
  type Operation,
  type SimpleAwaitable,
} from "./awaitable.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import type { MemoryResource } from "../memory/memory_resource.ts";

// Module-local aliases: an imported binding is a cell that V8 loads and checks for its temporal
// dead zone at every use, where a local constant is folded into the methods below.
const rt = runtimeCells;
const done = doneResult;
const coAwaitSymbol: typeof coAwait = coAwait;

// An AwaitOp's phases, one field (a suspended op is held by its awaitable, its driver and the
// awaiting generator: every field counts).
const FRESH = 0;
const SUSPENDED = 1;
const SPENT = 2;

/**
 * One suspended await, and the handle of that suspension. Yielded up the chain (as the value of
 * a fresh iterator result) to the driver, which calls `awaitSuspend(this)`; resumed by the
 * driver, it returns `awaitResume()` to the `yield*`. Allocated only when the awaitable is not
 * ready: a ready await allocates nothing. Being its own handle saves an allocation and a store
 * per suspension.
 */
export class AwaitOp<T> implements Iterator<Suspension, T, unknown>, CoroutineHandle {
  /** The awaitable this await waits on. */
  readonly awaitable: SimpleAwaitable<T>;
  /** The driver that suspended here; set by the driver. */
  owner: HandleOwner | null = null;
  /** The context values in force where the await was made (new roots made in it inherit them). */
  context: ContextFrame | null = null;
  /** The allocator environment where the await was made. */
  resource: MemoryResource | null = null;
  #ambient: CancellationDomain | null = null;
  /** FRESH until `next()` yields the op, then SUSPENDED until the handle is spent (SPENT). */
  #phase = FRESH;

  constructor(awaitable: SimpleAwaitable<T>) {
    this.awaitable = awaitable;
  }

  next(): IteratorResult<Suspension, T> {
    if (this.#phase === FRESH) {
      this.#phase = SUSPENDED;
      const driver = rt.driver;
      if (driver !== null) {
        this.#ambient = driver.ambient;
        this.context = driver.context;
        this.resource = driver.resource;
      }
      return { done: false, value: this as unknown as Suspension };
    }
    // Only a resumed suspension returns (its handle spent by resume(), a transfer, or the driver
    // itself): anything else is a task iterated by hand, before or after its driver suspended it,
    // whose await must not "return" a value that never came.
    if (this.#phase !== SPENT) throw drivenByHand();
    return done(this.awaitable.awaitResume());
  }

  throw(error: unknown): IteratorResult<Suspension, T> {
    throw error;
  }

  /** The coroutine is destroyed while suspended here: let the awaitable release what it holds. */
  return(value?: unknown): IteratorResult<Suspension, T> {
    const dispose = (this.awaitable as Partial<Disposable>)[Symbol.dispose];
    if (typeof dispose === "function") dispose.call(this.awaitable);
    return done(value as T);
  }

  resume(): void {
    if (this.#phase === SPENT) return;
    this.#phase = SPENT;
    this.owner!.wake(false);
  }

  destroy(): void {
    if (this.#phase === SPENT) return;
    this.#phase = SPENT;
    this.owner!.wake(true);
  }

  get done(): boolean {
    return this.owner!.finished;
  }

  /** The ambient domain where the await was made, or null for the root's. */
  get ambient(): CancellationDomain | null {
    return this.#ambient;
  }

  get domain(): CancellationDomain {
    return this.#ambient ?? this.owner!.rootDomain();
  }

  /** Spends the handle and returns its driver, for a symmetric transfer; null if spent. */
  take(): HandleOwner | null {
    if (this.#phase === SPENT) return null;
    this.#phase = SPENT;
    return this.owner;
  }

  /** Spends the handle without resuming: the driver resumes another way. */
  spend(): void {
    this.#phase = SPENT;
  }
}

/** The iterator of a ready await; one instance serves every ready await in turn. */
class ReadyAwait implements Iterator<Suspension, unknown, unknown> {
  awaitable: SimpleAwaitable<unknown> | null = null;

  next(): IteratorResult<Suspension, unknown> {
    const awaitable = this.awaitable!;
    this.awaitable = null;
    return done(awaitable.awaitResume());
  }

  throw(error: unknown): IteratorResult<Suspension, unknown> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Suspension, unknown> {
    return done(value);
  }
}

const readyAwait = new ReadyAwait();

/**
 * The `SimpleAwaitable` that `value[coAwaitSymbol]()` returns (operator co_await), checked.
 *
 * @throws {TypeError} If it returns something else.
 */
export function operatorCoAwait<T>(value: object): SimpleAwaitable<T> {
  const simple = (value as { [coAwaitSymbol](): unknown })[coAwaitSymbol]();
  if (simple instanceof Awaiter || isSimpleAwaitable(simple)) return simple as SimpleAwaitable<T>;
  throw new TypeError(
    "[coAwaitSymbol]() must return a SimpleAwaitable (awaitReady, awaitSuspend, awaitResume)",
  );
}

/** Whether `value` has the three methods of a `SimpleAwaitable`. */
export function isSimpleAwaitable(value: unknown): value is SimpleAwaitable<unknown> {
  if (typeof value !== "object" || value === null) return false;
  const a = value as Partial<SimpleAwaitable<unknown>>;
  return typeof a.awaitReady === "function" && typeof a.awaitSuspend === "function" &&
    typeof a.awaitResume === "function";
}

/**
 * The iterator that awaits `awaitable` as `yield*` expects. `yield*` calls `next()` right after
 * taking the iterator, so the shared ready-iterator cannot be claimed by another await in between.
 */
export function awaitIterator<T>(awaitable: SimpleAwaitable<T>): Iterator<Suspension, T, unknown> {
  if (awaitable.awaitReady()) {
    readyAwait.awaitable = awaitable;
    return readyAwait as Iterator<Suspension, T, unknown>;
  }
  return new AwaitOp(awaitable);
}

/**
 * Base class for awaitables: implement `awaitReady`, `awaitSuspend` and `awaitResume` (the
 * paper's `SimpleAwaitable`), and instances can be awaited directly with `yield*`, typed.
 *
 * @typeParam T What the await evaluates to.
 *
 * @example A single-shot future: the paper's `fut_test` without the overhead of futures.
 * ```ts
 * import { Awaiter, type CoroutineHandle, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * class Future<T> extends Awaiter<T> {
 *   #value?: T;
 *   #ready = false;
 *   #waiter?: CoroutineHandle;
 *   set(value: T): void {
 *     this.#value = value;
 *     this.#ready = true;
 *     this.#waiter?.resume();
 *   }
 *   awaitReady(): boolean {
 *     return this.#ready;
 *   }
 *   awaitSuspend(h: CoroutineHandle): void {
 *     this.#waiter = h;
 *   }
 *   awaitResume(): T {
 *     return this.#value!;
 *   }
 * }
 *
 * const future = new Future<number>();
 * const consumer = task(function* () {
 *   return (yield* future) + 1;
 * });
 * const result = start(consumer());
 * future.set(41);
 * assert.equal(await result, 42);
 * ```
 */
export abstract class Awaiter<T> implements SimpleAwaitable<T>, Operation<T> {
  /** Whether the result is available without suspending. */
  abstract awaitReady(): boolean;
  /** Called with the suspended coroutine; see {@linkcode SimpleAwaitable}. */
  abstract awaitSuspend(handle: CoroutineHandle): void | boolean | CoroutineHandle;
  /** The value of the await, or throws its exception. */
  abstract awaitResume(): T;

  /**
   * Awaits this awaiter: `yield* awaiter`. A subclass that defines `[coAwaitSymbol]()` (operator
   * co_await) is awaited through what that returns, as a plain object's would be.
   */
  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    if ((this as Partial<Record<typeof coAwaitSymbol, unknown>>)[coAwaitSymbol] !== undefined) {
      return awaitIterator(operatorCoAwait<T>(this));
    }
    return awaitIterator(this);
  }
}

installThenTrap(Awaiter.prototype, "an Operation (an Awaiter)");
