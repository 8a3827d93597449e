/**
 * `AwaitResult<X>`: what awaiting `X` evaluates to, for typing combinators.
 *
 * @module
 */

import type { Awaitable, Operation } from "./awaitable.ts";

/**
 * What `yield*` gives for `X` once it is made awaitable: `T` for a `Task<T>`, an
 * `Operation<T>`, a `Forked<T>`, a `SimpleAwaitable<T>`, an object with `[coAwaitSymbol]()` or a
 * `PromiseLike<T>`. `whenAll`, `whenAny` and `join` map their arguments through it.
 *
 * @typeParam X Something awaitable.
 *
 * @example
 * ```ts
 * import type { AwaitResult, Task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const n: AwaitResult<Task<number>> = 1;
 * const s: AwaitResult<Promise<string>> = "one";
 * assert.deepEqual([n, s], [1, "one"]);
 * ```
 */
export type AwaitResult<X> = X extends Operation<infer U> ? U
  : X extends Awaitable<infer U> ? U
  : never;
