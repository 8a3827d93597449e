/**
 * Issue 14 part 3: the Wasm heap is instantiated on first use, not at import, so plain tasks work
 * where WebAssembly is unavailable; only a frame buffer or an allocator gives a clear error.
 */

import assert from "node:assert/strict";

const FIXTURE = new URL("./fixtures/no_wasm.ts", import.meta.url);

interface Report {
  wasm: string;
  syncAwait: number;
  start: { ok?: number; error?: unknown };
  frameBuffer: { error?: { name: string; message: string; cause?: string } } | number;
  arena: { error?: { name: string; message: string } } | string;
  after: number;
}

function assertReport(r: Report): void {
  assert.equal(r.wasm, "undefined", "the fixture ran with WebAssembly");
  assert.equal(r.syncAwait, 90, "plain tasks under syncAwait");
  assert.deepEqual(r.start, { ok: 6 }, "a task that suspends, under start, with whenAll");
  const fb = r.frameBuffer as { error: { name: string; message: string; cause?: string } };
  assert.equal(fb.error?.name, "BadAllocError");
  assert.match(fb.error.message, /cannot run WebAssembly/);
  assert.match(fb.error.cause ?? "", /jitless/);
  const arena = r.arena as { error: { name: string; message: string } };
  assert.equal(arena.error?.name, "BadAllocError");
  assert.equal(r.after, 90, "plain tasks still work after those errors");
}

Deno.test("without WebAssembly (a Worker that deletes it): plain tasks work, allocators fail clearly", async () => {
  const worker = new Worker(FIXTURE, { type: "module" });
  try {
    const report = await new Promise<Report>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data as Report);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
    });
    assertReport(report);
  } finally {
    worker.terminate();
  }
});

const canRun = (await Deno.permissions.query({ name: "run" })).state === "granted";

Deno.test({
  name: "under --v8-flags=--jitless (a subprocess; needs --allow-run): the same",
  ignore: !canRun,
  fn: async () => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--v8-flags=--jitless", FIXTURE.pathname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(code, 0, text.decode(stderr));
    assertReport(JSON.parse(text.decode(stdout)));
  },
});
