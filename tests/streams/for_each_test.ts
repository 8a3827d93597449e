import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  coAwait,
  forEach,
  ready,
  sleep,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { tick } from "./_helpers.ts";

/** A sync iterable over `values` that logs next() and return(). */
function loggedIterable<T>(values: T[], log: string[]): Iterable<T> {
  return {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next() {
          log.push(`next ${i}`);
          return i < values.length
            ? { done: false, value: values[i++] }
            : { done: true, value: undefined };
        },
        return() {
          log.push("return");
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** An async iterable over `values` (each after a timer) that logs next() and return(). */
function loggedAsyncIterable<T>(values: T[], log: string[], ms = 1): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next() {
          log.push(`next ${i}`);
          return new Promise<IteratorResult<T>>((resolve) =>
            setTimeout(
              () =>
                resolve(
                  i < values.length
                    ? { done: false, value: values[i++] }
                    : { done: true, value: undefined },
                ),
              ms,
            )
          );
        },
        return() {
          log.push("return");
          return Promise.resolve({ done: true as const, value: undefined });
        },
      };
    },
  };
}

Deno.test("forEach: sync iterables: arrays, sets, strings, generators", () => {
  const collect = task(function* (source: Iterable<unknown>) {
    const out: unknown[] = [];
    yield* forEach(source, function* (v) {
      out.push(v);
    });
    return out;
  });
  assert.deepEqual(syncAwait(collect([1, 2, 3])), [1, 2, 3]);
  assert.deepEqual(syncAwait(collect(new Set(["a", "b"]))), ["a", "b"]);
  assert.deepEqual(syncAwait(collect("hi")), ["h", "i"]);
  assert.deepEqual(
    syncAwait(collect((function* () {
      yield 1;
      yield 2;
    })())),
    [1, 2],
  );
  assert.deepEqual(syncAwait(collect([])), []);
});

Deno.test("forEach: the body may be a function*, a task, or return an awaitable or nothing", async () => {
  const seen: number[] = [];
  const record = task(function* (v: number) {
    seen.push(v);
  });
  syncAwait(forEach([1], record));
  syncAwait(forEach([2], (v) => {
    seen.push(v);
  }));
  syncAwait(forEach([3], (v) => ready(seen.push(v))));
  await start(forEach([4], async (v) => {
    await null;
    seen.push(v);
  }));
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.throws(() => syncAwait(forEach([5], () => 42 as never)), /cannot await number/);
});

Deno.test("forEach: does not prefetch: value i+1 is pulled after the body for value i ended", async () => {
  const log: string[] = [];
  await start(forEach(loggedAsyncIterable(["a", "b"], log), function* (v) {
    log.push(`body ${v} begins`);
    yield* sleep(1);
    log.push(`body ${v} ends`);
  }));
  assert.deepEqual(log, [
    "next 0",
    "body a begins",
    "body a ends",
    "next 1",
    "body b begins",
    "body b ends",
    "next 2",
  ]);
  const sync: string[] = [];
  await start(forEach(loggedIterable([1, 2], sync), function* (v) {
    sync.push(`body ${v}`);
    yield* sleep(0);
  }));
  assert.deepEqual(sync, ["next 0", "body 1", "next 1", "body 2", "next 2"]);
});

Deno.test("forEach: an exception in the body calls return() and is rethrown, the same object", async () => {
  const bad = new Error("bad");
  const log: string[] = [];
  assert.throws(
    () =>
      syncAwait(forEach(loggedIterable([1, 2, 3], log), function* (v) {
        if (v === 2) throw bad;
      })),
    (e) => e === bad,
  );
  assert.deepEqual(log, ["next 0", "next 1", "return"]);
  const async: string[] = [];
  await assert.rejects(
    start(forEach(loggedAsyncIterable([1, 2, 3], async), function* () {
      throw bad;
    })),
    (e) => e === bad,
  );
  assert.deepEqual(async, ["next 0", "return"]);
});

Deno.test("forEach: cancellation calls return(), also while next() is pending", async () => {
  const log: string[] = [];
  const domain = new CancellationDomain();
  const p = start(
    withDomain(domain, forEach(loggedAsyncIterable([1, 2], log, 5), function* () {})),
  );
  await tick();
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.deepEqual(log, ["next 0", "return"]);
  await tick(10); // the abandoned next() settles, ignored
});

Deno.test("forEach: return() is not called when the source ended or its next() failed", async () => {
  const log: string[] = [];
  syncAwait(forEach(loggedIterable([1], log), function* () {}));
  assert.deepEqual(log, ["next 0", "next 1"]);
  const failing: Iterable<number> = {
    [Symbol.iterator]: () => ({
      next(): IteratorResult<number> {
        throw new RangeError("broken iterator");
      },
      return() {
        log.push("return");
        return { done: true, value: undefined };
      },
    }),
  };
  assert.throws(() => syncAwait(forEach(failing, function* () {})), RangeError);
  const rejecting: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(new RangeError("broken async iterator")),
      return() {
        log.push("return");
        return Promise.resolve({ done: true as const, value: undefined });
      },
    }),
  };
  await assert.rejects(start(forEach(rejecting, function* () {})), RangeError);
  const notAResult: Iterable<number> = {
    [Symbol.iterator]: () => ({ next: () => 42 as never }),
  };
  assert.throws(() => syncAwait(forEach(notAResult, function* () {})), /not an iterator result/);
  assert.deepEqual(log, ["next 0", "next 1"]);
});

Deno.test("forEach: a ReadableStream is read to its end and its lock released", async () => {
  const body = new Blob(["ab", "cd"]).stream().pipeThrough(new TextDecoderStream());
  let text = "";
  await start(forEach(body, function* (chunk) {
    text += chunk;
  }));
  assert.equal(text, "abcd");
  assert.equal(body.locked, false);
});

