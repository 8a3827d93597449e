/**
 * Property-based tests: random trees of tasks (sync and sleeping leaves, throws, whenAll and
 * whenAny) run by the library and by a reference built on async/await and Promise.all/race (see
 * _model.ts for where the reference is adapted to the library's rules). Seeded: a failure prints
 * its seed and tree.
 */

import assert from "node:assert/strict";
import { defaultBytesInUse } from "../_helpers.ts";
import {
  checkChildrenFirst,
  type Node,
  prng,
  raceFree,
  randomTree,
  runLibraryReal,
  runLibraryVirtual,
  runReference,
} from "./_model.ts";

const SEED = Number(Deno.env.get("CORO_PROPERTY_SEED") ?? 20181007);

function sorted(log: number[]): number[] {
  return [...log].sort((a, b) => a - b);
}

function where(seed: number, i: number, tree: Node): string {
  return `seed ${seed}, tree #${i}: ${JSON.stringify(tree)}`;
}

Deno.test("random trees on a virtual clock: same outcome, same finally set, children unwind first", async () => {
  const rand = prng(SEED);
  const before = defaultBytesInUse();
  let exactOrders = 0;
  let outcomes = 0;
  for (let i = 0; i < 300; i++) {
    const tree = randomTree(rand);
    const mine = runLibraryVirtual(tree);
    const ref = await runReference(tree);
    const at = where(SEED, i, tree);
    if (!ref.tainted) {
      assert.deepEqual(mine.out, ref.out, `outcome differs at ${at}`);
      outcomes++;
    }
    assert.deepEqual(sorted(mine.log), sorted(ref.log), `finally set differs at ${at}`);
    assert.equal(new Set(mine.log).size, mine.log.length, `a finally ran twice at ${at}`);
    assert.equal(checkChildrenFirst(tree, mine.log), null, at);
    if (ref.cancels === 0) {
      // Without cancellation every step is deterministic in both: the order must match too.
      assert.deepEqual(mine.log, ref.log, `finally order differs at ${at}`);
      exactOrders++;
    }
    assert.equal(defaultBytesInUse(), before, `frames leaked at ${at}`);
  }
  assert.ok(exactOrders > 30, "too few trees had a deterministic order to compare");
  assert.ok(outcomes > 150, `too few trees had a deterministic outcome to compare (${outcomes})`);
});

Deno.test("random trees with real sleep(0..2): the finally set, unwinding order and race-free outcomes match", async () => {
  const rand = prng(SEED + 1);
  const before = defaultBytesInUse();
  for (let i = 0; i < 40; i++) {
    const tree = randomTree(rand);
    const mine = await runLibraryReal(tree);
    const ref = await runReference(tree);
    const at = where(SEED + 1, i, tree);
    assert.deepEqual(sorted(mine.log), sorted(ref.log), `finally set differs at ${at}`);
    assert.equal(checkChildrenFirst(tree, mine.log), null, at);
    if (raceFree(tree)) assert.deepEqual(mine.out, ref.out, `outcome differs at ${at}`);
    assert.equal(defaultBytesInUse(), before, `frames leaked at ${at}`);
  }
});
