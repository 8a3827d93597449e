/**
 * `Awaiter<T>`: the base class of awaitables that `yield*` can await directly, and the iterator
 * protocol that turns the paper's three await calls into a `yield*`.
 *
 * @module
 */

import { done, rt, SUSPEND_RESULT, type Suspension } from "./_runtime.ts";
import type { CoroutineHandle, Operation, SimpleAwaitable } from "./awaitable.ts";
import type { CancellationDomain } from "./cancellation_domain.ts";

/**
 * One suspended await: yielded up the chain (as {@linkcode SUSPEND_RESULT}) to the driver, which
 * calls `awaitSuspend`; resumed by the driver, it returns `awaitResume()` to the `yield*`.
 * Allocated only when the awaitable is not ready: a ready await allocates nothing.
 */
export class AwaitOp<T> implements Iterator<Suspension, T, unknown> {
  /** The awaitable this await waits on. */
  readonly awaitable: SimpleAwaitable<T>;
  /** The ambient cancellation domain where the await suspended (null: the root's). */
  domain: CancellationDomain | null = null;
  #suspended = false;

  constructor(awaitable: SimpleAwaitable<T>) {
    this.awaitable = awaitable;
  }

  next(): IteratorResult<Suspension, T> {
    if (!this.#suspended) {
      this.#suspended = true;
      this.domain = (rt.driver as { ambient: CancellationDomain | null } | null)?.ambient ?? null;
      rt.pendingAwait = this;
      return SUSPEND_RESULT;
    }
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

  /** Awaits this awaiter: `yield* awaiter`. */
  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return awaitIterator(this);
  }
}
