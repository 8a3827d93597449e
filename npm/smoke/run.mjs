// Runs the smoke suite against the installed package (`import "@coro/task"` from the scratch
// project's node_modules) in the host that runs this file: Node, Bun, or `node --jitless`.
//   node run.mjs tasks cancellation groups allocators
//   node --jitless run.mjs nowasm plain tasks cancellation groups
import * as lib from "@coro/task";
import { runSuite } from "./suite.mjs";

const host = typeof Bun === "object" ? `bun ${Bun.version}` : `node ${process.version}`;
const sections = process.argv.slice(2);
const results = await runSuite(lib, sections);
for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}`);
const failed = results.filter((r) => !r.ok).length;
console.log(
  `${host} (WebAssembly: ${typeof WebAssembly}): ${
    results.length - failed
  } passed, ${failed} failed`,
);
process.exit(failed === 0 && results.length > 0 ? 0 : 1);
