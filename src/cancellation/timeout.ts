/**
 * `timeout(op, ms)`: `op`'s value, or `TimeoutError` once `op` was cancelled and unwound.
 *
 * @module
 */

import { toOperation } from "../core/_operation.ts";
import { reportError } from "../core/_report.ts";
import type { Suspension } from "../core/_runtime.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import { CancellationDomain } from "./cancellation_domain.ts";
import { CancelledError } from "./cancelled_error.ts";
import { Shield } from "./shield.ts";
import { TimeoutError } from "./timeout_error.ts";
import { withDomain } from "./with_domain.ts";
import { installThenTrap } from "../core/_then_trap.ts";

/** Hosts run a timer longer than this at once; longer limits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

class Timeout<T> implements Operation<T> {
  readonly #operation: Operation<T>;
  readonly #ms: number;

  constructor(operation: Operation<T>, ms: number) {
    this.#operation = operation;
    this.#ms = ms;
  }

  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return new TimeoutRun(this.#operation, this.#ms);
  }
}

installThenTrap(Timeout.prototype, "an Operation (timeout)");

/**
 * One await of a `timeout`: runs the operation inline, in a domain of its own that is linked to
 * the ambient one (by `withDomain`), and cancels that domain when the timer fires. The operation
 * then unwinds; its `CancelledError` becomes the `TimeoutError` when it reaches this iterator.
 */
class TimeoutRun<T> implements Iterator<Suspension, T, unknown> {
  readonly #domain = new CancellationDomain();
  readonly #inner: Iterator<Suspension, T, unknown>;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #error: TimeoutError | null = null;

  readonly #ms: number;
  /** When the operation started; the timer is armed only once it first suspends. */
  readonly #started: number;
  #armed = false;

  constructor(operation: Operation<T>, ms: number) {
    this.#inner = withDomain(this.#domain, operation)[Symbol.iterator]();
    this.#ms = ms;
    this.#started = performance.now();
  }

  next(input?: unknown): IteratorResult<Suspension, T> {
    return this.#step(0, input);
  }

  throw(error: unknown): IteratorResult<Suspension, T> {
    return this.#step(1, error);
  }

  /** The awaiter is destroyed (or unwinding): the operation unwinds, the timer is cleared. */
  return(value?: unknown): IteratorResult<Suspension, T> {
    return this.#step(2, value);
  }

  #step(mode: number, input: unknown): IteratorResult<Suspension, T> {
    const inner = this.#inner;
    let r: IteratorResult<Suspension, T>;
    try {
      r = mode === 0
        ? inner.next(input)
        : mode === 1
        ? inner.throw!(input)
        : inner.return!(input as T);
    } catch (error) {
      this.#disarm();
      // Only the cancellation this timer caused becomes a TimeoutError. A cancellation from
      // outside reached the domain first (its reason is not ours) and stays what it is.
      const expired = this.#error;
      if (expired !== null && error instanceof CancelledError && this.#domain.reason === expired) {
        throw expired;
      }
      throw error;
    }
    if (r.done) this.#disarm();
    else if (!this.#armed) this.#armFromStart();
    return r;
  }

  /**
   * An operation that ends without suspending never sets a timer (a host timer costs
   * microseconds). One that suspends gets the time left of its limit, counted from its start: no
   * timer could have fired while it ran synchronously anyway.
   */
  #armFromStart(): void {
    this.#armed = true;
    const ms = this.#ms;
    if (ms === Infinity) return;
    const left = Math.max(0, ms - (performance.now() - this.#started));
    this.#arm(left, ms);
  }

  #arm(ms: number, limit: number): void {
    if (ms === Infinity) return;
    const wait = Math.min(ms, MAX_TIMER_MS);
    this.#timer = setTimeout(() => {
      if (ms > wait) this.#arm(ms - wait, limit);
      else this.#expire(limit);
    }, wait);
  }

  #expire(limit: number): void {
    this.#timer = undefined;
    const error = new TimeoutError(limit);
    this.#error = error;
    try {
      this.#domain.cancel(error);
    } catch (listenerError) {
      // A listener that threw must not crash the host from inside a timer; the cancellation
      // itself has completed.
      reportError(listenerError);
    }
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Runs `operation` with a time limit: its value if it ends within `ms` milliseconds; otherwise
 * it is cancelled (it sees `CancelledError`, whose `reason` is the `TimeoutError`), and once it
 * has unwound (its `finally` blocks ran) the `yield*` throws {@linkcode TimeoutError}. An
 * operation that catches the cancellation and returns a value anyway gives that value, and one
 * that fails with another error while unwinding gives that error (as Trio's `fail_after`).
 *
 * The operation runs inline in a domain of its own, linked to the ambient domain: cancelling the
 * ambient domain still reaches it (and then the `yield*` throws `CancelledError`, not
 * `TimeoutError`). The timer is cleared on every path (completion, cancellation, destruction).
 *
 * `timeout(shield(cleanup()), ms)` bounds shielded cleanup: it is the same as
 * `shield(timeout(cleanup(), ms))`, a shielded scope with a deadline (Trio's
 * `move_on_after(ms, shield=True)`), so the timer reaches through the shield it wraps while the
 * surrounding cancellation still does not.
 *
 * @typeParam T What the operation evaluates to.
 * @param operation A task, awaitable or operation.
 * @param ms The limit: a non-negative number of milliseconds, or `Infinity` (no limit). Limits
 * above 2^31-1 ms are chained timers.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, if `ms` is not a number or `operation` cannot be awaited.
 * @throws {RangeError} At the call, if `ms` is negative or `NaN`.
 *
 * @example
 * ```ts
 * import { sleep, start, task, timeout, TimeoutError } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const log: string[] = [];
 * const slowQuery = task(function* () {
 *   try {
 *     yield* sleep(60_000);
 *     return "rows";
 *   } finally {
 *     log.push("query cleaned up");
 *   }
 * });
 * const page = task(function* () {
 *   try {
 *     return yield* timeout(slowQuery(), 10);
 *   } catch (e) {
 *     if (e instanceof TimeoutError) return `no rows after ${e.ms} ms`;
 *     throw e;
 *   }
 * });
 * assert.equal(await start(page()), "no rows after 10 ms");
 * assert.deepEqual(log, ["query cleaned up"]); // unwound before the TimeoutError
 * ```
 */
export function timeout<T>(operation: Awaitable<T> | Operation<T>, ms: number): Operation<T> {
  if (typeof ms !== "number") {
    throw new TypeError(
      `timeout(op, ms): ms must be a number of milliseconds, got ${typeof ms}; pass a ` +
        "non-negative number, or Infinity for no limit",
    );
  }
  if (Number.isNaN(ms) || ms < 0) {
    throw new RangeError(
      `timeout(op, ${ms}): ms must be a non-negative number of milliseconds, or Infinity for ` +
        "no limit",
    );
  }
  const op = toOperation(operation, "timeout(op, ms)");
  if (op instanceof Shield) return new Shield(new Timeout(op.operation, ms));
  return new Timeout(op, ms);
}
