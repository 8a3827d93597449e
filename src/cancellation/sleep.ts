/**
 * `sleep(ms)`: a cancellable timer.
 *
 * @module
 */

import { CancellableAwaiter } from "./_cancellable_awaiter.ts";
import type { Operation } from "../core/awaitable.ts";

class Sleep extends CancellableAwaiter<void> {
  readonly #ms: number;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(ms: number) {
    super();
    this.#ms = ms;
  }

  protected begin(): void {
    if (this.#ms !== Infinity) this.#timer = setTimeout(this.#fire, this.#ms);
  }

  protected stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  protected result(): void {}

  override toString(): string {
    return `sleep(${this.#ms}), a host timer`;
  }

  #fire = (): void => {
    this.#timer = undefined;
    this.wake();
  };
}

/**
 * Suspends the task for `ms` milliseconds (a host timer). Cancellable: if the ambient domain is
 * cancelled meanwhile, the timer is cleared and the `yield*` throws `CancelledError`; in a domain
 * that is already cancelled it throws at once. `sleep(Infinity)` waits until cancelled.
 *
 * @param ms How long to wait: a non-negative number of milliseconds, or `Infinity`.
 * @returns An operation; `yield*` it inside a task.
 * @throws {RangeError} If `ms` is negative or not a number.
 *
 * @example
 * ```ts
 * import { sleep, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const nap = task(function* () {
 *   const before = Date.now();
 *   yield* sleep(20);
 *   return Date.now() - before;
 * });
 * assert.ok((await start(nap())) >= 15);
 * ```
 */
export function sleep(ms: number): Operation<void> {
  if (typeof ms !== "number" || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`sleep(${String(ms)}): the delay must be a non-negative number of ms`);
  }
  return new Sleep(ms);
}
