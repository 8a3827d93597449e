/**
 * `withDomain(domain, op)`: run an operation in another cancellation domain.
 *
 * @module
 */

import { toOperation } from "../core/_operation.ts";
import { rt, type RunningDriver, type Suspension } from "../core/_runtime.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import { installThenTrap } from "../core/_then_trap.ts";
import { CancellationDomain, type CancellationListener } from "./cancellation_domain.ts";

/**
 * Makes `domain` ambient around every step of the inner operation, and ties it to the outer
 * ambient domain so that cancelling the outer one still reaches the inner work.
 */
class WithDomain<T>
  implements Operation<T>, Iterator<Suspension, T, unknown>, CancellationListener {
  readonly #domain: CancellationDomain;
  readonly #operation: Operation<T>;
  #inner: Iterator<Suspension, T, unknown> | null = null;
  #outer: CancellationDomain | null = null;
  /** The driver whose root domain this waits for, while nobody has made it. */
  #root: RunningDriver | null = null;
  #entered = false;

  constructor(domain: CancellationDomain, operation: Operation<T>) {
    this.#domain = domain;
    this.#operation = operation;
  }

  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    this.#inner = this.#operation[Symbol.iterator]();
    return this;
  }

  next(input?: unknown): IteratorResult<Suspension, T> {
    return this.#step(0, input);
  }

  throw(error: unknown): IteratorResult<Suspension, T> {
    return this.#step(1, error);
  }

  return(value?: unknown): IteratorResult<Suspension, T> {
    return this.#step(2, value);
  }

  onCancel(reason: unknown): void {
    this.#domain.cancel(reason);
  }

  #step(mode: number, input: unknown): IteratorResult<Suspension, T> {
    const driver = rt.driver;
    if (driver === null) {
      throw new TypeError("withDomain() can only be awaited with yield*, syncAwait or start");
    }
    const outer = driver.ambient;
    if (!this.#entered) {
      this.#entered = true;
      // Structured: no inner domain escapes its parent's cancellation, the root's included:
      // one nobody has made yet links this when it is made (whoever takes it must reach this).
      if (outer === null) {
        this.#root = driver;
        driver.listenToRoot(this);
      } else if (outer !== this.#domain) {
        this.#outer = outer;
        outer.addListener(this);
      }
    }
    driver.ambient = this.#domain;
    const inner = this.#inner!;
    let r: IteratorResult<Suspension, T>;
    try {
      if (mode === 0) r = inner.next(input);
      else if (mode === 1) {
        if (typeof inner.throw !== "function") throw input;
        r = inner.throw(input);
      } else r = inner.return?.(input as T) ?? { done: true, value: input as T };
    } catch (error) {
      this.#leave();
      throw error;
    } finally {
      driver.ambient = outer;
    }
    if (r.done) this.#leave();
    return r;
  }

  #leave(): void {
    this.#outer?.removeListener(this);
    this.#outer = null;
    this.#root?.stopListeningToRoot(this);
    this.#root = null;
  }
}

/**
 * Runs `operation` with `domain` as its ambient cancellation domain: inside it,
 * `yield* currentDomain()` is `domain`, and operations that suspend register with `domain`.
 * Cancelling `domain` cancels that work only; cancelling the outer ambient domain while it runs
 * cancels `domain` too (structured: no inner domain escapes its parent's cancellation).
 *
 * @typeParam T What the operation evaluates to.
 * @param domain The domain to run in.
 * @param operation A task, awaitable or operation.
 * @returns An operation; `yield*` it inside a task, or pass it to `start`.
 *
 * @example
 * ```ts
 * import { CancellationDomain, CancelledError, sleep, start, task, withDomain } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const uploads = new CancellationDomain();
 * const worker = task(function* () {
 *   try {
 *     yield* withDomain(uploads, sleep(60_000));
 *     return "uploaded";
 *   } catch (e) {
 *     return e instanceof CancelledError ? "upload cancelled, worker goes on" : "failed";
 *   }
 * });
 * const p = start(worker());
 * uploads.cancel();
 * assert.equal(await p, "upload cancelled, worker goes on");
 * ```
 */
export function withDomain<T>(
  domain: CancellationDomain,
  operation: Awaitable<T> | Operation<T>,
): Operation<T> {
  if (!(domain instanceof CancellationDomain)) {
    throw new TypeError(
      "withDomain(domain, operation): domain must be a CancellationDomain " +
        "(new CancellationDomain(parent?)); to bind an AbortSignal, wrap it: " +
        "new CancellationDomain(signal)",
    );
  }
  return new WithDomain(domain, toOperation(operation, "withDomain(domain, operation)"));
}

installThenTrap(WithDomain.prototype, "an Operation (withDomain)");
