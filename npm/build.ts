/**
 * Builds the npm package from the same sources as the JSR one: `mod.ts` and `src/` compiled by
 * TypeScript's own `tsc` (pinned below) to ESM `.js` + `.d.ts`, with no runtime dependency.
 *
 *   deno task build:npm           # writes npm/dist/ (git-ignored)
 *   deno task build:npm --pack    # also `npm pack`s it; prints the tarball's path last
 *
 * `tsc` comes from the npm registry into a cache folder outside the repo (`$CORO_NPM_TOOLS`,
 * default `$TMPDIR/coro-task-npm-tools-<version>`), so nothing fetched lands in the tree.
 *
 * @module
 */

const TYPESCRIPT = "5.9.3";

const root = new URL("..", import.meta.url);
const npmDir = new URL("npm/", root);
const dist = new URL("npm/dist/", root);
const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
const tools = Deno.env.get("CORO_NPM_TOOLS") ??
  `${tmp}/coro-task-npm-tools-${TYPESCRIPT}`;

async function run(
  cmd: string,
  args: string[],
  cwd: URL | string,
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "inherit",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${out.code}):\n${text}`,
    );
  }
  return text;
}

async function tsc(): Promise<string> {
  const bin = `${tools}/node_modules/typescript/bin/tsc`;
  const installed = await Deno.readTextFile(
    `${tools}/node_modules/typescript/package.json`,
  )
    .then((text) => JSON.parse(text).version, () => undefined);
  if (installed === TYPESCRIPT) return bin;
  await Deno.mkdir(tools, { recursive: true });
  await run("npm", [
    "install",
    "--silent",
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    "--prefix",
    tools,
    `typescript@${TYPESCRIPT}`,
  ], tools);
  return bin;
}

/** `.d.ts` files keep the sources' `./x.ts` specifiers; consumers resolve `./x.js`. */
async function rewriteDeclarations(dir: URL): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    const url = new URL(e.isDirectory ? `${e.name}/` : e.name, dir);
    if (e.isDirectory) {
      await rewriteDeclarations(url);
    } else if (e.name.endsWith(".d.ts")) {
      const text = await Deno.readTextFile(url);
      await Deno.writeTextFile(
        url,
        text.replace(/(from\s+"\.{1,2}\/[^"]*)\.ts"/g, '$1.js"'),
      );
    }
  }
}

async function main(): Promise<void> {
  await Deno.remove(dist, { recursive: true }).catch(() => {});
  await run("node", [await tsc(), "-p", "tsconfig.json"], npmDir);
  await rewriteDeclarations(dist);

  const { version } = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", root)),
  );
  const manifest = JSON.parse(
    await Deno.readTextFile(new URL("package.template.json", npmDir)),
  );
  manifest.version = version;
  await Deno.writeTextFile(
    new URL("package.json", dist),
    JSON.stringify(manifest, null, 2) + "\n",
  );
  for (const file of ["README.md", "LICENSE"]) {
    await Deno.copyFile(new URL(file, root), new URL(file, dist));
  }
  console.log(`built ${manifest.name}@${version} in npm/dist/`);

  if (Deno.args.includes("--pack")) {
    const name = (await run("npm", ["pack", "--silent", "--pack-destination", "."], dist))
      .trim();
    const tarball = new URL(name.split("\n").pop()!, dist).pathname;
    console.log(tarball);
  }
}

await main();
