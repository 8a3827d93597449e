/**
 * `coAwait(awaitable)`: the `co_await` operator as a function.
 *
 * @module
 */

import type { Awaitable, Operation } from "./awaitable.ts";
import { toOperation } from "./_operation.ts";

/**
 * Turns any awaitable into an {@linkcode Operation} that `yield*` can await, typed: a Promise or
 * thenable, a `SimpleAwaitable`, an object with `[coAwaitSymbol]()`, a task, or an operation.
 *
 * Awaiting a Promise this way is cancellable: if the ambient cancellation domain is cancelled
 * while it waits, the `yield*` throws `CancelledError` at once and the promise's later outcome is
 * ignored (a rejection is still handled, so it is never reported as unhandled).
 *
 * @typeParam T What the await evaluates to.
 * @param awaitable The thing to await.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} If `awaitable` is none of the above.
 *
 * @example
 * ```ts
 * import { coAwait, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const fetchLength = task(function* (text: string) {
 *   const body = yield* coAwait(Promise.resolve(text));
 *   return body.length;
 * });
 * assert.equal(await start(fetchLength("hello")), 5);
 * ```
 */
export function coAwait<T>(awaitable: Awaitable<T> | Operation<T>): Operation<T> {
  return toOperation(awaitable, "coAwait(awaitable)");
}
