/**
 * `CancelledError`: what a cancelled operation completes with.
 *
 * @module
 */

/**
 * The exception an operation completes with when its cancellation domain is cancelled: `sleep`,
 * `coAwait(promise)`, executor hops, and custom awaitables that register with the domain. It
 * unwinds the task through its `finally` blocks like any exception. `cause` and `reason` hold the
 * reason given to `cancel()`, whatever it is (one that cannot be turned into a string, such as
 * `Object.create(null)`, is described as such in the message).
 *
 * @example
 * ```ts
 * import { CancellationDomain, CancelledError, sleep, start, withDomain } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const domain = new CancellationDomain();
 * const p = start(withDomain(domain, sleep(60_000)));
 * domain.cancel("shutting down");
 * await assert.rejects(p, CancelledError);
 * ```
 */
export class CancelledError extends Error {
  /** The reason given to `cancel()`, if any. */
  readonly reason: unknown;

  /**
   * Makes the error; awaitables throw it from `awaitResume()` when their domain was cancelled.
   *
   * @param reason The reason given to `cancel()`.
   */
  constructor(reason?: unknown) {
    super(
      reason === undefined
        ? "the operation was cancelled: its cancellation domain was cancelled"
        : `the operation was cancelled: ${describeReason(reason)}`,
      reason === undefined ? undefined : { cause: reason },
    );
    this.name = "CancelledError";
    this.reason = reason;
  }
}

/** Never throws: a reason whose conversion throws must not replace the cancellation. */
function describeReason(reason: unknown): string {
  try {
    if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
    return String(reason);
  } catch {
    return "a reason that cannot be converted to a string";
  }
}
