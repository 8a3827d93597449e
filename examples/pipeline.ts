/**
 * A streaming pipeline over a local HTTP response: the body (a `ReadableStream`) is read with
 * `forEach`, split into lines by a `stream()`, and fanned out to 4 workers over a `Channel`.
 * Halfway through, the client aborts: one `AbortController` cancels the fetch and the pipeline,
 * and each stage says what it released on the way out.
 *
 * Run: `deno run --allow-net=127.0.0.1 examples/pipeline.ts`
 *
 * @module
 */

import { CancelledError, Channel, forEach, sleep, start, stream, task, whenAll } from "../mod.ts";

const TOTAL_LINES = 200;
const WORKERS = 4;

// --- The server: a slow text body, sent in 7-byte chunks that cut lines in the middle. --------
let serverReport!: (what: string) => void;
const serverDone = new Promise<string>((resolve) => (serverReport = resolve));
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
  const text = Array.from({ length: TOTAL_LINES }, (_, i) => `record ${i}`).join("\n") + "\n";
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      return new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          controller.enqueue(bytes.slice(offset, offset += 7));
          if (offset >= bytes.length) {
            controller.close();
            serverReport("sent the whole body");
          }
          resolve();
        }, 1);
      });
    },
    cancel() {
      clearTimeout(timer);
      serverReport(`body cancelled by the client after ${offset} of ${bytes.length} bytes`);
    },
  });
  return new Response(body, { headers: { "content-type": "text/plain" } });
});

// --- The pipeline. -----------------------------------------------------------------------------
const client = new AbortController();
const released: string[] = [];

/** Stage 1+2: the body's chunks, decoded and split into lines by a stream() producer. */
function lines(body: ReadableStream<Uint8Array>) {
  return stream<string>(function* (emit) {
    const decoder = new TextDecoder();
    let pending = "", count = 0;
    try {
      yield* forEach(body, function* (chunk) {
        pending += decoder.decode(chunk, { stream: true });
        for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
          yield* emit(pending.slice(0, nl)); // waits until the dispatcher asks for a line
          count++;
          pending = pending.slice(nl + 1);
        }
      });
    } finally {
      released.push(
        `reader:   body lock released (locked: ${body.locked}) after ${count} lines`,
      );
    }
  });
}

let handled = 0;
const worker = task(function* (id: number, queue: Channel<string>) {
  let mine = 0;
  try {
    yield* forEach(queue, function* (_line) {
      yield* sleep(1); // the work
      mine++;
      if (++handled === TOTAL_LINES / 2) client.abort("the client went away"); // halfway
    });
  } finally {
    released.push(`worker ${id}: stopped after ${mine} lines`);
  }
});

const dispatcher = task(function* (body: ReadableStream<Uint8Array>, queue: Channel<string>) {
  try {
    yield* forEach(lines(body), function* (line) {
      yield* queue.send(line); // waits while all 4 slots are taken
    });
  } finally {
    queue.close();
    released.push(`dispatch: channel closed (${queue.size} lines were still queued)`);
  }
});

const pipeline = task(function* (body: ReadableStream<Uint8Array>) {
  const queue = new Channel<string>(WORKERS);
  const workers = Array.from({ length: WORKERS }, (_, i) => worker(i + 1, queue));
  yield* whenAll(dispatcher(body, queue), ...workers);
});

const response = await fetch(`http://127.0.0.1:${server.addr.port}/`, { signal: client.signal });
console.log(`GET / -> ${response.status}, streaming ${TOTAL_LINES} lines to ${WORKERS} workers`);
try {
  await start(pipeline(response.body!), { signal: client.signal });
  console.log("pipeline: finished (the client never aborted?)");
} catch (e) {
  if (!(e instanceof CancelledError)) throw e;
  console.log(`pipeline: stopped cleanly by the abort, after ${handled} lines handled`);
}
for (const line of released) console.log(`  ${line}`);
console.log(`  server:   ${await serverDone}`);
await server.shutdown();
console.log("server shut down");
