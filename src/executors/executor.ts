/**
 * Executors: where work runs (the paper's "Interaction with executors").
 *
 * @module
 */

import { checkCallback } from "./_checks.ts";
import { messageChannelQueue } from "./_message_channel_queue.ts";

/**
 * Something that runs callbacks somewhere: now, in a microtask, in a macrotask, on a queue you
 * drain yourself. Tasks move between executors with `schedule`, `via` and `spawn`.
 *
 * @example
 * ```ts
 * import { type Executor, schedule, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const log: string[] = [];
 * const logging: Executor = {
 *   execute(callback) {
 *     log.push("hop");
 *     queueMicrotask(callback);
 *   },
 * };
 * const t = task(function* () {
 *   yield* schedule(logging);
 *   return "moved";
 * });
 * assert.equal(await start(t()), "moved");
 * assert.deepEqual(log, ["hop"]);
 * ```
 */
export interface Executor {
  /**
   * Runs `callback` once, now or later, on this executor. (The library is robust to executors
   * that break this: a hop whose callback runs twice resumes its task once.)
   */
  execute(callback: () => void): void;
}

/**
 * Runs each callback at once, on the caller's stack. `yield* schedule(inlineExecutor)` resumes
 * without suspending in any observable way, and `syncAwait` can drive it.
 *
 * @example
 * ```ts
 * import { inlineExecutor } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * let ran = false;
 * inlineExecutor.execute(() => (ran = true));
 * assert.equal(ran, true);
 * ```
 */
export const inlineExecutor: Executor = Object.freeze({
  execute(callback: () => void): void {
    checkCallback(callback, "inlineExecutor");
    callback();
  },
  toString: () => "inlineExecutor",
});

/**
 * Runs each callback in a microtask (`queueMicrotask`): after the current job, before any timer
 * or I/O.
 *
 * @example
 * ```ts
 * import { microtaskExecutor } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const order: string[] = [];
 * microtaskExecutor.execute(() => order.push("microtask"));
 * order.push("now");
 * await Promise.resolve();
 * assert.deepEqual(order, ["now", "microtask"]);
 * ```
 */
export const microtaskExecutor: Executor = Object.freeze({
  execute(callback: () => void): void {
    checkCallback(callback, "microtaskExecutor");
    queueMicrotask(callback);
  },
  toString: () => "microtaskExecutor",
});

type Immediate = (callback: () => void) => unknown;

/**
 * Runs each callback in a macrotask: after pending microtasks and I/O callbacks. It uses
 * `setImmediate` where the runtime has it (Deno, Node, Bun) and a `MessageChannel` elsewhere
 * (open only while callbacks are pending, so it never keeps a process alive), so it is not
 * clamped to 4 ms the way nested `setTimeout(0)` is.
 *
 * @example
 * ```ts
 * import { macrotaskExecutor } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const ran = await new Promise<boolean>((resolve) => macrotaskExecutor.execute(() => resolve(true)));
 * assert.equal(ran, true);
 * ```
 */
export const macrotaskExecutor: Executor = Object.freeze({
  execute: macrotaskExecute(),
  toString: () => "macrotaskExecutor",
});

function macrotaskExecute(): (callback: () => void) => void {
  const setImmediateFn = (globalThis as { setImmediate?: Immediate }).setImmediate;
  const enqueue = setImmediateFn !== undefined
    ? (callback: () => void): unknown => setImmediateFn(callback)
    : messageChannelQueue();
  return (callback: () => void): void => {
    checkCallback(callback, "macrotaskExecutor");
    enqueue(callback);
  };
}
