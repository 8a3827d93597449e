// V8's `Error` extensions, which the sources use where the engine has them (src/core/_stack.ts).
// Deno's type library declares them and TypeScript's does not, so the npm build adds them here;
// no emitted declaration refers to them.
interface ErrorConstructor {
  captureStackTrace(targetObject: object, constructorOpt?: (...args: never[]) => unknown): void;
  stackTraceLimit: number;
}
