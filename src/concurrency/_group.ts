/**
 * The engine behind `whenAll`, `whenAllSettled`, `whenAny` and `join`: run several operations at
 * once, each as the root of its own driver, in a child cancellation domain of the awaiter's, and
 * resume the awaiter once every one of them has ended (structured: nothing outlives the await).
 *
 * The group's domain (and, for `whenAny`, each input's) stays linked to the awaiter's domain after
 * the group returns: work an input left running is still reached by the outer cancellation. A
 * group that returns normally leaves the domains its winners ran in uncancelled.
 *
 * Life of a group (`launched` counts inputs started and not ended; `limit` is `concurrency`):
 *
 * | state     | event                                   | next                              |
 * | --------- | --------------------------------------- | --------------------------------- |
 * | armed     | awaitSuspend: claim forks, launch loop  | running (or ended: resume at once) |
 * | running   | an input ends, `launched < limit`       | running (launch the next input)   |
 * | running   | first failure (all) / first end (any)   | stopping (cancel the others)      |
 * | stopping  | the last input ends                     | finished (resume the awaiter)     |
 * | running   | the awaiter is destroyed                | disposing (unwind members now)    |
 * | disposing | members unwound                         | finished (dispose throws errors)  |
 *
 * With a finite `concurrency`, a group that stops destroys the inputs it never launched; without
 * one every input is launched at once, in order, and those after a failure start in a cancelled
 * domain.
 *
 * @module
 */

