/**
 * Cancellation storm: 10 000 tasks suspended in one cancellation scope, cancelled at once; the
 * figure is the time from the cancel call until every task has unwound (ns per task, median over
 * rounds). Setup (starting the 10 000 waiters) is not timed.
 *
 * - `@coro/task`: `start(withDomain(domain, waiter()))` where `waiter` sleeps and catches
 *   `CancelledError`; `domain.cancel()`. Skipped with a note until `mod.ts` exports
 *   `CancellationDomain`, `withDomain`, `sleep` and `CancelledError`.
 * - async/await: an abortable sleep promise per waiter (timer + abort listener), one
 *   `AbortController`.
 * - Effection: 10 000 spawned children sleeping in one scope, halted.
 *
 * @module
 */

import { type Body, optional, start, task } from "./_coro.ts";
import { effection } from "./_peers.ts";
import { DEFAULTS, log, median, QUICK } from "./_harness.ts";
import type { Grid } from "./_report.ts";

/** Tasks per storm. */
export const STORM = 10_000;
const FOREVER = 1e9;

type Storm = () => Promise<{ ms: number; value: number }>;

function coroStorm(): Storm | string {
  const api = optional("CancellationDomain", "withDomain", "sleep", "CancelledError");
  if (!api) return "skipped: mod.ts does not export CancellationDomain/withDomain/sleep yet";
  const waiter = task(function* (): Body<number> {
    try {
      yield* api.sleep(FOREVER);
      return 0;
    } catch (e) {
      return e instanceof api.CancelledError ? 1 : -1;
    }
  });
  return async () => {
    const domain = new api.CancellationDomain();
    const ps: Promise<number>[] = [];
    for (let i = 0; i < STORM; i++) ps.push(start<number>(api.withDomain(domain, waiter())));
    await null;
    const t0 = performance.now();
    domain.cancel();
    const vs = await Promise.all(ps);
    return { ms: performance.now() - t0, value: vs.reduce((a, b) => a + b, 0) };
  };
}

function asyncStorm(): Storm {
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const id = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(id);
        reject(signal.reason);
      }, { once: true });
    });
  async function waiter(signal: AbortSignal): Promise<number> {
    try {
      await sleep(FOREVER, signal);
      return 0;
    } catch {
      return 1;
    }
  }
  return async () => {
    const ac = new AbortController();
    const ps: Promise<number>[] = [];
    for (let i = 0; i < STORM; i++) ps.push(waiter(ac.signal));
    await null;
    const t0 = performance.now();
    ac.abort();
    const vs = await Promise.all(ps);
    return { ms: performance.now() - t0, value: vs.reduce((a, b) => a + b, 0) };
  };
}

function effectionStorm(): Storm {
  return async () => {
    let unwound = 0, started = 0;
    let ready!: () => void;
    const allStarted = new Promise<void>((r) => ready = r);
    const root = effection.run(function* () {
      for (let i = 0; i < STORM; i++) {
        yield* effection.spawn(function* () {
          try {
            if (++started === STORM) ready();
            yield* effection.sleep(FOREVER);
          } finally {
            unwound++;
          }
        });
      }
      yield* effection.suspend();
    });
    await allStarted;
    const t0 = performance.now();
    await root.halt();
    return { ms: performance.now() - t0, value: unwound };
  };
}

/** Runs the storm and lays out its grid. */
export async function stormGrid(): Promise<Grid> {
  const t0 = performance.now();
  const cs: { name: string; run: Storm | string }[] = [
    { name: "@coro/task", run: coroStorm() },
    { name: "async/await + AbortController", run: asyncStorm() },
    { name: "Effection (halt scope)", run: effectionStorm() },
  ];
  const times = new Map<string, number[]>();
  const errors = new Map<string, string>();
  const rounds = QUICK ? 2 : Math.max(3, DEFAULTS.rounds >> 1);
  for (let r = 0; r < rounds + 1; r++) { // round 0 warms up
    for (const c of r % 2 ? [...cs].reverse() : cs) {
      if (typeof c.run === "string" || errors.has(c.name)) continue;
      try {
        const { ms, value } = await c.run();
        if (value !== STORM) throw new Error(`unwound ${value} of ${STORM}`);
        if (r > 0) times.set(c.name, [...(times.get(c.name) ?? []), ms * 1e6 / STORM]);
      } catch (e) {
        errors.set(c.name, e instanceof Error ? e.message : String(e));
      }
    }
  }
  log(`storm: ${cs.length} contenders in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  return {
    id: "Storm",
    title: `cancel ${STORM.toLocaleString("en-US")} suspended tasks at once`,
    about: "Time from the cancel call until every waiter has unwound, per task (median over " +
      `${rounds} rounds).`,
    header: ["contender", "ns per task", "ms per storm"],
    rows: cs.map((c) => {
      if (typeof c.run === "string") return [c.name, c.run, ""];
      if (errors.has(c.name)) return [c.name, `error: ${errors.get(c.name)}`, ""];
      const ns = median(times.get(c.name)!);
      return [c.name, ns.toFixed(0), (ns * STORM / 1e6).toFixed(2)];
    }),
  };
}
