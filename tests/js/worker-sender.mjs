// The Worker template (examples/worker-sender) end to end in Miniflare: D1 holds the store, a
// real queue carries delivery ids, the Cron handler sweeps, and the management API is the only
// way in. Receivers on 127.0.0.1 verify every delivery with standardwebhooks. A thin test entry
// records every queue message (and its delay), can make the queue refuse a send, and can move the
// Worker's clock forward by each delay instead of waiting (a 20 h retry runs in seconds).
// Last, the trial example (examples/trial/trial.mjs, under 30 lines) runs against the Worker over
// HTTP. Node only (Miniflare is a Node library). `node worker-sender.mjs <examples dir>`.
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { Webhook } from "standardwebhooks";
import { assert, createHarness } from "./harness.mjs";
import { checkResponse } from "./openapi-check.mjs";
import { report } from "./report.mjs";

const examples = resolve(process.argv[2]);
const { test, run } = createHarness();
const TOKEN = "worker-sender-test-token";
const KEY = Buffer.alloc(32, 5).toString("base64");

// Receivers: /flaky answers 503 twice then 200; /down always 503; /slow 503 with Retry-After of
// 20 h once, then 200; anything else 200.
// Each request is checked against the secrets the API handed out for its path.
const secrets = new Map(); // path -> [secret, ...]
const hits = new Map(); // path -> [{ id, verified }]
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const path = req.url.slice(1);
    const body = Buffer.concat(chunks).toString("utf8");
    const verified = (secrets.get(path) ?? []).map((s) => {
      try {
        new Webhook(s).verify(body, req.headers);
        return true;
      } catch {
        return false;
      }
    });
    const list = hits.get(path) ?? [];
    list.push({ id: req.headers["webhook-id"], verified, at: Date.now() });
    hits.set(path, list);
    if (path === "slow" && list.length === 1) return res.writeHead(503, { "retry-after": "72000" }).end("back in 20 h");
    const fail = path === "down" || (path === "flaky" && list.length < 3);
    res.writeHead(fail ? 503 : 200).end(fail ? "unavailable" : "ok");
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const receiver = `http://127.0.0.1:${server.address().port}`;

const out = join(process.cwd(), "worker-sender-dist");
mkdirSync(out, { recursive: true });
const entry = join(out, "entry.mjs");
writeFileSync(
  entry,
  `import worker from ${JSON.stringify(join(examples, "worker-sender", "worker.mjs"))};
const sent = []; // { body, delaySeconds }
const knobs = { warp: false, refuse: 0 };
let offsetMs = 0;
const realNow = Date.now;
Date.now = () => realNow() + offsetMs;
function testEnv(env) {
  return {
    ...env,
    DELIVERIES: {
      async sendBatch(messages) {
        if (knobs.refuse > 0) {
          knobs.refuse--;
          throw new Error("queue unavailable");
        }
        for (const m of messages) {
          sent.push({ body: m.body, delaySeconds: m.delaySeconds });
          if (!(m.delaySeconds >= 0 && m.delaySeconds <= 43200)) throw new RangeError("delaySeconds " + m.delaySeconds);
        }
        const warped = messages.map((m) => {
          if (!knobs.warp || !m.delaySeconds) return m;
          offsetMs += m.delaySeconds * 1000; // the wait passes on the Worker's clock
          return { ...m, delaySeconds: 0 };
        });
        return env.DELIVERIES.sendBatch(warped);
      },
    },
  };
}
export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/__test/sent") return Response.json(sent);
    if (path === "/__test/knobs") {
      const body = await request.json();
      offsetMs += body.advanceMs ?? 0;
      delete body.advanceMs;
      Object.assign(knobs, body);
      return Response.json(knobs);
    }
    return worker.fetch(request, testEnv(env), ctx);
  },
  queue: (batch, env, ctx) => worker.queue(batch, testEnv(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, testEnv(env), ctx),
};
`,
);
await esbuild.build({
  absWorkingDir: process.cwd(),
  entryPoints: [entry],
  nodePaths: [join(process.cwd(), "node_modules")],
  bundle: true,
  format: "esm",
  platform: "neutral",
  conditions: ["workerd", "worker", "browser"],
  loader: { ".wasm": "copy" },
  outdir: out,
  logLevel: "warning",
});

