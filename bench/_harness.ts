/**
 * Timing harness shared by the orchestrated benchmarks (`deno task bench`).
 *
 * Method, chosen for a noisy 2-core machine:
 * - every contender's answer is checked against the expected one before anything is timed, and a
 *   mismatch throws (a fast wrong answer is worth nothing);
 * - each contender is warmed up and calibrated so that one sample lasts about `sampleMs`;
 * - a round takes `samples` samples of every contender, interleaved (contender A, B, C, A, B, C...)
 *   with the order rotated and reversed from round to round, and keeps each contender's minimum;
 * - the reported figure is the median over rounds of those per-round minimums.
 *
 * Quick mode (`deno task bench --quick`, or `CORO_BENCH_QUICK=1`) shrinks every knob for smoke tests.
 *
 * @module
 */

/** Reads an environment variable, or `undefined` without `--allow-env` (e.g. under `deno bench`). */
export function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** True when the suite runs in quick (smoke-test) mode. */
export const QUICK: boolean = Deno.args.includes("--quick") || env("CORO_BENCH_QUICK") === "1";

/** One way of doing a workload, timed against the others. */
export interface Contender {
  /** Label in the report, e.g. `@coro/task`, `async/await`, `raw yield*`. */
  name: string;
  /** Runs one batch of the workload; returns its answer (or a promise of it). */
  run: () => unknown;
  /** How many operations one `run()` performs (ns/op divides by this). */
  ops: number;
  /** True when `run()` returns a promise that must be awaited. */
  async?: boolean;
}

/** What a measured contender reports. */
export interface Measurement {
  name: string;
  /** Median over rounds of the per-round minimum, in nanoseconds per operation. */
  nsPerOp: number;
  /** Per-round minimums, ns/op (for the spread column). */
  rounds: number[];
  /** Set when the contender could not run (error message). */
  error?: string;
}

/** Knobs for {@linkcode measure}. */
export interface MeasureOptions {
  rounds?: number;
  samples?: number;
  sampleMs?: number;
  warmupMs?: number;
}

/** Default knobs, smaller in quick mode. */
export const DEFAULTS: Required<MeasureOptions> = QUICK
  ? { rounds: 3, samples: 2, sampleMs: 4, warmupMs: 20 }
  : { rounds: 9, samples: 4, sampleMs: 10, warmupMs: 150 };

/** Deep-ish equality good enough for answers (numbers, strings, arrays, plain objects). */
export function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>;
  for (const k of ka) if (!(k in rb) || !same(ra[k], rb[k])) return false;
  return true;
}

/** Runs every contender once and throws if any answer differs from `expected`. */
export async function verify(workload: string, contenders: Contender[], expected: unknown) {
  const bad: string[] = [];
  for (const c of contenders) {
    let got: unknown;
    try {
      got = c.async ? await c.run() : c.run();
    } catch (e) {
      bad.push(`${c.name}: threw ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      continue;
    }
    if (!same(got, expected)) {
      bad.push(`${c.name}: got ${short(got)}, expected ${short(expected)}`);
    }
  }
  if (bad.length) throw new Error(`${workload}: contenders disagree:\n  ${bad.join("\n  ")}`);
}

function short(v: unknown): string {
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return s.length > 80 ? s.slice(0, 77) + "..." : s;
}

/** Times `iters` calls of `c.run()` in milliseconds. */
async function sample(c: Contender, iters: number): Promise<number> {
  const run = c.run;
  if (c.async) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) await run();
    return performance.now() - t0;
  }
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) run();
  return performance.now() - t0;
}

/** Warms `c` up for about `warmupMs` and returns the batch count that fills `sampleMs`. */
async function calibrate(c: Contender, warmupMs: number, sampleMs: number): Promise<number> {
  let iters = 1;
  const end = performance.now() + warmupMs;
  let per = Infinity;
  for (;;) {
    const ms = await sample(c, iters);
    if (ms > 0) per = Math.min(per, ms / iters);
    if (performance.now() >= end && ms >= sampleMs / 4) break;
    if (ms < sampleMs / 2) iters *= 2;
  }
  return Math.max(1, Math.round(sampleMs / per));
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rotates and, on odd rounds, reverses `xs`: the round's interleaving order. */
export function roundOrder<T>(xs: T[], round: number): T[] {
  const k = round % xs.length;
  const r = [...xs.slice(k), ...xs.slice(0, k)];
  return round % 2 ? r.reverse() : r;
}

/** Measures contenders with interleaved rounds (see the module doc). */
export async function measure(
  contenders: Contender[],
  opts: MeasureOptions = {},
): Promise<Measurement[]> {
  const o = { ...DEFAULTS, ...opts };
  const iters = new Map<Contender, number>();
  const mins = new Map<Contender, number[]>();
  const errors = new Map<Contender, string>();
  for (const c of contenders) {
    try {
      iters.set(c, await calibrate(c, o.warmupMs, o.sampleMs));
      mins.set(c, []);
    } catch (e) {
      errors.set(c, e instanceof Error ? e.message : String(e));
    }
  }
  const live = contenders.filter((c) => !errors.has(c));
  for (let r = 0; r < o.rounds; r++) {
    const best = new Map<Contender, number>();
    for (let s = 0; s < o.samples; s++) {
      for (const c of roundOrder(live, r + s)) {
        const n = iters.get(c)!;
        const ns = (await sample(c, n)) * 1e6 / (n * c.ops);
        best.set(c, Math.min(best.get(c) ?? Infinity, ns));
      }
    }
    for (const c of live) mins.get(c)!.push(best.get(c)!);
  }
  return contenders.map((c) =>
    errors.has(c)
      ? { name: c.name, nsPerOp: NaN, rounds: [], error: errors.get(c) }
      : { name: c.name, nsPerOp: median(mins.get(c)!), rounds: mins.get(c)! }
  );
}

/** Verifies, then measures; logs a one-line progress note to stderr. */
export async function verifyAndMeasure(
  workload: string,
  contenders: Contender[],
  expected: unknown,
  opts: MeasureOptions = {},
): Promise<Measurement[]> {
  await verify(workload, contenders, expected);
  const t0 = performance.now();
  const res = await measure(contenders, opts);
  log(
    `${workload}: ${contenders.length} contenders in ${
      ((performance.now() - t0) / 1e3).toFixed(1)
    } s`,
  );
  return res;
}

/** Progress output (stderr, so stdout stays clean for child processes). */
export function log(msg: string) {
  console.error(`[bench] ${msg}`);
}
