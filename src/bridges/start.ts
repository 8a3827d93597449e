/**
 * `start(awaitable)`: the paper's `async(lazy)`, a bridge to the Promise world.
 *
 * @module
 */

import { type Completion, runNow } from "../core/_driver.ts";
import { newRoot } from "../core/_root.ts";
import { toOperation } from "../core/_operation.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import type { Executor } from "../executors/executor.ts";

/** Options of {@linkcode start}. */
export interface StartOptions {
  /** Where the task starts (default: synchronously, now, on the caller's stack). */
  executor?: Executor;
  /** Aborting it cancels the task's root cancellation domain. */
  signal?: AbortSignal;
}

class Settle implements Completion {
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;
  readonly #domain: CancellationDomain | null;

  constructor(
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    domain: CancellationDomain | null,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#domain = domain;
  }

  complete(threw: boolean, outcome: unknown, destroyed: boolean): void {
    this.#domain?.[Symbol.dispose](); // stop listening to the caller's signal
    if (threw) this.#reject(outcome);
    else if (destroyed) this.#reject(new CancelledError("the coroutine was destroyed"));
    else this.#resolve(outcome);
  }
}

/**
 * Runs a task (or any awaitable) and returns a Promise of its result. It starts synchronously,
 * now, unless `options.executor` says where; `options.signal` cancels the task's root
 * cancellation domain. `start` never throws: a task that is not armed gives a rejected promise.
 *
 * @typeParam T The task's eventual type.
 * @param awaitable A task, awaitable or operation.
 * @param options Where to start, and a signal to cancel with.
 * @returns A promise of the result.
 *
 * @example
 * ```ts
 * import { CancelledError, sleep, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const slow = task(function* () {
 *   yield* sleep(60_000);
 *   return "never";
 * });
 * const controller = new AbortController();
 * const p = start(slow(), { signal: controller.signal });
 * controller.abort("too slow");
 * await assert.rejects(p, CancelledError);
 * ```
 */
export function start<T>(
  awaitable: Awaitable<T> | Operation<T>,
  options?: StartOptions,
): Promise<T> {
  try {
    const operation = toOperation(awaitable);
    const signal = options?.signal;
    const domain = signal === undefined ? null : new CancellationDomain(signal);
    const executor = options?.executor;
    return new Promise<T>((resolve, reject) => {
      const driver = newRoot(
        operation,
        domain,
        new Settle(resolve as (v: unknown) => void, reject, domain),
      );
      if (executor === undefined) runNow(driver);
      else executor.execute(() => runNow(driver));
    });
  } catch (error) {
    return Promise.reject(error);
  }
}
