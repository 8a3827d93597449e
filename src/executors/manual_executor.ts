/**
 * `ManualExecutor`: an executor you drain yourself.
 *
 * @module
 */

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
  #queue: ((() => void) | undefined)[] = [];
  #head = 0;

  /** Queues `callback`. */
  execute(callback: () => void): void {
    this.#queue.push(callback);
  }

  /** How many callbacks are queued. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Runs the oldest queued callback.
   *
   * @returns `false` if there was none.
   */
  runOne(): boolean {
    if (this.#head === this.#queue.length) return false;
    const callback = this.#queue[this.#head]!;
    this.#queue[this.#head++] = undefined;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
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
