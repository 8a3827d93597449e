/**
 * The inputs of a group: checking and normalizing what `whenAll`, `whenAllSettled`, `whenAny`
 * and `join` were given, at the call (arguments, options) and at the await (task states).
 *
 * @module
 */

import { optionsObject } from "../core/_options.ts";
import { ForkedImpl } from "./_forked.ts";
import { toOperation } from "../core/_operation.ts";
import type { Operation } from "../core/awaitable.ts";
import { Task } from "../core/task.ts";
import { TaskStateError } from "../core/task_state_error.ts";

/** One input, normalized: an operation to start, or a fork that is already running. */
export type Input = Operation<unknown> | ForkedImpl<unknown>;

/** Reads `{ concurrency }`; a typed error at the call for anything but a positive integer. */
export function concurrencyOf(name: string, options: unknown): number {
  if (options === undefined) return Infinity;
  optionsObject(`${name}(tasks, options)`, options as object, "{ concurrency: 4 }");
  const proto = Object.getPrototypeOf(options);
  if (proto !== Object.prototype && proto !== null) {
    // Most likely an input after the array, which would otherwise be silently ignored.
    throw new TypeError(
      `${name}(tasks, options): options must be a plain object such as { concurrency: 4 }, got ` +
        `${proto?.constructor?.name ?? "an object"}: put every input in the array`,
    );
  }
  const n = (options as { concurrency?: unknown }).concurrency;
  if (n === undefined) return Infinity;
  if (typeof n !== "number") {
    throw new TypeError(
      `${name}(tasks, { concurrency }): concurrency must be a number (a positive integer, or ` +
        `Infinity for no limit), got ${typeof n}`,
    );
  }
  if (!(n >= 1) || (n !== Infinity && !Number.isInteger(n))) {
    throw new RangeError(
      `${name}(tasks, { concurrency }): concurrency must be a positive integer (or Infinity for ` +
        `no limit), got ${n}`,
    );
  }
  return n;
}

/** Turns the arguments into inputs; throws a `TypeError` for what cannot be awaited. */
export function normalize(name: string, args: readonly unknown[]): Input[] {
  const inputs: Input[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (Array.isArray(a)) {
      throw new TypeError(
        `${name}(): argument ${i} is an array, which is not an operation: pass one array ` +
          `alone (${name}(tasks)), or spread it (${name}(...tasks))`,
      );
    }
    inputs[i] = a instanceof ForkedImpl ? a : toOperation(a as Operation<unknown>, name, i);
  }
  return inputs;
}

/** Why an input cannot be started, or null. Duplicates count: a task has one owner. */
export function checkInputs(inputs: readonly Input[]): TaskStateError | null {
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
export function abandon(inputs: readonly unknown[]): void {
  for (const input of inputs) {
    if (input instanceof Task && input.status === "armed") input.destroy();
  }
}
