/**
 * `forEach` over sources that are not ours: a sync `Iterable`, an `AsyncIterable`, and a
 * `ReadableStream` (read through its own reader, so that stopping releases the lock at once even
 * while a read is pending, which the stream's async iterator defers until that read settles).
 *
 * @module
 */

import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import { done, type Suspension } from "../core/_runtime.ts";
import type { Operation } from "../core/awaitable.ts";
import { readyWith } from "../core/_ready_iterator.ts";
import { END, type End, ignoreRejection, type Subscription } from "./_source.ts";

function notAResult(result: unknown): TypeError {
  return new TypeError(
    `forEach: the iterator's next() gave ${
      result === null ? "null" : typeof result
    }, not an iterator result object`,
  );
}

/** A sync iterator: pulled synchronously, closed with `return()` unless exhausted. */
export class SyncIteratorSubscription<T>
  implements Subscription<T>, Operation<T | End>, Iterator<Suspension, T | End> {
  readonly #iterator: Iterator<T>;
  #open = true;
  readonly pull: Operation<T | End> = this;

  constructor(iterator: Iterator<T>) {
    this.#iterator = iterator;
  }

  [Symbol.iterator](): Iterator<Suspension, T | End, unknown> {
    return this;
  }

  next(): IteratorResult<Suspension, T | End> {
    let result: IteratorResult<T>;
    try {
      result = this.#iterator.next();
    } catch (error) {
      this.#open = false; // a failing next() is not closed again (as in for-of)
      throw error;
    }
    if (result === null || typeof result !== "object") {
      this.#open = false;
      throw notAResult(result);
    }
    return done(result.done ? END : result.value);
  }

  close(_wait: boolean, exhausted: boolean): null {
    if (!this.#open || exhausted) return null;
    this.#open = false;
    try {
      this.#iterator.return?.();
    } catch {
      // The loop is already ending abruptly; as in for-of, that outcome wins over return()'s.
    }
    return null;
  }
}

// States of a PromisedResult.
const IDLE = 0;
const PENDING = 1;
const SETTLED = 2;

/**
 * Waits for one promised iterator result; one instance serves every pull of a subscription. A
 * thenable that settles synchronously inside `then()` completes the pull without suspending.
 */
class PromisedResult<T> extends CancellableAwaiter<T | End> {
  #state = IDLE;
  #rejected = false;
  #outcome: unknown = undefined;
  readonly #describe: string;
  /** Set when a pull failed: the iterator is broken and is not closed (as in for-await). */
  broken = false;

  constructor(describe: string) {
    super();
    this.#describe = describe;
  }

  /** Attaches to `promise` now, so that its rejection is handled even if the wait never starts. */
  watch(promise: PromiseLike<unknown>): this {
    this.#state = PENDING;
    this.#rejected = false;
    this.#outcome = undefined;
    promise.then(this.#fulfilled, this.#failed);
    return this;
  }

  override awaitReady(): boolean {
    return this.#state === SETTLED;
  }

  protected begin(): void {}

  protected stop(): void {
    this.#state = IDLE; // the promise's later outcome is ignored
  }

  protected result(): T | End {
    const outcome = this.#outcome;
    this.#state = IDLE;
    this.#outcome = undefined;
    if (this.#rejected) {
      this.broken = true;
      throw outcome;
    }
    if (outcome === null || typeof outcome !== "object") {
      this.broken = true;
      throw notAResult(outcome);
    }
    const result = outcome as IteratorResult<T>;
    return result.done ? END : result.value;
  }

  override toString(): string {
    return this.#describe;
  }

  #settle(rejected: boolean, outcome: unknown): void {
    if (this.#state !== PENDING) return; // settled twice, or abandoned
    this.#state = SETTLED;
    this.#rejected = rejected;
    this.#outcome = outcome;
    this.wake();
  }

  #fulfilled = (result: unknown): void => this.#settle(false, result);
  #failed = (error: unknown): void => this.#settle(true, error);
}

/** An async iterator: each pull awaits `next()`; stopping early calls `return()`. */
export class AsyncIteratorSubscription<T> implements Subscription<T>, Operation<T | End> {
  readonly #iterator: AsyncIterator<T>;
  readonly #awaiter = new PromisedResult<T>("an async iterator's next()");
  #open = true;
  readonly pull: Operation<T | End> = this;

  constructor(iterator: AsyncIterator<T>) {
    this.#iterator = iterator;
  }

  [Symbol.iterator](): Iterator<Suspension, T | End, unknown> {
    let result: unknown;
    try {
      result = this.#iterator.next();
    } catch (error) {
      this.#open = false;
      throw error;
    }
    if (result !== null && typeof result === "object" && "then" in result) {
      const then = (result as PromiseLike<unknown>).then;
      if (typeof then === "function") {
        return this.#awaiter.watch(result as PromiseLike<unknown>)[Symbol.iterator]();
      }
    }
    if (result === null || typeof result !== "object") {
      this.#open = false;
      throw notAResult(result);
    }
    const r = result as IteratorResult<T>;
    return readyWith(r.done ? END : r.value);
  }

  close(_wait: boolean, exhausted: boolean): null {
    if (!this.#open || exhausted || this.#awaiter.broken) return null;
    this.#open = false;
    try {
      ignoreRejection(this.#iterator.return?.());
    } catch {
      // As in for-await leaving by an exception: return()'s own failure does not replace it.
    }
    return null;
  }
}

/**
 * A `ReadableStream`, through a reader taken at subscription: it releases the lock when it ends,
 * and cancels the stream (as its async iterator's `return()` does) when the consumer stops early.
 */
export class ReadableStreamSubscription<T> implements Subscription<T>, Operation<T | End> {
  readonly #reader: ReadableStreamDefaultReader<T>;
  readonly #awaiter = new PromisedResult<T>("a ReadableStream read()");
  readonly pull: Operation<T | End> = this;

  constructor(stream: ReadableStream<T>) {
    if (stream.locked) {
      throw new TypeError(
        "forEach: the ReadableStream is locked (another reader or a pipe holds it); release it " +
          "first, or tee() it",
      );
    }
    this.#reader = stream.getReader();
  }

  [Symbol.iterator](): Iterator<Suspension, T | End, unknown> {
    return this.#awaiter.watch(this.#reader.read())[Symbol.iterator]();
  }

  close(_wait: boolean, exhausted: boolean): null {
    const reader = this.#reader;
    if (!exhausted && !this.#awaiter.broken) ignoreRejection(reader.cancel());
    reader.releaseLock();
    return null;
  }
}
