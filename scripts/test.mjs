// npm test: Rust gates and tests on the host, then the packed tarball installed into a throwaway
// consumer and the same JS suite run in Node ESM, Node CJS, Deno, Bun, workerd and Chromium, plus
// the cross-checks against peer libraries and the providers' own SDKs (Node). Ends with one
// "N passed, M failed" line; exits non-zero on any failure or on any runtime that did not report.
//
// `npm test -- deno bun` runs only the steps whose title holds one of the words (any case), after
// the build, pack and install they need: for a quick loop while working on one runtime. CI and
// the README's command run everything.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSystemPackages } from "./system.mjs";
import { ensureToolchain } from "./toolchain.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, ".test-work");
const consumer = join(work, "consumer");
const bin = (name) => join(root, "node_modules", ".bin", name);
const results = [];
const problems = [];
const only = process.argv.slice(2).map((w) => w.toLowerCase());
const wanted = (title) => only.length === 0 || only.some((w) => title.toLowerCase().includes(w));
let skipped = 0;

/** One step; `needed` steps (build, pack, install) run whatever the filter says. */
function step(title, cmd, args, opts = {}, needed = false) {
  if (!needed && !wanted(title)) {
    skipped++;
    return { ok: false, out: "" };
  }
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  process.stdout.write(out.split("\n").filter((l) => !l.startsWith("@@RESULT ")).join("\n"));
  for (const m of out.matchAll(/^@@RESULT (.*)$/gm)) results.push(JSON.parse(m[1]));
  if (r.status !== 0) problems.push(`${title}: exit ${r.status ?? r.error?.message}`);
  return { ok: r.status === 0, out };
}

// 0. What a fresh machine lacks, before any step uses it: Debian's Chromium and PostgreSQL (for
//    the steps this run will take; installed with apt where this user may, else the run stops
//    here with the command to type), then the wasm32 target, clippy/rustfmt and the
//    wasm-bindgen CLI. The npm packages were installed by `pretest` (scripts/deps.mjs).
console.log("\n== Debian packages and toolchain (installs what is missing)");
try {
  const packages = [];
  if (["Chromium", "Workbench", "Examples", "Portal"].some((t) => wanted(t))) packages.push("chromium");
  if (["Store", "PostgreSQL", "serve"].some((t) => wanted(t))) packages.push("postgresql");
  ensureSystemPackages(packages);
  ensureToolchain();
} catch (e) {
  problems.push(`set-up: ${e.message}`);
  finish();
}

// Every import in the JS source is a relative path to a file in the repository, a node: built-in
// or a package pkg-template/package.json names (STYLE.md, practice 14).
step("Imports in the JS source resolve to files in the repository", "node", [join(root, "scripts", "imports.mjs")]);

