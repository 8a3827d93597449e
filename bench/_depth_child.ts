/**
 * Child process of W3 (nesting depth): `deno run -A bench/_depth_child.ts <contender> <depth>`
 * runs `deep(depth)` (each level awaiting `deep(n - 1)`, the bottom returning 0, each level adding
 * 1) with one contender, and prints one JSON line: `{"ok":true,"ms":...}` or
 * `{"ok":false,"error":"stack overflow" | message}`. Run by `depth.ts`, one process per
 * contender and depth, so an overflow or a crash cannot take the suite down.
 *
 * @module
 */

import { type Body, syncAwait, task } from "./_coro.ts";
import { co, Effect, effection, gensync, quansync } from "./_peers.ts";

type Deep = (n: number) => unknown;

const coroDeep = task(function* (n: number): Body<number> {
  return n === 0 ? 0 : 1 + (yield* coroDeep(n - 1));
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

/** Contender name → runner. Names match the other tables. */
export const DEPTH_CONTENDERS: Record<string, Deep> = {
  "@coro/task": (n) => syncAwait(coroDeep(n)),
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

function describe(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return "stack overflow";
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return /call stack/i.test(msg) ? "stack overflow" : msg.split("\n")[0].slice(0, 120);
}

if (import.meta.main) {
  const [name, depthArg] = Deno.args;
  const run = DEPTH_CONTENDERS[name];
  const depth = Number(depthArg);
  if (!run || !Number.isInteger(depth)) {
    console.log(JSON.stringify({ ok: false, error: `bad arguments: ${Deno.args.join(" ")}` }));
    Deno.exit(2);
  }
  let out: Record<string, unknown>;
  try {
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
