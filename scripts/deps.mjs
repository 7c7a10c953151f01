// Runs before npm start, npm test and the benchmarks (their `pre` scripts): on a fresh clone, or
// after package-lock.json changed, it installs the npm packages the build and tests use, with the
// same `npm install` that .ci/run runs. Otherwise it does nothing.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// npm writes this file on every install: it is the record of what node_modules holds.
const installed = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log("installing the npm packages (node_modules is missing or older than package-lock.json)");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
