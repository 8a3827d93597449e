/**
 * Awaiting a Promise (or any thenable) from a task, cancellably.
 *
 * @module
 */

import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import type { CoroutineHandle } from "../core/awaitable.ts";

const ignore = (): void => {};

/**
 * Suspends until the promise settles, or until the ambient domain is cancelled: then it resumes
 * at once with `CancelledError` and ignores the promise's later outcome. A rejection handler is
 * always attached, so an abandoned promise never reports an unhandled rejection. A thenable that
 * calls back twice, or settles and then rejects or throws, is held to a Promise's rule: the first
 * settlement wins and the rest are ignored (`CancellableAwaiter` enforces it).
 */
export class PromiseAwaiter<T> extends CancellableAwaiter<T> {
  readonly #promise: PromiseLike<T>;

  constructor(promise: PromiseLike<T>) {
    super();
    this.#promise = promise;
  }

  /** In a domain cancelled already it fails at once; the promise's rejection is handled still. */
  override awaitSuspend(handle: CoroutineHandle): boolean {
    const suspended = super.awaitSuspend(handle);
    if (!suspended) this.#promise.then(undefined, ignore);
    return suspended;
  }

  protected begin(): void {
    const wait = this.wait;
    try {
      this.#promise.then(
        (value) => void this.resolve(value, wait),
        (error) => void this.reject(error, wait),
      );
    } catch (error) {
      // The Promise resolution procedure: a then() that throws rejects, unless it settled first.
      this.reject(error, wait);
    }
  }

  protected stop(): void {
    // A promise cannot be stopped; its outcome is ignored from now on.
  }

  protected result(): T {
    return undefined as T; // never called: the wait completes through resolve() or reject()
  }

  override toString(): string {
    return "a Promise (coAwait)";
  }
}
