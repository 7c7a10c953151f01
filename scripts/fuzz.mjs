// npm run fuzz -- <seconds per target>: every cargo-fuzz target in fuzz/ for that long (default
// 30), on the host build of the core. Installs cargo-fuzz when missing; libFuzzer's unstable
// flags are enabled on the stable toolchain with RUSTC_BOOTSTRAP=1 (this machine has no nightly).
// Prints runs per target and exits non-zero on any crash, leak or timeout libFuzzer reports.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const seconds = Number(process.argv[2] ?? 30);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("usage: npm run fuzz -- <seconds per target>");
const CARGO_FUZZ_VERSION = "0.13.2";

let installed = "";
try {
  installed = execFileSync("cargo", ["fuzz", "--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
} catch {}
if (!installed.includes(CARGO_FUZZ_VERSION)) {
  console.log(`fuzz: installing cargo-fuzz ${CARGO_FUZZ_VERSION}`);
  const r = spawnSync("cargo", ["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"], { stdio: "inherit" });
  if (r.status !== 0) {
    const again = spawnSync("cargo", ["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION], { stdio: "inherit" });
    if (again.status !== 0) process.exit(1);
  }
}

const targets = [...readFileSync(join(root, "fuzz", "Cargo.toml"), "utf8").matchAll(/^name = "(\w+)"$/gm)].map((m) => m[1]).filter((t) => t !== "hookline-fuzz");
const env = { ...process.env, RUSTC_BOOTSTRAP: "1" };
const rows = [];
let failed = false;
for (const target of targets) {
  console.log(`\n== fuzz ${target} (${seconds} s)`);
  const r = spawnSync(
    "cargo",
    ["fuzz", "run", "--fuzz-dir", join(root, "fuzz"), "--sanitizer", "none", target, "--", `-max_total_time=${seconds}`, "-rss_limit_mb=2048", "-timeout=10", "-print_final_stats=1"],
    { cwd: root, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  const out = `${r.stdout}${r.stderr}`;
  const runs = Number(/stat::number_of_executed_units:\s*(\d+)/.exec(out)?.[1] ?? /Done (\d+) runs/.exec(out)?.[1] ?? 0);
  const crashed = r.status !== 0 || /==\d+== ERROR|panicked at|deadly signal|SUMMARY: libFuzzer/.test(out);
  if (crashed) {
    failed = true;
    console.log(out.split("\n").slice(-40).join("\n"));
  }
  rows.push({ target, runs, crashed });
  console.log(`${target}: ${runs} runs, ${crashed ? "CRASH (see fuzz/artifacts)" : "0 crashes"}`);
}
console.log(`\n| target | executions in ${seconds} s | crashes |\n|---|---|---|`);
for (const r of rows) console.log(`| ${r.target} | ${r.runs} | ${r.crashed ? "yes" : 0} |`);
const total = rows.reduce((n, r) => n + r.runs, 0);
console.log(`\n${total} executions in all`);
console.log(`fuzz: ${rows.length - rows.filter((r) => r.crashed).length} passed, ${rows.filter((r) => r.crashed).length} failed`);
process.exit(failed || rows.length === 0 ? 1 : 0);
