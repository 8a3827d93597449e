/**
 * Argument checks shared by the executors and the operations that take one.
 *
 * @module
 */

/** What `checkExecutor` guarantees: the shape of `Executor` (not imported: executor.ts uses us). */
interface HasExecute {
  execute(callback: () => void): void;
}

/** Throws a `TypeError` at `where` unless `callback` is a function. */
export function checkCallback(callback: unknown, where: string): void {
  if (typeof callback !== "function") {
    throw new TypeError(
      `${where}.execute(callback): callback must be a function (got ${
        callback === null ? "null" : typeof callback
      }); pass () => ...`,
    );
  }
}

/** Throws a `TypeError` at `where` unless `executor` has an `execute` method. */
export function checkExecutor(executor: unknown, where: string): asserts executor is HasExecute {
  if (typeof (executor as Partial<HasExecute> | null)?.execute !== "function") {
    throw new TypeError(
      `${where}: executor must be an object with an execute(callback) method (got ${
        executor === null ? "null" : typeof executor
      }); pass inlineExecutor, microtaskExecutor, macrotaskExecutor or a ManualExecutor`,
    );
  }
}
