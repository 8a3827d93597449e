/**
 * `ready(value)`: an awaitable that is ready at once.
 *
 * @module
 */

import { done, type Suspension } from "./_runtime.ts";
import { Awaiter } from "./awaiter.ts";

/** The iterator of a `ReadyValue`; one instance serves every await of one in turn. */
class ReadyIterator implements Iterator<Suspension, unknown, unknown> {
  value: unknown = undefined;

  next(): IteratorResult<Suspension, unknown> {
    const value = this.value;
    this.value = undefined;
    return done(value);
  }

  throw(error: unknown): IteratorResult<Suspension, unknown> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Suspension, unknown> {
    return done(value);
  }
}

const readyIterator = new ReadyIterator();

class ReadyValue<T> extends Awaiter<T> {
  readonly #value: T;

  constructor(value: T) {
    super();
    this.#value = value;
  }

  awaitReady(): boolean {
    return true;
  }

  awaitSuspend(): boolean {
    return false;
  }

  awaitResume(): T {
    return this.#value;
  }

  // The three calls are known: skip them. Awaiting allocates nothing.
  override [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    readyIterator.value = this.#value;
    return readyIterator as Iterator<Suspension, T, unknown>;
  }
}

/**
 * An awaitable that is ready at once with `value`: the paper's cheap `async_read` that found its
 * data buffered. Awaiting it allocates nothing and never suspends; it can be awaited any number
 * of times.
 *
 * @typeParam T The value's type.
 * @param value What the await evaluates to.
 * @returns An awaiter whose `awaitReady()` is `true`.
 *
 * @example
 * ```ts
 * import { ready, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const four = ready(4);
 * const sum = task(function* () {
 *   return (yield* four) + (yield* four);
 * });
 * assert.equal(syncAwait(sum()), 8);
 * ```
 */
export function ready<T>(value: T): Awaiter<T> {
  return new ReadyValue(value);
}
