/**
 * The state the task machinery shares across modules: the signals that travel up a chain of
 * `yield*` delegations to the driver, and the few mutable cells the hot path reads.
 *
 * Everything here is private to the package. It lives in one object so that the modules that
 * write it (tasks, awaiters, the driver) need no circular imports and the engine sees one
 * monomorphic shape.
 *
 * @module
 */

import type {
  CancellationDomain,
  CancellationListener,
} from "../cancellation/cancellation_domain.ts";
import type { MemoryResource } from "../memory/memory_resource.ts";

/**
 * What a task's generator yields to the machinery that drives it. It is opaque: user code never
 * makes one, and a task whose body yields anything else (a plain `yield x`) is rejected at compile
 * time by the `task()` signature and at run time with a `TypeError`.
 */
export interface Suspension {
  /** A brand that only the library's signals carry; no such property exists at run time. */
  readonly "@coro/task:suspension": true;
}

/** Marker yielded when a child task must move off the native stack onto the driver's stack. */
export const PUSH_SIGNAL = Object.freeze({ signal: "push" }) as unknown as Suspension;
/**
 * Marker yielded to ask "which task is running this?": the innermost task answers by resuming
 * the asker with itself (`frameBuffer()` and `fork()` belong to that task).
 */
export const OWNER_SIGNAL = Object.freeze({ signal: "owner" }) as unknown as Suspension;

/** The one iterator result for "push me": frozen, shared, so the deep path allocates nothing. */
export const PUSH_RESULT: IteratorResult<Suspension, never> = Object.freeze({
  done: false,
  value: PUSH_SIGNAL,
});

/**
 * A reused `{ done: true, value }` result. `yield*` reads `done` and `value` the moment `next()`
 * returns and keeps neither, so one mutable object serves every ready await without allocating.
 */
const doneResult: { done: true; value: unknown } = { done: true, value: undefined };

/** Fills the shared done-result with `value` and returns it. */
export function done<T>(value: T): IteratorReturnResult<T> {
  doneResult.value = value;
  return doneResult as IteratorReturnResult<T>;
}

/**
 * The executor an awaitable moves its awaiter onto (`schedule(ex)` has it): under scheduler
 * affinity the root adopts it for the rest of its run.
 */
export const EXECUTOR_OF: unique symbol = Symbol("@coro/task:executor of");

/**
 * A brand on `Task.prototype`, so that modules below `task.ts` (the driver, the root constructor)
 * can recognise a task without importing it (which would make an import circle).
 */
export const TASK_BRAND: unique symbol = Symbol("@coro/task:task");

/** Whether `value` is a `Task` (see {@linkcode TASK_BRAND}). */
export function isTask(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    (value as { [TASK_BRAND]?: boolean })[TASK_BRAND] === true;
}

/**
 * One value set by `Context.with`: an immutable list from the innermost setting outwards, so a
 * root started from a task shares its creator's list and nothing is copied.
 */
export interface ContextFrame {
  /** The context this frame sets (compared by identity). */
  readonly key: object;
  /** The value it has inside the `with`. */
  readonly value: unknown;
  /** The frame outside this one, or null. */
  readonly outer: ContextFrame | null;
}

/** What the tasks and operations of a chain ask of the driver running them. */
export interface RunningDriver {
  /** The ambient domain right now, or null while it is the root domain that nobody made yet. */
  ambient: CancellationDomain | null;
  /** The context values in force right now. */
  context: ContextFrame | null;
  /**
   * The allocator of the innermost running task that has one (given with `allocatorArg`, or
   * inherited): a task without its own takes its frame and buffers from it (P3552's
   * environment). Null: the default resource.
   */
  resource: MemoryResource | null;
  /** Whether the chain is being unwound by destruction rather than resumed. */
  readonly destroying: boolean;
  /** The ambient domain, making the root domain now if nobody needed it before. */
  domain(): CancellationDomain;
  /**
   * Links `listener` to the root domain: now if it exists, else when it is made (so that a
   * `withDomain` inside a root nobody asked the domain of costs no domain).
   */
  listenToRoot(listener: CancellationListener): void;
  /** Undoes {@linkcode RunningDriver.listenToRoot}. */
  stopListeningToRoot(listener: CancellationListener): void;
}

/** The driver a suspension belongs to, as its handle (`AwaitOp`) sees it. */
export interface HandleOwner {
  /** Resumes the suspended root, or unwinds it (`destroy`). */
  wake(destroy: boolean): void;
  /** Whether the root has ended. */
  readonly finished: boolean;
  /** The root's domain, made now if nobody needed it before. */
  rootDomain(): CancellationDomain;
}

/** A task moved onto the driver's explicit stack: what the driver calls on it. */
export interface DetachedTask extends Iterator<Suspension, unknown, unknown> {
  /** The driver took it onto its stack. */
  _attach(): void;
  /** It ended on the driver's stack: keep the outcome for its awaiter's `yield*`. */
  _complete(threw: boolean, outcome: unknown): void;
}

/** The mutable cells shared by tasks, awaiters and drivers. */
export const rt: {
  /**
   * How many more tasks may launch nested on the native stack: {@linkcode INLINE_LIMIT} when the
   * outermost driver starts, less one for each `Task#next` on the native stack, and 0 while no
   * driver runs (a task's launch check then needs no second load to see that nothing drives it).
   */
  room: number;
  /** The task that asked to be pushed (set with {@linkcode PUSH_SIGNAL}). */
  pendingPush: DetachedTask | null;
  /** The ambient domain at the point a task asked to be pushed. */
  pushDomain: CancellationDomain | null;
  /** The context at the point a task asked to be pushed. */
  pushContext: ContextFrame | null;
  /** The driver whose chain is running on the native stack, if any. */
  driver: RunningDriver | null;
} = {
  room: 0,
  pendingPush: null,
  pushDomain: null,
  pushContext: null,
  driver: null,
};

/**
 * How many tasks may run nested on the native stack before the next one is moved onto the
 * driver's explicit stack. The trade-off, measured (see bench/ W4 and W6): every level of a
 * suspended chain costs a generator suspend and resume (~30 ns) on each resume of its leaf, so a
 * resume costs at most this many levels; but a task launched at the limit costs a round trip up
 * and down one segment, so recursion that often crosses the limit slows down (fib(20) at a limit
 * of 16 ran 3x slower). 32 covers the recursion depth of ordinary code while bounding a resume at
 * depth 1000 to ~250 ns (48 gave ~1.3 us there and no gain elsewhere).
 */
export const INLINE_LIMIT = 32;
