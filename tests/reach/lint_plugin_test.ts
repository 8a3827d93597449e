/**
 * The lint plugin (`@coro/task/lint`) over fixture files: each `// expect RULE: TEXT` comment in a
 * fixture names one diagnostic that must be reported on that line over exactly that source text;
 * the `_good` fixtures must produce none.
 */
import assert from "node:assert/strict";
import plugin from "../../lint/plugin.ts";

const FIXTURES = new URL("./lint_fixtures/", import.meta.url);

/** `line: rule: text` for every diagnostic, in source order. */
function diagnose(source: string, name = "fixture.ts"): string[] {
  return Deno.lint.runPlugin(plugin, name, source)
    .toSorted((a, b) => a.range[0] - b.range[0])
    .map((d) => {
      const line = source.slice(0, d.range[0]).split("\n").length;
      return `${line}: ${d.id}: ${source.slice(d.range[0], d.range[1])}`;
    });
}

/** The same list, from the fixture's `// expect` comments (`|` separates several on a line). */
function expected(source: string): string[] {
  const out: string[] = [];
  source.split("\n").forEach((text, i) => {
    const m = text.match(/\/\/ expect (.*)$/);
    if (m === null) return;
    for (const one of m[1].split(" | ")) out.push(`${i + 1}: ${one.trim()}`);
  });
  return out;
}

const FIXTURE_NAMES = [
  "dropped_bad.ts",
  "dropped_good.ts",
  "await_bad.ts",
  "await_good.ts",
  "yield_bad.js",
  "yield_good.js",
];

for (const name of FIXTURE_NAMES) {
  Deno.test(`lint plugin: fixture ${name} gives exactly the expected diagnostics`, async () => {
    const source = await Deno.readTextFile(new URL(name, FIXTURES));
    const want = expected(source);
    if (name.includes("_bad")) assert.ok(want.length >= 4, "a bad fixture expects diagnostics");
    assert.deepEqual(diagnose(source, name), want);
  });
}

Deno.test("lint plugin: the diagnostics name the fix (yield* and start)", () => {
  const source = [
    'import { task } from "@coro/task";',
    "const child = task(function* () {});",
    "child();",
    "export async function main() { await child(); }",
  ].join("\n");
  const [dropped, awaited] = Deno.lint.runPlugin(plugin, "main.ts", source);
  assert.equal(dropped.id, "coro/no-dropped-task");
  assert.equal(
    dropped.message,
    "`child()` creates a task and drops it: the task never runs.",
  );
  assert.equal(
    dropped.hint,
    "Await it with `yield* child()` inside a task, or run it with `start(child())` or " +
      "`syncAwait(child())` outside one.",
  );
  assert.equal(awaited.id, "coro/no-await-task");
  assert.equal(
    awaited.message,
    "`await` on `child()`, a task, which is not a Promise: nothing runs.",
  );
  assert.equal(
    awaited.hint,
    "Inside a task, use `yield* child()`; in async code, `await start(child())`.",
  );
});

Deno.test("lint plugin: only this package's specifiers count", () => {
  const body = (from: string) =>
    `import { sleep, task as lazy } from "${from}";\n` +
    "const child = lazy(function* () {});\nchild();\nsleep(1);\n";
  for (
    const from of [
      "@coro/task",
      "jsr:@coro/task",
      "jsr:@coro/task@^0.1.0",
      "npm:@coro/task@0.1",
    ]
  ) {
    assert.deepEqual(diagnose(body(from)), [
      "3: coro/no-dropped-task: child()",
      "4: coro/no-dropped-task: sleep(1)",
    ], from);
  }
  for (
    const from of [
      "@coro/task/lint",
      "@coro/tasks",
      "@other/task",
      "./mod.ts",
      "npm:task",
    ]
  ) {
    assert.deepEqual(diagnose(body(from)), [], from);
  }
  const typeOnly = 'import type { sleep } from "@coro/task";\nsleep(1);\n';
  assert.deepEqual(diagnose(typeOnly), []);
});

Deno.test("lint plugin: scopes (blocks, loops, catch, switch, classes) shadow and resolve", () => {
  const source = [
    'import { sleep, task } from "@coro/task";', // 1
    "const child = task(function* () {});", // 2
    "for (const child of [() => 1]) child();", // 3: the loop variable
    "try { child(); } catch (sleep) { sleep(); }", // 4: `child()` reported, `sleep` caught
    "switch (1) { case 1: { const sleep = () => {}; sleep(); } }", // 5
    "class A { static { child(); } m(child: () => void) { child(); } }", // 6: the static block
    "export const f = function child() { child(); };", // 7: the function's own name
    "{ function child() {} child(); }", // 8: a block-level function
    "export { A };",
  ].join("\n");
  assert.deepEqual(diagnose(source), [
    "4: coro/no-dropped-task: child()",
    "6: coro/no-dropped-task: child()",
  ]);
});

Deno.test("lint plugin: parameters of every shape shadow a task function", () => {
  const source = [
    'import { task } from "@coro/task";', // 1
    "const child = task(function* () {});", // 2
    "export const a = ({ child }: { child: () => void }) => child();", // 3
    "export const b = ([child]: (() => void)[]) => { child(); };", // 4
    "export const c = (child = () => {}) => { child(); };", // 5
    "export const d = (...child: (() => void)[]) => { child[0](); };", // 6
    "export class E { constructor(private child: () => void) { child(); } }", // 7
    "export const f = () => { child?.(); };", // 8: an optional call is still a call
  ].join("\n");
  assert.deepEqual(diagnose(source), ["8: coro/no-dropped-task: child?.()"]);
});

Deno.test("lint plugin: a plain yield names the yield* fix", () => {
  const source = 'import { task } from "@coro/task";\nconst t = task(function* () { yield t(); });';
  const [d] = Deno.lint.runPlugin(plugin, "main.js", source);
  assert.equal(d.id, "coro/require-yield-star");
  assert.equal(
    d.message,
    "A plain `yield` in a task body is ill-formed: it throws a TypeError there.",
  );
  assert.equal(d.hint, "Await it with `yield* t()`.");
});

Deno.test("lint plugin: exported as `coro` with its three rules", () => {
  assert.equal(plugin.name, "coro");
  assert.deepEqual(Object.keys(plugin.rules).sort(), [
    "no-await-task",
    "no-dropped-task",
    "require-yield-star",
  ]);
});
