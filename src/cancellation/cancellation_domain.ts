/**
 * `CancellationDomain`: cancellation in bulk, the model the paper chose over per-task
 * cancellation ("Destruction and cancellation").
 *
 * @module
 */

import { CancelledError } from "./cancelled_error.ts";

/**
 * Something told when a domain is cancelled. Awaitables usually implement it themselves, so that
 * registering allocates no closure.
 *
 * @example
 * ```ts
 * import { type CancellationListener, CancellationDomain } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const seen: unknown[] = [];
 * const listener: CancellationListener = { onCancel: (reason) => seen.push(reason) };
 * const domain = new CancellationDomain();
 * domain.addListener(listener);
 * domain.cancel("stop");
 * assert.deepEqual(seen, ["stop"]);
 * ```
 */
export interface CancellationListener {
  /** Called once, when the domain is cancelled, with the reason given to `cancel()`. */
  onCancel(reason: unknown): void;
}

/**
 * A cancellation domain: every operation suspended in it completes with `CancelledError` when it
 * is cancelled, and the tasks awaiting them unwind through their `finally` blocks. Cancelling a
 * domain cancels its children; a domain made from an `AbortSignal` is cancelled when the signal
 * aborts, and {@linkcode CancellationDomain.signal} bridges the other way.
 *
 * Every running task has an ambient domain: its root's (from `start`'s `signal`, or a fresh one),
 * replaced inside `withDomain(domain, t)`, read with `yield* currentDomain()`.
 *
 * @example
 * ```ts
 * import { CancellationDomain } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const request = new AbortController();
 * const parent = new CancellationDomain(request.signal);
 * const child = new CancellationDomain(parent);
 * request.abort("client went away");
 * assert.equal(child.cancelled, true);
 * assert.equal(child.reason, "client went away");
 * assert.equal(child.signal.aborted, true);
 * ```
 */
export class CancellationDomain implements CancellationListener, Disposable {
  #cancelled = false;
  #reason: unknown = undefined;
  #listeners: Set<CancellationListener> | null = null;
  #parent: CancellationDomain | AbortSignal | null = null;
  #controller: AbortController | null = null;
  #error: CancelledError | null = null;

  /**
   * Makes a domain, optionally tied to a parent.
   *
   * @param parent A domain or an `AbortSignal` whose cancellation cancels this domain.
   * @throws {TypeError} If `parent` is neither.
   */
  constructor(parent?: CancellationDomain | AbortSignal) {
    if (parent === undefined) return;
    if (parent instanceof CancellationDomain) {
      if (parent.#cancelled) {
        this.cancel(parent.#reason);
      } else {
        this.#parent = parent;
        parent.addListener(this);
      }
    } else if (parent instanceof AbortSignal) {
      if (parent.aborted) {
        this.cancel(parent.reason);
      } else {
        this.#parent = parent;
        parent.addEventListener("abort", this.#onAbort);
      }
    } else {
      throw new TypeError(
        "new CancellationDomain(parent): parent must be a CancellationDomain or an AbortSignal",
      );
    }
  }

  /** Whether the domain has been cancelled. */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** The reason given to `cancel()` (or the parent's), once cancelled. */
  get reason(): unknown {
    return this.#reason;
  }

  /** An `AbortSignal` that aborts when this domain is cancelled, for APIs such as `fetch`. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#cancelled) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /**
   * Cancels the domain and, through it, its children: every registered listener is told once, in
   * registration order. Cancelling twice does nothing.
   *
   * @param reason Carried by the `CancelledError`s that result.
   */
  cancel(reason?: unknown): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reason = reason;
    this.#detach();
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = null;
    if (listeners === null) return;
    const errors: unknown[] = [];
    for (const listener of listeners) {
      try {
        listener.onCancel(reason);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "cancellation listeners threw");
  }

  /** Lets a domain listen to its parent: cancels this domain with the parent's reason. */
  onCancel(reason: unknown): void {
    this.cancel(reason);
  }

  /**
   * Registers `listener` to be told when the domain is cancelled. On a domain that is already
   * cancelled the listener is told at once, so no cancellation is ever missed.
   */
  addListener(listener: CancellationListener): void {
    if (this.#cancelled) {
      listener.onCancel(this.#reason);
      return;
    }
    (this.#listeners ??= new Set()).add(listener);
  }

  /** Removes a listener; removing one that is not registered does nothing. */
  removeListener(listener: CancellationListener): void {
    this.#listeners?.delete(listener);
  }

  /**
   * @ignore The `CancelledError` the built-in operations complete with: one per cancellation,
   * made on first use, so a storm of cancelled operations does not capture a stack trace each
   * (its stack shows where the first cancelled operation resumed).
   */
  _error(): CancelledError {
    return this.#error ??= new CancelledError(this.#reason);
  }

  /** Detaches the domain from its parent (it stays usable, and is no longer cancelled by it). */
  [Symbol.dispose](): void {
    this.#detach();
  }

  #onAbort = (): void => {
    this.cancel((this.#parent as AbortSignal).reason);
  };

  #detach(): void {
    const parent = this.#parent;
    if (parent === null) return;
    this.#parent = null;
    if (parent instanceof CancellationDomain) parent.removeListener(this);
    else parent.removeEventListener("abort", this.#onAbort);
  }
}
