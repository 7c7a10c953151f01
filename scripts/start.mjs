// npm start: build the package, then serve the workbench (www/) on 127.0.0.1 with pkg/ as its
// package and a `hookline listen` receiver for the live panel. Prints the URL; Ctrl-C stops
// everything. `npm start -- --port 9000` picks the port (0: any free one).
// The one-shot receiver demo that used to run here is scripts/demo.mjs.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const build = spawnSync("node", [join(root, "scripts", "build.mjs"), "--quiet"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = spawn(process.execPath, [join(root, "scripts", "workbench.mjs"), "--pkg", join(root, "pkg"), ...process.argv.slice(2)], { stdio: "inherit" });
// Ctrl-C reaches the whole foreground group; a SIGTERM to this process only is passed on.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
