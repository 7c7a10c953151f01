// The Cloudflare Queues example (examples/queues-worker) end to end in Miniflare: events POSTed to
// the Worker are queued, attempted by the consumer against a receiver on 127.0.0.1 that fails at
// first and then succeeds (each retry is the next job, sent with its delay), and an endpoint that
// always fails ends in the dead-letter queue. The Worker runs behind a thin test entry that records
// every message it sends or retries (with the delay) and can fail the secret store once, change
// the retry policy and move the Worker's clock forward by each delay instead of waiting for it, so
// a 20 h retry runs in a second. Node only (Miniflare is a Node library).
import { createServer } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import * as hookline from "hookline";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const exampleDir = resolve(process.argv[2]);
const { test, run } = createHarness();
const SECRET = hookline.generateSecret();
const OLD_SECRET = hookline.generateSecret();
const verifier = new hookline.Verifier({ secret: SECRET });

// flaky: 503 twice, then 200; ok: 200; any other path: 503.
const hits = { flaky: [], down: [], ok: [], slow: [] };
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
    if ((path === "flaky" && hits.flaky.length >= 3) || path === "ok") return res.writeHead(200).end("ok");
    res.writeHead(503).end("unavailable");
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// The test entry: the example's handlers, with recording queues and the test's knobs.
const out = join(process.cwd(), "queues-dist");
mkdirSync(out, { recursive: true });
const entry = join(out, "entry.mjs");
writeFileSync(
  entry,
  `import worker from ${JSON.stringify(join(exampleDir, "worker.mjs"))};
const sent = []; // { op: "send" | "retry", queue, body, delaySeconds }
const knobs = { keyFailures: 0, warp: false, retryPolicy: null };
let offsetMs = 0;
const realNow = Date.now;
Date.now = () => realNow() + offsetMs;
const MAX_DELAY = 43200; // what Cloudflare Queues accept
function delayed(op, queue, body, options) {
  const delaySeconds = options?.delaySeconds;
  sent.push({ op, queue, body, delaySeconds });
  if (delaySeconds !== undefined && !(delaySeconds >= 0 && delaySeconds <= MAX_DELAY)) throw new RangeError("delaySeconds " + delaySeconds);
  if (!knobs.warp || !delaySeconds) return options;
  offsetMs += delaySeconds * 1000; // the wait passes on the Worker's clock, not on the test's
  return { ...options, delaySeconds: 0 };
}
function recording(name, queue) {
  return {
    send: (body, options) => queue.send(body, delayed("send", name, body, options)),
    sendBatch(messages, options) {
      for (const m of messages) sent.push({ op: "send", queue: name, body: m.body, delaySeconds: m.delaySeconds ?? options?.delaySeconds });
      return queue.sendBatch(messages, options);
    },
  };
}
function testEnv(env) {
  return {
    ...env,
    DELIVERIES: recording("deliveries", env.DELIVERIES),
    DEAD_LETTERS: recording("dead", env.DEAD_LETTERS),
    get RETRY_POLICY() {
      return knobs.retryPolicy ?? env.RETRY_POLICY;
    },
  };
}
export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/__test/sent") return Response.json(sent);
    if (path === "/__test/knobs") {
      Object.assign(knobs, await request.json());
      return Response.json(knobs);
    }
    return worker.fetch(request, testEnv(env), ctx);
  },
  async queue(batch, env, ctx) {
    const qenv = testEnv(env);
    // The secret store (env.SUBSCRIPTIONS, read at attempt time) fails knobs.keyFailures times.
    Object.defineProperty(qenv, "SUBSCRIPTIONS", {
      get() {
        if (knobs.keyFailures > 0) {
          knobs.keyFailures--;
          throw new Error("secret store unavailable");
        }
        return env.SUBSCRIPTIONS;
      },
    });
    const messages = batch.messages.map((m) => ({
      id: m.id,
      timestamp: m.timestamp,
      body: m.body,
      attempts: m.attempts,
      ack: () => m.ack(),
      retry: (options) => m.retry(delayed("retry", batch.queue, m.body, options)),
    }));
    return worker.queue({ queue: batch.queue, messages, ackAll: () => batch.ackAll(), retryAll: (o) => batch.retryAll(o) }, qenv, ctx);
  },
};
`,
);
await esbuild.build({
  absWorkingDir: process.cwd(),
  entryPoints: [entry],
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
  { id: "ep_down", url: `${base}/down`, secret: SECRET, eventTypes: ["invoice.*"] },
  { id: "ep_other", url: `${base}/other`, secret: SECRET, eventTypes: ["customer.created"] },
  { id: "ep_ok", url: `${base}/ok`, secret: SECRET, secretVersion: "v2", previousSecrets: { v1: OLD_SECRET }, eventTypes: ["customer.updated"] },
  { id: "ep_slow", url: `${base}/slow`, secret: SECRET, eventTypes: ["order.*"] },
];
const mf = new Miniflare({
  modules: true,
  scriptPath: join(out, "entry.js"),
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
  const post = async (event) => (await mf.dispatchFetch("http://127.0.0.1/events", { method: "POST", body: JSON.stringify(event) })).json();
  const knobs = (values) => mf.dispatchFetch("http://127.0.0.1/__test/knobs", { method: "POST", body: JSON.stringify(values) });
  const sent = async () => (await mf.dispatchFetch("http://127.0.0.1/__test/sent")).json();
  const records = async (prefix) => Promise.all((await kv.list({ prefix })).keys.map(async (k) => JSON.parse(await kv.get(k.name))));
  const deadOf = async (deliveryId) => JSON.parse((await kv.get(`dead/${deliveryId}`)) ?? "null");
  let eventId;
  test("the Worker queues one job per matching endpoint, with ids and no secret", async () => {
    const res = await mf.dispatchFetch("http://127.0.0.1/events", { method: "POST", body: JSON.stringify({ type: "invoice.paid", data: { invoice: "in_9" } }) });
    assert.equal(res.status, 202);
    const body = await res.json();
    assert.equal(body.queued, 2);
    eventId = body.eventId;
    const jobs = (await sent()).filter((s) => s.body.envelope?.id === eventId).map((s) => s.body);
    assert.deepEqual(jobs.map((j) => [j.endpointId, j.attempt]).sort(), [["ep_down", 1], ["ep_flaky", 1]]);
    assert.ok(jobs.every((j) => j.subscription === undefined && j.secret === undefined), "jobs name the endpoint only");
    const bad = await mf.dispatchFetch("http://127.0.0.1/events", { method: "POST", body: JSON.stringify({ type: "no..good" }) });
    assert.equal(bad.status, 422);
  });

  test("retries by sending the next job with its delay until the receiver accepts, then acks", async () => {
    const ok = await waitFor(async () => hits.flaky.length >= 3 && (await kv.list({ prefix: "attempt/" })).keys.length >= 4, 30000);
    assert.ok(ok, `flaky hits: ${hits.flaky.length}`);
    assert.equal(hits.flaky.length, 3, "503, 503, then 200: no further attempts");
    assert.ok(hits.flaky.every((h) => h.verified && h.id === eventId), "signed, verified, same webhook-id");
    const flaky = (await sent()).filter((s) => s.body.endpointId === "ep_flaky");
    assert.deepEqual(flaky.map((s) => [s.op, s.body.attempt, s.delaySeconds ?? 0]), [["send", 1, 0], ["send", 2, 1], ["send", 3, 1]], "attempt numbers from the job; no message.retry");
  });

  test("an endpoint that never recovers ends in the dead-letter queue with its job, last record and plan", async () => {
    const ok = await waitFor(async () => (await kv.list({ prefix: "dead/" })).keys.length >= 1, 30000);
    assert.ok(ok, `down hits: ${hits.down.length}`);
    assert.equal(hits.down.length, 4, "one attempt per scheduled slot");
    const { keys } = await kv.list({ prefix: "dead/" });
    const dead = JSON.parse(await kv.get(keys[0].name));
    assert.deepEqual([dead.job.endpointId, dead.job.attempt, dead.record.attempt, dead.record.status, dead.plan.kind], ["ep_down", 4, 4, 503, "giveUp"]);
    const attempts = await records(`attempt/${dead.job.deliveryId}/`);
    assert.deepEqual(attempts.map((r) => r.attempt).sort(), [1, 2, 3, 4], "a complete attempt log");
  });

  test("keys_unavailable (the secret store fails once): message.retry in 30 s, no dead letter, then delivered", async () => {
    await knobs({ keyFailures: 1, warp: true });
    const { eventId: id } = await post({ type: "customer.updated", data: { customer: "cu_1" } });
    let mine = [];
    const ok = await waitFor(async () => {
      mine = (await sent()).filter((s) => s.body.envelope?.id === id);
      return mine.length > 0 && (await kv.list({ prefix: `attempt/${mine[0].body.deliveryId}/` })).keys.length >= 1;
    }, 15000);
    assert.ok(ok, `ok hits: ${hits.ok.length}`);
    assert.deepEqual(mine.map((s) => [s.op, s.body.attempt, s.delaySeconds ?? 0]), [["send", 1, 0], ["retry", 1, 30]]);
    assert.equal(mine[0].body.secretVersion, "v2", "the job names the secret's version");
    const [record] = await records(`attempt/${mine[0].body.deliveryId}/`);
    assert.deepEqual([record.attempt, record.outcome, hits.ok.length, hits.ok[0].verified], [1, "delivered", 1, true], "attempt 1 though the message came twice");
    assert.equal(await deadOf(mine[0].body.deliveryId), null, "no dead letter");
  });

  test("a 20 h retry goes in hops of at most 12 h (43200 s, then the rest), then attempt 2 runs", async () => {
    await knobs({ warp: true, retryPolicy: JSON.stringify({ schedule: [0, 72_000_000] }) });
    const { eventId: id } = await post({ type: "order.created", data: { order: "or_1" } });
    let deliveryId;
    const ok = await waitFor(async () => {
      deliveryId = (await sent()).find((s) => s.body.envelope?.id === id)?.body.deliveryId;
      return deliveryId !== undefined && (await deadOf(deliveryId)) !== null;
    }, 20000);
    const hops = (await sent()).filter((s) => s.queue === "deliveries" && s.body.deliveryId === deliveryId);
    assert.ok(ok, `slow hits: ${hits.slow.length}, delays sent: ${hops.map((s) => s.delaySeconds ?? 0)}`);
    assert.deepEqual(hops.slice(0, 2).map((s) => [s.body.attempt, s.delaySeconds ?? 0]), [[1, 0], [2, 43200]]);
    assert.equal(hops.length, 3, `hops: ${JSON.stringify(hops.map((s) => s.delaySeconds))}`);
    const rest = hops[2].delaySeconds;
    assert.ok(rest <= 28800 && rest >= 28790, `the rest of 20 h after a 12 h hop: ${rest} s`);
    assert.equal(hops[2].body.attempt, 2);
    const [first, second] = (await records(`attempt/${deliveryId}/`)).sort((a, b) => a.attempt - b.attempt);
    assert.ok(second.attemptedAtMs - first.attemptedAtMs >= 72_000_000, "attempt 2 waited 20 h (on the Worker's clock)");
    const dead = await deadOf(deliveryId);
    assert.deepEqual([hits.slow.length, dead.job.endpointId, dead.record.attempt, dead.plan.kind], [2, "ep_slow", 2, "giveUp"]);
  });

  test("no queue message, dead letter or KV record holds a subscription secret", async () => {
    const secrets = [SECRET, OLD_SECRET].flatMap((s) => [s, s.slice("whsec_".length)]);
    const messages = await sent();
    assert.ok(messages.length >= 12, `${messages.length} messages`);
    const { keys } = await kv.list();
    const values = await Promise.all(keys.map((k) => kv.get(k.name)));
    assert.ok(keys.some((k) => k.name.startsWith("dead/")) && keys.some((k) => k.name.startsWith("attempt/")));
    for (const text of [...messages.map((m) => JSON.stringify(m.body)), ...values]) {
      for (const s of secrets) assert.ok(!text.includes(s), `a secret in ${text.slice(0, 120)}`);
    }
  });

  const result = await run("workerd-queues");
  report(result);
  if (result.failed || result.passed === 0) process.exitCode = 1;
} finally {
  await mf.dispose();
  server.close();
}
