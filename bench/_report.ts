/**
 * Renders `bench/RESULTS.md`: a table per workload (ns/op, spread, ratios to async/await and to
 * raw `yield*`), the paper-style bars, and the list of targets with met/missed.
 *
 * @module
 */

import type { Measurement } from "./_harness.ts";

/** One workload's table. */
export interface Table {
  /** Short id, e.g. `W1`. */
  id: string;
  title: string;
  /** One paragraph saying what is measured. */
  about: string;
  rows: Measurement[];
  /** Unit of the figures (default `ns/op`). */
  unit?: string;
  /** Row names used as the async/await and raw-generator references for the ratio columns. */
  asyncRef?: string;
  rawRef?: string;
  notes?: string[];
}

/** A free-form table (W3, W5, W6), already laid out as header + rows of cells. */
export interface Grid {
  id: string;
  title: string;
  about: string;
  header: string[];
  rows: string[][];
  notes?: string[];
}

/**
 * A table of the Floors section: the library, the target's reference and the floor variants, with
 * a ratio column per reference.
 */
export interface FloorTable {
  id: string;
  title: string;
  about: string;
  rows: Measurement[];
  /** Ratio columns: to a row of this table (by name), or to a fixed figure (a limit in ns). */
  refs: (string | { label: string; ns: number })[];
  notes?: string[];
}

/** A target from the issue, checked against the results. */
export interface Target {
  label: string;
  /** `undefined` when it could not be evaluated (workload skipped or errored). */
  met: boolean | undefined;
  detail: string;
}

/** Formats nanoseconds with a sensible number of digits. */
export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return "—";
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1000) return ns.toFixed(0);
  if (ns >= 100) return ns.toFixed(1);
  return ns.toFixed(2);
}

/** Formats a ratio as `1.23×`. */
export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(r >= 10 ? 1 : 2)}×` : "—";
}

/** ns/op of the row called `name`, or NaN. */
export function nsOf(rows: Measurement[], name: string): number {
  return rows.find((r) => r.name === name)?.nsPerOp ?? NaN;
}

function spread(m: Measurement): string {
  if (m.rounds.length < 2) return "—";
  const lo = Math.min(...m.rounds), hi = Math.max(...m.rounds);
  return `±${((hi - lo) / 2 / m.nsPerOp * 100).toFixed(0)}%`;
}

/** Renders a workload table. */
export function renderTable(t: Table): string {
  const asyncRef = nsOf(t.rows, t.asyncRef ?? "async/await");
  const rawRef = nsOf(t.rows, t.rawRef ?? "raw yield*");
  const out = [
    `### ${t.id}: ${t.title}`,
    "",
    t.about,
    "",
    `| contender | ${t.unit ?? "ns/op"} | spread | vs ${t.asyncRef ?? "async/await"} | vs ${
      t.rawRef ?? "raw yield*"
    } |`,
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const r of t.rows) {
    if (r.error) {
      out.push(`| ${r.name} | error: ${r.error.split("\n")[0].slice(0, 80)} | | | |`);
      continue;
    }
    out.push(
      `| ${r.name} | ${fmtNs(r.nsPerOp)} | ${spread(r)} | ${fmtRatio(r.nsPerOp / asyncRef)} | ${
        fmtRatio(r.nsPerOp / rawRef)
      } |`,
    );
  }
  for (const n of t.notes ?? []) out.push("", n);
  return out.join("\n");
}

/** Renders a table of the Floors section. */
export function renderFloorTable(t: FloorTable): string {
  const refs = t.refs.map((r) =>
    typeof r === "string" ? { label: r, ns: nsOf(t.rows, r) } : { label: r.label, ns: r.ns }
  );
  const out = [
    `### Floors ${t.id}: ${t.title}`,
    "",
    t.about,
    "",
    `| variant | ns/op | spread | ${refs.map((r) => `vs ${r.label}`).join(" | ")} |`,
    `| --- | ---: | ---: | ${refs.map(() => "---:").join(" | ")} |`,
  ];
  for (const r of t.rows) {
    if (r.error) {
      out.push(
        `| ${r.name} | error: ${r.error.split("\n")[0].slice(0, 80)} | |${
          " |".repeat(refs.length)
        }`,
      );
      continue;
    }
    const ratios = refs.map((ref) => fmtRatio(r.nsPerOp / ref.ns));
    out.push(`| ${r.name} | ${fmtNs(r.nsPerOp)} | ${spread(r)} | ${ratios.join(" | ")} |`);
  }
  for (const n of t.notes ?? []) out.push("", n);
  return out.join("\n");
}

/** Renders a free-form grid. */
export function renderGrid(g: Grid): string {
  const out = [`### ${g.id}: ${g.title}`, "", g.about, ""];
  out.push(`| ${g.header.join(" | ")} |`);
  out.push(`| ${g.header.map((_, i) => i === 0 ? "---" : "---:").join(" | ")} |`);
  for (const r of g.rows) out.push(`| ${r.join(" | ")} |`);
  for (const n of g.notes ?? []) out.push("", n);
  return out.join("\n");
}

/**
 * The paper's figure: `op cost` (W1b per await), `task overhead` (W1 − W1b) and `future overhead`
 * (W2 per hand-over), drawn with the op cost as four stars like the paper.
 */
export function renderBars(
  lines: { label: string; ns: number }[],
  unitNs: number,
  maxStars = 160,
): string {
  const width = Math.max(...lines.map((l) => l.label.length));
  const out = lines.map(({ label, ns }) => {
    const n = Number.isFinite(ns) ? Math.max(0, Math.round(ns / unitNs)) : 0;
    const bar = n > maxStars ? "*".repeat(maxStars) + "..." : "*".repeat(n);
    return `${label.padStart(width)}: ${bar} ${fmtNs(ns)} ns`;
  });
  return ["```", ...out, "```", `(one \`*\` = ${unitNs.toFixed(2)} ns)`].join("\n");
}

/** Renders the targets list. */
export function renderTargets(ts: Target[]): string {
  return ts.map((t) => {
    const mark = t.met === undefined ? "n/a" : t.met ? "met" : "**MISSED**";
    return `- ${mark}: ${t.label} (${t.detail})`;
  }).join("\n");
}
