/**
 * `sleep(ms)`: a cancellable timer.
 *
 * @module
 */

import { CancellableAwaiter } from "./_cancellable_awaiter.ts";
import type { Operation } from "../core/awaitable.ts";

/** The longest delay hosts honour in one timer (a signed 32-bit count of ms); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

class Sleep extends CancellableAwaiter<void> {
  readonly #ms: number;
  #left = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The callback of the one live timer: a host (or a fake) calling any other one is ignored. */
  #fire: (() => void) | null = null;

  constructor(ms: number) {
    super();
    this.#ms = ms;
  }

  protected begin(): void {
    if (this.#ms === Infinity) return; // woken only by cancellation: no timer to hold
    this.#left = this.#ms;
    this.#arm(this.wait);
  }

  protected stop(): void {
    this.#fire = null;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  protected result(): void {}

  override toString(): string {
    return `sleep(${this.#ms}), a host timer`;
  }

  /** Starts the next timer of the chain: delays above the host's limit take several. */
  #arm(wait: number): void {
    const delay = Math.min(this.#left, MAX_TIMER_MS);
    this.#left -= delay;
    const fire = (): void => {
      if (this.#fire !== fire) return;
      this.#fire = null;
      this.#timer = undefined;
      if (this.#left > 0) this.#arm(wait);
      else this.wake(wait);
    };
    this.#fire = fire;
    this.#timer = setTimeout(fire, delay);
  }
}

/**
 * Suspends the task for `ms` milliseconds (a host timer). Cancellable: if the ambient domain is
 * cancelled meanwhile, the timer is cleared and the `yield*` throws `CancelledError`; in a domain
 * that is already cancelled it throws at once. Any delay is honoured: one longer than hosts allow
 * in a timer (2^31-1 ms, about 24.8 days) is a chain of timers, and `sleep(Infinity)` holds no
 * timer and waits until cancelled.
 *
 * @param ms How long to wait: a non-negative number of milliseconds, or `Infinity`.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} If `ms` is not a number.
 * @throws {RangeError} If `ms` is negative or NaN.
 *
 * @example
 * ```ts
 * import { sleep, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const nap = task(function* () {
 *   yield* sleep(10);
 *   return "rested";
 * });
 * assert.equal(await start(nap()), "rested");
 * ```
 */
export function sleep(ms: number): Operation<void> {
  if (typeof ms !== "number") {
    throw new TypeError(
      `sleep(ms): ms must be a number of milliseconds (got ${typeof ms}); convert it first`,
    );
  }
  if (!(ms >= 0)) {
    throw new RangeError(
      `sleep(${ms}): the delay must be 0 or more ms (or Infinity to wait until cancelled)`,
    );
  }
  return new Sleep(ms);
}
