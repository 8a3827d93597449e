// The Wasm heap: one module instance shared by every resource and task frame in the program.
//
// The module is compiled and instantiated on first use, never at import: a program that only runs
// plain tasks never touches it, so it also works where WebAssembly is missing or disabled
// (`node --jitless`, some locked-down embedders). The bytes are embedded in
// `_wasm_bytes.generated.ts`, so instantiating needs no file or network access and works the same
// in Deno, Node, Bun and browsers (the module is ~2 KB, well under the size browsers allow to
// compile synchronously on the main thread).
//
// Growth: `memory.grow` replaces a fixed-length `memory.buffer`, detaching every view on it. Where
// the engine has `WebAssembly.Memory#toResizableBuffer()` (Deno 2.9, recent V8) we switch the
// memory to a resizable buffer once; from then on it grows in place and our length-tracking views
// stay valid forever. Elsewhere (Node 20) the cached views are re-derived the first time they are
// seen detached (a detached typed array has length 0, which is a cheap test on the hot path).
//
// Before the first use the cached views are empty and `resizable` is false, so the same length
// test that re-derives detached views also instantiates the heap: the hot path pays nothing extra.

import { wasmBase64 } from "./_wasm_bytes.generated.ts";

/** The functions the heap module exports (see wasm/heap.ts). */
export interface HeapExports {
  /** `size` bytes aligned to `align`; 0 when the heap cannot satisfy it. */
  alloc(size: number, align: number): number;
  /** 0 on success, nonzero when `ptr` is not a live block. */
  free(ptr: number): number;
  /** Bytes usable at the live block `ptr`. */
  usable(ptr: number): number;
  /** Bytes held by free blocks. */
  freeBytes(): number;
  /** 0 when every heap invariant holds, else a negative code. O(heap size). */
  check(): number;
  /** The lowest payload address; below it is the heap's own control area. */
  base(): number;
}

type Raw = HeapExports & { memory: WebAssembly.Memory };
type Resizable = WebAssembly.Memory & { toResizableBuffer?: () => ArrayBuffer };

let raw: Raw | null = null;
let buffer: ArrayBuffer | null = null;
let lowest = 0;
let u8 = new Uint8Array(0);
let i32 = new Int32Array(0);
let viewsTrackGrowth = false;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bytes = atob(text);
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

/**
 * Instantiates the heap if it is not yet. Throws an `Error` saying why when the host has no usable
 * WebAssembly; resources turn that into their own typed error.
 */
export function ensureHeap(): void {
  if (raw !== null) return;
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (typeof wasm !== "object" || wasm === null) throw unavailable(undefined);
  let made: Raw;
  try {
    made = new wasm.Instance(new wasm.Module(decodeBase64(wasmBase64)), {})
      .exports as unknown as Raw;
  } catch (e) {
    throw unavailable(e);
  }
  raw = made;
  const memory = made.memory as Resizable;
  viewsTrackGrowth = typeof memory.toResizableBuffer === "function";
  buffer = viewsTrackGrowth ? memory.toResizableBuffer!() : null;
  lowest = made.base();
  heap.alloc = made.alloc;
  heap.free = made.free;
  heap.usable = made.usable;
  heap.freeBytes = made.freeBytes;
  heap.check = made.check;
  heap.base = made.base;
  refresh();
}

let missing: Error | null = null;

/**
 * Whether the heap exists or can be made now. False where the host has no usable WebAssembly
 * (decided once): then only code that really needs heap memory fails, with `ensureHeap()`'s error.
 */
export function heapUsable(): boolean {
  if (raw !== null) return true;
  if (missing !== null) return false;
  try {
    ensureHeap();
    return true;
  } catch (e) {
    missing = e as Error;
    return false;
  }
}

function unavailable(cause: unknown): Error {
  return new Error(
    "@coro/task: task frames, frameBuffer() and the memory resources live in a WebAssembly heap, " +
      "and this host cannot instantiate WebAssembly (disabled, e.g. `node --jitless`, or blocked " +
      "by a content security policy). Plain tasks, syncAwait and start work without it; avoid " +
      "allocatorArg, frameBuffer and the resources here, or enable WebAssembly.",
    { cause },
  );
}

/**
 * The heap module's functions. Until the heap exists each one instantiates it first (and then
 * replaces itself with the module's export).
 */
export const heap: HeapExports = {
  alloc: (size, align) => (ensureHeap(), heap.alloc(size, align)),
  free: (ptr) => (ensureHeap(), heap.free(ptr)),
  usable: (ptr) => (ensureHeap(), heap.usable(ptr)),
  freeBytes: () => (ensureHeap(), heap.freeBytes()),
  check: () => (ensureHeap(), heap.check()),
  base: () => (ensureHeap(), heap.base()),
};

/** The heap's linear memory (maximum 1 GiB), instantiating the heap if needed. */
export function heapMemory(): WebAssembly.Memory {
  ensureHeap();
  return raw!.memory;
}

/** Whether views survive growth: true where the engine has resizable Wasm buffers. */
export function heapViewsTrackGrowth(): boolean {
  ensureHeap();
  return viewsTrackGrowth;
}

/** The lowest address a resource may hand out (the end of the heap's control area). */
export function heapBase(): number {
  if (raw === null) ensureHeap();
  return lowest;
}

/** The heap's current size in bytes. */
export function heapBytes(): number {
  // The resizable buffer's own length: cheaper than the `memory.buffer` getter.
  if (buffer !== null) return buffer.byteLength;
  ensureHeap();
  return current().byteLength;
}

// The memory is not shared, so its buffer is a plain ArrayBuffer.
function current(): ArrayBuffer {
  return raw!.memory.buffer as ArrayBuffer;
}

function refresh(): void {
  ensureHeap();
  u8 = new Uint8Array(buffer ?? current());
  i32 = new Int32Array(buffer ?? current());
}

/**
 * A byte view of the whole heap, valid now. With resizable buffers it is always the same object;
 * otherwise call it again after anything that may allocate. Cheap enough for hot paths.
 */
export function heapU8(): Uint8Array {
  // A length-tracking view never detaches (and asking its length is not free), so only the
  // fixed-buffer fallback, and the heap not made yet, check.
  if (!viewsTrackGrowth && u8.length === 0) refresh();
  return u8;
}

/**
 * An int32 view of the whole heap (index = address >> 2), valid now; same rules as `heapU8()`.
 */
export function heapI32(): Int32Array {
  if (!viewsTrackGrowth && i32.length === 0) refresh();
  return i32;
}

/**
 * A view of `length` bytes at `ptr`. Where the engine has resizable Wasm buffers it stays valid
 * (same bytes, same object) while the heap grows; elsewhere it is detached by growth and must be
 * taken again.
 */
export function heapView(ptr: number, length: number): Uint8Array {
  if (raw === null) ensureHeap();
  return new Uint8Array(buffer ?? current(), ptr, length);
}
