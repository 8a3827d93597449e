/**
 * What a name means in the module being linted: which identifiers are `@coro/task`'s own
 * functions, which are task functions made by `task(...)`, and which expressions therefore make a
 * `Task` or an `Operation`. Names are resolved lexically, the way the language does (parameters,
 * block declarations, hoisted `var`s and functions shadow outer names), so a local `sleep` or a
 * parameter called like a task function is never mistaken for ours.
 *
 * @module
 */

type Node = Deno.lint.Node;

/** Import specifiers that name this package: `@coro/task`, `jsr:@coro/task@^0.1`, `npm:...`. */
const PACKAGE = /^(?:jsr:|npm:)?\/?@coro\/task(?:@[^/]*)?$/;

/**
 * The package's functions that return an `Operation` (or an `Awaiter`) and run nothing until it is
 * awaited with `yield*`. `start` and `syncAwait` run their argument, so they are not here.
 */
export const OPERATION_FACTORIES: ReadonlySet<string> = new Set([
  "abortSignal",
  "action",
  "coAwait",
  "currentDomain",
  "forEach",
  "fork",
  "frameBuffer",
  "join",
  "once",
  "ready",
  "schedule",
  "shield",
  "sleep",
  "spawn",
  "timeout",
  "via",
  "whenAll",
  "whenAllSettled",
  "whenAny",
  "withDomain",
]);

/** What an expression makes, when it is certain. */
export type Made = { kind: "task" | "operation"; name: string };

/** Resolves names in one module. Use it once the whole tree is built (at `Program:exit`). */
export class Bindings {
  readonly #tasks = new Map<Node, boolean>();

  /** What `expr` evaluates to, if it is certainly a fresh `Task` or library `Operation`. */
  made(wrapped: Node): Made | undefined {
    const expr = unwrap(wrapped);
    if (expr.type === "Identifier") return this.#heldBy(expr);
    if (expr.type !== "CallExpression") return undefined;
    const callee = expr.callee;
    if (callee.type === "Identifier") {
      const decl = this.resolve(callee);
      if (decl === undefined) return undefined;
      if (this.#isTaskFunction(decl, callee.name)) return { kind: "task", name: callee.name };
      const imported = this.#importedName(decl);
      if (imported !== undefined && OPERATION_FACTORIES.has(imported)) {
        return { kind: "operation", name: callee.name };
      }
      return undefined;
    }
    // `coro.sleep(5)` through `import * as coro from "@coro/task"`.
    if (
      callee.type === "MemberExpression" && !callee.computed &&
      callee.object.type === "Identifier" &&
      callee.property.type === "Identifier" &&
      OPERATION_FACTORIES.has(callee.property.name) &&
      this.#isPackageNamespace(this.resolve(callee.object))
    ) {
      return { kind: "operation", name: `${callee.object.name}.${callee.property.name}` };
    }
    return undefined;
  }

  /** Whether `id` refers to a global (declared nowhere in the module), e.g. `Promise`. */
  isGlobal(id: Deno.lint.Identifier): boolean {
    return this.resolve(id) === undefined;
  }

  /**
   * The node that declares `id`'s name in the nearest enclosing scope: an import specifier, a
   * `VariableDeclarator`, a function or class declaration, a function (for its parameters and
   * own name) or a `CatchClause`. `undefined` for a global.
   */
  resolve(id: Deno.lint.Identifier): Node | undefined {
    const name = id.name;
    for (let scope = parentOf(id); scope !== undefined; scope = parentOf(scope)) {
      const decl = declaredIn(scope, name);
      if (decl !== undefined) return decl;
    }
    return undefined;
  }

  /** `const t = child(...)`: `t` holds a task (or operation) that nothing else can have run. */
  #heldBy(id: Deno.lint.Identifier): Made | undefined {
    const decl = this.resolve(id);
    if (decl?.type !== "VariableDeclarator" || decl.parent.kind !== "const") {
      return undefined;
    }
    if (decl.id.type !== "Identifier" || decl.init === null) return undefined;
    if (decl.init.type !== "CallExpression") return undefined;
    return this.made(decl.init);
  }

  /** `const name = task(function* ...)` with `task` imported from this package. */
  #isTaskFunction(decl: Node, name: string): boolean {
    const known = this.#tasks.get(decl);
    if (known !== undefined) return known;
    const is = decl.type === "VariableDeclarator" && decl.parent.kind === "const" &&
      decl.id.type === "Identifier" && decl.id.name === name &&
      decl.init?.type === "CallExpression" && this.isTaskCall(decl.init);
    this.#tasks.set(decl, is);
    return is;
  }

  /** Whether `call` is this package's `task(...)` (also through a namespace import). */
  isTaskCall(call: Deno.lint.CallExpression): boolean {
    const callee = call.callee;
    if (callee.type === "Identifier") {
      const d = this.resolve(callee);
      return d !== undefined && this.#importedName(d) === "task";
    }
    return callee.type === "MemberExpression" && !callee.computed &&
      callee.object.type === "Identifier" && callee.property.type === "Identifier" &&
      callee.property.name === "task" && this.#isPackageNamespace(this.resolve(callee.object));
  }

  /** The exported name behind an `import { x as y } from "@coro/task"` specifier. */
  #importedName(decl: Node): string | undefined {
    if (decl.type !== "ImportSpecifier" || decl.importKind === "type") {
      return undefined;
    }
    const from = decl.parent;
    if (from.type !== "ImportDeclaration" || from.importKind === "type") {
      return undefined;
    }
    if (!PACKAGE.test(from.source.value)) return undefined;
    return decl.imported.type === "Identifier" ? decl.imported.name : decl.imported.value;
  }

  #isPackageNamespace(decl: Node | undefined): boolean {
    if (decl?.type !== "ImportNamespaceSpecifier") return false;
    const from = decl.parent;
    return from.type === "ImportDeclaration" && PACKAGE.test(from.source.value);
  }
}

