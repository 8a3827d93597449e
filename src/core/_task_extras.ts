/**
 * What only some tasks need, kept off the `Task` object: the outcome kept between finishing on the
 * driver's stack and delivery, unjoined forks, and who to tell when its body ends.
 *
 * @module
 */

import type { SimpleAwaitable } from "./awaitable.ts";
import type { AwaitOp } from "./awaiter.ts";
import { reportError } from "./_report.ts";

/**
 * @ignore Work a task must finish after its body ends and before it completes: the forks it never
 * joined (see `fork.ts`). Set on the task by the first `fork()` it awaits.
 */
export interface TaskScope {
  /**
   * The body ended (`threw`, `outcome`): cancel what is left. Returns null to complete now, or an
   * awaitable the task waits on first; its `awaitResume()` may throw to replace the outcome.
   */
  close(threw: boolean, outcome: unknown, destroying: boolean): SimpleAwaitable<void> | null;
}

/**
 * @ignore Told once when its task's body ends, by any path (return, throw, cancellation,
 * destruction), just before its frame is freed: what `abortSignal()` ties to the task's life.
 */
export interface TaskEndListener {
  taskEnded(): void;
}

/**
 * @ignore What only some tasks need, kept off the `Task` object so that the common task (inline,
 * default allocator, no forks) stays small: its frame and the resource it came from, the outcome
 * kept between finishing on the driver's stack and delivery, and its unjoined forks.
 */
export class TaskExtras {
  /** The outcome kept for the awaiter (COMPLETED, DRAINING). */
  outcome: unknown = undefined;
  /** Whether `outcome` is an exception. */
  threw = false;
  /** What the task must finish after its body ends (its forks), if anything. */
  scope: TaskScope | null = null;
  /** The wait on `scope` while draining. */
  drain: AwaitOp<void> | null = null;
  /** Told when the body ends (see {@linkcode TaskEndListener}), if anyone asked. */
  endListeners: TaskEndListener[] | null = null;

  /** The body ended: tell each listener once; one that throws does not stop the others. */
  ended(): void {
    const listeners = this.endListeners!;
    this.endListeners = null;
    for (const listener of listeners) {
      try {
        listener.taskEnded();
      } catch (error) {
        reportError(error);
      }
    }
  }
}
