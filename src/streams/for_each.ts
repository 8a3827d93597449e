/**
 * `forEach(source, body)`: consume a channel, a stream or any (async) iterable inside a task.
 *
 * @module
 */

import type { Suspension } from "../core/_runtime.ts";
import { installThenTrap } from "../core/_then_trap.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import { Awaiter } from "../core/awaiter.ts";
import { toOperation } from "../core/_operation.ts";
import { Task } from "../core/task.ts";
import { currentDomain } from "../cancellation/current_domain.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import {
  AsyncIteratorSubscription,
  ReadableStreamSubscription,
  SyncIteratorSubscription,
} from "./_iterator_subscription.ts";
import { END, isSource, type Source, subscribe, type Subscription } from "./_source.ts";

/**
 * Consumes `source` one value at a time: for each value, runs `body(value)` to its end (a
 * generator function whose `yield*` awaits, or any function returning an awaitable or nothing),
 * then pulls the next. Nothing is prefetched: value i+1 is pulled after the body for value i has
 * ended, so a slow body is backpressure on the source.
 *
 * `source` may be a {@linkcode Channel} (until closed and drained), a {@linkcode stream}, an
 * {@linkcode on} event source, any `AsyncIterable` (a `ReadableStream`, a request body,
 * `Deno.watchFs`) or any `Iterable` (an array). Nothing is taken from it until the operation is
 * awaited.
 *
 * When the loop stops early, by cancellation of the awaiting task, an exception from the body or
 * the source, or destruction, the source is released before `forEach` completes: the iterator's
 * `return()` is called (its promise is not awaited), a `ReadableStream` is cancelled and its
 * reader lock released (also while a read is pending), an `on()` listener is removed, and a
 * `stream()` producer is cancelled and, unless the awaiting task is being destroyed, waited for
 * until it has unwound through its `finally` blocks. An error from that unwinding is thrown (as a
 * `SuppressedError` carrying the loop's own error, if there was one).
 *
 * @typeParam T The values' type.
 * @param source Where the values come from.
 * @param body Called once per value; its result, if not `undefined`, is awaited.
 * @returns An operation; `yield*` it inside a task.
 * @throws {TypeError} At the call, if `source` is not iterable or `body` is not a function; at
 *   the `yield*`, if a `ReadableStream` is locked.
 *
 * @example
 * ```ts
 * import { forEach, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const total = task(function* (prices: number[]) {
 *   let sum = 0;
 *   yield* forEach(prices, function* (price) {
 *     sum += price;
 *   });
 *   return sum;
 * });
 * assert.equal(syncAwait(total([3, 4, 5])), 12);
 * ```
 *
 * @example Reading a `ReadableStream` (a `fetch` body, a file) chunk by chunk
 * ```ts
 * import { forEach, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const body = new Blob(["hello ", "world"]).stream().pipeThrough(new TextDecoderStream());
 * const read = task(function* () {
 *   let text = "";
 *   yield* forEach(body, function* (chunk) {
 *     text += chunk;
 *   });
 *   return text;
 * });
 * assert.equal(await start(read()), "hello world");
 * assert.equal(body.locked, false);
 * ```
 */
export function forEach<T>(
  source: AsyncIterable<T> | Iterable<T>,
  body: (value: T) => Operation<unknown> | Awaitable<unknown> | void,
): Operation<void> {
  checkSource(source);
  if (typeof body !== "function") {
    throw new TypeError(
      `forEach(source, body): body must be a function (a function* whose yield* awaits), not ${
        body === null ? "null" : typeof body
      }`,
    );
  }
  return new ForEach(source, body);
}

class ForEach<T> implements Operation<void> {
  readonly #source: AsyncIterable<T> | Iterable<T>;
  readonly #body: (value: T) => unknown;

  constructor(source: AsyncIterable<T> | Iterable<T>, body: (value: T) => unknown) {
    this.#source = source;
    this.#body = body;
  }

  *[Symbol.iterator](): Generator<Suspension, void, unknown> {
    const sub = subscribeTo(this.#source, yield* currentDomain());
    const body = this.#body;
    let exhausted = false;
    let settled = false; // false while unwinding by destruction (the generator's return())
    let threw = false;
    let error: unknown = undefined;
    try {
      try {
        for (;;) {
          const value = yield* sub.pull;
          if (value === END) {
            exhausted = true;
            break;
          }
          const result = body(value as T);
          if (result !== undefined) yield* asOperation(result);
        }
      } catch (e) {
        threw = true;
        error = e;
      }
      settled = true;
    } finally {
      // Destroyed while suspended: release at once; a producer unwinds on its own driver.
      if (!settled) sub.close(false, false);
    }
    try {
      const cleanup = sub.close(true, exhausted);
      if (cleanup !== null) yield* cleanup;
    } catch (e) {
      error = threw ? new SuppressedError(e, error, "forEach: releasing the source failed") : e;
      threw = true;
    }
    if (threw) throw error;
  }
}

installThenTrap(ForEach.prototype, "an Operation (forEach)");

/** A body's result as something `yield*` can run; a generator is used as it is. */
function asOperation(result: unknown): Operation<unknown> {
  const r = result as Partial<Generator<Suspension>>;
  if (typeof r.next === "function" && typeof r[Symbol.iterator] === "function") {
    return result as Operation<unknown>;
  }
  return toOperation(result as Awaitable<unknown>, "forEach(source, body): what the body returned");
}

function checkSource(source: unknown): void {
  if (source instanceof Task || source instanceof Awaiter) {
    throw new TypeError(
      "forEach(source, body): a task or awaiter is not a source of values; await it with yield*",
    );
  }
  if (typeof source === "string") return;
  if (source !== null && typeof source === "object") {
    const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
    if (
      isSource(source) || typeof s[Symbol.asyncIterator] === "function" ||
      typeof s[Symbol.iterator] === "function"
    ) return;
  }
  throw new TypeError(
    `forEach(source, body): source must be a Channel, a stream, an AsyncIterable or an Iterable, ` +
      `not ${source === null ? "null" : typeof source}`,
  );
}

function subscribeTo<T>(
  source: AsyncIterable<T> | Iterable<T>,
  domain: CancellationDomain,
): Subscription<T> {
  if (isSource(source)) return (source as unknown as Source<T>)[subscribe](domain);
  if (typeof ReadableStream === "function" && source instanceof ReadableStream) {
    return new ReadableStreamSubscription(source as ReadableStream<T>);
  }
  const s = source as Partial<AsyncIterable<T> & Iterable<T>>;
  if (typeof s[Symbol.asyncIterator] === "function") {
    return new AsyncIteratorSubscription((source as AsyncIterable<T>)[Symbol.asyncIterator]());
  }
  return new SyncIteratorSubscription((source as Iterable<T>)[Symbol.iterator]());
}
