/**
 * Counts the lines of the three example programs written three ways (`@coro/task` in
 * `examples/`, async/await and Effection 4 here): lines that are neither blank nor only a
 * comment. The shared local site and output file (`examples/_site.ts`, `_output_file.ts`) are
 * used by all three and counted by none.
 *
 * Run: `deno run --allow-read bench/compare/count_lines.ts`
 *
 * @module
 */

const programs = ["crawler", "job_runner", "event_wrapper"];
const root = new URL("../../", import.meta.url);

/** Lines that are neither blank nor a comment line (`//`, or inside a block comment). */
export function countCode(text: string): number {
  let inBlock = false;
  let count = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (inBlock) {
      if (line.includes("*/")) inBlock = false;
      continue;
    }
    if (line === "" || line.startsWith("//")) continue;
    if (line.startsWith("/*")) {
      inBlock = !line.includes("*/");
      continue;
    }
    count++;
  }
  return count;
}

const count = (path: string) => countCode(Deno.readTextFileSync(new URL(path, root)));

console.log("| program | @coro/task | async/await | Effection 4 |");
console.log("| --- | ---: | ---: | ---: |");
for (const name of programs) {
  const ours = count(`examples/${name}.ts`);
  const plain = count(`bench/compare/${name}_async.ts`);
  const effection = count(`bench/compare/${name}_effection.ts`);
  console.log(`| ${name} | ${ours} | ${plain} | ${effection} |`);
}
