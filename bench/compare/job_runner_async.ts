/**
 * The job runner of `examples/job_runner.ts`, written with async/await: 1000 jobs, 16 at a time
 * (a pool of workers), a progress line, Ctrl-C (an `AbortController`) mid-run, and each job's
 * `finally` block writing its footer and closing its file.
 *
 * @module
 */

import { OutputFile } from "../../examples/_output_file.ts";

let [done, flushed, failedFlushes] = [0, 0, 0];

// An abortable sleep: setTimeout knows nothing of AbortSignal.
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => (clearTimeout(id), reject(signal.reason));
    const id = setTimeout(() => (signal.removeEventListener("abort", onAbort), resolve()), ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

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

async function job(i: number, signal: AbortSignal) {
  const file = new OutputFile();
  try {
    await sleep(1 + (i % 4), signal); // the work
    await file.write(`job ${i}: ok`);
    if (++done % 250 === 0) console.log(`  progress: ${done}/1000`);
  } finally {
    await finish(file);
  }
}

const ctrlC = new AbortController();
const timer = setTimeout(() => ctrlC.abort("Ctrl-C"), 400);
let next = 0;
const worker = async () => {
  while (next < 1000 && !ctrlC.signal.aborted) await job(next++, ctrlC.signal);
};
const results = await Promise.allSettled(Array.from({ length: 16 }, worker));
clearTimeout(timer);
const failure = results.find((r) => r.status === "rejected");
if (failure && !ctrlC.signal.aborted) throw failure.reason;
if (ctrlC.signal.aborted) console.log(`  cancelled by ${ctrlC.signal.reason} at ${done}/1000`);
console.log(`cleanup ran: ${flushed} files flushed and closed, ${failedFlushes} failed flushes`);
console.log(`files left open: ${OutputFile.open}`);