Deno.test("forEach: cancelled while a read is pending, a ReadableStream is cancelled and unlocked", async () => {
  let cancelledWith: unknown = "not cancelled";
  const rs = new ReadableStream<number>({
    start(controller) {
      controller.enqueue(1);
    },
    cancel(reason) {
      cancelledWith = reason;
    },
  });
  const seen: number[] = [];
  const controller = new AbortController();
  const p = start(
    forEach(rs, function* (v) {
      seen.push(v);
    }),
    { signal: controller.signal },
  );
  await tick();
  assert.deepEqual(seen, [1]);
  assert.equal(rs.locked, true); // a read of the second value is pending
  controller.abort();
  await assert.rejects(p, CancelledError);
  assert.equal(rs.locked, false);
  assert.equal(cancelledWith, undefined);
});

Deno.test("forEach: a body error cancels a ReadableStream; a locked one is a TypeError", async () => {
  let cancelled = false;
  const rs = new ReadableStream<number>({
    pull(controller) {
      controller.enqueue(1);
    },
    cancel() {
      cancelled = true;
    },
  });
  await assert.rejects(
    start(forEach(rs, function* () {
      throw new Error("stop");
    })),
    /stop/,
  );
  assert.equal(cancelled, true);
  assert.equal(rs.locked, false);
  const locked = new ReadableStream();
  const reader = locked.getReader();
  assert.throws(() => syncAwait(forEach(locked, function* () {})), /locked/);
  reader.releaseLock();
});

Deno.test("forEach: destroyed by syncAwait while the body waits: return() runs, frames freed", () => {
  const log: string[] = [];
  const before = defaultBytesInUse();
  let bodyFinally = 0;
  assert.throws(
    () =>
      syncAwait(forEach(loggedIterable([1, 2], log), function* () {
        try {
          yield* coAwait(Promise.resolve());
        } finally {
          bodyFinally++;
        }
      })),
    SyncAwaitError,
  );
  assert.deepEqual(log, ["next 0", "return"]);
  assert.equal(bodyFinally, 1);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("forEach: destroyed while next() is pending: SyncAwaitError names it, return() runs", () => {
  const log: string[] = [];
  assert.throws(
    () => syncAwait(forEach(loggedAsyncIterable([1], log), function* () {})),
    (e) => e instanceof SyncAwaitError && /async iterator/.test(e.message),
  );
  assert.deepEqual(log, ["next 0", "return"]);
  return tick(5); // the abandoned timer of next() fires, ignored
});

Deno.test("forEach: bad arguments are TypeErrors at the call", () => {
  assert.throws(() => forEach(42 as never, function* () {}), TypeError);
  assert.throws(() => forEach(null as never, function* () {}), TypeError);
  assert.throws(() => forEach({} as never, function* () {}), /AsyncIterable or an Iterable/);
  assert.throws(() => forEach([1], 42 as never), /body must be a function/);
  const t = task(function* () {
    return [1];
  });
  assert.throws(() => forEach(t() as never, function* () {}), /not a source of values/);
});

Deno.test("forEach: nothing is taken from the source until it is awaited", () => {
  const log: string[] = [];
  const op = forEach(loggedIterable([1], log), function* () {});
  assert.deepEqual(log, []);
  syncAwait(op);
  assert.deepEqual(log, ["next 0", "next 1"]);
});

Deno.test("forEach: a thenable that settles synchronously, or twice, is handled once", async () => {
  let calls = 0;
  const odd: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next() {
        const i = calls++;
        return {
          then(ok: (r: IteratorResult<number>) => void, fail: (e: unknown) => void) {
            ok(i < 3 ? { done: false, value: i } : { done: true, value: undefined });
            ok({ done: false, value: 99 }); // again: ignored
            fail(new Error("after settling: ignored"));
          },
        } as unknown as Promise<IteratorResult<number>>;
      },
    }),
  };
  const seen: number[] = [];
  syncAwait(forEach(odd, function* (v) {
    seen.push(v);
  }));
  assert.deepEqual(seen, [0, 1, 2]);
  await tick();
});

Deno.test("forEach: a return() that throws or rejects does not replace the loop's error", async () => {
  const bodyError = new Error("body");
  const throwingReturn: Iterable<number> = {
    [Symbol.iterator]: () => ({
      next: () => ({ done: false, value: 1 }),
      return(): IteratorResult<number> {
        throw new Error("return failed");
      },
    }),
  };
  assert.throws(
    () =>
      syncAwait(forEach(throwingReturn, function* () {
        throw bodyError;
      })),
    (e) => e === bodyError,
  );
  let returned = false;
  const rejectingReturn: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.resolve({ done: false, value: 1 }),
      return() {
        returned = true;
        return Promise.reject(new Error("return rejected")); // must not be unhandled
      },
    }),
  };
  await assert.rejects(
    start(forEach(rejectingReturn, function* () {
      throw bodyError;
    })),
    (e) => e === bodyError,
  );
  assert.equal(returned, true);
  await tick();
});

Deno.test("forEach: frames are freed after completion, errors and cancellation", async () => {
  const before = defaultBytesInUse();
  const step = task(function* (v: number) {
    yield* sleep(0);
    return v;
  });
  await start(forEach([1, 2, 3], step));
  await assert.rejects(
    start(forEach([1, 2], function* (v) {
      yield* step(v);
      throw new Error("x");
    })),
  );
  const domain = new CancellationDomain();
  const p = start(withDomain(domain, forEach([1, 2], step)));
  domain.cancel();
  await assert.rejects(p, CancelledError);
  assert.equal(defaultBytesInUse(), before);
});
