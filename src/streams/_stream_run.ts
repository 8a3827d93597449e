/**
 * One run of a `stream()` producer: a root coroutine that hands values to one consumer, with the
 * semantics of an async generator (the producer runs only while a pull is outstanding, and each
 * `emit` waits until the next pull).
 *
 * The consumer is either a coroutine (`forEach`: it waits in {@linkcode PullWaiter}) or promise
 * based (`for await`: `next()` leaves its resolvers here). Between two coroutines, a pull runs
 * the parked producer at once, nested on the consumer's stack (`resumeInline`); if the producer
 * emits before it suspends on anything else, the consumer takes the value without suspending.
 * Otherwise the consumer waits, and the producer's `emit` resumes it by symmetric transfer (its
 * handle returned from `awaitSuspend`). Past a nesting bound, the pull suspends and transfers to
 * the producer the same way, so the native stack stays bounded. No value crosses through the driver's queue, a Promise or
 * a closure.
 *
 * | state   | pull                                  | emit(v)                  | producer ends   | stop                       |
 * | ------- | ------------------------------------- | ------------------------ | --------------- | -------------------------- |
 * | INITIAL | start the producer now → RUNNING      | —                        | —               | → DONE (it never runs)     |
 * | RUNNING | (one pull at a time)                  | hand v over → PARKED     | → DONE, tell the consumer `END` or the error | cancel it, wait for DONE |
 * | PARKED  | run the producer → RUNNING            | TypeError (concurrent)   | —               | cancel it, wait for DONE   |
 * | DONE    | `END` (a pending error once)          | TypeError                | —               | nothing                    |
 *
 * @module
 */

import { type Completion, Driver } from "../core/_driver.ts";
import { runNow } from "../core/_trampoline.ts";
import { newRoot } from "../core/_root.ts";
import { toOperation } from "../core/_operation.ts";
import type { Awaitable, CoroutineHandle, Operation } from "../core/awaitable.ts";
import { Awaiter, type AwaitOp } from "../core/awaiter.ts";
import { CancellationDomain } from "../cancellation/cancellation_domain.ts";
import { CancelledError } from "../cancellation/cancelled_error.ts";
import { END, type End } from "./_source.ts";
import {
  DONE,
  EmitOperation,
  EmitWaiter,
  INITIAL,
  PARKED,
  PullWaiter,
  RUNNING,
  type RunState,
} from "./_stream_waiters.ts";

export { DONE, INITIAL, PARKED } from "./_stream_waiters.ts";

/**
 * How many producers run nested inside pulls on the native stack right now. Past
 * {@linkcode INLINE_PULLS}, a pull suspends and transfers to the producer instead, so that a deep
 * pipeline of streams stays within the native stack.
 */
let inlineDepth = 0;
const INLINE_PULLS = 32;

/** Whether a pull may run a parked producer nested on its own stack. */
export function canResumeInline(): boolean {
  return inlineDepth < INLINE_PULLS;
}

/** What a producer is: called once, on the first pull, with `emit`. */
export type Producer<T> = (emit: (value: T) => Operation<void>) => unknown;

/** The reason a producer is cancelled with when its consumer stops. */
const CONSUMER_STOPPED = "the stream's consumer stopped";

/** The `{ done: true }` a finished stream gives `for await`. */
export const DONE_RESULT: IteratorReturnResult<undefined> = Object.freeze({
  done: true as const,
  value: undefined,
});

/** One run of a producer for one consumer; see the module's state table. */
export class StreamRun<T> implements Completion, RunState<T> {
  state = INITIAL;
  readonly #producer: Producer<T>;
  readonly #parent: CancellationDomain | null;
  #domain: CancellationDomain | null = null;
  readonly emitter: EmitWaiter<T> = new EmitWaiter(this);
  readonly puller: PullWaiter<T> = new PullWaiter(this);
  /** The coroutine consumer, while it waits for a value. */
  waiting: PullWaiter<T> | null = null;
  /** A promise consumer's pending `next()`. */
  #resolveNext: ((r: IteratorResult<T, undefined>) => void) | null = null;
  #rejectNext: ((error: unknown) => void) | null = null;
  /** A value emitted while the producer was started from inside a pull. */
  #slot: T | undefined = undefined;
  #hasSlot = false;
  /** The producer's error, not yet given to a consumer. */
  #failed = false;
  #error: unknown = undefined;
  /** Set once the consumer stopped: the producer's end is then cleanup, not a value. */
  #stopped = false;
  /** An error the producer threw while unwinding after the consumer stopped. */
  cleanupFailed = false;
  cleanupError: unknown = undefined;
  /** Who waits for the producer to finish unwinding. */
  readonly #endWaiters: Completion[] = [];
  /** The `emit` function the producer receives. */
  readonly emit = (value: T): Operation<void> => new EmitOperation(this, value);

  constructor(producer: Producer<T>, parent: CancellationDomain | null) {
    this.#producer = producer;
    this.#parent = parent;
  }

  /** Starts the producer now, on this stack; it runs until it first suspends or ends. */
  start(): void {
    this.state = RUNNING;
    const domain = this.#domain = new CancellationDomain(this.#parent ?? undefined);
    let operation: Operation<unknown>;
    try {
      const body = this.#producer(this.emit);
      if (body === null || typeof body !== "object") {
        throw new TypeError(
          "stream(producer): the producer must be a generator function " +
            "(function* (emit) { yield* emit(value); }), or return an operation",
        );
      }
      operation = toOperation(
        body as Awaitable<unknown>,
        "stream(producer): what the producer returned",
      );
    } catch (error) {
      this.complete(true, error);
      return;
    }
    runNow(newRoot(operation, domain, this));
  }

