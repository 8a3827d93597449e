/**
 * Hand-over workloads: values that arrive from outside the coroutine.
 *
 * - W2 `fut_test`: `N` values handed over one at a time through a single-shot future. For
 *   `@coro/task` the future is an `Awaiter` whose `awaitSuspend` stores the handle; a producer
 *   outside the task sets the value and calls `handle.resume()`. The references are the paper's
 *   form with promises (`new Promise`, resolve, `await`), the same hand-over resolved from outside
 *   an async function, a raw generator resumed by a tiny driver, and Effection's `withResolvers`.
 *   The paper's literal form (value set before the await, so the future is ready) is shown too,
 *   and a future that produces inside `awaitSuspend` and returns `false` (suspension bookkeeping
 *   without leaving the driver): the three `@coro/task` rows split the cost.
 * - W6: the cost of one resume when the suspended leaf sits under a chain of `depth` awaiting
 *   coroutines (1, 10, 100, 1000, and two probes around the core's inline limit), measured around the producer's loop only (the chain is built
 *   before the clock starts). Raw `yield*` delegation re-enters every level on each `next()`.
 *
 * @module
 */

import { Awaiter, type Body, type CoroutineHandle, start, syncAwait, task } from "./_coro.ts";
import { effection } from "./_peers.ts";
import { type Contender, DEFAULTS, log, median, roundOrder } from "./_harness.ts";
import type { Grid } from "./_report.ts";

/** Hand-overs per W2 batch. */
export const N = 1000;
/** W2 answer: the sum of N, N-1, ..., 1. */
export const EXPECTED_FUT: number = N * (N + 1) / 2;

/** A single-shot future: suspends until a producer sets `value` and resumes the stored handle. */
class Future extends Awaiter<number> {
  value = 0;
  isSet = false;
  handle: CoroutineHandle | null = null;
  /** Sets the value before anyone awaits (the paper's `p.set_value` before `fut.get()`). */
  set(v: number): void {
    this.value = v;
    this.isSet = true;
  }
  override awaitReady(): boolean {
    return this.isSet;
  }
  override awaitSuspend(h: CoroutineHandle): void {
    this.handle = h;
  }
  override awaitResume(): number {
    return this.value;
  }
}

/** A future whose producer runs inside `awaitSuspend` and declines to suspend (returns false). */
class InlineFuture extends Future {
  constructor(readonly produce: () => number) {
    super();
  }
  override awaitSuspend(_h: CoroutineHandle): boolean {
    this.value = this.produce();
    return false;
  }
}

/** A place where a consumer leaves the future it waits on. */
class Slot {
  f: Future | null = null;
}

/** Consumer task summing `k` values from fresh futures left in `slot`. */
function coroConsumer(slot: Slot) {
  return task(function* (k: number) {
    let r = 0;
    for (let i = 0; i < k; i++) {
      const f = new Future();
      slot.f = f;
      r += yield* f;
    }
    return r;
  });
}

/** Feeds `count, count-1, ..., 1` to whatever waits in `slot` until `p` settles. */
async function produce(slot: Slot, p: Promise<number>, count: number): Promise<number> {
  let done = false;
  const settled = p.finally(() => {
    done = true;
  });
  while (!done) {
    const f = slot.f;
    if (f !== null && f.handle !== null) {
      slot.f = null;
      f.value = count--;
      f.handle.resume();
    } else {
      await null; // only if a resume did not run the consumer synchronously
    }
  }
  return await settled;
}

