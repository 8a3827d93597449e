/**
 * Scratch: a task that needs 256 bytes of scratch space (issue 13), 1000 tasks per run, each
 * called by a loop task that sums what they return. The task writes a byte of its buffer and
 * reads it back, so the buffer is not dead code.
 *
 * - `@coro/task + yield* frameBuffer(256) (per-run arena)`: the task is called with
 *   `allocatorArg` and one `ArenaResource`, which is released after each run (the shape of group
 *   "scratch" in `allocators_bench.ts`);
 * - `@coro/task + new Uint8Array(256)`: the same task with a fresh typed array, which the GC frees;
 * - `floor: bump allocation in a Wasm memory + a view`: a model of the least a frame buffer can
 *   cost, in the same kind of task: one `WebAssembly.Memory`, a bump pointer reset per run, an
 *   8-byte header written through an `Int32Array`, and `new Uint8Array(buffer, ptr, 256)`. Left
 *   out: the task's frame and the record of its buffers, freeing them when the body ends, the
 *   allocator environment (`allocatorArg`, the owner question `yield*` asks), argument checks,
 *   growth (the model's memory never grows, so its buffer is fixed and read once; the library's
 *   views are over a resizable buffer where the engine has one). Not library code.
 * - `floor: the same over the library's heap buffer (resizable)`: the model bumping through a
 *   block of `newDeleteResource`, its header and views over the buffer `frameBuffer` views use
 *   (resizable in Deno): the fair floor, as views over a resizable buffer cost more to make.
 * - `@coro/task with allocatorArg and the arena, no buffer`: the frameBuffer task without its
 *   `frameBuffer`, which prices the rest: the owner question, frame and buffer, and their release.
 *
 * Target: the frameBuffer task ≤ 0.3× the `new Uint8Array(256)` task.
 *
 * @module
 */

import {
  allocatorArg,
  ArenaResource,
  frameBuffer,
  newDeleteResource,
  syncAwait,
  task,
} from "./_coro.ts";
import type { Contender, Measurement } from "./_harness.ts";
import { fmtNs, fmtRatio, nsOf } from "./_report.ts";

/** Tasks per run. */
export const SCRATCH_TASKS = 1000;
/** Bytes of scratch each task takes. */
export const SCRATCH_BYTES = 256;

/** Row names. */
export const SCRATCH_ROWS = {
  frameBuffer: "@coro/task + yield* frameBuffer(256) (per-run arena)",
  uint8Array: "@coro/task + new Uint8Array(256)",
  floor: "floor: bump allocation in a Wasm memory + a view",
  floorHeap: "floor: the same over the library's heap buffer (resizable)",
  taskAlone: "@coro/task with allocatorArg and the arena, no buffer",
} as const;

/** The answer of a run: the sum of `i & 255` (what each task stores and reads back). */
export const SCRATCH_EXPECTED: number = Array.from(
  { length: SCRATCH_TASKS },
  (_, i) => i & 255,
).reduce((a, b) => a + b);

/** Header bytes the floor writes before each buffer (size and a tag). */
const HEADER = 8;

/**
 * The floor's allocator: a bump pointer through Wasm memory, large enough for a run, reset after
 * each run. Each buffer gets an 8-byte header (its size and a tag, written through an
 * `Int32Array`) and a `Uint8Array` view over the bytes after it.
 */
class BumpMemory {
  readonly buffer: ArrayBuffer;
  readonly i32: Int32Array;
  readonly base: number;
  top: number;
  /** Bumps through `buffer` from `base` (a multiple of 8). */
  constructor(buffer: ArrayBuffer, base: number) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
    this.base = this.top = base;
  }
  take(bytes: number): Uint8Array {
    const ptr = this.top;
    this.top = ptr + HEADER + ((bytes + 7) & ~7);
    const h = ptr >> 2;
    this.i32[h] = bytes;
    this.i32[h + 1] = 0x5c_a7c4;
    return new Uint8Array(this.buffer, ptr + HEADER, bytes);
  }
}

/** A fixed-length buffer of its own Wasm memory, which never grows: the cheapest views. */
function ownMemory(bytes: number): ArrayBuffer {
  return new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) }).buffer as ArrayBuffer;
}

/**
 * A block of `bytes` from the library's heap (`newDeleteResource`), and the buffer its views are
 * made over: the heap's resizable buffer where the engine has one, as `frameBuffer` views are.
 */
