// `hookline serve`: the management API and the delivery worker in one process, on PostgreSQL or
// PGlite. I/O only: it opens the database, checks the keys, serves, runs the worker and stops
// cleanly; the store and the core decide everything else. Faults are reported, never fatal
// once it runs: a lost database connection is logged, retried, and shown by GET /health.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

/** A PGlite directory is one process's: a pid file in it says whose, and a live one refuses another. */
function lockDirectory(dir, fail) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "hookline-serve.pid");
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      const release = () => {
        try {
          if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (e) {
      if (e.code !== "EEXIST") throw fail(`cannot lock the PGlite directory ${dir}: ${e.code}`);
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw fail(`another process (pid ${pid}) is serving from the PGlite directory ${dir}; PGlite is one process's database: stop it, or use PostgreSQL to run several`);
      }
      // Left by a process that died: taken over.
      unlinkSync(file);
    }
  }
  throw fail(`cannot lock the PGlite directory ${dir}`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

async function openDatabase(target, fail, say) {
  if (/^postgres(ql)?:\/\//.test(target)) {
    const pg = await import("pg").catch(() => null);
    if (!pg) throw fail('--db is a PostgreSQL URL: install the "pg" package beside hookline');
    const pool = new (pg.default ?? pg).Pool({ connectionString: target, max: 10, connectionTimeoutMillis: 10_000 });
    // An idle connection the server ends (a failover, pg_terminate_backend, a restart) is an
    // event here, not a crash: the pool makes new ones, and the worker's claims say when the
    // database is back.
    let quietUntil = 0;
    pool.on("error", (e) => {
      if (Date.now() < quietUntil) return;
      quietUntil = Date.now() + 5_000;
      say(`hookline serve: database connection lost (${e?.code ?? "error"}); reconnecting as needed`);
    });
    return { db: pool, close: () => pool.end() };
  }
  const lite = await import("@electric-sql/pglite").catch(() => null);
  if (!lite) throw fail('--db is a directory: install the "@electric-sql/pglite" package beside hookline');
  const release = lockDirectory(target, fail);
  const db = new lite.PGlite(target);
  await db.waitReady;
  return {
    db,
    close: async () => {
      await db.close();
      release();
    },
  };
}

/**
 * Run serve with the parsed settings: `db`, `port`, `host`, `retry`, `leaseMs`, `graceMs`,
 * `maxBlockMs` (an ordered key's failing head), `allow`, `maxEndpoints`, `token`, `encryptionKey`. `fail(message)` makes the one-line error
 * the CLI prints.
 */
export async function serve(hookline, settings, fail) {
  const say = (line) => console.error(line);
  const { db, close } = await openDatabase(settings.db, fail, say);
  let closed = false;
  const shut = async () => {
    if (closed) return;
    closed = true;
    await close().catch(() => {});
  };
  let store;
  let applied;
  try {
    const { createStore } = await import("hookline/store");
    store = await createStore({ db, encryptionKey: settings.encryptionKey, ssrf: { allow: settings.allow }, maxEndpointsPerOwner: settings.maxEndpoints, graceMs: settings.graceMs });
    applied = await store.migrate();
  } catch (e) {
    await shut();
    if (e?.code === "keys_unavailable") throw fail(`HOOKLINE_ENCRYPTION_KEY: ${e.message}`);
    if (e?.code === "database_unavailable") throw fail(`cannot use the database: ${e.cause?.code ?? e.cause?.message ?? "unreachable"}`);
    throw e;
  }
  for (const [keyId, count] of Object.entries(store.keyReport?.missing ?? {})) {
    say(`hookline serve: warning: ${count} endpoint secret(s) are sealed with key ${JSON.stringify(keyId)}, which HOOKLINE_ENCRYPTION_KEY does not hold: their deliveries will fail with keys_unavailable until it is added`);
  }
  const { createManagementApi, nodeListener } = await import("hookline/store");
  // An attempt must end well inside its lease, or a second worker could take the delivery.
  const timeoutMs = Math.min(15_000, Math.floor(settings.leaseMs / 2));
  const ordering = settings.maxBlockMs === undefined ? undefined : { maxBlockMs: settings.maxBlockMs };
  const dispatcher = hookline.createDispatcher({ retries: "none", retry: settings.retry, resolveKeys: store.keysFor, ssrf: { allow: settings.allow }, concurrency: 32, timeoutMs, userAgent: "hookline-serve", ordering });
  const worker = store.startWorker(dispatcher, {
    concurrency: 32,
    leaseMs: settings.leaseMs,
    onError: (e) => say(`hookline serve: database unavailable (${e?.cause?.code ?? e?.code ?? "error"}); the worker retries with backoff`),
    onRecover: () => say("hookline serve: database reachable again; the worker goes on"),
  });
  const api = createManagementApi({ store, token: settings.token, onError: (message) => say(message) });
  const handler = async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/health" && request.method === "GET") {
      // Readiness: 200 while the worker reaches the database, 503 while it cannot.
      const status = worker.status();
      const ready = status.running && status.database === "ok";
      return new Response(JSON.stringify({ status: ready ? "ok" : "unavailable", worker: status }), { status: ready ? 200 : 503, headers: { "content-type": "application/json" } });
    }
    return api(request);
  };
  const server = createServer(nodeListener(handler));
  try {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(settings.port, settings.host, resolve);
    });
  } catch (e) {
    await worker.stop();
    await shut();
    if (e?.code === "EADDRINUSE") throw fail(`port ${settings.port} on ${settings.host} is in use: pick another with --port (0 for any free port)`);
    throw fail(`cannot listen on ${settings.host}:${settings.port}: ${e?.code ?? e?.message}`);
  }
  const shown = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  console.log(`hookline serve: API on http://${shown}:${server.address().port}/v1/tenants/{tenant}/, worker running${applied.length ? ` (migrations applied: ${applied.join(", ")})` : ""}`);
  await new Promise((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, resolve);
  });
  // Drain: no new claims or requests; the attempts in flight finish and are recorded.
  server.close();
  server.closeAllConnections?.();
  await worker.stop();
  await shut();
  console.log("hookline serve: stopped");
}

