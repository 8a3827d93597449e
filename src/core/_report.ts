/**
 * Reporting an error that has nobody to be thrown to (a cancellation listener that threw inside
 * a timer, a foreign handle's `resume()`): the host's `reportError` where it has one, so the error
 * reaches `window.onerror`/`process.on("uncaughtException")`-style handlers exactly as an
 * uncaught error in a callback would, without unwinding the library's own loop.
 *
 * @module
 */

const hostReport = (globalThis as { reportError?: (error: unknown) => void }).reportError;

/** Reports `error` to the host without throwing it here. */
export function reportError(error: unknown): void {
  if (typeof hostReport === "function") {
    hostReport.call(globalThis, error);
    return;
  }
  // A host without reportError (older Node.js): rethrow from a fresh task, as a callback would.
  queueMicrotask(() => {
    throw error;
  });
}
