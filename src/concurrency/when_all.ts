/**
 * `whenAll(...)` and `whenAllSettled(...)`: run operations concurrently, wait for every one.
 *
 * @module
 */

import { ALL, makeGroup, SETTLED, type SettledResult } from "./_group.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import type { AwaitResult } from "../core/await_result.ts";

export type { SettledResult } from "./_group.ts";

/**
 * Options of the one-array forms `whenAll(tasks, options)` and `whenAllSettled(tasks, options)`.
 *
 * @example
 * ```ts
 * import { syncAwait, task, whenAll, type WhenAllOptions } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const double = task(function* (n: number) {
 *   return 2 * n;
 * });
 * const options: WhenAllOptions = { concurrency: 2 };
 * assert.deepEqual(syncAwait(whenAll([double(1), double(2), double(3)], options)), [2, 4, 6]);
 * ```
 */
export interface WhenAllOptions {
  /**
   * How many inputs may be launched at once: a positive integer, or `Infinity` (the default, all
   * at once). The others stay armed and are launched in order as running ones end.
   */
  concurrency?: number;
}

/**
 * Runs every operation concurrently on this thread and gives their values as a typed tuple:
 * `whenAll(a, b)` of a `Task<number>` and a `Task<string>` is `[number, string]`.
 *
 * Each input is started at once, in order, as its own root (so it runs until it first
 * suspends before the next one starts), in a child cancellation domain of the awaiter's ambient
 * domain. The first failure cancels that child domain: the others see `CancelledError` at their
 * next suspension, and once **all** of them have unwound (their `finally` blocks have run), the
 * first error is rethrown. If the awaiter's domain is cancelled meanwhile, the cancellation
 * reaches the inputs through the child domain and `whenAll` throws after they have unwound. In a
 * domain that is already cancelled it throws `CancelledError` at once and starts nothing.
 *
 * Inputs may be tasks (which must be armed; `whenAll` owns them), any `Awaitable`, operations,
 * and `Forked` handles from {@linkcode fork} (then `whenAll` is `join`). `whenAll()` gives `[]`
 * at once. For many inputs pass one array, `whenAll(tasks)` (see the overload below): spreading a
 * large array into arguments hits the engine's argument limit.
 *
 * Errors are never lost, by DisposableStack's rule: the first failure is the outcome, and an error
 * that another input throws later (while it unwinds, say from a `finally`; `CancelledError`
 * aside) wraps it as `new SuppressedError(later, previous)`, in the order they happen. The group's
 * child domain stays linked to the awaiter's after `whenAll` returns, so work an input left
 * running through `currentDomain()` is still reached by the outer cancellation; a `whenAll` that
 * returned normally leaves that domain uncancelled. If the awaiter is destroyed (e.g. `syncAwait`
 * gives up on a host wait), the inputs are unwound at once and the awaiter's unwinding ends with
 * the pending failure and what their `finally` blocks threw, by the same rule. (Past 256 groups
 * or forks nested inside each other, the deeper ones unwind right after instead, to keep the
 * native stack bounded, and what they throw is reported with `reportError`.)
 *
 * @typeParam A The tuple of inputs.
 * @param operations What to run.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, for an argument that cannot be awaited.
 *
 * @example
 * ```ts
 * import { sleep, start, task, whenAll } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const user = task(function* (id: number) {
 *   yield* sleep(5);
 *   return { id, name: `user${id}` };
 * });
 * const count = task(function* () {
 *   yield* sleep(1);
 *   return 2;
 * });
 * const page = task(function* () {
 *   const [u, n]: [{ id: number; name: string }, number] = yield* whenAll(user(7), count());
 *   return `${u.name} has ${n} items`;
 * });
 * assert.equal(await start(page()), "user7 has 2 items");
 * ```
 */
