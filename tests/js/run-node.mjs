// Node ESM and Bun: `import` the installed package by name.
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import * as hookline from "hookline";
import * as receiver from "hookline/receiver";
import { report } from "./report.mjs";
import { runSuite } from "./suite.mjs";
import vectors from "./vectors.mjs";

const runtime = globalThis.Bun ? "bun" : "node-esm";
// The same entry through require as well: one process may hold both (an ESM app, a CommonJS
// dependency), and they must agree on error classes and share the ed25519 build.
const required = createRequire(import.meta.url)("hookline/receiver");
const result = await runSuite(hookline, { vectors, runtime, createHmac, receiver, required });
report(result);
process.exitCode = result.failed || result.passed === 0 ? 1 : 0;
