/**
 * Normalizes anything awaitable into an `Operation` that `yield*` and the drivers can run.
 *
 * @module
 */

import {
  type Awaitable,
  coAwaitSymbol,
  type Operation,
  type SimpleAwaitable,
} from "./awaitable.ts";
import { Awaiter, awaitIterator, isSimpleAwaitable, operatorCoAwait } from "./awaiter.ts";
import { PromiseAwaiter } from "../bridges/_promise_awaiter.ts";
import { Task } from "./task.ts";
import type { Suspension } from "./_runtime.ts";

/** A `SimpleAwaitable` that is not an `Awaiter`, made awaitable with `yield*`. */
class SimpleOperation<T> implements Operation<T> {
  readonly #awaitable: SimpleAwaitable<T>;

  constructor(awaitable: SimpleAwaitable<T>) {
    this.#awaitable = awaitable;
  }

  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return awaitIterator(this.#awaitable);
  }
}

/**
 * Turns `value` into an operation, or throws a `TypeError` naming what it got, after `who` (the
 * call that was given it, as the user wrote it) when given; with `argument`, its position among
 * the arguments of the function named `who`. (Both are strings made once: the message is built
 * only when it is thrown.) Errors that a user's `[coAwaitSymbol]()` throws pass unchanged.
 */
export function toOperation<T>(
  value: Awaitable<T> | Operation<T>,
  who?: string,
  argument = -1,
): Operation<T> {
  if (value instanceof Task) return value;
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    const v = value as Record<PropertyKey, unknown>;
    // operator co_await first, as the paper's await-expression does: an Awaiter subclass that
    // defines it is awaited through it too (Awaiter's iterator honours it).
    if (value instanceof Awaiter) return value;
    if (typeof v[coAwaitSymbol] === "function") {
      const simple = operatorCoAwait<T>(value);
      return simple instanceof Awaiter ? simple : new SimpleOperation(simple);
    }
    if (isSimpleAwaitable(value)) return new SimpleOperation(value as SimpleAwaitable<T>);
    if (typeof v[Symbol.iterator] === "function") return value as Operation<T>;
    if (typeof v.then === "function") return new PromiseAwaiter(value as PromiseLike<T>);
  }
  throw new TypeError(
    `${who === undefined ? "" : argument < 0 ? `${who}: ` : `${who}(): argument ${argument}: `}` +
      `cannot await ${
        value === null ? "null" : typeof value
      }: expected a Task, an Awaiter, a SimpleAwaitable, an object with [coAwaitSymbol](), a ` +
      "Promise, or an Operation",
  );
}

/** Names what a suspended coroutine waits on, for error messages. */
export function describeAwaitable(awaitable: unknown): string {
  if (awaitable === null || awaitable === undefined) return "nothing (it was never suspended)";
  const text = String(awaitable);
  if (text !== "[object Object]") return text;
  const name = (awaitable as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "a custom awaitable";
}
