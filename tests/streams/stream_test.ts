import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  forEach,
  sleep,
  start,
  stream,
  syncAwait,
  SyncAwaitError,
  task,
  whenAll,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { tick } from "./_helpers.ts";

/** A producer of 0, 1, 2, ... `n - 1` that logs what happens to it. */
function counting(n: number, log: string[], delay = -1) {
  return stream<number>(function* (emit) {
    log.push("start");
    try {
      for (let i = 0; i < n; i++) {
        if (delay >= 0) yield* sleep(delay);
        log.push(`emit ${i}`);
        yield* emit(i);
      }
      log.push("end");
    } catch (e) {
      log.push(`caught ${(e as Error).name}`);
      throw e;
    } finally {
      log.push("finally");
    }
  });
}

Deno.test("stream: lazy: nothing runs before the first pull", async () => {
  const log: string[] = [];
  const s = counting(2, log);
  const it = s[Symbol.asyncIterator]();
  const notAwaited = forEach(s, function* () {});
  await tick();
  assert.deepEqual(log, []);
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  assert.deepEqual(log, ["start", "emit 0"]);
  await it.return!();
  assert.ok(notAwaited); // made, never awaited: its producer never ran
  assert.deepEqual(log, ["start", "emit 0", "caught CancelledError", "finally"]);
});

Deno.test("stream: emit waits for the next pull; forEach does not prefetch", () => {
  const log: string[] = [];
  const consumer = task(function* () {
    yield* forEach(counting(3, log), function* (v) {
      log.push(`body ${v} begins`);
      log.push(`body ${v} ends`);
    });
  });
  syncAwait(consumer());
  assert.deepEqual(log, [
    "start",
    "emit 0",
    "body 0 begins",
    "body 0 ends",
    "emit 1",
    "body 1 begins",
    "body 1 ends",
    "emit 2",
    "body 2 begins",
    "body 2 ends",
    "end",
    "finally",
  ]);
});

Deno.test("stream: a slow consumer holds the producer back (backpressure)", async () => {
  let emitted = 0, consumed = 0, maxAhead = 0;
  const s = stream<number>(function* (emit) {
    for (let i = 0; i < 5; i++) {
      emitted++;
      maxAhead = Math.max(maxAhead, emitted - consumed);
      yield* emit(i);
    }
  });
  await start(forEach(s, function* () {
    yield* sleep(1);
    consumed++;
  }));
  assert.equal(consumed, 5);
  assert.equal(maxAhead, 1); // the producer never ran ahead of the pull it answered
});

Deno.test("stream: break in for await cancels the producer, unwound before the loop ends", async () => {
  const log: string[] = [];
  for await (const v of counting(10, log)) {
    if (v === 1) break;
  }
  assert.deepEqual(log, ["start", "emit 0", "emit 1", "caught CancelledError", "finally"]);
});

Deno.test("stream: return() settles after the unwinding; next() is done afterwards", async () => {
  const log: string[] = [];
  const it = counting(10, log)[Symbol.asyncIterator]();
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  assert.deepEqual(await it.return!(), { done: true, value: undefined });
  assert.equal(log.at(-1), "finally");
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  assert.deepEqual(await it.return!(), { done: true, value: undefined });
  // return() before the first pull: the producer never runs.
  const log2: string[] = [];
  const it2 = counting(3, log2)[Symbol.asyncIterator]();
  await it2.return!();
  assert.deepEqual(await it2.next(), { done: true, value: undefined });
  assert.deepEqual(log2, []);
});

Deno.test("stream: outside a task, return() unwinds the producer at once", async () => {
  const log: string[] = [];
  const s = stream<number>(function* (emit) {
    try {
      yield* emit(1);
      yield* emit(2);
    } finally {
      log.push("cleanup");
    }
  });
  const it = s[Symbol.asyncIterator]();
  await it.next();
  const r = it.return!();
  assert.deepEqual(log, ["cleanup"]); // outside a task, it unwinds at once
  assert.deepEqual(await r, { done: true, value: undefined });
});

Deno.test("stream: an error thrown while unwinding rejects return()", async () => {
  const oops = new Error("cleanup failed");
  const s = stream<number>(function* (emit) {
    try {
      yield* emit(1);
    } finally {
      // deno-lint-ignore no-unsafe-finally -- deliberately, to test that the error is not lost
      throw oops;
    }
  });
  const it = s[Symbol.asyncIterator]();
  await it.next();
  await assert.rejects(it.return!(), (e) => e === oops);
});

