/**
 * The crawler of `examples/crawler.ts`, written with Effection 4: 4 requests at a time, a timeout
 * each, `useAbortSignal()` for `fetch`, everything halted on the first fatal 500.
 *
 * @module
 */

import { effection } from "../_peers.ts";
import { serveSite } from "../../examples/_site.ts";

const { action, all, call, race, run, scoped, sleep, until, useAbortSignal } = effection;
type Operation<T> = effection.Operation<T>;

class TimeoutError extends Error {}
const site = serveSite();
const seen = new Set<string>();
let [started, cleanups] = [0, 0];

// Effection 4 has no semaphore: 4 permits and a FIFO of waiters, by hand.
let free = 4;
const waiters: (() => void)[] = [];
function* acquire(): Operation<void> {
  if (free > 0 && waiters.length === 0) return void free--;
  yield* action<void>((resolve) => {
    waiters.push(resolve);
    return () => waiters.includes(resolve) && waiters.splice(waiters.indexOf(resolve), 1);
  });
}
const release = () => (waiters.length > 0 ? waiters.shift()!() : free++);

function* timeout<T>(op: Operation<T>, ms: number): Operation<T> {
  return yield* race([
    op,
    call(function* (): Operation<never> {
      yield* sleep(ms);
      throw new TimeoutError();
    }),
  ]);
}

const fetchLinks = (path: string) =>
  scoped(function* () {
    const signal = yield* useAbortSignal(); // aborts when this scope ends
    started++;
    try {
      const res = yield* until(fetch(site.base + path, { signal }));
      if (res.status >= 500) throw new Error(`${path} answered ${res.status}`);
      return (yield* until(res.json())) as string[];
    } finally {
      cleanups++;
    }
  });

function* visit(path: string): Operation<void> {
  let links: string[];
  yield* acquire();
  try {
    links = yield* timeout(fetchLinks(path), 100);
  } catch (e) {
    if (e instanceof TimeoutError) return console.log(`  ${path}: timed out, skipped`);
    throw e; // fatal: all() halts the siblings, and so on up to the root
  } finally {
    release();
  }
  console.log(`  visited ${path}`);
  const next = links.filter((l) => !seen.has(l));
  next.forEach((l) => seen.add(l));
  yield* all(next.map((l) => visit(l)));
}

seen.add("/");
await run(() => visit("/")).catch((e) => console.log(`crawl stopped: ${e.message}`));
console.log(`cleanup ran for ${cleanups}/${started} fetches`);
console.log(`permits free: ${free}/4`);
await site.close();
