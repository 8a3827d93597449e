/**
 * The functions `task()` returns: they make a `Task` per call, forwarding the arguments to the
 * body, and take the frame at the call when the first argument is `allocatorArg`.
 *
 * @module
 */

import { resourceOf } from "../memory/_frame.ts";
import type { Suspension } from "./_runtime.ts";
import { TaskExtras } from "./_task_extras.ts";
import { allocatorArg } from "../memory/allocator_arg.ts";
import { Task } from "./task.ts";

/**
 * Builds the task function. For bodies of up to three declared parameters it forwards them by
 * name, which engines call about twice as fast as `apply(this, arguments)`; calls with extra
 * arguments take the general path.
 */
export function wrap<A extends unknown[], T>(
  body: (...args: A) => Generator<Suspension, T, unknown>,
): (...args: A) => Task<T> {
  type Body = (this: unknown, ...args: unknown[]) => Generator<Suspension, T, unknown>;
  const b = body as unknown as Body;
  function general(this: unknown): Task<T> {
    const args = arguments as unknown as unknown[];
    const ext = args[0] === allocatorArg ? framed(args[1]) : null;
    return new Task(b.apply(this, args), ext);
  }
  let fn: (this: unknown, ...args: unknown[]) => Task<T>;
  switch (body.length) {
    case 0:
      fn = function (this: unknown): Task<T> {
        if (arguments.length !== 0) return general.apply(this, arguments as never);
        return new Task(b.call(this), null);
      };
      break;
    case 1:
      fn = function (this: unknown, a0: unknown): Task<T> {
        if (arguments.length !== 1) return general.apply(this, arguments as never);
        return new Task(b.call(this, a0), null);
      };
      break;
    case 2:
      fn = function (this: unknown, a0: unknown, a1: unknown): Task<T> {
        if (arguments.length !== 2) return general.apply(this, arguments as never);
        const ext = a0 === allocatorArg ? framed(a1) : null;
        return new Task(b.call(this, a0, a1), ext);
      };
      break;
    case 3:
      fn = function (this: unknown, a0: unknown, a1: unknown, a2: unknown): Task<T> {
        if (arguments.length !== 3) return general.apply(this, arguments as never);
        const ext = a0 === allocatorArg ? framed(a1) : null;
        return new Task(b.call(this, a0, a1, a2), ext);
      };
      break;
    default:
      fn = general;
  }
  return fn as unknown as (...args: A) => Task<T>;
}

/**
 * The extras of a task called with `allocatorArg`: its frame, taken at the call (before the body
 * exists) so that a budget or a counting resource sees it, and a bad allocator is a `TypeError`
 * at the call.
 */
function framed(allocator: unknown): TaskExtras {
  const ext = new TaskExtras(resourceOf(allocator));
  ext.takeFrame();
  return ext;
}

/** Names a non-generator argument of `task()` for its error message. */
export function describe(value: unknown): string {
  if (typeof value === "function") {
    const kind = value.constructor?.name ?? "Function";
    return `${kind === "Function" ? "a plain function" : `an ${kind}`} ${
      value.name || "(anonymous)"
    }`;
  }
  return value === null ? "null" : typeof value;
}
