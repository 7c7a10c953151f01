// Node ESM and Bun: `import` the installed package by name.
import { readFileSync } from "node:fs";
import * as hookline from "hookline";
import { report } from "./report.mjs";
import { runSuite } from "./suite.mjs";

const vectors = {
  "standard-webhooks": JSON.parse(readFileSync(new URL("./vectors/standard-webhooks.json", import.meta.url), "utf8")),
};
const runtime = globalThis.Bun ? "bun" : "node-esm";
const result = await runSuite(hookline, { vectors, runtime });
report(result);
process.exitCode = result.failed || result.passed === 0 ? 1 : 0;
