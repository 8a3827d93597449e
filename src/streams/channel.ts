/**
 * `Channel<T>`: a bounded FIFO between tasks, with backpressure.
 *
 * @module
 */

import type { Suspension } from "../core/_runtime.ts";
import { installThenTrap } from "../core/_then_trap.ts";
import type { Operation } from "../core/awaitable.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import {
  ChannelCore,
  DONE,
  EMPTY,
  type Receiver,
  ReceiveWaiter,
  sendOnClosed,
  SendWaiter,
} from "./_channel_core.ts";
import { readyWith } from "../core/_ready_iterator.ts";
import { END, type End, subscribe, type Subscription } from "./_source.ts";

/**
 * A channel between tasks on one thread: `yield* ch.send(v)` and `yield* ch.receive()`, with room
 * for `capacity` values in between (0: every send waits for a receiver, a rendezvous).
 *
 * - `send` suspends while the channel is full; a send into free space (or to a waiting receiver)
 *   and a receive of a buffered value complete without suspending.
 * - Senders and receivers are served in FIFO order. A cancelled sender delivers nothing; a
 *   cancelled receiver takes nothing (the value goes to the next receiver).
 * - `close()` stops sending: `send` on a closed channel is a `TypeError`, and so is a send that
 *   was waiting for room when the channel was closed (its value is not delivered). Receivers
 *   drain what was buffered, then get `{ done: true }`.
 * - A channel is an `AsyncIterable<T>` (`for await`) and a source for `forEach`; neither closes
 *   the channel when it stops early.
 *
 * Like every operation that completes without suspending, a ready `send` or `receive` succeeds
 * even in a cancelled domain; one that has to wait fails there with `CancelledError`.
 *
 * @typeParam T The values' type.
 *
 * @example
 * ```ts
 * import { Channel, forEach, start, task, whenAll } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const ch = new Channel<number>(2);
 * const producer = task(function* () {
 *   for (let i = 1; i <= 5; i++) yield* ch.send(i); // waits while 2 are buffered
 *   ch.close();
 * });
 * const consumer = task(function* () {
 *   let sum = 0;
 *   yield* forEach(ch, function* (n) {
 *     sum += n;
 *   });
 *   return sum;
 * });
 * const [, sum] = await start(whenAll(producer(), consumer()));
 * assert.equal(sum, 15);
 * ```
 */
export class Channel<T> implements AsyncIterable<T> {
  readonly #core: ChannelCore<T>;
  readonly #receive: ReceiveOperation<T>;

  /**
   * Makes an open, empty channel.
   *
   * @param capacity How many values it holds before `send` waits: a non-negative integer or
   *   `Infinity` (never waits). Default 0.
   * @throws {RangeError} If `capacity` is negative, fractional or NaN.
   * @throws {TypeError} If `capacity` is not a number.
   */
  constructor(capacity: number = 0) {
    if (typeof capacity !== "number") {
      throw new TypeError(
        `new Channel(${String(capacity)}): capacity must be a number (0 for a rendezvous)`,
      );
    }
    if (!(capacity >= 0) || (capacity !== Infinity && !Number.isInteger(capacity))) {
      throw new RangeError(
        `new Channel(${capacity}): capacity must be a non-negative integer or Infinity`,
      );
    }
    this.#core = new ChannelCore(capacity);
    this.#receive = new ReceiveOperation(this.#core);
  }

  /** How many values the channel holds before `send` waits. */
  get capacity(): number {
    return this.#core.capacity;
  }

  /** How many sent values wait to be received (not counting senders waiting for room). */
  get size(): number {
    return this.#core.buffer.length;
  }

  /** Whether `close()` was called (values may still be buffered). */
  get closed(): boolean {
    return this.#core.closed;
  }

