/**
 * Soak (issue 10): the JS heap stays flat over a million iterations of the core's common
 * patterns. Each runs in a subprocess with `--expose-gc`, measured after full collections; the
 * bound is generous (a leak of even 8 bytes per iteration would exceed it), never a time.
 */

import assert from "node:assert/strict";

async function soak(pattern: string, iterations: number): Promise<number> {
  const script = new URL("./fixtures/soak.ts", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--v8-flags=--expose-gc", script, pattern, String(iterations)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err);
  return JSON.parse(new TextDecoder().decode(stdout)).growth;
}

const LIMIT = 4 * 1024 * 1024; // bytes over ~900k iterations: < 5 bytes each

Deno.test("soak: a million cross-task resumes under syncAwait keep the heap flat", async () => {
  const growth = await soak("pingpong", 1_000_000);
  assert.ok(growth < LIMIT, `heap grew ${growth} bytes`);
});

Deno.test("soak: a million tasks cancelled in storms of 10,000 keep the heap flat", async () => {
  const growth = await soak("storm", 1_000_000);
  assert.ok(growth < LIMIT, `heap grew ${growth} bytes`);
});