export function whenAll<A extends readonly (Awaitable<unknown> | Operation<unknown>)[]>(
  ...operations: A
): Operation<{ -readonly [K in keyof A]: AwaitResult<A[K]> }>;
/**
 * `whenAll(tasks, options?)`: {@linkcode whenAll} over one array of any length (a million inputs
 * work), typed as an array of results (`Task<number>[]` gives `number[]`; a tuple type gives a
 * tuple). `whenAll([])` gives `[]`.
 *
 * With `{ concurrency: n }` at most `n` inputs are launched at a time, in order; the next is
 * launched as one ends, and an input not yet launched is still `"armed"`. The first failure
 * cancels the running ones and destroys the ones never launched (`"destroyed"`: none of their body
 * runs), and is rethrown once the running ones have unwound; cancelling the awaiter's domain does
 * the same. Forks in the array are already running: they are joined at once and take no slot.
 *
 * @typeParam A The array of inputs.
 * @param operations What to run, in one array.
 * @param options `concurrency`: how many to run at once.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, for an element that cannot be awaited, options that are not a
 * plain object (an input passed after the array, say), or a `concurrency` that is not a number.
 * @throws {RangeError} At the call, for a `concurrency` that is not a positive integer (or
 * `Infinity`). After a bad call the armed tasks in the array have been destroyed.
 *
 * @example Eight downloads, at most three at a time.
 * ```ts
 * import { sleep, start, task, whenAll } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * let running = 0;
 * let most = 0;
 * const fetchPage = task(function* (page: number) {
 *   running++;
 *   most = Math.max(most, running);
 *   try {
 *     yield* sleep(1);
 *     return `page ${page}`;
 *   } finally {
 *     running--;
 *   }
 * });
 * const pages = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => fetchPage(n));
 * const main = task(function* () {
 *   const all: string[] = yield* whenAll(pages, { concurrency: 3 });
 *   return all;
 * });
 * const result = await start(main());
 * assert.equal(result.length, 8);
 * assert.equal(result[7], "page 8");
 * assert.equal(most, 3);
 * ```
 */
export function whenAll<A extends readonly (Awaitable<unknown> | Operation<unknown>)[]>(
  operations: A,
  options?: WhenAllOptions,
): Operation<{ -readonly [K in keyof A]: AwaitResult<A[K]> }>;
export function whenAll(...args: unknown[]): Operation<unknown> {
  return makeGroup(ALL, args, true);
}

/**
 * Runs every operation concurrently, like {@linkcode whenAll}, but never throws: it waits for
 * all of them and gives each outcome as `{ status: "fulfilled", value }` or
 * `{ status: "rejected", reason }` (like `Promise.allSettled`; cppcoro's `when_all_ready`). One
 * failure cancels nothing. A task that is not armed is rejected in its slot with
 * `TaskStateError`; if the awaiter's domain is cancelled, the inputs are cancelled and report it.
 * If the awaiter is destroyed, the inputs are unwound at once and what their `finally` blocks
 * throw ends its unwinding, attached as for {@linkcode whenAll}.
 *
 * @typeParam A The tuple of inputs.
 * @param operations What to run.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, for an argument that cannot be awaited.
 *
 * @example
 * ```ts
 * import { start, task, whenAllSettled } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const ok = task(function* () {
 *   return 1;
 * });
 * const bad = task(function* (): Generator<never, number> {
 *   throw new Error("boom");
 * });
 * const both = task(function* () {
 *   return yield* whenAllSettled(ok(), bad());
 * });
 * const [a, b] = await start(both());
 * assert.deepEqual(a, { status: "fulfilled", value: 1 });
 * assert.equal(b.status, "rejected");
 * ```
 */
export function whenAllSettled<A extends readonly (Awaitable<unknown> | Operation<unknown>)[]>(
  ...operations: A
): Operation<{ -readonly [K in keyof A]: SettledResult<AwaitResult<A[K]>> }>;
/**
 * `whenAllSettled(tasks, options?)`: {@linkcode whenAllSettled} over one array of any length,
 * typed as an array of settled results. `{ concurrency: n }` works as for `whenAll` (at most `n`
 * launched at a time, in order), except that a failure stops nothing; if the awaiter's domain is
 * cancelled, the inputs never launched are destroyed and reported as rejected with
 * `CancelledError`.
 *
 * @typeParam A The array of inputs.
 * @param operations What to run, in one array.
 * @param options `concurrency`: how many to run at once.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, for an element that cannot be awaited or bad options.
 * @throws {RangeError} At the call, for a `concurrency` that is not a positive integer.
 *
 * @example
 * ```ts
 * import { syncAwait, task, whenAllSettled } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const check = task(function* (n: number) {
 *   if (n % 2) throw new RangeError(`${n} is odd`);
 *   return n;
 * });
 * const main = task(function* () {
 *   return yield* whenAllSettled([0, 1, 2].map((n) => check(n)), { concurrency: 1 });
 * });
 * const [a, b, c] = syncAwait(main());
 * assert.deepEqual(a, { status: "fulfilled", value: 0 });
 * assert.equal(b.status, "rejected");
 * assert.deepEqual(c, { status: "fulfilled", value: 2 });
 * ```
 */
export function whenAllSettled<A extends readonly (Awaitable<unknown> | Operation<unknown>)[]>(
  operations: A,
  options?: WhenAllOptions,
): Operation<{ -readonly [K in keyof A]: SettledResult<AwaitResult<A[K]>> }>;
export function whenAllSettled(...args: unknown[]): Operation<unknown> {
  return makeGroup(SETTLED, args, true);
}
