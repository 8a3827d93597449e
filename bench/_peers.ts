/**
 * Peer libraries that the benchmarks compare `@coro/task` against, pinned to exact versions.
 *
 * This is the only file under `bench/` that names an `npm:` specifier, so bumping a peer is a
 * one-line change here. None of these are dependencies of the published package: `publish.include`
 * in the root `deno.json` covers only `mod.ts`, `src/`, README and LICENSE.
 *
 * @module
 */

export { quansync } from "npm:quansync@1.0.0";
export { default as gensync } from "npm:gensync@1.0.0-beta.2";
export { Effect } from "npm:effect@4.1.0";
export * as effection from "npm:effection@4.1.1";
export { default as co } from "npm:co@4.6.0";

/** Versions as pinned above, for the report. */
export const PEER_VERSIONS: Record<string, string> = {
  quansync: "1.0.0",
  gensync: "1.0.0-beta.2",
  effect: "4.1.0",
  effection: "4.1.1",
  co: "4.6.0",
};
