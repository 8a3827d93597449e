// General-purpose heap for `@coro/task`: a two-level segregated-fit allocator (the TLSF scheme of
// Masmano et al.) with boundary tags, compiled by AssemblyScript with the stub runtime.
//
// Why this exists: task frames and `frameBuffer` memory must live in one linear memory that JS can
// address with plain numbers, and `newDeleteResource` needs O(1) allocate/free with coalescing so a
// long-running program does not fragment the heap. The arena and pool resources keep their
// bookkeeping on the TS side (their upstream is an arbitrary JS `MemoryResource`, and this module
// deliberately has no imports, so it could not call one); they only borrow memory from here.
//
// This file is AssemblyScript, not Deno TypeScript: it is compiled by `deno task build:wasm` and is
// never type-checked by `deno check`. It avoids decorators so that `deno fmt`/`deno lint` can parse
// it; -O3 inlines the small helpers anyway.
//
// Block layout (all addresses are byte offsets into linear memory):
//
//   block b:  [ info: u32 ][ payload ... ]
//             info = total block size (header included, a multiple of 8) | FREE | PREV_FREE
//
//   Payloads are 8-aligned, so every block starts at an address that is 4 mod 8 and every size is a
//   multiple of 8, which keeps that invariant as blocks are split and merged.
//
//   A free block reuses its payload: word 1 is the previous free block of its size class, word 2
//   the next one, and its last word points back at its own header. That back pointer is what lets
//   `free` find the block *before* it in O(1) when that block is free (PREV_FREE tells it to look),
//   so neighbours coalesce in both directions without a footer on used blocks.
//
// Free lists: a size maps to (fl, sl). `fl` is the power of two the size falls in, `sl` one of 16
// equal slices of that power; sizes below 128 bytes get one exact list per multiple of 8. Two bitmaps
// (one word for fl, one word per fl for sl) make "find the smallest non-empty list at least this big"
// two count-trailing-zeros instructions. Lookups round the request up to the next slice first, so
// any block on the list found is big enough (no list walking: O(1) at the cost of at most 1/16 of
// the size in internal slack).
//
// The heap ends with a zero-sized, used tail block. It gives the last real block a neighbour to
// flag PREV_FREE on, and when memory grows the tail becomes the header of the new free space.

const ALIGN_BITS: u32 = 3;
const ALIGN: usize = 1 << ALIGN_BITS;
const HEADER: usize = 4;
// Smallest block: header, two list links and the back pointer.
const MIN_BLOCK: usize = 16;

const FREE: u32 = 1;
const PREV_FREE: u32 = 2;
const SIZE_MASK: u32 = ~(<u32> ALIGN - 1);

const SL_BITS: u32 = 4;
const SL_COUNT: u32 = 1 << SL_BITS;
const SB_BITS: u32 = SL_BITS + ALIGN_BITS;
const SB_SIZE: usize = 1 << SB_BITS;
// Enough first-level lists for any 32-bit size.
const FL_COUNT: u32 = 32 - SB_BITS + 1;

// The memory is capped at 1 GiB (see build.ts), so these keep every address and every rounded size
// below 2^31: the JS side can then use int32 bit operations on pointers safely.
const MAX_SIZE: usize = 1 << 30;
const MAX_ALIGN: usize = 1 << 29;

// Grow in steps of at least this many pages (16 MiB) once memory is that big, so that a program
// allocating steadily calls memory.grow O(log n) times at first, then linearly in large steps.
const GROW_STEP_PAGES: i32 = 256;

const SL_MAPS: usize = memory.data(FL_COUNT << 2, 16);
const HEADS: usize = memory.data((FL_COUNT * SL_COUNT) << 2, 16);

let flMap: u32 = 0;
let heapStart: usize = 0;
let tail: usize = 0;

// Results of mapInsert/mapSearch (AssemblyScript functions return one value).
let mapFl: u32 = 0;
let mapSl: u32 = 0;

function sizeOf(b: usize): usize {
  return load<u32>(b) & SIZE_MASK;
}

function headAt(fl: u32, sl: u32): usize {
  return HEADS + (((fl << SL_BITS) + sl) << 2);
}

function slMapAt(fl: u32): usize {
  return SL_MAPS + (fl << 2);
}

// The list a free block of exactly `size` bytes belongs on.
function mapInsert(size: usize): void {
  if (size < SB_SIZE) {
    mapFl = 0;
    mapSl = <u32> (size >> ALIGN_BITS);
  } else {
    const m: u32 = 31 - clz<u32>(<u32> size);
    mapFl = m - SB_BITS + 1;
    mapSl = (<u32> (size >> (m - SL_BITS))) ^ SL_COUNT;
  }
}

// The first list whose every block holds `size` bytes: round up to the next slice boundary.
function mapSearch(size: usize): void {
  if (size >= SB_SIZE) {
    const m: u32 = 31 - clz<u32>(<u32> size);
    size += (<usize> 1 << (m - SL_BITS)) - 1;
  }
  mapInsert(size);
}

