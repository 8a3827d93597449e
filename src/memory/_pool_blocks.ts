// The side tables every `PoolResource` validates with: one record per pool block (a "slot"),
// shared by all pools, so that `deallocate` checks a pointer with three typed-array reads and no
// read of the Wasm memory (whose bytes the user can overwrite) and no Map lookup.
//
// - The heap is cut into 1 KiB granules. Pool chunks are whole granules on granule boundaries, so
//   each granule belongs to at most one chunk: `granuleSlot[ptr >> 10]` is 1 + the slot of the
//   first block starting in that granule (0 = no pool chunk there). A block bigger than a granule
//   has every granule it covers point at its slot.
// - Per slot: `slotPtr` (the block's address), `slotState` (owner pool id << 6 | size class << 1,
//   fixed while the chunk is registered), `slotNext` (while free: 1 + the next slot on its pool's
//   free list for that class, 0 ends it; while live: ~bytes, the size asked for, negative).
//
// So `deallocate(ptr, bytes)` computes the slot from the granule and the class, and accepts only
// if `ptr` is an integer aligned to the class size (chunks are aligned to it, so that is a block
// start: no interior or non-integer pointer), `slotState[slot]` is exactly this pool's tag for
// that class (not another pool, not another class, not a released chunk) and `slotNext[slot]` is
// exactly ~bytes (live, and asked for with that size: not freed, not a wrong size). The tables
// only grow; slot ranges and pool ids are recycled at release(). Memory: 4 bytes per KiB of heap,
// 12 bytes per pool block.
// (Measured per pair: also comparing `slotPtr[slot]` costs ~0.4 ns, a live bit in the state
// another store; one interleaved array of address/state/next was slower than three arrays, ~10 vs
// ~7 ns.)

/** Bytes per granule, log2. */
export const GRANULE_BITS = 10;
/** Bytes per granule: chunks are multiples of it and aligned to it. */
export const GRANULE = 1 << GRANULE_BITS;
/** Bits of a slot state below the pool id. */
export const ID_SHIFT = 6;

/** The tables, in one object (one load reaches them); arrays are replaced as they grow. */
export interface PoolTables {
  /** Granule → 1 + slot of the first block starting in it (0 = none). */
  granuleSlot: Int32Array;
  /** Slot → block address. */
  slotPtr: Int32Array;
  /** Slot → owner id << ID_SHIFT | class << 1 (0 = unused). */
  slotState: Int32Array;
  /**
   * Slot → while free, 1 + the next free slot of the same pool and class (0 = none); while live,
   * ~bytes (the size it was asked for), so deallocate checks the size exactly, not just the class.
   */
  slotNext: Int32Array;
}

/** The tables shared by every pool. */
export const tables: PoolTables = {
  granuleSlot: new Int32Array(0),
  slotPtr: new Int32Array(0),
  slotState: new Int32Array(0),
  slotNext: new Int32Array(0),
};

let slotTop = 0;
const freeRanges = new Map<number, number[]>();
let nextId = 1;
const freeIds: number[] = [];

/** An id for a pool that is taking its first chunk. */
export function takePoolId(): number {
  const id = freeIds.pop() ?? nextId++;
  if (id >= 2 ** (31 - ID_SHIFT)) throw new RangeError("PoolResource: too many pools hold memory");
  return id;
}

/** Gives back the id of a pool that released every chunk. */
export function returnPoolId(id: number): void {
  freeIds.push(id);
}

function grow(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * Registers a chunk of `blocks` blocks of `size` bytes at `base` (granule-aligned, aligned to
 * `size`, `blocks * size` a multiple of `GRANULE`) and returns its first slot; the slots get
 * `state` (the pool's tag for the class) and are neither live nor listed.
 */
export function addChunk(base: number, size: number, blocks: number, state: number): number {
  let first = freeRanges.get(blocks)?.pop();
  if (first === undefined) {
    first = slotTop;
    slotTop += blocks;
    if (slotTop > tables.slotPtr.length) {
      const n = Math.max(slotTop, tables.slotPtr.length * 2, 1024);
      tables.slotPtr = grow(tables.slotPtr, n);
      tables.slotState = grow(tables.slotState, n);
      tables.slotNext = grow(tables.slotNext, n);
    }
  }
  const bytes = blocks * size;
  const g0 = base >> GRANULE_BITS;
  const gEnd = (base + bytes) >> GRANULE_BITS;
  if (gEnd > tables.granuleSlot.length) {
    tables.granuleSlot = grow(tables.granuleSlot, Math.max(gEnd, tables.granuleSlot.length * 2));
  }
  const { granuleSlot, slotPtr, slotState, slotNext } = tables;
  for (let i = 0; i < blocks; i++) {
    slotPtr[first + i] = base + i * size;
    slotState[first + i] = state;
    slotNext[first + i] = 0;
  }
  for (let g = g0; g < gEnd; g++) {
    const offset = (g - g0) << GRANULE_BITS;
    granuleSlot[g] = 1 + first + Math.floor(offset / size);
  }
  return first;
}

/** Whether any granule of [base, base + bytes) belongs to a registered chunk. */
export function chunkOverlaps(base: number, bytes: number): boolean {
  const granuleSlot = tables.granuleSlot;
  const end = Math.min((base + bytes) >> GRANULE_BITS, granuleSlot.length);
  for (let g = base >> GRANULE_BITS; g < end; g++) if (granuleSlot[g] !== 0) return true;
  return false;
}

/** Forgets a chunk registered by `addChunk`: its addresses validate no more. */
export function removeChunk(base: number, size: number, blocks: number, first: number): void {
  tables.granuleSlot.fill(0, base >> GRANULE_BITS, (base + blocks * size) >> GRANULE_BITS);
  tables.slotPtr.fill(0, first, first + blocks);
  tables.slotState.fill(0, first, first + blocks);
  let list = freeRanges.get(blocks);
  if (list === undefined) freeRanges.set(blocks, list = []);
  list.push(first);
}
