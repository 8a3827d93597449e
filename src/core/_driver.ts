/**
 * The driver: runs one root coroutine and everything it awaits, without growing the native stack.
 *
 * A driver keeps an explicit stack of *segments*. A segment is an iterator (the root, or a task
 * that was moved off the native stack) whose chain of nested `yield*` delegations runs natively.
 * Three signals reach the driver from the innermost awaiter of the top segment:
 *
 * - `PUSH_SIGNAL`: a task launched too deep; push it as a new segment and run it here.
 * - a fresh `AwaitOp`: an awaitable is not ready; call its `awaitSuspend` with the op, which is
 *   also the suspension's handle.
 * - anything else (a handle the body got hold of included): a plain `yield` in a task, which is
 *   ill-formed; throw a `TypeError` into it.
 *
 * Resumption goes through a trampoline (see `_trampoline` below): a handle resumed while some
 * driver is running (from inside `awaitSuspend`, or from a task resuming another) is queued, and
 * symmetric transfer (`awaitSuspend` returning another handle) switches drivers inside the loop.
 * So a million re-entrant resumes or transfers use constant native stack.
 *
 * States (`Driver#state`), one transition table:
 *
 * | from       | event                                              | to         |
 * |------------|----------------------------------------------------|------------|
 * | FRESH      | `drive()`: the root operation's iterator is taken  | RUNNING    |
 * | SUSPENDED  | `drive()` (a queued wake, a transfer)              | RUNNING    |
 * | RUNNING    | an awaitable is not ready: `awaitSuspend(op)`      | SUSPENDING |
 * | SUSPENDING | it returned `false`/its own handle, threw, returned junk, or resumed `op` inside | RUNNING |
 * | SUSPENDING | it returned `true`/`void`/another handle           | SUSPENDED  |
 * | SUSPENDING | `wake()` (a resume from inside `awaitSuspend`)     | WOKEN      |
 * | WOKEN      | `wake()` again                                     | WOKEN      |
 * | WOKEN      | `awaitSuspend` returned anything (or threw)        | RUNNING    |
 * | SUSPENDED  | `wake()`                                           | SUSPENDED, run now or queued |
 * | RUNNING    | the root segment ended                             | FINISHED   |
 * | FINISHED   | `wake()`, `drive()`                                | FINISHED (nothing happens) |
 *
 * @module
 */

import {
  type ContextFrame,
  type DetachedTask,
  EXECUTOR_OF,
  type HandleOwner,
  INLINE_LIMIT,
  PUSH_SIGNAL as PUSH,
  rt as runtimeCells,
  type RunningDriver,
  type Suspension,
} from "./_runtime.ts";
import type { CoroutineHandle, Operation } from "./awaitable.ts";
import { AwaitOp as AwaitOpClass } from "./awaiter.ts";
import { reportError } from "./_report.ts";
import {
  type Drivable,
  hop,
  runChain as runChainNow,
  schedule as scheduleRun,
} from "./_trampoline.ts";
import { badDecision, isDecision, plainYieldError } from "./_await_protocol.ts";
import {
  CancellationDomain,
  type CancellationListener,
} from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import type { Executor } from "../executors/executor.ts";
import type { MemoryResource } from "../memory/memory_resource.ts";

// Module-local aliases of what every resume reads: an imported binding is a cell that V8 loads and
// checks for its temporal dead zone at every use (and `instanceof` a class it cannot see as a
// constant is a generic builtin call), where a local constant is folded into Driver's methods.
const rt = runtimeCells;
const AwaitOp = AwaitOpClass;
type AwaitOp<T> = AwaitOpClass<T>;
const PUSH_SIGNAL = PUSH;
const runChain = runChainNow;
const schedule = scheduleRun;

/** How a root's end is reported to whoever launched it. */
export interface Completion {
  /**
   * Called once when the root ends. A root unwound by `destroy()` ends with `threw` set and a
   * `CancelledError` as `outcome` (unless a `finally` threw something else), and `destroyed`.
   */
  complete(threw: boolean, outcome: unknown, destroyed: boolean): void;
}

type Segment = Iterator<Suspension, unknown, unknown>;

/** How the top segment is resumed next. */
const enum Resume {
  Next,
  Throw,
  Return,
}

