import assert from "node:assert/strict";
import {
  CancellationDomain,
  CancelledError,
  Channel,
  forEach,
  sleep,
  start,
  syncAwait,
  SyncAwaitError,
  task,
  whenAll,
  withDomain,
} from "../../mod.ts";
import { defaultBytesInUse } from "../_helpers.ts";
import { tick } from "./_helpers.ts";

Deno.test("Channel: bad capacities are typed errors at construction", () => {
  for (const bad of [-1, NaN, 1.5, -Infinity]) {
    assert.throws(() => new Channel(bad), RangeError, `capacity ${bad}`);
  }
  assert.throws(() => new Channel("3" as unknown as number), TypeError);
  assert.throws(() => new Channel(null as unknown as number), TypeError);
  assert.equal(new Channel().capacity, 0);
  assert.equal(new Channel(Infinity).capacity, Infinity);
});

Deno.test("Channel: a send into free space and a receive of a buffered value do not suspend", () => {
  const ch = new Channel<number>(2);
  // syncAwait throws SyncAwaitError if the operation suspends: these must complete inline.
  syncAwait(ch.send(1));
  syncAwait(ch.send(2));
  assert.equal(ch.size, 2);
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 1 });
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 2 });
  assert.equal(ch.size, 0);
  // A send to a waiting receiver does not suspend either.
  const got = start(ch.receive());
  syncAwait(ch.send(3));
  return got.then((r) => assert.deepEqual(r, { done: false, value: 3 }));
});

Deno.test("Channel: send suspends while the channel is full (backpressure)", async () => {
  const ch = new Channel<number>(1);
  const sent: number[] = [];
  const sender = task(function* () {
    for (let i = 0; i < 4; i++) {
      yield* ch.send(i);
      sent.push(i);
    }
  });
  const done = start(sender());
  assert.deepEqual(sent, [0]); // 0 is buffered; 1 waits for room
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 0 });
  assert.deepEqual(sent, [0, 1]); // 1 moved into the buffer, 2 waits
  assert.equal(ch.size, 1);
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 1 });
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 2 });
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 3 });
  await done;
  assert.deepEqual(sent, [0, 1, 2, 3]);
});

Deno.test("Channel(0): a rendezvous: each send waits for a receiver", async () => {
  const ch = new Channel<string>(0);
  let delivered = false;
  const p = start(
    task(function* () {
      yield* ch.send("a");
      delivered = true;
    })(),
  );
  assert.equal(delivered, false);
  assert.equal(ch.size, 0);
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: "a" });
  await p;
  assert.equal(delivered, true);
});

Deno.test("Channel: close drains what was sent, then receive is done", () => {
  const ch = new Channel<number>(3);
  syncAwait(ch.send(1));
  syncAwait(ch.send(2));
  ch.close();
  ch.close(); // twice does nothing
  assert.equal(ch.closed, true);
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 1 });
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 2 });
  assert.deepEqual(syncAwait(ch.receive()), { done: true, value: undefined });
  assert.deepEqual(syncAwait(ch.receive()), { done: true, value: undefined });
});

Deno.test("Channel: send after close is a TypeError, at the call and at the await", () => {
  const ch = new Channel<number>(1);
  const early = ch.send(1); // made before close, awaited after
  ch.close();
  assert.throws(() => ch.send(2), TypeError);
  assert.throws(() => syncAwait(early), /closed/);
  assert.equal(ch.size, 0);
});

Deno.test("Channel: close fails senders waiting for room and ends waiting receivers", async () => {
  const full = new Channel<number>(1);
  syncAwait(full.send(0));
  const waiting = start(full.send(1));
  full.close();
  await assert.rejects(
    waiting,
    (e) => e instanceof TypeError && /while this send waited/.test(e.message),
  );
  assert.deepEqual(syncAwait(full.receive()), { done: false, value: 0 });
  assert.deepEqual(syncAwait(full.receive()), { done: true, value: undefined }); // 1 was not delivered

  const empty = new Channel<number>();
  const r1 = start(empty.receive());
  const r2 = start(empty.receive());
  empty.close();
  assert.deepEqual(await r1, { done: true, value: undefined });
  assert.deepEqual(await r2, { done: true, value: undefined });
});