/** Fresh contenders for W2. */
export function futureContenders(): Contender[] {
  const slot = new Slot();
  const consumer = coroConsumer(slot);

  // The paper's literal fut_test: the value is set before the await, so the future is ready.
  const paperCoro = task(function* (n: number) {
    let r = 0, count = n;
    while (count > 0) {
      const f = new Future();
      f.set(count--);
      r += yield* f;
    }
    return r;
  });

  // Suspension without leaving the driver: awaitSuspend produces the value and returns false.
  let inlineCount = 0;
  const produceInline = () => inlineCount--;
  const inlineCoro = task(function* (n: number) {
    let r = 0;
    inlineCount = n;
    for (let i = 0; i < n; i++) r += yield* new InlineFuture(produceInline);
    return r;
  });

  async function paperPromise(n: number): Promise<number> {
    let r = 0, count = n;
    while (count > 0) {
      let resolve!: (v: number) => void;
      const p = new Promise<number>((res) => resolve = res);
      resolve(count--);
      r += await p;
    }
    return r;
  }

  let aslot: ((v: number) => void) | null = null;
  async function asyncConsumer(n: number): Promise<number> {
    let r = 0;
    for (let i = 0; i < n; i++) r += await new Promise<number>((res) => aslot = res);
    return r;
  }
  async function asyncOutside(n: number): Promise<number> {
    let done = false, count = n;
    const p = asyncConsumer(n).finally(() => done = true);
    while (!done) {
      const s = aslot;
      if (s) {
        aslot = null;
        s(count--);
      }
      await null;
    }
    return await p;
  }

  function* rawConsumer(n: number): Generator<{ value: number }, number, void> {
    let r = 0;
    for (let i = 0; i < n; i++) {
      const f = { value: 0 };
      yield f;
      r += f.value;
    }
    return r;
  }
  function rawDriver(n: number): number {
    const g = rawConsumer(n);
    let count = n;
    for (let it = g.next();; it = g.next()) {
      if (it.done) return it.value;
      it.value.value = count--;
    }
  }

  function* fxConsumer(n: number): effection.Operation<number> {
    let r = 0, count = n;
    while (count > 0) {
      const { operation, resolve } = effection.withResolvers<number>();
      resolve(count--);
      r += yield* operation;
    }
    return r;
  }

  return [
    {
      name: "@coro/task (resumed from outside)",
      ops: N,
      async: true,
      run: () => produce(slot, start(consumer(N)), N),
    },
    {
      name: "@coro/task (set before await)",
      ops: N,
      run: () => syncAwait(paperCoro(N)),
    },
    {
      name: "@coro/task (awaitSuspend returns false)",
      ops: N,
      run: () => syncAwait(inlineCoro(N)),
    },
    { name: "async/await (new Promise)", ops: N, async: true, run: () => paperPromise(N) },
    {
      name: "async/await (resolved from outside)",
      ops: N,
      async: true,
      run: () => asyncOutside(N),
    },
    { name: "raw generator + driver", ops: N, run: () => rawDriver(N) },
    {
      name: "Effection withResolvers",
      ops: N,
      async: true,
      run: () => effection.run(() => fxConsumer(N)),
    },
  ];
}

