/**
 * `schedule(executor)`: move the current task onto an executor.
 *
 * @module
 */

import { Awaiter } from "./awaiter.ts";
import type { CoroutineHandle, Operation } from "./awaitable.ts";
import type { CancellationDomain, CancellationListener } from "./cancellation_domain.ts";
import { CancelledError } from "./cancelled_error.ts";
import type { Executor } from "./executor.ts";

/** One hop onto an executor; cancellable while the executor has not run it yet. */
class ScheduleOn extends Awaiter<void> implements CancellationListener {
  readonly #executor: Executor;
  #handle: CoroutineHandle | null = null;
  #domain: CancellationDomain | null = null;
  #cancelled = false;
  #reason: unknown = undefined;

  constructor(executor: Executor) {
    super();
    this.#executor = executor;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    const domain = handle.domain;
    if (domain.cancelled) {
      this.#cancelled = true;
      this.#reason = domain.reason;
      return false;
    }
    this.#handle = handle;
    this.#domain = domain;
    domain.addListener(this);
    try {
      this.#executor.execute(this.#run);
    } catch (error) {
      this.#release(); // the executor refused: the error is thrown at the `yield*`
      throw error;
    }
    return true;
  }

  awaitResume(): void {
    if (this.#cancelled) throw new CancelledError(this.#reason);
  }

  onCancel(reason: unknown): void {
    if (this.#handle === null) return;
    this.#cancelled = true;
    this.#reason = reason;
    this.#release()?.resume();
  }

  [Symbol.dispose](): void {
    this.#release();
  }

  override toString(): string {
    return `schedule(${String(this.#executor)})`;
  }

  #run = (): void => {
    this.#release()?.resume();
  };

  #release(): CoroutineHandle | null {
    this.#domain?.removeListener(this);
    this.#domain = null;
    const handle = this.#handle;
    this.#handle = null;
    return handle;
  }
}

/**
 * Moves the current task onto `executor`: the task suspends and resumes in a callback that the
 * executor runs. The hop is cancellable: if the ambient domain is cancelled before the executor
 * runs it, the `yield*` throws `CancelledError`. If `executor.execute` throws, that error is
 * thrown at the `yield*`.
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
  if (executor === null || typeof executor?.execute !== "function") {
    throw new TypeError("schedule(executor): executor must have an execute(callback) method");
  }
  return new ScheduleOn(executor);
}
