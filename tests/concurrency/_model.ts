/**
 * Property-test helpers: a seeded PRNG, random task trees, the library's run of a tree, and a
 * reference run built on async/await and Promise.all/Promise.race.
 *
 * The reference is adapted to the library's rules, and says so where it does:
 * - a task runs synchronously until it first suspends, so a subtree that never suspends completes
 *   *during* its start (an async function's result is only seen a microtask later): the model
 *   returns a plain outcome when a subtree completed without awaiting, a Promise otherwise;
 * - whenAll/whenAny wait for every input to unwind before they complete (Promise.all over the
 *   inputs' settled outcomes, after cancelling the losers);
 * - an operation that starts in a cancelled domain fails at once (no timer, no children).
 *
 * Both runs use a virtual clock (deadline, then order of arming) so the races are deterministic;
 * the reference fully drains microtasks (one macrotask) after each timer fires, as the library
 * runs each wake-up to quiescence synchronously.
 *
 * @module
 */

import {
  Awaiter,
  type CancellationDomain,
  type CancellationListener,
  CancelledError,
  type CoroutineHandle,
  type Operation,
  sleep,
  start,
  type Suspension,
  type Task,
  task,
  whenAll,
  whenAny,
} from "../../mod.ts";
import { prng as uint32s } from "../_helpers.ts";

/** A seeded generator of floats in [0, 1), from the shared mulberry32. */
export function prng(seed: number): () => number {
  const next = uint32s(seed);
  return () => next() / 4294967296;
}

export type Node =
  | { id: number; kind: "leaf"; ms: number | null; fail: boolean; value: number }
  | { id: number; kind: "all" | "any"; children: Node[] };

/** A random tree: sync and sleeping leaves (0-2 ms), some throwing, whenAll/whenAny groups. */
export function randomTree(rand: () => number, depth = 0, ids = { next: 0 }): Node {
  const id = ids.next++;
  if (depth >= 3 || rand() < 0.35) {
    return {
      id,
      kind: "leaf",
      ms: rand() < 0.3 ? null : Math.floor(rand() * 3),
      fail: rand() < 0.2,
      value: Math.floor(rand() * 100),
    };
  }
  const n = 1 + Math.floor(rand() * 4);
  const children: Node[] = [];
  for (let i = 0; i < n; i++) children.push(randomTree(rand, depth + 1, ids));
  return { id, kind: rand() < 0.5 ? "all" : "any", children };
}

export type Out = { ok: true; v: unknown } | { ok: false; e: string };

class TestError extends Error {}

/**
 * An outcome's error as the sorted names of every error in it: groups attach later errors to the
 * first (`SuppressedError(later, previous)`), and which of two same-instant failures came first
 * is scheduler-defined, so the set is compared, not the order.
 */
function label(e: unknown): string {
  return names(e).sort().join("+");
}

function names(e: unknown): string[] {
  if (e instanceof CancelledError) return ["cancelled"];
  if (e instanceof TestError) return [e.message];
  if (e instanceof SuppressedError) return [...names(e.error), ...names(e.suppressed)];
  throw e; // anything else is a bug
}

/** The library's rule for a later error: attached unless it is a plain cancellation. */
function attach(outcome: Out | null, later: Out): Out | null {
  if (later.ok || later.e === "cancelled") return outcome;
  if (outcome === null || outcome.ok) return later;
  return { ok: false, e: [...outcome.e.split("+"), ...later.e.split("+")].sort().join("+") };
}

// ---------------------------------------------------------------------------------------------
// Virtual clocks.

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

