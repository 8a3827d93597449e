/**
 * Issue 10's "Listener and callback misbehaviour" suite, and the heap soaks of the cancellation
 * and executor areas. Each scenario runs in its own Deno process (fixtures/), under real
 * AbortSignals and real timers, so that a crash inside a timer or an event listener shows as a
 * failed exit code here instead of killing the test run.
 */

import assert from "node:assert/strict";
import { runFixture } from "./_subprocess.ts";

/** Asserts that `markers` appear in `lines`, in this order (other lines may come between). */
function assertInOrder(lines: string[], markers: string[]): void {
  let at = 0;
  for (const marker of markers) {
    const found = lines.indexOf(marker, at);
    assert.ok(found >= 0, `missing "${marker}" (in order) in:\n${lines.join("\n")}`);
    at = found + 1;
  }
}

Deno.test("an AbortSignal cancels a domain whose listener throws: all cancelled, error reported, process lives", async () => {
  const run = await runFixture("abort_listener_throws.ts");
  assert.equal(run.code, 0, run.stderr);
  assertInOrder(run.lines, ["sleep CANCELLED", "sleep FINALLY", "ABORT RETURNED"]);
  assertInOrder(run.lines, ["promise CANCELLED", "promise FINALLY", "ABORT RETURNED"]);
  assertInOrder(run.lines, ["ABORT RETURNED", "REPORTED listener boom", "STILL ALIVE"]);
  assertInOrder(run.lines, ["ALL SETTLED", "STILL ALIVE"]);
  assert.equal(run.lines.filter((l) => l.startsWith("REPORTED")).length, 1);
});

Deno.test("with no error handler, Deno's default for the reported error ends the process, after the cancellation completed", async () => {
  const run = await runFixture("abort_listener_throws.ts", [], ["--unhandled"]);
  assert.equal(run.code, 1);
  assertInOrder(run.lines, ["sleep FINALLY", "promise FINALLY", "ABORT RETURNED"]);
  assert.match(run.stderr, /Uncaught Error: listener boom/);
});

Deno.test("a parent cancelled in a timer; a child's listener resumes its task, then throws: reported, all end", async () => {
  const run = await runFixture("parent_cancel_in_timer.ts");
  assert.equal(run.code, 0, run.stderr);
  assertInOrder(run.lines, ["custom resumed", "CANCEL RETURNED", "REPORTED resumed, then threw"]);
  assertInOrder(run.lines, ["sleeper FINALLY", "CANCEL RETURNED", "ALL SETTLED"]);
  assert.ok(run.lines.includes("sleeper CANCELLED"));
});

Deno.test("an abort listener on domain.signal that throws: reported by the host, the cancellation completes", async () => {
  const run = await runFixture("signal_listener_throws.ts");
  assert.equal(run.code, 0, run.stderr);
  assertInOrder(run.lines, [
    "ABORT LISTENER",
    "REPORTED abort listener threw",
    "sleeper FINALLY aborted=true",
    "sleeper CANCELLED",
    "DONE",
  ]);
});

Deno.test("inside whenAll cancelled from outside, a listener that resumes then throws: whenAll settles", async () => {
  const run = await runFixture("when_all_listener_throws.ts", [], ["--outer"]);
  assert.equal(run.code, 0, run.stderr);
  assertInOrder(run.lines, [
    "custom resumed",
    "custom FINALLY",
    "WHENALL REJECTED the operation was cancelled: outer",
    "DONE",
  ]);
  assert.ok(run.lines.includes("sleeper FINALLY"));
  assert.ok(run.lines.includes("REPORTED resumed, then threw"));
});

Deno.test("executors that run each callback twice, under real timers: every hop resumes once", async () => {
  const run = await runFixture("executor_twice.ts");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.lines, ["RESULT 100 STEPS 20"]);
});

Deno.test("thenables that settle twice, or settle then fail, from real timers: first wins", async () => {
  const run = await runFixture("thenables_misbehave.ts");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.lines, [
    "twice: value 1",
    "ok-then-fail: value 1",
    "fail-then-ok: error first",
    "ok-then-throw: value 1",
    "sync-and-late: value 1",
    "RESUMES 5",
  ]);
});

Deno.test("soak: 10^6 child domains under one root, a cancel storm, a never-empty ManualExecutor: JS heap flat", async () => {
  const run = await runFixture("soak.ts", ["--expose-gc"]);
  assert.equal(run.code, 0, run.stderr);
  const growth = new Map<string, number>();
  for (const line of run.lines) {
    const m = /^SOAK (\S+) (-?\d+)$/.exec(line);
    if (m) growth.set(m[1], Number(m[2]));
  }
  assert.deepEqual([...growth.keys()], ["domains", "cancel-storm", "manual-executor"]);
  // Before the fixes: domains +441 MB, manual-executor +10.4 MB (10^6 callbacks).
  assert.ok(growth.get("domains")! < 5_000_000, `domains grew ${growth.get("domains")} bytes`);
  assert.ok(growth.get("cancel-storm")! < 5_000_000, `storm grew ${growth.get("cancel-storm")}`);
  assert.ok(
    growth.get("manual-executor")! < 1_000_000,
    `manual-executor grew ${growth.get("manual-executor")} bytes`,
  );
  assert.ok(run.lines.includes("HELD CANCELLED true end"), "a held child is still cancelled");
});

Deno.test({
  name:
    "inside whenAll cancelled by a failing sibling, a listener that resumes then throws: whenAll settles",
  async fn() {
    const run = await runFixture("when_all_listener_throws.ts", [], ["--sibling"]);
    assert.equal(run.code, 0, run.stderr);
    assertInOrder(run.lines, [
      "custom resumed",
      "custom FINALLY",
      "WHENALL REJECTED sibling failed",
    ]);
    assert.ok(run.lines.includes("REPORTED resumed, then threw"));
  },
});
