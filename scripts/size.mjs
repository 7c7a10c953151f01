// The size check in npm test: what each entry point loads (wasm and glue), raw and gzipped,
// against two numbers per entry in bench/size-budget.json:
//   limit  - the ceiling: above it the check fails (a regression guard, set a little above the
//            size of the day so growth is a decision, not an accident);
//   target - where the package should get to (issue 7); reported as met or not, never hidden.
// Usage: node scripts/size.mjs <package dir>
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = process.argv[2] ?? join(root, "pkg");
const budget = JSON.parse(readFileSync(join(root, "bench", "size-budget.json"), "utf8"));
// KB = 1000 bytes, as in bench/results.md and docs/performance.md.
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

let passed = 0;
let failed = 0;
console.log("| entry | files | raw | gzip | limit (gzip) | target (gzip) |");
console.log("|---|---|---:|---:|---:|---:|");
for (const [name, entry] of Object.entries(budget.entries)) {
  const bytes = entry.files.map((f) => readFileSync(join(pkg, f)));
  const raw = bytes.reduce((n, b) => n + b.length, 0);
  const gz = bytes.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
  const within = gz <= entry.limitGzipBytes;
  const onTarget = gz <= entry.targetGzipBytes;
  console.log(`| ${name} | ${entry.files.join(" + ")} | ${kb(raw)} | ${kb(gz)} | ${kb(entry.limitGzipBytes)} ${within ? "ok" : "EXCEEDED"} | ${kb(entry.targetGzipBytes)} ${onTarget ? "met" : "not met"} |`);
  if (within) passed++;
  else {
    failed++;
    console.log(`  FAIL [size] ${name}: ${gz} bytes gzipped is over its limit of ${entry.limitGzipBytes}`);
  }
}
console.log(`[size] ${passed} passed, ${failed} failed`);
console.log(`@@RESULT ${JSON.stringify({ runtime: "size", passed, failed })}`);
process.exitCode = failed ? 1 : 0;
