/**
 * A local HTTP server where each request runs as a task: `start(handler(req), { signal })` with
 * the request's `AbortSignal`, and frames from a per-request `ArenaResource` (`allocatorArg`). The
 * example is its own client: it sends requests with `fetch`, aborts one mid-flight, shows that
 * the aborted request's `finally` cleanup ran, then shuts the server down.
 *
 * Run: `deno run --allow-net=127.0.0.1 examples/http_server.ts`
 *
 * The request's `signal` must abort only when the client goes away, so the repository's
 * `deno.json` opts in to Deno's `no-legacy-abort` behaviour (without it, Deno 2.9 also aborts it
 * after every successful response and prints a warning); outside this repository, pass
 * `--unstable-no-legacy-abort`.
 *
 * @module
 */

import {
  allocatorArg,
  ArenaResource,
  CancelledError,
  type MemoryResource,
  sleep,
  start,
  task,
  whenAll,
} from "../mod.ts";

let slowStarted!: () => void;
const slowStartedP = new Promise<void>((resolve) => (slowStarted = resolve));
let cleaned!: (what: string) => void;
const cleanedP = new Promise<string>((resolve) => (cleaned = resolve));

const lookup = task(function* (key: string) {
  yield* sleep(2); // a database round trip
  return key.toUpperCase();
});

const handler = task(function* (_tag: typeof allocatorArg, arena: MemoryResource, req: Request) {
  const path = new URL(req.url).pathname;
  if (path === "/slow") {
    slowStarted();
    try {
      yield* sleep(60_000); // far longer than the client will wait
      return new Response("slow done\n");
    } catch (e) {
      if (e instanceof CancelledError) cleaned(`${path}: cancelled, cleanup ran`);
      throw e;
    }
  }
  const [a, b] = yield* whenAll(lookup("hello"), lookup("world"));
  return new Response(
    `${a} ${b} (handler frame from its arena: ${arena.stats.allocations} allocation)\n`,
  );
});

const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen() {},
  onError: () => new Response("cancelled\n", { status: 499 }),
}, (req) => {
  const arena = new ArenaResource(); // one arena per request: freed in one go at the end
  return start(handler(allocatorArg, arena, req), { signal: req.signal })
    .finally(() => arena[Symbol.dispose]());
});
const base = `http://127.0.0.1:${server.addr.port}`;
console.log(`listening on ${base}`);

const fast = await fetch(`${base}/fast`);
console.log(`GET /fast -> ${fast.status} ${(await fast.text()).trim()}`);

const controller = new AbortController();
const slow = fetch(`${base}/slow`, { signal: controller.signal }).catch((e) => e);
await slowStartedP; // the request's task is running on the server
controller.abort();
const outcome = await slow;
console.log(`GET /slow -> client aborted (${(outcome as Error).name})`);
console.log(`server: ${await cleanedP}`);

await server.shutdown();
console.log("server shut down");
