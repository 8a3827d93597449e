/**
 * `action(executor)`: the one-step way to wrap a callback API as an operation.
 *
 * @module
 */

import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import { reportError } from "../core/_report.ts";
import type { Suspension } from "../core/_runtime.ts";
import type { Operation } from "../core/awaitable.ts";
import { installThenTrap } from "../core/_then_trap.ts";

// States of one await. The transitions, each taken at most once:
//   PENDING --resolve/reject--> SETTLED   (cleanup runs, the task resumes)
//   PENDING --cancel/destroy--> STOPPED   (signal aborts, cleanup runs)
//   PENDING --executor threw--> STOPPED   (signal aborts; there is no cleanup to run)
// resolve/reject in any state but PENDING do nothing.
const PENDING = 0;
const SETTLED = 1;
const STOPPED = 2;

type Executor<T> = (
  resolve: (value: T) => void,
  reject: (reason: unknown) => void,
  signal: AbortSignal,
) => (() => void) | void;

class ActionOperation<T> implements Operation<T> {
  readonly #executor: Executor<T>;

  constructor(executor: Executor<T>) {
    this.#executor = executor;
  }

  // Every await runs the executor anew, so one action can be awaited many times.
  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return new Action(this.#executor)[Symbol.iterator]();
  }
}

installThenTrap(ActionOperation.prototype, "an Operation (action)");

/** One await of an action; see the state table above. */
class Action<T> extends CancellableAwaiter<T> {
  readonly #executor: Executor<T>;
  #state = PENDING;
  #rejected = false;
  #outcome: unknown = undefined;
  #controller: AbortController | null = null;
  #abortReason: unknown = undefined;
  #cleanup: (() => void) | null = null;
  #inExecutor = false;
  #destroying = false;
  #cleanupFailed = false;
  #cleanupError: unknown = undefined;

  constructor(executor: Executor<T>) {
    super();
    this.#executor = executor;
  }

