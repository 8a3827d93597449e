/**
 * Runs a bench script in a child Deno process (W3 depth, W5 heap bytes), with a timeout, and
 * parses the last JSON line it prints. `CORO_BENCH_DENO_FLAGS` (space-separated) is passed to
 * every child, e.g. to try the suite against another build of the core through an import map.
 *
 * @module
 */

/** What a child reported, or why it reported nothing. */
export type ChildResult =
  | { ok: true; [k: string]: unknown }
  | { ok: false; error: string; [k: string]: unknown };

/** Runs `deno run -A [flags] bench/<script> ...args` and returns its JSON report. */
export async function runChild(
  script: string,
  args: string[],
  opts: { timeoutMs: number; v8Flags?: string[] },
): Promise<ChildResult> {
  const extra = (Deno.env.get("CORO_BENCH_DENO_FLAGS") ?? "").split(" ").filter((s) => s);
  const v8 = opts.v8Flags?.length ? [`--v8-flags=${opts.v8Flags.join(",")}`] : [];
  const path = new URL(script, import.meta.url).pathname;
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...v8, ...extra, path, ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(opts.timeoutMs),
  });
  let out: Deno.CommandOutput;
  try {
    out = await cmd.output();
  } catch (e) {
    if (e instanceof DOMException && e.name === "TimeoutError") {
      return { ok: false, error: `timeout (> ${opts.timeoutMs / 1000} s)` };
    }
    throw e;
  }
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(text) as ChildResult;
  } catch {
    const err = new TextDecoder().decode(out.stderr);
    if (/call stack|stack overflow/i.test(err)) return { ok: false, error: "stack overflow" };
    if (out.signal) return { ok: false, error: `crashed (${out.signal})` };
    if (/out of memory|heap limit/i.test(err)) return { ok: false, error: "out of memory" };
    const line = err.trim().split("\n").find((l) => /error/i.test(l)) ?? err.trim().split("\n")[0];
    return { ok: false, error: `exit ${out.code}: ${(line ?? "").slice(0, 120)}` };
  }
}
