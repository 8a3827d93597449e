/**
 * Child process of W3 (nesting depth): `deno run -A bench/_depth_child.ts <contender> <depth>`
 * runs `deep(depth)` (each level awaiting `deep(n - 1)`, the bottom returning 0, each level adding
 * 1) with one contender, and prints one JSON line: `{"ok":true,"ms":...}` or
 * `{"ok":false,"error":"stack overflow" | message}`. Run by `depth.ts`, one process per
 * contender and depth, so an overflow or a crash cannot take the suite down.
 *
 * `deno run -A --v8-flags=--expose-gc bench/_depth_child.ts --bytes <contender> <depth>` measures
 * instead the JS heap each level holds at the deepest point (contenders in
 * {@linkcode BYTES_CONTENDERS}): the leaf runs a probe that collects garbage and reads
 * `Deno.memoryUsage().heapUsed`; the same reading taken before the run is subtracted, and the
 * difference divided by the depth: `{"ok":true,"bytesPerLevel":...,"ms":...}`.
 *
 * @module
 */

import { type Body, syncAwait, task } from "./_coro.ts";
import { co, Effect, effection, gensync, quansync } from "./_peers.ts";

type Deep = (n: number) => unknown;

/** Run at the bottom of `@coro/task`'s and the trampoline's `deep` (set by `--bytes` only). */
let probe: (() => void) | null = null;
/** The leaf's value, 0, after the probe if one is set: one call per run, at the bottom. */
function leaf(): number {
  if (probe !== null) probe();
  return 0;
}

const coroDeep = task(function* (n: number): Body<number> {
  return n === 0 ? leaf() : 1 + (yield* coroDeep(n - 1));
});
function* rawDeep(n: number): Generator<never, number> {
  return n === 0 ? 0 : 1 + (yield* rawDeep(n - 1));
}
const syncDeep = (n: number): number => n === 0 ? 0 : 1 + syncDeep(n - 1);
const asyncDeep = async (n: number): Promise<number> => n === 0 ? 0 : 1 + await asyncDeep(n - 1);
const qDeep = quansync(function* (n: number): Generator<unknown, number, unknown> {
  return n === 0 ? 0 : 1 + (yield* qDeep(n - 1));
});
const gDeep = gensync(function* (n: number): Generator<unknown, number, unknown> {
  return n === 0 ? 0 : 1 + (yield* gDeep(n - 1));
});
const eDeep: (n: number) => Effect.Effect<number> = Effect.fnUntraced(function* (n: number) {
  return n === 0 ? 0 : 1 + (yield* eDeep(n - 1));
});
function* fxDeep(n: number): effection.Operation<number> {
  return n === 0 ? 0 : 1 + (yield* fxDeep(n - 1));
}
function* coDeep(n: number): Generator<unknown, number, number> {
  return n === 0 ? 0 : 1 + (yield coDeep(n - 1));
}

/** A level of the explicit-stack trampoline: a plain generator yielding its child. */
interface Level extends Generator<Level, number, number> {}
function* trampolineDeep(n: number): Level {
  if (n === 0) return leaf();
  return (yield trampolineDeep(n - 1)) + 1;
}
/**
 * The explicit-stack trampoline: an array of suspended generators, the running one on top. A
 * yielded child is pushed and run; a finished one is popped and its parent resumed with its
 * result. The least a coroutine nest deeper than the native stack can cost in JavaScript: no task
 * object, no driver, one array slot per level.
 */
function trampoline(root: Level): number {
  const stack: Level[] = [root];
  let input = 0;
  for (;;) {
    const r = stack[stack.length - 1].next(input);
    if (r.done) {
      stack.pop();
      if (stack.length === 0) return r.value;
      input = r.value;
    } else {
      stack.push(r.value);
      input = 0;
    }
  }
}

/** Contender name → runner. Names match the other tables. */
export const DEPTH_CONTENDERS: Record<string, Deep> = {
  "@coro/task": (n) => syncAwait(coroDeep(n)),
  "explicit-stack trampoline": (n) => trampoline(trampolineDeep(n)),
  "raw yield*": (n) => rawDeep(n).next().value,
  "sync functions": syncDeep,
  "async/await": asyncDeep,
  "quansync sync": (n) => qDeep.sync(n),
  "quansync async": (n) => qDeep.async(n),
  "gensync sync": (n) => gDeep.sync(n),
  "gensync async": (n) => gDeep.async(n),
  "Effect fnUntraced": (n) => Effect.runSync(eDeep(n)),
  "Effection": (n) => effection.run(() => fxDeep(n)),
  "co": (n) => co(coDeep, n),
};

/** The contenders whose leaf calls the probe: what `--bytes` can measure. */
export const BYTES_CONTENDERS = ["@coro/task", "explicit-stack trampoline"];

/** JS heap in use after a full collection (needs `--expose-gc`). */
function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  gc();
  return Deno.memoryUsage().heapUsed;
}

/**
 * Bytes of JS heap per level at the deepest point of `deep(depth)`: a warm-up run at a small
 * depth first (compiled code and feedback exist before the baseline), then the heap after a
 * collection before the run, subtracted from the same reading taken by the leaf.
 */
function bytesPerLevel(run: Deep, depth: number): Record<string, unknown> {
  let atLeaf = NaN;
  run(1000);
  probe = () => atLeaf = heapAfterGc();
  run(10); // the probe's own code compiled too
  const before = heapAfterGc();
  const t0 = performance.now();
  const value = run(depth);
  const ms = performance.now() - t0;
  probe = null;
  if (value !== depth) return { ok: false, error: `wrong answer ${String(value)}` };
  return { ok: true, bytesPerLevel: (atLeaf - before) / depth, before, atLeaf, ms };
}

function describe(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return "stack overflow";
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return /call stack/i.test(msg) ? "stack overflow" : msg.split("\n")[0].slice(0, 120);
}

if (import.meta.main) {
  const bytes = Deno.args[0] === "--bytes";
  const [name, depthArg] = Deno.args.slice(bytes ? 1 : 0);
  const run = DEPTH_CONTENDERS[name];
  const depth = Number(depthArg);
  if (!run || !Number.isInteger(depth) || (bytes && !BYTES_CONTENDERS.includes(name))) {
    console.log(JSON.stringify({ ok: false, error: `bad arguments: ${Deno.args.join(" ")}` }));
    Deno.exit(2);
  }
  let out: Record<string, unknown>;
  try {
    if (bytes) {
      console.log(JSON.stringify(bytesPerLevel(run, depth)));
      Deno.exit(0);
    }
    const t0 = performance.now();
    const value = await run(depth);
    const ms = performance.now() - t0;
    out = value === depth
      ? { ok: true, ms }
      : { ok: false, error: `wrong answer ${String(value)}`, ms };
  } catch (e) {
    out = { ok: false, error: describe(e) };
  }
  console.log(JSON.stringify(out));
}
