// The import check in npm test (STYLE.md, practice 14): every import in the package's JS source
// is a relative path to a file in the repository, a node: built-in, or a package the npm package
// may import (its own name, as store.js imports "hookline", and its dependencies and peers). So an
// editor's go-to-definition, tsc --allowJs and esbuild without plugins follow the graph; what a
// bundle leaves outside itself is decided by scripts/build.mjs, by the file an import resolves to.
//
// The source: pkg-template/lib/**/*.js (the store's migrations import their .sql files, inlined
// by the build), the CLI (pkg-template/bin/*.mjs), the loaders esbuild bundles (pkg-template/loaders/*.js; the
// .mjs loaders are copied into pkg/ as they are and import the files built beside them) and
// src/wasm/*.js. The imports are what esbuild finds: import and export-from statements, import()
// and require() of a literal, each resolved as esbuild resolves it. A require made through
// createRequire (loaders/node.js, which requires the sender's glue when first used) is a load at run time of
// a file built into pkg/, like a .wasm read from disk, not an import.
// Usage: node scripts/imports.mjs [file ...] (default: the source above)
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const inDir = (dir, ext) => readdirSync(join(root, dir)).filter((f) => f.endsWith(ext)).map((f) => join(root, dir, f));
// A folder and the folders in it (the store's modules live in pkg-template/lib/store/).
const inTree = (dir, ext) => [
  ...inDir(dir, ext),
  ...readdirSync(join(root, dir), { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => inTree(join(dir, d.name), ext)),
];
const files = process.argv.length > 2
  ? process.argv.slice(2).map((f) => resolve(f))
  : [...inTree("pkg-template/lib", ".js"), ...inDir("pkg-template/loaders", ".js"), ...inDir("pkg-template/bin", ".mjs"), ...inDir("src/wasm", ".js")];

const template = JSON.parse(readFileSync(join(root, "pkg-template", "package.json"), "utf8"));
const packages = [template.name, ...["dependencies", "peerDependencies", "optionalDependencies"].flatMap((k) => Object.keys(template[k] ?? {}))];
// A package and its subpaths ("hookline/receiver").
const isPackage = (spec) => packages.some((p) => spec === p || spec.startsWith(`${p}/`));

// Files in the repository: tracked or addable, not build output (target/, pkg/, node_modules/:
// a file that exists only after a build or an install is what this check is for).
let inRepo;
try {
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  const set = new Set(listed.split("\0").filter(Boolean));
  inRepo = (path) => set.has(path);
} catch {
  // Not a git checkout: the output folders .gitignore names at the top.
  const ignored = readFileSync(join(root, ".gitignore"), "utf8").split("\n").filter((l) => l.startsWith("/")).map((l) => l.slice(1));
  inRepo = (path) => !path.startsWith("../") && !ignored.some((d) => path === d || path.startsWith(`${d}/`));
}

// Each file is an entry; each import it makes is resolved as esbuild resolves it without
// plugins, judged, and left external so that only the files above are read.
const bad = new Map(files.map((f) => [relative(root, f).split("\\").join("/"), []]));
const flag = (importer, message) => bad.get(relative(root, importer).split("\\").join("/")).push(message);
const again = {};
const judge = {
  name: "judge-imports",
  setup(b) {
    b.onResolve({ filter: /.*/ }, async ({ path: spec, kind, importer, resolveDir, pluginData }) => {
      if (kind === "entry-point" || pluginData === again) return undefined;
      const r = await b.resolve(spec, { kind, importer, resolveDir, pluginData: again });
      const path = relative(root, r.path).split("\\").join("/");
      const relativePath = /^\.\.?\//.test(spec);
      if (r.errors.length) flag(importer, relativePath ? `"${spec}" names no file` : `"${spec}" is not a relative path, a node: built-in or a package of pkg-template/package.json`);
      else if (r.external) {
        if (!spec.startsWith("node:") && !isPackage(spec)) flag(importer, `"${spec}" is not a node: built-in or a package of pkg-template/package.json`);
      } else if (!relativePath) flag(importer, `"${spec}" is not a relative path (esbuild found ${path})`);
      else if (r.path !== resolve(resolveDir, spec)) flag(importer, `"${spec}" names no file: esbuild guessed ${path}`);
      else if (!inRepo(path)) flag(importer, `"${spec}" is ${path}, not a file of the repository`);
      return { path: spec, external: true };
    });
  },
};
await esbuild.build({
  absWorkingDir: root,
  entryPoints: files,
  bundle: true,
  write: false,
  outdir: join(root, "target", "imports-check"),
  format: "esm",
  platform: "neutral",
  external: ["node:*", ...packages.flatMap((p) => [p, `${p}/*`])],
  plugins: [judge],
  logLevel: "silent",
});

let passed = 0;
let failed = 0;
for (const [file, messages] of bad) {
  if (messages.length === 0) passed++;
  else failed++;
  for (const m of messages) console.log(`  FAIL [imports] ${file}: ${m}`);
}
console.log(`[imports] ${passed} files passed, ${failed} failed`);
console.log(`@@RESULT ${JSON.stringify({ runtime: "imports", passed, failed })}`);
process.exitCode = failed ? 1 : 0;
