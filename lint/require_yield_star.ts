/**
 * `coro/require-yield-star`: inside a task body (the generator passed to `task(...)`), a plain
 * `yield x` is ill-formed (P1056 XX.1.3 clause 7): it throws a `TypeError` into the task when it
 * runs. The common slip is `yield child()` for `yield* child()`; this rule reports it before it
 * runs. Generators that are not task bodies are left alone.
 *
 * @module
 */

import { Bindings } from "./_bindings.ts";

type Node = Deno.lint.Node;

/** The rule: reports `yield x` (without `*`) directly inside a task body. */
export const requireYieldStar: Deno.lint.Rule = {
  create(ctx) {
    const yields: Deno.lint.YieldExpression[] = [];
    return {
      YieldExpression(node) {
        if (!node.delegate) yields.push(node);
      },
      "Program:exit"() {
        const bindings = new Bindings();
        for (const node of yields) {
          const body = enclosingFunction(node);
          if (body?.type !== "FunctionExpression") continue;
          const call = body.parent;
          if (
            call.type !== "CallExpression" || call.arguments[0] !== body ||
            !bindings.isTaskCall(call)
          ) continue;
          const operand = node.argument === null ? "" : ctx.sourceCode.getText(node.argument);
          ctx.report({
            node,
            message: "A plain `yield` in a task body is ill-formed: it throws a TypeError there.",
            hint: operand === ""
              ? "Tasks await with `yield*`; to let others run, `yield* sleep(0)` or `schedule(ex)`."
              : `Await it with \`yield* ${operand}\`.`,
          });
        }
      },
    };
  },
};

function enclosingFunction(node: Node): Node | undefined {
  for (let n = (node as { parent?: Node }).parent; n; n = (n as { parent?: Node }).parent) {
    if (
      n.type === "FunctionExpression" || n.type === "FunctionDeclaration" ||
      n.type === "ArrowFunctionExpression"
    ) return n;
  }
  return undefined;
}