  /**
   * A coroutine consumer's pull while the producer is parked: runs the producer now, nested on
   * the consumer's stack, until it parks again (its value then waits in the slot), suspends on
   * something else, or ends. The consumer suspends only in the last two cases, so a value that
   * is ready costs one coroutine switch (the producer's), not two.
   */
  resumeInline(): void {
    this.state = RUNNING;
    const owner = (this.emitter.release() as AwaitOp<unknown>).take();
    if (owner === null) return;
    if (!(owner instanceof Driver)) {
      owner.wake(false); // not a driver we can run here: resume it the ordinary way
      return;
    }
    inlineDepth++;
    try {
      runNow(owner);
    } finally {
      inlineDepth--;
    }
  }

  /** A value is waiting from a start inside a pull: take it. */
  takeSlot(): T | typeof NO_VALUE {
    if (!this.#hasSlot) return NO_VALUE;
    const value = this.#slot as T;
    this.#hasSlot = false;
    this.#slot = undefined;
    return value;
  }

  /** A finished stream's answer to a pull: its error once, then `END`. */
  finishedPull(): End {
    if (this.#failed) {
      const error = this.#error;
      this.#failed = false;
      this.#error = undefined;
      throw error;
    }
    return END;
  }

  /** Where an emitted value goes: the waiting coroutine (returned, to transfer to), or else. */
  deliver(value: T): CoroutineHandle | null {
    const waiting = this.waiting;
    if (waiting !== null) return waiting.handOver(value);
    const resolve = this.#resolveNext;
    if (resolve !== null) {
      this.#resolveNext = this.#rejectNext = null;
      resolve({ done: false, value });
    } else {
      this.#slot = value;
      this.#hasSlot = true;
    }
    return null;
  }

  /** `for await`'s `next()`. */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#stopped) return Promise.resolve(DONE_RESULT);
    if (this.state === DONE) {
      if (!this.#failed) return Promise.resolve(DONE_RESULT);
      try {
        this.finishedPull();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#resolveNext !== null) {
      throw new TypeError("stream: next() was called while the previous next() was pending");
    }
    const { promise, resolve, reject } = Promise.withResolvers<IteratorResult<T, undefined>>();
    this.#resolveNext = resolve;
    this.#rejectNext = reject;
    if (this.state === INITIAL) this.start();
    else this.emitter.resumeProducer(); // PARKED: emit returns, the producer goes on
    return promise;
  }

  /**
   * The consumer stops: cancel the producer (or never start it). Returns false once the producer
   * has finished (at once, or already), true while it still unwinds.
   */
  stop(): boolean {
    const resolve = this.#resolveNext;
    if (resolve !== null) {
      this.#resolveNext = this.#rejectNext = null;
      resolve(DONE_RESULT);
    }
    if (this.state === INITIAL) this.state = DONE;
    if (this.state === DONE) {
      this.#failed = false;
      this.#error = undefined;
      return false;
    }
    this.#stopped = true;
    this.#domain!.cancel(CONSUMER_STOPPED);
    return this.state !== DONE;
  }

  /** Tells `completion` when the producer has finished (now, if it has). */
  whenDone(completion: Completion): void {
    if (this.state === DONE) completion.complete(false, undefined, false);
    else this.#endWaiters.push(completion);
  }

  /** @ignore No longer waiting for the end (a destroyed waiter). */
  forget(completion: Completion): void {
    const i = this.#endWaiters.indexOf(completion);
    if (i >= 0) this.#endWaiters.splice(i, 1);
  }

  /** The producer's root ended. */
  complete(threw: boolean, outcome: unknown): void {
    this.state = DONE;
    this.#domain?.[Symbol.dispose](); // detach from the consumer's domain
    if (this.#stopped) {
      if (threw && !(outcome instanceof CancelledError)) {
        this.cleanupFailed = true;
        this.cleanupError = outcome;
      }
    } else if (threw) {
      this.#failed = true;
      this.#error = outcome;
    }
    const waiting = this.waiting;
    const reject = this.#rejectNext;
    const resolve = this.#resolveNext;
    this.#resolveNext = this.#rejectNext = null;
    if (waiting !== null) {
      waiting.finish();
    } else if (resolve !== null) {
      if (this.#failed) {
        this.#failed = false;
        reject!(this.#error);
        this.#error = undefined;
      } else {
        resolve(DONE_RESULT);
      }
    }
    const endWaiters = this.#endWaiters.splice(0);
    for (const w of endWaiters) w.complete(false, undefined, false);
  }

  describe(): string {
    return this.state === PARKED ? "parked in emit()" : "running";
  }
}

/** What `takeSlot()` gives when no value is waiting. */
export const NO_VALUE: unique symbol = Symbol("no value");

/** Waits, without being cancellable, until a stopped producer has unwound. */
export class EndWaiter<T> extends Awaiter<void> implements Completion {
  readonly #run: StreamRun<T>;
  #handle: CoroutineHandle | null = null;

  constructor(run: StreamRun<T>) {
    super();
    this.#run = run;
  }

  awaitReady(): boolean {
    return this.#run.state === DONE;
  }

  awaitSuspend(handle: CoroutineHandle): boolean {
    this.#handle = handle;
    this.#run.whenDone(this);
    return true;
  }

  awaitResume(): void {
    const run = this.#run;
    if (run.cleanupFailed) {
      run.cleanupFailed = false;
      throw run.cleanupError;
    }
  }

  complete(): void {
    const handle = this.#handle;
    this.#handle = null;
    handle?.resume();
  }

  [Symbol.dispose](): void {
    this.#handle = null;
    this.#run.forget(this);
  }

  override toString(): string {
    return "stream(): waiting for its stopped producer to unwind";
  }
}