  protected begin(): void {
    const controller = new AbortController();
    this.#controller = controller;
    let cleanup: unknown;
    this.#inExecutor = true;
    try {
      cleanup = this.#executor(this.#resolve, this.#reject, controller.signal);
    } catch (error) {
      // The exception is the outcome, even if the executor settled first: it is never dropped.
      this.#state = STOPPED;
      controller.abort(error); // releases what the executor tied to the signal
      throw error;
    } finally {
      this.#inExecutor = false;
    }
    if (isThenable(cleanup)) {
      this.#state = STOPPED;
      const error = new TypeError(
        "action(executor): the executor returned a Promise (is it async?); it must return a " +
          "cleanup function or nothing: make it a plain function that calls resolve or reject",
      );
      controller.abort(error);
      throw error;
    }
    // Anything else that is not a function (a concise arrow's timer id) means "no cleanup".
    this.#cleanup = typeof cleanup === "function" ? cleanup as () => void : null;
    // Settled (or cancelled) from inside the executor: the cleanup it returned runs now, before
    // the task goes on.
    if (this.#state !== PENDING) this.#runCleanup();
  }

  protected stop(): void {
    if (this.#state !== PENDING) return;
    this.#state = STOPPED;
    this.#controller!.abort(this.#abortReason);
    this.#runCleanup();
  }

  protected result(): T {
    if (this.#rejected) throw this.#outcome;
    return this.#outcome as T;
  }

  /** Cancelled: the signal aborts with the domain's reason (as `CancellationDomain.signal`). */
  override onCancel(reason?: unknown): void {
    this.#abortReason = reason;
    super.onCancel();
  }

  /** Destroyed while suspended: abort, clean up; a cleanup error with nobody to take it is reported. */
  override [Symbol.dispose](): void {
    this.#destroying = true;
    this.#abortReason = new DOMException(
      "the task awaiting the action was destroyed",
      "AbortError",
    );
    super[Symbol.dispose]();
    if (this.#cleanupFailed) {
      this.#cleanupFailed = false;
      reportError(this.#cleanupError);
    }
  }

  /** The outcome at the `yield*`, with a cleanup error added as `using` adds a dispose error. */
  override awaitResume(): T {
    let value: T;
    try {
      value = super.awaitResume();
    } catch (error) {
      if (!this.#cleanupFailed) throw error;
      throw new SuppressedError(
        this.#takeCleanupError(),
        error,
        "action(): the cleanup function threw after the action failed or was cancelled",
      );
    }
    if (this.#cleanupFailed) throw this.#takeCleanupError();
    return value;
  }

  override toString(): string {
    return `action(${this.#executor.name}), which only the host can complete`;
  }

  #resolve = (value: T): void => {
    if (this.#state !== PENDING) return;
    this.#outcome = value;
    this.#settle();
  };

  #reject = (reason: unknown): void => {
    if (this.#state !== PENDING) return;
    this.#rejected = true;
    this.#outcome = reason;
    this.#settle();
  };

  #settle(): void {
    this.#state = SETTLED;
    if (!this.#inExecutor) this.#runCleanup(); // else begin() runs it once it has it
    this.wake();
  }

  /** Runs the cleanup at most once; its exception is kept for the `yield*`. */
  #runCleanup(): void {
    const cleanup = this.#cleanup;
    if (cleanup === null) return;
    this.#cleanup = null;
    try {
      cleanup();
    } catch (error) {
      if (this.#destroying) {
        reportError(error);
      } else {
        this.#cleanupFailed = true;
        this.#cleanupError = error;
      }
    }
  }

  #takeCleanupError(): unknown {
    const error = this.#cleanupError;
    this.#cleanupFailed = false;
    this.#cleanupError = undefined;
    return error;
  }
}

function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}

/**
 * Wraps a callback API as an operation, in one step (Effection's `action`, a cancellable
 * `new Promise`). `executor(resolve, reject, signal)` runs each time the operation is awaited.
 *
 * - `resolve(value)` or `reject(reason)` settles the await once; later calls are ignored. Settling
 *   synchronously, inside the executor, completes the await without suspending (it works under
 *   `syncAwait`).
 * - `signal` aborts when the awaiting task is cancelled (with the domain's reason, as
 *   `CancellationDomain.signal` does) or destroyed, so it can be handed on to `fetch` or to
 *   `addEventListener`. It does not abort when the action settles normally.
 * - The cleanup function the executor may return runs exactly once, whichever way the await
 *   ends: settled (right after `resolve`/`reject`, before the task goes on), cancelled, or
 *   destroyed. Cancellation completes the await with `CancelledError`; in a domain that is
 *   already cancelled the executor never runs.
 * - An executor that throws fails the await with that error, even if it had settled first; the
 *   signal aborts with that error, and there is no cleanup to run. One that returns a Promise (an
 *   `async` executor, whose errors would be lost) fails it with a `TypeError` the same way. A
 *   return value that is not a function (a concise arrow's timer id) means "no cleanup".
 * - A cleanup that throws is not lost: its error is thrown at the `yield*`, alone if the action
 *   succeeded, or as a `SuppressedError` (`error`: the cleanup's, `suppressed`: the action's
 *   error or the `CancelledError`) if it failed or was cancelled, as `using` does. When the task
 *   was destroyed nobody awaits the outcome: the error goes to `reportError`.
 * - Under `syncAwait`, an action that only the host can complete is a host wait: `syncAwait`
 *   throws `SyncAwaitError` after the signal aborted and the cleanup ran.
 *
 * @typeParam T What the operation evaluates to.
 * @param executor Starts the work: `(resolve, reject, signal) => cleanup | void`.
 * @returns An operation; `yield*` it inside a task. It may be awaited many times.
 * @throws {TypeError} At the call, if `executor` is not a function.
 *
 * @example A timer and an event, each in a few lines.
 * ```ts
 * import { action, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const delay = (ms: number) =>
 *   action<void>((resolve) => {
 *     const id = setTimeout(resolve, ms);
 *     return () => clearTimeout(id);
 *   });
 * const nextEvent = (target: EventTarget, type: string) =>
 *   action<Event>((resolve) => {
 *     target.addEventListener(type, resolve);
 *     return () => target.removeEventListener(type, resolve);
 *   });
 *
 * const bus = new EventTarget();
 * const listener = task(function* () {
 *   const event = yield* nextEvent(bus, "ready");
 *   yield* delay(1);
 *   return event.type;
 * });
 * const p = start(listener());
 * bus.dispatchEvent(new Event("ready"));
 * assert.equal(await p, "ready");
 * ```
 */
export function action<T>(
  executor: (
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
    signal: AbortSignal,
  ) => (() => void) | void,
): Operation<T> {
  if (typeof executor !== "function") {
    throw new TypeError(
      `action(executor): executor must be a function (resolve, reject, signal) => cleanup, got ${
        executor === null ? "null" : typeof executor
      }`,
    );
  }
  return new ActionOperation(executor);
}
