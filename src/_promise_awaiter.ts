/**
 * Awaiting a Promise (or any thenable) from a task, cancellably.
 *
 * @module
 */

import { Awaiter } from "./awaiter.ts";
import type { CoroutineHandle } from "./awaitable.ts";
import type { CancellationDomain, CancellationListener } from "./cancellation_domain.ts";
import { CancelledError } from "./cancelled_error.ts";

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;
const CANCELLED = 3;
const ABANDONED = 4;

/**
 * Suspends until the promise settles, or until the ambient domain is cancelled: then it resumes
 * at once with `CancelledError` and ignores the promise's later outcome. A rejection handler is
 * always attached, so an abandoned promise never reports an unhandled rejection.
 */
export class PromiseAwaiter<T> extends Awaiter<T> implements CancellationListener {
  readonly #promise: PromiseLike<T>;
  #state = PENDING;
  #outcome: unknown = undefined;
  #handle: CoroutineHandle | null = null;
  #domain: CancellationDomain | null = null;

  constructor(promise: PromiseLike<T>) {
    super();
    this.#promise = promise;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    const domain = handle.domain;
    if (domain.cancelled) {
      this.#state = CANCELLED;
      this.#outcome = domain.reason;
      return false;
    }
    this.#handle = handle;
    this.#domain = domain;
    domain.addListener(this);
    this.#promise.then(
      (value) => this.#settle(FULFILLED, value),
      (error) => this.#settle(REJECTED, error),
    );
    return true;
  }

  awaitResume(): T {
    if (this.#state === FULFILLED) return this.#outcome as T;
    if (this.#state === CANCELLED) throw new CancelledError(this.#outcome);
    throw this.#outcome;
  }

  onCancel(reason: unknown): void {
    this.#settle(CANCELLED, reason);
  }

  [Symbol.dispose](): void {
    this.#settle(ABANDONED, undefined);
  }

  override toString(): string {
    return "a Promise (coAwait), which only the host event loop can settle";
  }

  #settle(state: number, outcome: unknown): void {
    if (this.#state !== PENDING) return;
    this.#state = state;
    this.#outcome = outcome;
    this.#domain?.removeListener(this);
    this.#domain = null;
    const handle = this.#handle;
    this.#handle = null;
    if (state !== ABANDONED) handle?.resume();
  }
}
