/**
 * The shape every built-in cancellable operation shares: suspend, register with the ambient
 * domain, and complete either normally or with `CancelledError`, releasing what it holds on every
 * path (the listener always; a timer or the like through `stop()`).
 *
 * Completion is first-wins, here and nowhere else: whatever completes a wait first (`wake`,
 * `resolve`, `reject`, the domain's cancellation) resumes the coroutine once; every later call
 * for that wait does nothing, and a callback made for one wait (tagged with its `wait` number)
 * cannot complete a later wait of the same awaiter. So an executor that runs a callback twice, or
 * a thenable that settles twice, or settles and then throws, cannot resume a coroutine twice or
 * change the outcome it already delivered.
 *
 * A wait's states: IDLE → (awaitSuspend) WAITING → (first of wake/resolve/reject/cancel) DONE →
 * (awaitResume) IDLE. A cancelled domain at awaitSuspend goes straight to DONE (cancelled); an
 * awaitSuspend while WAITING (a second task awaiting the same operation) is a TypeError thrown at
 * that task's `yield*`, and the first wait goes on.
 *
 * @module
 */

import { Awaiter } from "../core/awaiter.ts";
import type { CoroutineHandle } from "../core/awaitable.ts";
import type { CancellationDomain, CancellationListener } from "./cancellation_domain.ts";

// How a wait completed.
const WOKEN = 0; // `wake()`: the value comes from `result()`
const RESOLVED = 1;
const REJECTED = 2;

/** An awaiter that always suspends and completes with `CancelledError` if its domain is cancelled. */
export abstract class CancellableAwaiter<T> extends Awaiter<T> implements CancellationListener {
  #handle: CoroutineHandle | null = null;
  #domain: CancellationDomain | null = null;
  #cancelledBy: CancellationDomain | null = null;
  #wait = 0;
  #how = WOKEN;
  #outcome: unknown = undefined;

  /** Starts the wait; `wake()` completes it. Throwing here is thrown at the `yield*`. */
  protected abstract begin(): void;
  /** Stops a wait that will not complete (cancelled, or its coroutine destroyed). */
  protected abstract stop(): void;
  /** The await's value after a normal `wake()`, or throws its error. */
  protected abstract result(): T;

  /**
   * The number of the wait in progress (a new one at each suspension). A callback made for it
   * passes it to `wake`/`resolve`/`reject`, so that a late call cannot complete a later wait.
   */
  protected get wait(): number {
    return this.#wait;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    if (this.#handle !== null) {
      // One awaiter, one wait at a time: a second task would overwrite the first one's handle
      // and leave it suspended forever.
      const what = String(this);
      throw new TypeError(
        `this operation (${what}) is already being awaited by another task; make one per ` +
          "await (call sleep(), schedule() or coAwait() again for each task)",
      );
    }
    ++this.#wait;
    this.#how = WOKEN;
    this.#outcome = undefined;
    this.#cancelledBy = null;
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
      // Never dropped, even if the wait completed first: the driver throws it at the `yield*`
      // instead of resuming normally (still one resumption). An awaiter whose source has
      // Promise semantics maps such a throw to `reject()` itself (see PromiseAwaiter).
      this.#release();
      throw error;
    }
    return true;
  }

  awaitResume(): T {
    const cancelledBy = this.#cancelledBy;
    if (cancelledBy !== null) {
      this.#cancelledBy = null;
      throw cancelledBy._error();
    }
    const how = this.#how;
    if (how === WOKEN) return this.result();
    const outcome = this.#outcome;
    this.#outcome = undefined;
    if (how === REJECTED) throw outcome;
    return outcome as T;
  }

  onCancel(): void {
    if (this.#handle === null) return;
    this.#cancelledBy = this.#domain;
    const handle = this.#release()!;
    try {
      this.stop(); // what it throws reaches the domain, which reports it
    } finally {
      handle.resume();
    }
  }

  [Symbol.dispose](): void {
    if (this.#handle === null) return;
    this.#release();
    this.stop();
  }

  /**
   * Completes the wait normally (`result()` gives its value); does nothing once it has completed
   * or been cancelled, or if `wait` names an earlier wait.
   *
   * @returns Whether this call completed the wait.
   */
  protected wake(wait: number = this.#wait): boolean {
    if (wait !== this.#wait || this.#handle === null) return false;
    this.#how = WOKEN;
    this.#release()!.resume();
    return true;
  }

  /** Completes the wait with `value` (first wins, like a Promise); see `wake`. */
  protected resolve(value: T, wait: number = this.#wait): boolean {
    if (wait !== this.#wait || this.#handle === null) return false;
    this.#how = RESOLVED;
    this.#outcome = value;
    this.#release()!.resume();
    return true;
  }

  /** Completes the wait by throwing `error` at the `yield*` (first wins); see `wake`. */
  protected reject(error: unknown, wait: number = this.#wait): boolean {
    if (wait !== this.#wait || this.#handle === null) return false;
    this.#how = REJECTED;
    this.#outcome = error;
    this.#release()!.resume();
    return true;
  }

  #release(): CoroutineHandle | null {
    this.#domain?.removeListener(this);
    this.#domain = null;
    const handle = this.#handle;
    this.#handle = null;
    return handle;
  }
}
