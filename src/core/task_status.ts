/**
 * `TaskStatus`: where a task is in its life.
 *
 * @module
 */

/**
 * Where a task is in its life (`Task.status`): `"armed"` (not started), `"launched"` (awaited and
 * not finished), `"done"` (its body ended), `"destroyed"`, or `"empty"` (moved from).
 *
 * @example
 * ```ts
 * import { syncAwait, task, type TaskStatus } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const t = task(function* () {
 *   return 1;
 * })();
 * const before: TaskStatus = t.status;
 * syncAwait(t);
 * assert.deepEqual([before, t.status], ["armed", "done"]);
 * ```
 */
export type TaskStatus = "armed" | "launched" | "done" | "destroyed" | "empty";
