/**
 * Destruction at each of this area's awaits: `syncAwait` giving up on a host wait destroys the
 * task, which releases what the wait held (a timer, a listener, a pending hop): its `finally`
 * runs, nothing leaks (the sanitizers check timers), and a late completion does nothing.
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  coAwait,
  ManualExecutor,
  type Operation,
  schedule,
  sleep,
  syncAwait,
  SyncAwaitError,
  task,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

function destroyedAt(op: Operation<unknown>, domain: CancellationDomain) {
  const log: string[] = [];
  const t = task(function* () {
    try {
      yield* withDomain(domain, op);
      log.push("resumed");
    } finally {
      log.push("finally");
    }
  });
  const before = defaultBytesInUse();
  assert.throws(() => syncAwait(t()), SyncAwaitError);
  assert.deepEqual(log, ["finally"]);
  assert.equal(defaultBytesInUse(), before, "no frame leaks");
  return log;
}

Deno.test("syncAwait destroys a task in sleep: its timer is cleared, its listener removed", () => {
  const domain = new CancellationDomain();
  let told = 0;
  domain.addListener({ onCancel: () => void told++ });
  destroyedAt(sleep(60_000), domain);
  domain.cancel(); // only the test's own listener is left
  assert.equal(told, 1);
});

Deno.test("syncAwait destroys a task in a long, chained sleep: the live timer of the chain is cleared", () => {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Set<number>();
  let next = 0;
  try {
    globalThis.setTimeout = (() => (live.add(++next), next)) as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((id: number) =>
      void live.delete(id)) as unknown as typeof clearTimeout;
    destroyedAt(sleep(2 ** 40), new CancellationDomain());
    assert.equal(next, 1, "one timer of the chain was started");
    assert.equal(live.size, 0, "and cleared");
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
});

Deno.test("syncAwait destroys a task in coAwait: the promise settling later changes nothing", async () => {
  let resolve!: (v: number) => void;
  const log = destroyedAt(
    coAwait(new Promise<number>((r) => (resolve = r))),
    new CancellationDomain(),
  );
  resolve(1);
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(log, ["finally"]);
});

Deno.test("syncAwait destroys a task hopping onto a foreign executor: the later run does nothing", () => {
  const foreign = new ManualExecutor(); // not passed to syncAwait: a host wait
  const log = destroyedAt(schedule(foreign), new CancellationDomain());
  assert.equal(foreign.drain(), 1);
  assert.deepEqual(log, ["finally"]);
});
