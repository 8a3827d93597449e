/**
 * Reporting an error that has no caller to go to (a cancellation listener that threw while the
 * cancellation came from an `AbortSignal` or a parent domain).
 *
 * @module
 */

type Reporter = (error: unknown) => void;

/**
 * Reports `error` the way the host reports an uncaught exception, after the current job: with
 * `globalThis.reportError` where the host has it (browsers, Deno, Bun: an `"error"` event on
 * `globalThis`, which a handler can `preventDefault()`), else by throwing it from a microtask
 * (Node.js: `process.on("uncaughtException")`). Deferred so that the work in progress (a
 * cancellation telling its other listeners, a trampoline resuming coroutines) always completes
 * first, even on a host whose default for a reported error is to exit.
 */
export function reportLater(error: unknown): void {
  queueMicrotask(() => {
    const report = (globalThis as { reportError?: Reporter }).reportError;
    if (typeof report === "function") report(error);
    else throw error;
  });
}
