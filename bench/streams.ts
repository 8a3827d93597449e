/**
 * Streams: 100,000 numbers from one coroutine to another on one thread, summed by the consumer.
 *
 * - `@coro/task Channel(0)` / `Channel(64)`: a sender task `yield* ch.send(i)`, a receiver task
 *   `yield* ch.receive()` (and, for `Channel(64)`, `forEach(ch, ...)`), run by `whenAll` under
 *   `syncAwait` (no promise anywhere: the two tasks hand over through the driver's trampoline).
 * - `@coro/task stream() + forEach`: `stream(function* (emit) { ... yield* emit(i) })` consumed
 *   by `forEach` in a task (producer and consumer switch by symmetric transfer).
 * - `@coro/task stream() + for await`: the same stream consumed by `for await` (a promise per
 *   value, as the async iteration protocol requires).
 * - `async function* + for await`: the reference the targets are stated against.
 * - `Effection channel`: `createChannel()`, a spawned sender, the consumer on a subscription
 *   (Effection's channels do not apply backpressure: sends are queued per subscriber).
 *
 * Heap: JS-heap bytes allocated per value, the slope of `total_allocated_bytes` between runs of
 * `SHORT` and `LONG` values (as W5 does for W1/W1b).
 *
 * @module
 */

import { type Body, Channel, forEach, stream, syncAwait, task, whenAll } from "./_coro.ts";
import { effection } from "./_peers.ts";
import { type Contender, log, QUICK } from "./_harness.ts";
import { bytesPerRuns } from "./heap.ts";
import type { Grid } from "./_report.ts";

/** Values per run. */
export const ITEMS: number = QUICK ? 10_000 : 100_000;
/** The consumer's answer: the sum of 0 .. n-1. */
export const expectedSum = (n: number): number => n * (n - 1) / 2;

/** Row names the targets refer to. */
export const ROW = {
  chan0: "@coro/task Channel(0)",
  chan64: "@coro/task Channel(64)",
  chan64ForEach: "@coro/task Channel(64) + forEach",
  streamForEach: "@coro/task stream() + forEach",
  streamForAwait: "@coro/task stream() + for await",
  asyncGen: "async function* + for await",
  effection: "Effection channel",
} as const;

function channelContender(name: string, capacity: number, n: number, each: boolean): Contender {
  const sender = task(function* (ch: Channel<number>): Body<void> {
    for (let i = 0; i < n; i++) yield* ch.send(i);
    ch.close();
  });
  const receiver = task(function* (ch: Channel<number>): Body<number> {
    let sum = 0;
    for (;;) {
      const r = yield* ch.receive();
      if (r.done) return sum;
      sum += r.value;
    }
  });
  const eachReceiver = task(function* (ch: Channel<number>): Body<number> {
    let sum = 0;
    yield* forEach(ch, function* (v) {
      sum += v;
    });
    return sum;
  });
  return {
    name,
    ops: n,
    run: () => {
      const ch = new Channel<number>(capacity);
      return syncAwait(whenAll(sender(ch), each ? eachReceiver(ch) : receiver(ch)))[1];
    },
  };
}

function numbers(n: number) {
  return stream<number>(function* (emit) {
    for (let i = 0; i < n; i++) yield* emit(i);
  });
}

function streamForEach(n: number): Contender {
  const source = numbers(n);
  const consumer = task(function* (): Body<number> {
    let sum = 0;
    yield* forEach(source, function* (v) {
      sum += v;
    });
    return sum;
  });
  return { name: ROW.streamForEach, ops: n, run: () => syncAwait(consumer()) };
}

function streamForAwait(n: number): Contender {
  const source = numbers(n);
  return {
    name: ROW.streamForAwait,
    ops: n,
    async: true,
    run: async () => {
      let sum = 0;
      for await (const v of source) sum += v;
      return sum;
    },
  };
}

function asyncGenerator(n: number): Contender {
  async function* produce() {
    for (let i = 0; i < n; i++) yield i;
  }
  return {
    name: ROW.asyncGen,
    ops: n,
    async: true,
    run: async () => {
      let sum = 0;
      for await (const v of produce()) sum += v;
      return sum;
    },
  };
}

function effectionChannel(n: number): Contender {
  function* main(): effection.Operation<number> {
    const ch = effection.createChannel<number, void>();
    const sub = yield* ch;
    yield* effection.spawn(function* () {
      for (let i = 0; i < n; i++) yield* ch.send(i);
      yield* ch.close();
    });
    let sum = 0;
    for (;;) {
      const r = yield* sub.next();
      if (r.done) return sum;
      sum += r.value;
    }
  }
  return { name: ROW.effection, ops: n, async: true, run: () => effection.run(main) };
}

/** Fresh contenders moving `n` values each run. */
export function streamContenders(n: number = ITEMS): Contender[] {
  return [
    channelContender(ROW.chan0, 0, n, false),
    channelContender(ROW.chan64, 64, n, false),
    channelContender(ROW.chan64ForEach, 64, n, true),
    streamForEach(n),
    streamForAwait(n),
    asyncGenerator(n),
    effectionChannel(n),
  ];
}

/** Values per run for the heap slope. */
export const SHORT = 1_000, LONG = 11_000;
const RUNS = QUICK ? 10 : 40;

/** JS-heap bytes per value of every contender; `bytes` maps row name → bytes per value. */
export async function streamHeapGrid(): Promise<{ grid: Grid; bytes: Map<string, number> }> {
  const t0 = performance.now();
  const shorts = streamContenders(SHORT), longs = streamContenders(LONG);
  const bytes = new Map<string, number>();
  const rows: string[][] = [];
  const fmt = (b: number) => b < 0.3 ? "0" : b.toFixed(b < 10 ? 1 : 0);
  for (let i = 0; i < shorts.length; i++) {
    const short = await bytesPerRuns(shorts[i], RUNS) / RUNS;
    const long = await bytesPerRuns(longs[i], RUNS) / RUNS;
    const perValue = Math.max(0, (long - short) / (LONG - SHORT));
    bytes.set(shorts[i].name, perValue);
    rows.push([shorts[i].name, fmt(perValue), fmt(Math.max(0, short - SHORT * perValue))]);
  }
  log(
    `Streams heap: ${shorts.length} contenders in ${((performance.now() - t0) / 1e3).toFixed(1)} s`,
  );
  return {
    bytes,
    grid: {
      id: "Streams heap",
      title: "JS heap bytes allocated per value passed",
      about: "`total_allocated_bytes` slope between runs of " +
        `${SHORT} and ${LONG} values (${RUNS} runs each, min of 3, after a warm-up); "per run" ` +
        "is the fixed cost of one run (making the channel or stream, starting and ending it).",
      header: ["contender", "B/value", "B/run"],
      rows,
    },
  };
}
