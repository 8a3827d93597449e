/**
 * Listening to an `EventTarget` or a Node-style emitter (`on`/`off` or
 * `addListener`/`removeListener`) through one pair of functions.
 *
 * @module
 */

/**
 * A Node-style event emitter: `addListener`/`removeListener` (preferred when present) or
 * `on`/`off`, as Node's `EventEmitter` and many browser-side libraries have.
 *
 * @example
 * ```ts
 * import { type EmitterLike, once, start } from "@coro/task";
 * import { EventEmitter } from "node:events";
 * import assert from "node:assert/strict";
 *
 * const emitter: EmitterLike = new EventEmitter();
 * const next = start(once<string>(emitter, "data"));
 * (emitter as EventEmitter).emit("data", "chunk");
 * assert.equal(await next, "chunk");
 * ```
 */
export type EmitterLike =
  | {
    /** Adds a listener (Node's `EventEmitter`). */
    addListener(type: never, listener: never): unknown;
    /** Removes a listener added with `addListener`. */
    removeListener(type: never, listener: never): unknown;
  }
  | {
    /** Adds a listener. */
    on(type: never, listener: never): unknown;
    /** Removes a listener added with `on`. */
    off(type: never, listener: never): unknown;
  };

/** An event's value as listeners see it: the `Event`, or an emitter's first argument. */
export type Listener = (value: unknown) => void;

const EVENT_TARGET = 0;
const ADD_REMOVE = 1;
const ON_OFF = 2;

/** How to listen to a checked target. */
export type TargetKind = typeof EVENT_TARGET | typeof ADD_REMOVE | typeof ON_OFF;

type AnyTarget = Record<string, (type: unknown, listener: unknown) => unknown>;

/** Checks `target` and `type` at the call; returns how to listen, or throws a TypeError. */
export function targetKind(who: string, target: unknown, type: unknown): TargetKind {
  if (target !== null && (typeof target === "object" || typeof target === "function")) {
    const t = target as Partial<AnyTarget>;
    let kind: TargetKind | -1 = -1;
    if (typeof t.addEventListener === "function" && typeof t.removeEventListener === "function") {
      kind = EVENT_TARGET;
    } else if (typeof t.addListener === "function" && typeof t.removeListener === "function") {
      kind = ADD_REMOVE;
    } else if (typeof t.on === "function" && typeof t.off === "function") {
      kind = ON_OFF;
    }
    if (kind !== -1) {
      if (typeof type === "string" || (kind !== EVENT_TARGET && typeof type === "symbol")) {
        return kind;
      }
      throw new TypeError(
        `${who}(target, type): type must be an event name (a string${
          kind === EVENT_TARGET ? "" : " or symbol"
        }), not ${type === null ? "null" : typeof type}`,
      );
    }
  }
  throw new TypeError(
    `${who}(target, type): target must be an EventTarget (addEventListener/removeEventListener) ` +
      "or a Node-style emitter (addListener/removeListener or on/off)",
  );
}

/** Adds `listener`; for an emitter it receives the event's first argument. */
export function listen(
  kind: TargetKind,
  target: unknown,
  type: string | symbol,
  listener: Listener,
): void {
  const t = target as AnyTarget;
  if (kind === EVENT_TARGET) t.addEventListener(type, listener);
  else if (kind === ADD_REMOVE) t.addListener(type, listener);
  else t.on(type, listener);
}

/** Removes what {@linkcode listen} added. */
export function unlisten(
  kind: TargetKind,
  target: unknown,
  type: string | symbol,
  listener: Listener,
): void {
  const t = target as AnyTarget;
  if (kind === EVENT_TARGET) t.removeEventListener(type, listener);
  else if (kind === ADD_REMOVE) t.removeListener(type, listener);
  else t.off(type, listener);
}
