// Runs tests/js/worker.mjs inside workerd through Miniflare, bundled two ways: by wrangler itself
// (`wrangler deploy --dry-run`, which imports the package's `workerd` entry and keeps the .wasm
// as a module), and by esbuild with the same conditions, as other Workers toolchains do. Each
// bundle's .wasm is handed to workerd as a CompiledWasm module.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const consumer = process.argv[2];
const { report } = await import(join(consumer, "report.mjs"));
let failed = 0;

async function runBundle(dir, runtime) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, "worker.js"),
    modulesRoot: dir,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-01-01",
  });
  try {
    const response = await mf.dispatchFetch(`http://127.0.0.1/?runtime=${runtime}`);
    const text = await response.text();
    let result;
    try {
      result = JSON.parse(text);
    } catch {
      throw new Error(`${runtime}: worker answered ${response.status}: ${text.slice(0, 500)}`);
    }
    report(result);
    failed += result.failed + (result.passed === 0 ? 1 : 0);
  } finally {
    await mf.dispose();
  }
}

// 1. wrangler's own bundle.
writeFileSync(join(consumer, "wrangler.toml"), 'name = "hookline-test"\nmain = "worker.mjs"\ncompatibility_date = "2025-01-01"\n');
const wranglerOut = join(consumer, "wrangler-dist");
const w = spawnSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", wranglerOut], {
  cwd: consumer,
  encoding: "utf8",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
});
if (w.status !== 0) {
  console.log(`  FAIL [workerd-wrangler] wrangler deploy --dry-run: ${w.stderr || w.stdout}`);
  failed++;
} else {
  await runBundle(wranglerOut, "workerd-wrangler");
}

// 2. An esbuild bundle with the conditions wrangler uses.
const esbuildOut = join(consumer, "worker-dist");
await esbuild.build({
  absWorkingDir: consumer,
  entryPoints: [join(consumer, "worker.mjs")],
  bundle: true,
  format: "esm",
  platform: "neutral",
  conditions: ["workerd", "worker", "browser"],
  loader: { ".wasm": "copy" },
  outdir: esbuildOut,
  logLevel: "warning",
});
await runBundle(esbuildOut, "workerd-esbuild");
process.exitCode = failed ? 1 : 0;
