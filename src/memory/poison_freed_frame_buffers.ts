/**
 * `poisonFreedFrameBuffers(enabled)`: the checked mode for `frameBuffer` lifetimes.
 *
 * @module
 */

import { setPoison } from "./_frame.ts";

/**
 * Turns the checked mode for `frameBuffer` on (or off) and returns the previous setting. While it
 * is on, every `frameBuffer` is overwritten with `0xDE` bytes when its task ends, before its
 * memory goes back to the allocator, so code that keeps a view past its task (a use after end)
 * reads `0xDE` garbage at once instead of data that happens to still be there. (With a resource
 * that reuses freed memory at once, such as `newDeleteResource` or a pool, some of those bytes are
 * then overwritten by the allocator's own free-list links: garbage either way.) It costs a fill
 * of each buffer at task end: meant for tests and debugging, off by default.
 *
 * @param enabled `true` (the default) to poison freed buffers, `false` to stop.
 * @returns The setting before this call.
 *
 * @example
 * ```ts
 * import {
 *   allocatorArg,
 *   ArenaResource,
 *   frameBuffer,
 *   poisonFreedFrameBuffers,
 *   syncAwait,
 *   task,
 * } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * using arena = new ArenaResource();
 * const previous = poisonFreedFrameBuffers(true);
 * try {
 *   const leaky = task(function* (_tag: typeof allocatorArg, _arena: ArenaResource) {
 *     const view = yield* frameBuffer(4);
 *     view.set([1, 2, 3, 4]);
 *     return view; // a bug: the view outlives its task
 *   });
 *   const view = syncAwait(leaky(allocatorArg, arena));
 *   assert.deepEqual([...view], [0xde, 0xde, 0xde, 0xde]);
 * } finally {
 *   poisonFreedFrameBuffers(previous);
 * }
 * ```
 */
export function poisonFreedFrameBuffers(enabled: boolean = true): boolean {
  if (typeof enabled !== "boolean") {
    throw new TypeError(
      `poisonFreedFrameBuffers: enabled must be a boolean, got ${typeof enabled}`,
    );
  }
  return setPoison(enabled);
}
