// npm run build: Rust core -> wasm -> wasm-bindgen -> wasm-opt -> pkg/ assembled from pkg-template/.
// Installs what it needs (the wasm32 target, the wasm-bindgen CLI at the Cargo.lock version) when
// it is missing, so a fresh machine needs only rustup, Node and npm.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { ensureToolchain } from "./toolchain.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wbDir = join(root, "target", "wasm-bindgen");
const pkg = join(root, "pkg");
const quiet = process.argv.includes("--quiet");
const say = (msg) => quiet || console.log(`build: ${msg}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

// 1-2. The wasm32 target, clippy/rustfmt and the wasm-bindgen CLI pinned to Cargo.lock.
ensureToolchain({ say });

// 3. Release wasm (lto, codegen-units = 1, opt-level 3: see Cargo.toml).
say("cargo build --release --target wasm32-unknown-unknown");
// The shadow stack pointer is exported so the glue can put it back if a caller's exception ever
// unwinds through wasm frames (see instantiate in api.js below).
run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", ...(quiet ? ["--quiet"] : [])], {
  env: { ...process.env, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: "-C link-arg=--export=__stack_pointer" },
});

// 4. wasm-bindgen, bundler flavour: its `_bg.js` glue takes the instance from us, so each runtime's
//    loader decides how the .wasm is fetched and compiled.
rmSync(wbDir, { recursive: true, force: true });
run("wasm-bindgen", [
  "--target", "bundler", "--out-dir", wbDir, "--out-name", "hookline",
  join(root, "target", "wasm32-unknown-unknown", "release", "hookline.wasm"),
]);

// 5. wasm-opt from the npm binaryen package (Debian's binaryen 108 corrupts wasm-bindgen output).
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
const wasmOpt = join(root, "node_modules", ".bin", "wasm-opt");
run(wasmOpt, ["-O3", join(wbDir, "hookline_bg.wasm"), "-o", join(pkg, "hookline_bg.wasm")]);

// 6. The shared ESM glue: wasm-bindgen's exports, the error classes, and the instantiate hook.
const bg = readFileSync(join(wbDir, "hookline_bg.js"), "utf8");
const publicNames = [...bg.matchAll(/^export (?:function|class) (\w+)/gm)]
  .map((m) => m[1])
  .filter((n) => !n.startsWith("__"));
const snippet = findFile(join(wbDir, "snippets"), "edge.js");
const rel = (p) => "./" + relative(wbDir, p).split("\\").join("/");
// The delivery edge (JS: it awaits fetch and sleep) sits beside the glue it calls.
// It imports the error classes from the binding's snippet, whose folder name wasm-bindgen hashes.
writeFileSync(
  join(wbDir, "dispatcher.js"),
  readFileSync(join(root, "pkg-template", "lib", "dispatcher.js"), "utf8").replace('"hookline-edge"', JSON.stringify(rel(snippet))),
);
// The wasm imports from the glue and, where wasm-bindgen needs no shim, straight from a snippet:
// every module it names is imported here and handed over under that name.
const importModules = [...new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(pkg, "hookline_bg.wasm")))).map((i) => i.module))];
const importLines = importModules.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join("\n");
const importObject = importModules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(", ");
writeFileSync(
  join(wbDir, "api.js"),
  `import * as bg from "./hookline_bg.js";
${importLines}
export { ${publicNames.join(", ")} } from "./hookline_bg.js";
export { HooklineError, SenderError, WebhookVerificationError } from "${rel(snippet)}";
import { setHostHmac } from "${rel(snippet)}";
export { createDispatcher } from "./dispatcher.js";
// The default export, which the entries' \`export *\` never passes on: the runtime loaders call
// it once with the compiled module and, where the platform has one, its HMAC-SHA256. Nothing
// else can install a host HMAC (it would see the keys) or instantiate again.
let instantiated = false;
export default function instantiate(module, hostHmac) {
  if (instantiated) throw new Error("hookline: the wasm instance is already set up");
  instantiated = true;
  const instance = new WebAssembly.Instance(module, { ${importObject} });
  bg.__wbg_set_wasm(guarded(instance.exports));
  instance.exports.__wbindgen_start();
  setHostHmac(hostHmac);
}

// A safety net under the boundary: the glue reads the caller's values (headers, bodies, options)
// through functions that catch what they throw, but should a caller's exception still unwind
// through wasm frames, their epilogues never run and the shadow stack pointer stays where they
// left it; a few hundred such calls and the instance is corrupt for good. Every export is
// called with the pointer noted and, on a throw, put back, so the instance stays usable.
function guarded(exports) {
  const sp = exports.__stack_pointer;
  if (!(sp instanceof WebAssembly.Global)) return exports;
  const out = {};
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== "function" || name.startsWith("__wbindgen") || value.length > 8) {
      out[name] = value;
      continue;
    }
    // Fixed arity (the exports take at most 5): no rest array, no apply, on the hot path.
    out[name] = function (a, b, c, d, e, f, g, h) {
      const at = sp.value;
      try {
        return value(a, b, c, d, e, f, g, h);
      } catch (error) {
        sp.value = at;
        throw error;
      }
    };
  }
  return out;
}
`,
);
const common = { bundle: true, logLevel: "warning", legalComments: "none", target: "es2022" };
await esbuild.build({ ...common, entryPoints: [join(wbDir, "api.js")], outfile: join(pkg, "glue.mjs"), format: "esm" });
// Node CommonJS: glue and loader in one file, so require() needs no ESM at all.
await esbuild.build({
  ...common,
  entryPoints: [join(root, "pkg-template", "loaders", "node-entry.js")],
  outfile: join(pkg, "node.cjs"),
  format: "cjs",
  platform: "node",
  alias: { "hookline-glue": join(wbDir, "api.js") },
});

// 7. The hand-owned files: package.json, README, loaders, type additions.
cpSync(join(root, "pkg-template", "package.json"), join(pkg, "package.json"));
// hookline/store: its own entry (it imports the main entry by the package's name).
cpSync(join(root, "pkg-template", "lib", "store.js"), join(pkg, "store.mjs"));
cpSync(join(root, "pkg-template", "store.d.ts"), join(pkg, "store.d.ts"));
// hookline/middleware: its own entry too (Express, Hono and Fetch-handler receivers).
cpSync(join(root, "pkg-template", "lib", "middleware.js"), join(pkg, "middleware.mjs"));
cpSync(join(root, "pkg-template", "middleware.d.ts"), join(pkg, "middleware.d.ts"));
cpSync(join(root, "README.md"), join(pkg, "README.md"));
mkdirSync(join(pkg, "bin"), { recursive: true });
cpSync(join(root, "pkg-template", "bin", "hookline.mjs"), join(pkg, "bin", "hookline.mjs"));
for (const f of readdirSync(join(root, "pkg-template", "loaders"))) {
  if (f.endsWith(".mjs")) cpSync(join(root, "pkg-template", "loaders", f), join(pkg, f));
}
const pkgJson = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
pkgJson.version = /^version = "([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))[1];
writeFileSync(join(pkg, "package.json"), JSON.stringify(pkgJson, null, 2) + "\n");
const dts = readFileSync(join(wbDir, "hookline.d.ts"), "utf8").replace(/^\/\* tslint:disable \*\/\n\/\* eslint-disable \*\/\n/, "");
// wasm-bindgen declares [Symbol.dispose]; pull in its lib so consumers on es2022 libs compile.
writeFileSync(join(pkg, "index.d.ts"), `/// <reference lib="esnext.disposable" />\n${dts}`);
for (const f of ["LICENSE-MIT", "LICENSE-APACHE"]) if (existsSync(join(root, f))) cpSync(join(root, f), join(pkg, f));
say(`pkg/ ready: ${publicNames.length} exports (${publicNames.join(", ")}) + error classes`);

function findFile(dir, name) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    } else if (entry.name === name) return p;
  }
  return undefined;
}
