/**
 * The job runner of `examples/job_runner.ts`, written with Effection 4: 1000 jobs, 16 at a time
 * (a pool of workers), a progress line, Ctrl-C (an `AbortController`) halting it mid-run, and
 * each job's `finally` block writing its footer and closing its file.
 *
 * Effection lets a halted operation's `finally` block await, but a job that was already in its
 * `finally` when the halt came is returned from at its next `yield*` and its file is never
 * closed, and Effection 4.1.1 exports no way to shield it. So the flush is a Promise that the
 * halt cannot stop, and the program waits for all of them.
 *
 * @module
 */

import { effection } from "../_peers.ts";
import { OutputFile } from "../../examples/_output_file.ts";

const { all, call, run, sleep, until } = effection;

let [done, flushed, failedFlushes] = [0, 0, 0];
const flushes: Promise<void>[] = [];

async function finish(file: OutputFile) {
  try {
    await file.write("-- end of job --");
    await file.close();
    flushed++;
  } catch (e) {
    failedFlushes++;
    throw e;
  }
}

function* job(i: number) {
  const file = new OutputFile();
  try {
    yield* sleep(1 + (i % 4)); // the work
    yield* until(file.write(`job ${i}: ok`));
    if (++done % 250 === 0) console.log(`  progress: ${done}/1000`);
  } finally {
    const flush = finish(file);
    flushes.push(flush);
    yield* until(flush);
  }
}

const ctrlC = new AbortController();
const timer = setTimeout(() => ctrlC.abort("Ctrl-C"), 400);
let next = 0;
const worker = call(function* () {
  // The check is needed: a job whose finally awaits can return normally into this loop after
  // the halt, which would go on starting jobs.
  while (next < 1000 && !ctrlC.signal.aborted) yield* job(next++);
});
const runner = run(() => all(Array.from({ length: 16 }, () => worker)));
let halting: Promise<void> | undefined; // halt() is lazy: it starts when awaited
ctrlC.signal.addEventListener("abort", () => (halting = Promise.resolve(runner.halt())));
await runner.catch((e) => {
  if (halting === undefined) throw e; // a real failure, not the halt
});
await halting;
await Promise.allSettled(flushes);
clearTimeout(timer);
if (ctrlC.signal.aborted) console.log(`  cancelled by ${ctrlC.signal.reason} at ${done}/1000`);
console.log(`cleanup ran: ${flushed} files flushed and closed, ${failedFlushes} failed flushes`);
console.log(`files left open: ${OutputFile.open}`);
