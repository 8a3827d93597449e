/**
 * Orchestrator of the benchmark suite: `deno task bench` (full run, writes `bench/RESULTS.md`),
 * `deno task bench --quick` (smoke test, under a minute, prints the report without writing it
 * unless `--write` is given), `--only=W1,W2,...` to run a subset (ids: W1 W2 W4 Floors Solo W5 W6
 * JSON Decode Scratch Storm Streams W3 Suspended; W1 includes W1b; Decode includes its GC grid;
 * Floors measures the floor variants of missed targets beside the library (`floors.ts`); Solo
 * re-measures the core contenders of W1/W1b/W2/W4 one per fresh process; Scratch is a task taking
 * 256 bytes of scratch (`scratch.ts`); Suspended is the memory a suspended two-level chain holds,
 * in a child process (`suspended.ts`, `suspended_memory.ts`)).
 *
 * Every workload checks that all contenders agree before timing; see `_harness.ts` for the method.
 *
 * @module
 */

import { type Contender, log, type Measurement, QUICK, verifyAndMeasure } from "./_harness.ts";
import {
  type FloorTable,
  fmtNs,
  fmtRatio,
  type Grid,
  nsOf,
  renderBars,
  renderFloorTable,
  renderGrid,
  renderTable,
  renderTargets,
  type Table,
  type Target,
} from "./_report.ts";
import { PEER_VERSIONS } from "./_peers.ts";
import {
  arenaContender,
  EXPECTED_LOOP,
  FIB_CALLS,
  FIB_EXPECTED,
  fibContenders,
  loopContenders,
  N,
  threeArgumentContender,
} from "./compose.ts";
import { EXPECTED_FUT, futureContenders, resumeDepthGrid } from "./futures.ts";
import { heapGrid } from "./heap.ts";
import { jsonContenders } from "./json.ts";
import {
  buildInput,
  DECODE_NAMES,
  decodeContenders,
  decodeGcGrid,
  expectedAnswer,
  MESSAGES,
} from "./decode.ts";
import { stormGrid } from "./storm.ts";
import { BYTES_DEPTH, bytesPerLevel, depthGrid, depthResults, TRAMPOLINE } from "./depth.ts";
import { FLOOR_ROWS, floorTables, POOL_LIMIT_NS } from "./floors.ts";
import {
  SCRATCH_EXPECTED,
  SCRATCH_ROWS,
  SCRATCH_TASKS,
  scratchContenders,
  scratchParts,
} from "./scratch.ts";
import { suspendedGrid } from "./suspended.ts";
import { SUSPENDED_ROWS } from "./suspended_memory.ts";
import { runChild } from "./_child.ts";
import { expectedSum, ITEMS, ROW, streamContenders, streamHeapGrid } from "./streams.ts";

const CORO = "@coro/task (Awaiter)";
const CORO_ARENA = "@coro/task (Awaiter, arena)";
const CORO_THREE_ARGS = "@coro/task (Awaiter, 3 arguments, no allocator)";
const onlyArg = Deno.args.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice(7).split(",")) : null;
const want = (id: string) => only === null || only.has(id);

const started = performance.now();
const tables: Table[] = [];
const grids: Grid[] = [];
const floors: FloorTable[] = [];
const targets: Target[] = [];
const fmtVal = (v: number, unit: string) => unit === "×" ? fmtRatio(v) : `${fmtNs(v)} ${unit}`;
const target = (label: string, value: number, limit: number, unit: string) =>
  targets.push({
    label,
    met: Number.isFinite(value) ? value <= limit : undefined,
    detail: `${fmtVal(value, unit)}, limit ${limit}${unit === "×" ? "×" : ` ${unit}`}`,
  });

/** Solo runs: each listed contender alone in a fresh process (see `_solo_child.ts`). */
const SOLO: Record<string, string[]> = {
  W1: [CORO, "@coro/task (ready)", "raw yield*", "async/await"],
  W1b: [CORO, "@coro/task (ready)", "raw yield*", "async/await"],
  W2: [
    "@coro/task (resumed from outside)",
    "@coro/task (set before await)",
    "@coro/task (awaitSuspend returns false)",
    "async/await (new Promise)",
    "raw generator + driver",
  ],
  W4: ["@coro/task", "raw yield*", "async/await"],
};
const solo = new Map<string, number>();
const soloOf = (w: string, name: string) => solo.get(`${w}|${name}`) ?? NaN;

