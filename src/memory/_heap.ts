// The Wasm heap: one module instance shared by every resource and task frame in the program.
//
// The module is instantiated synchronously from bytes embedded in `_wasm_bytes.generated.ts`, so
// loading this file needs no file or network access and works the same in Deno, Node, Bun and
// browsers (the module is ~2 KB, well under the size browsers allow to compile synchronously on
// the main thread).
//
// Growth: `memory.grow` replaces a fixed-length `memory.buffer`, detaching every view on it. Where
// the engine has `WebAssembly.Memory#toResizableBuffer()` (Deno 2.9, recent V8) we switch the
// memory to a resizable buffer once; from then on it grows in place and our length-tracking views
// stay valid forever. Elsewhere (Node 20) the cached views are re-derived the first time they are
// seen detached (a detached typed array has length 0, which is a cheap test on the hot path).

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
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(wasmBase64)), {});
const raw = instance.exports as unknown as HeapExports & { memory: WebAssembly.Memory };

/** The heap's linear memory (maximum 1 GiB). */
export const memory: WebAssembly.Memory = raw.memory;

/** The heap module's functions. */
export const heap: HeapExports = {
  alloc: raw.alloc,
  free: raw.free,
  usable: raw.usable,
  freeBytes: raw.freeBytes,
  check: raw.check,
};

type Resizable = WebAssembly.Memory & { toResizableBuffer?: () => ArrayBuffer };

/** Whether views survive growth: true where the engine has resizable Wasm buffers. */
export const resizable: boolean = typeof (memory as Resizable).toResizableBuffer === "function";

// The memory is not shared, so its buffer is a plain ArrayBuffer.
function current(): ArrayBuffer {
  return memory.buffer as ArrayBuffer;
}

const buffer: ArrayBuffer = resizable ? (memory as Resizable).toResizableBuffer!() : current();
let u8 = new Uint8Array(buffer);
let i32 = new Int32Array(buffer);

function refresh(): void {
  u8 = new Uint8Array(current());
  i32 = new Int32Array(current());
}

/**
 * A byte view of the whole heap, valid now. With resizable buffers it is always the same object;
 * otherwise call it again after anything that may allocate. Cheap enough for hot paths.
 */
export function heapU8(): Uint8Array {
  // A length-tracking view never detaches (and asking its length is not free), so only the
  // fixed-buffer fallback checks.
  if (!resizable && u8.length === 0) refresh();
  return u8;
}

/**
 * An int32 view of the whole heap (index = address >> 2), valid now; same rules as `heapU8()`.
 */
export function heapI32(): Int32Array {
  if (!resizable && i32.length === 0) refresh();
  return i32;
}

/**
 * A view of `length` bytes at `ptr`. Where the engine has resizable Wasm buffers it stays valid
 * (same bytes, same object) while the heap grows; elsewhere it is detached by growth and must be
 * taken again.
 */
export function heapView(ptr: number, length: number): Uint8Array {
  return new Uint8Array(resizable ? buffer : current(), ptr, length);
}
