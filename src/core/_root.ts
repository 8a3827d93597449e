/**
 * The one way to start a coroutine as the root of a new driver: `start`, `spawn`, `syncAwait`,
 * the groups, `fork` and every later launcher go through {@linkcode newRoot}.
 *
 * A root takes its operation's iterator only when the driver first runs it, never before: an
 * operation may hand out a shared iterator that assumes it is used at once (`ready()` does, so
 * that a ready await allocates nothing), and a launcher that runs the root later on an executor
 * must not hold such an iterator across other awaits.
 *
 * @module
 */

import { type Completion, Driver } from "./_driver.ts";
import { isTask, rt, type Suspension } from "./_runtime.ts";
import type { Operation } from "./awaitable.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";

/** What a root needs of a `Task` (known by its brand: importing it would make a circle). */
interface LaunchableTask extends Iterator<Suspension, unknown, unknown> {
  _launch(): void;
}

/** Starts a non-task operation lazily: its iterator is taken on the root's first resume. */
class LazyRoot implements Iterator<Suspension, unknown, unknown> {
  #operation: Operation<unknown> | null;
  #inner: Iterator<Suspension, unknown, unknown> | null = null;

  constructor(operation: Operation<unknown>) {
    this.#operation = operation;
  }

  next(input?: unknown): IteratorResult<Suspension, unknown> {
    if (this.#inner === null) {
      const operation = this.#operation!;
      this.#operation = null;
      this.#inner = operation[Symbol.iterator]();
    }
    return this.#inner.next(input);
  }

  throw(error: unknown): IteratorResult<Suspension, unknown> {
    const inner = this.#inner;
    if (inner === null) {
      this.#operation = null; // never started: it never will
      throw error;
    }
    if (typeof inner.throw !== "function") {
      inner.return?.();
      throw error;
    }
    return inner.throw(error);
  }

  return(value?: unknown): IteratorResult<Suspension, unknown> {
    this.#operation = null;
    return this.#inner?.return?.(value) ?? { done: true, value };
  }

  toString(): string {
    return String(this.#operation ?? this.#inner);
  }
}

/**
 * Makes the driver of a new root coroutine running `operation`. A `Task` is checked now (it must
 * be armed: a `TaskStateError` is thrown here, before anything started) and is its own root;
 * anything else is started lazily. The root starts with the context values in force where it is
 * made (a root made from inside a task sees its creator's `Context` values), and in its
 * allocator environment (its tasks take their frames from the creator's allocator).
 *
 * @param operation What the root runs.
 * @param domain The root's cancellation domain, or null to make one when first asked for.
 * @param completion Told once when the root ends.
 */
export function newRoot(
  operation: Operation<unknown>,
  domain: CancellationDomain | null,
  completion: Completion,
): Driver {
  let root: Iterator<Suspension, unknown, unknown>;
  if (isTask(operation)) {
    (operation as unknown as LaunchableTask)._launch();
    root = operation as unknown as LaunchableTask;
  } else {
    root = new LazyRoot(operation);
  }
  const creator = rt.driver;
  return new Driver(root, domain, completion, creator?.context ?? null, creator?.resource ?? null);
}