let w1: Measurement[] = [], w1b: Measurement[] = [], w2: Measurement[] = [];
let w4: Measurement[] = [];
// The W2 and W4 contenders, measured again beside the floors (see floors.ts on why not new ones).
let w2Contenders: Contender[] | undefined, w4Contenders: Contender[] | undefined;
if (want("W1")) {
  const arena = arenaContender();
  w1 = await verifyAndMeasure(
    "W1",
    [...loopContenders("W1"), ...(arena ? [arena, threeArgumentContender()] : [])],
    EXPECTED_LOOP,
  );
  tables.push({
    id: "W1",
    title: "`coro_refactored` (loop awaiting `subtask()` awaiting a ready leaf)",
    about: `ns per loop iteration (${N} per run).`,
    rows: w1,
    notes: arena
      ? [
        `The arena row against its floor, the same subtask with three arguments and no ` +
        `allocator: ${fmtRatio(nsOf(w1, CORO_ARENA) / nsOf(w1, CORO_THREE_ARGS))}; that floor ` +
        `against plain W1: ${fmtRatio(nsOf(w1, CORO_THREE_ARGS) / nsOf(w1, CORO))}.`,
      ]
      : [
        "Allocator variant (`allocatorArg` + `ArenaResource`) skipped: not exported by mod.ts yet.",
      ],
  });
  w1b = await verifyAndMeasure("W1b", loopContenders("W1b"), EXPECTED_LOOP);
  tables.push({
    id: "W1b",
    title: "`coro` (loop awaiting the ready leaf directly)",
    about: `ns per loop iteration (${N} per run).`,
    rows: w1b,
  });
  target("W1 ≤ 1.2× raw yield*", nsOf(w1, CORO) / nsOf(w1, "raw yield*"), 1.2, "×");
  target("W1 ≤ 0.6× async/await", nsOf(w1, CORO) / nsOf(w1, "async/await"), 0.6, "×");
  target("W1b ≤ 8 ns/iteration", nsOf(w1b, CORO), 8, "ns");
  target(
    "W1 with an arena per subtask (allocatorArg) ≤ 1.1× plain W1",
    nsOf(w1, CORO_ARENA) / nsOf(w1, CORO),
    1.1,
    "×",
  );
}

if (want("W2")) {
  w2Contenders = futureContenders();
  w2 = await verifyAndMeasure("W2", w2Contenders, EXPECTED_FUT);
  tables.push({
    id: "W2",
    title: "`fut_test` (a value handed over through a single-shot future)",
    about: `ns per hand-over (${N} per run).`,
    rows: w2,
    asyncRef: "async/await (new Promise)",
    rawRef: "raw generator + driver",
  });
  target(
    "W2 ≤ 0.5× Promise",
    nsOf(w2, "@coro/task (resumed from outside)") / nsOf(w2, "async/await (new Promise)"),
    0.5,
    "×",
  );
}

if (want("W4")) {
  w4Contenders = fibContenders();
  w4 = await verifyAndMeasure("W4", w4Contenders, FIB_EXPECTED);
  tables.push({
    id: "W4",
    title: "`fib(20)`, every call a task",
    about: `ns per call (${FIB_CALLS} calls per run).`,
    rows: w4,
  });
  target("W4 ≤ 1.2× raw generators", nsOf(w4, "@coro/task") / nsOf(w4, "raw yield*"), 1.2, "×");
}

// After W4: the library's rows here have seen what they see in W2 and W4.
if (want("Floors")) {
  floors.push(...await floorTables({ fib: w4Contenders, futures: w2Contenders }));
  target(
    `PoolResource allocate+deallocate pair ≤ ${POOL_LIMIT_NS} ns`,
    nsOf(floors.find((t) => t.id === "Pool")?.rows ?? [], FLOOR_ROWS.pool),
    POOL_LIMIT_NS,
    "ns",
  );
}

