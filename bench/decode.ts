/**
 * The decode workload (issue 13, "show the payoff on a real workload"): 100,000 length-prefixed
 * binary messages of 200-520 bytes, built in memory, each decoded by a task that needs scratch
 * space as big as its message (de-obfuscate into the scratch, then walk its varint fields).
 *
 * Contenders (same decoding code, only the scratch differs):
 * - `@coro/task + frameBuffer (per-batch arena)`: each message a task called with
 *   `allocatorArg` and one `ArenaResource`, taking `yield* frameBuffer(len)`; the arena is
 *   released after every batch of 1,000 messages;
 * - `@coro/task + new Uint8Array`: the same tasks with a fresh `Uint8Array(len)`;
 * - `async/await + new Uint8Array`: an async function per message, awaited;
 * - `sync functions`: plain calls sharing one reused scratch buffer, the floor (what a program
 *   would do if it did not need a task per message).
 *
 * Time comes from the shared harness (ns per message). GC time comes from `decodeGcGrid()`, which
 * runs each contender alone in a fresh process under `--v8-flags=--trace-gc` and sums the pauses
 * V8 reports (see `_decode_child.ts`).
 *
 * @module
 */

import { allocatorArg, ArenaResource, frameBuffer, syncAwait, task } from "./_coro.ts";
import type { Contender } from "./_harness.ts";
import type { Grid } from "./_report.ts";
import { fmtNs } from "./_report.ts";

/** Messages in a full run. */
export const MESSAGES = 100_000;
/** Messages per batch (one arena release per batch). */
export const BATCH = 1_000;

/** The input: `count` messages, each a little-endian u16 length and that many payload bytes. */
export interface Input {
  bytes: Uint8Array;
  /** Payload offset and length of every message, as pairs. */
  index: Int32Array;
  count: number;
}

/** Builds `count` messages from a fixed seed (mulberry32), so every run decodes the same bytes. */
export function buildInput(count: number): Input {
  let s = 0x9e3779b9;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const lengths = Array.from({ length: count }, () => 200 + (next() % 321));
  const total = lengths.reduce((a, n) => a + 2 + n, 0);
  const bytes = new Uint8Array(total);
  const index = new Int32Array(count * 2);
  let at = 0;
  for (let m = 0; m < count; m++) {
    const len = lengths[m];
    bytes[at] = len & 255;
    bytes[at + 1] = len >> 8;
    index[2 * m] = at + 2;
    index[2 * m + 1] = len;
    for (let i = 0; i < len; i++) bytes[at + 2 + i] = next() & 255;
    at += 2 + len;
  }
  return { bytes, index, count };
}

/**
 * Decodes one message into `scratch` (at least `len` bytes): undoes a position-keyed XOR, then
 * sums its varint fields and folds them into a checksum. Writes every scratch byte before reading
 * it, so stale bytes from a reused buffer cannot change the answer.
 */
export function decodeInto(src: Uint8Array, off: number, len: number, scratch: Uint8Array): number {
  for (let i = 0; i < len; i++) scratch[i] = src[off + i] ^ ((i * 31 + len) & 255);
  let sum = 0;
  let value = 0;
  let shift = 0;
  for (let i = 0; i < len; i++) {
    const b = scratch[i];
    value |= (b & 0x7f) << shift;
    if (b & 0x80 && shift < 21) {
      shift += 7;
    } else {
      sum = (Math.imul(sum, 31) + value) | 0;
      value = 0;
      shift = 0;
    }
  }
  return sum;
}

/**
 * A fresh copy of `decodeInto` with its own type feedback: the arena contender's scratch is a view
 * of the Wasm memory's resizable buffer, a different elements kind from a plain `Uint8Array`, and
 * one shared copy would be polymorphic and slow for every contender.
 */
function freshDecoder(): typeof decodeInto {
  return new Function(`return ${decodeInto.toString()}`)() as typeof decodeInto;
}

/** The answer every contender must give: the sum of all message checksums. */
export function expectedAnswer(input: Input): number {
  const scratch = new Uint8Array(1024);
  let total = 0;
  for (let m = 0; m < input.count; m++) {
    total = (total + decodeInto(input.bytes, input.index[2 * m], input.index[2 * m + 1], scratch)) |
      0;
  }
  return total;
}

/** Contender names, in table order. */
export const DECODE_NAMES = [
  "@coro/task + frameBuffer (per-batch arena)",
  "@coro/task + new Uint8Array",
  "async/await + new Uint8Array",
  "sync functions",
] as const;

