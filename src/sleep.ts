/**
 * `sleep(ms)`: a cancellable timer.
 *
 * @module
 */

import { Awaiter } from "./awaiter.ts";
import type { CoroutineHandle, Operation } from "./awaitable.ts";
import type { CancellationDomain, CancellationListener } from "./cancellation_domain.ts";
import { CancelledError } from "./cancelled_error.ts";

class Sleep extends Awaiter<void> implements CancellationListener {
  readonly #ms: number;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #handle: CoroutineHandle | null = null;
  #domain: CancellationDomain | null = null;
  #cancelled = false;
  #reason: unknown = undefined;

  constructor(ms: number) {
    super();
    this.#ms = ms;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    const domain = handle.domain;
    if (domain.cancelled) {
      this.#cancelled = true;
      this.#reason = domain.reason;
      return false;
    }
    this.#handle = handle;
    this.#domain = domain;
    domain.addListener(this);
    if (this.#ms !== Infinity) this.#timer = setTimeout(this.#fire, this.#ms);
    return true;
  }

  awaitResume(): void {
    if (this.#cancelled) throw new CancelledError(this.#reason);
  }

  onCancel(reason: unknown): void {
    if (this.#handle === null) return;
    this.#cancelled = true;
    this.#reason = reason;
    this.#release()?.resume();
  }

  [Symbol.dispose](): void {
    this.#release();
  }

  override toString(): string {
    return `sleep(${this.#ms}), a host timer`;
  }

  #fire = (): void => {
    this.#timer = undefined;
    this.#release()?.resume();
  };

  /** Clears the timer and the listener; returns the handle to resume, once. */
  #release(): CoroutineHandle | null {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#domain?.removeListener(this);
    this.#domain = null;
    const handle = this.#handle;
    this.#handle = null;
    return handle;
  }
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
