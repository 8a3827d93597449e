/**
 * A `Task` seen through the awaitable protocol alone (`task[coAwaitSymbol]()`): code that knows
 * only `awaitReady`/`awaitSuspend`/`awaitResume` can await a task. The task runs as a root of
 * its own in the awaiter's domain, and the awaiter resumes with its outcome.
 *
 * @module
 */

import { type Completion, type Driver, runNow } from "./_driver.ts";
import { newRoot } from "./_root.ts";
import type { CoroutineHandle, Operation, SimpleAwaitable } from "./awaitable.ts";

/** The operator-co_await view of one task. */
export class TaskAwaitable<T> implements SimpleAwaitable<T>, Completion, Disposable {
  #task: Operation<T> | null;
  #handle: CoroutineHandle | null = null;
  #driver: Driver | null = null;
  #threw = false;
  #outcome: unknown = undefined;

  constructor(task: Operation<T>) {
    this.#task = task;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): void {
    const task = this.#task;
    if (task === null) throw new TypeError("this awaitable of a task was awaited already");
    this.#task = null;
    const driver = newRoot(task, handle.domain, this);
    this.#handle = handle;
    this.#driver = driver;
    runNow(driver); // a task that ends at once resumes the awaiter inside this call
  }

  awaitResume(): T {
    if (this.#threw) throw this.#outcome;
    return this.#outcome as T;
  }

  complete(threw: boolean, outcome: unknown): void {
    this.#threw = threw;
    this.#outcome = outcome;
    this.#driver = null;
    const handle = this.#handle;
    this.#handle = null;
    handle?.resume();
  }

  /** The awaiter was destroyed while the task ran: destroy the task too. */
  [Symbol.dispose](): void {
    this.#handle = null;
    this.#driver?.handle?.destroy();
  }

  toString(): string {
    return "a task awaited through [coAwaitSymbol]()";
  }
}