function libraryHeapBlock(bytes: number): { buffer: ArrayBuffer; base: number } {
  const probe = task(function* () {
    return (yield* frameBuffer(8)).buffer as ArrayBuffer;
  });
  return { buffer: syncAwait(probe()), base: newDeleteResource.allocate(bytes, 8) };
}

/** Fresh contenders (fresh closures and tasks: no shared feedback with other workloads). */
export function scratchContenders(): Contender[] {
  const n = SCRATCH_TASKS;

  const arena = new ArenaResource({ initialSize: 1 << 20 });
  const withFrameBuffer = task(
    function* (_tag: typeof allocatorArg, _arena: ArenaResource, i: number) {
      const scratch = yield* frameBuffer(SCRATCH_BYTES);
      scratch[i & 255] = i;
      return scratch[i & 255];
    },
  );
  const loopFrameBuffer = task(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* withFrameBuffer(allocatorArg, arena, i);
    return sum;
  });

  const withUint8Array = task(function* (i: number) {
    const scratch = new Uint8Array(SCRATCH_BYTES);
    scratch[i & 255] = i;
    return scratch[i & 255];
  });
  const loopUint8Array = task(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* withUint8Array(i);
    return sum;
  });

  const runBytes = n * (HEADER + SCRATCH_BYTES);
  const bump = new BumpMemory(ownMemory(runBytes), 0);
  const withBump = task(function* (i: number) {
    const scratch = bump.take(SCRATCH_BYTES);
    scratch[i & 255] = i;
    return scratch[i & 255];
  });
  const loopBump = task(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* withBump(i);
    return sum;
  });

  // The same model over the heap frameBuffer views use; its own literals (no shared feedback).
  const block = libraryHeapBlock(runBytes);
  const heapBump = new BumpMemory(block.buffer, block.base);
  const withHeapBump = task(function* (i: number) {
    const scratch = heapBump.take(SCRATCH_BYTES);
    scratch[i & 255] = i;
    return scratch[i & 255];
  });
  const loopHeapBump = task(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* withHeapBump(i);
    return sum;
  });

  // What the frameBuffer task pays before it asks for a buffer: allocatorArg and the scoped step.
  const alone = task(function* (_tag: typeof allocatorArg, _arena: ArenaResource, i: number) {
    return i & 255;
  });
  const loopAlone = task(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* alone(allocatorArg, arena, i);
    return sum;
  });

  return [
    {
      name: SCRATCH_ROWS.frameBuffer,
      ops: n,
      run: () => {
        const r = syncAwait(loopFrameBuffer());
        arena.release();
        return r;
      },
    },
    { name: SCRATCH_ROWS.uint8Array, ops: n, run: () => syncAwait(loopUint8Array()) },
    {
      name: SCRATCH_ROWS.floor,
      ops: n,
      run: () => {
        const r = syncAwait(loopBump());
        bump.top = bump.base;
        return r;
      },
    },
    {
      name: SCRATCH_ROWS.floorHeap,
      ops: n,
      run: () => {
        const r = syncAwait(loopHeapBump());
        heapBump.top = heapBump.base;
        return r;
      },
    },
    {
      name: SCRATCH_ROWS.taskAlone,
      ops: n,
      run: () => {
        const r = syncAwait(loopAlone());
        arena.release();
        return r;
      },
    },
  ];
}

/**
 * The frameBuffer task's time in parts, from one run's rows: the task alone, a view over the
 * library's heap buffer (its floor's cost beyond the plain-task floor is not counted: the model
 * task has no allocatorArg), and what is left, frameBuffer's own operation.
 */
export function scratchParts(rows: Measurement[]): string {
  const R = SCRATCH_ROWS;
  const total = nsOf(rows, R.frameBuffer);
  const alone = nsOf(rows, R.taskAlone);
  const heapFloor = nsOf(rows, R.floorHeap);
  const own = total - alone;
  return `The frameBuffer task is ${fmtNs(total)} ns: ${fmtNs(alone)} ns for the task with ` +
    `allocatorArg alone, ${fmtNs(own)} ns for \`yield* frameBuffer(256)\` (asking the innermost ` +
    "task, taking the frame and the buffer from the arena, recording the buffer, making the " +
    "view, and freeing both with validation when the task ends). The model over the library's " +
    `heap buffer, task included, is ${fmtNs(heapFloor)} ns ` +
    `(${fmtRatio(heapFloor / nsOf(rows, R.uint8Array))} the new Uint8Array task).`;
}
