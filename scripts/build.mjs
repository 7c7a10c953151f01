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

// 3. The sender's release wasm (lto, codegen-units = 1, opt-level 3: see Cargo.toml), then the
//    receiver's three builds from abi/ (a raw ABI, no wasm-bindgen, no std), which every entry
//    verifies on: the HMAC schemes, with ed25519, and with the providers' SHA-1 and ECDSA P-256
//    schemes (the last two loaded on demand).
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
const receiverBuilds = [
  ["receiver", "receiver", []],
  ["receiver_ed", "receiver-ed", ["--features", "ed25519"]],
  ["receiver_providers", "receiver-providers", ["--features", "providers"]],
];
for (const [name, profile, features] of receiverBuilds) {
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
//    exports, createDispatcher (pkg-template/lib/dispatcher.js), `memoryBytes` and the default
//    `instantiate`, which a loader calls once, the first time a sender API is used.
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
  const paths = { snippet: rel(snippet), wasm: rel(lib("wasm.js")), dispatcher: rel(lib("dispatcher.js")) };
  writeFileSync(join(dir, "api.js"), apiSource({ name, publicNames, importModules, paths }));
  return { dir, api: join(dir, "api.js"), publicNames, snippet, rel };
}

// lib/wasm.js holds, as live bindings, the wasm exports the sender's delivery edge (dispatcher.js)
// calls; each must be one the glue has.
for (const binding of Object.keys(await import(pathToFileURL(lib("wasm.js")).href))) {
  if (binding !== "bind" && !full.publicNames.includes(binding)) throw new Error(`pkg-template/lib/wasm.js binds ${binding}, which the wasm does not export`);
}
// lib/main.js names the sender's exports, which load the sender's build when first used: they
// must be the build's exports (and createDispatcher), no more and no fewer.
const receiverNames = Object.keys(await import(pathToFileURL(lib("receiver.js")).href)).filter((n) => n !== "default");
const mainNames = Object.keys(await import(pathToFileURL(lib("main.js")).href)).filter((n) => n !== "default");
{
  const listed = mainNames.filter((n) => !receiverNames.includes(n) && n !== "SenderError");
  const built = [...full.publicNames, "createDispatcher"];
  const missing = built.filter((n) => !listed.includes(n));
  const extra = listed.filter((n) => !built.includes(n) && n !== "wasmMemoryBytes");
  if (missing.length || extra.length) {
    throw new Error(`pkg-template/lib/main.js and the sender's build disagree: ${missing.length ? `not listed: ${missing.join(", ")}` : ""}${extra.length ? ` not built: ${extra.join(", ")}` : ""}`);
  }
}
function apiSource({ name, publicNames, importModules, paths }) {
  const importLines = importModules.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join("\n");
  const importObject = importModules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(", ");
  return `import * as bg from "./${name}_bg.js";
${importLines}
export { ${publicNames.join(", ")} } from "./${name}_bg.js";
export { createDispatcher } from "${paths.dispatcher}";
import { setHostHmac } from "${paths.snippet}";
import { bind } from "${paths.wasm}";

let memory = null;

/** The bytes of this build's WebAssembly memory. */
export function memoryBytes() {
  return memory === null ? 0 : memory.buffer.byteLength;
}

// The default export, which the entries' \`export *\` never passes on: the runtime loaders call
// it once, the first time a sender API is used, with the compiled module and, where the platform
// has one, its HMAC-SHA256. Nothing else can install a host HMAC (it would see the keys) or
// instantiate again.
export default function instantiate(module, hostHmac) {
  if (memory !== null) throw new Error("hookline: the sender's wasm instance is already set up");
  const instance = new WebAssembly.Instance(module, { ${importObject} });
  memory = instance.exports.memory;
  bg.__wbg_set_wasm(guarded(instance.exports));
  instance.exports.__wbindgen_start();
  setHostHmac(hostHmac);
  bind(bg);
}

// A safety net under the boundary: the glue reads the caller's values (options, bodies) through
// functions that catch what they throw, but should a caller's exception still unwind through
// wasm frames, their epilogues never run and the shadow stack pointer stays where they left it;
// a few hundred such calls and the instance is corrupt for good. Every export is called with the
// pointer noted and, on a throw, put back, so the instance stays usable.
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
// - Node and Bun: node.cjs holds the receiver, the error classes and the sender's stand-ins; the
//   other Node entries take them from it (receiver.cjs, errors.cjs and the ESM entries
//   node.mjs and receiver-node.mjs, which require it, so import and require share one instance:
//   an import of a CommonJS file would start Node's export lexer, about 4 ms of a cold start).
//   The sender's glue, sender.cjs, is required when a sender API is first used and takes the
//   error classes from errors.cjs.
// - Deno, workerd and browsers: ES modules. errors.mjs holds the classes; receiver-glue.mjs the
//   receiver; main-glue.mjs the main entry's names (the receiver's from receiver-glue.mjs);
//   glue.mjs the sender's glue.
// - wasm-bindgen's copy of src/wasm/edge.js (a snippet, which the glue and the wasm name): the
//   original, whose relative imports resolve from where it lies.
// `swaps`: files bundled in place of others (Node's stand-in for the message table).
const external = (rules, swaps = []) => {
  const byPath = new Map([
    [full.snippet, { path: join(root, "src", "wasm", "edge.js") }],
    ...swaps.map(([from, path]) => [from, { path }]),
    ...rules.map(([from, path]) => [from, { path, external: true }]),
  ]);
  const again = {};
  return {
    name: "hookline-externals",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, async ({ path, kind, importer, resolveDir, pluginData }) => {
        if (pluginData === again) return undefined;
        const resolved = await b.resolve(path, { kind, importer, resolveDir, pluginData: again });
        return byPath.get(resolved.path);
      });
    },
  };
};
const common = { bundle: true, logLevel: "warning", legalComments: "none", target: "es2022" };
// What a receiver loads is minified (names kept, so classes and stack frames read as in the
// source; a linked source map beside each file gives the source's lines back): a receiver pays for
// every byte it loads (issue 30's budget), a sender's and the store's files stay as written.
const lean = { minify: true, keepNames: true, sourcemap: "linked", sourcesContent: false };
const bundle = (entry, outfile, format, rules = [], extra = {}, swaps = []) =>
  esbuild.build({ ...common, ...extra, entryPoints: [entry], outfile: join(pkg, outfile), format, plugins: [external(rules, swaps)], ...(format === "cjs" ? { platform: "node" } : {}) });
const esmErrors = [lib("errors.js"), "./errors.mjs"];
await Promise.all([
  // node.cjs requires the message table (messages.cjs) the first time it writes an error.
  bundle(loader("node.js"), "node.cjs", "cjs", [], lean, [[lib("message-text.js"), loader("node-message-text.js")]]),
  bundle(lib("message-text.js"), "messages.cjs", "cjs", [], lean),
  bundle(full.api, "sender.cjs", "cjs", [[lib("errors.js"), "./errors.cjs"]]),
  bundle(lib("errors.js"), "errors.mjs", "esm", [], lean),
  bundle(lib("receiver.js"), "receiver-glue.mjs", "esm", [esmErrors], lean),
  bundle(lib("main.js"), "main-glue.mjs", "esm", [esmErrors, [lib("receiver.js"), "./receiver-glue.mjs"]], lean),
  bundle(full.api, "glue.mjs", "esm", [esmErrors]),
]);
// The Node entries besides node.cjs: what they take from it, by name (as `exports.x = ...`
// assignments, which Node's CommonJS lexer finds when an ES module imports the file).
const pick = (names) => names.map((n) => `exports.${n} = m.${n};`).join("\n");
const errorNames = ["HooklineError", "SenderError", "WebhookVerificationError"];
writeFileSync(join(pkg, "receiver.cjs"), `// hookline/receiver by require: the receiver's names of node.cjs (one instance per process).
const m = require("./node.cjs");
${pick(receiverNames)}
`);
writeFileSync(join(pkg, "errors.cjs"), `// hookline/errors in Node and Bun: node.cjs's error classes, the ones every entry throws.
const m = require("./node.cjs");
${pick(errorNames)}
`);
const esmWrapper = (what, names) => `// ${what} by import in Node and Bun: node.cjs, required (an import of a CommonJS file would start
// Node's export lexer), so import and require share one instance.
import { createRequire } from "node:module";

const m = createRequire(import.meta.url)("./node.cjs");
export const { ${names.join(", ")} } = m;
`;
writeFileSync(join(pkg, "node.mjs"), esmWrapper("hookline", mainNames));
writeFileSync(join(pkg, "receiver-node.mjs"), esmWrapper("hookline/receiver", receiverNames));
// Each build's bytes as a module to require: Node and Bun load every build from these (no node:fs,
// whose first use costs Bun 2 to 3 ms); Deno the ed25519 and the sender's builds, on demand (a
// require needs no read permission; a source-phase import would compile them at import).
for (const [wasmName, out] of [...receiverBuilds.map(([name]) => [`${name}_bg.wasm`, `${name}_bytes.cjs`]), ["hookline_bg.wasm", "hookline_bytes.cjs"]]) {
  writeFileSync(join(pkg, out), `// ${wasmName}, base64.\nmodule.exports = ${JSON.stringify(readFileSync(join(pkg, wasmName)).toString("base64"))};\n`);
}
const publicNames = mainNames;

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
// hookline/metrics: the store's metrics in the Prometheus text format through prom-client, an
// optional peer dependency that only this entry imports.
await esbuild.build({ ...common, entryPoints: [lib("prometheus.js")], outfile: join(pkg, "metrics.mjs"), format: "esm", external: ["hookline", "hookline/errors", "prom-client"] });
for (const f of ["store.d.ts", "dedupe.d.ts", "errors.d.ts", "metrics.d.ts"]) cpSync(join(root, "pkg-template", f), join(pkg, f));
// The management API's OpenAPI document (also inlined into store.mjs, which serves it) and the
// customers' portal that `hookline serve` hosts at /portal/.
cpSync(join(root, "pkg-template", "openapi.json"), join(pkg, "openapi.json"));
cpSync(join(root, "pkg-template", "portal"), join(pkg, "portal"), { recursive: true });
// hookline/middleware: its own entry too (Express, Hono and Fetch-handler receivers).
cpSync(join(root, "pkg-template", "lib", "middleware.js"), join(pkg, "middleware.mjs"));
cpSync(join(root, "pkg-template", "middleware.d.ts"), join(pkg, "middleware.d.ts"));
cpSync(join(root, "README.md"), join(pkg, "README.md"));
// docs/ beside it, so the README's links into docs/ work in node_modules/hookline too (the docs'
// links into examples/, src/ or tests/ lead to the repository, as the README's always have).
cpSync(join(root, "docs"), join(pkg, "docs"), { recursive: true });
mkdirSync(join(pkg, "bin"), { recursive: true });
for (const f of ["hookline.mjs", "serve.mjs", "conformance.mjs"]) cpSync(join(root, "pkg-template", "bin", f), join(pkg, "bin", f));
// hookline/vectors: the conformance vectors, the same file the JS suite runs hookline against
// (without its indentation: 111 KB -> 84 KB).
writeFileSync(join(pkg, "vectors.json"), JSON.stringify(JSON.parse(readFileSync(join(root, "tests", "vectors", "conformance.json"), "utf8"))));
for (const f of ["vectors.d.ts", "vectors.d.cts"]) cpSync(join(root, "pkg-template", f), join(pkg, f));
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
