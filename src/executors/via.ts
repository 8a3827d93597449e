/**
 * `via(operation, executor)`: await here, resume the awaiter on an executor.
 *
 * @module
 */

import { toOperation } from "../core/_operation.ts";
import type { Suspension } from "../core/_runtime.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import { checkExecutor } from "./_checks.ts";
import { LazyOperation } from "../core/_lazy_operation.ts";
import type { Executor } from "./executor.ts";
import { schedule } from "./schedule.ts";

function* awaitThenHop<T>(
  operation: Operation<T>,
  executor: Executor,
): Generator<Suspension, T, unknown> {
  let value: T;
  try {
    value = yield* operation;
  } catch (error) {
    try {
      yield* schedule(executor);
    } catch {
      // The operation's own error is the one the awaiter must see.
    }
    throw error;
  }
  yield* schedule(executor);
  return value;
}

/**
 * Awaits `operation`, started on the current thread, then resumes the awaiter on `executor` (the
 * paper's case 2, `co_await f().via(e)`), whether the operation returned or threw. The hop is
 * the one `schedule` makes: cancellable, and resumed once however often the executor runs it.
 *
 * @typeParam T What the operation evaluates to.
 * @param operation A task, awaitable or operation.
 * @param executor Where the awaiter resumes.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} If `executor` has no `execute` method.
 *
 * @example
 * ```ts
 * import { ManualExecutor, syncAwait, task, via } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const ui = new ManualExecutor();
 * const load = task(function* () {
 *   return "data";
 * });
 * const screen = task(function* () {
 *   const data = yield* via(load(), ui); // load runs here; the rest runs on ui
 *   return `showing ${data}`;
 * });
 * assert.equal(syncAwait(screen(), { executor: ui }), "showing data");
 * ```
 */
export function via<T>(operation: Awaitable<T> | Operation<T>, executor: Executor): Operation<T> {
  checkExecutor(executor, "via(operation, executor)");
  const op = toOperation(operation, "via(operation, executor)");
  return new LazyOperation(() => awaitThenHop(op, executor));
}
