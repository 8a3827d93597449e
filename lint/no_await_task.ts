/**
 * `coro/no-await-task`: `await child()`, `await sleep(5)`, `await t` (for `const t = child()`)
 * and `Promise.all([child(), ...])` treat a lazy `Task` or `Operation` as a Promise. It is not
 * one: nothing runs. Inside a task the fix is `yield*`; in ordinary async code it is
 * `await start(...)`.
 *
 * @module
 */

import { Bindings, type Made } from "./_bindings.ts";

const COMBINATORS = new Set(["all", "allSettled", "any", "race", "resolve"]);
const AWAIT_FIX = "Inside a task, use `yield* $`; in async code, `await start($)`";
const COMBINATOR_FIX = "Inside a task, combine with `yield* whenAll(...)` or `whenAny(...)`; " +
  "in async code, pass `start($)`";

/** The rule: reports `await` on, and `Promise` combinators over, tasks and operations. */
export const noAwaitTask: Deno.lint.Rule = {
  create(ctx) {
    const awaited: Deno.lint.AwaitExpression[] = [];
    const combined: Deno.lint.CallExpression[] = [];
    return {
      AwaitExpression(node) {
        awaited.push(node);
      },
      CallExpression(node) {
        const c = node.callee;
        if (
          c.type === "MemberExpression" && !c.computed &&
          c.object.type === "Identifier" &&
          c.object.name === "Promise" && c.property.type === "Identifier" &&
          COMBINATORS.has(c.property.name)
        ) combined.push(node);
      },
      "Program:exit"() {
        const bindings = new Bindings();
        const report = (
          node: Deno.lint.Node,
          made: Made,
          how: string,
          fix: string,
        ): void => {
          const text = ctx.sourceCode.getText(node);
          const what = made.kind === "task" ? "a task" : "an operation";
          ctx.report({
            node,
            message: `${how} \`${text}\`, ${what}, which is not a Promise: nothing runs.`,
            hint: `${fix.replaceAll("$", text)}.`,
          });
        };
        for (const node of awaited) {
          const made = bindings.made(node.argument);
          if (made === undefined) continue;
          report(node.argument, made, "`await` on", AWAIT_FIX);
        }
        for (const call of combined) {
          const callee = call.callee as Deno.lint.MemberExpression;
          if (!bindings.isGlobal(callee.object as Deno.lint.Identifier)) {
            continue;
          }
          const how = `\`Promise.${(callee.property as Deno.lint.Identifier).name}\` given`;
          for (const arg of call.arguments) {
            const items = arg.type === "ArrayExpression" ? arg.elements : [arg];
            for (const item of items) {
              if (item === null || item.type === "SpreadElement") continue;
              const made = bindings.made(item);
              if (made !== undefined) report(item, made, how, COMBINATOR_FIX);
            }
          }
        }
      },
    };
  },
};
