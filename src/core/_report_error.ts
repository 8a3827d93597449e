/**
 * Reporting an error that has nobody to be thrown to, as the host reports an uncaught exception.
 *
 * @module
 */

/**
 * Reports `error` with the host's `reportError` (Deno, browsers), or, where there is none
 * (Node), by throwing it from a microtask so that it surfaces as an uncaught exception there.
 */
export function reportUncaught(error: unknown): void {
  if (typeof globalThis.reportError === "function") {
    globalThis.reportError(error);
  } else {
    queueMicrotask(() => {
      throw error;
    });
  }
}
