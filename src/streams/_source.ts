/**
 * The protocol between `forEach` and the sources it knows (`Channel`, `stream()`, `on()`, and
 * adapters over any iterable): a subscription hands out values one pull at a time through an
 * operation that allocates nothing when a value is ready, and says how to release what it holds.
 *
 * @module
 */

import type { Operation } from "../core/awaitable.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";

/** What a pull gives when the source has no more values. */
export const END: unique symbol = Symbol("end");
/** The type of {@linkcode END}. */
export type End = typeof END;

/** One consumer's view of a source. */
export interface Subscription<T> {
  /**
   * The next value, or `END`. The same operation serves every pull; `forEach` awaits it at once
   * (`yield* sub.pull`) and one pull at a time.
   */
  readonly pull: Operation<T | End>;
  /**
   * Stops the subscription and releases what it holds (listener, iterator, producer). Returns an
   * operation that waits until the release has finished (a producer unwinding), or null when it
   * finished already. Called once, whichever way the consumer ends: `exhausted` when the source
   * ended (the pull gave `END`), `wait` false when the consumer is being destroyed and cannot
   * wait.
   */
  close(wait: boolean, exhausted: boolean): Operation<void> | null;
}

/** The key of the method by which a source hands `forEach` a subscription. */
export const subscribe: unique symbol = Symbol("coro.subscribe");

/** A source that `forEach` consumes without promises. */
export interface Source<T> {
  /** A new subscription; `domain` is the consumer's ambient cancellation domain. */
  [subscribe](domain: CancellationDomain): Subscription<T>;
}

/** Whether `value` implements {@linkcode Source}. */
export function isSource(value: unknown): value is Source<unknown> {
  return value !== null && typeof value === "object" &&
    typeof (value as Partial<Source<unknown>>)[subscribe] === "function";
}

/** Promise handlers that ignore a rejection nobody can act on (a `return()` or `cancel()`). */
export function ignoreRejection(value: unknown): void {
  if (
    value !== null && typeof value === "object" &&
    typeof (value as Promise<unknown>).then === "function"
  ) {
    (value as Promise<unknown>).then(undefined, noop);
  }
}

function noop(): void {}
