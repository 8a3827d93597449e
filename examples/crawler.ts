/**
 * A crawler over a local site: 4 requests at a time (`Semaphore`), each with its own `timeout`,
 * its `fetch` tied to the task by `abortSignal()`, new links spawned into an `AsyncScope`, and
 * everything cancelled on the first fatal error (a 500).
 *
 * Run: `deno run --allow-net=127.0.0.1 examples/crawler.ts`
 *
 * @module
 */

import {
  abortSignal,
  AsyncScope,
  CancelledError,
  coAwait,
  Semaphore,
  task,
  timeout,
  TimeoutError,
} from "../mod.ts";
import { serveSite } from "./_site.ts";

const site = serveSite();
const limit = new Semaphore(4);
const crawl = new AsyncScope();
const seen = new Set<string>();
let [started, cleanups] = [0, 0];

const fetchLinks = task(function* (path: string) {
  const signal = yield* abortSignal(); // aborts if this task is cancelled, or when it ends
  started++;
  try {
    const res = yield* coAwait(fetch(site.base + path, { signal }));
    if (res.status >= 500) throw new Error(`${path} answered ${res.status}`);
    return (yield* coAwait(res.json())) as string[];
  } finally {
    cleanups++;
  }
});

const visit = task(function* (path: string) {
  try {
    const links = yield* limit.use(timeout(fetchLinks(path), 100));
    console.log(`  visited ${path}`);
    for (const link of links.filter((l) => !seen.has(l))) {
      seen.add(link);
      crawl.spawn(visit(link));
    }
  } catch (e) {
    if (e instanceof TimeoutError) return console.log(`  ${path}: timed out, skipped`);
    if (e instanceof CancelledError) return; // the crawl was stopped
    crawl.cancel(e); // fatal: stop the whole crawl
    throw e;
  }
});

seen.add("/");
crawl.spawn(visit("/"));
await crawl.closed().catch((e) => console.log(`crawl stopped: ${e.message}`));
console.log(`cleanup ran for ${cleanups}/${started} fetches`);
console.log(`permits free: ${limit.available}/4, pages still running: ${crawl.size}`);
await site.close();
