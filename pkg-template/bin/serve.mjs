// `hookline serve`: the management API and the delivery worker in one process, on PostgreSQL or
// PGlite. I/O only: it opens the database, checks the keys, serves, runs the worker and stops
// cleanly; the store and the core decide everything else (GET /health answers the core's
// readiness verdict through store.health; GET /metrics is hookline/metrics'). Faults are
// reported, never fatal once it runs: a lost database connection is logged, retried, and shown
// by GET /health.
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
 * The customers' portal (the package's portal/ folder) at /portal/: two static files, read once.
 * Embeddable in a tenant's own pages (no frame restriction); it may talk to this origin only.
 */
function portalFiles() {
  const read = (name) => readFileSync(new URL(`../portal/${name}`, import.meta.url));
  const files = { "/portal/": [read("index.html"), "text/html; charset=utf-8"], "/portal/portal.mjs": [read("portal.mjs"), "text/javascript; charset=utf-8"] };
  const headers = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  };
  return (pathname, method) => {
    if (pathname === "/portal") return new Response(null, { status: 308, headers: { location: "/portal/" } });
    const file = files[pathname];
    if (!file) return new Response("not found", { status: 404, headers: { "content-type": "text/plain" } });
    if (method !== "GET" && method !== "HEAD") return new Response("use GET", { status: 405, headers: { "content-type": "text/plain", allow: "GET, HEAD" } });
    return new Response(file[0], { headers: { ...headers, "content-type": file[1] } });
  };
}

/**
 * Run serve with the parsed settings: `db`, `port`, `host`, `concurrency`, `retry`, `leaseMs`,
 * `graceMs`, `maxBlockMs` (how long an ordered key's head may keep failing), `allow`, `caps` (`{ default, tenants: Map }`), `operator` (`{ url, secret }` or
 * null), `token`, `encryptionKey`. `fail(message)` makes the one-line error the CLI prints.
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
    const { caps } = settings;
    store = await createStore({
      db,
      encryptionKey: settings.encryptionKey,
      ssrf: { allow: settings.allow },
      maxEndpointsPerOwner: caps.tenants.size ? (owner) => caps.tenants.get(owner) ?? caps.default : caps.default,
      graceMs: settings.graceMs,
      // Each operational event once, in the log (and to the operator's URL, through the outbox).
      onEndpointEvent: (e) => say(`hookline serve: ${e.type} ${e.endpointId} (tenant ${e.tenant})${e.percent ? `: ${e.percent} % of the failing window` : ""}${e.reason ? `: ${e.reason}` : ""}`),
    });
    applied = await store.migrate();
    if (settings.operator) await store.setOperatorEndpoint(settings.operator);
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
  // prom-client is an optional peer: without it /metrics says what to install.
  const metrics = await import("hookline/metrics").then(({ createMetrics }) => createMetrics({ store }), () => null);
  if (!metrics) say('hookline serve: GET /metrics needs the "prom-client" package beside hookline; it answers 501 until then');
  // An attempt must end well inside its lease, or a second worker could take the delivery.
  const timeoutMs = Math.min(15_000, Math.floor(settings.leaseMs / 2));
  const ordering = settings.maxBlockMs === undefined ? undefined : { maxBlockMs: settings.maxBlockMs };
  const dispatcher = hookline.createDispatcher({ retries: "none", retry: settings.retry, resolveKeys: store.keysFor, ssrf: { allow: settings.allow }, concurrency: settings.concurrency, timeoutMs, userAgent: "hookline-serve", ordering });
  const worker = store.startWorker(dispatcher, {
    concurrency: settings.concurrency,
    leaseMs: settings.leaseMs,
    onError: (e) => say(`hookline serve: database unavailable (${e?.cause?.code ?? e?.code ?? "error"}); the worker retries with backoff`),
    onRecover: () => say("hookline serve: database reachable again; the worker goes on"),
  });
  const api = createManagementApi({ store, token: settings.token, onError: (message) => say(message) });
  const portal = portalFiles();
  const handler = async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/portal" || pathname.startsWith("/portal/")) return portal(pathname, request.method);
    if (pathname === "/health" && request.method === "GET") {
      // Readiness, the core's verdict on what this process sees: 503 unless ready.
      const verdict = await store.health({ worker });
      return new Response(JSON.stringify(verdict), { status: verdict.ready ? 200 : 503, headers: { "content-type": "application/json", "cache-control": "no-store" } });
    }
    if (pathname === "/metrics") {
      if (metrics) return metrics.handler(request);
      const detail = 'install the "prom-client" package beside hookline for the Prometheus metrics';
      return new Response(JSON.stringify({ type: "https://hookline.dev/problems/metrics_unavailable", title: "metrics unavailable", status: 501, code: "metrics_unavailable", detail }), { status: 501, headers: { "content-type": "application/problem+json" } });
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
  // Listening for SIGTERM before saying it is up: a supervisor may send it at once, and a
  // signal with no listener yet would end the process without its drain.
  const stopping = new Promise((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, resolve);
  });
  const to = settings.operator ? `; operational events to ${new URL(settings.operator.url).origin}` : "";
  console.log(`hookline serve: API on http://${shown}:${server.address().port}/v1/tenants/{tenant}/, worker running (concurrency ${settings.concurrency})${to}, portal at /portal/${applied.length ? ` (migrations applied: ${applied.join(", ")})` : ""}`);
  await stopping;
  // Drain: no new claims or requests; the attempts in flight finish and are recorded.
  server.close();
  server.closeAllConnections?.();
  await worker.stop();
  metrics?.close();
  await shut();
  console.log("hookline serve: stopped");
}

