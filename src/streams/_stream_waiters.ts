/**
 * The two waits of a `stream()` run: the producer parked in `emit` ({@linkcode EmitWaiter}) and a
 * coroutine consumer waiting for a value ({@linkcode PullWaiter}). Each run has one of each,
 * reused for every value. See `_stream_run.ts` for the run's state machine.
 *
 * @module
 */

import type { Suspension } from "../core/_runtime.ts";
import { installThenTrap } from "../core/_then_trap.ts";
import type { CoroutineHandle, Operation } from "../core/awaitable.ts";
import { CancellableAwaiter } from "../cancellation/_cancellable_awaiter.ts";
import type { End } from "./_source.ts";

/** Not started. */
export const INITIAL = 0;
/** Running, or suspended on something other than `emit`; a pull is outstanding. */
export const RUNNING = 1;
/** Suspended in `emit`, until the next pull. */
export const PARKED = 2;
/** Ended (returned, threw, or stopped and unwound). */
export const DONE = 3;

/** What the waits need of their run. */
export interface RunState<T> {
  state: number;
  /** The coroutine consumer, while it waits for a value. */
  waiting: PullWaiter<T> | null;
  readonly emitter: EmitWaiter<T>;
  /** Hands an emitted value over; returns the waiting consumer's handle to transfer to. */
  deliver(value: T): CoroutineHandle | null;
  /** A finished run's answer to a pull: its error once, then `END`. */
  finishedPull(): End;
  describe(): string;
}

/**
 * The decision `awaitSuspend` returns: the handle to transfer to, if `begin()` chose one, else
 * `true` (stay suspended). `CancellableAwaiter` declares `boolean`, narrower than the
 * `SimpleAwaitable` contract (`void | boolean | CoroutineHandle`) the driver implements, hence
 * the cast.
 */
function takeTransfer(waiter: { transfer: CoroutineHandle | null }): boolean {
  const transfer = waiter.transfer;
  if (transfer === null) return true;
  waiter.transfer = null;
  return transfer as unknown as boolean;
}

/** The operation `emit(value)` returns. */
export class EmitOperation<T> implements Operation<void> {
  readonly #run: RunState<T>;
  readonly #value: T;

  constructor(run: RunState<T>, value: T) {
    this.#run = run;
    this.#value = value;
  }

  [Symbol.iterator](): Iterator<Suspension, void, unknown> {
    const run = this.#run;
    if (run.state !== RUNNING) {
      throw new TypeError(
        run.state === DONE
          ? "stream: emit() after the stream ended (its producer returned or was stopped)"
          : "stream: emit() while another emit() waits: await each emit() before the next",
      );
    }
    return run.emitter.prepare(this.#value)[Symbol.iterator]();
  }
}

installThenTrap(EmitOperation.prototype, "an Operation (a stream's emit)");

/** The producer parked in `emit`, until the next pull. One per run, reused. */
export class EmitWaiter<T> extends CancellableAwaiter<void> {
  readonly #run: RunState<T>;
  #value: T | undefined = undefined;
  #handle: CoroutineHandle | null = null;
  /** Set by `begin()`: the handle `awaitSuspend` transfers to. */
  transfer: CoroutineHandle | null = null;

  constructor(run: RunState<T>) {
    super();
    this.#run = run;
  }

  prepare(value: T): this {
    this.#value = value;
    return this;
  }

  override awaitSuspend(handle: CoroutineHandle): boolean {
    this.#handle = handle;
    if (!super.awaitSuspend(handle)) return false;
    return takeTransfer(this);
  }

  protected begin(): void {
    const value = this.#value as T;
    this.#value = undefined;
    this.#run.state = PARKED;
    this.transfer = this.#run.deliver(value);
  }

  protected stop(): void {
    // Cancelled or destroyed in emit, or released for a transfer: the producer runs on.
    this.#handle = null;
    if (this.#run.state === PARKED) this.#run.state = RUNNING;
  }

  protected result(): void {}

  /** Releases the parked producer without resuming it; returns its handle to transfer to. */
  release(): CoroutineHandle {
    const handle = this.#handle!;
    this[Symbol.dispose]();
    return handle;
  }

  /** Resumes the parked producer (from outside a coroutine consumer). */
  resumeProducer(): void {
    this.#run.state = RUNNING;
    this.#handle = null;
    this.wake();
  }

  override toString(): string {
    return "stream(): emit() waiting for the consumer's next pull";
  }
}

/** A coroutine consumer waiting for the next value. One per run, reused. */
export class PullWaiter<T> extends CancellableAwaiter<T | End> {
  readonly #run: RunState<T>;
  #value: T | undefined = undefined;
  #handle: CoroutineHandle | null = null;
  /** Set by `begin()`: the handle `awaitSuspend` transfers to. */
  transfer: CoroutineHandle | null = null;
  #finished = false;

  constructor(run: RunState<T>) {
    super();
    this.#run = run;
  }

  override awaitSuspend(handle: CoroutineHandle): boolean {
    this.#handle = handle; // kept for the producer's emit to transfer to
    if (!super.awaitSuspend(handle)) return false;
    return takeTransfer(this);
  }

  protected begin(): void {
    const run = this.#run;
    run.waiting = this; // the producer's next emit transfers to us
    if (run.state === PARKED) {
      // Too deep to run the producer nested (see canResumeInline): transfer to it instead.
      run.state = RUNNING;
      this.transfer = run.emitter.release();
    }
  }

  protected stop(): void {
    this.#handle = null;
    if (this.#run.waiting === this) this.#run.waiting = null;
  }

  protected result(): T | End {
    if (this.#finished) {
      this.#finished = false;
      return this.#run.finishedPull();
    }
    const value = this.#value as T;
    this.#value = undefined;
    return value;
  }

  /** Takes `value` and releases this waiter without resuming; returns its handle to transfer to. */
  handOver(value: T): CoroutineHandle {
    const handle = this.#handle!;
    this.#value = value;
    this[Symbol.dispose]();
    return handle;
  }

  /** The producer ended: resume with `END` or its error. */
  finish(): void {
    this.#finished = true;
    this.#run.waiting = null;
    this.#handle = null;
    this.wake();
  }

  override toString(): string {
    return `stream(): waiting for the producer's next value (the producer is ${this.#run.describe()})`;
  }
}
