/**
 * A first-in first-out queue that stays as small as what it holds, however long it is used
 * without ever emptying (an executor's queue used as an event loop).
 *
 * @module
 */

/** Slots the consumed prefix may take before it is reclaimed (amortized O(1) per item). */
const RECLAIM_AT = 1024;

/** A FIFO over one array and a head index; the consumed prefix is reclaimed as it grows. */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** How many items it holds. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** How many array slots it uses, consumed ones included (for the tests of its bound). */
  get slots(): number {
    return this.#items.length;
  }

  /** Appends `item`. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns the oldest item; `undefined` when empty. */
  shift(): T | undefined {
    const items = this.#items;
    const head = this.#head;
    if (head === items.length) return undefined;
    const item = items[head];
    items[head] = undefined; // the queue no longer keeps it alive
    const next = head + 1;
    if (next === items.length) {
      items.length = 0;
      this.#head = 0;
    } else if (next >= RECLAIM_AT && next * 2 >= items.length) {
      items.copyWithin(0, next);
      items.length -= next;
      this.#head = 0;
    } else {
      this.#head = next;
    }
    return item;
  }
}
