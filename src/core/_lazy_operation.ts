/**
 * An operation whose await runs a generator made on demand: the shape of the small built-in
 * operations written as generator functions (`via`, `fork`). A class rather than an object
 * literal, so that it carries the `then` trap every library operation has.
 *
 * @module
 */

import type { Suspension } from "./_runtime.ts";
import { installThenTrap } from "./_then_trap.ts";
import type { Operation } from "./awaitable.ts";

/** An operation that runs `start()`'s generator each time it is awaited. */
export class LazyOperation<T> implements Operation<T> {
  readonly #start: () => Iterator<Suspension, T, unknown>;

  constructor(start: () => Iterator<Suspension, T, unknown>) {
    this.#start = start;
  }

  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return this.#start();
  }
}

installThenTrap(LazyOperation.prototype, "an Operation");
