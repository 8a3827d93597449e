/**
 * `schedule(executor)`: move the current task onto an executor.
 *
 * @module
 */

import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import { EXECUTOR_OF } from "../core/_runtime.ts";
import type { Operation } from "../core/awaitable.ts";
import { checkExecutor } from "./_checks.ts";
import type { Executor } from "./executor.ts";

/** One hop onto an executor; cancellable while the executor has not run it yet. */
class ScheduleOn extends CancellableAwaiter<void> {
  readonly #executor: Executor;

  constructor(executor: Executor) {
    super();
    this.#executor = executor;
  }

  /** Under scheduler affinity, the root adopts this executor for the rest of its run. */
  get [EXECUTOR_OF](): Executor {
    return this.#executor;
  }

  protected begin(): void {
    // Tagged with this wait: an executor that runs it twice, or late, completes nothing more.
    // If execute() throws before running it, the error is thrown at the `yield*`.
    const wait = this.wait;
    this.#executor.execute(() => void this.wake(wait));
  }

  protected stop(): void {
    // The executor may still run the callback; it finds the hop completed and does nothing.
  }

  protected result(): void {}

  override toString(): string {
    return `schedule(${String(this.#executor)})`;
  }
}

/**
 * Moves the current task onto `executor`: the task suspends and resumes in a callback that the
 * executor runs. The hop is cancellable: if the ambient domain is cancelled before the executor
 * runs it, the `yield*` throws `CancelledError`. If `executor.execute` throws, that error is
 * thrown at the `yield*`. An executor that runs the callback more than once resumes the task
 * once: later runs do nothing.
 *
 * @param executor Where the rest of the task runs.
 * @returns An operation; `yield*` it inside a task.
 *
 * @example
 * ```ts
 * import { ManualExecutor, schedule, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const loop = new ManualExecutor();
 * const steps: string[] = [];
 * const t = task(function* () {
 *   steps.push("before");
 *   yield* schedule(loop);
 *   steps.push("after");
 * });
 * const p = start(t());
 * assert.deepEqual(steps, ["before"]);
 * loop.drain();
 * await p;
 * assert.deepEqual(steps, ["before", "after"]);
 * ```
 */
export function schedule(executor: Executor): Operation<void> {
  checkExecutor(executor, "schedule(executor)");
  return new ScheduleOn(executor);
}
