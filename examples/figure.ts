/**
 * The paper's figure, measured live on this machine: the cost of an operation, the overhead of
 * wrapping it in a task, and the overhead of handing it over through a future (a Promise).
 * Run: `deno run examples/figure.ts`. A few seconds; `deno task bench` is the real benchmark.
 *
 * @module
 */

import { Awaiter, syncAwait, task } from "../mod.ts";

/** The paper's `async_read`: an operation that is ready at once with a value. */
class AsyncRead extends Awaiter<number> {
  awaitReady(): boolean {
    return true;
  }
  awaitSuspend(): boolean {
    return false;
  }
  awaitResume(): number {
    return 1;
  }
}
const asyncRead = new AsyncRead();

const coro = task(function* (n: number) {
  let result = 0;
  for (let i = 0; i < n; i++) result += yield* asyncRead;
  return result;
});

const subtask = task(function* () {
  return yield* asyncRead;
});

const coroRefactored = task(function* (n: number) {
  let result = 0;
  for (let i = 0; i < n; i++) result += yield* subtask();
  return result;
});

async function futTest(n: number): Promise<number> {
  let result = 0;
  while (n > 0) {
    let resolve!: (v: number) => void;
    const fut = new Promise<number>((r) => (resolve = r));
    resolve(n--);
    result += await fut;
  }
  return result;
}

/** Best-of-rounds nanoseconds per iteration. */
async function nsPerOp(run: (n: number) => unknown, n: number, rounds = 7): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await run(n);
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1e6) / n;
}

const N = 1_000_000;
await nsPerOp((n) => syncAwait(coro(n)), N / 10, 3); // warm up
await nsPerOp((n) => syncAwait(coroRefactored(n)), N / 10, 3);
const op = await nsPerOp((n) => syncAwait(coro(n)), N);
const composed = await nsPerOp((n) => syncAwait(coroRefactored(n)), N);
const future = await nsPerOp(futTest, N / 4);

const bar = (ns: number) => "*".repeat(Math.max(1, Math.min(150, Math.round(ns))));
const rows: [string, number][] = [
  ["op cost", op],
  ["task overhead", Math.max(0, composed - op)],
  ["future overhead", Math.max(0, future - op)],
];
console.log("Measured on this machine (one * per nanosecond, capped at 150):");
for (const [label, ns] of rows) {
  console.log(`${label.padStart(16)}: ${bar(ns)} ${ns.toFixed(1)} ns`);
}
console.log(
  `Factoring the operation into a subtask adds ${(composed - op).toFixed(1)} ns; handing the ` +
    `value over through a Promise adds ` +
    `${(future - op).toFixed(1)} ns.`,
);
