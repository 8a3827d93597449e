/**
 * The trampoline: at most one loop per thread runs drivers; resumes made while it runs are queued
 * on it, so resumes never recurse without bound. The queue is a FIFO with a moving head, compacted
 * as it drains, so that a loop that never empties (an event loop of cross-task resumes) holds only
 * what is pending.
 *
 * @module
 */

import { reportError } from "./_report.ts";
import type { Executor } from "../executors/executor.ts";

/** What the trampoline runs: a driver (see `_driver.ts`). */
export interface Drivable {
  /** Runs until its root suspends or ends; returns one to transfer to, if any. */
  drive(): Drivable | null;
  /** Whether its root has ended. */
  readonly finished: boolean;
  /** A hop onto its executor could not be made: its await fails with `error`. */
  failResume(error: unknown): void;
}

let queue: (Drivable | null)[] = [];
let head = 0;
let active = false;
/** Roots running nested on the native stack (a root started from inside a running one). */
let nested = 0;

/**
 * How many roots may run nested on the native stack (a group's member started from inside a
 * task, `spawn(inlineExecutor, …)`, a fork) before the next one is queued instead: each costs a
 * few native frames, so a chain of nested groups is bounded by memory, not by the native stack.
 */
const NESTED_ROOT_LIMIT = 64;

/** Runs `driver` and every driver it transfers to, until none is left to run. */
export function runChain(driver: Drivable | null): void {
  nested++;
  try {
    while (driver !== null) {
      try {
        driver = driver.drive();
      } catch (error) {
        // Only a completion or a foreign handle can throw here (task errors go to their
        // awaiters): report it and keep the loop, and every driver queued on it, going.
        reportError(error);
        driver = null;
      }
    }
  } finally {
    nested--;
  }
}

/** Runs the oldest queued driver; false if none is queued. */
function runQueued(): boolean {
  if (head === queue.length) {
    if (head !== 0) {
      queue = []; // drained: let the array go
      head = 0;
    }
    return false;
  }
  const next = queue[head];
  queue[head++] = null;
  if (head > 1024 && head * 2 > queue.length) {
    queue = queue.slice(head); // a queue that never empties still holds only what is pending
    head = 0;
  }
  runChain(next);
  return true;
}

function drainQueue(): void {
  while (runQueued());
}

/** Runs `driver` now if nothing runs, else queues it for the running loop. */
export function schedule(driver: Drivable): void {
  if (active) queue.push(driver);
  else runNow(driver);
}

/**
 * Runs `driver` from a callback given to `executor`. The callback runs the driver once: an
 * executor that calls it again cannot resume the root a second time. Returns false if `execute`
 * threw before calling it (the error is passed to `failed`).
 */
export function runOn(
  executor: Executor,
  driver: Drivable,
  failed: (error: unknown) => void,
): void {
  let called = false;
  try {
    executor.execute(() => {
      if (called) return;
      called = true;
      runNow(driver);
    });
  } catch (error) {
    if (called) {
      reportError(error); // it ran the work and then threw: nothing is left to fail
      return;
    }
    called = true;
    failed(error);
  }
}

/** Resumes `driver` on `executor` (scheduler affinity); if that fails, so does the await. */
export function hop(driver: Drivable, executor: Executor): void {
  runOn(executor, driver, (error) => driver.failResume(error));
}

/**
 * Runs `driver` now, even inside a running loop (a new root started from a task runs at once,
 * on top of it, unless {@linkcode NESTED_ROOT_LIMIT} roots are nested already: then it is queued
 * and runs when the loop below gets to it); drivers it wakes are queued for the outermost loop.
 */
export function runNow(driver: Drivable): void {
  if (active) {
    if (nested >= NESTED_ROOT_LIMIT) queue.push(driver);
    else runChain(driver);
    return;
  }
  active = true;
  try {
    runChain(driver);
    drainQueue();
  } finally {
    active = false;
  }
}

/**
 * Runs `driver` until it finishes or nothing that can be driven from here is left: queued
 * drivers, then `pump()` (a local executor's work) while it reports progress. What `pump`
 * throws is thrown from here, with the queue left consistent.
 */
export function runUntilBlocked(driver: Drivable, pump: () => boolean): void {
  const outer = active;
  active = true;
  try {
    runChain(driver);
    while (!driver.finished) {
      if (!runQueued()) {
        // Local work runs as the host would run it: a resume inside it runs the driver there
        // (on that executor), unless a driver is already on the native stack below us.
        active = outer;
        let progressed: boolean;
        try {
          progressed = pump();
        } finally {
          active = true;
        }
        if (!progressed) break;
      }
    }
    if (!outer) drainQueue();
  } finally {
    active = outer;
  }
}

/** @ignore For tests: slots the trampoline's queue holds right now (0 once it has drained). */
export function trampolineBacklog(): number {
  return queue.length;
}
