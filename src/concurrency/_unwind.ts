/**
 * How a group or a task's fork scope unwinds the roots it owns when its own awaiter is destroyed,
 * and how the errors they throw on the way are kept.
 *
 * Destruction is synchronous (a generator's `return()` cannot wait), so a member suspended on a
 * host wait is unwound here and now, and what its `finally` blocks throw is known before the
 * owner's own unwinding ends: the owner then ends with that error, as JavaScript's `using` does
 * when a disposer throws.
 *
 * The rule for several errors is DisposableStack's: the first error is the outcome, and each
 * later one wraps it, `new SuppressedError(later, previous)`. `CancelledError`s other than the
 * first are not attached: they are how cancelled work is meant to end.
 *
 * @module
 */

import type { Driver } from "../core/_driver.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import { reportError } from "../core/_report.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";

/** How many times an unwinding that suspends again is destroyed again (as `syncAwait` does). */
const UNWIND_ATTEMPTS = 1000;

/**
 * How many owners may unwind their members synchronously inside each other (about ten native
 * frames each). Past it, a member is destroyed through the trampoline instead: it unwinds soon
 * after and the native stack stays bounded, but its owner has ended by then, so what it throws
 * is reported with {@linkcode reportLate}.
 */
const MAX_NESTED_UNWINDS = 256;

let nestedUnwinds = 0;

/**
 * Unwinds `driver` now if it is suspended: it ends by `return()` through its `finally` blocks
 * and reports to its completion before this returns. A driver that is queued or running is left
 * alone (the caller cancels its domain; it unwinds when it runs).
 */
export function destroyRoot(driver: Driver): void {
  if (nestedUnwinds >= MAX_NESTED_UNWINDS) {
    driver.handle?.destroy();
    return;
  }
  nestedUnwinds++;
  try {
    for (let i = 0; i < UNWIND_ATTEMPTS && driver.destroyNow(); i++);
  } finally {
    nestedUnwinds--;
  }
}

/**
 * Reports an error that has nobody left to receive it (a member that ended after its destroyed
 * owner had finished, a cancellation listener that threw), as the library reports a throwing
 * listener: with the host's `reportError`, after the current job, so that the unwinding in
 * progress completes first. `CancelledError`s are how such members are meant to end: dropped.
 */
export function reportLate(error: unknown): void {
  if (error instanceof CancelledError) return;
  queueMicrotask(() => reportError(error));
}

/** An outcome that collects errors by the rule above. */
export class ErrorChain {
  /** Whether there is an error. */
  failed = false;
  /** The outcome: the first error, wrapped by the later ones. */
  error: unknown = undefined;

  /** Adds the outcome's first error (of any kind). */
  first(error: unknown): void {
    if (this.failed) this.later(error);
    else {
      this.failed = true;
      this.error = error;
    }
  }

  /** Attaches a later error; a `CancelledError` is dropped (cancelled work ends that way). */
  later(error: unknown): void {
    if (error instanceof CancelledError) return;
    if (!this.failed) {
      this.failed = true;
      this.error = error;
    } else {
      this.error = new SuppressedError(error, this.error, "an error was thrown while unwinding");
    }
  }

  /** Takes the outcome (throws it), or returns when there is none. */
  rethrow(): void {
    if (!this.failed) return;
    const error = this.error;
    this.failed = false;
    this.error = undefined;
    throw error;
  }
}

/**
 * Cancels `domain` from inside the library, as a parent domain does (`onCancel`): a listener that
 * throws cannot interrupt the caller's bookkeeping; its error is reported (see API.md,
 * Cancellation domains), never thrown into a driver.
 */
export function cancelInternally(domain: CancellationDomain, reason: unknown): void {
  try {
    domain.onCancel(reason);
  } catch (error) {
    reportLate(error); // a domain whose onCancel still rethrows its listeners' errors
  }
}
