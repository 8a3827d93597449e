/**
 * The awaiter of `spawn(executor, operation)`: runs the operation as a root of its own on the
 * executor, in the awaiter's domain, and resumes the awaiter with its outcome. A task's
 * `[coAwaitSymbol]()` is one on `inlineExecutor`. Apart from `spawn.ts` so that `task.ts` can
 * use it without importing what `spawn()` needs to normalize its argument.
 *
 * @module
 */

import type { Completion, Driver } from "../core/_driver.ts";
import { runOn } from "../core/_trampoline.ts";
import { isTask } from "../core/_runtime.ts";
import { newRoot } from "../core/_root.ts";
import type { CoroutineHandle, Operation } from "../core/awaitable.ts";
import { Awaiter } from "../core/awaiter.ts";
import type { Executor } from "./executor.ts";

/** Options of {@linkcode spawn}. */
export interface SpawnOptions {
  /**
   * Scheduler affinity: every continuation of the spawned work after an await runs on the
   * executor it was spawned on (or the one a `schedule(ex)` inside it moved it to).
   */
  affinity?: boolean;
}

export class Spawn<T> extends Awaiter<T> implements Completion {
  readonly #executor: Executor;
  readonly #operation: Operation<T>;
  readonly #affinity: boolean;
  #handle: CoroutineHandle | null = null;
  #driver: Driver | null = null;
  #threw = false;
  #outcome: unknown = undefined;

  constructor(executor: Executor, operation: Operation<T>, affinity: boolean) {
    super();
    this.#executor = executor;
    this.#operation = operation;
    this.#affinity = affinity;
  }

  awaitReady(): boolean {
    return false;
  }

  awaitSuspend(handle: CoroutineHandle): void {
    if (this.#driver !== null || this.#handle !== null) {
      throw new TypeError("this spawn() was awaited already: call spawn() again for new work");
    }
    // The spawned work shares the awaiter's domain: cancelling the awaiter's domain reaches it.
    const driver = newRoot(this.#operation, handle.domain, this);
    if (this.#affinity) driver.affinity = { executor: this.#executor };
    this.#handle = handle;
    this.#driver = driver;
    let refused: unknown = null;
    runOn(this.#executor, driver, (error) => {
      refused = { error };
    });
    if (refused !== null) {
      // The executor refused the work: it never ran and never will; the error is the await's.
      this.#handle = null;
      this.#driver = null;
      if (isTask(this.#operation)) (this.#operation as unknown as Disposable)[Symbol.dispose]();
      throw (refused as { error: unknown }).error;
    }
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
    handle?.resume(); // the awaiter resumes where the spawned work completed
  }

  [Symbol.dispose](): void {
    // The awaiter is destroyed: destroy the spawned work too if it is suspended.
    this.#handle = null;
    this.#driver?.handle?.destroy();
  }

  override toString(): string {
    return `spawn(${String(this.#executor)}, ...)`;
  }
}