Deno.test("Channel: receivers and senders are served first come, first served", async () => {
  const ch = new Channel<number>();
  const a = start(ch.receive());
  const b = start(ch.receive());
  syncAwait(ch.send(1));
  syncAwait(ch.send(2));
  assert.deepEqual([await a, await b], [{ done: false, value: 1 }, { done: false, value: 2 }]);

  const s1 = start(ch.send(10));
  const s2 = start(ch.send(20));
  assert.equal(syncAwait(ch.receive()).value, 10);
  assert.equal(syncAwait(ch.receive()).value, 20);
  await Promise.all([s1, s2]);
});

Deno.test("Channel: a cancelled sender delivers nothing", async () => {
  const ch = new Channel<number>(0);
  const domain = new CancellationDomain();
  let cleaned = false;
  const sender = task(function* () {
    try {
      yield* ch.send(1);
    } finally {
      cleaned = true;
    }
  });
  const p = start(withDomain(domain, sender()));
  domain.cancel("stop");
  await assert.rejects(p, CancelledError);
  assert.equal(cleaned, true);
  ch.close();
  assert.deepEqual(syncAwait(ch.receive()), { done: true, value: undefined });
});

Deno.test("Channel: a cancelled receiver takes nothing; the value goes to the next one", async () => {
  const ch = new Channel<number>(1);
  const domain = new CancellationDomain();
  const first = start(withDomain(domain, ch.receive()));
  const second = start(ch.receive());
  domain.cancel();
  await assert.rejects(first, CancelledError);
  syncAwait(ch.send(7));
  assert.deepEqual(await second, { done: false, value: 7 });
  assert.equal(ch.size, 0);
});

Deno.test("Channel: a receiver cancelled right after a hand-off keeps the value (none lost)", async () => {
  const ch = new Channel<number>(0);
  const domain = new CancellationDomain();
  let resumed = false;
  const received = start(withDomain(
    domain,
    task(function* () {
      const r = yield* ch.receive();
      resumed = true;
      return r;
    })(),
  ));
  let resumedAtCancel: boolean | undefined;
  syncAwait(
    task(function* () {
      yield* ch.send(5); // handed over; the receiver's resume is queued behind this task
      resumedAtCancel = resumed;
      domain.cancel(); // the same moment: the receiver already owns the value
    })(),
  );
  assert.equal(resumedAtCancel, false);
  assert.deepEqual(await received, { done: false, value: 5 });

  // The other order: cancelled first, so the send finds no receiver and waits.
  const d2 = new CancellationDomain();
  const late = start(withDomain(d2, ch.receive()));
  d2.cancel();
  const send = start(ch.send(6));
  await assert.rejects(late, CancelledError);
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 6 });
  await send;
});

Deno.test("Channel: a wait started in a cancelled domain fails at once and queues nothing", () => {
  const ch = new Channel<number>(0);
  const domain = new CancellationDomain();
  domain.cancel();
  assert.throws(() => syncAwait(withDomain(domain, ch.send(1))), CancelledError);
  assert.throws(() => syncAwait(withDomain(domain, ch.receive())), CancelledError);
  // Nothing was left queued: a send still finds no receiver, a receive no sender.
  assert.throws(() => syncAwait(ch.send(2)), SyncAwaitError);
  assert.throws(() => syncAwait(ch.receive()), SyncAwaitError);
});

