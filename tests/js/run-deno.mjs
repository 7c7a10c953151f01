// Deno: the package through an `npm:` specifier and through a relative path to its Deno entry.
// Runs with no permissions at all: the loader needs none.
import { createHmac } from "node:crypto";
import * as viaNpm from "npm:hookline";
import * as viaPath from "./node_modules/hookline/deno.mjs";
import * as receiverViaNpm from "npm:hookline/receiver";
import * as receiverViaPath from "./node_modules/hookline/receiver-deno.mjs";
import { report } from "./report.mjs";
import { runSuite } from "./suite.mjs";
import vectors from "./vectors.mjs";

let failed = 0;
for (const [runtime, hookline, receiver] of [["deno-npm", viaNpm, receiverViaNpm], ["deno-relative", viaPath, receiverViaPath]]) {
  const result = await runSuite(hookline, { vectors, runtime, createHmac, receiver });
  report(result);
  failed += result.failed + (result.passed === 0 ? 1 : 0);
}
Deno.exitCode = failed ? 1 : 0;
