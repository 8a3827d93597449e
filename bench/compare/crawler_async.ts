/**
 * The crawler of `examples/crawler.ts`, written with async/await: 4 requests at a time, a timeout
 * each, an `AbortSignal` for `fetch`, everything aborted on the first fatal 500.
 *
 * @module
 */

import { serveSite } from "../../examples/_site.ts";

const site = serveSite();
const crawl = new AbortController(); // aborted on the first fatal error
const seen = new Set<string>();
let [started, cleanups] = [0, 0];

// A semaphore by hand: 4 permits and a FIFO of waiters that leave it when aborted.
let free = 4;
const waiters: (() => void)[] = [];
function acquire(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (free > 0 && waiters.length === 0) return Promise.resolve(void free--);
  return new Promise((resolve, reject) => {
    const onAbort = () => (waiters.splice(waiters.indexOf(grant), 1), reject(signal.reason));
    const grant = () => (signal.removeEventListener("abort", onAbort), resolve());
    waiters.push(grant);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
const release = () => (waiters.length > 0 ? waiters.shift()!() : free++);

async function fetchLinks(path: string): Promise<string[]> {
  const signal = AbortSignal.any([crawl.signal, AbortSignal.timeout(100)]);
  started++;
  try {
    const res = await fetch(site.base + path, { signal });
    if (res.status >= 500) throw new Error(`${path} answered ${res.status}`);
    return await res.json();
  } finally {
    cleanups++;
  }
}

async function visit(path: string): Promise<void> {
  let links: string[];
  await acquire(crawl.signal);
  try {
    links = await fetchLinks(path);
  } catch (e) {
    if ((e as Error).name === "TimeoutError") return console.log(`  ${path}: timed out, skipped`);
    if (!crawl.signal.aborted) crawl.abort(e); // fatal: stop the whole crawl
    throw e;
  } finally {
    release();
  }
  console.log(`  visited ${path}`);
  const next = links.filter((l) => !seen.has(l));
  next.forEach((l) => seen.add(l));
  // Wait for every child to settle (Promise.all would return while the others still run).
  const failed = (await Promise.allSettled(next.map(visit))).find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

seen.add("/");
await visit("/").catch(() => console.log(`crawl stopped: ${crawl.signal.reason.message}`));
console.log(`cleanup ran for ${cleanups}/${started} fetches`);
console.log(`permits free: ${free}/4`);
await site.close();
