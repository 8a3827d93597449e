/**
 * Runs a fixture script in a fresh Deno process, so that a crash (an error escaping a timer or
 * an event listener) is a failed assertion on its exit code and output, not a lost test run.
 *
 * @module
 */

/** What a fixture printed and how it ended. */
export interface FixtureRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The lines of stdout, trimmed, empty ones dropped. */
  lines: string[];
}

/** Runs `tests/cancellation/fixtures/<name>` with `deno run`, V8 flags and script arguments. */
export async function runFixture(
  name: string,
  v8Flags: string[] = [],
  scriptArgs: string[] = [],
): Promise<FixtureRun> {
  const path = new URL(`./fixtures/${name}`, import.meta.url).pathname;
  const args = ["run", "--quiet", "--no-check"];
  if (v8Flags.length > 0) args.push(`--v8-flags=${v8Flags.join(",")}`);
  args.push(path, ...scriptArgs);
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return { code: out.code, stdout, stderr, lines };
}
