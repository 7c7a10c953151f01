// npm run build: Rust core -> wasm -> wasm-bindgen -> wasm-opt -> pkg/ assembled from pkg-template/.
// Installs what it needs (the wasm32 target, the wasm-bindgen CLI at the Cargo.lock version) when
// it is missing, so a fresh machine needs only rustup, Node and npm.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { ensureToolchain } from "./toolchain.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wbDir = join(root, "target", "wasm-bindgen");
const pkg = join(root, "pkg");
const quiet = process.argv.includes("--quiet");
const say = (msg) => quiet || console.log(`build: ${msg}`);
const lib = (f) => join(root, "pkg-template", "lib", f);
const loader = (f) => join(root, "pkg-template", "loaders", f);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

// 1-2. The wasm32 target, clippy/rustfmt and the wasm-bindgen CLI pinned to Cargo.lock.
ensureToolchain({ say });

// 3. Release wasm (lto, codegen-units = 1, opt-level 3: see Cargo.toml), then the receiver's two
//    builds from abi/ (a raw ABI, no wasm-bindgen, no std): the HMAC schemes, and with ed25519
//    (loaded on demand).
// The shadow stack pointer is exported so the glue can put it back if a caller's exception ever
// unwinds through wasm frames (see `guarded` below).
const rustEnv = { ...process.env, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: "-C link-arg=--export=__stack_pointer" };
const wasmOut = (profile) => join(root, "target", "wasm32-unknown-unknown", profile, "hookline.wasm");
say("cargo rustc --release --target wasm32-unknown-unknown --crate-type cdylib");
run("cargo", ["rustc", "--lib", "--release", "--target", "wasm32-unknown-unknown", "--crate-type", "cdylib", ...(quiet ? ["--quiet"] : [])], { env: rustEnv });
rmSync(wbDir, { recursive: true, force: true });
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
const full = bindgen(wasmOut("release"), "hookline", "-O3");
for (const [name, profile, features] of [["receiver", "receiver", []], ["receiver_ed", "receiver-ed", ["--features", "ed25519"]]]) {
  say(`cargo build -p hookline-abi --profile ${profile} ${features.join(" ")}`.trim());
  run("cargo", ["build", "-p", "hookline-abi", "--profile", profile, "--target", "wasm32-unknown-unknown", ...features, ...(quiet ? ["--quiet"] : [])]);
  const built = join(root, "target", "wasm32-unknown-unknown", profile, "hookline_abi.wasm");
  // Functions with one caller stay apart past 100 bytes (wasm-opt would inline them whatever
  // their size): the schemes' verify functions, so a first verify compiles one scheme.
  run(join(root, "node_modules", ".bin", "wasm-opt"), ["-Oz", "--one-caller-inline-max-function-size=100", "--strip-debug", "--strip-producers", built, "-o", join(pkg, `${name}_bg.wasm`)]);
}

// 4. wasm-bindgen, bundler flavour: its `_bg.js` glue takes the instance from us, so each runtime's
//    loader decides how the .wasm is fetched and compiled. 5. wasm-opt from the npm binaryen package
//    (Debian's binaryen 108 corrupts wasm-bindgen output). 6. An `api.js` beside the glue: its
//    exports, the error classes, createDispatcher (pkg-template/lib/dispatcher.js) and the
//    default `instantiate`, which the loaders call once.
function bindgen(input, name, level) {
  const dir = join(wbDir, name);
  run("wasm-bindgen", ["--target", "bundler", "--out-dir", dir, "--out-name", name, input]);
  const wasmFile = join(pkg, `${name}_bg.wasm`);
  run(join(root, "node_modules", ".bin", "wasm-opt"), [level, join(dir, `${name}_bg.wasm`), "-o", wasmFile]);
  const bg = readFileSync(join(dir, `${name}_bg.js`), "utf8");
  const publicNames = [...bg.matchAll(/^export (?:function|class) (\w+)/gm)].map((m) => m[1]).filter((n) => !n.startsWith("__"));
  const snippet = findFile(join(dir, "snippets"), "edge.js");
  // The wasm imports from the glue and, where wasm-bindgen needs no shim, straight from a snippet:
  // every module it names is imported here and handed over under that name.
  const importModules = [...new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmFile))).map((i) => i.module))];
  const rel = (p) => {
    const path = relative(dir, p).split("\\").join("/");
    return path.startsWith("../") ? path : `./${path}`;
  };
  const paths = { snippet: rel(snippet), errors: rel(lib("errors.js")), wasm: rel(lib("wasm.js")), dispatcher: rel(lib("dispatcher.js")) };
  writeFileSync(join(dir, "api.js"), apiSource({ name, publicNames, importModules, paths }));
  return { dir, api: join(dir, "api.js"), publicNames, snippet, rel };
}

