/**
 * The trap for `await t` on a task or an operation: a common slip that would otherwise succeed
 * silently with an object that never ran. Promise resolution reads `then` from whatever it is
 * given (`await`, `Promise.resolve`, `Promise.all`, an async function's `return`); a getter that
 * throws turns that into a rejection that names the fix. Nothing in the library reads `then` from
 * its own operations, and property enumeration, `console.log`/`Deno.inspect`, `structuredClone`
 * errors and `JSON.stringify` never call a prototype getter.
 *
 * The trap is defined at run time only, so TypeScript does not think tasks are thenable.
 *
 * @module
 */

/** Makes `then` on instances of `proto` throw a `TypeError` naming `yield*` and `start()`. */
export function installThenTrap(proto: object, what: string): void {
  Object.defineProperty(proto, "then", {
    configurable: true,
    enumerable: false,
    get(): never {
      throw new TypeError(
        `${what} is not a Promise and cannot be awaited with \`await\` (or passed to ` +
          "Promise.all/Promise.resolve): inside a task write `yield* x`; from async code write " +
          "`await start(x)`",
      );
    },
  });
}
