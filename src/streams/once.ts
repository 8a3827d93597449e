/**
 * `once(target, type)`: wait for the next event.
 *
 * @module
 */

import type { Suspension } from "../core/_runtime.ts";
import { installThenTrap } from "../core/_then_trap.ts";
import type { Operation } from "../core/awaitable.ts";
import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import {
  type EmitterLike,
  listen,
  type Listener,
  type TargetKind,
  targetKind,
  unlisten,
} from "./_emitter.ts";

class Once<T> extends CancellableAwaiter<T> {
  readonly #kind: TargetKind;
  readonly #target: unknown;
  readonly #type: string | symbol;
  #value: unknown = undefined;
  #listening = false;
  #adding = false;
  #arrived = false;

  constructor(kind: TargetKind, target: unknown, type: string | symbol) {
    super();
    this.#kind = kind;
    this.#target = target;
    this.#type = type;
  }

  protected begin(): void {
    this.#arrived = false;
    this.#listening = true;
    this.#adding = true;
    try {
      listen(this.#kind, this.#target, this.#type, this.#listener);
    } catch (error) {
      this.#listening = false;
      throw error;
    } finally {
      this.#adding = false;
    }
    if (this.#arrived) this.#deliver(); // the target called the listener while adding it
  }

  protected stop(): void {
    this.#unlisten();
  }

  protected result(): T {
    const value = this.#value as T;
    this.#value = undefined;
    return value;
  }

  override toString(): string {
    return `once(${String(this.#type)}), an event only the host can dispatch`;
  }

  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    unlisten(this.#kind, this.#target, this.#type, this.#listener);
  }

  #deliver(): void {
    this.#unlisten();
    this.wake();
  }

  #listener: Listener = (value) => {
    if (!this.#listening || this.#arrived) return; // called again before its removal took
    this.#arrived = true;
    this.#value = value;
    if (!this.#adding) this.#deliver();
  };
}

/**
 * Waits for the next `type` event of `target`: an `EventTarget` (the value is the `Event`) or a
 * Node-style emitter (the value is the listener's first argument). The listener is added when
 * the operation is awaited and removed when the event arrives, or when the awaiting task is
 * cancelled (`CancelledError`) or destroyed.
 *
 * @typeParam T The event's type: `Event` by default.
 * @param target An `EventTarget`, or an emitter with `addListener`/`removeListener` or `on`/`off`.
 * @param type The event's name (a symbol is allowed for emitters).
 * @returns An operation; `yield*` it inside a task. Each `yield*` waits for a new event.
 * @throws {TypeError} At the call, if `target` cannot be listened to or `type` is not a name.
 *
 * @example
 * ```ts
 * import { once, start } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const target = new EventTarget();
 * const clicked = start(once<CustomEvent<string>>(target, "click"));
 * target.dispatchEvent(new CustomEvent("click", { detail: "left" }));
 * assert.equal((await clicked).detail, "left");
 * ```
 */
export function once<T = Event>(
  target: EventTarget | EmitterLike,
  type: string | symbol,
): Operation<T> {
  return new OnceOperation<T>(targetKind("once", target, type), target, type);
}

/** `once()`'s operation: each await waits for a new event, with its own listener. */
class OnceOperation<T> implements Operation<T> {
  readonly #kind: TargetKind;
  readonly #target: unknown;
  readonly #type: string | symbol;

  constructor(kind: TargetKind, target: unknown, type: string | symbol) {
    this.#kind = kind;
    this.#target = target;
    this.#type = type;
  }

  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return new Once<T>(this.#kind, this.#target, this.#type)[Symbol.iterator]();
  }
}

installThenTrap(OnceOperation.prototype, "an Operation (once)");
