/**
 * Executors and the paper's four cases of "Interaction with executors".
 */

import assert from "node:assert/strict";
import {
  type Executor,
  inlineExecutor,
  macrotaskExecutor,
  ManualExecutor,
  microtaskExecutor,
  schedule,
  spawn,
  start,
  syncAwait,
  task,
  via,
} from "../../mod.ts";
import { capturingReports } from "../_helpers.ts";
import { Fifo } from "../../src/executors/_fifo.ts";
import { messageChannelQueue } from "../../src/executors/_message_channel_queue.ts";

/** An executor that tags what runs on it, so a test can see where each part ran. */
class Tagged implements Executor {
  static running: string = "caller";
  readonly inner = new ManualExecutor();
  constructor(readonly name: string) {}
  execute(callback: () => void): void {
    this.inner.execute(() => {
      const outer = Tagged.running;
      Tagged.running = this.name;
      try {
        callback();
      } finally {
        Tagged.running = outer;
      }
    });
  }
  toString(): string {
    return this.name;
  }
}

function drainAll(...executors: Tagged[]): void {
  while (executors.some((e) => e.inner.pending > 0)) for (const e of executors) e.inner.drain();
}

const where = task(function* (log: string[], label: string) {
  log.push(`${label} on ${Tagged.running}`);
  return label;
});

Deno.test("case 1: co_await f() starts here and resumes where f completed", () => {
  const log: string[] = [];
  const main = task(function* () {
    yield* where(log, "f");
    log.push(`awaiter on ${Tagged.running}`);
  });
  syncAwait(main());
  assert.deepEqual(log, ["f on caller", "awaiter on caller"]);
});

Deno.test("case 2: via(f(), e) starts here and resumes the awaiter on e", async () => {
  const e = new Tagged("e");
  const log: string[] = [];
  const main = task(function* () {
    yield* via(where(log, "f"), e);
    log.push(`awaiter on ${Tagged.running}`);
  });
  const p = start(main());
  drainAll(e);
  await p;
  assert.deepEqual(log, ["f on caller", "awaiter on e"]);
});

Deno.test("case 3: spawn(ex, f()) starts f on ex; the awaiter resumes where f completed", async () => {
  const ex = new Tagged("ex");
  const log: string[] = [];
  const main = task(function* () {
    const v = yield* spawn(ex, where(log, "f"));
    log.push(`awaiter on ${Tagged.running}`);
    return v;
  });
  const p = start(main());
  assert.deepEqual(log, []);
  drainAll(ex);
  assert.equal(await p, "f");
  assert.deepEqual(log, ["f on ex", "awaiter on ex"]);
});

Deno.test("case 4: via(spawn(ex1, f()), ex2) starts on ex1 and resumes on ex2", async () => {
  const ex1 = new Tagged("ex1");
  const ex2 = new Tagged("ex2");
  const log: string[] = [];
  const main = task(function* () {
    yield* via(spawn(ex1, where(log, "f")), ex2);
    log.push(`awaiter on ${Tagged.running}`);
  });
  const p = start(main());
  drainAll(ex1, ex2);
  await p;
  assert.deepEqual(log, ["f on ex1", "awaiter on ex2"]);
});

Deno.test("schedule(ex) moves the rest of the task onto ex", () => {
  const e = new Tagged("e");
  const log: string[] = [];
  const main = task(function* () {
    log.push(`before on ${Tagged.running}`);
    yield* schedule(e);
    log.push(`after on ${Tagged.running}`);
  });
  syncAwait(main(), { executor: e.inner });
  assert.deepEqual(log, ["before on caller", "after on e"]);
});

Deno.test("via resumes on the executor when the operation throws, then rethrows", async () => {
  const e = new Tagged("e");
  const boom = new Error("boom");
  const failing = task(function* () {
    throw boom;
  });
  const main = task(function* () {
    try {
      yield* via(failing(), e);
    } catch (err) {
      return [err, Tagged.running];
    }
    return null;
  });
  const p = start(main());
  drainAll(e);
  assert.deepEqual(await p, [boom, "e"]);
});

Deno.test("an executor that throws from execute does not lose the task", () => {
  const refusing: Executor = {
    execute() {
      throw new Error("executor is shut down");
    },
  };
  const main = task(function* () {
    try {
      yield* schedule(refusing);
    } catch (e) {
      return (e as Error).message;
    }
    return "not reached";
  });
  assert.equal(syncAwait(main()), "executor is shut down");
});

