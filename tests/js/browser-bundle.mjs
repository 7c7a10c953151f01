// Chromium through a bundler: esbuild resolves "hookline" with the browser condition.
import * as hookline from "hookline";
import sw from "./vectors/standard-webhooks.json";
import { runSuite } from "./suite.mjs";

const result = await runSuite(hookline, { vectors: { "standard-webhooks": sw }, runtime: "chromium-bundled" });
document.getElementById("out").textContent = JSON.stringify(result, null, 2);
window.__result = result;
