/**
 * A CLI job runner: 1000 jobs through `whenAll(jobs, { concurrency: 16 })`, with a progress
 * line. Ctrl-C (an `AbortController` here) cancels it mid-run; each job's `finally` block still
 * writes its footer and closes its file, through `shield`, so no flush fails.
 *
 * Run: `deno run examples/job_runner.ts`
 *
 * @module
 */

import { CancelledError, coAwait, shield, sleep, start, task, whenAll } from "../mod.ts";
import { OutputFile } from "./_output_file.ts";

let [done, flushed, failedFlushes] = [0, 0, 0];

const finish = task(function* (file: OutputFile) {
  try {
    yield* coAwait(file.write("-- end of job --"));
    yield* coAwait(file.close());
    flushed++;
  } catch (e) {
    failedFlushes++;
    throw e;
  }
});

const job = task(function* (i: number) {
  const file = new OutputFile();
  try {
    yield* sleep(1 + (i % 4)); // the work
    yield* coAwait(file.write(`job ${i}: ok`));
    if (++done % 250 === 0) console.log(`  progress: ${done}/1000`);
  } finally {
    yield* shield(finish(file)); // runs to its end even though this task was cancelled
  }
});

const ctrlC = new AbortController();
const timer = setTimeout(() => ctrlC.abort("Ctrl-C"), 400);
try {
  const jobs = Array.from({ length: 1000 }, (_, i) => job(i));
  await start(whenAll(jobs, { concurrency: 16 }), { signal: ctrlC.signal });
} catch (e) {
  if (!(e instanceof CancelledError)) throw e;
  console.log(`  cancelled by ${e.reason} at ${done}/1000`);
} finally {
  clearTimeout(timer);
}
console.log(`cleanup ran: ${flushed} files flushed and closed, ${failedFlushes} failed flushes`);
console.log(`files left open: ${OutputFile.open}`);
