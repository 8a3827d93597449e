/**
 * Wrapping callback APIs with `action()`: a timer, the next event of an `EventTarget` and a
 * Node-style callback, a few lines each, each cleaned up however its await ends.
 *
 * Run: `deno run examples/event_wrapper.ts`
 *
 * @module
 */

import { action, start, task, whenAny } from "../mod.ts";

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
  action<T>((resolve, reject) => fn((error, value) => error ? reject(error) : resolve(value!)));

const bus = new EventTarget();
const main = task(function* () {
  setTimeout(() => bus.dispatchEvent(new Event("ready")), 5);
  const a = yield* whenAny(once(bus, "ready"), delay(10_000)); // the event wins
  console.log(`  the event came first: ${a.index === 0}`);
  const b = yield* whenAny(once(bus, "never"), delay(5)); // the timer wins
  console.log(`  the timer came first: ${b.index === 1}`);
  const config = yield* fromCallback<string>((cb) => setTimeout(cb, 1, null, "port=8080"));
  console.log(`  the callback gave ${config}`);
});
await start(main());
console.log(`cleanup ran: ${live} timers and listeners left`);