import type { Completion, Driver } from "../core/_driver.ts";
import { runNow } from "../core/_trampoline.ts";
import { newRoot } from "../core/_root.ts";
import { addFrame } from "../core/_stack.ts";
import { ForkedImpl } from "./_forked.ts";
import type { CoroutineHandle } from "../core/awaitable.ts";
import { Awaiter } from "../core/awaiter.ts";
import { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import { Task } from "../core/task.ts";
import { TaskStateError } from "../core/task_state_error.ts";
import { abandon, checkInputs, concurrencyOf, type Input, normalize } from "./_group_inputs.ts";
import { cancelInternally, destroyRoot, ErrorChain, reportLate } from "./_unwind.ts";

/** Every result; the first failure cancels the rest and is rethrown once all have ended. */
export const ALL = 0;
/** Every outcome as `{ status, value | reason }`; never throws. */
export const SETTLED = 1;
/** The first to end wins; the rest are cancelled; its value or error once all have ended. */
export const ANY = 2;
/** `ALL` with one input whose value (not a one-element tuple) is the result (`yield* forked`). */
export const ONE = 3;

const NAMES = ["whenAll", "whenAllSettled", "whenAny", "join"];

/** What `whenAllSettled` gives for each input. */
export type SettledResult<T> =
  | { status: "fulfilled"; value: T }
  | { status: "rejected"; reason: unknown };

/** The completion of one started input: reports to its group with its index. */
class Member implements Completion {
  readonly group: Group<unknown>;
  readonly index: number;
  /** The input's own domain (`whenAny`: a loser's is cancelled, the winner's is not). */
  readonly domain: CancellationDomain;
  driver: Driver | null = null;

  constructor(group: Group<unknown>, index: number, domain: CancellationDomain) {
    this.group = group;
    this.index = index;
    this.domain = domain;
  }

  /** A destroyed root ends with a `CancelledError`, or with what its `finally` threw. */
  complete(threw: boolean, outcome: unknown): void {
    this.driver = null;
    this.group.memberDone(this.index, threw, outcome);
  }
}

/**
 * Makes the group for `whenAll(...)`-style arguments: spread inputs, or one array (with options
 * where `withOptions`). Throws a `TypeError`/`RangeError` at the call for bad arguments, after
 * destroying the armed tasks among them (the group owned them from the call).
 */
export function makeGroup<R>(
  mode: number,
  args: readonly unknown[],
  withOptions: boolean,
  name: string = NAMES[mode],
): Group<R> {
  let list: readonly unknown[] = args;
  let limit = Infinity;
  try {
    if (Array.isArray(args[0])) {
      list = args[0];
      if (args.length > (withOptions ? 2 : 1)) {
        throw new TypeError(
          `${name}(tasks${withOptions ? ", options" : ""}) takes one array` +
            (withOptions ? " and options" : "") + `, got ${args.length} arguments: pass the ` +
            "array alone, or spread the inputs as separate arguments",
        );
      }
      if (args.length === 2) limit = concurrencyOf(name, args[1]);
    }
    if (mode === ANY && list.length === 0) {
      throw new TypeError(`${name}() needs at least one operation: with none it could never end`);
    }
    return new Group<R>(mode, normalize(name, list), limit, name);
  } catch (error) {
    abandon(args);
    if (list !== args) abandon(list);
    throw error;
  }
}

/** Runs a set of inputs concurrently; see the module documentation. */
export class Group<R> extends Awaiter<R> {
  readonly #mode: number;
  readonly #inputs: Input[];
  readonly #limit: number;
  #handle: CoroutineHandle | null = null;
  #parent: CancellationDomain | null = null;
  #domain: CancellationDomain | null = null;
  #members: (Member | null)[] = [];
  #threw: boolean[] = [];
  #outcomes: unknown[] = [];
  /** Inputs that have not ended. */
  #pending = 0;
  /** Inputs launched (not forks) that have not ended. */
  #launched = 0;
  /** The next input the launch loop looks at. */
  #next = 0;
  #starting = false;
  #launching = false;
  /** Running forks claimed (their domains listen to this group's). */
  #joined = 0;
  /** No more launches: a finite-concurrency group that failed or was cancelled. */
  #stopped = false;
  /** `whenAll`: the outcome's error; `whenAny`: the winner's error and the losers'. */
  readonly #errors = new ErrorChain();
  #winner = -1;
  #parentCancelled = false;
  #disposing = false;
  #finished = false;

  /** The operation's name, for messages and stack traces. */
  readonly #name: string;

  constructor(mode: number, inputs: Input[], limit = Infinity, name: string = NAMES[mode]) {
    super();
    this.#name = name;
    this.#mode = mode;
    this.#inputs = inputs;
    this.#limit = limit;
  }

  awaitReady(): boolean {
    return this.#inputs.length === 0;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    if (this.#handle !== null || this.#finished) {
      throw new TaskStateError(
        `this ${this.#name}() was awaited already: it owns its inputs and runs them ` +
          "once; call it again for a new one",
        this.#finished ? "done" : "launched",
      );
    }
    const inputs = this.#inputs;
    const n = inputs.length;
    const settled = this.#mode === SETTLED;
    const parent = handle.domain;
    this.#parent = parent;
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
    this.#threw = new Array(n).fill(false);
    this.#outcomes = new Array(n).fill(undefined);
    this.#members = new Array(n).fill(null);
    this.#domain = new CancellationDomain(parent);
    this.#handle = handle;
    this.#pending = n;
    this.#starting = true;
    // Running forks are claimed first, so that a failure cancels them wherever they stand.
    for (let i = 0; i < n; i++) {
      const input = inputs[i];
      if (!(input instanceof ForkedImpl) || input.settled) continue;
      const why = input.unavailable();
      if (why !== null) continue; // only whenAllSettled gets here: rejected by the launch loop
      input.claim(this as Group<unknown>, i);
      // Cancelling the group cancels the fork (and, for whenAny, it can lose on its own).
      this.#domain.addListener(input.domain);
      this.#joined++;
    }
    this.#launch();
    this.#starting = false;
    if (this.#pending === 0) {
      this.#handle = null;
      return false; // everything ended while starting: resume at once
    }
    return true;
  }

  awaitResume(): R {
    const mode = this.#mode;
    if (mode === SETTLED) {
      const out = new Array<SettledResult<unknown>>(this.#outcomes.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = this.#threw[i]
          ? { status: "rejected", reason: this.#outcomes[i] }
          : { status: "fulfilled", value: this.#outcomes[i] };
      }
      return out as R;
    }
    this.#errors.rethrow();
    if (this.#parentCancelled) throw new CancelledError(this.#parent!.reason);
    if (mode === ANY) return { index: this.#winner, value: this.#outcomes[this.#winner] } as R;
    if (mode === ONE) return this.#outcomes[0] as R;
    return this.#outcomes as R;
  }

  /** One input ended (a launched member, or a claimed fork). */
  memberDone(index: number, threw: boolean, outcome: unknown): void {
    if (this.#finished) {
      // Only after the awaiter was destroyed: the member was queued, or nested too deep.
      if (threw) reportLate(outcome);
      return;
    }
    if (this.#members[index] !== null) {
      this.#members[index] = null;
      this.#launched--;
    }
    if (this.#disposing) {
      if (threw) this.#errors.later(outcome);
      return;
    }
    this.#record(index, threw, outcome);
    if (this.#pending === 0) this.#finish();
    else this.#launch();
  }

  /** Notes input `index`'s outcome and what it decides. */
  #record(index: number, threw: boolean, outcome: unknown): void {
    this.#threw[index] = threw;
    this.#outcomes[index] = outcome;
    this.#pending--;
    const mode = this.#mode;
    if (mode === ANY) {
      if (this.#winner < 0) {
        this.#winner = index;
        if (threw) {
          addFrame(outcome, `async ${this.#name} (index ${index})`);
          this.#errors.first(outcome);
        }
        this.#cancelLosers();
      } else if (threw) {
        this.#errors.later(outcome); // a loser's error is attached, never dropped
      }
    } else if (threw && mode !== SETTLED) {
      if (this.#errors.failed) this.#errors.later(outcome);
      else {
        // Like async/await's `at async Promise.all (index 0)`: the group between member and awaiter.
        addFrame(outcome, `async ${this.#name} (index ${index})`);
        this.#errors.first(outcome);
        this.#stop();
        cancelInternally(this.#domain!, outcome);
      }
    }
  }

  /** Launches inputs in order while fewer than `limit` run; loops rather than recursing. */
  #launch(): void {
    if (this.#launching) return; // an input ended while being launched: the loop goes on
    this.#launching = true;
    try {
      const inputs = this.#inputs;
      const n = inputs.length;
      while (this.#next < n && !this.#stopped && !this.#finished) {
        if (this.#launched >= this.#limit) break;
        if (this.#limit !== Infinity && this.#domain!.cancelled) {
          this.#stop(); // cancelled from outside: start nothing more
          break;
        }
        const i = this.#next++;
        this.#start(i, inputs[i]);
      }
      if (this.#pending === 0 && !this.#starting && !this.#finished) this.#finish();
    } finally {
      this.#launching = false;
    }
  }

  /** Starts input `i` (a fork: takes its outcome if it has one already). */
  #start(i: number, input: Input): void {
    if (input instanceof ForkedImpl) {
      if (input.settled) {
        const { threw, outcome } = input;
        input.consume();
        this.#record(i, threw, outcome);
      } else if (!input.isJoinedBy(this as Group<unknown>, i)) {
        // Only whenAllSettled gets here (whenAll checked its inputs): rejected in its slot.
        this.#record(i, true, new TaskStateError(input.unavailable()!, "launched"));
      }
      return; // a claimed running fork reports through memberDone
    }
    let domain = this.#domain!;
    if (this.#mode === ANY) {
      domain = new CancellationDomain(domain);
      if (this.#winner >= 0) domain.cancel("whenAny: another operation finished first");
    }
    const member = new Member(this as Group<unknown>, i, domain);
    try {
      member.driver = newRoot(input, domain, member);
    } catch (error) {
      // A task that is not armed: whenAllSettled rejects it in its slot; for whenAll it was armed
      // when checked, so it was launched elsewhere while it waited for a slot: a failure.
      this.#record(i, true, error);
      return;
    }
    this.#members[i] = member;
    this.#launched++;
    // The driver may run now or, when roots are nested deep on the native stack, a little
    // later from the trampoline: either way it reports through memberDone.
    runNow(member.driver);
  }

  /** Launches nothing more and destroys the inputs never launched (finite concurrency only). */
  #stop(): void {
    if (this.#limit === Infinity || this.#stopped) return;
    this.#stopped = true;
    const inputs = this.#inputs;
    if (this.#next === inputs.length) return;
    // One error for them all: a million never-launched inputs need not capture a million stacks.
    const reason = this.#domain!.cancelled
      ? this.#domain!._error()
      : new CancelledError("an earlier input failed: this one was never launched");
    for (let i = this.#next; i < inputs.length; i++) {
      const input = inputs[i];
      if (input instanceof ForkedImpl && input.isJoinedBy(this as Group<unknown>, i)) continue;
      if (input instanceof ForkedImpl && input.settled) {
        const { threw, outcome } = input;
        input.consume();
        this.#record(i, threw, outcome);
        continue;
      }
      if (input instanceof Task && input.status === "armed") input.destroy();
      this.#record(i, true, reason);
    }
    this.#next = inputs.length;
  }

  /** `whenAny`: cancels every input but the winner. */
  #cancelLosers(): void {
    const reason = "whenAny: another operation finished first";
    const inputs = this.#inputs;
    for (let i = 0; i < inputs.length; i++) {
      if (i === this.#winner) continue;
      const input = inputs[i];
      const member = this.#members[i];
      if (member !== null) cancelInternally(member.domain, reason);
      else if (input instanceof ForkedImpl && input.isJoinedBy(this as Group<unknown>, i)) {
        cancelInternally(input.domain, reason);
      }
    }
  }

  #finish(): void {
    this.#finished = true;
    this.#parentCancelled = this.#parent!.cancelled;
    // The domains stay linked to the parent (see the module documentation). A joined fork's own
    // domain stays linked to the domain it was forked in; its tie to this group's domain (so that
    // a failure here cancels it) is no longer needed, and would keep this domain linked for good.
    if (this.#joined > 0) {
      for (const input of this.#inputs) {
        if (input instanceof ForkedImpl) this.#domain!.removeListener(input.domain);
      }
    }
    this.#domain = null;
    this.#members = [];
    const handle = this.#handle;
    this.#handle = null;
    if (!this.#starting) handle?.resume();
  }

  /**
   * The awaiter was destroyed while waiting: unwind the members now (what their `finally`
   * blocks throw is collected), destroy what never started, release the forks; then end this
   * unwinding with the collected errors, the pending outcome's first.
   */
  [Symbol.dispose](): void {
    if (this.#finished) return;
    this.#disposing = true;
    this.#handle = null;
    const inputs = this.#inputs;
    for (let i = this.#next; i < inputs.length; i++) {
      const input = inputs[i];
      if (input instanceof Task && input.status === "armed") input.destroy();
    }
    this.#next = inputs.length;
    const members = this.#members;
    for (let i = 0; i < members.length; i++) {
      const driver = members[i]?.driver;
      if (driver) destroyRoot(driver);
    }
    for (const input of inputs) {
      if (input instanceof ForkedImpl) input.release(this as Group<unknown>);
    }
    this.#finished = true;
    this.#members = [];
    // What is still queued or running sees the cancellation when it runs.
    const domain = this.#domain;
    this.#domain = null;
    if (domain !== null) cancelInternally(domain, "the awaiter was destroyed");
    // A pending CancelledError is how the destroyed work was ending anyway: not worth reporting.
    if (!(this.#errors.error instanceof CancelledError)) this.#errors.rethrow();
  }

  override toString(): string {
    return `${this.#name}() of ${this.#inputs.length}`;
  }
}
