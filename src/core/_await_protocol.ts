/**
 * The rules of the await protocol the driver enforces at a suspension: what `awaitSuspend` may
 * return, and the `TypeError`s for what a task body must not yield.
 *
 * @module
 */

import { isTask, OWNER_SIGNAL } from "./_runtime.ts";
import type { CoroutineHandle } from "./awaitable.ts";
import { AwaitOp } from "./awaiter.ts";

/** What `awaitSuspend` may return: `void`, a boolean, or a coroutine handle. */
export function isDecision(value: unknown): boolean {
  return value === undefined || value === true || value === false || value instanceof AwaitOp ||
    (typeof value === "object" && value !== null &&
      typeof (value as Partial<CoroutineHandle>).resume === "function" &&
      typeof (value as { then?: unknown }).then !== "function");
}

export function badDecision(value: unknown): TypeError {
  const got = value === null
    ? "null"
    : typeof value === "object"
    ? typeof (value as { then?: unknown }).then === "function" ? "a Promise" : "an object"
    : `${typeof value} ${String(value)}`;
  return new TypeError(
    `awaitSuspend() returned ${got}: it must return nothing or a boolean (true: stay ` +
      "suspended, false: resume now) or a CoroutineHandle to transfer to",
  );
}

export function plainYieldError(value: unknown): TypeError {
  if (value === OWNER_SIGNAL) {
    return new TypeError(
      "frameBuffer() and fork() can only be awaited with yield* inside a task: they belong to it",
    );
  }
  if (isTask(value)) {
    return new TypeError(
      "a task was yielded without being awaited: write `yield* t`, not `yield t` " +
        "(plain yield is ill-formed in a task, P1056 XX.1.3 clause 7); the task is still armed",
    );
  }
  if (value instanceof AwaitOp) {
    return new TypeError(
      "a CoroutineHandle was yielded: plain `yield` is not allowed in a task (P1056 XX.1.3 " +
        "clause 7); resume or destroy a handle, and await with `yield*`",
    );
  }
  return new TypeError(
    "plain `yield` is not allowed in a task (P1056 XX.1.3 clause 7): await with `yield*` " +
      "(yield* otherTask, yield* coAwait(promise), yield* sleep(ms))",
  );
}
