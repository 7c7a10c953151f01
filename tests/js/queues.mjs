// The Cloudflare Queues example (examples/queues-worker) end to end in Miniflare: events POSTed to
// the Worker are queued, attempted by the consumer against a receiver on 127.0.0.1 that fails at
// first and then succeeds (retries through message.retry), and an endpoint that always fails ends
// in the dead-letter queue. Node only (Miniflare is a Node library).
import { createServer } from "node:http";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import * as hookline from "hookline";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const exampleDir = process.argv[2];
const { test, run } = createHarness();
const SECRET = hookline.generateSecret();
const verifier = new hookline.Verifier({ secret: SECRET });

const hits = { flaky: [], down: [] };
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const path = req.url.slice(1);
    let verified = false;
    try {
      verifier.verify(Buffer.concat(chunks), req.headers);
      verified = true;
    } catch {}
    hits[path]?.push({ id: req.headers["webhook-id"], verified });
    if (path === "flaky" && hits.flaky.length >= 3) return res.writeHead(200).end("ok");
    res.writeHead(503).end("unavailable");
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const out = join(process.cwd(), "queues-dist");
await esbuild.build({
  absWorkingDir: process.cwd(),
  entryPoints: [join(exampleDir, "worker.mjs")],
  // The example lives in the repo; "hookline" resolves to the tarball installed in this consumer.
  nodePaths: [join(process.cwd(), "node_modules")],
  bundle: true,
  format: "esm",
  platform: "neutral",
  conditions: ["workerd", "worker", "browser"],
  loader: { ".wasm": "copy" },
  outdir: out,
  logLevel: "warning",
});

const subscriptions = [
  { id: "ep_flaky", url: `${base}/flaky`, secret: SECRET, eventTypes: ["invoice.*"] },
  { id: "ep_down", url: `${base}/down`, secret: SECRET },
  { id: "ep_other", url: `${base}/other`, secret: SECRET, eventTypes: ["customer.created"] },
];
const mf = new Miniflare({
  modules: true,
  scriptPath: join(out, "worker.js"),
  modulesRoot: out,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2025-01-01",
  bindings: {
    SUBSCRIPTIONS: JSON.stringify(subscriptions),
    RETRY_POLICY: JSON.stringify({ schedule: [0, 1000, 1000, 1000] }),
    ALLOW_TARGETS: JSON.stringify(["127.0.0.1"]),
    DEAD_LETTER_QUEUE_NAME: "webhook-dead-letters",
  },
  kvNamespaces: ["RESULTS"],
  queueProducers: { DELIVERIES: "webhook-deliveries", DEAD_LETTERS: "webhook-dead-letters" },
  queueConsumers: {
    "webhook-deliveries": { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 100 },
    "webhook-dead-letters": { maxBatchTimeout: 1 },
  },
});

async function waitFor(predicate, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await predicate()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

try {
  const kv = await mf.getKVNamespace("RESULTS");
  let eventId;
  test("the Worker queues one job per matching endpoint", async () => {
    const res = await mf.dispatchFetch("http://127.0.0.1/events", { method: "POST", body: JSON.stringify({ type: "invoice.paid", data: { invoice: "in_9" } }) });
    assert.equal(res.status, 202);
    const body = await res.json();
    assert.equal(body.queued, 2);
    eventId = body.eventId;
    const bad = await mf.dispatchFetch("http://127.0.0.1/events", { method: "POST", body: JSON.stringify({ type: "no..good" }) });
    assert.equal(bad.status, 422);
  });

  test("retries through message.retry until the receiver accepts, then acks", async () => {
    const ok = await waitFor(async () => hits.flaky.length >= 3 && (await kv.list({ prefix: "attempt/" })).keys.length >= 4, 30000);
    assert.ok(ok, `flaky hits: ${hits.flaky.length}`);
    assert.equal(hits.flaky.length, 3, "503, 503, then 200: no further attempts");
    assert.ok(hits.flaky.every((h) => h.verified && h.id === eventId), "signed, verified, same webhook-id");
  });

  test("an endpoint that never recovers ends in the dead-letter queue with its last record", async () => {
    const ok = await waitFor(async () => (await kv.list({ prefix: "dead/" })).keys.length >= 1, 30000);
    assert.ok(ok, `down hits: ${hits.down.length}`);
    assert.equal(hits.down.length, 4, "one attempt per scheduled slot");
    const { keys } = await kv.list({ prefix: "dead/" });
    const dead = JSON.parse(await kv.get(keys[0].name));
    assert.deepEqual([dead.job.subscription.id, dead.record.attempt, dead.record.status, dead.plan.kind], ["ep_down", 4, 503, "giveUp"]);
    const attempts = await Promise.all((await kv.list({ prefix: `attempt/${dead.job.deliveryId}/` })).keys.map(async (k) => JSON.parse(await kv.get(k.name))));
    assert.deepEqual(attempts.map((r) => r.attempt).sort(), [1, 2, 3, 4], "a complete attempt log");
  });

  const result = await run("workerd-queues");
  report(result);
  if (result.failed || result.passed === 0) process.exitCode = 1;
} finally {
  await mf.dispose();
  server.close();
}
