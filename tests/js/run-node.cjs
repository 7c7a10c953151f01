// Node CommonJS: `require` the installed package by name; the suite itself is ESM.
const hookline = require("hookline");
const receiver = require("hookline/receiver");
const { createHmac } = require("node:crypto");

(async () => {
  if (typeof hookline.verify !== "function") throw new Error("require('hookline') gave no verify()");
  const { runSuite } = await import("./suite.mjs");
  const { report } = await import("./report.mjs");
  const { default: vectors } = await import("./vectors.mjs");
  const result = await runSuite(hookline, { vectors, runtime: "node-cjs", createHmac, receiver });
  report(result);
  process.exitCode = result.failed || result.passed === 0 ? 1 : 0;
})();
