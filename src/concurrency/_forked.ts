/**
 * The state of one `fork()`, and the scope of the task that forked it: what lets a task's body
 * end only after the forks it never joined have been cancelled and have unwound.
 *
 * @module
 */

import type { Completion, Driver } from "../core/_driver.ts";
import { Group, ONE } from "./_group.ts";
import type { Suspension } from "../core/_runtime.ts";
import type { CoroutineHandle, Operation, SimpleAwaitable } from "../core/awaitable.ts";
import type { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import type { TaskScope } from "../core/_task_extras.ts";

/** Who waits on a fork that has been handed to `join` (a group) and at which index. */
interface Joiner {
  memberDone(index: number, threw: boolean, outcome: unknown): void;
}

const RUNNING = 0;
const SETTLED = 1;
const CONSUMED = 2;

/** One forked operation: its driver, its domain, and its outcome until someone joins it. */
export class ForkedImpl<T> implements Operation<T>, Completion {
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

  /** The join that claimed it was destroyed: cancel the fork; nobody will read its outcome. */
  release(joiner: Joiner): void {
    if (this.#joiner !== joiner) return;
    this.#joiner = null;
    this.#state = CONSUMED;
    this.domain.cancel("the join waiting for this fork was destroyed");
    this.driver?.handle?.destroy();
  }

  /** Its outcome has been delivered (or dropped): it cannot be joined again. */
  consume(): void {
    this.#state = CONSUMED;
    this.scope?.remove(this as ForkedImpl<unknown>);
    this.scope = null;
    this.outcome = undefined;
  }

  complete(threw: boolean, outcome: unknown, destroyed: boolean): void {
    this.driver = null;
    this.domain[Symbol.dispose](); // stop listening to the domain it was forked in
    if (destroyed) {
      threw = true;
      outcome = new CancelledError("the forked task was destroyed");
    }
    if (this.#state === CONSUMED) return;
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

  /** `yield* forked` joins this one fork and gives its value. */
  [Symbol.iterator](): Iterator<Suspension, T, unknown> {
    return new Group<T>(ONE, [this as ForkedImpl<unknown>])[Symbol.iterator]();
  }
}

/**
 * The forks of one task that nobody has joined yet. When the task's body ends, the ones still
 * running are cancelled and the task waits for them (this object is the awaitable it waits on);
 * an error from one of them is thrown from the task then.
 */
export class ForkScope implements TaskScope, SimpleAwaitable<void> {
  readonly #forks = new Set<ForkedImpl<unknown>>();
  #closed = false;
  #running = 0;
  #handle: CoroutineHandle | null = null;
  #bodyThrew = false;
  #bodyError: unknown = undefined;
  #failed = false;
  #error: unknown = undefined;

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
    this.#bodyThrew = threw;
    this.#bodyError = outcome;
    for (const fork of [...this.#forks]) {
      if (fork.settled) {
        this.#forks.delete(fork);
        this.#note(fork);
      } else {
        this.#running++;
      }
    }
    for (const fork of this.#forks) {
      fork.domain.cancel("the task that forked it ended without joining it");
      if (destroying) fork.driver?.handle?.destroy();
    }
    if (this.#running === 0 && !this.#failed) return null;
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
    if (!this.#failed) return;
    const error = this.#error;
    this.#error = undefined;
    if (!this.#bodyThrew) throw error;
    throw new SuppressedError(
      error,
      this.#bodyError,
      "a forked task failed while its parent task was failing too",
    );
  }

  /** The task was destroyed while waiting: destroy the forks still running. */
  [Symbol.dispose](): void {
    this.#handle = null;
    for (const fork of [...this.#forks]) {
      fork.consume();
      fork.driver?.handle?.destroy();
    }
  }

  /** Keeps the first real error of an unjoined fork; cancellations are how they are meant to end. */
  #note(fork: ForkedImpl<unknown>): void {
    if (fork.threw && !this.#failed && !(fork.outcome instanceof CancelledError)) {
      this.#failed = true;
      this.#error = fork.outcome;
    }
    fork.consume();
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
