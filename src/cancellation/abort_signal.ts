/**
 * `abortSignal()`: an `AbortSignal` tied to the current task, for APIs such as `fetch`.
 *
 * @module
 */

import { OWNER_SIGNAL, type Suspension } from "../core/_runtime.ts";
import type { TaskEndListener } from "../core/_task_extras.ts";
import type { Operation } from "../core/awaitable.ts";
import type { Task } from "../core/task.ts";
import { CancellationDomain } from "./cancellation_domain.ts";
import { currentDomain } from "./current_domain.ts";
import { LazyOperation } from "../core/_lazy_operation.ts";

/**
 * The signal of one task in one ambient domain: a child domain of that domain (so cancelling it
 * aborts the signal), cancelled too when the task's body ends.
 */
class TaskSignal implements TaskEndListener {
  readonly parent: CancellationDomain;
  readonly domain: CancellationDomain;

  constructor(parent: CancellationDomain) {
    this.parent = parent;
    this.domain = new CancellationDomain(parent);
  }

  taskEnded(): void {
    // Cancelling also lets go of the parent: a long-lived domain keeps no listener.
    this.domain.cancel(new DOMException("the task that owned this signal ended", "AbortError"));
  }
}

const abortSignalOperation: Operation<AbortSignal> = new LazyOperation(signalOfCurrentTask);

function* signalOfCurrentTask(): Generator<Suspension, AbortSignal, unknown> {
  let owner: Task<unknown>;
  try {
    owner = (yield OWNER_SIGNAL) as Task<unknown>;
  } catch {
    throw new TypeError(
      "abortSignal() can only be awaited with yield* inside a task: the signal belongs to that " +
        "task and aborts when it ends",
    );
  }
  const parent = yield* currentDomain();
  const ext = owner._extras();
  const listeners = ext.endListeners ??= [];
  // One signal per task and domain: a loop asking again does not pile up listeners.
  for (const listener of listeners) {
    if (listener instanceof TaskSignal && listener.parent === parent) return listener.domain.signal;
  }
  const taskSignal = new TaskSignal(parent);
  listeners.push(taskSignal);
  return taskSignal.domain.signal;
}

/**
 * An `AbortSignal` that aborts when the current task's ambient cancellation domain is cancelled
 * (with its reason) or when the current task ends by any path (return, throw, destruction; with
 * an `AbortError` `DOMException`), so a `fetch` or a listener given this signal never outlives
 * the task that made it. In a cancelled task's `finally` blocks it is aborted already.
 *
 * "The current task" is the innermost task awaiting it; a task that asks twice in the same
 * domain gets the same signal. Inside `withDomain(d, ...)` the signal follows `d`.
 *
 * @returns An operation; `yield*` it inside a task.
 *
 * @example
 * ```ts
 * import { abortSignal, coAwait, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * let seen: AbortSignal | undefined;
 * const load = task(function* () {
 *   const signal = yield* abortSignal();
 *   seen = signal;
 *   // fetch(url, { signal }) would be aborted if this task were cancelled
 *   return yield* coAwait(Promise.resolve(signal.aborted));
 * });
 * assert.equal(await start(load()), false); // not aborted while the task ran
 * assert.equal(seen!.aborted, true); // aborted once it ended
 * ```
 */
export function abortSignal(): Operation<AbortSignal> {
  return abortSignalOperation;
}
