/**
 * `on(target, type)`: a target's events as a stream.
 *
 * @module
 */

import type { Suspension } from "../core/_runtime.ts";
import type { Operation } from "../core/awaitable.ts";
import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import {
  type EmitterLike,
  listen,
  type Listener,
  type TargetKind,
  targetKind,
  unlisten,
} from "./_emitter.ts";
import { readyWith } from "../core/_ready_iterator.ts";
import { Ring } from "./_ring.ts";
import { type End, subscribe, type Subscription } from "./_source.ts";
import { Stream } from "./stream.ts";

const DONE_RESULT: IteratorReturnResult<undefined> = Object.freeze({
  done: true as const,
  value: undefined,
});

/** One listener and the events it queued while nobody was waiting. */
class Listening<T> {
  readonly #kind: TargetKind;
  readonly #target: unknown;
  readonly #type: string | symbol;
  readonly queue: Ring<T> = new Ring();
  /** Told of the next event instead of queueing it. */
  receiver: ((value: T) => void) | null = null;
  #active = true;

  constructor(kind: TargetKind, target: unknown, type: string | symbol) {
    this.#kind = kind;
    this.#target = target;
    this.#type = type;
    listen(kind, target, type, this.#listener);
  }

  get type(): string | symbol {
    return this.#type;
  }

  /** Removes the listener and drops queued events; later calls do nothing. */
  end(): void {
    if (!this.#active) return;
    this.#active = false;
    this.receiver = null;
    while (this.queue.length > 0) this.queue.shift();
    unlisten(this.#kind, this.#target, this.#type, this.#listener);
  }

  #listener: Listener = (value) => {
    if (!this.#active) return;
    const receiver = this.receiver;
    if (receiver !== null) {
      this.receiver = null;
      receiver(value as T);
    } else {
      this.queue.push(value as T);
    }
  };
}

class EventWaiter<T> extends CancellableAwaiter<T> {
  readonly #listening: Listening<T>;
  #value: T | undefined = undefined;

  constructor(listening: Listening<T>) {
    super();
    this.#listening = listening;
  }

  protected begin(): void {
    this.#listening.receiver = this.#give;
  }

  protected stop(): void {
    if (this.#listening.receiver === this.#give) this.#listening.receiver = null;
  }

  protected result(): T {
    const value = this.#value as T;
    this.#value = undefined;
    return value;
  }

  override toString(): string {
    return `on(${String(this.#listening.type)}): waiting for an event only the host can dispatch`;
  }

  #give = (value: T): void => {
    this.#value = value;
    this.wake();
  };
}

/** `forEach(on(...), body)`: listens from the first pull's start until the loop ends. */
class EventSubscription<T> implements Subscription<T>, Operation<T | End> {
  readonly #listening: Listening<T>;
  readonly #waiter: EventWaiter<T>;
  readonly pull: Operation<T | End> = this;

  constructor(kind: TargetKind, target: unknown, type: string | symbol) {
    this.#listening = new Listening(kind, target, type);
    this.#waiter = new EventWaiter(this.#listening);
  }

  [Symbol.iterator](): Iterator<Suspension, T | End, unknown> {
    const queue = this.#listening.queue;
    if (queue.length > 0) return readyWith(queue.shift());
    return this.#waiter[Symbol.iterator]();
  }

  close(): null {
    this.#listening.end();
    return null;
  }
}

/** `for await (const e of on(...))`: listens from the first `next()` until `return()`. */
class EventIterator<T> implements AsyncIterator<T, undefined> {
  readonly #kind: TargetKind;
  readonly #target: unknown;
  readonly #type: string | symbol;
  #listening: Listening<T> | null = null;
  #finished = false;
  #pending: ((result: IteratorResult<T, undefined>) => void)[] = [];

  constructor(kind: TargetKind, target: unknown, type: string | symbol) {
    this.#kind = kind;
    this.#target = target;
    this.#type = type;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#finished) return Promise.resolve(DONE_RESULT);
    const listening = this.#listening ??= new Listening(this.#kind, this.#target, this.#type);
    if (listening.queue.length > 0 && this.#pending.length === 0) {
      return Promise.resolve({ done: false, value: listening.queue.shift() });
    }
    return new Promise((resolve) => {
      this.#pending.push(resolve);
      listening.receiver ??= this.#give;
    });
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.#finished = true;
    this.#listening?.end();
    for (const resolve of this.#pending.splice(0)) resolve(DONE_RESULT);
    return Promise.resolve(DONE_RESULT);
  }

  #give = (value: T): void => {
    const resolve = this.#pending.shift()!;
    if (this.#pending.length > 0) this.#listening!.receiver = this.#give;
    resolve({ done: false, value });
  };
}

class EventStream<T> extends Stream<T> {
  readonly #kind: TargetKind;
  readonly #target: unknown;
  readonly #type: string | symbol;

  constructor(kind: TargetKind, target: unknown, type: string | symbol) {
    super();
    this.#kind = kind;
    this.#target = target;
    this.#type = type;
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return new EventIterator(this.#kind, this.#target, this.#type);
  }

  [subscribe](_domain: CancellationDomain): Subscription<T> {
    return new EventSubscription(this.#kind, this.#target, this.#type);
  }
}

/**
 * The `type` events of `target` as a {@linkcode Stream}, for {@linkcode forEach} and
 * `for await`: an `EventTarget` (values are the `Event`s) or a Node-style emitter (values are
 * each call's first argument). It never ends by itself; stop it with `break`, `return()`, an
 * exception in the body, or cancellation.
 *
 * Each subscription adds its own listener when it starts (`forEach` when awaited, `for await` at
 * its first `next()`) and removes it when it stops, by any path. Events are not lost while the
 * body runs: they are queued (events cannot be held back, so this queue is unbounded; keep
 * bodies quick or hand events on to a {@linkcode Channel}).
 *
 * @typeParam T The events' type: `Event` by default.
 * @param target An `EventTarget`, or an emitter with `addListener`/`removeListener` or `on`/`off`.
 * @param type The event's name (a symbol is allowed for emitters).
 * @returns A stream of the events.
 * @throws {TypeError} At the call, if `target` cannot be listened to or `type` is not a name.
 *
 * @example
 * ```ts
 * import { forEach, on, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const target = new EventTarget();
 * const sum = task(function* () {
 *   let total = 0;
 *   try {
 *     yield* forEach(on<CustomEvent<number>>(target, "add"), function* (e) {
 *       total += e.detail;
 *       if (total >= 6) throw new RangeError("full"); // stops listening
 *     });
 *   } catch (e) {
 *     if (!(e instanceof RangeError)) throw e;
 *   }
 *   return total;
 * });
 * const result = start(sum());
 * for (const n of [1, 2, 3]) target.dispatchEvent(new CustomEvent("add", { detail: n }));
 * assert.equal(await result, 6);
 * ```
 */
export function on<T = Event>(target: EventTarget | EmitterLike, type: string | symbol): Stream<T> {
  return new EventStream<T>(targetKind("on", target, type), target, type);
}
