/**
 * `coro/no-dropped-task`, the paper's `[[nodiscard]]`: a statement that only calls a task
 * function (`child();`) or a library operation (`sleep(5);`) makes a lazy object and drops it, so
 * the work never runs. Calls whose result is not certainly a fresh `Task`/`Operation` (methods,
 * parameters, `start(t)`, `syncAwait(t)`, anything shadowed) are left alone.
 *
 * @module
 */

import { Bindings, unwrap } from "./_bindings.ts";

/** The rule: reports `child();` and `sleep(5);` statements whose result is dropped. */
export const noDroppedTask: Deno.lint.Rule = {
  create(ctx) {
    const dropped: Deno.lint.CallExpression[] = [];
    return {
      ExpressionStatement(node) {
        const e = unwrap(node.expression);
        if (e.type === "CallExpression") dropped.push(e);
      },
      "Program:exit"() {
        const bindings = new Bindings();
        for (const call of dropped) {
          const made = bindings.made(call);
          if (made === undefined) continue;
          const text = ctx.sourceCode.getText(call);
          ctx.report({
            node: call,
            message: made.kind === "task"
              ? `\`${text}\` creates a task and drops it: the task never runs.`
              : `\`${text}\` creates an operation and drops it: it never runs.`,
            hint: `Await it with \`yield* ${text}\` inside a task, or run it with ` +
              `\`start(${text})\` or \`syncAwait(${text})\` outside one.`,
          });
        }
      },
    };
  },
};