/** The expression under `?.`, `!`, `as T` and `satisfies T`, which change nothing at run time. */
export function unwrap(expr: Node): Node {
  let e = expr;
  while (
    e.type === "ChainExpression" || e.type === "TSNonNullExpression" ||
    e.type === "TSAsExpression" || e.type === "TSSatisfiesExpression"
  ) e = e.expression;
  return e;
}

function parentOf(node: Node): Node | undefined {
  return (node as { parent?: Node | null }).parent ?? undefined;
}

/** The declaration of `name` that `scope` itself introduces, if any. */
function declaredIn(scope: Node, name: string): Node | undefined {
  switch (scope.type) {
    case "Program":
    case "BlockStatement": // also the body of a class `static { }` block
      return inStatements(scope.body, name) ?? hoistedVar(scope, name);
    case "SwitchStatement":
      for (const c of scope.cases) {
        const d = inStatements(c.consequent, name);
        if (d !== undefined) return d;
      }
      return undefined;
    case "ForStatement":
      return scope.init?.type === "VariableDeclaration"
        ? inDeclaration(scope.init, name)
        : undefined;
    case "ForInStatement":
    case "ForOfStatement":
      return scope.left.type === "VariableDeclaration"
        ? inDeclaration(scope.left, name)
        : undefined;
    case "CatchClause":
      return scope.param !== null && binds(scope.param, name) ? scope : undefined;
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression": {
      for (const p of scope.params) if (binds(p, name)) return scope;
      if (scope.type === "FunctionExpression" && scope.id?.name === name) {
        return scope;
      }
      return undefined;
    }
    case "ClassExpression":
      return scope.id?.name === name ? scope : undefined;
    default:
      return undefined;
  }
}

function inStatements(
  statements: readonly Node[],
  name: string,
): Node | undefined {
  if (!Array.isArray(statements)) return undefined; // the AST types and shapes differ in places
  for (const s of statements) {
    const d = inStatement(s, name);
    if (d !== undefined) return d;
  }
  return undefined;
}

function inStatement(s: Node, name: string): Node | undefined {
  switch (s.type) {
    case "ImportDeclaration":
      for (const spec of s.specifiers) {
        if (spec.local.name === name) return spec;
      }
      return undefined;
    case "VariableDeclaration":
      return s.kind === "var" ? undefined : inDeclaration(s, name);
    case "FunctionDeclaration":
    case "ClassDeclaration":
      return s.id?.name === name ? s : undefined;
    case "ExportNamedDeclaration":
    case "ExportDefaultDeclaration":
      return s.declaration ? inStatement(s.declaration as Node, name) : undefined;
    default:
      return undefined;
  }
}

function inDeclaration(
  d: Deno.lint.VariableDeclaration,
  name: string,
): Node | undefined {
  for (const v of d.declarations) if (binds(v.id, name)) return v;
  return undefined;
}

/** A `var` anywhere in a function body or the program (not inside nested functions). */
function hoistedVar(scope: Node, name: string): Node | undefined {
  const owner = parentOf(scope);
  const isBody = scope.type === "Program" ||
    (owner !== undefined && (owner.type === "FunctionDeclaration" ||
      owner.type === "FunctionExpression" ||
      owner.type === "ArrowFunctionExpression"));
  if (!isBody) return undefined;
  let found: Node | undefined;
  const visit = (n: Node): void => {
    if (found !== undefined) return;
    if (n.type === "VariableDeclaration" && n.kind === "var") {
      found = inDeclaration(n, name);
      return;
    }
    if (
      n !== scope &&
      (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" ||
        n.type === "ArrowFunctionExpression")
    ) return;
    for (const child of children(n)) visit(child);
  };
  visit(scope);
  return found;
}

function* children(n: Node): Generator<Node> {
  for (const key in n) {
    if (key === "parent" || key === "range") continue;
    const v = (n as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) yield x;
    } else if (isNode(v)) {
      yield v;
    }
  }
}

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null &&
    typeof (v as { type?: unknown }).type === "string";
}

/** Whether a binding pattern (identifier, destructuring, default, rest) introduces `name`. */
function binds(p: Node | Deno.lint.Parameter, name: string): boolean {
  switch (p.type) {
    case "Identifier":
      return p.name === name;
    case "AssignmentPattern":
      return binds(p.left, name);
    case "RestElement":
      return binds(p.argument, name);
    case "ArrayPattern":
      return p.elements.some((e) => e !== null && binds(e, name));
    case "ObjectPattern":
      return p.properties.some((q) =>
        q.type === "RestElement" ? binds(q, name) : binds(q.value as Node, name)
      );
    case "TSParameterProperty":
      return binds(p.parameter, name);
    default:
      return false;
  }
}
