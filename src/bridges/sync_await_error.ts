/**
 * `SyncAwaitError`: `syncAwait` met something only the host event loop can complete.
 *
 * @module
 */

/**
 * Thrown by `syncAwait` when its task waits on something that only the host event loop can
 * complete (a Promise, a timer, a microtask or macrotask hop): JavaScript cannot block the thread
 * for it. Before throwing, `syncAwait` destroyed the suspended task: its `finally` blocks ran and
 * its frames were freed. `waitedOn` names what it waited on.
 *
 * @example
 * ```ts
 * import { sleep, syncAwait, SyncAwaitError } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => syncAwait(sleep(10)), SyncAwaitError);
 * ```
 */
export class SyncAwaitError extends Error {
  /** What the task was suspended on. */
  readonly waitedOn: string;

  /**
   * Makes the error; `syncAwait` throws it.
   *
   * @param waitedOn What the task was suspended on.
   */
  constructor(waitedOn: string) {
    super(
      `syncAwait cannot block on ${waitedOn}: only the host event loop can complete it. The ` +
        "task was destroyed (its finally blocks ran). Use `await start(...)` instead, or run " +
        "the work on a ManualExecutor passed as syncAwait's options.executor",
    );
    this.name = "SyncAwaitError";
    this.waitedOn = waitedOn;
  }
}