// Writes the back pointer a free block leaves for its right neighbour.
function setBackPointer(b: usize, size: usize): void {
  store<u32>(b + size - 4, <u32> b);
}

function insert(b: usize): void {
  mapInsert(sizeOf(b));
  const fl = mapFl;
  const sl = mapSl;
  const head = headAt(fl, sl);
  const first = load<u32>(head);
  store<u32>(b, 0, 4);
  store<u32>(b, first, 8);
  if (first != 0) store<u32>(first, <u32> b, 4);
  store<u32>(head, <u32> b);
  flMap |= 1 << fl;
  store<u32>(slMapAt(fl), load<u32>(slMapAt(fl)) | (1 << sl));
}

function remove(b: usize): void {
  mapInsert(sizeOf(b));
  const fl = mapFl;
  const sl = mapSl;
  const prev = load<u32>(b, 4);
  const next = load<u32>(b, 8);
  if (next != 0) store<u32>(next, prev, 4);
  if (prev != 0) {
    store<u32>(prev, next, 8);
    return;
  }
  store<u32>(headAt(fl, sl), next);
  if (next == 0) {
    // The list went empty: clear its bit, and the first-level bit when the whole row is empty.
    const row = load<u32>(slMapAt(fl)) & ~(1 << sl);
    store<u32>(slMapAt(fl), row);
    if (row == 0) flMap &= ~(1 << fl);
  }
}

// A free block of at least `size` bytes, still on its list, or 0.
function find(size: usize): usize {
  mapSearch(size);
  let fl = mapFl;
  let row = load<u32>(slMapAt(fl)) & (<u32> 0xffffffff << mapSl);
  if (row == 0) {
    const above = flMap & (<u32> 0xffffffff << (fl + 1));
    if (above == 0) return 0;
    fl = ctz<u32>(above);
    row = load<u32>(slMapAt(fl));
  }
  return load<u32>(headAt(fl, ctz<u32>(row)));
}

// Turns free block `b` (already off its list) into a used block of `need` bytes, giving the rest
// back as a new free block when it is big enough to be one.
function use(b: usize, need: usize): void {
  const info = load<u32>(b);
  const size = <usize> (info & SIZE_MASK);
  const rest = size - need;
  if (rest >= MIN_BLOCK) {
    store<u32>(b, <u32> need | (info & PREV_FREE));
    const r = b + need;
    // r's right neighbour already carries PREV_FREE, since b was free.
    store<u32>(r, <u32> rest | FREE);
    setBackPointer(r, rest);
    insert(r);
  } else {
    store<u32>(b, info & ~FREE);
    const next = b + size;
    store<u32>(next, load<u32>(next) & ~PREV_FREE);
  }
}

// Marks [b, b + size) free, merged with a free left neighbour, and lists it. `flags` carries b's
// PREV_FREE bit. The right neighbour must not be free (callers merge it first).
function release(b: usize, size: usize, flags: u32): void {
  if (flags & PREV_FREE) {
    const prev = <usize> load<u32>(b - 4);
    remove(prev);
    size += sizeOf(prev);
    b = prev;
    // Two free blocks are never adjacent, so prev's own left neighbour is used.
  }
  store<u32>(b, <u32> size | FREE);
  setBackPointer(b, size);
  insert(b);
  const next = b + size;
  store<u32>(next, load<u32>(next) | PREV_FREE);
}

// Adds at least `need` bytes of findable free space at the end of the heap.
function grow(need: usize): bool {
  // The new space must land in a list that find(need) will look at, so round up by one slice,
  // and leave room for the new tail header.
  let bytes = need;
  if (bytes >= SB_SIZE) bytes += <usize> 1 << (31 - clz<u32>(<u32> bytes) - SL_BITS);
  bytes += MIN_BLOCK;
  const pages = <i32> ((bytes + 0xffff) >> 16);
  const have = memory.size();
  const step = have < GROW_STEP_PAGES ? have : GROW_STEP_PAGES;
  if (memory.grow(pages > step ? pages : step) < 0 && memory.grow(pages) < 0) return false;
  const end = (<usize> memory.size()) << 16;
  // The old tail header becomes the header of the new space.
  const b = tail;
  const flags = load<u32>(b) & PREV_FREE;
  tail = end - HEADER;
  store<u32>(tail, 0);
  release(b, tail - b, flags);
  return true;
}

function init(): void {
  // First block at 4 mod 8, so its payload is 8-aligned.
  heapStart = ((__heap_base + ALIGN - 1) & ~(ALIGN - 1)) + HEADER;
  let end = (<usize> memory.size()) << 16;
  if (end < heapStart + 4 * MIN_BLOCK) {
    memory.grow(1);
    end = (<usize> memory.size()) << 16;
  }
  tail = end - HEADER;
  store<u32>(tail, 0);
  release(heapStart, tail - heapStart, 0);
}

init();

/**
 * Allocates `size` bytes aligned to `align` (a power of two; anything up to 8 gives 8). Returns
 * the payload address, or 0 when the request is invalid or memory cannot grow enough.
 */
