// A throwaway PostgreSQL cluster from Debian's postgresql package, in a temp folder, listening on
// 127.0.0.1 at a free port, for tests and benchmarks: `const c = await startCluster(); ...;
// c.stop()`. `c.stopServer()` and `c.startServer()` take the server down and bring it back on
// the same port with the same data (an outage, for the tests of what survives one). As root, the
// server tools run as the postgres user (initdb refuses root).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function postgresBin() {
  const base = "/usr/lib/postgresql";
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error("no PostgreSQL under /usr/lib/postgresql: apt-get install postgresql");
  return join(base, versions[0], "bin");
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

export async function startCluster() {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), "hookline-pg-"));
  chmodSync(dir, 0o777);
  const asPostgres = (cmd, args) => {
    // initdb refuses root: as root, run the server tools as the postgres user.
    const full = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(full[0], full[1], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout || r.error?.message}`);
  };
  const data = join(dir, "data");
  asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const port = await freePort();
  const startServer = () => asPostgres("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  startServer();
  return {
    port,
    /** The server down (its clients disconnected), the data kept. */
    stopServer() {
      asPostgres("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    },
    /** The server up again on the same port and data. */
    startServer,
    stop() {
      try {
        asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

