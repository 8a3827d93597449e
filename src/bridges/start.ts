/**
 * `start(awaitable)`: the paper's `async(lazy)`, a bridge to the Promise world.
 *
 * @module
 */

import { optionsObject } from "../core/_options.ts";
import type { Completion } from "../core/_driver.ts";
import { runNow, runOn } from "../core/_trampoline.ts";
import { isTask } from "../core/_runtime.ts";
import { callSite, noteBridge } from "../core/_stack.ts";
import { newRoot } from "../core/_root.ts";
import { toOperation } from "../core/_operation.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import type { Executor } from "../executors/executor.ts";

/** Options of {@linkcode start}. */
export interface StartOptions {
  /** Where the task starts (default: synchronously, now, on the caller's stack). */
  executor?: Executor;
  /** Aborting it cancels the task's root cancellation domain. */
  signal?: AbortSignal;
  /**
   * Scheduler affinity (C++26 `std::execution::task`): every continuation of the task after an
   * await runs on `executor` (a Promise or timer that completes elsewhere hops back first), and
   * `yield* schedule(ex)` inside it changes that executor for the rest of it. Needs `executor`.
   */
  affinity?: boolean;
}

/**
 * The root `start` is running synchronously right now, if any: its call site can be read for
 * free while `start` is on the stack (a field per root would cost 8 bytes for every suspended one).
 */
let starting: Settle | null = null;

/** Settles `start`'s promise when its root ends. */
class Settle implements Completion {
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;

  constructor(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
    this.#resolve = resolve;
    this.#reject = reject;
  }

  complete(threw: boolean, outcome: unknown): void {
    if (threw) {
      // Where start() was called is known only while it runs: capturing it for every call would
      // cost a stack capture per root, so a later failure names start() without its site.
      const now = starting === this;
      noteBridge(outcome, now ? "start" : "async start", now ? callSite(start) : "");
      this.#reject(outcome);
    } else this.#resolve(outcome);
  }
}

/** `start` with a signal: the domain listening to it is let go when the root ends. */
class SettleAndRelease extends Settle {
  readonly #domain: CancellationDomain;

  constructor(
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    domain: CancellationDomain,
  ) {
    super(resolve, reject);
    this.#domain = domain;
  }

  override complete(threw: boolean, outcome: unknown): void {
    this.#domain[Symbol.dispose](); // stop listening to the caller's signal
    super.complete(threw, outcome);
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
    const { executor, signal, affinity } = checkOptions(options);
    const operation = toOperation(awaitable, "start(awaitable)");
    const domain = signal === undefined ? null : new CancellationDomain(signal);
    return new Promise<T>((resolve, reject) => {
      const settle = domain === null
        ? new Settle(resolve as (v: unknown) => void, reject)
        : new SettleAndRelease(resolve as (v: unknown) => void, reject, domain);
      const driver = newRoot(operation, domain, settle);
      if (executor === undefined) {
        const outer = starting;
        starting = settle;
        try {
          runNow(driver);
        } finally {
          starting = outer;
        }
        return;
      }
      if (affinity) driver.affinity = { executor };
      runOn(executor, driver, (error) => {
        // The executor refused the work: the root never ran, and never will.
        if (isTask(operation)) (operation as unknown as Disposable)[Symbol.dispose]();
        settle.complete(true, error);
      });
    });
  } catch (error) {
    return Promise.reject(error);
  }
}

function checkOptions(options: StartOptions | undefined): StartOptions {
  const checked = optionsObject("start(a, options)", options, "{ executor, signal }");
  const { executor, signal, affinity } = checked;
  if (executor !== undefined && typeof executor?.execute !== "function") {
    throw new TypeError("start(a, { executor }): executor must have an execute(callback) method");
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("start(a, { signal }): signal must be an AbortSignal");
  }
  if (affinity !== undefined && typeof affinity !== "boolean") {
    throw new TypeError("start(a, { affinity }): affinity must be true or false");
  }
  if (affinity && executor === undefined) {
    throw new TypeError(
      "start(a, { affinity: true }) needs an executor to stay on: pass { executor, affinity }",
    );
  }
  return checked;
}
