/**
 * `shield(op)`: run an operation out of reach of the surrounding cancellation, so that a
 * `finally` block can await its cleanup after its task was cancelled.
 *
 * @module
 */

import type { Completion, Driver } from "../core/_driver.ts";
import { runNow } from "../core/_trampoline.ts";
import { destroyRoot } from "../concurrency/_unwind.ts";
import { toOperation } from "../core/_operation.ts";
import { newRoot } from "../core/_root.ts";
import type { Awaitable, CoroutineHandle, Operation } from "../core/awaitable.ts";
import { Awaiter } from "../core/awaiter.ts";
import { CancelledError } from "./cancelled_error.ts";

/**
 * @ignore The awaiter of `shield(op)`: runs `op` as the root of its own driver, in a fresh root
 * domain that nothing outside can cancel, and resumes the awaiter with its outcome. `timeout`
 * looks inside it (`operation`) to put its deadline within the shield.
 */
export class Shield<T> extends Awaiter<T> implements Completion {
  /** What the shield runs. */
  readonly operation: Operation<T>;
  #handle: CoroutineHandle | null = null;
  #driver: Driver | null = null;
  #starting = false;
  #threw = false;
  #outcome: unknown = undefined;

  constructor(operation: Operation<T>) {
    super();
    this.operation = operation;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    // A null domain: the new root makes a fresh one of its own, linked to nothing, and lets it
    // go when it ends. The awaiter's domain (cancelled or not) is never consulted.
    const driver = newRoot(this.operation, null, this);
    this.#driver = driver;
    this.#handle = handle;
    this.#starting = true;
    runNow(driver); // runs the operation until it first suspends or ends
    this.#starting = false;
    if (this.#driver === null) {
      this.#handle = null;
      return false; // it ended while starting: resume now, without suspending
    }
    return true;
  }

  awaitResume(): T {
    const outcome = this.#outcome;
    const threw = this.#threw;
    this.#outcome = undefined;
    this.#threw = false;
    if (threw) throw outcome;
    return outcome as T;
  }

  complete(threw: boolean, outcome: unknown): void {
    this.#driver = null;
    this.#threw = threw; // a destroyed root ends with CancelledError (or what a finally threw)
    this.#outcome = outcome;
    const handle = this.#handle;
    this.#handle = null;
    if (!this.#starting) handle?.resume();
  }

  /**
   * The awaiter is destroyed (`syncAwait` gave up on a host wait): a shield keeps out
   * cancellation, not destruction, so the shielded operation is unwound too, now, on this stack,
   * so that its `finally` blocks run before the awaiter's. An error they throw is thrown from
   * here, as a group's members' are: it replaces the destruction, as a throwing `finally` does.
   */
  [Symbol.dispose](): void {
    this.#handle = null;
    const driver = this.#driver;
    if (driver === null) return;
    destroyRoot(driver); // complete() has run when this returns, unless it suspended again
    const threw = this.#threw;
    const outcome = this.#outcome;
    this.#threw = false;
    this.#outcome = undefined;
    // A CancelledError is how destroyed work ends; anything else a finally threw is not lost.
    if (threw && !(outcome instanceof CancelledError)) throw outcome;
  }

  override toString(): string {
    const driver = this.#driver;
    const inner = driver?.handle?.awaitable;
    return inner === undefined ? "shield()" : `shield() around ${String(inner)}`;
  }
}

/**
 * Runs `operation` where the surrounding cancellation does not reach it: in a fresh
 * cancellation domain, not linked to the ambient one. Its use is cleanup that must await after
 * its task was cancelled: in a `finally` block of a cancelled task every cancellable `yield*`
 * throws `CancelledError` at once, but inside `shield` the flush or close runs to its end.
 *
 * A cancellation that arrives while the shielded operation runs is not lost: the ambient domain
 * stays cancelled, and the first cancellable await after the shield sees it. Every cancellation
 * is kept out, a second one as much as the first (as Trio's `CancelScope(shield=True)`, Effect's
 * `uninterruptible` and C++26's `unstoppable`): to bound shielded work, give it a deadline with
 * `timeout(shield(cleanup()), ms)`, which is `shield(timeout(cleanup(), ms))`. A shield keeps out
 * cancellation, not destruction: if `syncAwait` gives up on the task, the shielded operation is
 * destroyed with it.
 *
 * The shielded operation runs as a root of its own, on this thread, at once: `shield` of work
 * that does not suspend completes without suspending.
 *
 * @typeParam T What the operation evaluates to.
 * @param operation A task, awaitable or operation.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, if `operation` cannot be awaited.
 *
 * @example Flushing a file after the task was cancelled.
 * ```ts
 * import { CancelledError, shield, sleep, start, task, timeout } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const flush = task(function* () {
 *   yield* sleep(5); // the disk write
 *   lines.push("footer");
 * });
 * const writer = task(function* () {
 *   try {
 *     lines.push("header");
 *     yield* sleep(60_000);
 *   } finally {
 *     yield* timeout(shield(flush()), 1000); // runs to its end, within a second
 *   }
 * });
 * const controller = new AbortController();
 * const p = start(writer(), { signal: controller.signal });
 * controller.abort("Ctrl-C");
 * await assert.rejects(p, CancelledError);
 * assert.deepEqual(lines, ["header", "footer"]);
 * ```
 */
export function shield<T>(operation: Awaitable<T> | Operation<T>): Operation<T> {
  const op = toOperation(operation, "shield(op)");
  return new Shield(op);
}
