/**
 * The options argument of the public functions and constructors: an object, or left out. One
 * check, so that every call refuses `null`, a number or a string the same way instead of reading
 * a property of it or ignoring it.
 *
 * @module
 */

/**
 * `options`, or `{}` when it was left out; a `TypeError` for anything that is not an object,
 * naming `call` (as the user wrote it, `"syncAwait(awaitable, options)"`) and `example` (what to
 * pass, `"{ executor }"`).
 */
export function optionsObject<T extends object>(
  call: string,
  options: T | undefined,
  example: string,
): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `${call}: options must be an object such as ${example} (or left out), got ${
        options === null ? "null" : typeof options
      }`,
    );
  }
  return options;
}
