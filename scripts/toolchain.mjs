// The Rust side of a fresh machine: the wasm32 target, clippy and rustfmt, and the wasm-bindgen
// CLI pinned to the crate version in Cargo.lock. Each is installed only when missing, so a warm
// machine pays for one `rustup` listing and one `wasm-bindgen --version`.
//
// Used by scripts/build.mjs and, before its first cargo gate, by scripts/test.mjs: `npm test`
// must not depend on anything installed before it (issue 19). Run alone: `node scripts/toolchain.mjs`.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
  return r;
}

/** The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly). */
export function wasmBindgenVersion() {
  if (!existsSync(join(root, "Cargo.lock"))) run("cargo", ["generate-lockfile"]);
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  const version = /\[\[package\]\]\nname = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1];
  if (!version) throw new Error("wasm-bindgen not found in Cargo.lock");
  return version;
}

export function ensureToolchain({ say = console.log } = {}) {
  if (!output("rustup", ["target", "list", "--installed"]).split("\n").includes("wasm32-unknown-unknown")) {
    say("adding the wasm32-unknown-unknown target");
    run("rustup", ["target", "add", "wasm32-unknown-unknown"]);
  }
  // The gates run clippy and rustfmt on the host and on wasm32; a minimal rustup profile lacks both.
  const components = output("rustup", ["component", "list", "--installed"]);
  const missing = ["clippy", "rustfmt"].filter((c) => !components.split("\n").some((l) => l.startsWith(`${c}-`)));
  if (missing.length) {
    say(`adding the rustup components ${missing.join(", ")}`);
    run("rustup", ["component", "add", ...missing]);
  }
  const wanted = wasmBindgenVersion();
  const installed = /wasm-bindgen (\S+)/.exec(output("wasm-bindgen", ["--version"]))?.[1];
  if (installed !== wanted) {
    say(`installing wasm-bindgen-cli ${wanted} (found ${installed ?? "none"}); this takes a few minutes`);
    const args = ["install", "wasm-bindgen-cli", "--version", wanted, "--force"];
    // --locked reproduces the CLI's own lockfile; fall back when the registry lacks one of its pins.
    const locked = spawnSync("cargo", [...args, "--locked"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    if (locked.status !== 0) run("cargo", args);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) ensureToolchain();
