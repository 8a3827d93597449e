/**
 * The wrappers of `examples/event_wrapper.ts`, written with Promises and `AbortSignal`: a timer,
 * the next event of an `EventTarget` and a Node-style callback; a race aborts its losers.
 *
 * @module
 */

let live = 0; // timers and listeners set and not yet cleaned up

// One helper for "a promise with a cleanup that runs once, and an abort signal that rejects it".
function abortable<T>(
  signal: AbortSignal | undefined,
  start: (resolve: (v: T) => void, reject: (e: unknown) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => settle(() => reject(signal!.reason));
    const settle = (
      then: () => void,
    ) => (cleanup(), signal?.removeEventListener("abort", onAbort), then());
    const cleanup = start((v) => settle(() => resolve(v)), (e) => settle(() => reject(e)));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const delay = (ms: number, signal?: AbortSignal) =>
  abortable<void>(signal, (resolve) => {
    const id = setTimeout(resolve, ms);
    live++;
    return () => (clearTimeout(id), live--);
  });

const once = (target: EventTarget, type: string, signal?: AbortSignal) =>
  abortable<Event>(signal, (resolve) => {
    target.addEventListener(type, resolve);
    live++;
    return () => (target.removeEventListener(type, resolve), live--);
  });

type Callback<T> = (error: Error | null, value?: T) => void;
const fromCallback = <T>(fn: (callback: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) =>
    fn((error, value) => error ? reject(error) : resolve(value!))
  );

// whenAny: the index of the first to settle; the others are aborted and awaited.
async function race(...starts: ((signal: AbortSignal) => Promise<unknown>)[]) {
  const losers = new AbortController();
  const runs = starts.map((start, index) => start(losers.signal).then(() => index));
  const index = await Promise.race(runs);
  losers.abort();
  await Promise.allSettled(runs);
  return index;
}

const bus = new EventTarget();
setTimeout(() => bus.dispatchEvent(new Event("ready")), 5);
const a = await race((s) => once(bus, "ready", s), (s) => delay(10_000, s)); // the event wins
console.log(`  the event came first: ${a === 0}`);
const b = await race((s) => once(bus, "never", s), (s) => delay(5, s)); // the timer wins
console.log(`  the timer came first: ${b === 1}`);
const config = await fromCallback<string>((cb) => setTimeout(cb, 1, null, "port=8080"));
console.log(`  the callback gave ${config}`);
console.log(`cleanup ran: ${live} timers and listeners left`);
