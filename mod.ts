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

export { Task } from "./src/core/task.ts";
export type { TaskStatus } from "./src/core/task_status.ts";
export { task, type TaskOptions } from "./src/core/task_function.ts";
export { TaskStateError } from "./src/core/task_state_error.ts";
export { syncAwait, type SyncAwaitOptions } from "./src/bridges/sync_await.ts";
export { SyncAwaitError } from "./src/bridges/sync_await_error.ts";
export { start, type StartOptions } from "./src/bridges/start.ts";
export {
  type Awaitable,
  coAwaitSymbol,
  type CoroutineHandle,
  type Operation,
  type SimpleAwaitable,
  type Suspension,
} from "./src/core/awaitable.ts";
export { coAwait } from "./src/core/co_await.ts";
export { Awaiter } from "./src/core/awaiter.ts";
export { ready } from "./src/core/ready.ts";
export { type Context, createContext } from "./src/core/context.ts";
export {
  type Executor,
  inlineExecutor,
  macrotaskExecutor,
  microtaskExecutor,
} from "./src/executors/executor.ts";
export { ManualExecutor } from "./src/executors/manual_executor.ts";
export { schedule } from "./src/executors/schedule.ts";
export { via } from "./src/executors/via.ts";
export { spawn, type SpawnOptions } from "./src/executors/spawn.ts";
export {
  CancellationDomain,
  type CancellationListener,
} from "./src/cancellation/cancellation_domain.ts";
export { CancelledError } from "./src/cancellation/cancelled_error.ts";
export { withDomain } from "./src/cancellation/with_domain.ts";
export { currentDomain } from "./src/cancellation/current_domain.ts";
export { sleep } from "./src/cancellation/sleep.ts";
export {
  type SettledResult,
  whenAll,
  type WhenAllOptions,
  whenAllSettled,
} from "./src/concurrency/when_all.ts";
export { type AnyResult, whenAny } from "./src/concurrency/when_any.ts";
export { fork, type Forked, join } from "./src/concurrency/fork.ts";
export type { AwaitResult } from "./src/core/await_result.ts";
export { allocatorArg } from "./src/memory/allocator_arg.ts";
export type { MemoryResource, ResourceStats } from "./src/memory/memory_resource.ts";
export { type ArenaOptions, ArenaResource } from "./src/memory/arena_resource.ts";
export { type PoolOptions, PoolResource } from "./src/memory/pool_resource.ts";
export { PolymorphicAllocator } from "./src/memory/polymorphic_allocator.ts";
export { newDeleteResource } from "./src/memory/new_delete_resource.ts";
export { nullResource } from "./src/memory/null_resource.ts";
export { getDefaultResource, setDefaultResource } from "./src/memory/default_resource.ts";
export { BadAllocError } from "./src/memory/bad_alloc_error.ts";
export { frameBuffer } from "./src/memory/frame_buffer.ts";

// Memory (issue 13): the checked mode for frameBuffer lifetimes.
export { poisonFreedFrameBuffers } from "./src/memory/poison_freed_frame_buffers.ts";

// Building blocks for real programs (0.2): cleanup, callback wrapping, limits, scopes, signals.
export { shield } from "./src/cancellation/shield.ts";
export { action } from "./src/bridges/action.ts";
export { timeout } from "./src/cancellation/timeout.ts";
export { TimeoutError } from "./src/cancellation/timeout_error.ts";
export { Semaphore } from "./src/concurrency/semaphore.ts";
export { AsyncScope } from "./src/concurrency/async_scope.ts";
export { abortSignal } from "./src/cancellation/abort_signal.ts";

// Streams (0.2): channels, sequences in and out of tasks, events.
export { Channel } from "./src/streams/channel.ts";
export { forEach } from "./src/streams/for_each.ts";
export { type Stream, stream } from "./src/streams/stream.ts";
export { once } from "./src/streams/once.ts";
export { on } from "./src/streams/on.ts";
export type { EmitterLike } from "./src/streams/_emitter.ts";
