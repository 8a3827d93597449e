/**
 * The benchmarks' single door into `@coro/task` (`../mod.ts`).
 *
 * The core API (tasks, bridges, awaiters) is imported with its types. Features that may land later
 * (allocators, cancellation domains) are looked up at run time through {@linkcode optional}, so
 * the suite type-checks and runs before they exist and skips their workloads with a note.
 *
 * @module
 */

import * as coro from "../mod.ts";

export { Awaiter, coAwait, PoolResource, ready, start, syncAwait, task } from "../mod.ts";
// Allocators (issue 13): frame buffers from an arena for bench/scratch.ts.
export {
  allocatorArg,
  ArenaResource,
  frameBuffer,
  getDefaultResource,
  newDeleteResource,
} from "../mod.ts";
export type { CoroutineHandle, SimpleAwaitable, Task } from "../mod.ts";

/** What a task body yields (the core's internal suspension type), derived from `task`'s type. */
export type CoroYield = ReturnType<Parameters<typeof coro.task>[0]> extends
  Generator<infer S, unknown, unknown> ? S : never;

/** The type of a task body's generator, for annotating recursive tasks. */
export type Body<T> = Generator<CoroYield, T, unknown>;

/** Something a task body can `yield*` for a `T`. */
export type Op<T> = { [Symbol.iterator](): Iterator<CoroYield, T, unknown> };

/** The subset of the later-landing API that the benchmarks use, typed loosely. */
export interface OptionalApi {
  allocatorArg: symbol | object;
  ArenaResource: new (opts?: { initialSize?: number }) => {
    release(): void;
    [Symbol.dispose](): void;
  };
  CancellationDomain: new (parent?: unknown) => {
    cancel(reason?: unknown): void;
    readonly cancelled: boolean;
    readonly signal: AbortSignal;
  };
  withDomain: <T>(domain: unknown, t: Op<T>) => Op<T>;
  sleep: (ms: number) => Op<void>;
  CancelledError: new (...a: unknown[]) => Error;
}

const ns = coro as unknown as Partial<OptionalApi>;

/** Returns the named exports if `mod.ts` has all of them, else `undefined`. */
export function optional<K extends keyof OptionalApi>(
  ...names: K[]
): Pick<OptionalApi, K> | undefined {
  for (const n of names) if (ns[n] === undefined) return undefined;
  return ns as Pick<OptionalApi, K>;
}

// AsyncScope (issue 11): roots without a Promise each, for bench/suspended_memory.ts.
export { AsyncScope } from "../mod.ts";
// Streams (issue 12): channels and streams for bench/streams.ts.
export { Channel, forEach, stream, whenAll } from "../mod.ts";
