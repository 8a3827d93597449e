/**
 * `Semaphore`: a counting semaphore for tasks, to bound how much work runs at once.
 *
 * @module
 */

import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import { toOperation } from "../core/_operation.ts";
import type { Suspension } from "../core/_runtime.ts";
import type { Awaitable, Operation } from "../core/awaitable.ts";
import { ready } from "../core/ready.ts";
import { LazyOperation } from "../core/_lazy_operation.ts";
import { Task } from "../core/task.ts";

/** The iterator of an acquire that found a free permit: shared, so it allocates nothing. */
const acquired = ready<void>(undefined);

/** The semaphore's state, kept apart so its waiters can reach it without public methods. */
class Permits {
  readonly total: number;
  available: number;
  /** Waiters in arrival order; a cancelled one leaves its place (O(1)). */
  readonly waiters = new Set<PermitWaiter>();

  constructor(total: number) {
    this.total = total;
    this.available = total;
  }

  /** `yield* s.acquire()`: a free permit is taken at once, else the task waits its turn. */
  acquire(): Iterator<Suspension, void, unknown> {
    if (this.available > 0 && this.waiters.size === 0) {
      this.available--;
      return acquired[Symbol.iterator]();
    }
    return new PermitWaiter(this)[Symbol.iterator]();
  }

  release(): void {
    for (const waiter of this.waiters) {
      // The permit passes straight to the oldest waiter: nobody can take it in between.
      this.waiters.delete(waiter);
      waiter.grant();
      return;
    }
    if (this.available === this.total) {
      throw new RangeError(
        `Semaphore.release(): all ${this.total} permits are free already, so this release has ` +
          "no matching acquire(); release once per acquire (s.use(op) pairs them for you)",
      );
    }
    this.available++;
  }
}

/**
 * One task waiting for a permit. State: queued (in `waiters`) -> granted (the permit is its) ->
 * consumed (`yield*` returned). Cancelled or destroyed while queued, it leaves the queue and
 * takes nothing; destroyed after the grant but before it resumed, it gives the permit back.
 */
class PermitWaiter extends CancellableAwaiter<void> {
  readonly #permits: Permits;
  #granted = false;

  constructor(permits: Permits) {
    super();
    this.#permits = permits;
  }

  grant(): void {
    this.#granted = true;
    this.wake();
  }

  protected begin(): void {
    this.#permits.waiters.add(this);
  }

  protected stop(): void {
    this.#permits.waiters.delete(this);
  }

  protected result(): void {
    this.#granted = false; // the task holds it now
  }

  override [Symbol.dispose](): void {
    super[Symbol.dispose]();
    if (this.#granted) {
      this.#granted = false;
      this.#permits.release();
    }
  }

  override toString(): string {
    return "Semaphore.acquire(), waiting for a permit that only another task's release() frees";
  }
}

/**
 * A counting semaphore: at most `permits` holders at once; the others wait their turn, first
 * come first served.
 *
 * `yield* s.acquire()` takes a permit, at once (without suspending) when one is free and nobody
 * waits, else when an earlier holder calls `s.release()`, which hands its permit straight to the
 * oldest waiter. Waiting is cancellable: a waiter whose domain is cancelled (or whose task is
 * destroyed) leaves the queue with `CancelledError` and takes no permit. `yield* s.use(op)`
 * acquires, runs `op` and releases by any path (return, throw, cancellation, destruction).
 *
 * Releasing more often than acquiring is a bug that would silently raise the limit, so it is an
 * error (like Python's `BoundedSemaphore`; a precondition of C++'s `counting_semaphore`):
 * `release()` when every permit is free throws a `RangeError` and changes nothing.
 *
 * @example At most two downloads at a time.
 * ```ts
 * import { Semaphore, sleep, start, task, whenAll } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const slots = new Semaphore(2);
 * let running = 0;
 * let peak = 0;
 * const download = task(function* (id: number) {
 *   running++;
 *   peak = Math.max(peak, running);
 *   yield* sleep(2);
 *   running--;
 *   return id;
 * });
 * const all = task(function* () {
 *   return yield* whenAll(...[1, 2, 3, 4, 5].map((id) => slots.use(download(id))));
 * });
 * assert.deepEqual(await start(all()), [1, 2, 3, 4, 5]);
 * assert.equal(peak, 2);
 * assert.equal(slots.available, 2);
 * ```
 */
export class Semaphore {
  readonly #permits: Permits;
  /** What `acquire()` returns: one object, so a free permit costs no allocation at all. */
  readonly #acquire: Operation<void>;

  /**
   * Makes a semaphore with `permits` free permits.
   *
   * @param permits How many holders at once: a whole number, at least 1.
   * @throws {TypeError} If `permits` is not a number.
   * @throws {RangeError} If `permits` is not a whole number of at least 1.
   */
  constructor(permits: number) {
    if (typeof permits !== "number") {
      throw new TypeError(
        `new Semaphore(permits): permits must be a number, got ${typeof permits}`,
      );
    }
    if (!Number.isSafeInteger(permits) || permits < 1) {
      throw new RangeError(
        `new Semaphore(${permits}): permits must be a whole number of at least 1 (how many ` +
          "holders may run at once)",
      );
    }
    const state = new Permits(permits);
    this.#permits = state;
    this.#acquire = new LazyOperation(() => state.acquire());
  }

  /** How many permits are free now. */
  get available(): number {
    return this.#permits.available;
  }

  /**
   * Takes a permit: `yield* s.acquire()`. Pair it with exactly one {@linkcode Semaphore.release}
   * (or use {@linkcode Semaphore.use}). A free permit is taken without suspending and without
   * looking at the domain, as a ready await does; a waiter is cancellable.
   *
   * @returns An operation; `yield*` it inside a task.
   */
  acquire(): Operation<void> {
    return this.#acquire;
  }

  /**
   * Gives a permit back, to the oldest waiter if there is one.
   *
   * @throws {RangeError} If every permit is free already (a release without an acquire).
   */
  release(): void {
    this.#permits.release();
  }

  /**
   * Runs `operation` holding a permit: acquires, runs it, and releases when it ends by any path.
   * If the wait for the permit is cancelled, `operation` never starts (an armed task is
   * destroyed, as a group destroys inputs it never starts).
   *
   * @typeParam T What the operation evaluates to.
   * @param operation A task, awaitable or operation.
   * @returns An operation; `yield*` it inside a task.
   * @throws {TypeError} At the call, if `operation` cannot be awaited.
   */
  use<T>(operation: Awaitable<T> | Operation<T>): Operation<T> {
    const op = toOperation(operation, "Semaphore.use(op)");
    const permits = this.#permits;
    const acquire = this.#acquire;
    return new LazyOperation(() => holding(permits, acquire, op));
  }
}

function* holding<T>(
  permits: Permits,
  acquire: Operation<void>,
  operation: Operation<T>,
): Generator<Suspension, T, unknown> {
  let held = false;
  try {
    yield* acquire;
    held = true;
    return yield* operation;
  } finally {
    if (held) permits.release();
    else if (operation instanceof Task && operation.status === "armed") operation.destroy();
  }
}
