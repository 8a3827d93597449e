/**
 * The state of a `Channel` and its waiters. A channel holds at most `capacity` values; beyond
 * that, senders wait in FIFO order. Receivers wait in FIFO order while it is empty.
 *
 * Invariant: waiting senders and waiting receivers never coexist (a send meeting a waiting
 * receiver hands its value over at once), and receivers wait only while the buffer is empty.
 *
 * | event            | buffer has room / receiver waits      | full (or capacity 0, no receiver) |
 * | ---------------- | ------------------------------------- | --------------------------------- |
 * | send(v)          | hand to the first receiver, or buffer | sender waits with `v`             |
 * | receive          | take the oldest value; the first waiting sender moves its value in (or hands it over) and resumes | receiver waits; `done` once closed |
 * | close()          | waiting receivers end with `done`     | waiting senders fail (TypeError)  |
 * | waiter cancelled | removed from its queue: a sender delivers nothing, a receiver takes nothing |  |
 *
 * @module
 */

import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import { Ring } from "./_ring.ts";
import { END, type End } from "./_source.ts";

/** What `poll()` gives when nothing is available now. */
export const EMPTY: unique symbol = Symbol("empty");

/** A suspended or pending receiver: told a value or the end. */
export interface Receiver<T> {
  give(value: T): void;
  end(): void;
}

/** The shared `{ done: true }` of a closed and drained channel. */
export const DONE: IteratorReturnResult<undefined> = Object.freeze({
  done: true as const,
  value: undefined,
});

/** The state shared by a `Channel`, its waiters and its subscriptions. */
export class ChannelCore<T> {
  readonly capacity: number;
  readonly buffer: Ring<T> = new Ring();
  readonly senders: Ring<SendWaiter<T>> = new Ring();
  readonly receivers: Ring<Receiver<T>> = new Ring();
  closed = false;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Delivers `value` without waiting if a receiver waits or the buffer has room. */
  offer(value: T): boolean {
    if (this.receivers.length > 0) {
      this.receivers.shift().give(value);
      return true;
    }
    if (this.buffer.length < this.capacity) {
      this.buffer.push(value);
      return true;
    }
    return false;
  }

  /** Takes a value without waiting, or gives `EMPTY`; a waiting sender moves up and resumes. */
  poll(): T | typeof EMPTY {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift();
      if (this.senders.length > 0) {
        const sender = this.senders.shift();
        this.buffer.push(sender.value);
        sender.accept();
      }
      return value;
    }
    if (this.senders.length > 0) {
      const sender = this.senders.shift();
      const value = sender.value;
      sender.accept();
      return value;
    }
    return EMPTY;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    while (this.receivers.length > 0) this.receivers.shift().end();
    while (this.senders.length > 0) this.senders.shift().refuse();
  }
}

/** A send waiting for room. */
export class SendWaiter<T> extends CancellableAwaiter<void> {
  readonly #core: ChannelCore<T>;
  readonly value: T;
  #refused = false;

  constructor(core: ChannelCore<T>, value: T) {
    super();
    this.#core = core;
    this.value = value;
  }

  accept(): void {
    this.wake();
  }

  refuse(): void {
    this.#refused = true;
    this.wake();
  }

  protected begin(): void {
    this.#core.senders.push(this);
  }

  protected stop(): void {
    this.#core.senders.remove(this);
  }

  protected result(): void {
    if (this.#refused) throw closedWhileWaiting();
  }

  override toString(): string {
    return "Channel.send() waiting for room, which only a receiver can make";
  }
}

/**
 * A receive waiting for a value. `forEach`'s subscription reuses one (it pulls one value at a
 * time) and takes `END` at the end; `receive()` makes one per wait and takes iterator results.
 */
export class ReceiveWaiter<T> extends CancellableAwaiter<T | End | IteratorResult<T, undefined>>
  implements Receiver<T> {
  readonly #core: ChannelCore<T>;
  readonly #results: boolean;
  #value: T | undefined = undefined;
  #ended = false;

  constructor(core: ChannelCore<T>, results: boolean) {
    super();
    this.#core = core;
    this.#results = results;
  }

  give(value: T): void {
    this.#value = value;
    this.wake();
  }

  end(): void {
    this.#ended = true;
    this.wake();
  }

  protected begin(): void {
    this.#core.receivers.push(this);
  }

  protected stop(): void {
    this.#core.receivers.remove(this);
  }

  protected result(): T | End | IteratorResult<T, undefined> {
    const value = this.#value;
    this.#value = undefined;
    if (this.#ended) return this.#results ? DONE : END;
    return this.#results ? { done: false, value: value as T } : value as T;
  }

  override toString(): string {
    return "Channel.receive() waiting for a value, which only a sender or close() can give";
  }
}

/** The error of a send that waited for room when the channel was closed. */
function closedWhileWaiting(): TypeError {
  return new TypeError(
    "Channel.send(): the channel was closed while this send waited for room; its value was not " +
      "delivered (close a channel only after its senders are done)",
  );
}

/** The error of a send on a closed channel. */
export function sendOnClosed(): TypeError {
  return new TypeError(
    "Channel.send(): the channel is closed; send before close() (a closed channel only drains)",
  );
}
