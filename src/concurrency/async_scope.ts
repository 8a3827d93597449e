/**
 * `AsyncScope`: a place that owns work started from anywhere, and waits for it (cppcoro's
 * `async_scope`, C++26's `counting_scope`).
 *
 * @module
 */

import type { Completion } from "../core/_driver.ts";
import { runNow } from "../core/_trampoline.ts";
import { toOperation } from "../core/_operation.ts";
import { newRoot } from "../core/_root.ts";
import type { Awaitable, CoroutineHandle, Operation } from "../core/awaitable.ts";
import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import { start } from "../bridges/start.ts";
import { LazyOperation } from "../core/_lazy_operation.ts";

// Life of a scope (`size` counts spawned operations still running):
//
// | state  | event                                  | next                                  |
// | ------ | -------------------------------------- | ------------------------------------- |
// | open   | spawn(op)                              | open, size + 1 (op runs until it      |
// |        |                                        | first suspends)                       |
// | open   | an operation ends, size > 0 or no join | open, size - 1 (a failure is kept)    |
// | open   | join with size 0, or the last          | joined: the joins get the failures    |
// |        | operation ends while joins wait        | (once), the domain leaves its parent  |
// | open   | cancel()                               | open: operations see CancelledError   |
// | joined | spawn(op)                              | joined: TypeError                     |
// | joined | join                                   | joined: done at once, nothing to throw |
const OPEN = 0;
const JOINED = 1;

/** The scope's state, shared with its members and joins. */
class ScopeState {
  readonly domain: CancellationDomain;
  state = OPEN;
  size = 0;
  failures: unknown[] = [];
  readonly joins = new Set<ScopeJoin>();

  constructor(domain: CancellationDomain) {
    this.domain = domain;
  }

  /** Nothing runs any more and someone joins: the scope is joined; returns the failures. */
  close(): unknown[] {
    if (this.state === OPEN) {
      this.state = JOINED;
      this.domain[Symbol.dispose](); // stop listening to the parent
    }
    const failures = this.failures;
    this.failures = [];
    return failures;
  }

  memberEnded(threw: boolean, outcome: unknown): void {
    this.size--;
    // Cancellation is how scoped work is meant to stop; only real failures are reported.
    if (threw && !(outcome instanceof CancelledError)) this.failures.push(outcome);
    if (this.size > 0 || this.joins.size === 0) return;
    const failures = this.close();
    const joins = [...this.joins];
    this.joins.clear();
    for (const join of joins) join.finish(failures);
  }
}

/** The completion of one spawned operation. */
class ScopeMember implements Completion {
  readonly #scope: ScopeState;

  constructor(scope: ScopeState) {
    this.#scope = scope;
  }

  complete(threw: boolean, outcome: unknown): void {
    this.#scope.memberEnded(threw, outcome);
  }
}

/** One `yield* scope.join()`: waits until nothing in the scope runs; cancellable. */
class ScopeJoin extends CancellableAwaiter<void> {
  readonly #scope: ScopeState;
  #failures: unknown[] = [];

  constructor(scope: ScopeState) {
    super();
    this.#scope = scope;
  }

  override awaitSuspend(handle: CoroutineHandle): boolean {
    const scope = this.#scope;
    if (scope.state === OPEN && scope.size > 0 && handle.domain === scope.domain) {
      throw new TypeError(
        "AsyncScope.join(): an operation spawned into the scope cannot join it (it would wait " +
          "for itself); join from the code that owns the scope",
      );
    }
    return super.awaitSuspend(handle);
  }

  finish(failures: unknown[]): void {
    this.#failures = failures;
    this.wake();
  }

  protected begin(): void {
    const scope = this.#scope;
    if (scope.size === 0) this.finish(scope.close());
    else scope.joins.add(this);
  }

  protected stop(): void {
    this.#scope.joins.delete(this);
  }

  protected result(): void {
    const failures = this.#failures;
    this.#failures = [];
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw new AggregateError(failures, `${failures.length} operations in an AsyncScope failed`);
    }
  }

  override toString(): string {
    return `AsyncScope.join(), waiting for ${this.#scope.size} spawned operations`;
  }
}

