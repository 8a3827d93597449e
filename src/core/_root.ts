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
  const task = isTask(operation);
  if (task) (operation as unknown as LaunchableTask)._launch();
  const creator = rt.driver;
  // A task is its own root segment; anything else is kept as the operation, whose iterator the
  // driver takes when it first runs it (no wrapper object per root).
  return new Driver(
    operation,
    domain,
    completion,
    creator?.context ?? null,
    creator?.resource ?? null,
    !task,
  );
}
