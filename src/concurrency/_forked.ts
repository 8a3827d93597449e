/**
 * The state of one `fork()`, and the scope of the task that forked it: what lets a task's body
 * end only after the forks it never joined have been cancelled and have unwound.
 *
 * @module
 */

import type { Completion, Driver } from "../core/_driver.ts";
import type { CoroutineHandle, SimpleAwaitable } from "../core/awaitable.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import type { TaskScope } from "../core/_task_extras.ts";
import { cancelInternally, destroyRoot, ErrorChain, reportLate } from "./_unwind.ts";

/** Who waits on a fork that has been handed to `join` (a group) and at which index. */
interface Joiner {
  memberDone(index: number, threw: boolean, outcome: unknown): void;
}

const RUNNING = 0;
const SETTLED = 1;
const CONSUMED = 2;

/**
 * One forked operation: its driver, its domain, and its outcome until someone joins it. The
 * handle users hold (`fork.ts`) adds `yield* forked`, so that this file needs no group.
 */
export class ForkedImpl<T> implements Completion {
  readonly domain: CancellationDomain;
  driver: Driver | null = null;
  /** The scope of the task that forked it, while nobody has claimed it. */
  scope: ForkScope | null;
  #state = RUNNING;
  #joiner: Joiner | null = null;
  #index = 0;
  threw = false;
  outcome: unknown = undefined;

  constructor(domain: CancellationDomain, scope: ForkScope) {
    this.domain = domain;
    this.scope = scope;
    scope.add(this as ForkedImpl<unknown>);
  }

  get settled(): boolean {
    return this.#state === SETTLED;
  }

  /** Why `join` cannot take this fork, or null. */
  unavailable(): string | null {
    if (this.#state === CONSUMED) {
      return "this fork was joined already (or its task ended without joining it)";
    }
    if (this.#joiner !== null) return "this fork is being joined already";
    return null;
  }

  /** A join takes it: the owner's scope no longer waits for it. */
  claim(joiner: Joiner, index: number): void {
    this.#joiner = joiner;
    this.#index = index;
    this.scope?.remove(this as ForkedImpl<unknown>);
    this.scope = null;
  }

  /** Whether `joiner` claimed it as its input `index`. */
  isJoinedBy(joiner: Joiner, index: number): boolean {
    return this.#joiner === joiner && this.#index === index;
  }

  /**
   * The join that claimed it was destroyed: unwind the fork now if it is suspended (it reports
   * to the joiner, which collects what it throws), else cancel it; nobody reads its outcome.
   */
  release(joiner: Joiner): void {
    if (this.#joiner !== joiner) return;
    if (this.driver !== null) destroyRoot(this.driver);
    if (this.#joiner !== joiner) return; // it ended and reported
    this.#joiner = null;
    this.#state = CONSUMED;
    cancelInternally(this.domain, "the join waiting for this fork was destroyed");
  }

  /** Its outcome has been delivered (or dropped): it cannot be joined again. */
  consume(): void {
    this.#state = CONSUMED;
    this.scope?.remove(this as ForkedImpl<unknown>);
    this.scope = null;
    this.outcome = undefined;
  }

  /** A destroyed root ends with a `CancelledError`, or with what its `finally` threw. */
  complete(threw: boolean, outcome: unknown): void {
    // Its domain stays linked to the one it was forked in: what it left running is still reached.
    this.driver = null;
    if (this.#state === CONSUMED) {
      // Released by a destroyed join or task before it could end: nobody waits for it any more.
      if (threw) reportLate(outcome);
      return;
    }
    this.#state = SETTLED;
    this.threw = threw;
    this.outcome = outcome;
    const joiner = this.#joiner;
    if (joiner !== null) {
      this.#joiner = null;
      this.consume();
      joiner.memberDone(this.#index, threw, outcome);
    } else {
      this.scope?.settled(this as ForkedImpl<unknown>);
    }
  }
}

/**
 * The forks of one task that nobody has joined yet. When the task's body ends, the ones still
 * running are cancelled and the task waits for them (this object is the awaitable it waits on).
 *
 * Errors follow DisposableStack's rule (see `_unwind.ts`): the body's exception, if any, is the
 * outcome, and each unjoined fork's error (other than `CancelledError`) wraps it in the order the
 * forks ended, `SuppressedError(forkError, previous)`; with no body exception the first fork's
 * error is the outcome.
 */
export class ForkScope implements TaskScope, SimpleAwaitable<void> {
  readonly #forks = new Set<ForkedImpl<unknown>>();
  #closed = false;
  #running = 0;
  #handle: CoroutineHandle | null = null;
  /** The body's exception, then every fork error attached to it. */
  readonly #errors = new ErrorChain();
  /** Whether a fork added an error the body did not throw. */
  #forkFailed = false;

  add(fork: ForkedImpl<unknown>): void {
    this.#forks.add(fork);
  }

  remove(fork: ForkedImpl<unknown>): void {
    if (this.#forks.delete(fork) && this.#closed && !fork.settled) this.#ended();
  }

  /** A fork that nobody claimed has ended. */
  settled(fork: ForkedImpl<unknown>): void {
    if (!this.#closed) return; // its outcome waits for a join, or for the task's end
    this.#forks.delete(fork);
    this.#note(fork);
    this.#ended();
  }

  close(threw: boolean, outcome: unknown, destroying: boolean): SimpleAwaitable<void> | null {
    this.#closed = true;
    if (threw) this.#errors.first(outcome);
    for (const fork of [...this.#forks]) {
      if (fork.settled) {
        this.#forks.delete(fork);
        this.#note(fork);
      } else {
        this.#running++;
      }
    }
    for (const fork of this.#forks) {
      cancelInternally(fork.domain, "the task that forked it ended without joining it");
      if (destroying) fork.driver?.handle?.destroy();
    }
    if (this.#running === 0 && !this.#forkFailed) return null;
    return this;
  }

  awaitReady(): boolean {
    return this.#running === 0;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    if (this.#running === 0) return false;
    this.#handle = handle;
    return true;
  }

  awaitResume(): void {
    if (!this.#forkFailed) return; // the task rethrows its body's own exception itself
    this.#forkFailed = false;
    this.#errors.rethrow();
  }

  /**
   * The task was destroyed while waiting: unwind the forks still running now, collecting what
   * they throw, and end this unwinding with the errors (the body's first, as in `awaitResume`).
   */
  [Symbol.dispose](): void {
    this.#handle = null;
    for (const fork of [...this.#forks]) {
      if (fork.driver !== null) destroyRoot(fork.driver); // it reports through settled()
    }
    for (const fork of [...this.#forks]) {
      // Queued or running: it unwinds when it runs; nobody reads its outcome any more.
      this.#forks.delete(fork);
      fork.consume();
      cancelInternally(fork.domain, "the task that forked it was destroyed");
    }
    const errors = this.#errors;
    if (this.#forkFailed || !(errors.error instanceof CancelledError)) errors.rethrow();
  }

  /** Attaches a fork's error; cancellations are how unjoined forks are meant to end. */
  #note(fork: ForkedImpl<unknown>): void {
    if (fork.threw) this.#attach(fork.outcome);
    fork.consume();
  }

  #attach(error: unknown): void {
    if (error instanceof CancelledError) return;
    this.#errors.later(error);
    this.#forkFailed = true;
  }

  #ended(): void {
    if (--this.#running > 0) return;
    const handle = this.#handle;
    this.#handle = null;
    handle?.resume();
  }

  toString(): string {
    return "the forks its task never joined";
  }
}