// lib/wasm.js holds, as live bindings, the wasm exports the sender's delivery edge (dispatcher.js)
// calls; each must be one the glue has.
for (const binding of Object.keys(await import(pathToFileURL(lib("wasm.js")).href))) {
  if (binding !== "bind" && !full.publicNames.includes(binding)) throw new Error(`pkg-template/lib/wasm.js binds ${binding}, which the wasm does not export`);
}
// The full build's Node entries: the glue and the runtime's loader (pkg-template/loaders/
// node-entry.js, node-esm.js: how the .wasm is read), which instantiates it at load. Written
// here, beside the glue they import, which exists only once wasm-bindgen has run.
function nodeEntry(loaderFile) {
  const file = join(full.dir, loaderFile);
  writeFileSync(file, `import instantiate from "./api.js";
import { load } from "${full.rel(loader(loaderFile))}";

load(instantiate);

export * from "./api.js";
`);
  return file;
}
function apiSource({ name, publicNames, importModules, paths }) {
  const importLines = importModules.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join("\n");
  const importObject = importModules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(", ");
  return `import * as bg from "./${name}_bg.js";
${importLines}
export { ${publicNames.join(", ")} } from "./${name}_bg.js";
export { HooklineError, SenderError, WebhookVerificationError } from "${paths.errors}";
export { createDispatcher } from "${paths.dispatcher}";
import { setHostHmac } from "${paths.snippet}";
import { bind } from "${paths.wasm}";

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
  bind(bg);
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
`;
}

// esbuild: every import in the source tree is a relative path to a file in the repository (npm
// test checks it: scripts/imports.mjs). What a bundle leaves outside itself is decided here, by
// the file an import resolves to:
// - lib/errors.js: the error classes stay one module per runtime (errors.mjs / errors.cjs),
//   imported by every entry rather than copied into each, so instanceof holds across hookline
//   and hookline/receiver. In Node the CommonJS errors.cjs is the one module, also for the ESM
//   entries (node: true). The Node ESM entries (nodeEsm) reach errors.cjs through require
//   (lib/errors-node-esm.js, bundled in its place): an import of a CommonJS file makes Node 20's
//   ESM loader start its export lexer, about 4 ms of a receiver's cold start here.
// - loaders/receiver-ed-node.js: the ed25519 build stays its own file (receiver_ed.cjs), loaded
//   when first needed.
// - wasm-bindgen's copy of src/wasm/edge.js (a snippet, which the glue and the wasm name): the
//   original, whose relative imports resolve from where it lies.
const external = (ext, nodeEsm = false) => {
  const rules = new Map([
    [lib("errors.js"), nodeEsm ? { path: lib("errors-node-esm.js") } : { path: `./errors.${ext}`, external: true }],
    [loader("receiver-ed-node.js"), { path: "./receiver_ed.cjs", external: true }],
    [full.snippet, { path: join(root, "src", "wasm", "edge.js") }],
  ]);
  const again = {};
  return {
    name: "hookline-externals",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, async ({ path, kind, importer, resolveDir, pluginData }) => {
        if (pluginData === again) return undefined;
        const resolved = await b.resolve(path, { kind, importer, resolveDir, pluginData: again });
        return rules.get(resolved.path);
      });
    },
  };
};
const common = { bundle: true, logLevel: "warning", legalComments: "none", target: "es2022" };
const bundle = (entry, outfile, format, node = format === "cjs") =>
  esbuild.build({ ...common, entryPoints: [entry], outfile: join(pkg, outfile), format, plugins: [external(node ? "cjs" : "mjs", node && format === "esm")], ...(node ? { platform: "node" } : {}) });
