// An operator's setup for the durable sender: readiness at GET /health, Prometheus metrics at
// GET /metrics, and every change of an endpoint's state (failing: warned at 50, 70 and 90 % of
// the 5 days after which it is disabled; disabled; enabled; recovered) in the log and as a signed
// webhook to the operator's own receiver, retried like any delivery. Beside the management API.
//   DATABASE_URL=postgres://... HOOKLINE_API_TOKEN=... HOOKLINE_ENCRYPTION_KEY=... \
//   OPERATOR_URL=https://alerts.internal/hookline HOOKLINE_OPERATOR_SECRET=whsec_... node operator.mjs
// (npm install hookline pg prom-client)
import http from "node:http";
import pg from "pg";
import { createDispatcher } from "hookline";
import { createMetrics } from "hookline/metrics";
import { createManagementApi, createStore, nodeListener } from "hookline/store";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
pool.on("error", (e) => console.error(`database connection lost (${e.code}); the pool reconnects`));
const ssrf = { allow: (process.env.ALLOW_TARGETS ?? "").split(",").filter(Boolean) };
const store = await createStore({
  db: pool,
  encryptionKey: process.env.HOOKLINE_ENCRYPTION_KEY,
  ssrf,
  maxEndpointsPerOwner: (tenant) => (tenant.startsWith("trial-") ? 3 : 50), // a cap per tenant
  // Each change once, whichever worker saw it (SQL keeps one record per change).
  onEndpointEvent: (e) => console.log(`${e.type} ${e.endpointId} of ${e.tenant}${e.percent ? `: ${e.percent} % of the window` : ""}${e.reason ? `: ${e.reason}` : ""}`),
});
await store.migrate();
// The operator's receiver gets the same events, signed with its secret, through the outbox.
await store.setOperatorEndpoint({ url: process.env.OPERATOR_URL, secret: process.env.HOOKLINE_OPERATOR_SECRET });
// The worker claims as many deliveries as the dispatcher runs at once (its concurrency, 16 here).
const dispatcher = createDispatcher({ retries: "none", resolveKeys: store.keysFor, ssrf, concurrency: 16, health: { policy: { disableAfterMs: 5 * 86_400_000, warnAtPercent: [50, 70, 90] } } });
const worker = store.startWorker(dispatcher);
const metrics = createMetrics({ store }); // prom-client, a registry of its own

const api = nodeListener(createManagementApi({ store, token: process.env.HOOKLINE_API_TOKEN }));
const operations = nodeListener(async (request) => {
  const { pathname } = new URL(request.url);
  if (pathname === "/health") {
    // The core's verdict: database reachable, keys open, worker alive, oldest due delivery.
    const verdict = await store.health({ worker });
    return Response.json(verdict, { status: verdict.ready ? 200 : 503 });
  }
  if (pathname === "/metrics") return metrics.handler(request);
  return new Response(null, { status: 404 });
});
const server = http.createServer((req, res) => (req.url.startsWith("/v1/") ? api : operations)(req, res));
server.listen(Number(process.env.PORT ?? 8788), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.once("SIGTERM", async () => {
  server.close();
  await worker.stop();
  metrics.close();
  await pool.end();
});
