/**
 * `syncAwait(awaitable)`: the paper's `sync_await`, a bridge from ordinary code.
 *
 * @module
 */

import { optionsObject } from "../core/_options.ts";
import type { Completion, Driver } from "../core/_driver.ts";
import { runUntilBlocked } from "../core/_trampoline.ts";
import { newRoot } from "../core/_root.ts";
import { callSite, noteBridge } from "../core/_stack.ts";
import { describeAwaitable, toOperation } from "../core/_operation.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import type { ManualExecutor } from "../executors/manual_executor.ts";
import { SyncAwaitError } from "./sync_await_error.ts";

/** Options of {@linkcode syncAwait}. */
export interface SyncAwaitOptions {
  /** An executor whose queued work `syncAwait` runs while the task waits on it. */
  executor?: ManualExecutor;
}

/** How many times an unwinding that suspends again is destroyed again before giving up. */
const UNWIND_ATTEMPTS = 1000;

class Outcome implements Completion {
  threw = false;
  value: unknown = undefined;
  /** Whether the root was unwound by destruction (the value is then a `CancelledError`). */
  destroyed = false;

  complete(threw: boolean, value: unknown, destroyed: boolean): void {
    this.threw = threw;
    this.value = value;
    this.destroyed = destroyed;
  }
}

const never = (): boolean => false;

/**
 * Destroys a root that cannot finish from here: it unwinds through its `finally` blocks. An
 * unwinding that suspends again is destroyed again, up to {@linkcode UNWIND_ATTEMPTS} times.
 */
function unwind(driver: Driver, pump: () => boolean): void {
  for (let i = 0; i < UNWIND_ATTEMPTS && !driver.finished; i++) {
    driver.prepareDestroy();
    runUntilBlocked(driver, pump);
  }
}

/** Adds where syncAwait was called to an error that leaves it (the throw path only). */
function traced(error: unknown): unknown {
  noteBridge(error, "syncAwait", callSite(syncAwait));
  return error;
}

function checkExecutor(executor: unknown): void {
  if (executor === undefined) return;
  if (
    typeof executor !== "object" || executor === null ||
    typeof (executor as Partial<ManualExecutor>).runOne !== "function"
  ) {
    throw new TypeError(
      "syncAwait(a, { executor }): the executor must be a ManualExecutor (something with " +
        "runOne() that syncAwait can pump); other executors run their work on their own",
    );
  }
}

/**
 * Runs a task (or any awaitable) on this thread now and returns its value, or throws its
 * exception. Work the task schedules onto `inlineExecutor`, or onto the `ManualExecutor` given as
 * `options.executor`, runs in a local loop until the task ends.
 *
 * JavaScript cannot block: if the task waits on something only the host event loop can complete
 * (a Promise, a timer, a microtask), `syncAwait` destroys the suspended task (its `finally`
 * blocks run, its frames are freed) and throws {@linkcode SyncAwaitError} naming what it waited
 * on. Use `start` for such work.
 *
 * @typeParam T The task's eventual type.
 * @param awaitable A task, awaitable or operation; a task must be armed.
 * @param options Where queued work can be run from here.
 * @returns What the task returned.
 * @throws {TaskStateError} If a task is not armed; whatever the task throws; `SyncAwaitError`;
 * `CancelledError` if the task was destroyed through its handle; `TypeError` for an executor
 * that is not a `ManualExecutor` (checked before anything runs).
 *
 * @example
 * ```ts
 * import { type Suspension, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const fib = task(function* (n: number): Generator<Suspension, number, unknown> {
 *   return n < 2 ? n : (yield* fib(n - 1)) + (yield* fib(n - 2));
 * });
 * assert.equal(syncAwait(fib(20)), 6765);
 * ```
 */
export function syncAwait<T>(
  awaitable: Awaitable<T> | Operation<T>,
  options?: SyncAwaitOptions,
): T {
  const { executor } = optionsObject("syncAwait(awaitable, options)", options, "{ executor }");
  checkExecutor(executor);
  const outcome = new Outcome();
  const driver = newRoot(toOperation(awaitable, "syncAwait(awaitable)"), null, outcome);
  const pump = executor === undefined ? never : () => executor.runOne();
  try {
    runUntilBlocked(driver, pump);
  } catch (error) {
    // Local work threw: its error is ours, but the task must not stay suspended, to resume when
    // someone drains the executor later. Unwind it here; an error from its finally is attached.
    unwind(driver, never);
    if (outcome.threw && !outcome.destroyed) {
      throw new SuppressedError(
        outcome.value,
        error,
        "a finally block threw while syncAwait unwound the task after its local work threw",
      );
    }
    throw error;
  }
  if (!driver.finished) {
    const waitedOn = describeAwaitable(driver.handle?.awaitable);
    unwind(driver, pump);
    // An exception from a finally block replaces the unwinding, as it would in JavaScript.
    if (outcome.threw && !outcome.destroyed) throw traced(outcome.value);
    throw new SyncAwaitError(waitedOn);
  }
  // A root destroyed through its handle ends with a CancelledError, as start()'s promise does.
  if (outcome.threw) throw traced(outcome.value);
  return outcome.value as T;
}