export function alloc(size: usize, align: usize): usize {
  if (size > MAX_SIZE || align > MAX_ALIGN || (align & (align - 1)) != 0) return 0;
  let need = (size + HEADER + ALIGN - 1) & ~(ALIGN - 1);
  if (need < MIN_BLOCK) need = MIN_BLOCK;
  if (align <= ALIGN) {
    let b = find(need);
    if (b == 0) {
      if (!grow(need)) return 0;
      b = find(need);
    }
    remove(b);
    use(b, need);
    return b + HEADER;
  }
  // Over-aligned: take a block with room for the worst-case gap, then give the gap back as a free
  // block of its own. The gap is 0 or a multiple of 8; 8 is too small to be a block, so skip one
  // more alignment step in that case (align >= 16 makes the gap then >= 24).
  const want = need + align + MIN_BLOCK;
  let b = find(want);
  if (b == 0) {
    if (!grow(want)) return 0;
    b = find(want);
  }
  remove(b);
  let gap = ((b + HEADER + align - 1) & ~(align - 1)) - HEADER - b;
  if (gap != 0) {
    if (gap < MIN_BLOCK) gap += align;
    const info = load<u32>(b);
    const size = <usize> (info & SIZE_MASK);
    store<u32>(b, <u32> gap | FREE | (info & PREV_FREE));
    setBackPointer(b, gap);
    insert(b);
    b += gap;
    // Not FREE (use() is about to hand it out) but its left neighbour now is.
    store<u32>(b, <u32> (size - gap) | PREV_FREE);
  }
  use(b, need);
  return b + HEADER;
}

/**
 * Frees the block whose payload is at `ptr`. Returns 0, or a nonzero code when `ptr` cannot be a
 * live block (outside the heap, misaligned, already free): a best-effort guard, not a proof.
 */
export function free(ptr: usize): i32 {
  if (ptr < heapStart + HEADER || ptr >= tail || (ptr & (ALIGN - 1)) != 0) return 1;
  const b = ptr - HEADER;
  const info = load<u32>(b);
  if (info & FREE) return 2;
  let size = <usize> (info & SIZE_MASK);
  if (size < MIN_BLOCK || b + size > tail) return 3;
  const next = b + size;
  const nextInfo = load<u32>(next);
  if (nextInfo & FREE) {
    remove(next);
    size += <usize> (nextInfo & SIZE_MASK);
  }
  release(b, size, info & PREV_FREE);
  return 0;
}

/**
 * The lowest payload address the heap can hand out: everything below it is the allocator's own
 * control area (free-list heads and bitmaps), which no resource may ever hand to a task.
 */
export function base(): usize {
  return heapStart + HEADER;
}

/** Usable bytes of the live block at `ptr` (at least what was asked for). */
export function usable(ptr: usize): usize {
  return sizeOf(ptr - HEADER) - HEADER;
}

/** Total bytes in free blocks (headers included). */
export function freeBytes(): usize {
  let total: usize = 0;
  for (let b = heapStart; b < tail; b += sizeOf(b)) {
    if (load<u32>(b) & FREE) total += sizeOf(b);
  }
  return total;
}

/**
 * Walks the whole heap and every free list and returns 0 when all invariants hold, else a
 * negative code naming the first broken one. For tests; O(heap size).
 */
export function check(): i32 {
  let freeBlocks: u32 = 0;
  let prevFree = false;
  let b = heapStart;
  while (b < tail) {
    const info = load<u32>(b);
    const size = <usize> (info & SIZE_MASK);
    if (size < MIN_BLOCK || b + size > tail) return -1;
    if (((info & PREV_FREE) != 0) != prevFree) return -2;
    const isFree = (info & FREE) != 0;
    if (isFree) {
      if (prevFree) return -3;
      if (load<u32>(b + size - 4) != <u32> b) return -4;
      freeBlocks++;
    }
    prevFree = isFree;
    b += size;
  }
  if (b != tail || (load<u32>(tail) & SIZE_MASK) != 0) return -5;
  if (((load<u32>(tail) & PREV_FREE) != 0) != prevFree) return -6;
  let listed: u32 = 0;
  for (let fl: u32 = 0; fl < FL_COUNT; fl++) {
    const row = load<u32>(slMapAt(fl));
    if (((flMap >> fl) & 1) != <u32> (row != 0)) return -7;
    for (let sl: u32 = 0; sl < SL_COUNT; sl++) {
      let node = <usize> load<u32>(headAt(fl, sl));
      if (((row >> sl) & 1) != <u32> (node != 0)) return -8;
      let back: usize = 0;
      while (node != 0) {
        if ((load<u32>(node) & FREE) == 0) return -9;
        mapInsert(sizeOf(node));
        if (mapFl != fl || mapSl != sl) return -10;
        if (<usize> load<u32>(node, 4) != back) return -11;
        if (++listed > freeBlocks) return -12;
        back = node;
        node = <usize> load<u32>(node, 8);
      }
    }
  }
  return listed == freeBlocks ? 0 : -13;
}
