/**
 * Task stack traces: the logical chain of tasks an error travelled through, appended to its
 * `stack` the way V8 appends `at async f` frames for async functions.
 *
 * A generator resumed by a driver has only its own frame and the library's between it and the
 * timer or callback that resumed it, so the native stack at a throw shows the innermost task and
 * machinery. Instead, each task the error leaves (`Task#_ended`) adds one line naming itself and
 * where it was defined, and `syncAwait`/`start` add where they were called. The error's `stack`
 * becomes an accessor that formats all of it when first read; library frames (this package's
 * own modules, `Generator.next`) are dropped from the native part.
 *
 * Everything here runs on the throw path only: a task that does not throw pays nothing, and a
 * task definition pays one stack capture (its definition site), once.
 *
 * @module
 */

import { CancelledError } from "../cancellation/cancelled_error.ts";

/** What `task()` records on a body's generator prototype: the task's name and definition. */
export interface TaskInfo {
  readonly name: string;
  /** `file:line:column` of the `task(...)` call, or "" if unknown. */
  readonly site: string;
}

/** The key of {@linkcode TaskInfo} on a body's generator prototype (read from its generator). */
export const TASK_INFO: unique symbol = Symbol("@coro/task:task info");

/** %GeneratorPrototype%: shared by every generator, so never a place to record one body. */
const GeneratorPrototype: object = Object.getPrototypeOf(function* () {}).prototype;

/** Infos of bodies whose generator prototype does not take a property (frozen, sealed). */
const infosAside = new WeakMap<object, TaskInfo>();

/**
 * Records `info` where the generators of `body` will find it: on the prototype object they
 * inherit from, the body's own `prototype`. A frozen one keeps it in a side table instead. A
 * body whose generators inherit from something `task()` cannot see (a bound function, one whose
 * `prototype` is not an object, so its generators get the shared `%GeneratorPrototype%`) gets no
 * record, and its tasks show as `<anonymous task>`: a shared prototype is never written to.
 */
export function recordTaskInfo(body: object, info: TaskInfo): void {
  let prototype: unknown;
  try {
    if (!Object.hasOwn(body, "prototype")) return;
    prototype = (body as { prototype: unknown }).prototype;
  } catch {
    return; // a Proxy whose traps throw: no name, nothing else changes
  }
  if (typeof prototype !== "object" || prototype === null) return;
  if (prototype === GeneratorPrototype) return;
  // (Once frozen, always frozen: a prototype put aside never takes the property again.)
  if (Object.isExtensible(prototype)) {
    Object.defineProperty(prototype, TASK_INFO, { value: info, configurable: true });
  } else infosAside.set(prototype, info);
}

/** The info recorded for the body `generator` came from (see {@linkcode recordTaskInfo}). */
export function taskInfoOf(generator: object | null): TaskInfo | undefined {
  const prototype = generator === null ? null : Object.getPrototypeOf(generator);
  if (prototype === null || prototype === GeneratorPrototype) return undefined;
  return infosAside.get(prototype) ??
    (prototype as { [TASK_INFO]?: TaskInfo })[TASK_INFO];
}

/** How many logical frames an error keeps: a deep chain ends with a count of the rest. */
const MAX_FRAMES = 64;

/** This package's source root: frames from its modules are machinery, not the user's code. */
const LIBRARY_ROOT = new URL("../", import.meta.url).href;

interface Trace {
  /** The native stack as V8 formatted it, read when the first frame was added. */
  readonly native: string;
  readonly frames: string[];
  dropped: number;
  /** Where the error left a bridge (`syncAwait`, `start`): always kept, after the tasks. */
  readonly bridges: string[];
  /** A user's own `stack` assignment replaces everything. */
  replaced: string | null;
}

const traces = new WeakMap<object, Trace>();

/**
 * The `file:line:column` of the caller of the function that called this one's caller, from a
 * fresh capture; "" if the host gives none. `skip` is the function to start above.
 */
