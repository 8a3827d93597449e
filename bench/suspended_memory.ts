/**
 * Memory held by 100,000 suspended tasks: Wasm heap bytes per frame and JS heap bytes per task,
 * against 100,000 suspended async functions (issue: "Memory held by 100k suspended tasks").
 *
 * Each task is a two-level chain (a task awaiting a child task awaiting a gate that is never
 * opened), the smallest shape that keeps a frame for both levels. Heap figures are read after a
 * full GC (`--expose-gc`): the reading after the chains are made minus the one before, divided by
 * their count. Two rounds, the second reported (the first makes compiled code and feedback that
 * would otherwise be counted).
 *
 * Run: `deno run --v8-flags=--expose-gc bench/suspended_memory.ts [--count=N]` prints a table.
 * `deno task bench` runs it too, as workload `Suspended` (`suspended.ts`), in a child process with
 * `--json`: one JSON line, `{"ok":true,"count":N,"rows":[{"name","js","wasm"}, ...]}`.
 *
 * @module
 */

import v8 from "node:v8";
import {
  AsyncScope,
  Awaiter,
  type CoroutineHandle,
  getDefaultResource,
  start,
  task,
} from "./_coro.ts";

/** Chains held at once by default. */
export const COUNT = 100_000;
/** Row names, the same as in the other tables. */
export const SUSPENDED_ROWS = {
  coro: "@coro/task",
  scope: "@coro/task, each chain spawned into one AsyncScope",
  async: "async/await",
} as const;

/** An awaitable that keeps every waiter suspended until `open()`. */
class Gate extends Awaiter<void> {
  readonly waiters: CoroutineHandle[] = [];
  awaitReady(): boolean {
    return false;
  }
  awaitSuspend(h: CoroutineHandle): void {
    this.waiters.push(h);
  }
  awaitResume(): void {}
  open(): void {
    for (const h of this.waiters.splice(0)) h.resume();
  }
}

function gcAndMeasure(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  gc();
  gc();
  return v8.getHeapStatistics().used_heap_size;
}

/** Bytes of JS heap and Wasm heap per suspended chain, for tasks. */
export async function suspendedTasks(count = COUNT): Promise<{ js: number; wasm: number }> {
  const gate = new Gate();
  const child = task(function* () {
    yield* gate;
  });
  const parent = task(function* () {
    yield* child();
  });
  const jsBefore = gcAndMeasure();
  const wasmBefore = getDefaultResource().stats.bytesInUse;
  const done: Promise<void>[] = [];
  for (let i = 0; i < count; i++) done.push(start(parent()));
  const js = (gcAndMeasure() - jsBefore) / count;
  const wasm = (getDefaultResource().stats.bytesInUse - wasmBefore) / count;
  gate.open();
  await Promise.all(done);
  return { js, wasm };
}

/**
 * The same chains as {@linkcode suspendedTasks}, each started by `AsyncScope.spawn` instead of
 * `start()`: a root of its own with no Promise, so what `start()` adds per root (its Promise, the
 * two resolving functions and their context, the completion holding them) is left out, and the
 * scope's own record of each member is counted.
 */
export async function suspendedInScope(count = COUNT): Promise<{ js: number; wasm: number }> {
  const gate = new Gate();
  const child = task(function* () {
    yield* gate;
  });
  const parent = task(function* () {
    yield* child();
  });
  const scope = new AsyncScope();
  const jsBefore = gcAndMeasure();
  const wasmBefore = getDefaultResource().stats.bytesInUse;
  for (let i = 0; i < count; i++) scope.spawn(parent());
  const js = (gcAndMeasure() - jsBefore) / count;
  const wasm = (getDefaultResource().stats.bytesInUse - wasmBefore) / count;
  gate.open();
  await scope.closed();
  return { js, wasm };
}

/** Bytes of JS heap per suspended chain, for async functions. */
export async function suspendedAsync(count = COUNT): Promise<{ js: number; wasm: number }> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  async function child(): Promise<void> {
    await gate;
  }
  async function parent(): Promise<void> {
    await child();
  }
  const before = gcAndMeasure();
  const done: Promise<void>[] = [];
  for (let i = 0; i < count; i++) done.push(parent());
  const js = (gcAndMeasure() - before) / count;
  release();
  await Promise.all(done);
  return { js, wasm: 0 };
}

if (import.meta.main) {
  const countArg = Deno.args.find((a) => a.startsWith("--count="));
  const count = countArg ? Number(countArg.slice(8)) : COUNT;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`bad ${countArg}`);
  const rows: [string, { js: number; wasm: number }][] = [];
  for (let round = 0; round < 2; round++) {
    rows.length = 0;
    rows.push([SUSPENDED_ROWS.coro, await suspendedTasks(count)]);
    rows.push([SUSPENDED_ROWS.scope, await suspendedInScope(count)]);
    rows.push([SUSPENDED_ROWS.async, await suspendedAsync(count)]);
  }
  if (Deno.args.includes("--json")) {
    const out = rows.map(([name, m]) => ({ name, ...m }));
    console.log(JSON.stringify({ ok: true, count, rows: out }));
  } else {
    const head = `${count.toLocaleString("en-US")} suspended two-level chains`;
    console.log(`| ${head} | JS heap B/chain | Wasm heap B/chain |`);
    console.log("| --- | ---: | ---: |");
    for (const [name, m] of rows) {
      console.log(`| ${name} | ${m.js.toFixed(0)} | ${m.wasm.toFixed(0)} |`);
    }
  }
}
