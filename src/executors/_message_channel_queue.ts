/**
 * The macrotask queue of hosts without `setImmediate` (browsers): callbacks run one per
 * `MessageChannel` message, unclamped, unlike nested `setTimeout(0)`.
 *
 * @module
 */

import { Fifo } from "./_fifo.ts";

/**
 * Makes an `execute` that runs callbacks in macrotasks through a `MessageChannel`. The channel
 * is open only while callbacks are pending: an open port with a handler keeps a process alive
 * (Deno, Node.js) and is a resource the test sanitizers count, so it is closed whenever the
 * queue empties and made again on the next callback. A callback that throws is taken off the
 * queue first; its error goes to the host like any uncaught error, and the others still run.
 */
export function messageChannelQueue(): (callback: () => void) => void {
  const pending = new Fifo<() => void>();
  let channel: MessageChannel | null = null;
  const runOne = (): void => {
    const callback = pending.shift();
    if (pending.length === 0 && channel !== null) {
      channel.port1.close();
      channel.port2.close();
      channel = null;
    }
    callback?.();
  };
  return (callback) => {
    if (channel === null) {
      channel = new MessageChannel();
      channel.port1.onmessage = runOne;
    }
    pending.push(callback);
    channel.port2.postMessage(null);
  };
}
