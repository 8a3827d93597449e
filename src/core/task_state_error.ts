/**
 * `TaskStateError`: a task was used in a state that does not allow it.
 *
 * @module
 */

/**
 * Thrown when a task is awaited, moved or destroyed in a state that does not allow it: awaiting a
 * task that is not armed (it was launched already, moved from, or destroyed), or destroying a task
 * that is still running. The message names the state and the fix.
 *
 * @example
 * ```ts
 * import { syncAwait, task, TaskStateError } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const answer = task(function* () {
 *   return 42;
 * });
 * const t = answer();
 * syncAwait(t);
 * assert.throws(() => syncAwait(t), TaskStateError);
 * ```
 */
export class TaskStateError extends Error {
  /** The status the task had when it was misused. */
  readonly status: string;

  /**
   * Makes the error; the library throws it, users only catch it.
   *
   * @param message What went wrong and how to fix it.
   * @param status The task's status at the time.
   */
  constructor(message: string, status: string) {
    super(message);
    this.name = "TaskStateError";
    this.status = status;
  }
}
