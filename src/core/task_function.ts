/**
 * `task()`, and the functions it returns: they make a `Task` per call, forwarding the arguments
 * to the body, and check the allocator at the call when the first argument is `allocatorArg`.
 *
 * @module
 */

import { optionsObject } from "./_options.ts";
import { resourceOf } from "../memory/_frame.ts";
import type { MemoryResource } from "../memory/memory_resource.ts";
import type { Suspension } from "./_runtime.ts";
import { allocatorArg as allocatorArgSymbol } from "../memory/allocator_arg.ts";
import { Task, TASK_TOKEN } from "./task.ts";
import { callSite, recordTaskInfo, type TaskInfo } from "./_stack.ts";

// Module-local aliases: an imported binding is a cell that V8 loads and checks for its temporal
// dead zone at every call of a task function.
const NewTask = Task;
const token: typeof TASK_TOKEN = TASK_TOKEN;
const allocatorArg = allocatorArgSymbol;

/** Whether `a0` is `allocatorArg`: typed, so V8 compares references, not any two values. */
function isAllocatorArg(a0: unknown): boolean {
  return typeof a0 === "symbol" && a0 === allocatorArg;
}

/**
 * Builds the task function. For bodies of up to three declared parameters it forwards them by
 * name, which engines call about twice as fast as `apply(this, arguments)`; calls with extra
 * arguments take the general path.
 */
function wrap<A extends unknown[], T>(
  body: (...args: A) => Generator<Suspension, T, unknown>,
): (...args: A) => Task<T> {
  type Body = (this: unknown, ...args: unknown[]) => Generator<Suspension, T, unknown>;
  const b = body as unknown as Body;
  function general(this: unknown): Task<T> {
    const args = arguments as unknown as unknown[];
    const resource = isAllocatorArg(args[0]) ? framed(args.length, args[1]) : null;
    return new NewTask(token, b.apply(this, args), resource);
  }
  let fn: (this: unknown, ...args: unknown[]) => Task<T>;
  switch (body.length) {
    case 0:
      fn = function (this: unknown): Task<T> {
        if (arguments.length !== 0) return general.apply(this, arguments as never);
        return new NewTask(token, b.call(this), null);
      };
      break;
    case 1:
      fn = function (this: unknown, a0: unknown): Task<T> {
        if (arguments.length !== 1 || isAllocatorArg(a0)) {
          return general.apply(this, arguments as never);
        }
        return new NewTask(token, b.call(this, a0), null);
      };
      break;
    case 2:
      fn = function (this: unknown, a0: unknown, a1: unknown): Task<T> {
        if (arguments.length !== 2) return general.apply(this, arguments as never);
        const resource = isAllocatorArg(a0) ? framed(2, a1) : null;
        return new NewTask(token, b.call(this, a0, a1), resource);
      };
      break;
    case 3:
      fn = function (this: unknown, a0: unknown, a1: unknown, a2: unknown): Task<T> {
        if (arguments.length !== 3) return general.apply(this, arguments as never);
        const resource = isAllocatorArg(a0) ? framed(3, a1) : null;
        return new NewTask(token, b.call(this, a0, a1, a2), resource);
      };
      break;
    default:
      fn = general;
  }
  return fn as unknown as (...args: A) => Task<T>;
}

/**
 * The allocator of a task called with `allocatorArg`: the resource its frame will come from when
 * it first needs one (a task that completes inline never takes it, like any other task). The
 * allocator is checked here, before the body exists, so a bad one is a `TypeError` at the call
 * and a call that throws (a default parameter) has taken nothing.
 */
function framed(argc: number, allocator: unknown): MemoryResource {
  if (argc < 2) {
    throw new TypeError(
      "allocatorArg must be followed by a MemoryResource or a PolymorphicAllocator, got " +
        "nothing: call the task as f(allocatorArg, resource, ...args)",
    );
  }
  return resourceOf(allocator);
}

/** Names a non-generator argument of `task()` for its error message. */
function describe(value: unknown): string {
  if (typeof value === "function") {
    const kind = value.constructor?.name ?? "Function";
    return `${kind === "Function" ? "a plain function" : `an ${kind}`} ${
      value.name || "(anonymous)"
    }`;
  }
  return value === null ? "null" : typeof value;
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;

/**
 * Turns a generator function into a task function: calling it returns an armed
 * {@linkcode Task} and runs none of the body. Inside the body, `yield*` awaits tasks and other
 * awaitables; a plain `yield` is rejected (paper XX.1.3 clause 7).
 *
 * If the task function is called with {@linkcode allocatorArg} first, the next argument (a
 * `MemoryResource` or `PolymorphicAllocator`) supplies the task's frame (paper XX.1.3 clause 6),
 * checked at the call and taken when first needed; the body still receives every argument.
 *
 * An error that leaves the task carries it in its `stack` as `at async name (where task() was
 * called)`, like an async function's frame: the name is the generator function's own
 * (`function* loadRecord`), or `options.name` for an anonymous one.
 *
 * @typeParam A The parameters of the generator function.
 * @typeParam T The task's eventual type: the generator's return type.
 * @param body A generator function (`function*`).
 * @param options A name for stack traces, where the body has none.
 * @returns A function with the same parameters that returns a `Task<T>`.
 * @throws {TypeError} If `body` is not a generator function, or `options.name` not a string.
 *
 * @example
 * ```ts
 * import { ready, syncAwait, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const asyncRead = () => ready(4); // an operation that happens to be ready
 * const subtask = task(function* () {
 *   return yield* asyncRead();
 * });
 * const coroRefactored = task(function* (n: number) {
 *   let result = 0;
 *   for (let i = 0; i < n; i++) result += yield* subtask();
 *   return result;
 * });
 * assert.equal(syncAwait(coroRefactored(1000)), 4000);
 * ```
 */
export function task<A extends unknown[], T>(
  body: (...args: A) => Generator<Suspension, T, unknown>,
  options?: TaskOptions,
): (...args: A) => Task<T> {
  if (!(body instanceof GeneratorFunction)) {
    throw new TypeError(
      `task() takes a generator function (function* ...), got ${describe(body)}: ` +
        "write the body as function* and await with yield*",
    );
  }
  const name = optionsObject("task(body, options)", options, "{ name }").name ?? body.name;
  if (typeof name !== "string") {
    throw new TypeError(`task(body, { name }): name must be a string, got ${typeof name}`);
  }
  // Read back from a generator only when an error leaves the task: the hot path never sees it.
  const info: TaskInfo = { name, site: callSite(task) };
  recordTaskInfo(body, info);
  return wrap(body);
}

/** Options of {@linkcode task}. */
export interface TaskOptions {
  /** The task's name in stack traces (default: the generator function's own name). */
  name?: string;
}
