// The operator setup of docs/durable-sender.md (examples/operator/operator.mjs) on the throwaway PostgreSQL
// cluster: a tenant's endpoint answers 410, so it is disabled; the log says so once and the
// operator's receiver gets endpoint.disabled signed with the operator's secret (checked with
// standardwebhooks); GET /health answers the readiness verdict, GET /metrics the attempts; the
// per-tenant cap holds; SIGTERM stops it.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { assert } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));

export async function operatorExample(cluster, examples, key) {
  // The example runs from beside the consumer's node_modules, as a user's app would.
  const dir = join(here, "examples", "operator");
  mkdirSync(dir, { recursive: true });
  cpSync(join(examples, "operator", "operator.mjs"), join(dir, "operator.mjs"));
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query("CREATE DATABASE operated");
  await admin.end();
  const secret = `whsec_${Buffer.alloc(32, 21).toString("base64")}`;
  const alerts = [];
  const servers = [];
  const listen = async (handler) => {
    const s = createServer(handler);
    servers.push(s);
    await new Promise((r) => s.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${s.address().port}`;
  };
  const operatorUrl = await listen((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      alerts.push(new Webhook(secret).verify(Buffer.concat(chunks).toString("utf8"), req.headers));
      res.writeHead(204).end();
    });
  });
  const tenantUrl = await listen((req, res) => req.resume().on("end", () => res.writeHead(410).end()));
  const TOKEN = "operator-test-token-0123456789";
  const child = spawn(process.execPath, [join(dir, "operator.mjs")], {
    env: { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${cluster.port}/operated`, HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: key, OPERATOR_URL: `${operatorUrl}/alerts`, HOOKLINE_OPERATOR_SECRET: secret, ALLOW_TARGETS: "127.0.0.1", PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const exited = new Promise((r) => child.once("exit", (code) => r(code)));
  try {
    const until = Date.now() + 30_000;
    while (!/listening on (http:\/\/127\.0\.0\.1:\d+)/.test(out)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`the example did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)[1];
    const call = async (path, body) => {
      const r = await fetch(`${base}/v1/tenants/${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const created = await call("trial-7/endpoints", { url: `${tenantUrl}/gone` });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 0; i < 2; i++) assert.equal((await call("trial-7/endpoints", { url: `${tenantUrl}/more${i}` })).status, 201);
    assert.equal((await call("trial-7/endpoints", { url: `${tenantUrl}/fourth` })).status, 409, "a trial tenant's cap of 3");
    assert.equal((await call("trial-7/events", { type: "a.b", data: {} })).status, 202);
    const done = Date.now() + 20_000;
    while (alerts.length < 3 && Date.now() < done) await new Promise((r) => setTimeout(r, 50));
    const endpointIds = alerts.map((a) => a.data.endpointId).sort();
    assert.deepEqual(alerts.map((a) => [a.type, a.data.reason, a.data.tenant]), Array(3).fill(["endpoint.disabled", "gone", "trial-7"]), JSON.stringify(alerts));
    assert.equal(new Set(endpointIds).size, 3);
    assert.ok(out.includes(`endpoint.disabled ${created.body.endpoint.id} of trial-7: gone`), out);
    const health = await fetch(`${base}/health`);
    const verdict = await health.json();
    assert.deepEqual([health.status, verdict.ready, verdict.checks.worker, verdict.checks.database], [200, true, "ok", "ok"], JSON.stringify(verdict));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.ok(/^hookline_attempts_total\{outcome="endpointDisabled"\} 3$/m.test(metrics) && /^hookline_endpoints\{state="disabled",reason="gone"\} 3$/m.test(metrics), metrics);
    child.kill("SIGTERM");
    assert.equal(await exited, 0, out);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    for (const s of servers) {
      s.close();
      s.closeAllConnections?.();
    }
  }
}
