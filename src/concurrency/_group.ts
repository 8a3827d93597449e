/**
 * The engine behind `whenAll`, `whenAllSettled`, `whenAny` and `join`: run several operations at
 * once, each as the root of its own driver, in a child cancellation domain of the awaiter's, and
 * resume the awaiter once every one of them has ended (structured: nothing outlives the await).
 *
 * @module
 */

import { type Completion, type Driver, runNow } from "../core/_driver.ts";
import { newRoot } from "../core/_root.ts";
import { ForkedImpl } from "./_forked.ts";
import { toOperation } from "../core/_operation.ts";
import type { Awaitable, CoroutineHandle, Operation } from "../core/awaitable.ts";
import { Awaiter } from "../core/awaiter.ts";
import { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import { Task } from "../core/task.ts";
import { TaskStateError } from "../core/task_state_error.ts";

/** Every result; the first failure cancels the rest and is rethrown once all have ended. */
export const ALL = 0;
/** Every outcome as `{ status, value | reason }`; never throws. */
export const SETTLED = 1;
/** The first to end wins; the rest are cancelled; its value or error once all have ended. */
export const ANY = 2;
/** `ALL` with one input whose value (not a one-element tuple) is the result (`yield* forked`). */
export const ONE = 3;

/** What `whenAllSettled` gives for each input. */
export type SettledResult<T> =
  | { status: "fulfilled"; value: T }
  | { status: "rejected"; reason: unknown };

/** One input, normalized: an operation to start, or a fork that is already running. */
type Input = Operation<unknown> | ForkedImpl<unknown>;

/** The completion of one started input: reports to its group with its index. */
class Member implements Completion {
  readonly group: Group<unknown>;
  readonly index: number;
  driver: Driver | null = null;

  constructor(group: Group<unknown>, index: number) {
    this.group = group;
    this.index = index;
  }

  complete(threw: boolean, outcome: unknown, destroyed: boolean): void {
    this.driver = null;
    if (destroyed) this.group.memberDone(this.index, true, new CancelledError("destroyed"));
    else this.group.memberDone(this.index, threw, outcome);
  }
}

/** Turns the arguments into inputs; throws a `TypeError` for what cannot be awaited. */
export function normalize(
  args: readonly (Awaitable<unknown> | Operation<unknown>)[],
): Input[] {
  const inputs: Input[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    inputs[i] = a instanceof ForkedImpl ? a : toOperation(a);
  }
  return inputs;
}

/** Why an input cannot be started, or null. Duplicates count: a task has one owner. */
function checkInputs(inputs: readonly Input[]): TaskStateError | null {
  let seen: Set<unknown> | null = null;
  for (const input of inputs) {
    if (input instanceof Task) {
      if (input.status !== "armed") {
        try {
          input._launch();
        } catch (error) {
          return error as TaskStateError;
        }
      }
    } else if (input instanceof ForkedImpl) {
      const why = input.unavailable();
      if (why !== null) return new TaskStateError(why, "launched");
    } else continue;
    seen ??= new Set();
    if (seen.has(input)) {
      return new TaskStateError(
        "the same task was passed twice: a task has one owner and is awaited once",
        "armed",
      );
    }
    seen.add(input);
  }
  return null;
}

/** Destroys the armed tasks among inputs that will never start (their owner gave up). */
function abandon(inputs: readonly Input[]): void {
  for (const input of inputs) {
    if (input instanceof Task && input.status === "armed") input.destroy();
  }
}

/** Runs a set of inputs concurrently; see the module documentation. */
export class Group<R> extends Awaiter<R> {
  readonly #mode: number;
  readonly #inputs: Input[];
  #handle: CoroutineHandle | null = null;
  #parent: CancellationDomain | null = null;
  #domain: CancellationDomain | null = null;
  #members: (Member | null)[] = [];
  #threw: boolean[] = [];
  #outcomes: unknown[] = [];
  #pending = 0;
  #starting = false;
  #failed = false;
  #error: unknown = undefined;
  #winner = -1;
  #parentCancelled = false;
  #finished = false;

  constructor(mode: number, inputs: Input[]) {
    super();
    this.#mode = mode;
    this.#inputs = inputs;
  }

  awaitReady(): boolean {
    return this.#inputs.length === 0;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    const inputs = this.#inputs;
    const n = inputs.length;
    const settled = this.#mode === SETTLED;
    const parent = handle.domain;
    this.#parent = parent;
    this.#threw = new Array(n).fill(false);
    this.#outcomes = new Array(n).fill(undefined);
    if (!settled) {
      const invalid = checkInputs(inputs);
      if (invalid !== null) {
        abandon(inputs);
        throw invalid;
      }
      if (parent.cancelled) {
        // Like any operation started in a cancelled domain, fail at once: start nothing.
        abandon(inputs);
        throw new CancelledError(parent.reason);
      }
    }
    const domain = new CancellationDomain(parent);
    this.#domain = domain;
    this.#handle = handle;
    this.#pending = n;
    this.#starting = true;
    this.#members = new Array(n).fill(null);
    for (let i = 0; i < n; i++) {
      const input = inputs[i];
      if (input instanceof ForkedImpl) {
        this.#join(input, i);
        continue;
      }
      if (input instanceof Task && input.status !== "armed") {
        // Only whenAllSettled gets here: a task it cannot start is rejected in its slot.
        try {
          input._launch();
        } catch (error) {
          this.memberDone(i, true, error);
        }
        continue;
      }
      const member = new Member(this as Group<unknown>, i);
      const driver = newRoot(input, domain, member);
      member.driver = driver;
      this.#members[i] = member;
      runNow(driver);
    }
    this.#starting = false;
    if (this.#pending === 0) {
      this.#handle = null;
      return false; // everything ended while starting: resume at once
    }
    return true;
  }

  awaitResume(): R {
    if (this.#mode === SETTLED) {
      const out = new Array<SettledResult<unknown>>(this.#outcomes.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = this.#threw[i]
          ? { status: "rejected", reason: this.#outcomes[i] }
          : { status: "fulfilled", value: this.#outcomes[i] };
      }
      return out as R;
    }
    if (this.#mode === ANY) {
      const w = this.#winner;
      if (this.#threw[w]) throw this.#outcomes[w];
      if (this.#parentCancelled) throw new CancelledError(this.#parent!.reason);
      return { index: w, value: this.#outcomes[w] } as R;
    }
    if (this.#failed) throw this.#error;
    if (this.#parentCancelled) throw new CancelledError(this.#parent!.reason);
    if (this.#mode === ONE) return this.#outcomes[0] as R;
    return this.#outcomes as R;
  }

  /** One input ended. */
  memberDone(index: number, threw: boolean, outcome: unknown): void {
    if (this.#finished) return;
    this.#members[index] = null;
    this.#threw[index] = threw;
    this.#outcomes[index] = outcome;
    this.#pending--;
    const mode = this.#mode;
    if (mode === ANY) {
      if (this.#winner < 0) {
        this.#winner = index;
        if (this.#pending > 0) this.#domain!.cancel("whenAny: another operation finished first");
      }
    } else if (threw && mode !== SETTLED && !this.#failed) {
      this.#failed = true;
      this.#error = outcome;
      if (this.#pending > 0) this.#domain!.cancel(outcome);
    }
    if (this.#pending === 0) this.#finish();
  }

  /** Waits on a fork that is already running (or has ended) as input `index`. */
  #join(fork: ForkedImpl<unknown>, index: number): void {
    if (fork.settled) {
      const { threw, outcome } = fork;
      fork.consume();
      this.memberDone(index, threw, outcome);
      return;
    }
    fork.claim(this as Group<unknown>, index);
    this.#domain!.addListener(fork.domain); // cancelling the group cancels the fork
  }

  #finish(): void {
    this.#finished = true;
    this.#parentCancelled = this.#parent!.cancelled;
    this.#domain?.[Symbol.dispose]();
    this.#domain = null;
    this.#members = [];
    const handle = this.#handle;
    this.#handle = null;
    if (!this.#starting) handle?.resume();
  }

  /** The awaiter was destroyed while waiting: destroy what still runs, release the forks. */
  [Symbol.dispose](): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#handle = null;
    const members = this.#members;
    this.#members = [];
    for (const member of members) member?.driver?.handle?.destroy();
    for (const input of this.#inputs) {
      if (input instanceof ForkedImpl) input.release(this as Group<unknown>);
    }
    const domain = this.#domain;
    this.#domain = null;
    domain?.cancel("the awaiter was destroyed");
    domain?.[Symbol.dispose]();
  }

  override toString(): string {
    const name = ["whenAll", "whenAllSettled", "whenAny", "join"][this.#mode];
    return `${name}() of ${this.#inputs.length}`;
  }
}
