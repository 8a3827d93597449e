/**
 * `frameBuffer(bytes)`: scratch memory that lives as long as the task.
 *
 * @module
 */

import { OWNER_SIGNAL, type Suspension } from "../core/_runtime.ts";
import type { Operation } from "../core/awaitable.ts";
import type { Task } from "../core/task.ts";
import { installThenTrap } from "../core/_then_trap.ts";

// The one suspension a frameBuffer await makes: "which task am I in?". The innermost task answers
// it at once with itself (it never reaches a driver), so the result can be shared.
const ASK_OWNER: IteratorResult<Suspension, Uint8Array> = Object.freeze({
  done: false,
  value: OWNER_SIGNAL,
});

/**
 * The operation and its iterator in one object: `yield*` asks the owner, gets the task back in
 * `next(task)`, and returns the buffer. No closure, no generator: one small object per call.
 */
class FrameBufferOp implements Operation<Uint8Array>, Iterator<Suspension, Uint8Array, unknown> {
  readonly bytes: number;
  asked = false;

  constructor(bytes: number) {
    this.bytes = bytes;
  }

  [Symbol.iterator](): this {
    this.asked = false; // answered synchronously, so one object serves every await of it
    return this;
  }

  next(owner?: unknown): IteratorResult<Suspension, Uint8Array> {
    if (!this.asked) {
      this.asked = true;
      return ASK_OWNER;
    }
    return { done: true, value: (owner as Task<unknown>)._buffer(this.bytes) };
  }

  return(value?: unknown): IteratorResult<Suspension, Uint8Array> {
    return { done: true, value: value as Uint8Array };
  }
}

installThenTrap(FrameBufferOp.prototype, "an Operation (frameBuffer)");

/**
 * Takes `bytes` of Wasm memory from the current task's frame allocator (the one given with
 * `allocatorArg`, or the one its environment gives it, else the default resource) and returns a
 * `Uint8Array` over it. The memory is
 * freed when the task's body ends, by any path; the view stays valid while the heap grows (where
 * the engine supports resizable buffers, as Deno does; elsewhere a growing heap detaches it).
 *
 * **Do not use the view after the task ended.** Its memory goes back to the allocator then, and
 * the next task (or the next `frameBuffer`) gets it: a view kept past its task's end (stored in
 * an outer variable, returned, captured by a callback) silently reads and writes someone else's
 * memory. Copy out what must outlive the task (`view.slice()`). In tests, turn on
 * {@linkcode poisonFreedFrameBuffers} so such a view reads `0xDE` bytes at once.
 *
 * Cost and overhead: the allocator is asked for exactly `bytes` bytes (aligned to 8), so a
 * power-of-two size fits the `PoolResource` size class of that size. Bookkeeping lives in the
 * task's frame (32 bytes, taken on first need, recording up to three buffers) plus one 32-byte
 * record per further three buffers, all from the same allocator.
 *
 * @param bytes How many bytes: an integer in [0, 2^30], else a `RangeError` at the call.
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
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > 2 ** 30) {
    throw new RangeError(
      `frameBuffer(${String(bytes)}): the size must be an integer in [0, 2^30]`,
    );
  }
  return new FrameBufferOp(bytes);
}
