/**
 * `fork(t)` and `join(...)`: the paper's `cilk_spawn` and `cilk_sync`.
 *
 * @module
 */

import { runNow } from "../core/_trampoline.ts";
import { newRoot } from "../core/_root.ts";
import { LazyOperation } from "../core/_lazy_operation.ts";
import { ForkedImpl, ForkScope } from "./_forked.ts";
import { ALL, Group, makeGroup, ONE } from "./_group.ts";
import { toOperation } from "../core/_operation.ts";
import { OWNER_SIGNAL, type Suspension } from "../core/_runtime.ts";
import type { Awaitable, CoroutineHandle, Operation } from "../core/awaitable.ts";
import type { AwaitResult } from "../core/await_result.ts";
import { Awaiter } from "../core/awaiter.ts";
import { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import { Task } from "../core/task.ts";

/**
 * A forked operation that is running (or has ended) and waits to be joined: what
 * `yield* fork(t)` gives. Pass it to {@linkcode join} (or `yield*` it) for its value; an error it
 * threw is thrown there. A fork that is never joined is cancelled when the task that forked it
 * ends, and that task completes only after the fork has unwound.
 *
 * @typeParam T What the forked operation evaluates to.
 *
 * @example
 * ```ts
 * import { type Forked, fork, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const answer = task(function* () {
 *   return 42;
 * });
 * const main = task(function* () {
 *   const f: Forked<number> = yield* fork(answer());
 *   assert.equal(f.settled, true); // here it ran to its end before fork() returned
 *   return yield* f; // joins it
 * });
 * assert.equal(await start(main()), 42);
 * ```
 */
export interface Forked<T> extends Operation<T> {
  /** Whether the forked operation has ended; its outcome waits for `join`. */
  readonly settled: boolean;
}

/** What `yield* fork(t)` gives: the fork's state, and `yield* forked` to join it alone. */
class ForkedHandle<T> extends ForkedImpl<T> implements Forked<T> {
  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return new Group<T>(ONE, [this as ForkedImpl<unknown>])[Symbol.iterator]();
  }
}

class Fork<T> extends Awaiter<Forked<T>> {
  readonly #operation: Operation<T>;
  readonly #owner: Task<unknown>;
  #forked: ForkedHandle<T> | null = null;

  constructor(operation: Operation<T>, owner: Task<unknown>) {
    super();
    this.#operation = operation;
    this.#owner = owner;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    const operation = this.#operation;
    if (operation instanceof Task) operation._launch(); // throws TaskStateError if not armed
    const parent = handle.domain;
    if (parent.cancelled) {
      if (operation instanceof Task) operation.destroy();
      throw new CancelledError(parent.reason);
    }
    const ext = this.#owner._extras();
    const scope = (ext.scope ??= new ForkScope()) as ForkScope;
    const domain = new CancellationDomain(parent);
    const forked = new ForkedHandle<T>(domain, scope);
    const driver = newRoot(operation, domain, forked);
    forked.driver = driver;
    this.#forked = forked;
    // Usually runs it until it suspends or ends; when roots are nested deep on the native stack
    // the driver is queued and runs soon after instead. Nothing here depends on which.
    runNow(driver);
    return false; // the awaiter goes on
  }

  awaitResume(): Forked<T> {
    const forked = this.#forked!;
    this.#forked = null;
    return forked;
  }

  override toString(): string {
    return "fork()";
  }
}