await Promise.all([
  bundle(lib("errors.js"), "errors.mjs", "esm"),
  bundle(lib("errors.js"), "errors.cjs", "cjs"),
  bundle(full.api, "glue.mjs", "esm"),
  // Node CommonJS: glue and loader in one file, so require() needs no ESM at all.
  bundle(nodeEntry("node-entry.js"), "node.cjs", "cjs"),
  bundle(nodeEntry("node-esm.js"), "node.mjs", "esm", true),
  bundle(lib("receiver.js"), "receiver-glue.mjs", "esm"),
  // hookline/receiver in Node and Bun: CommonJS and native ESM entries (an ESM import of a
  // CommonJS file costs a receiver's cold start about 10 ms here), one ed25519 instance for both.
  bundle(loader("receiver-node-entry.js"), "receiver.cjs", "cjs"),
  bundle(loader("receiver-node-esm.js"), "receiver-node.mjs", "esm", true),
  bundle(loader("receiver-ed-node.js"), "receiver_ed.cjs", "cjs"),
]);
const publicNames = full.publicNames;

// 7. The hand-owned files: package.json, README, loaders, type additions.
cpSync(join(root, "pkg-template", "package.json"), join(pkg, "package.json"));
// hookline/store and hookline/dedupe: entries of their own, one ES module each for every runtime.
// They take the core from the main entry and the error classes from hookline/errors by the
// package's name (each runtime resolves them to its own build, so instanceof holds); their
// migrations' .sql files are inlined as text.
await Promise.all(
  [["store/index.js", "store.mjs"], ["dedupe.js", "dedupe.mjs"]].map(([entry, outfile]) =>
    esbuild.build({ ...common, entryPoints: [lib(entry)], outfile: join(pkg, outfile), format: "esm", external: ["hookline", "hookline/errors"], loader: { ".sql": "text" } }),
  ),
);
for (const f of ["store.d.ts", "dedupe.d.ts", "errors.d.ts"]) cpSync(join(root, "pkg-template", f), join(pkg, f));
// The management API's OpenAPI document (also inlined into store.mjs, which serves it) and the
// customers' portal that `hookline serve` hosts at /portal/.
cpSync(join(root, "pkg-template", "openapi.json"), join(pkg, "openapi.json"));
cpSync(join(root, "pkg-template", "portal"), join(pkg, "portal"), { recursive: true });
// hookline/middleware: its own entry too (Express, Hono and Fetch-handler receivers).
cpSync(join(root, "pkg-template", "lib", "middleware.js"), join(pkg, "middleware.mjs"));
cpSync(join(root, "pkg-template", "middleware.d.ts"), join(pkg, "middleware.d.ts"));
cpSync(join(root, "README.md"), join(pkg, "README.md"));
mkdirSync(join(pkg, "bin"), { recursive: true });
for (const f of ["hookline.mjs", "serve.mjs"]) cpSync(join(root, "pkg-template", "bin", f), join(pkg, "bin", f));
for (const f of readdirSync(join(root, "pkg-template", "loaders"))) {
  if (f.endsWith(".mjs")) cpSync(join(root, "pkg-template", "loaders", f), join(pkg, f));
}
// The receiver's types: the main entry's declarations of what it exports.
const receiverTypes = ["Payload", "HeadersLike", "SecretLike", "KeyLike", "SchemeName", "ErrorCode", "WebhookOptions", "WebhookVerifyOptions",
  "CustomSchemeConfig", "KeyFields", "KeyOptions", "VerifierOptions", "VerifierSettings", "NowOptions", "VerifyOptions", "VerifiedWebhook",
  "DedupeStore", "VerifyRequestOptions", "DedupeOptions", "VerifiedRequest", "RequestLike"];
writeFileSync(join(pkg, "receiver.d.ts"), `// hookline/receiver: the receiver's part of the main entry's API (see index.d.ts).
export { Webhook, Verifier, verify, verifyWebhook, verifyRequest, wasmMemoryBytes, HooklineError, WebhookVerificationError } from "./index.js";
export type { ${receiverTypes.join(", ")} } from "./index.js";
`);
const pkgJson = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
pkgJson.version = /^version = "([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))[1];
writeFileSync(join(pkg, "package.json"), JSON.stringify(pkgJson, null, 2) + "\n");
const dts = readFileSync(join(full.dir, "hookline.d.ts"), "utf8").replace(/^\/\* tslint:disable \*\/\n\/\* eslint-disable \*\/\n/, "");
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
