/**
 * What only some tasks need, kept off the `Task` object: the outcome kept between finishing on the
 * driver's stack and delivery, and unjoined forks.
 *
 * @module
 */

import type { SimpleAwaitable } from "./awaitable.ts";
import type { AwaitOp } from "./awaiter.ts";

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
}
