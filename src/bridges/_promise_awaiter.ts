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
 * always attached, so an abandoned promise never reports an unhandled rejection.
 */
export class PromiseAwaiter<T> extends CancellableAwaiter<T> {
  readonly #promise: PromiseLike<T>;
  #rejected = false;
  #outcome: unknown = undefined;

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
    this.#promise.then(
      (value) => {
        this.#outcome = value;
        this.wake();
      },
      (error) => {
        this.#rejected = true;
        this.#outcome = error;
        this.wake();
      },
    );
  }

  protected stop(): void {
    // A promise cannot be stopped; its outcome is ignored from now on.
  }

  protected result(): T {
    if (this.#rejected) throw this.#outcome;
    return this.#outcome as T;
  }

  override toString(): string {
    return "a Promise (coAwait), which only the host event loop can settle";
  }
}
