// Node ESM and Bun: `import` the installed package by name.
import { createHmac } from "node:crypto";
import * as hookline from "hookline";
import * as receiver from "hookline/receiver";
import { report } from "./report.mjs";
import { runSuite } from "./suite.mjs";
import vectors from "./vectors.mjs";

const runtime = globalThis.Bun ? "bun" : "node-esm";
const result = await runSuite(hookline, { vectors, runtime, createHmac, receiver });
report(result);
process.exitCode = result.failed || result.passed === 0 ? 1 : 0;
