/**
 * A growable FIFO ring buffer: the channel's buffer and its queues of waiting senders and
 * receivers. Pushing and shifting allocate nothing once the ring has grown to its working size
 * (an array used as a queue with `shift()` would move every element, or reallocate).
 *
 * @module
 */

/** A first-in first-out queue over a power-of-two ring. */
export class Ring<T> {
  #items: (T | undefined)[] = [undefined, undefined, undefined, undefined];
  #head = 0;
  #length = 0;

  /** How many items are queued. */
  get length(): number {
    return this.#length;
  }

  /** Appends `item` at the back. */
  push(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = item;
    this.#length++;
  }

  /** Removes and returns the front item; the queue must not be empty. */
  shift(): T {
    const items = this.#items;
    const item = items[this.#head] as T;
    items[this.#head] = undefined; // let the item be collected
    this.#head = (this.#head + 1) & (items.length - 1);
    this.#length--;
    return item;
  }

  /** Removes `item` wherever it is (a cancelled waiter); returns whether it was queued. */
  remove(item: T): boolean {
    const items = this.#items;
    const mask = items.length - 1;
    for (let i = 0; i < this.#length; i++) {
      if (items[(this.#head + i) & mask] !== item) continue;
      for (let j = i + 1; j < this.#length; j++) {
        items[(this.#head + j - 1) & mask] = items[(this.#head + j) & mask];
      }
      items[(this.#head + this.#length - 1) & mask] = undefined;
      this.#length--;
      return true;
    }
    return false;
  }

  #grow(): void {
    const old = this.#items;
    const items: (T | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#length; i++) items[i] = old[(this.#head + i) & (old.length - 1)];
    for (let i = this.#length; i < items.length; i++) items[i] = undefined;
    this.#items = items;
    this.#head = 0;
  }
}