if (want("Solo")) {
  const t0 = performance.now();
  const rows: string[][] = [];
  const suite: Record<string, Measurement[]> = { W1: w1, W1b: w1b, W2: w2, W4: w4 };
  for (const [w, names] of Object.entries(SOLO)) {
    for (const name of names) {
      const r = await runChild("./_solo_child.ts", [w, name], { timeoutMs: 120_000 });
      if (r.ok) solo.set(`${w}|${name}`, r.ns as number);
      rows.push([
        w,
        name,
        r.ok ? fmtNs(r.ns as number) : `error: ${r.error}`,
        fmtNs(nsOf(suite[w] ?? [], name)),
      ]);
    }
  }
  log(`solo: ${rows.length} runs in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  grids.push({
    id: "Solo",
    title: "core contenders alone in a fresh process",
    about: "Same harness and knobs, one contender per process, so the JIT has seen nothing " +
      "else. The difference to the suite figure is what sharing the isolate with other " +
      "variants costs (polymorphic call sites inside a library, GC pressure from others).",
    header: ["workload", "contender", "solo ns/op", "in-suite ns/op"],
    rows,
  });
  const ratio = (w: string, a: string, b: string) => soloOf(w, a) / soloOf(w, b);
  const soloTargets: [string, number, number][] = [
    ["W1 ≤ 1.2× raw yield*", ratio("W1", CORO, "raw yield*"), 1.2],
    ["W1 ≤ 0.6× async/await", ratio("W1", CORO, "async/await"), 0.6],
    ["W1b ≤ 8 ns/iteration", soloOf("W1b", CORO), 8],
    [
      "W2 ≤ 0.5× Promise",
      ratio("W2", "@coro/task (resumed from outside)", "async/await (new Promise)"),
      0.5,
    ],
    ["W4 ≤ 1.2× raw generators", ratio("W4", "@coro/task", "raw yield*"), 1.2],
  ];
  for (const [label, v, limit] of soloTargets) {
    const t = targets.find((t) => t.label === label);
    if (!t || !Number.isFinite(v)) continue;
    t.detail += `; solo: ${fmtVal(v, label.includes("ns/") ? "ns" : "×")}` +
      (t.met === false && v <= limit ? " (met when run solo)" : "") +
      (t.met === true && v > limit ? " (missed when run solo)" : "");
  }
}

if (want("W5")) {
  const { grid, bytes } = await heapGrid();
  grids.push(grid);
  target("W5: W1b allocates 0 bytes/iteration", bytes.get(CORO)?.[1] ?? NaN, 0.3, "B");
}

if (want("W6")) grids.push(await resumeDepthGrid());

if (want("JSON")) {
  const { expected, contenders } = jsonContenders(QUICK);
  tables.push({
    id: "JSON",
    title: "recursive-descent JSON parser over chunked, partly asynchronous input",
    about: `ns per input character (${contenders[0].ops.toLocaleString("en-US")} chars, ` +
      "4 KiB chunks, every 64th chunk through a promise).",
    rows: await verifyAndMeasure("JSON", contenders, expected, {
      rounds: QUICK ? 2 : 5,
      samples: 1,
      sampleMs: 1,
      warmupMs: QUICK ? 1 : 500,
    }),
  });
}

if (want("Decode")) {
  const messages = QUICK ? 10_000 : MESSAGES;
  const input = buildInput(messages);
  const rows = await verifyAndMeasure("Decode", decodeContenders(input), expectedAnswer(input), {
    rounds: QUICK ? 2 : 7,
    samples: 1,
    sampleMs: QUICK ? 5 : 100,
    warmupMs: QUICK ? 20 : 500,
  });
  tables.push({
    id: "Decode",
    title: "decode length-prefixed binary messages, a task per message needing scratch space",
    about: `ns per message (${messages.toLocaleString("en-US")} messages of 200-520 bytes, ` +
      "batches of 1,000; see `bench/decode.ts`).",
    rows,
    asyncRef: DECODE_NAMES[2],
    rawRef: DECODE_NAMES[3],
  });
  target(
    "Decode: arena frameBuffer tasks ≤ 1.0× new Uint8Array tasks",
    nsOf(rows, DECODE_NAMES[0]) / nsOf(rows, DECODE_NAMES[1]),
    1.0,
    "×",
  );
  grids.push(await decodeGcGrid(QUICK ? 1 : 5, messages));
}

if (want("Scratch")) {
  const rows = await verifyAndMeasure("Scratch", scratchContenders(), SCRATCH_EXPECTED);
  tables.push({
    id: "Scratch",
    title: "a task that needs 256 bytes of scratch space (issue 13)",
    about: `ns per task (${SCRATCH_TASKS.toLocaleString("en-US")} tasks per run, called by a ` +
      "loop task; each writes a byte of its buffer and reads it back). The floor is a model in " +
      "the same kind of task: a bump pointer through one `WebAssembly.Memory`, reset per run, an " +
      "8-byte header and a `Uint8Array` view (`BumpMemory` in `bench/scratch.ts`).",
    rows,
    asyncRef: SCRATCH_ROWS.uint8Array,
    rawRef: SCRATCH_ROWS.floor,
    notes: [scratchParts(rows)],
  });
  target(
    "Scratch: frameBuffer(256) task ≤ 0.3× the new Uint8Array(256) task",
    nsOf(rows, SCRATCH_ROWS.frameBuffer) / nsOf(rows, SCRATCH_ROWS.uint8Array),
    0.3,
    "×",
  );
}

if (want("Storm")) grids.push(await stormGrid());

if (want("Streams")) {
  const rows = await verifyAndMeasure("Streams", streamContenders(), expectedSum(ITEMS), {
    sampleMs: QUICK ? 4 : 20,
  });
  tables.push({
    id: "Streams",
    title: "values from one coroutine to another on one thread (issue 12)",
    about: `ns per value (${ITEMS.toLocaleString("en-US")} numbers per run, summed by the ` +
      "consumer). Channels: a sender task and a receiver task under `whenAll`; `stream()`: a " +
      "producer task consumed by `forEach` in a task, or by `for await`.",
    rows,
    asyncRef: ROW.asyncGen,
    rawRef: ROW.effection,
  });
  const vsAsyncGen = (row: string) => nsOf(rows, row) / nsOf(rows, ROW.asyncGen);
  target("Streams: Channel(0) hand-off ≤ 0.5× async function*", vsAsyncGen(ROW.chan0), 0.5, "×");
  target("Streams: Channel(64) hand-off ≤ 0.5× async function*", vsAsyncGen(ROW.chan64), 0.5, "×");
  target(
    "Streams: forEach over stream() ≤ 0.5× async function*",
    vsAsyncGen(ROW.streamForEach),
    0.5,
    "×",
  );
  const { grid, bytes } = await streamHeapGrid();
  grids.push(grid);
  for (const row of [ROW.chan0, ROW.chan64, ROW.streamForEach]) {
    target(`Streams: ${row} allocates 0 bytes/value`, bytes.get(row) ?? NaN, 0.3, "B");
  }
}

if (want("W3")) {
  grids.push(await depthGrid());
  const r = depthResults["@coro/task"]?.[1_000_000];
  targets.push({
    label: "W3: 1 000 000 nested awaits complete",
    met: r ? r.ok : undefined,
    detail: r ? (r.ok ? `ok, ${r.ms!.toFixed(0)} ms` : r.error!) : "not run",
  });
  const tr = depthResults[TRAMPOLINE]?.[1_000_000];
  target(
    "W3: 1,000,000 nested awaits ≤ 1.0× the explicit-stack trampoline",
    r?.ok && tr?.ok ? r.ms! / tr.ms! : NaN,
    1.0,
    "×",
  );
  target(
    `W3 ≤ 150 B/level (JS heap at depth ${BYTES_DEPTH.toLocaleString("en-US")})`,
    bytesPerLevel["@coro/task"] ?? NaN,
    150,
    "B/level",
  );
}

if (want("Suspended")) {
  const { grid, bytes } = await suspendedGrid();
  grids.push(grid);
  const coro = bytes.get(SUSPENDED_ROWS.coro)?.js, asyncJs = bytes.get(SUSPENDED_ROWS.async)?.js;
  const ok = coro !== undefined && asyncJs !== undefined;
  targets.push({
    label: "A suspended two-level chain holds ≤ the JS heap of async functions",
    met: ok ? coro <= asyncJs : undefined,
    detail: ok
      ? `${coro.toFixed(0)} B vs ${asyncJs.toFixed(0)} B a chain, ${fmtRatio(coro / asyncJs)}`
      : "not measured",
  });
  const inScope = bytes.get(SUSPENDED_ROWS.scope)?.js;
  targets.push({
    label:
      "The same chains spawned into an AsyncScope (no Promise per root) hold ≤ async functions",
    met: inScope !== undefined && asyncJs !== undefined ? inScope <= asyncJs : undefined,
    detail: inScope !== undefined && asyncJs !== undefined
      ? `${inScope.toFixed(0)} B vs ${asyncJs.toFixed(0)} B a chain, ${fmtRatio(inScope / asyncJs)}`
      : "not measured",
  });
}

/**
 * Rows where a contender (other than the plain-function floor and the floor models) beats
 * @coro/task's primary row.
 */
function behind(): string[] {
  const out: string[] = [];
  for (const t of tables) {
    // The first @coro/task row of a table is its primary form (W2: resumed from outside).
    const ours = t.rows.find((r) => r.name.startsWith("@coro/task") && !r.error);
    if (!ours) continue;
    const best = ours.nsPerOp;
    for (const r of t.rows) {
      if (r.name.startsWith("@coro/task") || r.name.startsWith("floor:")) continue;
      if (r.name === "sync functions") continue;
      if (r.error || r.nsPerOp >= best) continue;
      out.push(
        `- ${t.id}: ${r.name} ${fmtNs(r.nsPerOp)} ns vs ${ours.name} ${fmtNs(best)} ns ` +
          `(${fmtRatio(best / r.nsPerOp)})`,
      );
    }
  }
  return out;
}

function bars(): string {
  if (!w1.length || !w1b.length) return "(W1/W1b not run)";
  const op = nsOf(w1b, CORO);
  const lines = [
    { label: "op cost", ns: op },
    { label: "task overhead", ns: nsOf(w1, CORO) - op },
    { label: "future overhead", ns: nsOf(w2, "async/await (new Promise)") },
    { label: "@coro/task future", ns: nsOf(w2, "@coro/task (resumed from outside)") },
    { label: "async/await op cost", ns: nsOf(w1b, "async/await") },
    { label: "async fn overhead", ns: nsOf(w1, "async/await") - nsOf(w1b, "async/await") },
  ];
  return renderBars(lines, op / 4);
}

async function meta(): Promise<string[]> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
    .match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown CPU";
  const git = await new Deno.Command("git", { args: ["rev-parse", "--short", "HEAD"] }).output()
    .then((o) => new TextDecoder().decode(o.stdout).trim()).catch(() => "?");
  return [
    `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; commit ${git}` +
    `; mode: ${QUICK ? "quick" : "full"}; wall time ${
      ((performance.now() - started) / 1e3).toFixed(0)
    } s`,
    `- Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ${navigator.hardwareConcurrency} cores: ${cpu}`,
    `- Peers: ${Object.entries(PEER_VERSIONS).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  ];
}

const report = [
  "# @coro/task benchmark results",
  "",
  "Generated by `deno task bench` (`bench/run.ts`); do not edit by hand.",
  "",
  ...(await meta()),
  "",
  "Method: every contender's answer is checked first; each sample lasts ~10 ms; contenders are " +
  "interleaved within a round (order rotated each round); figures are medians over rounds of " +
  "per-round minimums; `spread` is half the range of the per-round minimums. Ratios are to the " +
  "async/await and raw `yield*` rows of the same table. `@coro/task` targets are checked on the " +
  "`(Awaiter)` variant (a reused `Awaiter` subclass instance as the ready leaf).",
  "",
  "## The paper's figure",
  "",
  "`op cost` = W1b per await, `task overhead` = W1 − W1b, `future overhead` = W2 with " +
  "`new Promise` (the JS analogue of `std::future`).",
  "",
  bars(),
  "",
  "## Targets",
  "",
  renderTargets(targets),
  "",
  "## Where @coro/task is behind another contender",
  "",
  ...(behind().length ? behind() : ["- nowhere in the timed tables"]),
  "",
  "## Floors: what the design can reach",
  "",
  "Where a target is missed: the least this design can cost, measured with a small model of it " +
  "(a floor variant, in `bench/floors.ts`; not library code) in the same run as the library and " +
  "the target's reference. The ratio columns are to the target's reference row first.",
  "",
  ...(floors.length ? floors.flatMap((t) => [renderFloorTable(t), ""]) : ["(not run)", ""]),
  "## Workloads",
  "",
  ...tables.flatMap((t) => [renderTable(t), ""]),
  ...grids.flatMap((g) => [renderGrid(g), ""]),
].join("\n");

if (QUICK && !Deno.args.includes("--write")) {
  console.log(report);
} else {
  const path = new URL("./RESULTS.md", import.meta.url);
  await Deno.writeTextFile(path, report);
  log(`wrote ${path.pathname}`);
}
log(`done in ${((performance.now() - started) / 1e3).toFixed(0)} s`);
