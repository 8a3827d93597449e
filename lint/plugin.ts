/**
 * The `@coro/task` lint plugin for `deno lint`: catches the mistakes that run time cannot see,
 * because a lazy task that is never awaited simply never runs.
 *
 * - `coro/no-dropped-task`: `child();` or `sleep(5);` as a statement (the paper's
 *   `[[nodiscard]]`).
 * - `coro/no-await-task`: `await child()`, `await sleep(5)`, `await t` for `const t = child()`,
 *   and `Promise.all([child()])`: a task is not a Promise.
 * - `coro/require-yield-star`: `yield child()` (a plain `yield`) inside a task body, ill-formed by
 *   P1056 XX.1.3 clause 7.
 *
 * A name counts only when the module itself makes it certain: functions imported from
 * `@coro/task` (also as `jsr:@coro/task` or `npm:@coro/task`, or through a namespace import) and
 * `const` task functions made by its `task(...)`. Enable it in `deno.json`:
 *
 * ```json
 * { "lint": { "plugins": ["jsr:@coro/task/lint"] } }
 * ```
 *
 * @example
 * ```ts
 * import plugin from "@coro/task/lint";
 * import assert from "node:assert/strict";
 *
 * const source = `
 * import { task } from "@coro/task";
 * const child = task(function* () {});
 * child();
 * `;
 * const [diagnostic] = Deno.lint.runPlugin(plugin, "main.ts", source);
 * assert.equal(diagnostic.id, "coro/no-dropped-task");
 * ```
 *
 * @module
 */

import { noAwaitTask } from "./no_await_task.ts";
import { noDroppedTask } from "./no_dropped_task.ts";
import { requireYieldStar } from "./require_yield_star.ts";

/** The plugin `deno lint` loads: `coro`, rules `no-dropped-task`, `no-await-task`, `require-yield-star`. */
const plugin: Deno.lint.Plugin = {
  name: "coro",
  rules: {
    "no-dropped-task": noDroppedTask,
    "no-await-task": noAwaitTask,
    "require-yield-star": requireYieldStar,
  },
};

export default plugin;
