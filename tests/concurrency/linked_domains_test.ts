/**
 * Issue 10 item 8: a group's or a fork's domain stays linked to its parent after the group
 * returns, so work an input left running through `currentDomain()` is still reached by the outer
 * cancellation; a group or fork that returned normally leaves its domain uncancelled.
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  currentDomain,
  fork,
  join,
  type Operation,
  sleep,
  start,
  type Suspension,
  task,
  whenAll,
  whenAllSettled,
  whenAny,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";

/** What an input leaves behind: a listener on its domain and a started task tied to its signal. */
interface Leftovers {
  domains: CancellationDomain[];
  heard: unknown[];
  started: Promise<unknown>[];
}

function leftovers(): Leftovers {
  return { domains: [], heard: [], started: [] };
}

const forever = task(function* () {
  yield* sleep(Infinity);
});

/** An input that leaves work running in its domain, then returns `value` (after `ms`, if >= 0). */
const leaver = task(function* (out: Leftovers, value: number, ms: number) {
  const domain = yield* currentDomain();
  out.domains.push(domain);
  domain.addListener({ onCancel: (reason) => out.heard.push(reason) });
  const p = start(forever(), { signal: domain.signal });
  p.catch(() => {}); // awaited by the test below
  out.started.push(p);
  if (ms >= 0) yield* sleep(ms);
  return value;
});

/** Runs `group` inside an outer domain, then cancels that domain after the group returned. */
async function cancelAfter<T>(
  group: (out: Leftovers) => Operation<T>,
): Promise<{ out: Leftovers; value: T; cancelledBefore: boolean[] }> {
  const out = leftovers();
  const outer = new CancellationDomain();
  const value = await start(withDomain(outer, group(out)));
  const cancelledBefore = out.domains.map((d) => d.cancelled);
  outer.cancel("shutdown");
  for (const p of out.started) {
    await assert.rejects(p, (e) => e instanceof CancelledError && e.reason === "shutdown");
  }
  return { out, value, cancelledBefore };
}

Deno.test("whenAll: after it returns, the outer cancellation still reaches what its inputs left", async () => {
  const before = defaultBytesInUse();
  const { out, value, cancelledBefore } = await cancelAfter((out) =>
    whenAll(leaver(out, 1, 1), leaver(out, 2, -1))
  );
  assert.deepEqual(value, [1, 2]);
  assert.deepEqual(
    cancelledBefore,
    [false, false],
    "a whenAll that returned leaves it uncancelled",
  );
  assert.deepEqual(out.heard, ["shutdown", "shutdown"]);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("whenAll over one array, with concurrency: the same", async () => {
  const { out, value, cancelledBefore } = await cancelAfter((out) =>
    whenAll([leaver(out, 1, 1), leaver(out, 2, 0), leaver(out, 3, -1)], { concurrency: 2 })
  );
  assert.deepEqual(value, [1, 2, 3]);
  assert.deepEqual(cancelledBefore, [false, false, false]);
  assert.deepEqual(out.heard, ["shutdown", "shutdown", "shutdown"]);
});

Deno.test("whenAllSettled: the same", async () => {
  const { out, value, cancelledBefore } = await cancelAfter((out) =>
    whenAllSettled(leaver(out, 1, 0), leaver(out, 2, -1))
  );
  assert.deepEqual(value, [
    { status: "fulfilled", value: 1 },
    { status: "fulfilled", value: 2 },
  ]);
  assert.deepEqual(cancelledBefore, [false, false]);
  assert.deepEqual(out.heard, ["shutdown", "shutdown"]);
});

Deno.test("whenAny: the winner's domain is left uncancelled and linked; the losers' are cancelled", async () => {
  const out = leftovers();
  const outer = new CancellationDomain();
  const loser = task(function* () {
    out.domains.push(yield* currentDomain());
    yield* sleep(Infinity);
  });
  const value = await start(withDomain(outer, whenAny(loser(), leaver(out, 7, 1))));
  assert.deepEqual(value, { index: 1, value: 7 });
  const [loserDomain, winnerDomain] = out.domains;
  assert.notEqual(loserDomain, winnerDomain, "each input of whenAny runs in its own domain");
  assert.equal(loserDomain.cancelled, true);
  assert.equal(winnerDomain.cancelled, false);
  assert.deepEqual(out.heard, []);
  outer.cancel("shutdown");
  assert.deepEqual(out.heard, ["shutdown"]);
  await assert.rejects(
    out.started[0],
    (e) => e instanceof CancelledError && e.reason === "shutdown",
  );
});

Deno.test("join and yield* forked: a fork's domain stays linked and uncancelled after the join", async () => {
  const { out, value, cancelledBefore } = await cancelAfter((out) =>
    task(function* (): Generator<Suspension, number[], unknown> {
      const a = yield* fork(leaver(out, 1, 1));
      const b = yield* fork(leaver(out, 2, -1));
      const c = yield* fork(leaver(out, 3, 0));
      const [x, y] = yield* join(a, b);
      const z = yield* c;
      return [x, y, z];
    })()
  );
  assert.deepEqual(value, [1, 2, 3]);
  assert.deepEqual(cancelledBefore, [false, false, false]);
  assert.deepEqual(out.heard, ["shutdown", "shutdown", "shutdown"]);
});

Deno.test("an unjoined fork that returned before its task ended is not cancelled, and stays linked", async () => {
  const { out, cancelledBefore } = await cancelAfter((out) =>
    task(function* () {
      yield* fork(leaver(out, 1, -1)); // ends at once, never joined
      yield* sleep(1);
      return 0;
    })()
  );
  assert.deepEqual(cancelledBefore, [false]);
  assert.deepEqual(out.heard, ["shutdown"]);
});

Deno.test("a group that failed cancels its domain (it did not return normally)", async () => {
  const out = leftovers();
  const boom = new Error("boom");
  const bad = task(function* (): Generator<Suspension, number, unknown> {
    yield* sleep(1);
    throw boom;
  });
  const main = task(function* () {
    return yield* whenAll(leaver(out, 1, -1), bad());
  });
  await assert.rejects(start(main()), (e) => e === boom);
  assert.equal(out.domains[0].cancelled, true);
  assert.deepEqual(out.heard, [boom]);
  await assert.rejects(out.started[0], CancelledError);
});
