// Chromium through a bundler: esbuild resolves "hookline" with the browser condition.
import * as hookline from "hookline";
import * as receiver from "hookline/receiver";
import { runSuite } from "./suite.mjs";
import vectors from "./vectors.mjs";

const result = await runSuite(hookline, { vectors, runtime: "chromium-bundled", receiver });
document.getElementById("out").textContent = JSON.stringify(result, null, 2);
window.__result = result;