Deno.test("stream: a cancelled consuming task cancels the producer before forEach throws", async () => {
  const log: string[] = [];
  const controller = new AbortController();
  const consumer = task(function* () {
    try {
      yield* forEach(counting(100, log, 1), function* () {});
    } finally {
      log.push("consumer finally");
    }
  });
  const p = start(consumer(), { signal: controller.signal });
  await tick(10);
  controller.abort("enough");
  await assert.rejects(p, CancelledError);
  assert.deepEqual(log.slice(-3), ["caught CancelledError", "finally", "consumer finally"]);
});

Deno.test("stream: a cancelled consumer whose body waits cancels a parked producer", async () => {
  const log: string[] = [];
  const domain = new CancellationDomain();
  const p = start(withDomain(
    domain,
    forEach(counting(5, log), function* () {
      yield* sleep(60_000);
    }),
  ));
  assert.deepEqual(log, ["start", "emit 0"]);
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.deepEqual(log, ["start", "emit 0", "caught CancelledError", "finally"]);
});

Deno.test("stream: the producer's error reaches the consumer at its next pull, the same object", async () => {
  const boom = new Error("boom");
  const s = stream<number>(function* (emit) {
    yield* emit(1);
    yield* sleep(1);
    throw boom;
  });
  const seen: number[] = [];
  await assert.rejects(
    start(forEach(s, function* (v) {
      seen.push(v);
    })),
    (e) => e === boom,
  );
  assert.deepEqual(seen, [1]);
  const it = s[Symbol.asyncIterator]();
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  await assert.rejects(it.next(), (e) => e === boom);
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  // Synchronously, before the first value:
  const early = stream<number>(function* () {
    throw boom;
  });
  assert.throws(() => syncAwait(forEach(early, function* () {})), (e) => e === boom);
});

Deno.test("stream: an error in forEach's body cancels the producer and is rethrown", () => {
  const log: string[] = [];
  const bad = new TypeError("bad value");
  assert.throws(
    () =>
      syncAwait(forEach(counting(10, log), function* (v) {
        if (v === 2) throw bad;
      })),
    (e) => e === bad,
  );
  assert.deepEqual(log, [
    "start",
    "emit 0",
    "emit 1",
    "emit 2",
    "caught CancelledError",
    "finally",
  ]);
});

Deno.test("stream: a producer that fails while unwinding: SuppressedError keeps both errors", () => {
  const bodyError = new Error("body");
  const cleanupError = new Error("cleanup");
  const s = stream<number>(function* (emit) {
    try {
      yield* emit(1);
    } finally {
      // deno-lint-ignore no-unsafe-finally -- deliberately, to test that the error is not lost
      throw cleanupError;
    }
  });
  assert.throws(
    () =>
      syncAwait(forEach(s, function* () {
        throw bodyError;
      })),
    (e) => e instanceof SuppressedError && e.error === cleanupError && e.suppressed === bodyError,
  );
});

Deno.test("stream: each iteration runs the producer anew", async () => {
  const s = stream<number>(function* (emit) {
    for (let i = 0; i < 3; i++) yield* emit(i);
  });
  assert.deepEqual(await Array.fromAsync(s), [0, 1, 2]);
  assert.deepEqual(await Array.fromAsync(s), [0, 1, 2]);
  const sum = task(function* () {
    let total = 0;
    yield* forEach(s, function* (v) {
      total += v;
    });
    return total;
  });
  assert.equal(syncAwait(sum()), 3);
});

Deno.test("stream: forEach in a cancelled domain does not start the producer", () => {
  const log: string[] = [];
  const domain = new CancellationDomain();
  domain.cancel();
  assert.throws(
    () => syncAwait(withDomain(domain, forEach(counting(3, log), function* () {}))),
    CancelledError,
  );
  assert.deepEqual(log, []);
});

