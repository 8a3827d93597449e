/**
 * `allocatorArg`: the `std::allocator_arg_t` tag for tasks.
 *
 * @module
 */

/**
 * The tag that, passed as a task's first argument, makes the next argument its frame allocator
 * (paper XX.1.3 clause 6). The task's body still receives every argument, the tag included, so its
 * parameter list is written with them.
 *
 * @example
 * ```ts
 * import { allocatorArg, ArenaResource, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const sum = task(function* (_tag: typeof allocatorArg, _arena: ArenaResource, n: number) {
 *   return n * (n + 1) / 2;
 * });
 * using arena = new ArenaResource();
 * assert.equal(syncAwait(sum(allocatorArg, arena, 10)), 55);
 * assert.equal(arena.stats.allocations, 1);
 * ```
 */
export const allocatorArg: unique symbol = Symbol("allocatorArg");