let logs = "";
const mf = new Miniflare({
  modules: true,
  scriptPath: join(out, "entry.js"),
  modulesRoot: out,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2025-01-01",
  host: "127.0.0.1",
  port: 0,
  bindings: {
    HOOKLINE_API_TOKEN: TOKEN,
    HOOKLINE_ENCRYPTION_KEY: KEY,
    MAX_ENDPOINTS: "5",
    RETRY_POLICY: JSON.stringify({ schedule: [0, 1000, 1000, 1000], maxRetryAfterMs: 86_400_000 }),
    ALLOW_TARGETS: JSON.stringify(["127.0.0.1"]),
  },
  d1Databases: ["DB"],
  queueProducers: { DELIVERIES: "webhook-deliveries" },
  queueConsumers: { "webhook-deliveries": { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 10 } },
  handleRuntimeStdio(stdout, stderr) {
    stdout.on("data", (c) => (logs += c));
    stderr.on("data", (c) => (logs += c));
  },
});

async function waitFor(predicate, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await predicate()) return true;
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

try {
  const call = async (tenant, method, path, body) => {
    // Every answer of the Worker's API is checked against openapi.json.
    const url = `http://127.0.0.1/v1/tenants/${tenant}/${path}`;
    const r = await checkResponse(method, url, await mf.dispatchFetch(url, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null, text };
  };
  const knobs = (values) => mf.dispatchFetch("http://127.0.0.1/__test/knobs", { method: "POST", body: JSON.stringify(values) });
  const sent = async () => (await mf.dispatchFetch("http://127.0.0.1/__test/sent")).json();
  const register = async (tenant, path, extra = {}) => {
    const r = await call(tenant, "POST", "endpoints", { url: `${receiver}/${path}`, ...extra });
    assert.equal(r.status, 201, r.text);
    secrets.set(path, [r.body.secret]);
    return r.body.endpoint;
  };
  const deliveryOf = async (tenant, endpointId, outcome) => {
    let found = null;
    await waitFor(async () => {
      const log = await call(tenant, "GET", `endpoints/${endpointId}/attempts?limit=100`);
      found = log.body.data.find((a) => a.outcome === outcome) ?? null;
      return found !== null;
    }, 20_000);
    return found;
  };

  test("the API registers 5 endpoints per owner, shows each secret once, and refuses the sixth (409)", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call("cap", "POST", "endpoints", { url: `${receiver}/cap${i}` })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 201, 201, 201, 201, 409, 409, 409]);
    assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.code === "endpoint_limit"));
    const listed = await call("cap", "GET", "endpoints?limit=100");
    assert.equal(listed.body.data.length, 5);
    for (const r of results.filter((x) => x.status === 201)) assert.ok(!listed.text.includes(r.body.secret.slice(6)), "a secret in a list");
  });

  test("an event becomes queue messages of ids only; retries follow the plan until the receiver accepts", async () => {
    const ep = await register("shop", "flaky", { eventTypes: ["invoice.*"] });
    const published = await call("shop", "POST", "events", { id: "msg_flaky", type: "invoice.paid", data: { n: 1 } });
    assert.deepEqual([published.status, published.body.matched], [202, 1]);
    const delivered = await deliveryOf("shop", ep.id, "delivered");
    assert.ok(delivered, `flaky hits: ${JSON.stringify(hits.get("flaky"))}`);
    assert.deepEqual(hits.get("flaky").map((h) => [h.id, h.verified[0]]), [["msg_flaky", true], ["msg_flaky", true], ["msg_flaky", true]]);
    const messages = (await sent()).filter((m) => m.body.deliveryId === delivered.deliveryId);
    assert.deepEqual(messages.map((m) => [Object.keys(m.body).sort().join(","), m.body.attempt, m.delaySeconds]), [["attempt,deliveryId", 1, 0], ["attempt,deliveryId", 2, 1], ["attempt,deliveryId", 3, 1]]);
    const log = await call("shop", "GET", `endpoints/${ep.id}/attempts?limit=2`);
    assert.deepEqual(log.body.data.map((a) => a.attempt), [3, 2], "newest first");
    const page2 = await call("shop", "GET", `endpoints/${ep.id}/attempts?limit=2&cursor=${log.body.nextCursor}`);
    assert.deepEqual([page2.body.data.map((a) => a.attempt), page2.body.nextCursor], [[1], null]);
    const d = await call("shop", "GET", `deliveries/${delivered.deliveryId}`);
    assert.deepEqual([d.body.state, d.body.attempts.map((a) => a.outcome)], ["delivered", ["retry", "retry", "delivered"]]);
  });

  test("an endpoint that never recovers ends failed with its whole chain; redelivery queues a new one", async () => {
    const ep = await register("shop", "down", { eventTypes: ["order.*"] });
    await call("shop", "POST", "events", { type: "order.created", data: {} });
    const last = await deliveryOf("shop", ep.id, "failed");
    assert.ok(last, `down hits: ${hits.get("down")?.length}`);
    const d = await call("shop", "GET", `deliveries/${last.deliveryId}`);
    assert.deepEqual([d.body.state, d.body.attempts.map((a) => a.attempt)], ["failed", [1, 2, 3, 4]]);
    const before = hits.get("down").length;
    const again = await call("shop", "POST", `deliveries/${last.deliveryId}/redeliver`);
    assert.equal(again.status, 202);
    assert.ok(await waitFor(() => hits.get("down").length > before, 10_000), "the redelivery was attempted");
    assert.ok((await sent()).some((m) => m.body.deliveryId === again.body.deliveryId && m.body.attempt === 1), "queued");
  });

  test("a queue that refuses a send loses nothing: the API still answers 202 and the Cron sweep delivers", async () => {
    await knobs({ warp: false, refuse: 1 });
    const ep = await register("sweep", "swept");
    const published = await call("sweep", "POST", "events", { id: "msg_swept", type: "a.b", data: {} });
    assert.equal(published.status, 202);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(hits.get("swept"), undefined, "nothing was queued, so nothing was sent yet");
    const worker = await mf.getWorker();
    await worker.scheduled({ cron: "* * * * *" });
    assert.equal(hits.get("swept"), undefined, "not overdue yet: the sweep leaves timely deliveries to their queue");
    await knobs({ advanceMs: 61_000 });
    await worker.scheduled({ cron: "* * * * *" });
    assert.deepEqual(hits.get("swept")?.map((h) => [h.id, h.verified[0]]), [["msg_swept", true]]);
    assert.ok(await deliveryOf("sweep", ep.id, "delivered"));
    assert.ok(/enqueue failed/.test(logs), "the refusal is logged");
  });

  test("a 20 h Retry-After hops 12 h (43200 s) then the rest; attempt 2 runs 20 h later on the Worker's clock", async () => {
    await knobs({ warp: true });
    const ep = await register("slowco", "slow");
    await call("slowco", "POST", "events", { type: "a.b", data: {} });
    const done = await deliveryOf("slowco", ep.id, "delivered");
    assert.ok(done, `slow hits: ${hits.get("slow")?.length}`);
    const hops = (await sent()).filter((m) => m.body.deliveryId === done.deliveryId);
    assert.deepEqual(hops.slice(0, 2).map((m) => [m.body.attempt, m.delaySeconds]), [[1, 0], [2, 43200]], JSON.stringify(hops));
    assert.equal(hops.length, 3, JSON.stringify(hops));
    assert.ok(hops[2].body.attempt === 2 && hops[2].delaySeconds >= 28790 && hops[2].delaySeconds <= 28800, `the rest of 20 h: ${hops[2].delaySeconds}`);
    const chain = (await call("slowco", "GET", `deliveries/${done.deliveryId}`)).body.attempts;
    assert.ok(chain[1].attemptedAtMs - chain[0].attemptedAtMs >= 72_000_000, "attempt 2 waited 20 h");
    // The second request is signed 20 h ahead of the real clock, past any verifier's tolerance.
    assert.deepEqual([hits.get("slow").length, hits.get("slow")[0].verified[0], hits.get("slow")[1].id], [2, true, hits.get("slow")[0].id]);
  });

  test("an ordered endpoint gets its events one after the other in publish order through the queue; a throttled one's wait rides on the queue's delay", async () => {
    await knobs({ warp: false });
    const fifo = await register("order", "fifo", { eventTypes: ["fifo.*"], ordered: true });
    for (let n = 0; n < 8; n++) assert.equal((await call("order", "POST", "events", { id: `msg_fifo_${n}`, type: "fifo.x", data: { n } })).status, 202);
    assert.ok(await waitFor(() => (hits.get("fifo") ?? []).length >= 8, 30_000), `fifo hits: ${hits.get("fifo")?.length}`);
    assert.deepEqual(hits.get("fifo").map((h) => h.id), Array.from({ length: 8 }, (_, n) => `msg_fifo_${n}`), "publish order");
    const promoted = (await sent()).filter((m) => m.body.attempt === 1 && m.delaySeconds === 0).length;
    assert.ok(promoted >= 8 + 7, `each delivery behind the head was queued again when it became the head (${promoted} messages)`);
    assert.equal((await call("order", "GET", `endpoints/${fifo.id}`)).body.ordered, true);
    // One a second: an invocation sends what its horizon (1 s) reaches, paced; the rest waits on
    // the queue (only attempt 1's messages with a delay are such waits here).
    const before = (await sent()).filter((m) => m.body.attempt === 1 && m.delaySeconds >= 1).length;
    const paced = await register("order", "paced", { eventTypes: ["paced.*"], rateLimit: 1 });
    for (let n = 0; n < 4; n++) await call("order", "POST", "events", { id: `msg_paced_${n}`, type: "paced.x", data: { n } });
    assert.ok(await waitFor(() => (hits.get("paced") ?? []).length >= 4, 30_000), `paced hits: ${hits.get("paced")?.length}`);
    const at = hits.get("paced").map((h) => h.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    assert.ok(gaps.every((g) => g >= 950), `one a second at most: gaps ${gaps} ms`);
    const waited = (await sent()).filter((m) => m.body.attempt === 1 && m.delaySeconds >= 1).length - before;
    assert.ok(waited >= 1, "a wait went back on the queue with its delay");
    assert.equal((await call("order", "GET", `endpoints/${paced.id}`)).body.rateLimit, 1);
  });

  test("the trial example (under 30 lines) runs against the Worker over HTTP", async () => {
    const url = await mf.ready;
    const stdout = await new Promise((ok, fail) =>
      execFile(process.execPath, [join(examples, "trial", "trial.mjs"), url.origin, `${receiver}/trial`], { env: { ...process.env, HOOKLINE_API_TOKEN: TOKEN }, timeout: 60_000 }, (e, so, se) => (e ? fail(new Error(`${e.message}\n${se}`)) : ok(so))),
    );
    const summary = JSON.parse(stdout.trim().split("\n").at(-1));
    assert.deepEqual(summary.created, [201, 201, 201, 201, 201, 409]);
    assert.deepEqual([summary.secretsShown, summary.listed, summary.rotatedVersion, summary.matched, summary.redelivered], [6, 5, 2, 5, 202]);
    assert.ok(summary.log.includes("delivered"), JSON.stringify(summary));
  });

  test("no secret in any queue message, API listing, log line or D1 row", async () => {
    const all = [...secrets.values()].flat().map((s) => s.slice(6));
    assert.ok(all.length >= 4);
    const db = await mf.getD1Database("DB");
    const rows = JSON.stringify((await db.prepare("SELECT * FROM hookline_endpoints").all()).results);
    assert.ok(rows.includes("v1.k1."), "sealed secrets");
    for (const [what, text] of [["queue messages", JSON.stringify(await sent())], ["D1", rows], ["logs", logs]]) {
      for (const s of all) assert.ok(!text.includes(s), `a secret in ${what}`);
    }
    assert.ok(!logs.includes(TOKEN), "the API token in the logs");
  });

  const result = await run("workerd-sender");
  report(result);
  if (result.failed || result.passed === 0) process.exitCode = 1;
} finally {
  await mf.dispose();
  server.close();
  server.closeAllConnections?.();
}
