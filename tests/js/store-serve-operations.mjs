// `hookline serve` for operators, driven as users run it (the installed CLI as a child process)
// on PGlite in a temp directory and on a throwaway PostgreSQL cluster: --concurrency, --retry
// with a policy file, per-tenant caps, --operator-url (signed operational webhooks verified with
// standardwebhooks), GET /health and GET /metrics, a traceparent from POST events to every
// attempt; and the one-line refusals of bad flags. Receivers on 127.0.0.1; each test stops what
// it starts, with bounded waits. Run by store.mjs (Node only).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { assert } from "./harness.mjs";
import { checkedFetch } from "./openapi-check.mjs";
import { spawnServe, startServe, waitFor } from "./store-serve.mjs";

const TOKEN = "serve-ops-token-0123456789";
const KEY = Buffer.alloc(32, 13).toString("base64");
const OPERATOR_SECRET = `whsec_${Buffer.alloc(32, 14).toString("base64")}`;
const TRACE = "0af7651916cd43dd8448eb211c80319c";

/** A receiver on 127.0.0.1 answering by path, keeping every request. */
async function listening(answer) {
  const got = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const entry = { path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      got.push(entry);
      res.writeHead(answer(entry, got)).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { got, url: `http://127.0.0.1:${server.address().port}`, close: () => (server.close(), server.closeAllConnections?.()) };
}

/** The database serve runs on: a PGlite directory, or a fresh database on the cluster. */
async function databaseFor(cluster, name) {
  if (!cluster) {
    const dir = mkdtempSync(join(tmpdir(), `hookline-${name}-`));
    return { db: join(dir, "db"), close: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return { db: `postgres://postgres@127.0.0.1:${cluster.port}/${name}`, close: async () => {} };
}

/** How a process ended, or an error if it is still running after `ms`. */
async function exitWithin(state, ms, what) {
  const ended = await Promise.race([state.exited, new Promise((r) => setTimeout(() => r(null), ms))]);
  if (!ended) throw new Error(`${what}: serve still running after ${ms} ms: ${state.out.slice(0, 800)}`);
  return ended;
}

/**
 * serve with --concurrency 4, --retry from a policy file, caps per tenant and --operator-url:
 * the caps hold per tenant; a traceparent on POST events reaches every attempt as a child with
 * its own span id; a 410 disables an endpoint and the operator's receiver gets a signed
 * endpoint.disabled (then endpoint.enabled when its owner enables it), once each; /health
 * answers the readiness verdict; /metrics the Prometheus text with the attempts counted.
 */
export async function serveOperationsTest(cluster) {
  const where = await databaseFor(cluster, "served_ops");
  const dir = mkdtempSync(join(tmpdir(), "hookline-policy-"));
  const operator = await listening(() => 204);
  const tenant = await listening((entry, got) => {
    if (entry.path === "/gone") return 410;
    // Each delivery's first request to /flaky fails; the retry (the policy file's 300 ms) is delivered.
    if (entry.path === "/flaky") return got.filter((g) => g.path === "/flaky" && g.headers["webhook-id"] === entry.headers["webhook-id"]).length === 1 ? 503 : 204;
    return 204;
  });
  let serve = null;
  try {
    const policy = join(dir, "retry.json");
    writeFileSync(policy, JSON.stringify({ schedule: [0, 300, 300] }));
    serve = await startServe(
      ["--db", where.db, "--concurrency", "4", "--retry", policy, "--max-endpoints", "2,acme=3", "--allow-targets", "127.0.0.1", "--operator-url", `${operator.url}/ops`],
      { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY, HOOKLINE_OPERATOR_SECRET: OPERATOR_SECRET },
    );
    assert.ok(serve.out.includes("concurrency 4") && serve.out.includes(`operational events to ${operator.url}`), serve.out);
    const call = async (method, path, body, headers = {}) => {
      const r = await fetch(`${serve.base}/v1/tenants/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers }, body: body && JSON.stringify(body) });
      return { status: r.status, body: await r.json().catch(() => null) };
    };
    // Caps: acme's own 3, every other tenant the default 2.
    const acme = [];
    for (const path of ["/gone", "/flaky", "/ok"]) {
      const created = await call("POST", "acme/endpoints", { url: `${tenant.url}${path}` });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      acme.push(created.body.endpoint);
    }
    assert.equal((await call("POST", "acme/endpoints", { url: `${tenant.url}/fourth` })).status, 409);
    for (let i = 0; i < 2; i++) assert.equal((await call("POST", "other/endpoints", { url: `${tenant.url}/o${i}` })).status, 201);
    const third = await call("POST", "other/endpoints", { url: `${tenant.url}/o2` });
    assert.deepEqual([third.status, third.body?.code], [409, "endpoint_limit"]);
    // An event with a traceparent: every attempt is a new span of that trace.
    const published = await call("POST", "acme/events", { type: "a.b", data: { n: 1 } }, { traceparent: `00-${TRACE}-b7ad6b7169203331-01` });
    assert.deepEqual([published.status, published.body.matched], [202, 3]);
    await waitFor("the flaky endpoint's retry", () => tenant.got.filter((g) => g.path === "/flaky").length >= 2, 15_000);
    const spans = tenant.got.filter((g) => g.path === "/flaky" || g.path === "/ok").map((g) => g.headers.traceparent);
    assert.equal(spans.length, 3, JSON.stringify(spans));
    for (const s of spans) assert.ok(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`).test(s) && !s.includes("b7ad6b7169203331"), s);
    assert.equal(new Set(spans).size, 3, "a new span id per attempt");
    // The 410 disabled /gone: the operator's receiver gets endpoint.disabled, signed.
    const gone = acme[0];
    await waitFor("endpoint.disabled at the operator's URL", () => operator.got.length >= 1, 15_000);
    const wh = new Webhook(OPERATOR_SECRET);
    const disabled = wh.verify(operator.got[0].body, operator.got[0].headers);
    assert.deepEqual([disabled.type, disabled.data.reason, disabled.data.endpointId, disabled.data.tenant], ["endpoint.disabled", "gone", gone.id, "acme"]);
    assert.ok(/endpoint\.disabled ep_\w+ \(tenant acme\): gone/.test(serve.out), serve.out);
    assert.equal((await call("PATCH", `acme/endpoints/${gone.id}`, { enabled: true })).status, 200);
    await waitFor("endpoint.enabled at the operator's URL", () => operator.got.length >= 2, 15_000);
    const enabled = wh.verify(operator.got[1].body, operator.got[1].headers);
    assert.deepEqual([enabled.type, enabled.data.endpointId, enabled.data.revision], ["endpoint.enabled", gone.id, 2]);
    // Readiness and metrics.
    const health = await checkedFetch(`${serve.base}/health`);
    const verdict = await health.json();
    assert.deepEqual([health.status, verdict.status, verdict.ready, verdict.checks], [200, "ok", true, { database: "ok", keys: "ok", worker: "ok", backlog: "ok" }], JSON.stringify(verdict));
    assert.equal(verdict.worker.concurrency, 4);
    // Delivered: /flaky's retry, /ok, and the operator's two events; once all are recorded.
    const want = ['hookline_attempts_total{outcome="delivered"} 4', 'hookline_attempts_total{outcome="retry"} 1', 'hookline_attempts_total{outcome="endpointDisabled"} 1',
      'hookline_endpoint_events_total{type="endpoint.disabled"} 1', 'hookline_endpoint_events_total{type="endpoint.enabled"} 1', "hookline_deliveries_pending 0", 'hookline_endpoints{state="healthy",reason=""} 5'];
    let text = "";
    await waitFor("the metrics of every attempt", async () => {
      const metrics = await checkedFetch(`${serve.base}/metrics`);
      text = await metrics.text();
      assert.ok(metrics.status === 200 && metrics.headers.get("content-type").startsWith("text/plain"), text);
      return want.every((line) => text.split("\n").includes(line));
    }, 10_000).catch((e) => {
      throw new Error(`${e.message}: ${want.filter((line) => !text.split("\n").includes(line)).join("; ")} in:\n${text}`);
    });
    assert.ok(!text.includes(gone.id) && !text.includes("acme"), "no label per endpoint or tenant");
    assert.ok(!serve.out.includes(OPERATOR_SECRET.slice(6)) && !serve.out.includes(TOKEN), "a secret in serve's output");
    serve.child.kill("SIGTERM");
    assert.equal((await exitWithin(serve, 20_000, "SIGTERM")).code, 0, serve.out);
    assert.equal(operator.got.length, 2, "each operational event once");
  } finally {
    if (serve?.running()) serve.child.kill("SIGKILL");
    if (serve) await serve.exited;
    operator.close();
    tenant.close();
    rmSync(dir, { recursive: true, force: true });
    await where.close();
  }
}

/**
 * serve's operator flags refused in one line with exit 2, naming what is wrong: a --retry file
 * that is missing, not JSON, or a policy the core refuses; a preset it does not know;
 * --concurrency 0; --max-endpoints that is no cap; --operator-url without its secret. A --host
 * it cannot listen on is one line too; --host 127.0.0.1 serves there.
 */
export async function serveFlagsTest() {
  const dir = mkdtempSync(join(tmpdir(), "hookline-flags-"));
  const env = { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY };
  const serves = [];
  try {
    writeFileSync(join(dir, "bad.json"), "{ schedule: [0] ");
    writeFileSync(join(dir, "policy.json"), JSON.stringify({ schedule: [5000, 1000] }));
    const refused = [
      [["--retry", join(dir, "missing.json")], /--retry .*missing\.json: cannot read it \(ENOENT\)/],
      [["--retry", join(dir, "bad.json")], /--retry .*bad\.json: not JSON/],
      [["--retry", join(dir, "policy.json")], /--retry .*policy\.json: invalid_policy: /],
      [["--retry", "sometimes"], /--retry "sometimes": invalid_policy: .*standard-webhooks.*\(a preset such as standard-webhooks or svix, or a \.json file holding a policy\)/],
      [["--concurrency", "0"], /--concurrency: a whole number from 1 to 1000/],
      [["--max-endpoints", "lots"], /--max-endpoints: "lots" is neither a number nor tenant=number/],
      [["--operator-url", "http://127.0.0.1:9/ops"], /--operator-url needs HOOKLINE_OPERATOR_SECRET/],
    ];
    for (const [args, said] of refused) {
      const s = spawnServe(["--db", join(dir, "db"), "--port", "0", ...args], env);
      serves.push(s);
      const ended = await exitWithin(s, 20_000, args.join(" "));
      const out = s.out.trim();
      assert.ok(ended.code === 2 && !out.includes("\n") && said.test(out), `${args.join(" ")}: exit ${ended.code}: ${out}`);
    }
    const host = spawnServe(["--db", join(dir, "db"), "--port", "0", "--host", "203.0.113.7"], env);
    serves.push(host);
    const ended = await exitWithin(host, 30_000, "--host 203.0.113.7");
    assert.ok(ended.code !== 0 && /cannot listen on 203\.0\.113\.7:0: EADDRNOTAVAIL/.test(host.out) && host.out.trim().split("\n").length === 1, host.out);
    const good = await startServe(["--db", join(dir, "db"), "--host", "127.0.0.1", "--retry", "svix"], env);
    serves.push(good);
    assert.ok(good.base.startsWith("http://127.0.0.1:"));
    good.child.kill("SIGTERM");
    assert.equal((await exitWithin(good, 20_000, "SIGTERM")).code, 0, good.out);
  } finally {
    for (const s of serves) if (s.running()) s.child.kill("SIGKILL");
    await Promise.all(serves.map((s) => s.exited));
    rmSync(dir, { recursive: true, force: true });
  }
}