Deno.test("microtask and macrotask executors run callbacks later, in order", async () => {
  const order: string[] = [];
  const hop = task(function* (ex: Executor, label: string) {
    yield* schedule(ex);
    order.push(label);
  });
  const macro = start(hop(macrotaskExecutor, "macrotask"));
  const micro = start(hop(microtaskExecutor, "microtask"));
  order.push("sync");
  await Promise.all([micro, macro]);
  assert.deepEqual(order, ["sync", "microtask", "macrotask"]);
  let inline = false;
  inlineExecutor.execute(() => (inline = true));
  assert.equal(inline, true);
});

Deno.test("ManualExecutor: runOne, drain and pending", () => {
  const m = new ManualExecutor();
  const ran: number[] = [];
  m.execute(() => ran.push(1));
  m.execute(() => {
    ran.push(2);
    m.execute(() => ran.push(3));
  });
  assert.equal(m.pending, 2);
  assert.equal(m.runOne(), true);
  assert.equal(m.drain(), 2);
  assert.equal(m.runOne(), false);
  assert.deepEqual(ran, [1, 2, 3]);
});

Deno.test("ManualExecutor: a callback that throws is removed first; the error propagates; the rest stay", () => {
  const m = new ManualExecutor();
  const boom = new Error("callback threw");
  const ran: string[] = [];
  m.execute(() => {
    throw boom;
  });
  m.execute(() => ran.push("next"));
  assert.throws(() => m.runOne(), (e) => e === boom);
  assert.equal(m.pending, 1);
  assert.throws(() => {
    m.execute(() => {
      throw boom;
    });
    m.drain();
  }, (e) => e === boom);
  assert.deepEqual(ran, ["next"]);
  assert.equal(m.pending, 0);
  assert.equal(m.runOne(), false);
});

Deno.test("ManualExecutor's queue reclaims what it ran: used as a never-empty loop, its array stays small", () => {
  const fifo = new Fifo<number>();
  for (let i = 0; i < 10; i++) fifo.push(i);
  let expected = 0;
  let maxSlots = 0;
  for (let i = 10; i < 1_000_000; i++) {
    fifo.push(i);
    assert.equal(fifo.shift(), expected++);
    if (fifo.slots > maxSlots) maxSlots = fifo.slots;
  }
  assert.equal(fifo.length, 10);
  assert.ok(maxSlots <= 2 * 1024 + 10, `the array grew to ${maxSlots} slots`);
  while (fifo.length > 0) assert.equal(fifo.shift(), expected++);
  assert.equal(fifo.slots, 0);
  assert.equal(fifo.shift(), undefined);
  // (the JS-heap version of this, through ManualExecutor itself: tests/cancellation/soak)
});

Deno.test("every executor's execute() rejects a non-function callback at the call", () => {
  const executors: [string, Executor][] = [
    ["inlineExecutor", inlineExecutor],
    ["microtaskExecutor", microtaskExecutor],
    ["macrotaskExecutor", macrotaskExecutor],
    ["ManualExecutor", new ManualExecutor()],
  ];
  for (const [name, ex] of executors) {
    for (const bad of [undefined, null, 42, "f", {}]) {
      assert.throws(() => ex.execute(bad as () => void), (e: unknown) => {
        assert.ok(e instanceof TypeError, name);
        assert.match(
          e.message,
          new RegExp(`^${name}\\.execute\\(callback\\): callback must be a function`),
        );
        return true;
      });
    }
  }
});

Deno.test("schedule and via reject a non-executor at the call", () => {
  const t = task(function* () {});
  for (const bad of [undefined, null, {}, { execute: 1 }, () => {}]) {
    assert.throws(
      () => schedule(bad as unknown as Executor),
      /schedule\(executor\): executor must be/,
    );
    assert.throws(
      () => via(t(), bad as unknown as Executor),
      /via\(operation, executor\): executor must be/,
    );
  }
});

Deno.test("the MessageChannel macrotask queue runs in order, survives a throwing callback, and closes when idle", async () => {
  const execute = messageChannelQueue();
  const ran: number[] = [];
  const boom = new Error("macrotask threw");
  await capturingReports(async (reported) => {
    await new Promise<void>((resolve) => {
      execute(() => ran.push(1));
      execute(() => {
        throw boom;
      });
      execute(() => ran.push(3));
      execute(() => execute(() => (ran.push(4), resolve())));
    });
    assert.deepEqual(ran, [1, 3, 4]);
    assert.deepEqual(reported, [boom]);
    // A second burst opens a new channel; the sanitizer checks that none is left open.
    await new Promise<void>((resolve) => execute(resolve));
  });
});
