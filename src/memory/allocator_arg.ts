/**
 * `allocatorArg`: the `std::allocator_arg_t` tag for tasks.
 *
 * @module
 */

/**
 * The tag that, passed as a task's first argument, makes the next argument its frame allocator
 * (paper XX.1.3 clause 6). The task's body still receives every argument, the tag included, so its
 * parameter list is written with them. The allocator is checked at the call; the frame is taken
 * from it when the task first needs one (its first suspension or `frameBuffer`), so a task that
 * completes inline takes nothing, like any other task.
 *
 * @example
 * ```ts
 * import { allocatorArg, ArenaResource, frameBuffer, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const sum = task(function* (_tag: typeof allocatorArg, _arena: ArenaResource, n: number) {
 *   return n * (n + 1) / 2;
 * });
 * const scratch = task(function* (_tag: typeof allocatorArg, _arena: ArenaResource) {
 *   const bytes = yield* frameBuffer(16); // needs the frame: both come from the arena
 *   return bytes.length;
 * });
 * using arena = new ArenaResource();
 * assert.equal(syncAwait(sum(allocatorArg, arena, 10)), 55);
 * assert.equal(arena.stats.allocations, 0); // completed inline: its frame was elided
 * assert.equal(syncAwait(scratch(allocatorArg, arena)), 16);
 * assert.equal(arena.stats.allocations, 2); // the frame and the buffer
 * ```
 */
export const allocatorArg: unique symbol = Symbol("allocatorArg");
