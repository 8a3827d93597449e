/**
 * The iterator of an await that is complete at once: one shared instance, so `ready(v)`, a `send`
 * into free space or a `receive` of a buffered value allocates nothing to be awaited.
 *
 * @module
 */

import { done, type Suspension } from "./_runtime.ts";

/** One instance serves every ready await in turn: `yield*` calls `next()` at once. */
class ReadyIterator implements Iterator<Suspension, unknown, unknown> {
  value: unknown = undefined;

  next(): IteratorResult<Suspension, unknown> {
    const value = this.value;
    this.value = undefined;
    return done(value);
  }

  throw(error: unknown): IteratorResult<Suspension, unknown> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Suspension, unknown> {
    return done(value);
  }
}

const shared = new ReadyIterator();

/** An iterator that completes `yield*` with `value` without suspending. */
export function readyWith<T>(value: T): Iterator<Suspension, T, unknown> {
  shared.value = value;
  return shared as Iterator<Suspension, T, unknown>;
}
