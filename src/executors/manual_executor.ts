/**
 * `ManualExecutor`: an executor you drain yourself.
 *
 * @module
 */

import { checkCallback } from "./_checks.ts";
import { Fifo } from "./_fifo.ts";
import type { Executor } from "./executor.ts";

/**
 * An executor that queues callbacks until you run them with `runOne()` or `drain()`: a
 * deterministic event loop for tests and for `syncAwait`, which drives the one passed as
 * `options.executor` while its task waits.
 *
 * @example
 * ```ts
 * import { ManualExecutor, schedule, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const loop = new ManualExecutor();
 * const hop = task(function* () {
 *   yield* schedule(loop); // resumes when syncAwait runs the queued callback
 *   return "resumed on loop";
 * });
 * assert.equal(syncAwait(hop(), { executor: loop }), "resumed on loop");
 * assert.equal(loop.pending, 0);
 * ```
 */
export class ManualExecutor implements Executor {
  // Reclaims what it has run as it goes: used as an event loop that never empties, it stays
  // as small as what is pending.
  readonly #queue = new Fifo<() => void>();

  /**
   * Queues `callback`.
   *
   * @throws {TypeError} If `callback` is not a function.
   */
  execute(callback: () => void): void {
    checkCallback(callback, "ManualExecutor");
    this.#queue.push(callback);
  }

  /** How many callbacks are queued. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Runs the oldest queued callback. It is taken off the queue first, so one that throws leaves
   * the executor consistent: the error propagates here and the rest stay queued.
   *
   * @returns `false` if there was none.
   */
  runOne(): boolean {
    const callback = this.#queue.shift();
    if (callback === undefined) return false;
    callback();
    return true;
  }

  /**
   * Runs callbacks, including those queued meanwhile, until none is left.
   *
   * @returns How many ran.
   */
  drain(): number {
    let ran = 0;
    while (this.runOne()) ran++;
    return ran;
  }

  /** Names the executor in error messages. */
  toString(): string {
    return "a ManualExecutor";
  }
}
