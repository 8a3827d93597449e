/**
 * Issue 10 item 8 (domain part): a domain stays linked to its parent for its whole life, and
 * the parent does not keep dropped children alive: it holds only the children that have
 * something to tell, and a child with nothing to tell asks its ancestors when it is read.
 * (The 10^6-children heap soak runs in a subprocess: see soak_test.ts.)
 */

import assert from "node:assert/strict";
import {
  CancellationDomain,
  type CancellationListener,
  CancelledError,
  currentDomain,
  sleep,
  start,
  syncAwait,
  task,
  withDomain,
} from "../../mod.ts";

/** Makes and drops `n` short-lived children of `root`, each with a listener added and removed. */
function churn(root: CancellationDomain, n: number): void {
  const listener: CancellationListener = { onCancel() {} };
  for (let i = 0; i < n; i++) {
    const child = new CancellationDomain(root);
    child.addListener(listener);
    child.removeListener(listener);
  }
}

Deno.test("a held child with nothing registered is still cancelled by its parent, after any churn", () => {
  const root = new CancellationDomain();
  const held = new CancellationDomain(root);
  const heldGrandchild = new CancellationDomain(new CancellationDomain(held));
  churn(root, 10_000);
  assert.equal(held.cancelled, false);
  root.cancel("shutdown");
  assert.equal(held.cancelled, true);
  assert.equal(held.reason, "shutdown");
  assert.equal(heldGrandchild.reason, "shutdown");
  const told: unknown[] = [];
  held.addListener({ onCancel: (r) => void told.push(r) });
  assert.deepEqual(told, ["shutdown"], "a listener added later is told at once");
  assert.ok(held._error() instanceof CancelledError);
});

Deno.test("a child that lost its listeners, was swept, then registers again is reached again", () => {
  const root = new CancellationDomain();
  const child = new CancellationDomain(root);
  const grandchild = new CancellationDomain(child);
  const listener: CancellationListener = { onCancel() {} };
  grandchild.addListener(listener);
  grandchild.removeListener(listener);
  churn(root, 1_000); // sweeps drop child (its only child has nothing to tell)
  const told: unknown[] = [];
  grandchild.addListener({ onCancel: (r) => void told.push(r) });
  churn(root, 1_000); // and it is not dropped while it has a listener
  root.cancel("now");
  assert.deepEqual(told, ["now"]);
  assert.equal(child.cancelled, true);
});

Deno.test("children with listeners are never swept: every one is told", () => {
  const root = new CancellationDomain();
  let told = 0;
  const listener: CancellationListener = { onCancel: () => void told++ };
  for (let i = 0; i < 1_000; i++) {
    new CancellationDomain(new CancellationDomain(root)).addListener(listener);
    churn(root, 10);
  }
  root.cancel();
  assert.equal(told, 1_000);
});

Deno.test("a child's signal, once handed out, aborts when the parent is cancelled after churn", () => {
  const root = new CancellationDomain();
  const signal = new CancellationDomain(new CancellationDomain(root)).signal;
  const events: unknown[] = [];
  signal.addEventListener("abort", () => events.push(signal.reason));
  churn(root, 1_000);
  root.cancel("bye");
  assert.deepEqual(events, ["bye"]);
});

Deno.test("a child of an AbortSignal domain is cancelled when the signal aborts", () => {
  const controller = new AbortController();
  const root = new CancellationDomain(controller.signal);
  const child = new CancellationDomain(root);
  const withListener = new CancellationDomain(root);
  const told: unknown[] = [];
  withListener.addListener({ onCancel: (r) => void told.push(r) });
  controller.abort("gone");
  assert.equal(child.cancelled, true);
  assert.equal(child.reason, "gone");
  assert.deepEqual(told, ["gone"]);
  assert.equal(new CancellationDomain(child).cancelled, true, "made under a cancelled parent");
});

Deno.test("dispose detaches a domain: it no longer follows its parent, unless cancelled before", () => {
  const root = new CancellationDomain();
  const detached = new CancellationDomain(root);
  const alsoWithListener = new CancellationDomain(root);
  alsoWithListener.addListener({ onCancel() {} });
  detached[Symbol.dispose]();
  alsoWithListener[Symbol.dispose]();
  root.cancel();
  assert.equal(detached.cancelled, false);
  assert.equal(alsoWithListener.cancelled, false);

  const root2 = new CancellationDomain();
  const lateDispose = new CancellationDomain(root2);
  root2.cancel("first");
  lateDispose[Symbol.dispose]();
  assert.equal(lateDispose.cancelled, true, "a cancellation that reached it stays");
  assert.equal(lateDispose.reason, "first");
});

Deno.test("a directly cancelled child under an unlinked chain keeps the ancestor's earlier reason", () => {
  const root = new CancellationDomain();
  const middle = new CancellationDomain(root);
  const leaf = new CancellationDomain(middle);
  root.cancel("root first");
  middle.cancel("middle later"); // already cancelled through root: nothing changes
  assert.equal(middle.reason, "root first");
  assert.equal(leaf.reason, "root first");
});

Deno.test("work left running in a domain whose owner finished is still reached by the outer cancellation", async () => {
  // What a group or fork does: a child domain for its inputs; an input hands its domain to work
  // that outlives the input. The child is not disposed, so the outer cancellation reaches it.
  const outer = new CancellationDomain();
  let leftover: Promise<unknown> | null = null;
  const input = task(function* () {
    const mine = yield* currentDomain();
    leftover = start(withDomain(mine, sleep(60_000))); // outlives this input
    return "input done";
  });
  const groupDomain = new CancellationDomain(outer);
  assert.equal(syncAwait(withDomain(groupDomain, input())), "input done");
  churn(outer, 1_000);
  outer.cancel("outer cancelled");
  await assert.rejects(leftover!, (e: unknown) => {
    assert.ok(e instanceof CancelledError);
    assert.equal(e.reason, "outer cancelled");
    return true;
  });
});

Deno.test("a chain of 100,000 nested domains links, sweeps, pulls and cancels without native recursion", () => {
  const root = new CancellationDomain();
  let leaf = root;
  for (let i = 0; i < 100_000; i++) leaf = new CancellationDomain(leaf);
  const told: unknown[] = [];
  leaf.addListener({ onCancel: (r) => void told.push(r) }); // links the whole chain
  churn(root, 100); // sweeps walk the chain: it has a listener at its end, so it stays
  let unlinkedLeaf = root;
  for (let i = 0; i < 100_000; i++) unlinkedLeaf = new CancellationDomain(unlinkedLeaf);
  root.cancel("deep");
  assert.deepEqual(told, ["deep"]);
  assert.equal(unlinkedLeaf.reason, "deep"); // pulled up 100,000 ancestors
});

Deno.test("an unlinked domain that found no cancelled ancestor still sees a later cancellation of any of them", () => {
  const root = new CancellationDomain();
  const a = new CancellationDomain(root);
  const b = new CancellationDomain(a);
  const c = new CancellationDomain(b);
  assert.equal(c.cancelled, false); // remembered until the next cancellation anywhere
  new CancellationDomain().cancel(); // an unrelated cancellation
  assert.equal(c.cancelled, false);
  b.cancel("b went");
  assert.equal(c.cancelled, true);
  assert.equal(c.reason, "b went");
  assert.equal(a.cancelled, false);

  const controller = new AbortController();
  const fromSignal = new CancellationDomain(controller.signal);
  const below = new CancellationDomain(new CancellationDomain(fromSignal));
  assert.equal(below.cancelled, false);
  controller.abort("aborted");
  assert.equal(below.reason, "aborted");
});
