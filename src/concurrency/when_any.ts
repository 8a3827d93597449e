/**
 * `whenAny(...)`: the first operation to end wins; the others are cancelled.
 *
 * @module
 */

import { ANY, makeGroup } from "./_group.ts";
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
 * Errors are never lost, by DisposableStack's rule: the winner's outcome comes first, and an
 * error a loser throws while it unwinds (`CancelledError` aside, e.g. from a `finally`) is
 * attached to it as `new SuppressedError(loserError, previous)`; if the winner returned a value,
 * the first loser error replaces it (as a throwing disposer replaces a `using` block's result).
 * Each input runs in its own child domain: the winner's stays uncancelled and, like the losers',
 * linked to the awaiter's domain after `whenAny` returns.
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
): Operation<AnyResult<A>>;
/**
 * `whenAny(tasks)`: {@linkcode whenAny} over one array of any length, typed as
 * `{ index: number, value }` with the union of the results. `whenAny([])` is a `TypeError`.
 *
 * @typeParam A The array of inputs (at least one).
 * @param operations What to race, in one array.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, for an empty array or an element that cannot be awaited.
 *
 * @example
 * ```ts
 * import { sleep, start, task, whenAny } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const mirror = task(function* (ms: number) {
 *   yield* sleep(ms);
 *   return ms;
 * });
 * const fastest = task(function* () {
 *   const r: { index: number; value: number } = yield* whenAny([30, 1, 20].map((ms) => mirror(ms)));
 *   return r;
 * });
 * assert.deepEqual(await start(fastest()), { index: 1, value: 1 });
 * ```
 */
export function whenAny<A extends readonly (Awaitable<unknown> | Operation<unknown>)[]>(
  operations: A,
): Operation<AnyResult<A>>;
export function whenAny(...args: unknown[]): Operation<unknown> {
  return makeGroup(ANY, args, false);
}
