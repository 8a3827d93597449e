/**
 * `deno task demo`: runs every example in turn, each a short program a newcomer can read in a
 * minute. Each example is its own module; run one alone with `deno run <file>`.
 *
 * @module
 */

const examples: [file: string, what: string][] = [
  ["modify_record.ts", "The paper's example: load, modify and save a record, with real latency"],
  ["figure.ts", "The paper's figure, measured live: op cost, task overhead, future overhead"],
  ["cilk_fib.ts", "The paper's cilk-style fib with fork and join"],
  ["timeout.ts", "A timeout: whenAny(work(), sleep(ms))"],
  [
    "custom_allocator.ts",
    "Plugging in your own allocator: a budgeted arena and a tracing resource",
  ],
  ["http_server.ts", "A local HTTP server: one task per request, cancelled when the client aborts"],
  [
    "crawler.ts",
    "A crawler: 4 requests at a time, a timeout each, all cancelled on the first fatal 500",
  ],
  [
    "job_runner.ts",
    "A job runner: 1000 jobs, 16 at a time, Ctrl-C mid-run, every file flushed through shield",
  ],
  ["event_wrapper.ts", "Wrapping a timer, an EventTarget and a callback API with action()"],
  [
    "pipeline.ts",
    "A streaming pipeline: an HTTP body through forEach, split into lines by a stream(), " +
    "fanned out to 4 workers over a Channel, stopped by the client halfway",
  ],
];

for (const [file, what] of examples) {
  console.log(`\n=== ${file}: ${what}`);
  await import(`./${file}`);
}
console.log("\nAll examples ran.");
