/**
 * The shape every built-in cancellable operation shares: suspend, register with the ambient
 * domain, and complete either normally or with `CancelledError`, releasing what it holds on every
 * path (the listener always; a timer or the like through `stop()`).
 *
 * @module
 */

import { Awaiter } from "../core/awaiter.ts";
import type { CoroutineHandle } from "../core/awaitable.ts";
import type { CancellationDomain, CancellationListener } from "./cancellation_domain.ts";

/** An awaiter that always suspends and completes with `CancelledError` if its domain is cancelled. */
export abstract class CancellableAwaiter<T> extends Awaiter<T> implements CancellationListener {
  #handle: CoroutineHandle | null = null;
  #domain: CancellationDomain | null = null;
  #cancelledBy: CancellationDomain | null = null;

  /** Starts the wait; `wake()` completes it. Throwing here is thrown at the `yield*`. */
  protected abstract begin(): void;
  /** Stops a wait that will not complete (cancelled, or its coroutine destroyed). */
  protected abstract stop(): void;
  /** The await's value after a normal `wake()`, or throws its error. */
  protected abstract result(): T;

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    const domain = handle.domain;
    if (domain.cancelled) {
      // Started in a cancelled domain: fail at once, without starting anything.
      this.#cancelledBy = domain;
      return false;
    }
    this.#handle = handle;
    this.#domain = domain;
    domain.addListener(this);
    try {
      this.begin();
    } catch (error) {
      this.#release();
      throw error;
    }
    return true;
  }

  awaitResume(): T {
    if (this.#cancelledBy !== null) throw this.#cancelledBy._error();
    return this.result();
  }

  onCancel(): void {
    if (this.#handle === null) return;
    this.#cancelledBy = this.#domain;
    this.stop();
    this.#release()?.resume();
  }

  [Symbol.dispose](): void {
    if (this.#handle === null) return;
    this.stop();
    this.#release();
  }

  /** Completes the wait normally; does nothing once it has completed or been cancelled. */
  protected wake(): void {
    this.#release()?.resume();
  }

  #release(): CoroutineHandle | null {
    this.#domain?.removeListener(this);
    this.#domain = null;
    const handle = this.#handle;
    this.#handle = null;
    return handle;
  }
}
