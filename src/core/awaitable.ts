/**
 * The awaitable concepts of P1056 section 21.11.6, as TypeScript types.
 *
 * @module
 */

import type { Suspension } from "./_runtime.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";

export type { Suspension } from "./_runtime.ts";

/**
 * The key of the `operator co_await` method: an object whose `[coAwaitSymbol]()` returns a
 * {@linkcode SimpleAwaitable} is itself awaitable (the paper's `__HasMemberOperatorCoawait`).
 *
 * @example
 * ```ts
 * import { coAwait, coAwaitSymbol, ready, syncAwait } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const config = { [coAwaitSymbol]: () => ready({ port: 8080 }) };
 * assert.deepEqual(syncAwait(config), { port: 8080 });
 * assert.equal(syncAwait(coAwait(config)).port, 8080);
 * ```
 */
export const coAwaitSymbol: unique symbol = Symbol("coAwait");

/**
 * A suspended coroutine, as `awaitSuspend` receives it (the paper's `coroutine_handle<>`).
 *
 * Resuming or destroying is allowed from anywhere: synchronously inside `awaitSuspend`, from a
 * callback, a timer or another task. A resume that happens while a task is running is queued on
 * the running driver, so resumes never recurse without bound. A handle is single-use: after the
 * first `resume()` or `destroy()`, both do nothing.
 *
 * @example
 * ```ts
 * import { type CoroutineHandle, coAwait, start } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * let saved: CoroutineHandle | undefined;
 * const later = coAwait({
 *   awaitReady: () => false,
 *   awaitSuspend(h: CoroutineHandle) {
 *     saved = h;
 *   },
 *   awaitResume: () => "resumed",
 * });
 * const p = start(later);
 * saved!.resume();
 * assert.equal(await p, "resumed");
 * ```
 */
export interface CoroutineHandle {
  /** Resumes the coroutine: its awaiter's `awaitResume()` gives the value of the `yield*`. */
  resume(): void;
  /** Destroys the suspended coroutine: it unwinds through its `finally` blocks, frames freed. */
  destroy(): void;
  /** Whether the coroutine has run to its end (or was destroyed). */
  readonly done: boolean;
  /**
   * The cancellation domain the suspended task runs in. An awaitable that can be cancelled
   * registers with it (`domain.addListener`) and resumes the handle when it is cancelled.
   */
  readonly domain: CancellationDomain;
}

/**
 * The paper's `SimpleAwaitable`: the three calls an await-expression makes.
 *
 * `awaitReady()` is asked first; `true` skips suspension. Otherwise the task suspends and
 * `awaitSuspend(h)` decides: `undefined`/`true` stays suspended until someone resumes `h`,
 * `false` resumes at once, and another coroutine's handle is resumed by symmetric transfer (no
 * stack growth). `awaitResume()` gives the value of the `yield*` (or throws there).
 *
 * An awaitable may also implement `[Symbol.dispose]()`: it is called when the coroutine
 * suspended on it is destroyed instead of resumed, so the awaitable can release what it holds
 * (a timer, a listener).
 *
 * @typeParam T What the await evaluates to.
 *
 * @example
 * ```ts
 * import { type SimpleAwaitable, syncAwait } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const answer: SimpleAwaitable<number> = {
 *   awaitReady: () => true,
 *   awaitSuspend: () => false,
 *   awaitResume: () => 42,
 * };
 * assert.equal(syncAwait(answer), 42);
 * ```
 */
export interface SimpleAwaitable<T> {
  /** Whether the result is available without suspending. */
  awaitReady(): boolean;
  /** Called with the suspended coroutine's handle; see the interface's documentation. */
  awaitSuspend(handle: CoroutineHandle): void | boolean | CoroutineHandle;
  /** The value of the await, or throws its exception. */
  awaitResume(): T;
}

/**
 * Something `yield*` can await, typed: `const v: T = yield* op`. Tasks, `Awaiter`s and the
 * results of {@linkcode coAwait}, `sleep`, `whenAll` and friends are operations.
 *
 * @typeParam T What the await evaluates to.
 *
 * @example
 * ```ts
 * import { type Operation, ready, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const double = (op: Operation<number>) =>
 *   task(function* () {
 *     return 2 * (yield* op);
 *   })();
 * assert.equal(syncAwait(double(ready(21))), 42);
 * ```
 */
export interface Operation<T> {
  /** Starts the await; the iterator is driven by `yield*`. */
  [Symbol.iterator](): Iterator<Suspension, T, unknown>;
}

/**
 * Anything `syncAwait`, `start`, `coAwait`, `whenAll`, `whenAny` and `join` accept: a
 * {@linkcode SimpleAwaitable}, an object with a `[coAwaitSymbol]()` method returning one (a `Task`
 * is one), or a `PromiseLike`.
 *
 * @typeParam T What the await evaluates to.
 *
 * @example
 * ```ts
 * import { type Awaitable, start } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const a: Awaitable<number> = Promise.resolve(7);
 * assert.equal(await start(a), 7);
 * ```
 */
export type Awaitable<T> =
  | SimpleAwaitable<T>
  | { [coAwaitSymbol](): SimpleAwaitable<T> }
  | PromiseLike<T>;
