/**
 * `spawn(executor, operation)`: start an operation on an executor.
 *
 * @module
 */

import { optionsObject } from "../core/_options.ts";
import { toOperation } from "../core/_operation.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import { checkExecutor } from "./_checks.ts";
import type { Executor } from "./executor.ts";
import { Spawn, type SpawnOptions } from "./_spawn.ts";

export type { SpawnOptions } from "./_spawn.ts";

/**
 * Starts `operation` on `executor` (the paper's case 3, `co_await spawn(ex, f())`); the awaiter
 * resumes where the operation completed. `via(spawn(ex1, t), ex2)` starts on `ex1` and resumes on
 * `ex2` (case 4). The spawned work runs in the awaiter's cancellation domain.
 *
 * @typeParam T What the operation evaluates to.
 * @param executor Where the operation starts.
 * @param operation A task, awaitable or operation.
 * @returns An operation; `yield*` it inside a task.
 *
 * @example
 * ```ts
 * import { ManualExecutor, spawn, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const worker = new ManualExecutor();
 * const compute = task(function* () {
 *   return 6 * 7;
 * });
 * const main = task(function* () {
 *   return yield* spawn(worker, compute());
 * });
 * assert.equal(syncAwait(main(), { executor: worker }), 42);
 * ```
 */
export function spawn<T>(
  executor: Executor,
  operation: Awaitable<T> | Operation<T>,
  options?: SpawnOptions,
): Operation<T> {
  checkExecutor(executor, "spawn(executor, operation)");
  const { affinity } = optionsObject(
    "spawn(executor, operation, options)",
    options,
    "{ affinity: true }",
  );
  if (affinity !== undefined && typeof affinity !== "boolean") {
    throw new TypeError("spawn(executor, operation, { affinity }): affinity must be true or false");
  }
  return new Spawn(
    executor,
    toOperation(operation, "spawn(executor, operation)"),
    affinity === true,
  );
}