/** The core's limit of tasks nested on the native stack, read from its source (or null). */
function inlineLimit(): number | null {
  try {
    const src = Deno.readTextFileSync(new URL("../src/core/_runtime.ts", import.meta.url));
    const m = src.match(/INLINE_LIMIT\s*=\s*(\d+)/);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Depths measured by W6: the issue's 1, 10, 100 and 1000, plus two probes straddling the core's
 * `INLINE_LIMIT` (when its source says what it is), which show the per-level cost of resuming
 * through a native `yield*` chain.
 */
export const W6_DEPTHS: number[] = (() => {
  const l = inlineLimit();
  const probes = l !== null && l > 10 && l < 99 ? [l - 1, l] : [];
  return [1, 10, ...probes, 100, 1000];
})();

type ResumeRun = (depth: number, k: number) => Promise<{ ms: number; value: number }>;

function coroResume(): ResumeRun {
  const slot = new Slot();
  const leaf = coroConsumer(slot);
  const chain = task(function* (d: number, k: number): Body<number> {
    return d <= 1 ? yield* leaf(k) : yield* chain(d - 1, k);
  });
  return async (depth, k) => {
    const p = start(chain(depth, k));
    let count = k;
    const t0 = performance.now();
    for (let f = slot.f; f !== null && f.handle !== null; f = slot.f) {
      slot.f = null;
      f.value = count--;
      f.handle.resume();
    }
    const ms = performance.now() - t0;
    if (count !== 0) throw new Error("@coro/task: resume() did not run the consumer synchronously");
    return { ms, value: await p };
  };
}

function rawResume(): ResumeRun {
  function* leaf(k: number): Generator<number, number, number> {
    let r = 0;
    for (let i = 0; i < k; i++) r += yield 0;
    return r;
  }
  function* chain(d: number, k: number): Generator<number, number, number> {
    return d <= 1 ? yield* leaf(k) : yield* chain(d - 1, k);
  }
  return (depth, k) => {
    const g = chain(depth, k);
    let it = g.next(0), count = k;
    const t0 = performance.now();
    while (!it.done) it = g.next(count--);
    return Promise.resolve({ ms: performance.now() - t0, value: it.value });
  };
}

function asyncResume(): ResumeRun {
  let slot: ((v: number) => void) | null = null;
  async function leaf(k: number): Promise<number> {
    let r = 0;
    for (let i = 0; i < k; i++) r += await new Promise<number>((res) => slot = res);
    return r;
  }
  async function chain(d: number, k: number): Promise<number> {
    return d <= 1 ? await leaf(k) : await chain(d - 1, k);
  }
  return async (depth, k) => {
    let count = k;
    const p = chain(depth, k);
    const t0 = performance.now();
    while (count > 0) {
      const s = slot;
      if (s) {
        slot = null;
        s(count--);
      }
      await null;
    }
    const ms = performance.now() - t0;
    return { ms, value: await p };
  };
}

/** Runs W6: per contender and depth, the median over rounds of the per-round minimum. */
export async function resumeDepthGrid(): Promise<Grid> {
  const k = DEFAULTS.sampleMs >= 10 ? 20_000 : 5_000;
  const expected = k * (k + 1) / 2;
  const cs: { name: string; run: ResumeRun }[] = [
    { name: "@coro/task", run: coroResume() },
    { name: "raw yield* + driver", run: rawResume() },
    { name: "async/await", run: asyncResume() },
  ];
  const best = new Map<string, number[]>();
  const errors = new Map<string, string>();
  const t0 = performance.now();
  for (let r = -1; r < DEFAULTS.rounds; r++) { // round -1 warms up and checks answers
    const mins = new Map<string, number>();
    for (let s = 0; s < DEFAULTS.samples; s++) {
      for (const c of roundOrder(cs, r + 1 + s)) {
        for (const d of W6_DEPTHS) {
          const key = `${c.name}@${d}`;
          if (errors.has(c.name)) continue;
          try {
            const { ms, value } = await c.run(d, k);
            if (value !== expected) {
              throw new Error(`W6 ${key}: got ${value}, expected ${expected}`);
            }
            mins.set(key, Math.min(mins.get(key) ?? Infinity, ms * 1e6 / k));
          } catch (e) {
            if (r === -1) throw e;
            errors.set(c.name, e instanceof Error ? e.message : String(e));
          }
        }
      }
    }
    if (r >= 0) { for (const [key, v] of mins) best.set(key, [...(best.get(key) ?? []), v]); }
  }
  log(
    `W6: ${cs.length} contenders × ${W6_DEPTHS.length} depths in ${
      ((performance.now() - t0) / 1e3).toFixed(1)
    } s`,
  );
  const cell = (key: string) => {
    const v = best.get(key);
    return v ? median(v) : NaN;
  };
  return {
    id: "W6",
    title: "resume a leaf suspended under a chain of awaiting coroutines",
    about:
      `ns per \`resume()\` from outside (${k} resumes per sample), leaf at the bottom of a chain ` +
      "of `depth` coroutines each awaiting the next. Flat is good; raw `yield*` pays every level.",
    header: ["contender", ...W6_DEPTHS.map((d) => `depth ${d}`), "1000 vs 1"],
    notes: W6_DEPTHS.length > 4
      ? [
        `Depths ${W6_DEPTHS[2]} and ${W6_DEPTHS[3]} probe the core's INLINE_LIMIT ` +
        `(${W6_DEPTHS[3]}): tasks nested deeper are moved onto the driver's explicit stack, so a ` +
        "resume re-enters at most that many native `yield*` levels.",
      ]
      : [],
    rows: cs.map((c) =>
      errors.has(c.name) ? [c.name, `error: ${errors.get(c.name)}`, "", "", "", ""] : [
        c.name,
        ...W6_DEPTHS.map((d) => cell(`${c.name}@${d}`).toFixed(1)),
        `${(cell(`${c.name}@1000`) / cell(`${c.name}@1`)).toFixed(2)}×`,
      ]
    ),
  };
}

/** W6 figure for one contender and depth (for the targets check). */
export function gridCell(g: Grid, name: string, depth: number): number {
  const row = g.rows.find((r) => r[0] === name);
  return row ? Number(row[1 + W6_DEPTHS.indexOf(depth)]) : NaN;
}
