// The Debian packages the tests drive: Chromium (the browser steps and the workbench) and
// PostgreSQL (the store contract, `hookline serve`, the outbox bench). A fresh machine has
// neither. Where this user may install (root, or `sudo -n`), they are installed here with apt
// (`apt-get update` once, then `apt-get install -y`); otherwise the run stops at once with the
// exact command to type. Used by scripts/test.mjs before any step and by the outbox bench.
// Run alone: `node scripts/system.mjs [chromium] [postgresql]`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const CHROMIUM = "/usr/bin/chromium";

/** The newest `initdb` of Debian's postgresql packages, or null. */
export function postgresBin() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(`${base}/${v}/bin/initdb`) && existsSync(`${base}/${v}/bin/pg_ctl`))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? `${base}/${versions[0]}/bin` : null;
}

const present = {
  chromium: () => existsSync(CHROMIUM),
  postgresql: () => postgresBin() !== null,
};

/** How this user may run apt-get: as itself (root), through `sudo -n`, or not at all. */
function aptRunner() {
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync("sudo", ["-n", "true"], { stdio: "ignore" });
  return sudo.status === 0 ? ["sudo", "-n"] : null;
}

/** A failure that says exactly what to type. */
export class MissingPackages extends Error {
  constructor(missing, command) {
    super(`${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} needed and cannot be installed by this user; run:\n  ${command}\nthen run the command again`);
    this.missing = missing;
    this.command = command;
  }
}

/**
 * Make sure `names` (of "chromium", "postgresql") are installed: installs the missing ones with
 * apt where this user may, else throws MissingPackages naming the command.
 */
export function ensureSystemPackages(names, { say = console.log } = {}) {
  const missing = names.filter((n) => !present[n]());
  if (missing.length === 0) return [];
  const command = `sudo apt-get update && sudo apt-get install -y ${missing.join(" ")}`;
  const runner = aptRunner();
  if (runner === null || !existsSync("/usr/bin/apt-get")) throw new MissingPackages(missing, command);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) => {
    const [cmd, ...rest] = runner.length ? [...runner, "apt-get", ...args] : ["apt-get", ...args];
    const r = spawnSync(cmd, rest, { stdio: ["ignore", "inherit", "inherit"], env });
    if (r.status !== 0) throw new Error(`${cmd} ${rest.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}); install by hand: ${command}`);
  };
  say(`installing the Debian packages ${missing.join(", ")} (apt-get update, then apt-get install -y)`);
  apt(["update", "-qq"]);
  apt(["install", "-y", "-qq", ...missing]);
  const still = missing.filter((n) => !present[n]());
  if (still.length) throw new Error(`apt-get installed ${missing.join(", ")} but ${still.join(", ")} is still missing; install by hand: ${command}`);
  return missing;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ["chromium", "postgresql"];
  try {
    ensureSystemPackages(wanted);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