/**
 * A scope that owns operations started from anywhere, with a count of those still running
 * (cppcoro's `async_scope`, C++26's `counting_scope`). `scope.spawn(op)` starts `op` now, on this
 * thread, owned by the scope rather than by the caller; `yield* scope.join()` (or
 * `await scope.closed()` from ordinary code) waits until none is left and rethrows their
 * failures: one as itself, several as an `AggregateError`. A failure does not cancel the others,
 * and a `CancelledError` is not a failure (it is how scoped work is meant to stop). Each failure
 * is delivered once: to the joins that see the scope emptied (so `await using` after a join does
 * not report it again).
 *
 * The scope's operations run in its cancellation domain, a child of `parent`: `scope.cancel()`
 * or cancelling the parent cancels all of them. `await using scope = new AsyncScope()` (or
 * `[Symbol.asyncDispose]()`) cancels and waits.
 *
 * Joining is for good: once a join has found the scope empty, the scope is closed and `spawn`
 * throws a `TypeError` (as Trio's closed nursery and C++26's joined `counting_scope` refuse new
 * work). While a join waits, the scope's operations may still spawn more work into it; the join
 * waits for that too. `spawn` returns nothing, as cppcoro's and C++26's `spawn` and Trio's
 * `start_soon`: an operation that has a result to deliver puts it somewhere itself. A join that
 * is cancelled stops waiting; the scope's work goes on.
 *
 * @example Background work outliving the request that started it.
 * ```ts
 * import { AsyncScope, sleep, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const audit: string[] = [];
 * const background = new AsyncScope();
 * const writeAudit = task(function* (entry: string) {
 *   yield* sleep(5);
 *   audit.push(entry);
 * });
 * const handle = task(function* (user: string) {
 *   background.spawn(writeAudit(`${user} logged in`)); // the request does not wait for it
 *   return `hello ${user}`;
 * });
 * assert.equal(await start(handle("ada")), "hello ada");
 * assert.equal(background.size, 1);
 * await background.closed();
 * assert.deepEqual(audit, ["ada logged in"]);
 * ```
 */
export class AsyncScope implements AsyncDisposable {
  readonly #scope: ScopeState;

  /**
   * Makes a scope.
   *
   * @param parent A domain or an `AbortSignal` whose cancellation cancels the scope's work.
   * @throws {TypeError} If `parent` is neither.
   */
  constructor(parent?: CancellationDomain | AbortSignal) {
    if (
      parent !== undefined && !(parent instanceof CancellationDomain) &&
      !(parent instanceof AbortSignal)
    ) {
      throw new TypeError(
        "new AsyncScope(parent): parent must be a CancellationDomain or an AbortSignal (or " +
          "nothing, for a scope that only cancel() stops)",
      );
    }
    this.#scope = new ScopeState(new CancellationDomain(parent));
  }

  /** How many spawned operations are still running. */
  get size(): number {
    return this.#scope.size;
  }

  /**
   * Starts `operation` now, owned by the scope: it runs on this thread until it first suspends
   * or ends, then `spawn` returns. In a scope that was cancelled it still starts, and fails at
   * its first cancellable await.
   *
   * @param operation A task (which must be armed), awaitable or operation.
   * @throws {TypeError} If `operation` cannot be awaited, or the scope was joined already.
   * @throws {TaskStateError} If `operation` is a task that is not armed.
   */
  spawn(operation: Awaitable<unknown> | Operation<unknown>): void {
    const op = toOperation(operation, "AsyncScope.spawn(op)");
    const scope = this.#scope;
    if (scope.state === JOINED) {
      throw new TypeError(
        "AsyncScope.spawn(op): the scope was joined (or disposed) and takes no new work; make " +
          "a new AsyncScope, or spawn before joining",
      );
    }
    const driver = newRoot(op, scope.domain, new ScopeMember(scope));
    scope.size++;
    runNow(driver);
  }

  /**
   * Waits until no spawned operation is running, then closes the scope; rethrows their
   * failures (one as itself, several as an `AggregateError`). Cancellable: a cancelled join
   * stops waiting with `CancelledError` and the work goes on.
   *
   * @returns An operation; `yield*` it inside a task.
   */
  join(): Operation<void> {
    const scope = this.#scope;
    // A fresh awaiter per await, so one join() operation can be awaited more than once.
    return new LazyOperation(() => new ScopeJoin(scope)[Symbol.iterator]());
  }

  /**
   * `join()` for ordinary code: a promise that settles as `yield* scope.join()` would.
   *
   * @returns A promise that resolves once nothing in the scope runs, or rejects with failures.
   */
  closed(): Promise<void> {
    return start(this.join());
  }

  /**
   * Cancels every operation in the scope: each sees `CancelledError` at its next cancellable
   * await. Work spawned later starts cancelled.
   *
   * @param reason Carried by the `CancelledError`s.
   */
  cancel(reason?: unknown): void {
    this.#scope.domain.cancel(reason);
  }

  /** Cancels the scope's work and waits for it to unwind (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.cancel("the AsyncScope was disposed");
    await this.closed();
  }
}
