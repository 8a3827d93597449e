/**
 * `createContext()` and `Context<T>`: values scoped to a piece of work rather than passed down
 * every call (Effection's contexts, React's context, C++26's environment queries).
 *
 * A value set with `ctx.with(value, op)` is seen by `op` and by everything it awaits, forks,
 * groups, spawns into an `AsyncScope` or starts with `schedule`/`via`/`spawn`: a root started from
 * inside a task starts with its creator's values. Nothing outside `op` sees it. The values live
 * in an immutable list on the driver, so setting one allocates one small node and reading one
 * walks the list from the innermost setting outwards.
 *
 * @module
 */

import { type ContextFrame, done, rt, type Suspension } from "./_runtime.ts";
import { toOperation } from "./_operation.ts";
import { installThenTrap } from "./_then_trap.ts";
import type { Awaitable, Operation } from "./awaitable.ts";

/**
 * A named value scoped to a piece of work; made by {@linkcode createContext}.
 *
 * @typeParam T The value's type.
 *
 * @example
 * ```ts
 * import { createContext, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const user = createContext("user", "anonymous");
 * const greet = task(function* () {
 *   return `hello, ${yield* user.get()}`;
 * });
 * assert.equal(syncAwait(greet()), "hello, anonymous");
 * assert.equal(syncAwait(user.with("ada", greet())), "hello, ada");
 * ```
 */
export interface Context<T> {
  /** The name given to {@linkcode createContext}, for messages and debugging. */
  readonly name: string;
  /** What `get()` gives where no `with()` set a value. */
  readonly defaultValue: T;
  /** `yield*` it for the value in force here. */
  get(): Operation<T>;
  /**
   * Runs `operation` with this context set to `value`, for it and everything it starts.
   *
   * @param value The value inside.
   * @param operation What runs with it.
   */
  with<R>(value: T, operation: Awaitable<R> | Operation<R>): Operation<R>;
}

class ContextKey<T> implements Context<T> {
  readonly name: string;
  readonly defaultValue: T;
  readonly #getter: ContextGet<T>;

  constructor(name: string, defaultValue: T) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.#getter = new ContextGet(this);
  }

  get(): Operation<T> {
    return this.#getter; // it keeps no state between awaits: one serves them all
  }

  with<R>(value: T, operation: Awaitable<R> | Operation<R>): Operation<R> {
    return new WithContext(this, value, toOperation(operation, "Context.with(value, operation)"));
  }

  toString(): string {
    return `Context(${this.name})`;
  }
}

/** `yield* ctx.get()`: answers at once from the driver's list. */
class ContextGet<T> implements Operation<T>, Iterator<Suspension, T, unknown> {
  readonly #key: ContextKey<T>;

  constructor(key: ContextKey<T>) {
    this.#key = key;
  }

  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return this;
  }

  next(): IteratorResult<Suspension, T> {
    const driver = rt.driver;
    if (driver === null) {
      throw new TypeError(
        `${this.#key}.get() can only be awaited with yield* inside a task (or syncAwait/start)`,
      );
    }
    for (let frame = driver.context; frame !== null; frame = frame.outer) {
      if (frame.key === this.#key) return done(frame.value as T);
    }
    return done(this.#key.defaultValue);
  }
}

/** `yield* ctx.with(value, op)`: sets the value while each step of `op` runs. */
class WithContext<T, R> implements Operation<R>, Iterator<Suspension, R, unknown> {
  readonly #key: ContextKey<T>;
  readonly #value: T;
  readonly #operation: Operation<R>;
  #inner: Iterator<Suspension, R, unknown> | null = null;
  #frame: ContextFrame | null = null;

  constructor(key: ContextKey<T>, value: T, operation: Operation<R>) {
    this.#key = key;
    this.#value = value;
    this.#operation = operation;
  }

  [Symbol.iterator](): Iterator<Suspension, R, unknown> {
    if (this.#inner !== null) {
      throw new TypeError(`${this.#key}.with(...) was awaited already: call with() again`);
    }
    this.#inner = this.#operation[Symbol.iterator]();
    return this;
  }

  next(input?: unknown): IteratorResult<Suspension, R> {
    return this.#step(0, input);
  }

  throw(error: unknown): IteratorResult<Suspension, R> {
    return this.#step(1, error);
  }

  return(value?: unknown): IteratorResult<Suspension, R> {
    return this.#step(2, value);
  }

  #step(mode: 0 | 1 | 2, input: unknown): IteratorResult<Suspension, R> {
    const driver = rt.driver;
    if (driver === null) {
      throw new TypeError(
        `${this.#key}.with() can only be awaited with yield*, syncAwait or start`,
      );
    }
    const outer = driver.context;
    // Made once, on entry, over what was in force there: a later step (after a resume) may find
    // the driver's list reset to its segment's base, but the values inside stay these.
    const frame = this.#frame ??= { key: this.#key, value: this.#value, outer };
    driver.context = frame;
    const inner = this.#inner!;
    try {
      if (mode === 0) return inner.next(input);
      if (mode === 1) {
        if (typeof inner.throw !== "function") throw input;
        return inner.throw(input);
      }
      return inner.return?.(input as R) ?? { done: true, value: input as R };
    } finally {
      driver.context = outer;
    }
  }
}

installThenTrap(ContextGet.prototype, "an Operation (Context.get)");
installThenTrap(WithContext.prototype, "an Operation (Context.with)");

/**
 * Makes a {@linkcode Context}: a named value that work can read with `yield* ctx.get()` and set
 * for a piece of work with `yield* ctx.with(value, op)`.
 *
 * Values survive every way work is started from inside `op`: awaits, `fork`, `whenAll`/`whenAny`,
 * `AsyncScope.spawn`, `schedule`, `via` and `spawn` (a new root starts with its creator's values).
 * Roots started from ordinary code (`start`, `syncAwait`) start with the defaults.
 *
 * @typeParam T The value's type.
 * @param name A name for messages and debugging.
 * @param defaultValue What `get()` gives where no `with()` set a value.
 * @returns The context.
 * @throws {TypeError} If `name` is not a string.
 *
 * @example
 * ```ts
 * import { createContext, fork, join, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const requestId = createContext<string | null>("requestId", null);
 * const log = task(function* (message: string) {
 *   return `[${yield* requestId.get()}] ${message}`;
 * });
 * const handle = task(function* () {
 *   const a = yield* fork(log("parsing")); // a fork sees the value too
 *   return yield* join(a, log("done"));
 * });
 * assert.deepEqual(await start(requestId.with("r-17", handle())), [
 *   "[r-17] parsing",
 *   "[r-17] done",
 * ]);
 * ```
 */
export function createContext<T>(name: string, defaultValue: T): Context<T> {
  if (typeof name !== "string") {
    throw new TypeError(
      `createContext(name, defaultValue): name must be a string, got ${typeof name}`,
    );
  }
  return new ContextKey(name, defaultValue);
}