const enum State {
  /** Made with an operation whose iterator is taken when it first runs (see `_root.ts`). */
  Fresh,
  Suspended,
  Running,
  Suspending,
  /** Suspending, and resumed from inside `awaitSuspend`: the loop goes on when it returns. */
  Woken,
  Finished,
}

/**
 * `#rootListeners` once the driver has made its root domain itself (and so disposes of it when
 * the root ends): listeners go to the domain from then on, so the slot can say who made it.
 */
const ROOT_MADE: CancellationListener[] = Object.freeze([]) as unknown as CancellationListener[];

/**
 * Where a root runs between suspensions under scheduler affinity (C++26 `std::execution::task`):
 * every resume from outside hops onto `executor` first.
 */
export interface Affinity {
  executor: Executor;
}

/** Runs one root coroutine. */
export class Driver implements RunningDriver, HandleOwner, Drivable {
  /**
   * The root segment (the operation itself until it first runs: see `Fresh`). Its ambient domain
   * is the root's, its context `#baseContext`: a root that never moves a task off the native
   * stack, the common case, holds no array for its explicit stack (72 bytes per suspended root).
   */
  #base: Segment | Operation<unknown> | null;
  /** The context values the root segment starts with. */
  readonly #baseContext: ContextFrame | null;
  /**
   * The segments above the root, made on the first push: three slots each, the segment, the
   * ambient domain at its base (null: the root domain, made on demand) and the context there.
   */
  #pushed: (Segment | CancellationDomain | ContextFrame | null)[] | null = null;
  /** The ambient domain right now; `withDomain` changes it while its operation runs. */
  ambient: CancellationDomain | null = null;
  /** The context values in force right now; `Context.with` changes them. */
  context: ContextFrame | null;
  /** The allocator environment right now (see {@linkcode RunningDriver.resource}). */
  resource: MemoryResource | null;
  /** The allocator environment the root started in (its creator's). */
  readonly baseResource: MemoryResource | null;
  /** Set by `destroy()`/`handle.destroy()`: segments end by `return()`, not by delivery. */
  destroying = false;
  /** The handle of the current suspension, if suspended for real. */
  handle: AwaitOp<unknown> | null = null;
  /** Where resumes hop first, under scheduler affinity; null without it. */
  affinity: Affinity | null = null;
  #state = State.Suspended;
  #root: CancellationDomain | null;
  /** Listeners waiting for the root domain to be made (see `listenToRoot`); one, most often. */
  #rootListeners: CancellationListener | CancellationListener[] | null = null;
  #mode = Resume.Next;
  #input: unknown = undefined;
  readonly #completion: Completion;

  /**
   * @param root The root segment.
   * @param domain The root's domain, or null to make a fresh one when first asked for.
   * @param completion Told when the root ends.
   * @param context The context values the root starts with.
   * @param resource The allocator environment the root starts in.
   * @param fresh Whether `root` is an operation whose iterator is to be taken when it first runs.
   */
  constructor(
    root: Segment | Operation<unknown>,
    domain: CancellationDomain | null,
    completion: Completion,
    context: ContextFrame | null,
    resource: MemoryResource | null,
    fresh: boolean,
  ) {
    if (fresh) this.#state = State.Fresh;
    this.resource = this.baseResource = resource;
    this.#base = root;
    this.#baseContext = this.context = context;
    this.#root = domain;
    this.#completion = completion;
  }

  /** The root's domain, made now if nobody needed it before; it is the ambient one at once. */
  rootDomain(): CancellationDomain {
    if (this.#root === null) {
      const root = this.#root = new CancellationDomain();
      const waiting = this.#rootListeners;
      this.#rootListeners = ROOT_MADE;
      if (Array.isArray(waiting)) { for (const listener of waiting) root.addListener(listener); }
      else if (waiting !== null) root.addListener(waiting);
    }
    return this.#root;
  }

