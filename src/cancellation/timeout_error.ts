/**
 * `TimeoutError`: what `timeout(op, ms)` throws when `op` ran out of time.
 *
 * @module
 */

/**
 * Thrown by `timeout(op, ms)` when `ms` elapsed first: `op` was cancelled and has unwound (its
 * `finally` blocks ran) by the time this is thrown. Inside `op`, the cancellation's
 * `CancelledError` carries this error as its `reason`. `ms` is the limit that was exceeded.
 *
 * @example
 * ```ts
 * import { sleep, start, timeout, TimeoutError } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const error = await start(timeout(sleep(60_000), 5)).catch((e) => e);
 * assert.ok(error instanceof TimeoutError);
 * assert.equal(error.ms, 5);
 * ```
 */
export class TimeoutError extends Error {
  /** The limit, in milliseconds, that the operation exceeded. */
  readonly ms: number;

  /**
   * Makes the error; `timeout` throws it.
   *
   * @param ms The limit that was exceeded.
   */
  constructor(ms: number) {
    super(`the operation timed out after ${ms} ms (it was cancelled and has unwound)`);
    this.name = "TimeoutError";
    this.ms = ms;
  }
}
