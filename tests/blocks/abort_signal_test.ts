/** `abortSignal()`: an AbortSignal that never outlives its task. */

import assert from "node:assert/strict";
import {
  abortSignal,
  CancellationDomain,
  CancelledError,
  coAwait,
  sleep,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { assertAwaitRejected, CountingDomain } from "./_helpers.ts";

Deno.test("the signal is live while the task runs and aborts when it returns", async () => {
  let signal!: AbortSignal;
  const t = task(function* () {
    signal = yield* abortSignal();
    yield* sleep(1);
    return signal.aborted;
  });
  assert.equal(await start(t()), false);
  assert.equal(signal.aborted, true);
  assert.ok(signal.reason instanceof DOMException && signal.reason.name === "AbortError");
});

Deno.test("it aborts when the task throws", () => {
  let signal!: AbortSignal;
  const t = task(function* () {
    signal = yield* abortSignal();
    throw new Error("failed");
  });
  assert.throws(() => syncAwait(t()), /failed/);
  assert.equal(signal.aborted, true);
});

Deno.test("cancellation aborts it with the domain's reason; it is aborted already in finally", async () => {
  const domain = new CancellationDomain();
  const seen: string[] = [];
  let signal!: AbortSignal;
  const t = task(function* () {
    signal = yield* abortSignal();
    signal.addEventListener("abort", () => seen.push(`abort event: ${signal.reason}`));
    try {
      yield* sleep(60_000);
    } finally {
      seen.push(`finally: aborted=${signal.aborted}`);
    }
  });
  const p = start(withDomain(domain, t()));
  domain.cancel("user left");
  await assert.rejects(p, CancelledError);
  assert.deepEqual(seen, ["abort event: user left", "finally: aborted=true"]);
});

Deno.test("in a domain that is already cancelled, the signal comes aborted", async () => {
  const domain = new CancellationDomain();
  domain.cancel("gone");
  const t = task(function* () {
    const signal = yield* abortSignal();
    return [signal.aborted, signal.reason];
  });
  assert.deepEqual(await start(withDomain(domain, t())), [true, "gone"]);
});

Deno.test("destruction: syncAwait gives up on the task; the signal aborts once the task has ended", () => {
  const before = defaultBytesInUse();
  const seen: boolean[] = [];
  let signal!: AbortSignal;
  const t = task(function* () {
    signal = yield* abortSignal();
    try {
      yield* sleep(60_000);
    } finally {
      seen.push(signal.aborted);
    }
  });
  assert.throws(() => syncAwait(t()), SyncAwaitError);
  assert.equal(signal.aborted, true);
  assert.equal(defaultBytesInUse(), before);
  // Destruction runs finally blocks before the body ends, so the signal was not aborted yet
  // there; it is once the task has ended.
  assert.deepEqual(seen, [false]);
});

Deno.test("one signal per task and domain; a child task and withDomain get their own", async () => {
  const inner = new CancellationDomain();
  const child = task(function* () {
    return yield* abortSignal();
  });
  const t = task(function* () {
    const a = yield* abortSignal();
    const b = yield* abortSignal();
    const c = yield* child();
    const d = yield* withDomain(inner, abortSignal());
    inner.cancel("inner only");
    return { same: a === b, childEnded: c.aborted, a, d };
  });
  const r = await start(t());
  assert.equal(r.same, true);
  assert.equal(r.childEnded, true); // ended with the child task, while the parent ran on
  assert.equal(r.d.reason, "inner only");
  assert.equal(r.a.aborted, true);
});

Deno.test("a fetch given the signal is aborted when the task is cancelled", async () => {
  let answer!: (r: Response) => void;
  let requested!: () => void;
  const arrived = new Promise<void>((resolve) => (requested = resolve));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requested();
    return new Promise<Response>((resolve) => (answer = resolve)); // answers when told
  });
  const domain = new CancellationDomain();
  let response!: Promise<Response>;
  const t = task(function* () {
    const signal = yield* abortSignal();
    response = fetch(`http://127.0.0.1:${server.addr.port}/`, { signal });
    return yield* coAwait(response);
  });
  const p = start(withDomain(domain, t()));
  await arrived;
  domain.cancel("stop");
  await assert.rejects(p, CancelledError);
  await assert.rejects(response, (e) => e === "stop"); // fetch rejects with the signal's reason
  answer(new Response("too late"));
  await server.shutdown();
});

Deno.test("bad use: awaited outside a task it is a TypeError naming abortSignal", async () => {
  await assert.rejects(
    start(abortSignal()),
    (e) =>
      e instanceof TypeError && /abortSignal\(\) can only be awaited with yield\*/.test(e.message),
  );
});

Deno.test("leak check: every task's signal is let go (aborted) when it ends; frames freed", async () => {
  const domain = new CountingDomain();
  const before = defaultBytesInUse();
  const signals: AbortSignal[] = [];
  const one = task(function* () {
    signals.push(yield* abortSignal());
    yield* sleep(0);
  });
  const t = task(function* () {
    for (let i = 0; i < 100; i++) yield* one();
  });
  await start(withDomain(domain, t()));
  assert.equal(new Set(signals).size, 100);
  assert.ok(signals.every((s) => s.aborted && (s.reason as DOMException).name === "AbortError"));
  assert.equal(domain.cancelled, false); // ended by the tasks' ends, not by a cancellation
  assert.equal(domain.live, 0);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("`await` on a abortSignal operation (instead of yield*) rejects with a TypeError naming the fix", async () => {
  await assertAwaitRejected(abortSignal());
});
