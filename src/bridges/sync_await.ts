/**
 * `syncAwait(awaitable)`: the paper's `sync_await`, a bridge from ordinary code.
 *
 * @module
 */

import { type Completion, runUntilBlocked } from "../core/_driver.ts";
import { newRoot } from "../core/_root.ts";
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

  complete(threw: boolean, value: unknown): void {
    this.threw = threw;
    this.value = value;
  }
}

const never = (): boolean => false;

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
 * @throws {TaskStateError} If a task is not armed; whatever the task throws; `SyncAwaitError`.
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
  const outcome = new Outcome();
  const driver = newRoot(toOperation(awaitable), null, outcome);
  const executor = options?.executor;
  const pump = executor === undefined ? never : () => executor.runOne();
  runUntilBlocked(driver, pump);
  if (!driver.finished) {
    const waitedOn = describeAwaitable(driver.handle?.awaitable);
    for (let i = 0; i < UNWIND_ATTEMPTS && !driver.finished; i++) {
      driver.prepareDestroy();
      runUntilBlocked(driver, pump);
    }
    // An exception from a finally block replaces the unwinding, as it would in JavaScript.
    if (outcome.threw) throw outcome.value;
    throw new SyncAwaitError(waitedOn);
  }
  if (outcome.threw) throw outcome.value;
  return outcome.value as T;
}
