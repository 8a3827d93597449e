/**
 * `spawn(executor, operation)`: start an operation on an executor.
 *
 * @module
 */

import { type Completion, type Driver, runOn } from "../core/_driver.ts";
import { isTask } from "../core/_runtime.ts";
import { newRoot } from "../core/_root.ts";
import { toOperation } from "../core/_operation.ts";
import type { Awaitable, CoroutineHandle, Operation } from "../core/awaitable.ts";
import { Awaiter } from "../core/awaiter.ts";
import type { Executor } from "./executor.ts";

/** Options of {@linkcode spawn}. */
export interface SpawnOptions {
  /**
   * Scheduler affinity: every continuation of the spawned work after an await runs on the
   * executor it was spawned on (or the one a `schedule(ex)` inside it moved it to).
   */
  affinity?: boolean;
}

class Spawn<T> extends Awaiter<T> implements Completion {
  readonly #executor: Executor;
  readonly #operation: Operation<T>;
  readonly #affinity: boolean;
  #handle: CoroutineHandle | null = null;
  #driver: Driver | null = null;
  #threw = false;
  #outcome: unknown = undefined;

  constructor(executor: Executor, operation: Operation<T>, affinity: boolean) {
    super();
    this.#executor = executor;
    this.#operation = operation;
    this.#affinity = affinity;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): void {
    if (this.#driver !== null || this.#handle !== null) {
      throw new TypeError("this spawn() was awaited already: call spawn() again for new work");
    }
    // The spawned work shares the awaiter's domain: cancelling the awaiter's domain reaches it.
    const driver = newRoot(this.#operation, handle.domain, this);
    if (this.#affinity) driver.affinity = { executor: this.#executor };
    this.#handle = handle;
    this.#driver = driver;
    let refused: unknown = null;
    runOn(this.#executor, driver, (error) => {
      refused = { error };
    });
    if (refused !== null) {
      // The executor refused the work: it never ran and never will; the error is the await's.
      this.#handle = null;
      this.#driver = null;
      if (isTask(this.#operation)) (this.#operation as unknown as Disposable)[Symbol.dispose]();
      throw (refused as { error: unknown }).error;
    }
  }

  awaitResume(): T {
    if (this.#threw) throw this.#outcome;
    return this.#outcome as T;
  }

  complete(threw: boolean, outcome: unknown): void {
    this.#threw = threw;
    this.#outcome = outcome;
    this.#driver = null;
    const handle = this.#handle;
    this.#handle = null;
    handle?.resume(); // the awaiter resumes where the spawned work completed
  }

  [Symbol.dispose](): void {
    // The awaiter is destroyed: destroy the spawned work too if it is suspended.
    this.#handle = null;
    this.#driver?.handle?.destroy();
  }

  override toString(): string {
    return `spawn(${String(this.#executor)}, ...)`;
  }
}

/**
 * Starts `operation` on `executor` (the paper's case 3, `co_await spawn(ex, f())`); the awaiter
 * resumes where the operation completed. `via(spawn(ex1, t), ex2)` starts on `ex1` and resumes on
 * `ex2` (case 4). The spawned work runs in the awaiter's cancellation domain.
 *
 * @typeParam T What the operation evaluates to.
 * @param executor Where the operation starts.
 * @param operation A task, awaitable or operation.
 * @returns An operation; `yield*` it inside a task.
 *
 * @example
 * ```ts
 * import { ManualExecutor, spawn, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const worker = new ManualExecutor();
 * const compute = task(function* () {
 *   return 6 * 7;
 * });
 * const main = task(function* () {
 *   return yield* spawn(worker, compute());
 * });
 * assert.equal(syncAwait(main(), { executor: worker }), 42);
 * ```
 */
export function spawn<T>(
  executor: Executor,
  operation: Awaitable<T> | Operation<T>,
  options?: SpawnOptions,
): Operation<T> {
  if (executor === null || typeof executor?.execute !== "function") {
    throw new TypeError("spawn(executor, op): executor must have an execute(callback) method");
  }
  return new Spawn(executor, toOperation(operation), options?.affinity === true);
}
