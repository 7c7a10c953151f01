// Runs tests/js/worker.mjs inside workerd through Miniflare. The worker is bundled the way wrangler
// bundles (esbuild, `workerd`/`worker`/`browser` conditions, the .wasm kept as a module of its own)
// and the .wasm is handed to workerd as a CompiledWasm module.
import { join } from "node:path";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";

const consumer = process.argv[2];
const out = join(consumer, "worker-dist");
await esbuild.build({
  absWorkingDir: consumer,
  entryPoints: [join(consumer, "worker.mjs")],
  bundle: true,
  format: "esm",
  platform: "neutral",
  conditions: ["workerd", "worker", "browser"],
  loader: { ".wasm": "copy", ".json": "json" },
  outdir: out,
  logLevel: "warning",
});

const mf = new Miniflare({
  modules: true,
  scriptPath: join(out, "worker.js"),
  modulesRoot: out,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2025-01-01",
});
try {
  const response = await mf.dispatchFetch("http://127.0.0.1/");
  const text = await response.text();
  let result;
  try {
    result = JSON.parse(text);
  } catch {
    throw new Error(`worker answered ${response.status}: ${text.slice(0, 500)}`);
  }
  const { report } = await import(join(consumer, "report.mjs"));
  report(result);
  process.exitCode = result.failed || result.passed === 0 ? 1 : 0;
} finally {
  await mf.dispose();
}
