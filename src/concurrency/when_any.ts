/**
 * `whenAny(...)`: the first operation to end wins; the others are cancelled.
 *
 * @module
 */

import { ANY, Group, normalize } from "./_group.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import type { AwaitResult } from "../core/await_result.ts";

/**
 * What {@linkcode whenAny} gives: the index of the input that ended first and its value, typed
 * per index (`r.index === 0` narrows `r.value` to the first input's type).
 *
 * @typeParam A The tuple of inputs.
 *
 * @example
 * ```ts
 * import type { AnyResult, Task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const r: AnyResult<[Task<number>, Task<string>]> = { index: 1, value: "late" };
 * assert.equal(r.index === 1 ? r.value.length : 0, 4);
 * ```
 */
export type AnyResult<A extends readonly unknown[]> = {
  [K in keyof A]: {
    index: K extends `${infer N extends number}` ? N : number;
    value: AwaitResult<A[K]>;
  };
}[number];

/**
 * Runs every operation concurrently, like `whenAll`, and gives `{ index, value }` of the first
 * one to end. The moment one ends, the others are cancelled (through a child domain of the
 * awaiter's ambient domain) and `whenAny` returns only after they have all unwound. If the first
 * to end threw, that error is rethrown (after the others have unwound). Inputs that end while
 * they are being started count: the first input that completes without suspending wins, and the
 * ones after it start in a cancelled domain.
 *
 * A timeout is `whenAny(work(), sleep(ms))`.
 *
 * @typeParam A The tuple of inputs (at least one).
 * @param operations What to race.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, with no arguments (it could never end), or for an argument
 * that cannot be awaited.
 *
 * @example
 * ```ts
 * import { sleep, start, task, whenAny } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const cleaned: string[] = [];
 * const slow = task(function* () {
 *   try {
 *     yield* sleep(60_000);
 *     return "slow";
 *   } finally {
 *     cleaned.push("slow");
 *   }
 * });
 * const fast = task(function* () {
 *   yield* sleep(1);
 *   return 42;
 * });
 * const race = task(function* () {
 *   return yield* whenAny(slow(), fast());
 * });
 * assert.deepEqual(await start(race()), { index: 1, value: 42 });
 * assert.deepEqual(cleaned, ["slow"]); // cancelled and unwound before whenAny returned
 * ```
 */
export function whenAny<A extends readonly (Awaitable<unknown> | Operation<unknown>)[]>(
  ...operations: A
): Operation<AnyResult<A>> {
  if (operations.length === 0) {
    throw new TypeError("whenAny() needs at least one operation: with none it could never end");
  }
  return new Group(ANY, normalize(operations));
}
