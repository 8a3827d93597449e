/**
 * The wrappers of `examples/event_wrapper.ts`, written with Effection 4's `action`: a timer, the
 * next event of an `EventTarget` and a Node-style callback.
 *
 * @module
 */

import { effection } from "../_peers.ts";

const { action, race, run } = effection;

let live = 0; // timers and listeners set and not yet cleaned up

const delay = (ms: number) =>
  action<void>((resolve) => {
    const id = setTimeout(resolve, ms);
    live++;
    return () => (clearTimeout(id), live--);
  });

const once = (target: EventTarget, type: string) =>
  action<Event>((resolve) => {
    target.addEventListener(type, resolve);
    live++;
    return () => (target.removeEventListener(type, resolve), live--);
  });

type Callback<T> = (error: Error | null, value?: T) => void;
const fromCallback = <T>(fn: (callback: Callback<T>) => void) =>
  action<T>((
    resolve,
    reject,
  ) => (fn((error, value) => error ? reject(error) : resolve(value!)), () => {}));

const bus = new EventTarget();
await run(function* () {
  setTimeout(() => bus.dispatchEvent(new Event("ready")), 5);
  const a = yield* race([once(bus, "ready"), delay(10_000)]);
  console.log(`  the event came first: ${a instanceof Event}`);
  const b = yield* race([once(bus, "never"), delay(5)]);
  console.log(`  the timer came first: ${b === undefined}`);
  const config = yield* fromCallback<string>((cb) => setTimeout(cb, 1, null, "port=8080"));
  console.log(`  the callback gave ${config}`);
});
console.log(`cleanup ran: ${live} timers and listeners left`);
