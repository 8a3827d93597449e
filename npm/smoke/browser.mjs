// Runs the smoke suite in headless Chromium: serves the scratch project (with the installed
// package) and a page from 127.0.0.1, starts Chromium on it, and waits for the page to POST its
// results back. Exits 1 on any failed check, on a page error, or after 60 s without an answer.
//   node browser.mjs /usr/bin/chromium tasks cancellation groups allocators
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";

const [chromiumPath, ...sections] = process.argv.slice(2);
const root = process.cwd();
const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".html": "text/html",
};
const page = `<!doctype html><meta charset="utf-8"><title>@coro/task smoke</title>
<script type="importmap">{ "imports": { "@coro/task": "/node_modules/@coro/task/mod.js" } }</script>
<script type="module">
  const report = (body) => fetch("/result", { method: "POST", body: JSON.stringify(body) });
  try {
    const lib = await import("@coro/task");
    const { runSuite } = await import("/suite.mjs");
    report({ agent: navigator.userAgent, results: await runSuite(lib, ${
  JSON.stringify(sections)
}) });
  } catch (e) {
    report({ agent: navigator.userAgent, results: [{ name: "page: " + (e?.stack ?? e), ok: false }] });
  }
</script>`;

let finish;
const answered = new Promise((resolve) => (finish = resolve));
const server = createServer((req, res) => {
  if (req.method === "POST" && req.url === "/result") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.end("ok");
      finish(JSON.parse(body));
    });
    return;
  }
  const path = new URL(req.url, "http://127.0.0.1").pathname;
  if (path === "/") {
    res.setHeader("content-type", "text/html");
    return res.end(page);
  }
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) return res.writeHead(403).end();
  try {
    const data = readFileSync(file);
    res.setHeader(
      "content-type",
      TYPES[extname(file)] ?? "application/octet-stream",
    );
    res.end(data);
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const profile = mkdtempSync(join(tmpdir(), "coro-chromium-"));
const chromium = spawn(chromiumPath, [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  `--user-data-dir=${profile}`,
  url,
], { stdio: ["ignore", "ignore", "pipe"] });
let stderr = "";
chromium.stderr.on("data", (c) => (stderr += c));
const exited = new Promise((resolve) => chromium.once("exit", (code) => resolve({ exited: code })));
const timer = setTimeout(() => finish({ timeout: true }), 60_000);

const outcome = await Promise.race([answered, exited]);
clearTimeout(timer);
chromium.kill();
server.close();
await exited;
try {
  // Chromium's helper processes may still be writing to the profile for a moment after it exits.
  rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
} catch (e) {
  console.log(`(left ${profile}: ${e.code})`);
}

if (!outcome.results) {
  console.log(
    `no results from Chromium (${JSON.stringify(outcome)}):\n${stderr.slice(-2000)}`,
  );
  process.exit(1);
}
for (const r of outcome.results) {
  console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}`);
}
const failed = outcome.results.filter((r) => !r.ok).length;
const version = /Chrome\/[\d.]+/.exec(outcome.agent)?.[0] ?? outcome.agent;
console.log(
  `${version}: ${outcome.results.length - failed} passed, ${failed} failed`,
);
process.exit(failed === 0 && outcome.results.length > 0 ? 0 : 1);
