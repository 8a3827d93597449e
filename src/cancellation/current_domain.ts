/**
 * `currentDomain()`: the ambient cancellation domain of the running task.
 *
 * @module
 */

import { done, rt, type Suspension } from "../core/_runtime.ts";
import type { Operation } from "../core/awaitable.ts";
import { installThenTrap } from "../core/_then_trap.ts";
import type { CancellationDomain } from "./cancellation_domain.ts";

/** Answers at once: one shared instance serves every call. */
class CurrentDomain
  implements Operation<CancellationDomain>, Iterator<Suspension, CancellationDomain> {
  [Symbol.iterator](): Iterator<Suspension, CancellationDomain, unknown> {
    return this;
  }

  next(): IteratorResult<Suspension, CancellationDomain> {
    const driver = rt.driver;
    if (driver === null) {
      throw new TypeError("currentDomain() can only be awaited with yield* inside a task");
    }
    return done(driver.domain());
  }
}

installThenTrap(CurrentDomain.prototype, "an Operation (currentDomain)");

const currentDomainOperation = new CurrentDomain();

/**
 * The running task's ambient cancellation domain: its root's (from `start`'s `signal`, or a
 * fresh one), or the one given to the innermost `withDomain` around it.
 *
 * @returns An operation; `yield*` it inside a task.
 *
 * @example
 * ```ts
 * import { currentDomain, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const controller = new AbortController();
 * const t = task(function* () {
 *   const domain = yield* currentDomain();
 *   return domain.cancelled;
 * });
 * assert.equal(await start(t(), { signal: controller.signal }), false);
 * ```
 */
export function currentDomain(): Operation<CancellationDomain> {
  return currentDomainOperation;
}
