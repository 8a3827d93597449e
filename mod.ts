/**
 * `@coro/task`: the lazy coroutine task of C++ paper P1056 (`std::lazy<T>`) for JavaScript.
 *
 * A task is a generator function wrapped by {@linkcode task}. Calling it returns an armed
 * {@linkcode Task} that has not started; awaiting it with `yield*` inside another task runs it at
 * once on the awaiter's stack, with no Promise, no microtask and no scheduler, and nesting depth
 * is bounded by memory, not by the native stack. `syncAwait` and `start` bridge to ordinary code;
 * cancellation belongs to {@linkcode CancellationDomain}s; frames come from pmr-style memory
 * resources in a WebAssembly heap.
 *
 * @example
 * ```ts
 * import { coAwait, start, task } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * interface Rec {
 *   id: number;
 *   description: string;
 * }
 * const store = new Map<number, Rec>([[123, { id: 123, description: "" }]]);
 *
 * const loadRecord = task(function* (id: number) {
 *   return yield* coAwait(Promise.resolve({ ...store.get(id)! }));
 * });
 * const saveRecord = task(function* (r: Rec) {
 *   yield* coAwait(Promise.resolve(store.set(r.id, r)));
 * });
 * const modifyRecord = task(function* () {
 *   const r = yield* loadRecord(123);
 *   r.description = "Look, ma, no blocking!";
 *   yield* saveRecord(r);
 * });
 *
 * await start(modifyRecord());
 * assert.equal(store.get(123)!.description, "Look, ma, no blocking!");
 * ```
 *
 * @module
 */

export { Task, task, type TaskStatus } from "./src/task.ts";
export { TaskStateError } from "./src/task_state_error.ts";
export { syncAwait, type SyncAwaitOptions } from "./src/sync_await.ts";
export { SyncAwaitError } from "./src/sync_await_error.ts";
export { start, type StartOptions } from "./src/start.ts";
export {
  type Awaitable,
  coAwaitSymbol,
  type CoroutineHandle,
  type Operation,
  type SimpleAwaitable,
  type Suspension,
} from "./src/awaitable.ts";
export { coAwait } from "./src/co_await.ts";
export { Awaiter } from "./src/awaiter.ts";
export { ready } from "./src/ready.ts";
export {
  type Executor,
  inlineExecutor,
  macrotaskExecutor,
  microtaskExecutor,
} from "./src/executor.ts";
export { ManualExecutor } from "./src/manual_executor.ts";
export { schedule } from "./src/schedule.ts";
export { via } from "./src/via.ts";
export { spawn } from "./src/spawn.ts";
export { CancellationDomain, type CancellationListener } from "./src/cancellation_domain.ts";
export { CancelledError } from "./src/cancelled_error.ts";
export { withDomain } from "./src/with_domain.ts";
export { currentDomain } from "./src/current_domain.ts";
export { sleep } from "./src/sleep.ts";
export { type SettledResult, whenAll, whenAllSettled } from "./src/when_all.ts";
export { type AnyResult, whenAny } from "./src/when_any.ts";
export { fork, type Forked, join } from "./src/fork.ts";
export type { AwaitResult } from "./src/await_result.ts";
export { allocatorArg } from "./src/allocator_arg.ts";
export type { MemoryResource, ResourceStats } from "./src/memory_resource.ts";
export { type ArenaOptions, ArenaResource } from "./src/arena_resource.ts";
export { type PoolOptions, PoolResource } from "./src/pool_resource.ts";
export { PolymorphicAllocator } from "./src/polymorphic_allocator.ts";
export { newDeleteResource } from "./src/new_delete_resource.ts";
export { nullResource } from "./src/null_resource.ts";
export { getDefaultResource, setDefaultResource } from "./src/default_resource.ts";
export { BadAllocError } from "./src/bad_alloc_error.ts";
export { frameBuffer } from "./src/frame_buffer.ts";
