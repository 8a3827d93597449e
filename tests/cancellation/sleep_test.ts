/**
 * Issue 10 item 5: `sleep(ms)` sleeps that long for any ms from 0 to Infinity (hosts fire a timer
 * above 2^31-1 ms at once: the sleep chains timers). Tested with a fake `setTimeout` that records
 * the delays asked for, never by waiting.
 */

import assert from "node:assert/strict";
import { CancellationDomain, CancelledError, sleep, start, task, withDomain } from "../../mod.ts";

const MAX = 2 ** 31 - 1;

interface FakeTimer {
  callback: () => void;
  delay: number;
  cleared: boolean;
}

/** Runs `body` with a fake timer API; restores the real one in all cases. */
async function withFakeTimers(body: (timers: FakeTimer[]) => Promise<void>): Promise<void> {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const timers: FakeTimer[] = [];
  globalThis.setTimeout = ((callback: () => void, delay: number) => {
    timers.push({ callback, delay, cleared: false });
    return timers.length;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id: number | undefined) => {
    if (id !== undefined) timers[id - 1].cleared = true;
  }) as unknown as typeof clearTimeout;
  try {
    await body(timers);
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
}

/** Fires the live timers one at a time until the task has none left; returns the delays. */
async function fireAll(timers: FakeTimer[], p: Promise<unknown>): Promise<number[]> {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  const delays: number[] = [];
  for (let i = 0; i < timers.length; i++) {
    assert.equal(settled, false, "settled before its last timer fired");
    delays.push(timers[i].delay);
    timers[i].callback();
    await Promise.resolve();
  }
  await p;
  return delays;
}

for (
  const [ms, expected] of [
    [0, [0]],
    [1, [1]],
    [MAX, [MAX]],
    [MAX + 2, [MAX, 2]],
    [2 ** 31, [MAX, 1]],
    [2 ** 32 + 5, [MAX, MAX, 7]],
    [3 * MAX + 0.5, [MAX, MAX, MAX, 0.5]],
  ] as [number, number[]][]
) {
  Deno.test(`sleep(${ms}) waits for timers adding up to ${ms} ms, each within the host's limit`, () =>
    withFakeTimers(async (timers) => {
      const p = start(sleep(ms));
      const delays = await fireAll(timers, p);
      assert.deepEqual(delays, expected);
      assert.equal(delays.reduce((a, b) => a + b, 0), ms);
      assert.ok(delays.every((d) => d <= MAX));
    }));
}

Deno.test("sleep(Infinity) holds no timer and ends only when cancelled", () =>
  withFakeTimers(async (timers) => {
    const domain = new CancellationDomain();
    const p = start(withDomain(domain, sleep(Infinity)));
    assert.equal(timers.length, 0);
    domain.cancel("enough");
    await assert.rejects(p, CancelledError);
  }));

Deno.test("a long sleep cancelled in the middle of its chain clears the live timer and starts no other", () =>
  withFakeTimers(async (timers) => {
    const domain = new CancellationDomain();
    const log: string[] = [];
    const t = task(function* () {
      try {
        yield* sleep(3 * MAX);
      } finally {
        log.push("finally");
      }
    });
    const p = start(withDomain(domain, t()));
    timers[0].callback(); // the first ~24.8 days pass
    assert.equal(timers.length, 2);
    domain.cancel();
    await assert.rejects(p, CancelledError);
    assert.equal(timers[1].cleared, true);
    timers[1].callback(); // a host that fires a cleared timer anyway: ignored
    assert.equal(timers.length, 2, "no further timer");
    assert.deepEqual(log, ["finally"]);
  }));

Deno.test("sleep rejects a bad delay at the call: TypeError for a non-number, RangeError otherwise", () => {
  for (const bad of ["10", null, undefined, 10n, {}, new Number(5)]) {
    assert.throws(() => sleep(bad as number), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /sleep\(ms\): ms must be a number/);
      return true;
    });
  }
  for (const bad of [-1, -Infinity, NaN, -0.5]) {
    assert.throws(() => sleep(bad), (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /0 or more ms/);
      return true;
    });
  }
  sleep(-0); // -0 is 0: accepted (nothing is started until it is awaited)
});