class TimerQueue {
  now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  add(ms: number, fire: () => void): Timer {
    const t = { at: this.now + ms, seq: this.#seq++, fire };
    this.#timers.push(t);
    return t;
  }

  remove(t: Timer): void {
    const i = this.#timers.indexOf(t);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /** Fires the earliest timer; false when none is left. */
  step(): boolean {
    if (this.#timers.length === 0) return false;
    let best = 0;
    for (let i = 1; i < this.#timers.length; i++) {
      const a = this.#timers[i], b = this.#timers[best];
      if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) best = i;
    }
    const [t] = this.#timers.splice(best, 1);
    this.now = t.at;
    t.fire();
    return true;
  }
}

/** A virtual-time sleep for the library: cancellable through the domain, like `sleep`. */
class VirtualSleep extends Awaiter<void> implements CancellationListener {
  readonly #clock: TimerQueue;
  readonly #ms: number;
  #timer: Timer | null = null;
  #handle: CoroutineHandle | null = null;
  #domain: CancellationDomain | null = null;
  #cancelled = false;

  constructor(clock: TimerQueue, ms: number) {
    super();
    this.#clock = clock;
    this.#ms = ms;
  }
  awaitReady(): boolean {
    return false;
  }
  awaitSuspend(h: CoroutineHandle): boolean {
    if (h.domain.cancelled) {
      this.#cancelled = true;
      return false;
    }
    this.#handle = h;
    this.#domain = h.domain;
    h.domain.addListener(this);
    this.#timer = this.#clock.add(this.#ms, () => {
      this.#timer = null;
      this.#release()?.resume();
    });
    return true;
  }
  awaitResume(): void {
    if (this.#cancelled) throw new CancelledError();
  }
  onCancel(): void {
    this.#cancelled = true;
    this.#release()?.resume();
  }
  [Symbol.dispose](): void {
    this.#release();
  }
  #release(): CoroutineHandle | null {
    if (this.#timer) this.#clock.remove(this.#timer);
    this.#timer = null;
    this.#domain?.removeListener(this);
    this.#domain = null;
    const h = this.#handle;
    this.#handle = null;
    return h;
  }
}

// ---------------------------------------------------------------------------------------------
// The library's run.

type Sleeper = (ms: number) => Operation<void>;

const leafTask = task(function* (n: Node & { kind: "leaf" }, nap: Sleeper, log: number[]) {
  try {
    if (n.ms !== null) yield* nap(n.ms);
    if (n.fail) throw new TestError(`E${n.id}`);
    return n.value as unknown;
  } finally {
    log.push(n.id);
  }
});

const groupTask = task(function* (
  n: Node & { kind: "all" | "any" },
  nap: Sleeper,
  log: number[],
): Generator<Suspension, unknown, unknown> {
  try {
    const kids = n.children.map((c) => build(c, nap, log));
    if (n.kind === "all") return yield* whenAll(...kids);
    const r = yield* whenAny(...kids);
    return { i: r.index, v: r.value };
  } finally {
    log.push(n.id);
  }
});

function build(n: Node, nap: Sleeper, log: number[]): Task<unknown> {
  return n.kind === "leaf" ? leafTask(n, nap, log) : groupTask(n, nap, log);
}

/** Runs the tree with the library on a virtual clock (synchronously: each timer to quiescence). */
export function runLibraryVirtual(tree: Node): { out: Out; log: number[] } {
  const clock = new TimerQueue();
  const log: number[] = [];
  let out: Out | null = null;
  const root = task(function* () {
    try {
      out = { ok: true, v: yield* build(tree, (ms) => new VirtualSleep(clock, ms), log) };
    } catch (e) {
      out = { ok: false, e: label(e) };
    }
  });
  // The root's outcome is recorded by the root itself; start()'s promise is not needed.
  void start(root());
  while (clock.step()) { /* each wake-up runs to quiescence */ }
  if (out === null) throw new Error("the library's run did not finish");
  return { out, log };
}

/** Runs the tree with the library and real `sleep(ms)`. */
export async function runLibraryReal(tree: Node): Promise<{ out: Out; log: number[] }> {
  const log: number[] = [];
  try {
    return { out: { ok: true, v: await start(build(tree, sleep, log)) }, log };
  } catch (e) {
    return { out: { ok: false, e: label(e) }, log };
  }
}

// ---------------------------------------------------------------------------------------------
// The reference run: async/await, Promise.all, Promise.race.

class Token {
  cancelled = false;
  readonly #listeners: (() => void)[] = [];
  constructor(parent?: Token) {
    parent?.onCancel(() => this.cancel());
  }
  onCancel(f: () => void): void {
    if (this.cancelled) f();
    else this.#listeners.push(f);
  }
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const f of this.#listeners.splice(0)) f();
  }
}

function modelSleep(clock: TimerQueue, ms: number, token: Token): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = clock.add(ms, resolve);
    token.onCancel(() => {
      clock.remove(t);
      reject(new CancelledError());
    });
  });
}

const CANCELLED: Out = { ok: false, e: "cancelled" };

interface ModelStats {
  cancels: number;
  /** The current step: 0 while starting, then one per timer fired. */
  step: number;
  /** The step of the latest group cancellation. */
  cancelStep: number;
  /**
   * Set when a group decided (first failure, winner) asynchronously in a step in which a
   * cancellation cascade was under way: such completions happen at the same virtual instant,
   * and their order is scheduler-defined (the library's FIFO trampoline versus microtasks), so
   * either decision is legitimate and the outcome is not compared.
   */
  tainted: boolean;
}

