/**
 * `stream(producer)`: an async iterable whose values come from a task.
 *
 * @module
 */

import type { Suspension } from "../core/_runtime.ts";
import type { Operation } from "../core/awaitable.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { readyWith } from "../core/_ready_iterator.ts";
import { type End, subscribe, type Subscription } from "./_source.ts";
import {
  canResumeInline,
  DONE,
  DONE_RESULT,
  EndWaiter,
  INITIAL,
  NO_VALUE,
  PARKED,
  type Producer,
  StreamRun,
} from "./_stream_run.ts";

/**
 * A sequence of values that a task can consume with {@linkcode forEach} and ordinary code with
 * `for await`: what {@linkcode stream} and {@linkcode on} return. Each iteration (each `forEach`,
 * each `for await`) is its own subscription.
 *
 * @typeParam T The values' type.
 *
 * @example
 * ```ts
 * import { type Stream, stream } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const digits: Stream<number> = stream(function* (emit) {
 *   for (let d = 0; d < 3; d++) yield* emit(d);
 * });
 * assert.deepEqual(await Array.fromAsync(digits), [0, 1, 2]);
 * ```
 */
export abstract class Stream<T> implements AsyncIterable<T> {
  /** A new subscription for `for await`. */
  abstract [Symbol.asyncIterator](): AsyncIterator<T, undefined>;
  /** @ignore A new subscription for `forEach`, in the consumer's cancellation domain. */
  abstract [subscribe](domain: CancellationDomain): Subscription<T>;
}

class ProducerStream<T> extends Stream<T> {
  readonly #producer: Producer<T>;

  constructor(producer: Producer<T>) {
    super();
    this.#producer = producer;
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return new StreamIterator(new StreamRun(this.#producer, null));
  }

  [subscribe](domain: CancellationDomain): Subscription<T> {
    return new StreamSubscription(new StreamRun(this.#producer, domain), domain);
  }
}

/** `forEach(stream(...), body)`: runs the producer from the pull (see `StreamRun`). */
class StreamSubscription<T> implements Subscription<T>, Operation<T | End> {
  readonly #run: StreamRun<T>;
  readonly #domain: CancellationDomain;
  readonly pull: Operation<T | End> = this;

  constructor(run: StreamRun<T>, domain: CancellationDomain) {
    this.#run = run;
    this.#domain = domain;
  }

  [Symbol.iterator](): Iterator<Suspension, T | End, unknown> {
    const run = this.#run;
    if (run.state === INITIAL || (run.state === PARKED && canResumeInline())) {
      // In a cancelled domain the producer is not run at all: the pull fails at once.
      if (this.#domain.cancelled) throw this.#domain._error();
      if (run.state === INITIAL) run.start();
      else run.resumeInline();
      const value = run.takeSlot();
      if (value !== NO_VALUE) return readyWith(value);
    }
    if (run.state === DONE) return readyWith(run.finishedPull());
    return run.puller[Symbol.iterator]();
  }

  close(wait: boolean): Operation<void> | null {
    const run = this.#run;
    const unwinding = run.stop();
    if (!unwinding && !run.cleanupFailed) return null;
    return wait ? new EndWaiter(run) : null;
  }
}

/** `for await (const v of stream(...))`. */
class StreamIterator<T> implements AsyncIterator<T, undefined> {
  readonly #run: StreamRun<T>;

  constructor(run: StreamRun<T>) {
    this.#run = run;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    try {
      return this.#run.next();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Stops the producer; settles once it has unwound (rejects if its `finally` threw). */
  return(): Promise<IteratorResult<T, undefined>> {
    const run = this.#run;
    run.stop();
    const { promise, resolve, reject } = Promise.withResolvers<IteratorResult<T, undefined>>();
    run.whenDone({
      complete() {
        if (run.cleanupFailed) {
          run.cleanupFailed = false;
          reject(run.cleanupError);
        } else {
          resolve(DONE_RESULT);
        }
      },
    });
    return promise;
  }
}

/**
 * Makes a {@linkcode Stream} whose values a task produces: `producer` is a generator function
 * that receives `emit` and awaits `yield* emit(value)` for each value.
 *
 * - Lazy: the producer starts on the first pull (`next()`, or the first value `forEach` asks
 *   for), not before. Each subscription runs the producer anew.
 * - Backpressure: `emit` waits until the consumer pulls the next value, as `yield` in an async
 *   generator does; the producer runs only while a pull is outstanding.
 * - An exception from the producer reaches the consumer at its pull, the same object.
 * - When the consumer stops early (`break` in `for await`, `return()`, an exception in
 *   `forEach`'s body, or the consuming task cancelled), the producer is cancelled: its pending
 *   `emit` (or whatever it awaits) throws `CancelledError` and it unwinds through its `finally`
 *   blocks. `return()` settles, and `forEach` completes, after that unwinding; an error thrown by
 *   it rejects `return()` (or is thrown by `forEach`).
 * - The producer runs as its own root coroutine. Under `forEach` its cancellation domain is a
 *   child of the consumer's ambient domain; under `for await` it is a fresh domain.
 * - `emit` calls are awaited one at a time; `emit` after the stream ended is a `TypeError`.
 *
 * @typeParam T The values' type.
 * @param producer `function* (emit) { ... yield* emit(v) ... }`.
 * @returns A stream: an `AsyncIterable<T>` and a `forEach` source.
 * @throws {TypeError} If `producer` is not a function.
 *
 * @example Produce with a task, consume with `forEach` or `for await`
 * ```ts
 * import { forEach, sleep, start, stream, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const ticks = stream<number>(function* (emit) {
 *   for (let i = 1; ; i++) {
 *     yield* sleep(1);
 *     yield* emit(i); // waits for the consumer's next pull
 *   }
 * });
 *
 * const firstThree = task(function* () {
 *   const seen: number[] = [];
 *   try {
 *     yield* forEach(ticks, function* (n) {
 *       seen.push(n);
 *       if (n === 3) throw new Error("enough"); // stops (and cancels) the producer
 *     });
 *   } catch {
 *     // expected: the body stopped the loop
 *   }
 *   return seen;
 * });
 * assert.deepEqual(await start(firstThree()), [1, 2, 3]);
 *
 * const seen: number[] = [];
 * for await (const n of ticks) {
 *   seen.push(n);
 *   if (n === 2) break; // cancels the producer; its finally blocks run
 * }
 * assert.deepEqual(seen, [1, 2]);
 * ```
 */
export function stream<T>(
  producer: (emit: (value: T) => Operation<void>) => Generator<Suspension, unknown, unknown>,
): Stream<T> {
  if (typeof producer !== "function") {
    throw new TypeError(
      `stream(producer): producer must be a generator function (function* (emit) {...}), not ${
        producer === null ? "null" : typeof producer
      }`,
    );
  }
  return new ProducerStream(producer as Producer<T>);
}
