/**
 * `frameBuffer(bytes)`: scratch memory that lives as long as the task.
 *
 * @module
 */

import { OWNER_SIGNAL, type Suspension } from "../core/_runtime.ts";
import type { Operation } from "../core/awaitable.ts";
import type { Task } from "../core/task.ts";

function* takeBuffer(bytes: number): Generator<Suspension, Uint8Array, unknown> {
  const owner = (yield OWNER_SIGNAL) as Task<unknown>; // the innermost task answers with itself
  return owner._buffer(bytes);
}

/**
 * Takes `bytes` of Wasm memory from the current task's frame allocator (the one given with
 * `allocatorArg`, else the default resource) and returns a `Uint8Array` over it. The memory is
 * freed when the task's body ends, by any path; the view stays valid while the heap grows (where
 * the engine supports resizable buffers, as Deno does; elsewhere a growing heap detaches it).
 *
 * @param bytes How many bytes.
 * @returns An operation; `yield*` it inside a task. If the allocator cannot supply the bytes, the
 * `yield*` throws `BadAllocError`.
 *
 * @example
 * ```ts
 * import { frameBuffer, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const checksum = task(function* (text: string) {
 *   const scratch = yield* frameBuffer(text.length);
 *   const { written } = new TextEncoder().encodeInto(text, scratch);
 *   return scratch.subarray(0, written).reduce((a, b) => a + b, 0);
 * });
 * assert.equal(syncAwait(checksum("abc")), 97 + 98 + 99);
 * ```
 */
export function frameBuffer(bytes: number): Operation<Uint8Array> {
  return { [Symbol.iterator]: () => takeBuffer(bytes) };
}