function runModel(
  n: Node,
  token: Token,
  clock: TimerQueue,
  log: number[],
  stats: ModelStats,
): Out | Promise<Out> {
  if (n.kind === "leaf") {
    if (n.ms === null || token.cancelled) {
      log.push(n.id);
      if (n.ms !== null) return CANCELLED;
      return n.fail ? { ok: false, e: `E${n.id}` } : { ok: true, v: n.value };
    }
    const ms = n.ms;
    return (async (): Promise<Out> => {
      try {
        await modelSleep(clock, ms, token);
        return n.fail ? { ok: false, e: `E${n.id}` } : { ok: true, v: n.value };
      } catch {
        return CANCELLED;
      } finally {
        log.push(n.id);
      }
    })();
  }
  if (token.cancelled) {
    log.push(n.id);
    return CANCELLED;
  }
  const group = new Token(token);
  const cancelGroup = () => {
    if (!group.cancelled) stats.cancels++;
    stats.cancelStep = stats.step;
    group.cancel();
  };
  const decidedAsync = () => {
    if (stats.cancelStep === stats.step) stats.tainted = true;
  };
  const results: (Out | Promise<Out>)[] = [];
  if (n.kind === "all") {
    let first: Out | null = null;
    const note = (o: Out, async: boolean): Out => {
      if (!o.ok && first === null) {
        if (async) decidedAsync();
        first = o;
        cancelGroup();
      } else if (first !== null) {
        first = attach(first, o);
      }
      return o;
    };
    for (const c of n.children) {
      const r = runModel(c, group, clock, log, stats);
      results.push(r instanceof Promise ? r.then((o) => note(o, true)) : note(r, false));
    }
    const finish = (outs: Out[]): Out =>
      first ?? { ok: true, v: outs.map((o) => (o as { v: unknown }).v) };
    if (!results.some((r) => r instanceof Promise)) {
      log.push(n.id);
      return finish(results as Out[]);
    }
    return (async () => {
      try {
        return finish(await Promise.all(results));
      } finally {
        log.push(n.id);
      }
    })();
  }
  let winner: { i: number; o: Out } | null = null;
  for (let i = 0; i < n.children.length; i++) {
    const r = runModel(n.children[i], group, clock, log, stats);
    if (!(r instanceof Promise) && winner === null) {
      winner = { i, o: r };
      cancelGroup();
    }
    results.push(r);
  }
  const finish = (w: { i: number; o: Out }): Out => {
    let out: Out | null = w.o.ok ? { ok: true, v: { i: w.i, v: w.o.v } } : w.o;
    for (let i = 0; i < results.length; i++) {
      // Every loser has settled by now: a loser's error is attached to the winner's outcome.
      if (i !== w.i) out = attach(out, settledOutcome(results[i]));
    }
    return out!;
  };
  if (!results.some((r) => r instanceof Promise)) {
    log.push(n.id);
    return finish(winner!);
  }
  return (async () => {
    try {
      if (winner === null) {
        winner = await Promise.race(
          results.map((r, i) => Promise.resolve(r).then((o) => ({ i, o }))),
        );
        decidedAsync();
        cancelGroup();
      }
      await Promise.all(results); // whenAny waits for the losers to unwind
      for (let i = 0; i < results.length; i++) results[i] = await results[i];
      return finish(winner);
    } finally {
      log.push(n.id);
    }
  })();
}

function settledOutcome(r: Out | Promise<Out>): Out {
  if (r instanceof Promise) throw new Error("the model read an outcome before it settled");
  return r;
}

/** Runs the reference on a virtual clock; `cancels` tells whether any group cancelled. */
export async function runReference(
  tree: Node,
): Promise<{ out: Out; log: number[]; cancels: number; tainted: boolean }> {
  const clock = new TimerQueue();
  const log: number[] = [];
  const stats: ModelStats = { cancels: 0, step: 0, cancelStep: -1, tainted: false };
  let out: Out | null = null;
  const r = runModel(tree, new Token(), clock, log, stats);
  Promise.resolve(r).then((o) => (out = o));
  await macrotask();
  for (;;) {
    stats.step++;
    if (!clock.step()) break;
    await macrotask();
  }
  if (out === null) throw new Error("the reference run did not finish");
  return { out, log, cancels: stats.cancels, tainted: stats.tainted };
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Every group's finally runs after the finally of each of its children that started. */
export function checkChildrenFirst(tree: Node, log: number[]): string | null {
  const pos = new Map(log.map((id, i) => [id, i]));
  const visit = (n: Node): string | null => {
    if (n.kind === "leaf") return null;
    const at = pos.get(n.id);
    for (const c of n.children) {
      const ca = pos.get(c.id);
      if (ca !== undefined && (at === undefined || ca > at)) {
        return `child ${c.id} unwound after its group ${n.id}`;
      }
      const deeper = visit(c);
      if (deeper) return deeper;
    }
    return null;
  };
  return visit(tree);
}

/** Whether the outcome cannot depend on real timer order: no whenAny, at most one throwing leaf. */
export function raceFree(tree: Node): boolean {
  let fails = 0;
  const visit = (n: Node): boolean => {
    if (n.kind === "leaf") {
      if (n.fail) fails++;
      return true;
    }
    return n.kind === "all" && n.children.every(visit);
  };
  return visit(tree) && fails <= 1;
}