Deno.test("Channel: under syncAwait a wait only another task can end is SyncAwaitError, released", () => {
  const ch = new Channel<number>(1);
  let finallyRan = 0;
  const receiver = task(function* () {
    try {
      return yield* ch.receive();
    } finally {
      finallyRan++;
    }
  });
  const before = defaultBytesInUse();
  assert.throws(
    () => syncAwait(receiver()),
    (e) => e instanceof SyncAwaitError && /Channel\.receive/.test(e.message),
  );
  syncAwait(ch.send(1)); // buffered: no stale receiver took it
  assert.equal(ch.size, 1);
  const sender = task(function* () {
    try {
      yield* ch.send(2);
    } finally {
      finallyRan++;
    }
  });
  assert.throws(() => syncAwait(sender()), /Channel\.send/);
  assert.deepEqual(syncAwait(ch.receive()), { done: false, value: 1 });
  assert.equal(ch.size, 0); // 2 was not delivered by the destroyed sender
  assert.equal(finallyRan, 2);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("Channel: two tasks pass values through whenAll with no host wait", () => {
  for (const capacity of [0, 1, 64, Infinity]) {
    const ch = new Channel<number>(capacity);
    const producer = task(function* () {
      for (let i = 0; i < 1000; i++) yield* ch.send(i);
      ch.close();
    });
    const consumer = task(function* () {
      let sum = 0;
      for (;;) {
        const r = yield* ch.receive();
        if (r.done) return sum;
        sum += r.value;
      }
    });
    assert.equal(syncAwait(whenAll(producer(), consumer()))[1], 499500, `capacity ${capacity}`);
  }
});

Deno.test("Channel: is an AsyncIterable; return() ends a pending next() and leaves the channel open", async () => {
  const ch = new Channel<number>(0);
  const producer = start(
    task(function* () {
      for (let i = 1; i <= 3; i++) {
        yield* sleep(0);
        yield* ch.send(i);
      }
      ch.close();
    })(),
  );
  const seen: number[] = [];
  for await (const v of ch) seen.push(v);
  await producer;
  assert.deepEqual(seen, [1, 2, 3]);

  const open = new Channel<number>(0);
  const it = open[Symbol.asyncIterator]();
  const pending = it.next();
  assert.deepEqual(await it.return!(), { done: true, value: undefined });
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  assert.equal(open.closed, false);
  // The pending next() left the queue: a send finds no receiver.
  assert.throws(() => syncAwait(open.send(1)), SyncAwaitError);
});

Deno.test("Channel: forEach consumes until closed; stopping early leaves the rest queued", async () => {
  const ch = new Channel<number>(4);
  for (const v of [1, 2, 3, 4]) syncAwait(ch.send(v));
  const seen: number[] = [];
  const stopAt2 = task(function* () {
    yield* forEach(ch, function* (v) {
      seen.push(v);
      if (v === 2) throw new RangeError("enough");
    });
  });
  assert.throws(() => syncAwait(stopAt2()), RangeError);
  assert.equal(ch.closed, false);
  assert.equal(ch.size, 2);
  ch.close();
  const rest = task(function* () {
    yield* forEach(ch, function* (v) {
      yield* sleep(0);
      seen.push(v);
    });
  });
  await start(rest());
  assert.deepEqual(seen, [1, 2, 3, 4]);
});

Deno.test("Channel: a task cancelled in forEach over a channel leaves no receiver behind", async () => {
  const ch = new Channel<number>(0);
  const controller = new AbortController();
  const p = start(forEach(ch, function* () {}), { signal: controller.signal });
  await tick();
  controller.abort();
  await assert.rejects(p, CancelledError);
  assert.throws(() => syncAwait(ch.send(1)), SyncAwaitError); // nobody receives
});

Deno.test("Channel: frames are freed whichever way senders and receivers end", async () => {
  const before = defaultBytesInUse();
  const ch = new Channel<number>(0);
  const domain = new CancellationDomain();
  const waiters = [];
  for (let i = 0; i < 10; i++) {
    waiters.push(start(withDomain(
      domain,
      task(function* () {
        yield* sleep(0);
        yield* ch.send(i);
      })(),
    )));
  }
  await tick(5);
  domain.cancel();
  await Promise.allSettled(waiters);
  assert.equal(defaultBytesInUse(), before);
});

Deno.test("streams: `await` on an operation rejects with a TypeError naming yield* and start()", async () => {
  const { once, stream } = await import("../../mod.ts");
  const ch = new Channel<number>(1);
  let emitOp: unknown;
  const s = stream<number>(function* (emit) {
    emitOp = emit(1);
    yield* emit(1);
  });
  await Array.fromAsync(s);
  const ops: [string, unknown][] = [
    ["Channel.send", ch.send(1)],
    ["Channel.receive", ch.receive()],
    ["forEach", forEach([1], function* () {})],
    ["once", once(new EventTarget(), "x")],
    ["emit", emitOp],
  ];
  for (const [name, op] of ops) {
    await assert.rejects(
      Promise.resolve(op),
      (e: unknown) => e instanceof TypeError && /yield\*/.test((e as Error).message),
      name,
    );
  }
  assert.equal(ch.size, 0); // nothing ran
});
