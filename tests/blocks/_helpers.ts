/**
 * Helpers for the building-block tests: a domain that counts its live listeners, and a promise
 * that settles on the next macrotask.
 *
 * @module
 */

import { CancellationDomain, type CancellationListener } from "../../mod.ts";

/** A domain that knows how many listeners are registered with it right now. */
export class CountingDomain extends CancellationDomain {
  readonly #live = new Set<CancellationListener>();

  /** Listeners registered and not yet removed (or told). */
  get live(): number {
    return this.#live.size;
  }

  override addListener(listener: CancellationListener): void {
    if (!this.cancelled) this.#live.add(listener);
    super.addListener(listener);
  }

  override removeListener(listener: CancellationListener): void {
    this.#live.delete(listener);
    super.removeListener(listener);
  }

  override cancel(reason?: unknown): void {
    this.#live.clear();
    super.cancel(reason);
  }
}

/** Resolves after the host has run a macrotask (timers due now, I/O callbacks). */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `await op` (a common slip) must reject with a TypeError naming `yield*`, not run silently. */
export async function assertAwaitRejected(op: unknown): Promise<void> {
  const error = await Promise.resolve(op).then(() => null, (e: unknown) => e);
  if (!(error instanceof TypeError) || !/yield\*/.test(error.message)) {
    throw new Error(`await on ${String(op)} did not reject with a TypeError naming yield*`);
  }
}

export { capturingReports } from "../_helpers.ts";
