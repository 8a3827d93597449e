/**
 * The errors for misusing a task: awaiting one that is not armed, constructing one by hand,
 * iterating one by hand. Shared by `task.ts` and the await machinery, so each message is
 * written once.
 *
 * @module
 */

import { TaskStateError } from "./task_state_error.ts";

import type { TaskStatus } from "./task_status.ts";

/** Awaiting a task that is not armed: says why, and what to do instead. */
export function notArmed(t: { readonly status: TaskStatus }): TaskStateError {
  const why: Record<TaskStatus, string> = {
    armed: "",
    launched: "it was awaited already and is still running",
    done: "it was awaited already and has finished",
    destroyed: "it was destroyed",
    empty: "it was moved from (move() gave its coroutine to another task)",
  };
  const reason = why[t.status] ??
    "it has no state at all: it was not made by a task function (Object.create(Task.prototype) " +
      "and the like make no task)";
  return new TaskStateError(
    `cannot await a task that is not armed: ${reason}. A task has one owner and is awaited ` +
      "once; call the task function again for a new task",
    t.status,
  );
}

/** `new Task()` by hand: tasks come from task functions. */
export function notConstructible(): never {
  throw new TypeError(
    "Task cannot be constructed directly: wrap a generator function with task() and call it",
  );
}

/** A task iterated by hand: tasks are awaited. */
export function drivenByHand(): TypeError {
  return new TypeError(
    "a task was iterated by hand (for...of, spread, next()): tasks are awaited, not iterated; " +
      "write `yield* t` inside a task, or syncAwait(t) / start(t) from ordinary code",
  );
}
