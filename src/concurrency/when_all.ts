/**
 * `whenAll(...)` and `whenAllSettled(...)`: run operations concurrently, wait for every one.
 *
 * @module
 */

import { ALL, Group, normalize, SETTLED, type SettledResult } from "./_group.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import type { AwaitResult } from "../core/await_result.ts";

export type { SettledResult } from "./_group.ts";

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
 * at once.
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
): Operation<{ -readonly [K in keyof A]: AwaitResult<A[K]> }> {
  return new Group(ALL, normalize(operations));
}

/**
 * Runs every operation concurrently, like {@linkcode whenAll}, but never throws: it waits for
 * all of them and gives each outcome as `{ status: "fulfilled", value }` or
 * `{ status: "rejected", reason }` (like `Promise.allSettled`; cppcoro's `when_all_ready`). One
 * failure cancels nothing. A task that is not armed is rejected in its slot with
 * `TaskStateError`; if the awaiter's domain is cancelled, the inputs are cancelled and report it.
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
): Operation<{ -readonly [K in keyof A]: SettledResult<AwaitResult<A[K]>> }> {
  return new Group(SETTLED, normalize(operations));
}