export function callSite(skip: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  if (typeof Error.captureStackTrace !== "function" || !(limit > 0)) return "";
  Error.stackTraceLimit = 1;
  try {
    Error.captureStackTrace(holder, skip);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const line = holder.stack?.split("\n")[1] ?? "";
  const m = /\(?((?:file|https?|node|ext|data|blob):[^()\s]*?:\d+:\d+)\)?\s*$/.exec(line) ??
    /at (\S+:\d+:\d+)\s*$/.exec(line);
  return m ? m[1] : "";
}

/** Records that `error` left the task described by `info`. */
export function noteTask(error: unknown, info: TaskInfo | undefined): void {
  const name = info?.name || "<anonymous task>";
  addFrame(error, info?.site ? `async ${name} (${info.site})` : `async ${name}`);
}

/** Records that `error` left a bridge (`syncAwait`, `start`) called at `site`. */
export function noteBridge(error: unknown, bridge: string, site: string): void {
  traceOf(error)?.bridges.push(site ? `${bridge} (${site})` : bridge);
}

/** Adds one `at …` line to the logical part of `error`'s stack (a task or a group level). */
export function addFrame(error: unknown, frame: string): void {
  const trace = traceOf(error);
  if (trace === undefined) return;
  if (trace.frames.length < MAX_FRAMES) trace.frames.push(frame);
  else trace.dropped++;
}

function traceOf(error: unknown): Trace | undefined {
  // One CancelledError serves every operation a domain cancels: no one chain is its own.
  if (!(error instanceof Error) || error instanceof CancelledError) return undefined;
  return traces.get(error) ?? install(error);
}

function install(error: Error): Trace | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(error, "stack");
  if (descriptor !== undefined && !descriptor.configurable) return undefined;
  let native: string;
  try {
    native = String(error.stack ?? "");
  } catch {
    return undefined;
  }
  const trace: Trace = { native, frames: [], dropped: 0, bridges: [], replaced: null };
  try {
    Object.defineProperty(error, "stack", {
      configurable: true,
      enumerable: false,
      get: () => trace.replaced ?? format(trace),
      set: (value: string) => {
        trace.replaced = value;
      },
    });
  } catch {
    return undefined; // frozen or non-extensible: leave it as it is
  }
  traces.set(error, trace);
  return trace;
}

/** The native head (message and the throw site's own frames), then the logical chain. */
function format(trace: Trace): string {
  const lines = trace.native.split("\n");
  const out: string[] = [];
  let i = 0;
  // The message may span lines: everything before the first frame.
  while (i < lines.length && !/^\s+at /.test(lines[i])) out.push(lines[i++]);
  // The throw site: frames until the first of the library's (the rest is machinery, or a stack
  // truncated by Error.stackTraceLimit that the logical chain replaces).
  for (; i < lines.length; i++) {
    if (isLibraryFrame(lines[i])) break;
    out.push(lines[i]);
  }
  const first = out.length > 0 ? out[out.length - 1] : "";
  for (let k = 0; k < trace.frames.length; k++) {
    const frame = trace.frames[k];
    // The innermost task's own frame is the throw site already when the body is named.
    if (k === 0 && frame.startsWith("async ")) {
      const name = frame.slice(6).split(" ")[0];
      if (name !== "<anonymous" && first.includes(` at ${name} `)) continue;
    }
    out.push(`    at ${frame}`);
  }
  if (trace.dropped > 0) out.push(`    ... ${trace.dropped} more task frames`);
  for (const bridge of trace.bridges) out.push(`    at ${bridge}`);
  return out.join("\n");
}

function isLibraryFrame(line: string): boolean {
  return line.includes(LIBRARY_ROOT) || /at \S+\.(next|throw|return) \(<anonymous>\)/.test(line) ||
    /at (Task|Driver|AwaitOp)\.[#\w]+ /.test(line);
}
