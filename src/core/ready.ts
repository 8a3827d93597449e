/**
 * `ready(value)`: an awaitable that is ready at once.
 *
 * @module
 */

import type { Suspension } from "./_runtime.ts";
import { readyWith } from "./_ready_iterator.ts";
import { Awaiter } from "./awaiter.ts";

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
    return readyWith(this.#value);
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