  listenToRoot(listener: CancellationListener): void {
    const waiting = this.#rootListeners;
    if (this.#root !== null) this.#root.addListener(listener);
    else if (waiting === null) this.#rootListeners = listener;
    else if (Array.isArray(waiting)) waiting.push(listener);
    else this.#rootListeners = [waiting, listener];
  }

  stopListeningToRoot(listener: CancellationListener): void {
    if (this.#root !== null) {
      this.#root.removeListener(listener);
      return;
    }
    const waiting = this.#rootListeners;
    if (waiting === listener) this.#rootListeners = null;
    else if (Array.isArray(waiting)) {
      const i = waiting.lastIndexOf(listener);
      if (i >= 0) waiting.splice(i, 1);
    }
  }

  /** The ambient domain (the root's, made now, if no other is in force). */
  domain(): CancellationDomain {
    return this.ambient ??= this.rootDomain();
  }

  get finished(): boolean {
    return this.#state === State.Finished;
  }

  /** Called by a handle: resume this driver, or destroy it (unwind it through `finally`). */
  wake(destroy: boolean): void {
    if (this.#state === State.Finished) return;
    if (destroy) {
      this.destroying = true;
      this.#mode = Resume.Return;
    } else {
      this.#mode = Resume.Next;
    }
    if (this.#state === State.Suspending || this.#state === State.Woken) {
      this.#state = State.Woken; // resumed from inside awaitSuspend: the loop goes on after it
      return;
    }
    const affinity = this.affinity;
    if (affinity !== null) hop(this, affinity.executor);
    else schedule(this);
  }

  /**
   * Makes a suspended driver unwind the next time it runs (syncAwait giving up): its handle is
   * spent, so a late resume from the host does nothing.
   */
  prepareDestroy(): void {
    this.handle?.spend();
    this.handle = null;
    this.destroying = true;
    this.#mode = Resume.Return;
  }

  /** An affinity hop could not be made: the await fails with `error` instead (unless unwinding). */
  failResume(error: unknown): void {
    if (!this.destroying) {
      this.#mode = Resume.Throw;
      this.#input = error;
    }
    schedule(this);
  }

  /**
   * Unwinds a driver suspended on its handle now, on this stack (an owner whose awaiter is being
   * destroyed unwinds its members synchronously). A driver already resumed (queued) or running
   * is left alone: running it here would run it twice. Returns whether it unwound a step and is
   * still not finished (its unwinding suspended again).
   */
  destroyNow(): boolean {
    const handle = this.handle;
    if (handle === null || handle.take() === null) return false;
    this.prepareDestroy();
    runChain(this);
    return !this.finished;
  }

  /** Runs until the root suspends or ends; returns a driver to transfer to, if any. */
  drive(): Driver | null {
    const state = this.#state;
    // Finished, or already on the native stack below (a transfer back into awaitSuspend).
    if (state !== State.Suspended && state !== State.Fresh) return null;
    const outer = rt.driver;
    rt.driver = this;
    // The outermost driver on the native stack gives tasks their room; a nested one shares it.
    if (outer === null) rt.room = INLINE_LIMIT;
    this.#state = State.Running;
    this.handle = null;
    try {
      if (state === State.Fresh) this.#base = startRoot(this.#base as Operation<unknown>);
      return this.#loop();
    } finally {
      rt.driver = outer;
      if (outer === null) rt.room = 0;
    }
  }

  #loop(): Driver | null {
    for (;;) {
      const pushed = this.#pushed;
      let top: Segment;
      if (pushed === null || pushed.length === 0) {
        top = this.#base as Segment;
        this.ambient = this.#root;
        this.context = this.#baseContext;
      } else {
        const base = pushed.length - 3;
        top = pushed[base] as Segment;
        this.ambient = (pushed[base + 1] as CancellationDomain | null) ?? this.#root;
        this.context = pushed[base + 2] as ContextFrame | null;
      }
      this.resource = this.baseResource; // a segment's own task sets its own, if it has one
      const mode = this.#mode;
      const input = this.#input;
      this.#mode = Resume.Next;
      this.#input = undefined;
      let r: IteratorResult<Suspension, unknown>;
      try {
        r = mode === Resume.Next ? top.next(input) : resumeAbruptly(top, mode, input);
      } catch (error) {
        if (this.#segmentEnded(true, error)) return null;
        continue;
      }
      if (r.done) {
        if (this.#segmentEnded(false, r.value)) return null;
        continue;
      }
      const signal = r.value;
      if (signal instanceof AwaitOp && signal.owner === null) {
        const transfer = this.#suspend(signal);
        if (transfer !== this) return transfer;
      } else if (signal === PUSH_SIGNAL) {
        const child = rt.pendingPush!;
        rt.pendingPush = null;
        child._attach();
        (this.#pushed ??= []).push(child, rt.pushDomain, rt.pushContext);
      } else {
        this.#mode = Resume.Throw;
        this.#input = plainYieldError(signal);
      }
    }
  }

  /** Calls `awaitSuspend`; returns `this` to keep running, or what to run instead (or null). */
  #suspend(op: AwaitOp<unknown>): Driver | null {
    op.owner = this;
    // What awaitSuspend starts (a group's members, a spawn, a fork) runs in the environment of
    // the await, not of the segment's base.
    this.ambient = op.ambient ?? this.#root;
    this.context = op.context;
    this.resource = op.resource;
    this.#state = State.Suspending;
    let decision: unknown;
    try {
      decision = op.awaitable.awaitSuspend(op);
      if (!isDecision(decision)) throw badDecision(decision);
    } catch (error) {
      return this.#resumeWith(op, Resume.Throw, error);
    }
    if (this.affinity !== null) {
      // `schedule(ex)` under affinity: the rest of the root runs on ex.
      const target = (op.awaitable as { [EXECUTOR_OF]?: Executor })[EXECUTOR_OF];
      if (target !== undefined) this.affinity.executor = target;
    }
    if (decision === false || decision === op) return this.#resumeWith(op, Resume.Next, undefined);
    if ((this.#state as State) === State.Woken) { // (awaitSuspend may have called wake())
      // Resumed synchronously inside awaitSuspend: carry on; a returned handle runs after us.
      this.#state = State.Running;
      if (decision !== undefined && decision !== true) resumeElsewhere(decision);
      return this;
    }
    // Suspended for real: only now is the handle remembered (for syncAwait's diagnosis and
    // destruction), which spares the quick paths above a store.
    this.#state = State.Suspended;
    this.handle = op;
    if (decision instanceof AwaitOp) {
      const next = decision.take() as Driver | null;
      // A coroutine still inside its own awaitSuspend (lower on this native stack) cannot be
      // entered: it is noted as woken and goes on when that call returns.
      if (next === null || next.#state !== State.Suspended) {
        next?.wake(false);
        return null;
      }
      if (next.affinity !== null) {
        hop(next, next.affinity.executor);
        return null;
      }
      return next;
    }
    if (decision !== undefined && decision !== true) resumeElsewhere(decision);
    return null;
  }

  /** Leaves the suspension at once: the handle is spent, the loop resumes the top segment. */
  #resumeWith(op: AwaitOp<unknown>, mode: Resume, input: unknown): Driver {
    op.spend();
    this.#state = State.Running;
    this.#mode = mode;
    this.#input = input;
    return this;
  }

  /** The top segment ended; returns true when it was the root. */
  #segmentEnded(threw: boolean, outcome: unknown): boolean {
    const pushed = this.#pushed;
    if (pushed === null || pushed.length === 0) {
      this.#state = State.Finished;
      this.handle = null;
      this.#base = null; // a finished root holds nothing of its coroutine
      const destroyed = this.destroying && !threw;
      if (destroyed) {
        threw = true;
        outcome = new CancelledError("the coroutine was destroyed");
      }
      if (this.#rootListeners === ROOT_MADE) this.#root![Symbol.dispose]();
      this.#completion.complete(threw, outcome, destroyed);
      return true;
    }
    const ended = pushed[pushed.length - 3] as DetachedTask;
    pushed.length -= 3;
    ended._complete(threw, outcome);
    // While destroying, the segment below unwinds too, unless this one ended by an exception,
    // which (as in JavaScript) replaces the unwinding and travels to the awaiter.
    if (this.destroying && !threw) this.#mode = Resume.Return;
    return false;
  }
}

/** The root operation's iterator; if taking it throws, a root that throws that at its first step. */
function startRoot(operation: Operation<unknown>): Segment {
  try {
    return operation[Symbol.iterator]();
  } catch (error) {
    return {
      next(): never {
        throw error;
      },
    };
  }
}

function resumeAbruptly(top: Segment, mode: Resume, input: unknown): IteratorResult<Suspension> {
  if (mode === Resume.Throw) {
    if (typeof top.throw === "function") return top.throw(input);
    top.return?.();
    throw input;
  }
  if (typeof top.return === "function") return top.return(input);
  return { done: true, value: input };
}

/** A handle from elsewhere (not one of ours): resume it its own way, reporting what it throws. */
function resumeElsewhere(handle: unknown): void {
  if (handle instanceof AwaitOp) {
    handle.resume();
    return;
  }
  try {
    (handle as CoroutineHandle).resume();
  } catch (error) {
    reportError(error);
  }
}
