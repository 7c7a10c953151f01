// The transactional publish of docs/durable-sender.md (examples/transactional-publish/app.mjs, Express and pg) on
// the throwaway PostgreSQL cluster: an order that commits is delivered once, signed; an order the
// database refuses (a CHECK) rolls its event back with it, and nothing is sent.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { assert } from "./harness.mjs";
import { checkedFetch } from "./openapi-check.mjs";

const here = dirname(fileURLToPath(import.meta.url));

export async function transactionalExample(cluster, examples, key) {
  // The example runs from beside the consumer's node_modules, as a user's app would.
  const dir = join(here, "examples", "transactional-publish");
  mkdirSync(dir, { recursive: true });
  cpSync(join(examples, "transactional-publish", "app.mjs"), join(dir, "app.mjs"));
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query("CREATE DATABASE shop");
  await admin.end();
  const url = `postgres://postgres@127.0.0.1:${cluster.port}/shop`;
  let secret = null;
  const got = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        new Webhook(secret).verify(body, req.headers);
        got.push(JSON.parse(body));
        res.writeHead(204).end();
      } catch {
        res.writeHead(401).end();
      }
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const TOKEN = "shop-test-token-0123456789";
  const child = spawn(process.execPath, [join(dir, "app.mjs")], {
    env: { ...process.env, DATABASE_URL: url, HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: key, ALLOW_TARGETS: "127.0.0.1", PORT: "0" },
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
    const call = async (path, body, token) => {
      const r = await checkedFetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const created = await call("/v1/tenants/acme/endpoints", { url: `http://127.0.0.1:${receiver.address().port}/orders`, eventTypes: ["order.*"] }, TOKEN);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    secret = created.body.secret;
    const ok = await call("/tenants/acme/orders", { id: "o1", total: 4200 });
    assert.deepEqual([ok.status, ok.body.eventId], [201, "order_o1"]);
    const refused = await call("/tenants/acme/orders", { id: "o2", total: 0 });
    assert.equal(refused.status, 400, "the CHECK refuses a total of 0");
    const done = Date.now() + 20_000;
    while (got.length === 0 && Date.now() < done) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // time for a second (wrong) delivery to show
    assert.deepEqual(got.map((e) => [e.id, e.type, e.data.id]), [["order_o1", "order.created", "o1"]], "the committed order's event, once; the refused one's never");
    const rows = (await query(url, "SELECT id FROM hookline_events ORDER BY id")).map((r) => r.id);
    assert.deepEqual(rows, ["order_o1"], "the refused order's event was rolled back with it");
    assert.deepEqual((await query(url, "SELECT id FROM orders")).map((r) => r.id), ["o1"]);
    child.kill("SIGTERM");
    assert.equal(await exited, 0, out);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    receiver.close();
    receiver.closeAllConnections?.();
  }
}

async function query(url, text) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}