/**
 * Starts `operation` and gives a {@linkcode Forked} handle once it first suspends or ends (the
 * paper's `cilk_spawn`): `const f = yield* fork(t)`. The awaiter goes on concurrently;
 * `join(f, ...)` (`cilk_sync`) waits for it and gives its value.
 *
 * The fork runs in a child cancellation domain of the awaiter's ambient domain, so cancelling the
 * awaiter's domain cancels it; that domain stays linked for its whole life, so work the fork left
 * running (through `currentDomain()`) is still reached by the outer cancellation after it was
 * joined, and a fork that returned normally leaves it uncancelled.
 *
 * It belongs to the task that forked it: if that task's body ends without joining it, the fork is
 * cancelled and the task completes only after it has unwound. Errors are never lost, by
 * DisposableStack's rule: the body's own exception (if any) is the task's outcome, and the error
 * of each unjoined fork (other than `CancelledError`) wraps it, in the order they ended, as
 * `new SuppressedError(forkError, previous)`; with no body exception the first fork's error is
 * the outcome. If the task is destroyed (e.g. `syncAwait` gives up), its forks are unwound at once
 * and what their `finally` blocks throw ends the task's unwinding the same way.
 * In a domain that is already cancelled, `fork` throws `CancelledError` and starts nothing.
 *
 * The fork usually runs at once, on top of the awaiter, until it first suspends; when many roots
 * are already nested on the native stack it is queued instead and runs right after (so
 * `forked.settled` may still be false for a fork that never suspends). Either way nesting is
 * bounded by memory, not by the native stack.
 *
 * @typeParam T What the operation evaluates to.
 * @param operation A task (which must be armed), awaitable or operation.
 * @returns An operation to `yield*` inside a task; it gives the `Forked<T>` handle.
 * @throws {TypeError} At the call, for an argument that cannot be awaited; at the `yield*`, if it
 * is not awaited directly by a task.
 *
 * @example The paper's cilk fib.
 * ```ts
 * import { fork, join, type Suspension, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const fib = task(function* (n: number): Generator<Suspension, number, unknown> {
 *   if (n < 2) return n;
 *   const xx = yield* fork(fib(n - 1)); // cilk_spawn
 *   const yy = fib(n - 2);
 *   const [x, y] = yield* join(xx, yy); // cilk_sync
 *   return x + y;
 * });
 * assert.equal(syncAwait(fib(20)), 6765);
 * ```
 */
export function fork<T>(operation: Awaitable<T> | Operation<T>): Operation<Forked<T>> {
  const op = toOperation(operation, "fork(operation)");
  return new LazyOperation(() => forkIn(op));
}

/** Asks which task awaits the fork (that task owns it), then forks. */
function* forkIn<T>(operation: Operation<T>): Generator<Suspension, Forked<T>, unknown> {
  let owner: Task<unknown>;
  try {
    owner = (yield OWNER_SIGNAL) as Task<unknown>;
  } catch (error) {
    // Not inside a task: nobody would own the fork. It never starts.
    if (operation instanceof Task && operation.status === "armed") operation.destroy();
    throw error;
  }
  return yield* new Fork(operation, owner);
}

/**
 * Waits for forked operations and runs plain ones (tasks, awaitables) concurrently, giving all
 * their values as a typed tuple (the paper's `cilk_sync`): `const [x, y] = yield* join(f, t)`.
 * Plain inputs are started now, like `whenAll`'s. The first failure cancels the others, forks
 * included, and is rethrown once all have unwound, with later errors attached as `whenAll`
 * attaches them. A `Forked` handle can be joined once. `join(handles)` also takes one array.
 *
 * @typeParam A The tuple of inputs.
 * @param operations `Forked` handles, tasks, awaitables or operations.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, for an argument that cannot be awaited.
 *
 * @example
 * ```ts
 * import { fork, join, sleep, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const later = task(function* (ms: number, v: string) {
 *   yield* sleep(ms);
 *   return v;
 * });
 * const main = task(function* () {
 *   const a = yield* fork(later(5, "a"));
 *   const [x, y] = yield* join(a, later(1, "b"));
 *   return x + y;
 * });
 * assert.equal(await start(main()), "ab");
 * ```
 */
export function join<
  A extends readonly (Forked<unknown> | Awaitable<unknown> | Operation<unknown>)[],
>(
  ...operations: A
): Operation<{ -readonly [K in keyof A]: AwaitResult<A[K]> }>;
/**
 * `join(handles)`: the one-array form of {@linkcode join}, for any number of forks, typed as an
 * array of their results.
 *
 * @typeParam A The array of inputs.
 * @param operations `Forked` handles, tasks, awaitables or operations, in one array.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, for an element that cannot be awaited.
 *
 * @example
 * ```ts
 * import { fork, type Forked, join, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const square = task(function* (n: number) {
 *   return n * n;
 * });
 * const main = task(function* () {
 *   const forks: Forked<number>[] = [];
 *   for (let i = 0; i < 4; i++) forks.push(yield* fork(square(i)));
 *   const squares: number[] = yield* join(forks);
 *   return squares;
 * });
 * assert.deepEqual(syncAwait(main()), [0, 1, 4, 9]);
 * ```
 */
export function join<
  A extends readonly (Forked<unknown> | Awaitable<unknown> | Operation<unknown>)[],
>(operations: A): Operation<{ -readonly [K in keyof A]: AwaitResult<A[K]> }>;
export function join(...args: unknown[]): Operation<unknown> {
  return makeGroup(ALL, args, false, "join");
}
