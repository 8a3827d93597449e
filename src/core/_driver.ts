/**
 * The driver: runs one root coroutine and everything it awaits, without growing the native stack.
 *
 * A driver keeps an explicit stack of *segments*. A segment is an iterator (the root, or a task
 * that was moved off the native stack) whose chain of nested `yield*` delegations runs natively.
 * Three signals reach the driver from the innermost awaiter of the top segment:
 *
 * - `PUSH_SIGNAL`: a task launched too deep; push it as a new segment and run it here.
 * - an `AwaitOp`: an awaitable is not ready; call its `awaitSuspend` with the op, which is also
 *   the suspension's handle.
 * - anything else: a plain `yield` in a task, which is ill-formed; throw a `TypeError` into it.
 *
 * Resumption goes through a trampoline: a handle resumed while some driver is running (from
 * inside `awaitSuspend`, or from a task resuming another) is queued, and symmetric transfer
 * (`awaitSuspend` returning another handle) switches drivers inside the loop. So a million
 * re-entrant resumes or transfers use constant native stack.
 *
 * @module
 */

import { OWNER_SIGNAL, PUSH_SIGNAL, rt, type Suspension } from "./_runtime.ts";
import type { CoroutineHandle } from "./awaitable.ts";
import { AwaitOp } from "./awaiter.ts";
import { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { Task } from "./task.ts";

/** How a root's end is reported to whoever launched it. */
export interface Completion {
  /** Called once when the root ends; `destroyed` when it was unwound by `destroy()`. */
  complete(threw: boolean, outcome: unknown, destroyed: boolean): void;
}

type Segment = Iterator<Suspension, unknown, unknown>;

// How the top segment is resumed next.
const NEXT = 0;
const THROW = 1;
const RETURN = 2;

// Driver states.
const IDLE = 0;
const RUNNING = 1;
const SUSPENDING = 2; // inside awaitSuspend: a resume now is noted, not queued
const SUSPENDED = 3;
const QUEUED = 4;
const FINISHED = 5;

/** Runs one root coroutine. */
export class Driver {
  readonly stack: Segment[];
  /** The ambient domain at the base of each segment (null: the root domain, made on demand). */
  readonly bases: (CancellationDomain | null)[];
  /** The ambient domain right now; `withDomain` changes it while its operation runs. */
  ambient: CancellationDomain | null = null;
  state = IDLE;
  /** Set by `destroy()`/`handle.destroy()`: segments end by `return()`, not by delivery. */
  destroying = false;
  /** The handle of the current suspension, if suspended. */
  handle: AwaitOp<unknown> | null = null;
  #root: CancellationDomain | null;
  #ownsRoot = false;
  #mode = NEXT;
  #input: unknown = undefined;
  #woken = false;
  readonly #completion: Completion;

  /**
   * @param root The root segment.
   * @param domain The root's domain, or null to make a fresh one when first asked for.
   * @param completion Told when the root ends.
   */
  constructor(root: Segment, domain: CancellationDomain | null, completion: Completion) {
    // Literals of one element: a first push() would reserve room for many, per suspended root.
    this.stack = [root];
    this.bases = [domain];
    this.#root = domain;
    this.#completion = completion;
  }

  /** The root's domain, made now if nobody needed it before. */
  rootDomain(): CancellationDomain {
    if (this.#root === null) {
      this.#root = new CancellationDomain();
      this.#ownsRoot = true;
    }
    return this.#root;
  }

  get finished(): boolean {
    return this.state === FINISHED;
  }

  /** Called by a handle: resume this driver, or destroy it (unwind it through `finally`). */
  wake(destroy: boolean): void {
    if (destroy) {
      this.destroying = true;
      this.#mode = RETURN;
    } else {
      this.#mode = NEXT;
    }
    if (this.state === SUSPENDING) {
      this.#woken = true; // resumed from inside awaitSuspend: the loop goes on when it returns
      return;
    }
    this.state = QUEUED;
    schedule(this);
  }

  /**
   * Makes a suspended driver unwind the next time it runs (syncAwait giving up): its handle is
   * spent, so a late resume from the host does nothing.
   */
  prepareDestroy(): void {
    this.handle?.spend();
    this.handle = null;
    this.destroying = true;
    this.#mode = RETURN;
    this.state = QUEUED;
  }

  /** Runs until the root suspends or ends; returns a driver to transfer to, if any. */
  drive(): Driver | null {
    const outer = rt.driver;
    rt.driver = this;
    this.state = RUNNING;
    this.handle = null;
    try {
      return this.#loop();
    } finally {
      rt.driver = outer;
    }
  }

  #loop(): Driver | null {
    const stack = this.stack;
    for (;;) {
      const top = stack[stack.length - 1];
      this.ambient = this.bases[stack.length - 1] ?? this.#root;
      const mode = this.#mode;
      const input = this.#input;
      this.#mode = NEXT;
      this.#input = undefined;
      let r: IteratorResult<Suspension, unknown>;
      try {
        r = mode === NEXT ? top.next(input) : resumeAbruptly(top, mode, input);
      } catch (error) {
        if (this.#segmentEnded(true, error)) return null;
        continue;
      }
      if (r.done) {
        if (this.#segmentEnded(false, r.value)) return null;
        continue;
      }
      const signal = r.value;
      if (signal instanceof AwaitOp) {
        const transfer = this.#suspend(signal);
        if (transfer !== this) return transfer;
      } else if (signal === PUSH_SIGNAL) {
        const child = rt.pendingPush as Task<unknown>;
        rt.pendingPush = null;
        child._attach();
        stack.push(child);
        this.bases.push(rt.pushDomain as CancellationDomain | null);
      } else {
        this.#mode = THROW;
        this.#input = plainYieldError(signal);
      }
    }
  }

  /** Calls `awaitSuspend`; returns `this` to keep running, or what to run instead (or null). */
  #suspend(op: AwaitOp<unknown>): Driver | null {
    op.owner = this;
    this.state = SUSPENDING;
    this.#woken = false;
    let decision: void | boolean | CoroutineHandle;
    try {
      decision = op.awaitable.awaitSuspend(op);
    } catch (error) {
      op.spend();
      this.state = RUNNING;
      this.#mode = THROW;
      this.#input = error;
      return this;
    }
    if (decision === false || decision === op) {
      op.spend();
      this.state = RUNNING;
      return this;
    }
    if (this.#woken) {
      // Resumed synchronously inside awaitSuspend: carry on; a returned handle runs after us.
      this.state = RUNNING;
      if (decision instanceof AwaitOp) decision.resume();
      return this;
    }
    // Suspended for real: only now is the handle remembered (for syncAwait's diagnosis and
    // destruction), which spares the quick paths above a store.
    this.state = SUSPENDED;
    this.handle = op;
    if (decision instanceof AwaitOp) {
      const next = decision.take();
      if (next !== null) next.state = QUEUED;
      return next;
    }
    if (decision !== undefined && decision !== true) {
      (decision as CoroutineHandle).resume(); // a handle from elsewhere: resume it its own way
    }
    return null;
  }

  /** The top segment ended; returns true when it was the root. */
  #segmentEnded(threw: boolean, outcome: unknown): boolean {
    const stack = this.stack;
    const ended = stack.pop()!;
    this.bases.pop();
    if (stack.length === 0) {
      this.state = FINISHED;
      this.handle = null;
      const destroyed = this.destroying && !threw;
      if (this.#ownsRoot) this.#root![Symbol.dispose]();
      this.#completion.complete(threw, outcome, destroyed);
      return true;
    }
    (ended as Task<unknown>)._complete(threw, outcome);
    // While destroying, the segment below unwinds too, unless this one ended by an exception,
    // which (as in JavaScript) replaces the unwinding and travels to the awaiter.
    if (this.destroying && !threw) this.#mode = RETURN;
    return false;
  }
}

function resumeAbruptly(top: Segment, mode: number, input: unknown): IteratorResult<Suspension> {
  if (mode === THROW) {
    if (typeof top.throw === "function") return top.throw(input);
    top.return?.();
    throw input;
  }
  if (typeof top.return === "function") return top.return(input);
  return { done: true, value: input };
}

function plainYieldError(value: unknown): TypeError {
  if (value === OWNER_SIGNAL) {
    return new TypeError(
      "frameBuffer() and fork() can only be awaited with yield* inside a task: they belong to it",
    );
  }
  if (value instanceof Task) {
    return new TypeError(
      "a task was yielded without being awaited: write `yield* t`, not `yield t` " +
        "(plain yield is ill-formed in a task, P1056 XX.1.3 clause 7); the task is still armed",
    );
  }
  return new TypeError(
    "plain `yield` is not allowed in a task (P1056 XX.1.3 clause 7): await with `yield*` " +
      "(yield* otherTask, yield* coAwait(promise), yield* sleep(ms))",
  );
}

// ---------------------------------------------------------------------------------------------
// The trampoline: at most one loop per thread runs drivers; resumes while it runs are queued.

const queue: Driver[] = [];
let head = 0;
let active = false;

/** Runs `driver` and every driver it transfers to, until none is left to run. */
function runChain(driver: Driver | null): void {
  while (driver !== null) driver = driver.drive();
}

/** Runs the oldest queued driver; false if none is queued. */
function runQueued(): boolean {
  if (head === queue.length) return false;
  const next = queue[head];
  queue[head++] = undefined as unknown as Driver;
  runChain(next);
  return true;
}

function drainQueue(): void {
  if (head === queue.length) return; // the common case: nothing was queued
  while (runQueued());
  queue.length = 0;
  head = 0;
}

/** Runs `driver` now if nothing runs, else queues it for the running loop. */
function schedule(driver: Driver): void {
  if (active) queue.push(driver);
  else runNow(driver);
}

/**
 * Runs `driver` now, even inside a running loop (a new root started from a task runs at once,
 * on top of it); drivers it wakes are queued for the outermost loop.
 */
export function runNow(driver: Driver): void {
  if (active) {
    runChain(driver);
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
 * drivers, then `pump()` (a local executor's work) while it reports progress.
 */
export function runUntilBlocked(driver: Driver, pump: () => boolean): void {
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
