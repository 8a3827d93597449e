/**
 * Helpers of the stream tests: an `EventTarget` that counts its listeners, a log of events, and
 * a turn of the host event loop.
 *
 * @module
 */

/** An `EventTarget` whose live listeners can be counted. */
export class CountingTarget extends EventTarget {
  listeners = 0;

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ): void {
    this.listeners++;
    super.addEventListener(type, listener, options);
  }

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: EventListenerOptions | boolean,
  ): void {
    this.listeners--;
    super.removeEventListener(type, listener, options);
  }
}

/** Lets promise reactions and timers of 0 ms run. */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