/** The contenders over `input`; each `run()` decodes every message once. */
export function decodeContenders(input: Input): Contender[] {
  const { bytes, index, count } = input;
  const ops = count;
  const [decodeA, decodeB, decodeC, decodeD] = [1, 2, 3, 4].map(freshDecoder);

  // One arena for the whole run, released after every batch: the batch's frames and buffers all
  // come from its first block (1,000 messages of at most 520 bytes plus 32-byte frames).
  const arena = new ArenaResource({ initialSize: BATCH * (520 + 32 + 16) });
  const decodeFB = task(function* (
    _tag: typeof allocatorArg,
    _arena: ArenaResource,
    off: number,
    len: number,
  ) {
    const scratch = yield* frameBuffer(len);
    return decodeA(bytes, off, len, scratch);
  });
  const batchFB = task(function* (from: number, to: number) {
    let sum = 0;
    for (let m = from; m < to; m++) {
      sum = (sum + (yield* decodeFB(allocatorArg, arena, index[2 * m], index[2 * m + 1]))) | 0;
    }
    return sum;
  });

  const decodeU8 = task(function* (off: number, len: number) {
    return decodeB(bytes, off, len, new Uint8Array(len));
  });
  const batchU8 = task(function* (from: number, to: number) {
    let sum = 0;
    for (let m = from; m < to; m++) {
      sum = (sum + (yield* decodeU8(index[2 * m], index[2 * m + 1]))) | 0;
    }
    return sum;
  });

  // deno-lint-ignore require-await
  const decodeAsync = async (off: number, len: number) =>
    decodeC(bytes, off, len, new Uint8Array(len));
  const batchAsync = async (from: number, to: number) => {
    let sum = 0;
    for (let m = from; m < to; m++) {
      sum = (sum + await decodeAsync(index[2 * m], index[2 * m + 1])) | 0;
    }
    return sum;
  };

  const shared = new Uint8Array(1024);
  const decodeSync = (off: number, len: number) => decodeD(bytes, off, len, shared);

  return [
    {
      name: DECODE_NAMES[0],
      ops,
      run: () => {
        let total = 0;
        for (let b = 0; b < count; b += BATCH) {
          total = (total + syncAwait(batchFB(b, Math.min(b + BATCH, count)))) | 0;
          arena.release();
        }
        return total;
      },
    },
    {
      name: DECODE_NAMES[1],
      ops,
      run: () => {
        let total = 0;
        for (let b = 0; b < count; b += BATCH) {
          total = (total + syncAwait(batchU8(b, Math.min(b + BATCH, count)))) | 0;
        }
        return total;
      },
    },
    {
      name: DECODE_NAMES[2],
      ops,
      async: true,
      run: async () => {
        let total = 0;
        for (let b = 0; b < count; b += BATCH) {
          total = (total + await batchAsync(b, Math.min(b + BATCH, count))) | 0;
        }
        return total;
      },
    },
    {
      name: DECODE_NAMES[3],
      ops,
      run: () => {
        let total = 0;
        for (let m = 0; m < count; m++) {
          total = (total + decodeSync(index[2 * m], index[2 * m + 1])) | 0;
        }
        return total;
      },
    },
  ];
}

/** One contender's GC figures from a child run. */
export interface GcFigures {
  ok: boolean;
  error?: string;
  /** Full decodes timed in the child. */
  decodes?: number;
  /** Wall time per message in the child, ns. */
  ns?: number;
  /** GC pause milliseconds per full decode (100,000 messages), setup subtracted. */
  gcMs?: number;
  /** GC events per full decode. */
  gcs?: number;
}

const GC_LINE =
  /: (Scavenge|Mark-Compact|Mark-Sweep|Minor Mark-Sweep|Mark-sweep)\b.*? MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/;

/** Sums the pauses of `--trace-gc` output: [milliseconds, events]. */
export function sumGcPauses(text: string): [number, number] {
  let ms = 0;
  let events = 0;
  for (const line of text.split("\n")) {
    const m = GC_LINE.exec(line);
    if (m) {
      ms += Number(m[2]);
      events++;
    }
  }
  return [ms, events];
}

/** Runs `_decode_child.ts` for one contender (or `setup`) under `--trace-gc`. */
async function gcChild(name: string, decodes: number, messages: number): Promise<
  GcFigures & {
    pauses: [number, number];
  }
> {
  const path = new URL("./_decode_child.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      "--v8-flags=--trace-gc",
      path,
      name,
      String(decodes),
      String(messages),
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(300_000),
  }).output();
  const pauses = sumGcPauses(new TextDecoder().decode(out.stdout));
  const err = new TextDecoder().decode(out.stderr).trim().split("\n");
  try {
    return { ...(JSON.parse(err.at(-1) ?? "") as GcFigures), pauses };
  } catch {
    return { ok: false, error: `exit ${out.code}: ${(err[0] ?? "").slice(0, 120)}`, pauses };
  }
}

/**
 * GC cost per contender: each runs alone in a fresh process (1 warm-up + `decodes` full decodes
 * of `messages` messages) under `--trace-gc`; the pauses of a setup-only run (building the input)
 * are subtracted, and the rest divided by the decodes made.
 */
export async function decodeGcGrid(decodes: number, messages: number): Promise<Grid> {
  const setup = await gcChild("setup", 0, messages);
  const rows: string[][] = [];
  for (const name of DECODE_NAMES) {
    const r = await gcChild(name, decodes, messages);
    if (!r.ok) {
      rows.push([name, `error: ${r.error}`, "", "", ""]);
      continue;
    }
    const runs = r.decodes! + 1;
    const gcMs = Math.max(0, r.pauses[0] - setup.pauses[0]) / runs;
    const gcs = Math.max(0, r.pauses[1] - setup.pauses[1]) / runs;
    rows.push([
      name,
      fmtNs(r.ns!),
      gcMs.toFixed(2),
      gcs.toFixed(1),
      `${(100 * gcMs * 1e6 / (r.ns! * messages)).toFixed(1)}%`,
    ]);
  }
  return {
    id: "Decode GC",
    title: `GC cost of the decode workload (${messages.toLocaleString("en-US")} messages)`,
    about: "Each contender alone in a fresh process under `--v8-flags=--trace-gc`: one warm-up " +
      `and ${decodes} timed full decodes; GC pauses are the first figure of each V8 trace line ` +
      "(Scavenge, Mark-Compact), summed, minus a setup-only run (building the input), per full " +
      "decode. `ns/message` is the child's wall time over the timed decodes.",
    header: ["contender", "ns/message (alone)", "GC ms per decode", "GCs per decode", "GC share"],
    rows,
  };
}