  /**
   * Sends `value`: completes at once if a receiver waits or there is room, else suspends until a
   * receiver makes room.
   *
   * @param value What to send.
   * @returns An operation; `yield*` it inside a task.
   * @throws {TypeError} At the call or at the `yield*` if the channel is closed, or at the
   *   `yield*` if it is closed while the send waits.
   */
  send(value: T): Operation<void> {
    if (this.#core.closed) throw sendOnClosed();
    return new SendOperation(this.#core, value);
  }

  /**
   * Receives the oldest value: `{ done: false, value }`, or `{ done: true }` once the channel is
   * closed and drained. Completes at once when a value is buffered or a sender waits.
   *
   * @returns An operation; `yield*` it inside a task (the same operation on every call).
   */
  receive(): Operation<IteratorResult<T, undefined>> {
    return this.#receive;
  }

  /**
   * Closes the channel: no more sends. Buffered values are still received, then `done`. Senders
   * waiting for room fail with `TypeError`; receivers waiting on an empty channel get `done`.
   * Closing twice does nothing.
   */
  close(): void {
    this.#core.close();
  }

  /** Receives values with `for await` until the channel is closed and drained. */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return new ChannelIterator(this.#core);
  }

  /** @ignore `forEach`'s way in: pulls without promises or iterator results. */
  [subscribe](_domain: CancellationDomain): Subscription<T> {
    return new ChannelSubscription(this.#core);
  }
}

class SendOperation<T> implements Operation<void> {
  readonly #core: ChannelCore<T>;
  readonly #value: T;

  constructor(core: ChannelCore<T>, value: T) {
    this.#core = core;
    this.#value = value;
  }

  [Symbol.iterator](): Iterator<Suspension, void, unknown> {
    const core = this.#core;
    if (core.closed) throw sendOnClosed();
    if (core.offer(this.#value)) return readyWith(undefined);
    return new SendWaiter(core, this.#value)[Symbol.iterator]();
  }
}

/** The operation `receive()` returns: stateless, so one per channel serves every call. */
class ReceiveOperation<T> implements Operation<IteratorResult<T, undefined>> {
  readonly #core: ChannelCore<T>;

  constructor(core: ChannelCore<T>) {
    this.#core = core;
  }

  [Symbol.iterator](): Iterator<Suspension, IteratorResult<T, undefined>, unknown> {
    const core = this.#core;
    const value = core.poll();
    if (value !== EMPTY) return readyWith({ done: false, value });
    if (core.closed) return readyWith(DONE);
    const waiter = new ReceiveWaiter(core, true) as ReceiveWaiter<T>;
    return waiter[Symbol.iterator]() as Iterator<Suspension, IteratorResult<T, undefined>, unknown>;
  }
}

installThenTrap(SendOperation.prototype, "an Operation (Channel.send)");
installThenTrap(ReceiveOperation.prototype, "an Operation (Channel.receive)");

/** `forEach(channel, ...)`: one reused waiter, values without iterator results. */
class ChannelSubscription<T> implements Subscription<T>, Operation<T | End> {
  readonly #core: ChannelCore<T>;
  readonly #waiter: ReceiveWaiter<T>;
  readonly pull: Operation<T | End> = this;

  constructor(core: ChannelCore<T>) {
    this.#core = core;
    this.#waiter = new ReceiveWaiter(core, false);
  }

  [Symbol.iterator](): Iterator<Suspension, T | End, unknown> {
    const core = this.#core;
    const value = core.poll();
    if (value !== EMPTY) return readyWith(value);
    if (core.closed) return readyWith(END);
    return this.#waiter[Symbol.iterator]() as Iterator<Suspension, T | End, unknown>;
  }

  close(): null {
    // A cancelled or destroyed pull has already left the queue (its awaiter's stop()).
    return null;
  }
}

/** A `next()` of the async iterator waiting on an empty channel. */
class PendingNext<T> implements Receiver<T> {
  readonly #iterator: ChannelIterator<T>;
  readonly #resolve: (result: IteratorResult<T, undefined>) => void;

  constructor(iterator: ChannelIterator<T>, resolve: (r: IteratorResult<T, undefined>) => void) {
    this.#iterator = iterator;
    this.#resolve = resolve;
  }

  give(value: T): void {
    this.#iterator.settled(this);
    this.#resolve({ done: false, value });
  }

  end(): void {
    this.#iterator.settled(this);
    this.#resolve(DONE);
  }
}

class ChannelIterator<T> implements AsyncIterator<T, undefined> {
  readonly #core: ChannelCore<T>;
  readonly #pending: PendingNext<T>[] = [];
  #finished = false;

  constructor(core: ChannelCore<T>) {
    this.#core = core;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const core = this.#core;
    if (this.#finished) return Promise.resolve(DONE);
    // Overlapping calls stay in order: while one is pending the channel is empty, so a later
    // call queues behind it in the channel's FIFO of receivers.
    const value = core.poll();
    if (value !== EMPTY) return Promise.resolve({ done: false, value });
    if (core.closed) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      const pending = new PendingNext(this, resolve);
      this.#pending.push(pending);
      core.receivers.push(pending);
    });
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.#finished = true;
    while (this.#pending.length > 0) {
      const pending = this.#pending[0];
      this.#core.receivers.remove(pending);
      pending.end();
    }
    return Promise.resolve(DONE);
  }

  settled(pending: PendingNext<T>): void {
    this.#pending.splice(this.#pending.indexOf(pending), 1);
  }
}