Deno.test("stream: under syncAwait a producer waiting on a timer: SyncAwaitError, all released", () => {
  const log: string[] = [];
  const before = defaultBytesInUse();
  let consumerFinally = false;
  const consumer = task(function* () {
    try {
      yield* forEach(counting(3, log, 10), function* () {});
    } finally {
      consumerFinally = true;
    }
  });
  assert.throws(() => syncAwait(consumer()), SyncAwaitError);
  assert.equal(consumerFinally, true);
  assert.deepEqual(log, ["start", "caught CancelledError", "finally"]); // its timer was cleared
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("stream: under syncAwait a body waiting on a timer: the parked producer is unwound", () => {
  const log: string[] = [];
  assert.throws(
    () =>
      syncAwait(forEach(counting(3, log), function* () {
        yield* sleep(10);
      })),
    SyncAwaitError,
  );
  assert.deepEqual(log, ["start", "emit 0", "caught CancelledError", "finally"]);
});

Deno.test("stream: frames are freed on completion, cancellation and errors", async () => {
  const before = defaultBytesInUse();
  const work = task(function* (n: number) {
    yield* sleep(0);
    return n;
  });
  const s = stream<number>(function* (emit) {
    for (let i = 0; i < 3; i++) yield* emit(yield* work(i));
  });
  await start(forEach(s, function* (v) {
    yield* work(v);
  }));
  assert.equal(defaultBytesInUse(), before);
  const domain = new CancellationDomain();
  const p = start(withDomain(
    domain,
    forEach(s, function* () {
      yield* sleep(60_000);
    }),
  ));
  await tick(5);
  domain.cancel();
  await assert.rejects(p, CancelledError);
  for await (const v of s) if (v === 1) break;
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("stream: bad arguments and misuse are TypeErrors", async () => {
  assert.throws(() => stream(42 as never), TypeError);
  assert.throws(() => stream(null as never), TypeError);
  const notAGenerator = stream((() => 42) as never);
  assert.throws(() => syncAwait(forEach(notAGenerator, function* () {})), /generator function/);
  await assert.rejects(notAGenerator[Symbol.asyncIterator]().next(), TypeError);

  let leaked: ((v: number) => unknown) | undefined;
  const ended = stream<number>(function* (emit) {
    leaked = emit;
    yield* emit(1);
  });
  assert.deepEqual(await Array.fromAsync(ended), [1]);
  assert.throws(() => syncAwait(leaked!(2) as never), /after the stream ended/);

  const overlapping = stream<number>(function* (emit) {
    const first = emit(1);
    const second = emit(2);
    yield* first;
    yield* second; // still in order: the first was taken
  });
  assert.deepEqual(await Array.fromAsync(overlapping), [1, 2]);

  const concurrent = stream<number>(function* (emit) {
    yield* whenAll(emit(1), emit(2));
  });
  await assert.rejects(Array.fromAsync(concurrent), /another emit\(\) waits/);
});

Deno.test("stream: a producer may await anything a task can", async () => {
  const s = stream<string>(function* (emit) {
    yield* emit("a");
    yield* sleep(1);
    yield* emit("b");
  });
  const seen: string[] = [];
  for await (const v of s) seen.push(v);
  assert.deepEqual(seen, ["a", "b"]);
});

Deno.test("stream: a pipeline of 200 stages passes values and unwinds every stage", async () => {
  let unwound = 0;
  let s = stream<number>(function* (emit) {
    try {
      for (let i = 0; i < 10; i++) yield* emit(i);
    } finally {
      unwound++;
    }
  });
  for (let stage = 0; stage < 200; stage++) {
    const previous = s;
    s = stream<number>(function* (emit) {
      try {
        yield* forEach(previous, function* (v) {
          yield* emit(v + 1);
        });
      } finally {
        unwound++;
      }
    });
  }
  const sum = task(function* () {
    let total = 0;
    yield* forEach(s, function* (v) {
      total += v;
    });
    return total;
  });
  assert.equal(syncAwait(sum()), 45 + 10 * 200);
  assert.equal(unwound, 201);
  unwound = 0;
  const firstTwo: number[] = [];
  for await (const v of s) {
    firstTwo.push(v);
    if (firstTwo.length === 2) break; // cancels all 201 producers, innermost last
  }
  assert.deepEqual(firstTwo, [200, 201]);
  assert.equal(unwound, 201);
});

Deno.test("stream: overlapping next() is a TypeError; return() ends a pending next()", async () => {
  const s = stream<number>(function* (emit) {
    yield* sleep(1);
    yield* emit(1);
  });
  const it = s[Symbol.asyncIterator]();
  const first = it.next();
  await assert.rejects(it.next(), /while the previous next\(\) was pending/);
  const returned = it.return!();
  assert.deepEqual(await first, { done: true, value: undefined });
  assert.deepEqual(await returned, { done: true, value: undefined });
});

Deno.test("stream: a stopped producer that emits again fails at once with CancelledError", async () => {
  const log: string[] = [];
  const s = stream<number>(function* (emit) {
    try {
      yield* emit(1);
    } catch (e) {
      log.push(`first: ${(e as Error).name}`);
      try {
        yield* emit(2);
      } catch (e2) {
        log.push(`second: ${(e2 as Error).name}`);
        throw e2;
      }
    }
  });
  for await (const _ of s) break;
  assert.deepEqual(log, ["first: CancelledError", "second: CancelledError"]);
});