// 1. Rust: formatting, lints on host and wasm32, unit tests and vectors.
step("cargo fmt --check", "cargo", ["fmt", "--check"]);
step("cargo clippy (host)", "cargo", ["clippy", "--all-targets", "--", "-D", "warnings"]);
step("cargo clippy (wasm32)", "cargo", ["clippy", "--target", "wasm32-unknown-unknown", "--lib", "--", "-D", "warnings"]);
// The receiver's builds: abi/ over the core without std or the sender, with and without ed25519.
step("cargo clippy (wasm32, receiver ABI)", "cargo", ["clippy", "-p", "hookline-abi", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"]);
step("cargo clippy (wasm32, receiver ABI with ed25519)", "cargo", ["clippy", "-p", "hookline-abi", "--target", "wasm32-unknown-unknown", "--features", "ed25519", "--", "-D", "warnings"]);
step("cargo clippy (host, receiver build)", "cargo", ["clippy", "--all-targets", "--no-default-features", "--", "-D", "warnings"]);
const cargo = step("cargo test", "cargo", ["test"]);
const cargoReceiver = step("cargo test --no-default-features (the HMAC receiver build)", "cargo", ["test", "--no-default-features"]);
for (const m of (cargo.out + cargoReceiver.out).matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
  const last = results.find((r) => r.runtime === "rust");
  if (last) {
    last.passed += Number(m[1]);
    last.failed += Number(m[2]);
  } else results.push({ runtime: "rust", passed: Number(m[1]), failed: Number(m[2]) });
}

// 2. Build pkg/ and pack it as users get it.
if (!step("npm run build", "node", [join(root, "scripts", "build.mjs"), "--quiet"], {}, true).ok) finish();
// Sizes against bench/size-budget.json: fails past a limit, reports the targets.
step("Size budget (wasm + glue per entry, gzipped)", "node", [join(root, "scripts", "size.mjs"), join(root, "pkg")]);
rmSync(work, { recursive: true, force: true });
mkdirSync(consumer, { recursive: true });
const packed = step("npm pack pkg/", "npm", ["pack", join(root, "pkg"), "--pack-destination", work, "--silent"], {}, true);
const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
if (!packed.ok || !tarball) finish();

// 3. A consumer with nothing but the tarball installed; the tests and vectors copied beside it.
writeFileSync(
  join(consumer, "package.json"),
  JSON.stringify({ name: "hookline-consumer", private: true, dependencies: { hookline: `file:../${tarball}` } }, null, 2),
);
if (!step("npm install <tarball> into an empty folder", "npm", ["install", "--no-audit", "--no-fund", "--silent"], { cwd: consumer }, true).ok) finish();
cpSync(join(root, "tests", "js"), consumer, { recursive: true });
// hookline/middleware's tests import the framework examples from beside them (and Deno needs no read permission).
cpSync(join(root, "examples", "framework-receivers"), join(consumer, "examples", "framework-receivers"), { recursive: true });
// Every vector file as one ES module, so each runtime loads them the same way (no fs, no fetch).
const vectorDir = join(root, "tests", "vectors");
const vectors = { schemes: {}, providers: {} };
for (const f of readdirSync(vectorDir).filter((f) => f.endsWith(".json")).sort()) {
  vectors[f.replace(/\.json$/, "")] = JSON.parse(readFileSync(join(vectorDir, f), "utf8"));
}
for (const dir of ["schemes", "providers"]) {
  for (const f of readdirSync(join(vectorDir, dir)).filter((f) => f.endsWith(".json")).sort()) {
    vectors[dir][f.replace(/\.json$/, "")] = JSON.parse(readFileSync(join(vectorDir, dir, f), "utf8"));
  }
}
writeFileSync(join(consumer, "vectors.mjs"), `export default ${JSON.stringify(vectors)};\n`);

// 4. The same suite in every runtime.
const env = { ...process.env, DENO_DIR: join(work, "deno-cache"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
step("Node ESM (import)", "node", ["run-node.mjs"], { cwd: consumer });
step("Node CommonJS (require)", "node", ["run-node.cjs"], { cwd: consumer });
step("Deno (npm: and relative)", bin("deno"), ["run", "--quiet", "run-deno.mjs"], { cwd: consumer, env });
step("Bun", bin("bun"), ["run-node.mjs"], { cwd: consumer });
step("workerd (Miniflare: wrangler and esbuild bundles)", "node", [join(root, "scripts", "run-workerd.mjs"), consumer]);
step("Chromium (Playwright)", "node", [join(root, "scripts", "run-chromium.mjs"), consumer, join(root, "test-artifacts")]);
step("Workbench (www/) in Chromium: every panel, live delivery to hookline listen", "node", ["workbench.mjs", root, join(root, "test-artifacts")], { cwd: consumer });
step("Portal (hookline serve /portal/) in Chromium: a tenant token's endpoints, log, payloads, redeliver, recover, phone widths", "node", ["portal.mjs", join(root, "test-artifacts")], { cwd: consumer });
step("Delivery over real sockets (Node)", "node", ["delivery.mjs"], { cwd: consumer });
step("Delivery over real sockets (Deno)", bin("deno"), ["run", "--quiet", "--allow-net=127.0.0.1", "--allow-env", "delivery.mjs"], { cwd: consumer, env });
step("Delivery over real sockets (Bun)", bin("bun"), ["delivery.mjs"], { cwd: consumer });
step("Endpoints that try to break delivery (Node)", "node", ["endpoints.mjs"], { cwd: consumer });
step("Endpoints that try to break delivery (Deno)", bin("deno"), ["run", "--quiet", "--allow-net=127.0.0.1", "--allow-env", "endpoints.mjs"], { cwd: consumer, env });
step("Endpoints that try to break delivery (Bun)", bin("bun"), ["endpoints.mjs"], { cwd: consumer });
step("hookline/middleware (Node): Express over sockets, Hono and withWebhook", "node", ["middleware.mjs"], { cwd: consumer });
step("hookline/middleware (Deno): Hono and withWebhook on Deno.serve", bin("deno"), ["run", "--quiet", "--allow-net=127.0.0.1", "--allow-env", "middleware.mjs"], { cwd: consumer, env });
step("hookline/middleware (Bun): Hono and withWebhook on Bun.serve", bin("bun"), ["middleware.mjs"], { cwd: consumer });
step("hookline/middleware (workerd, Miniflare): Hono and withWebhook", "node", ["middleware.mjs", "workerd"], { cwd: consumer });
step("Store contract on PGlite, D1 (Miniflare) and PostgreSQL (a throwaway cluster)", "node", ["store.mjs", join(root, "examples")], { cwd: consumer });
step("Worker sender template on D1, Queues and Cron (Miniflare)", "node", ["worker-sender.mjs", join(root, "examples")], { cwd: consumer });
step("Examples: Express, Deno.serve, Worker (wrangler + Miniflare), browser page, Node sender", "node", ["examples.mjs", root], { cwd: consumer, env });
step("README and docs/ examples = the example files; their links; the package ships them", "node", ["readme.mjs", root], { cwd: consumer });
writeFileSync(
  join(consumer, "tsconfig.json"),
  JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"] }, files: ["types/consumer.ts", "types/middleware.ts", "types/express.ts", "types/vectors.mts", "types/vectors-require.cts"] }),
);
cpSync(join(root, "tests", "types"), join(consumer, "types"), { recursive: true });
const tsc = step("tsc --strict on a consumer of every export", bin("tsc"), ["-p", consumer]);
step("JSDoc on every exported declaration of index.d.ts", "node", [join(root, "tests", "types", "jsdoc.mjs"), join(consumer, "node_modules", "hookline", "index.d.ts")]);
step("JSDoc on every exported declaration of middleware.d.ts", "node", [join(root, "tests", "types", "jsdoc.mjs"), join(consumer, "node_modules", "hookline", "middleware.d.ts")]);
step("JSDoc on every exported declaration of vectors.d.ts (hookline/vectors)", "node", [join(root, "tests", "types", "jsdoc.mjs"), join(consumer, "node_modules", "hookline", "vectors.d.ts")]);
if (tsc.ok) results.push({ runtime: "tsc-strict", passed: 1, failed: 0 });
step("CLI from the tarball on 127.0.0.1 (hookline listen/send/replay/sign/verify/secret/conformance)", "node", ["cli.mjs"], { cwd: consumer });
step("Memory: 1M verifies, 100k objects (node --expose-gc)", "node", ["--expose-gc", "memory.mjs"], { cwd: consumer });
step("Peer cross-checks (standardwebhooks, svix, stripe, octokit, node:crypto ed25519)", "node", ["peers.mjs"], { cwd: consumer });
step("Provider SDK cross-checks (twilio, sendgrid, square, paddle, hubspot)", "node", ["provider-sdks.mjs"], { cwd: consumer });
finish();

function finish() {
  const expected = ["rust", "node-esm", "node-cjs", "deno-npm", "deno-relative", "bun", "workerd-wrangler", "workerd-esbuild", "chromium-importmap", "chromium-bundled", "chromium-workbench", "chromium-portal", "node-peers", "node-provider-sdks", "node-delivery", "deno-delivery", "bun-delivery", "node-endpoints", "deno-endpoints", "bun-endpoints", "node-store-pglite", "node-store-d1", "node-store-postgresql", "workerd-sender", "examples", "readme", "tsc-strict", "node-cli", "node-memory", "size", "imports", "dts-docs", "node-middleware", "deno-middleware", "bun-middleware", "workerd-middleware"];
  console.log("\n== Summary");
  for (const name of expected) {
    const r = results.find((x) => x.runtime === name);
    // A filtered run (npm test -- words) reports what it ran only.
    if (!r && only.length) continue;
    if (!r) problems.push(`${name}: reported no results`);
    else if (r.passed === 0) problems.push(`${name}: ran no tests`);
    console.log(`  ${name.padEnd(20)} ${r ? `${r.passed} passed, ${r.failed} failed` : "DID NOT RUN"}`);
  }
  if (only.length && results.length === 0) problems.push(`no step's title holds "${only.join(" ")}"`);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  for (const p of problems) console.log(`  problem: ${p}`);
  if (only.length) console.log(`  filtered by "${only.join(" ")}": ${skipped} steps skipped (run \`npm test\` alone for all)`);
  console.log(`\ntotal: ${passed} passed, ${failed + problems.length} failed`);
  process.exit(failed || problems.length ? 1 : 0);
}
