// What operators get from the store, run by store.mjs inside `contract()` on PGlite, D1 and
// PostgreSQL alike: operational events (warnings before the disabling, each change of state, each
// once with several workers, to the hook and to the operator's endpoint as signed webhooks),
// per-tenant caps, W3C trace context from publish to every attempt, readiness (`store.health`),
// the figures a scrape reads and the Prometheus text (`hookline/metrics`), an endpoint's stats
// over time. Each test opens the databases it needs and stops what it starts.
import * as hookline from "hookline";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { createMetrics } from "hookline/metrics";
import { assert } from "./harness.mjs";

const { createDispatcher, SenderError } = hookline;
const URL_BASE = "https://hooks.example.com";
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const WINDOW = { policy: { disableAfterMs: 100_000 } };

/** An injected fetch that answers by path (`status[path]`, default 204) and keeps what it was sent. */
function receiver() {
  const status = {};
  const sent = [];
  const fetch = async (url, init) => {
    const path = new URL(url).pathname;
    sent.push({ url, path, headers: init.headers, body: init.body });
    return new Response(null, { status: status[path] ?? 204 });
  };
  return { status, sent, fetch, to: (path) => sent.filter((s) => s.path === path) };
}

/**
 * The Standard Webhooks signature of a request, computed here with node:crypto (the library's
 * verifiers check the timestamp against the real clock; these tests run on a clock of their own).
 */
function signatureOk(secret, headers, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest("base64");
  return headers["webhook-signature"].split(" ").includes(`v1,${mac}`);
}

/** What a rejected call rejected with. */
const caught = (promise) => promise.then((v) => ({ resolved: v }), (e) => e);

export function operationsTests({ test, name, made, storeOn, clock, advance, createManagementApi, KEY2 }) {
  const dispatcher = (store, fetch, extra = {}) => createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, fetch, retry: { schedule: [0, ...Array(19).fill(1000)] }, ...extra });
  const ready = async (extra) => {
    const s = await made(extra);
    await s.store.migrate();
    return s;
  };

  test(`${name}: operational events: warned at 50 and 70 %, disabled, enabled; each once from two workers, the second joining late`, async () => {
    const told = [];
    const { store } = await ready({ onEndpointEvent: (e) => told.push(e) });
    const rx = receiver();
    rx.status["/down"] = 500;
    const a = dispatcher(store, rx.fetch, { health: WINDOW });
    const b = dispatcher(store, rx.fetch, { health: WINDOW });
    const ep = (await store.createEndpoint("ops", { url: `${URL_BASE}/down` })).endpoint;
    const start = clock();
    // Round 1: worker a alone (its failure starts the streak); then both, every 20 s of the
    // 100 s window: 20, 40, 60 (50 %), 80 (70 %), 100 % (disabled).
    await store.publish("ops", { type: "o.p", data: { round: 0 } });
    await store.deliverDue(a);
    for (let round = 1; round <= 5; round++) {
      advance(20_000);
      for (let i = 0; i < 2; i++) await store.publish("ops", { type: "o.p", data: { round, i } });
      await Promise.all([store.deliverDue(a, { limit: 1 }), store.deliverDue(b, { limit: 1 })]);
    }
    const key = (k) => `op.${ep.id}.r1.${k}`;
    const want = [key(`failing.50.${start}`), key(`failing.70.${start}`), key("disabled")];
    assert.deepEqual(told.map((e) => e.id), want, "each change told once, in order");
    assert.deepEqual((await store.listEndpointEvents()).map((e) => e.id).reverse(), want, "each change recorded once");
    const [fifty, , off] = told;
    assert.deepEqual(
      [fifty.type, fifty.percent, fifty.failingSinceMs, fifty.disableAtMs, fifty.tenant, fifty.endpointId, fifty.url, fifty.revision],
      ["endpoint.failing", 50, start, start + 100_000, "ops", ep.id, `${URL_BASE}/down`, 1],
    );
    assert.deepEqual([off.type, off.reason], ["endpoint.disabled", "failing_too_long"]);
    assert.equal((await store.getEndpoint("ops", ep.id)).status.state, "disabled");
    // The owner enables it: a new revision, an event of its own; the streak starts again.
    await store.updateEndpoint("ops", ep.id, { enabled: true });
    assert.deepEqual(told.slice(3).map((e) => [e.type, e.id]), [["endpoint.enabled", `op.${ep.id}.r2.enabled`]]);
    // Failing 60 % of a new window, then a delivery: warned, then recovered.
    const again = clock();
    await store.publish("ops", { type: "o.p", data: { again: 1 } });
    await store.deliverDue(a);
    advance(60_000);
    await store.publish("ops", { type: "o.p", data: { again: 2 } });
    await store.deliverDue(b);
    rx.status["/down"] = 204;
    advance(1_000);
    await store.publish("ops", { type: "o.p", data: { again: 3 } });
    await store.deliverDue(a);
    assert.deepEqual(told.slice(4).map((e) => e.id), [`op.${ep.id}.r2.failing.50.${again}`, `op.${ep.id}.r2.recovered.${again}`]);
    // An owner's disabling is an event (manual); deleting is none.
    await store.updateEndpoint("ops", ep.id, { enabled: false });
    assert.deepEqual([told.at(-1).type, told.at(-1).reason, told.at(-1).revision], ["endpoint.disabled", "manual", 3]);
    await store.deleteEndpoint("ops", ep.id);
    assert.equal(told.length, 7);
  });

  test(`${name}: the operator's endpoint gets each operational event as a signed webhook through the outbox, retried; tenants cannot reach it`, async () => {
    // The store's guard lets no private target through, yet the operator's own URL on 127.0.0.1
    // is reached over a real socket: it is the operator's, not a tenant's.
    const got = [];
    let answers = 0;
    const server = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(answers++ === 0 ? 503 : 204).end();
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    try {
      const secret = hookline.generateSecret();
      const { store } = await ready({ ssrf: {} });
      const refused = await caught(store.createEndpoint("acme", { url: `http://127.0.0.1:${server.address().port}/ops` }));
      assert.equal(refused.code, "target_not_allowed", "a tenant cannot register the operator's private URL");
      await store.setOperatorEndpoint({ url: `http://127.0.0.1:${server.address().port}/ops`, secret });
      const rx = receiver();
      rx.status["/gone"] = 410;
      const tenantSide = dispatcher(store, rx.fetch);
      const ep = (await store.createEndpoint("acme", { url: `${URL_BASE}/gone` })).endpoint;
      await store.publish("acme", { type: "o.p", data: {} });
      await store.deliverDue(tenantSide, { limit: 1 });
      // The operator's delivery: the real fetch, the default guard; retried after a 503.
      const real = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, retry: { schedule: [0, 1000] } });
      await store.deliverDue(real);
      advance(1_000);
      await store.deliverDue(real);
      assert.equal(got.length, 2, "the operator's receiver: a 503, then the retry");
      assert.ok(signatureOk(secret, got[1].headers, got[1].body), "signed with the operator's secret");
      const event = JSON.parse(got[1].body);
      assert.deepEqual(
        [event.type, event.data.reason, event.data.endpointId, event.data.tenant, got[1].headers["webhook-id"]],
        ["endpoint.disabled", "gone", ep.id, "acme", `op.${ep.id}.r1.disabled`],
      );
      assert.equal(got[0].headers["webhook-id"], got[1].headers["webhook-id"], "the retry is the same message");
      // The operator's endpoint and its owner are nobody's tenant data.
      assert.equal((await store.listEndpoints("acme")).data.length, 1);
      assert.equal((await caught(store.listEndpoints("~operator"))).code, "invalid_argument");
      // Setting it again with a new secret changes the signing secret at once.
      const next = hookline.generateSecret();
      const set = await store.setOperatorEndpoint({ url: `http://127.0.0.1:${server.address().port}/ops2`, secret: next });
      assert.equal(set.secretVersion, 2);
      assert.equal((await caught(store.setOperatorEndpoint({ url: "ftp://x.example/", secret: next }))).code, "invalid_url");
      assert.equal((await caught(store.setOperatorEndpoint({ url: "https://x.example/", secret: "nope" }))).code, "invalid_argument");
    } finally {
      server.close();
      server.closeAllConnections?.();
    }
  });

  test(`${name}: maxEndpointsPerOwner as a function of the tenant: each tenant's cap, 0 refuses, concurrent creates hold it`, async () => {
    const caps = { big: 8, none: 0 };
    const { store } = await ready({ maxEndpointsPerOwner: (owner) => caps[owner] ?? 2 });
    const tries = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => store.createEndpoint("big", { url: `${URL_BASE}/b${i}` })));
    assert.equal(tries.filter((t) => t.status === "fulfilled").length, 8);
    assert.ok(tries.filter((t) => t.status === "rejected").every((t) => t.reason.code === "endpoint_limit"));
    for (let i = 0; i < 2; i++) await store.createEndpoint("small", { url: `${URL_BASE}/s${i}` });
    const third = await caught(store.createEndpoint("small", { url: `${URL_BASE}/s2` }));
    assert.ok(third instanceof SenderError && third.code === "endpoint_limit" && third.message.includes("2 endpoints"), third.message);
    assert.equal((await caught(store.createEndpoint("none", { url: `${URL_BASE}/n` }))).code, "endpoint_limit");
    caps.bad = 1.5;
    assert.equal((await caught(store.createEndpoint("bad", { url: `${URL_BASE}/x` }))).code, "invalid_argument");
  });

  test(`${name}: traceparent: stored with the event, each attempt a child with a new span id; an invalid one ignored`, async () => {
    const { store } = await ready();
    const rx = receiver();
    rx.status["/t"] = 503;
    const d = dispatcher(store, rx.fetch);
    await store.createEndpoint("tr", { url: `${URL_BASE}/t` });
    const header = `00-${TRACE}-00f067aa0ba902b7-01`;
    const p = await store.publish("tr", { type: "t.r", data: {} }, { traceparent: `  ${header}` });
    assert.equal(p.traceparent, header);
    for (let i = 0; i < 3; i++) {
      await store.deliverDue(d);
      advance(1_000);
    }
    const spans = rx.to("/t").map((s) => s.headers.traceparent);
    assert.equal(spans.length, 3);
    for (const s of spans) assert.ok(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`).test(s) && !s.includes("00f067aa0ba902b7"), s);
    assert.equal(new Set(spans).size, 3, "a new span id per attempt");
    // Recorded with the attempt's request headers.
    const log = await store.listAttempts("tr", rx.to("/t").length && (await store.getDelivery("tr", p.deliveryIds[0])).endpointId);
    assert.ok(log.data.every((r) => r.requestHeaders === null || spans.includes(r.requestHeaders.traceparent)));
    // An invalid one (uppercase, version ff) is ignored: the publish goes on without one.
    const untraced = [];
    for (const bad of [header.toUpperCase(), `ff-${TRACE}-00f067aa0ba902b7-01`]) {
      const q = await store.publish("tr", { type: "t.r", data: {} }, { traceparent: bad });
      assert.equal(q.traceparent, null, bad);
      untraced.push(q.eventId);
    }
    rx.status["/t"] = 204;
    await store.deliverDue(d);
    const plain = rx.sent.filter((s) => untraced.includes(s.headers["webhook-id"]));
    assert.ok(plain.length === 2 && plain.every((s) => s.headers.traceparent === undefined), "no traceparent without one published");
    assert.equal((await caught(store.publish("tr", { type: "t.r", data: {} }, { traceparent: 7 }))).code, "invalid_argument");
  });

  if (name !== "d1") test(`${name}: the worker refreshes the deliveries table's statistics once it has claimed 500 (a new table's plan would read every due delivery at each claim)`, async () => {
    const { store, db } = await ready();
    const tuples = async () => Number((await db.query("SELECT reltuples FROM pg_class WHERE relname = 'hookline_deliveries'")).rows[0].reltuples);
    assert.equal(await tuples(), -1, "a new table has no statistics");
    await store.createEndpoint("stats", { url: `${URL_BASE}/s` });
    for (let i = 0; i < 6; i++) await Promise.all(Array.from({ length: 100 }, (_, j) => store.publish("stats", { type: "s.t", data: { i, j } })));
    const rx = receiver();
    const worker = store.startWorker(dispatcher(store, rx.fetch, { concurrency: 64, perEndpointConcurrency: 64 }), { idleMs: 20, concurrency: 64, perEndpointConcurrency: 64 });
    try {
      const until = Date.now() + 20_000;
      while (rx.sent.length < 600 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await worker.stop();
    }
    assert.equal(rx.sent.length, 600);
    assert.ok((await tuples()) > 0, "ANALYZE ran: the planner knows the table's size");
  });

  test(`${name}: health(): the core's verdict on the database, the keys, the worker and the oldest due delivery`, async () => {
    const { store, db } = await ready();
    const verdict = await store.health();
    assert.deepEqual([verdict.status, verdict.ready, verdict.checks, verdict.oldestDueAgeMs], ["ok", true, { database: "ok", keys: "ok", worker: "none", backlog: "ok" }, null]);
    await store.createEndpoint("hl", { url: `${URL_BASE}/h` });
    await store.publish("hl", { type: "h.l", data: {} });
    advance(5 * 60_000 + 1);
    const late = await store.health({ policy: { lateAfterMs: 5 * 60_000 } });
    assert.deepEqual([late.status, late.ready, late.checks.backlog, late.oldestDueAgeMs], ["degraded", true, "late", 5 * 60_000 + 1]);
    const rx = receiver();
    const worker = store.startWorker(dispatcher(store, rx.fetch), { idleMs: 20, leaseMs: 60_000 });
    try {
      const until = Date.now() + 10_000;
      while (rx.sent.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const working = await store.health({ worker });
      assert.deepEqual([working.status, working.checks.worker, working.worker.running], ["ok", "ok", true], JSON.stringify(working));
    } finally {
      await worker.stop();
    }
    const stopped = await store.health({ worker });
    assert.deepEqual([stopped.ready, stopped.checks.worker], [false, "stopped"]);
    // A worker whose loop has not turned for longer than allowed is stalled; one whose database
    // is away is unavailable (what its status says).
    const quiet = { status: () => ({ running: true, database: "ok", lastLoopAtMs: clock() - 31_000, idleMs: 100 }) };
    const stalled = await store.health({ worker: quiet, policy: { workerStalledAfterMs: 30_000 } });
    assert.deepEqual([stalled.status, stalled.ready, stalled.checks.worker], ["unavailable", false, "stalled"]);
    const away = await store.health({ worker: { status: () => ({ running: true, database: "unavailable", lastLoopAtMs: clock(), idleMs: 100 }) } });
    assert.deepEqual([away.ready, away.checks.worker], [false, "unavailable"]);
    // Secrets sealed with a key this store was not given: degraded, still ready.
    const other = await storeOn(db, { encryptionKey: { current: "k2", keys: { k2: KEY2 } } });
    const keyless = await other.health();
    assert.deepEqual([keyless.status, keyless.ready, keyless.checks.keys], ["degraded", true, "missing"], JSON.stringify(other.keyReport));
    assert.equal((await caught(store.health({ worker: {} }))).code, "invalid_argument");
  });

  test(`${name}: stats, endpointStats (and its API route) and the Prometheus text: bounded labels, no endpoint or tenant`, async () => {
    const { store } = await ready();
    const metrics = createMetrics({ store });
    try {
      const rx = receiver();
      rx.status["/slow"] = 500;
      const d = dispatcher(store, rx.fetch);
      const ok = (await store.createEndpoint("st", { url: `${URL_BASE}/fine` })).endpoint;
      const bad = (await store.createEndpoint("st", { url: `${URL_BASE}/slow` })).endpoint;
      const since = clock();
      for (let i = 0; i < 3; i++) {
        await store.publish("st", { type: "s.t", data: { i } });
        await store.deliverDue(d);
        advance(60_000);
      }
      // Three failing deliveries, each retried at every round: all due 1 s after the last.
      const stats = await store.stats();
      assert.deepEqual([stats.pending, stats.due, stats.oldestDueAtMs - since], [3, 3, 121_000], JSON.stringify(stats));
      const states = Object.fromEntries(stats.endpoints.map((e) => [e.state, e.count]));
      assert.deepEqual([states.healthy, states.failing, stats.endpoints.length], [1, 1, 2], JSON.stringify(stats.endpoints));
      const fine = await store.endpointStats("st", ok.id, { sinceMs: since, untilMs: clock(), bucketMs: 60_000 });
      assert.deepEqual(fine.data.map((b) => [b.atMs - since, b.attempts, b.delivered]), [[0, 1, 1], [60_000, 1, 1], [120_000, 1, 1]]);
      const failing = await store.endpointStats("st", bad.id, { sinceMs: since, untilMs: clock(), bucketMs: 180_000 });
      assert.deepEqual(failing.data.map((b) => [b.attempts, b.delivered, b.answered]), [[6, 0, 6]]);
      assert.equal((await caught(store.endpointStats("someone-else", ok.id))).code, "not_found");
      assert.equal((await caught(store.endpointStats("st", ok.id, { sinceMs: 0, untilMs: 10_000_000, bucketMs: 1000 }))).code, "invalid_argument");
      const TOKEN = "ops-test-token-0123456789";
      const api = createManagementApi({ store, token: TOKEN });
      const route = (query) => api(new Request(`http://ops.test/v1/tenants/st/endpoints/${ok.id}/stats?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
      const answered = await route(`sinceMs=${since}&bucketMs=60000`);
      assert.deepEqual([answered.status, (await answered.json()).data.length], [200, 3]);
      const refusedQuery = await route("bucketMs=soon");
      assert.deepEqual([refusedQuery.status, (await refusedQuery.json()).code], [400, "invalid_argument"]);
      const text = await (await metrics.handler(new Request("http://ops.test/metrics"))).text();
      const samples = text.split("\n").filter((l) => l && !l.startsWith("#"));
      const value = (line) => Number(samples.find((l) => l.startsWith(line))?.split(" ").at(-1));
      assert.equal(value('hookline_attempts_total{outcome="delivered"}'), 3, text);
      assert.equal(value('hookline_attempts_total{outcome="retry"}'), 6, text);
      assert.equal(value('hookline_attempt_duration_seconds_count{outcome="delivered"}'), 3, text);
      assert.equal(value("hookline_deliveries_pending"), 3);
      assert.equal(value('hookline_endpoints{state="failing",reason=""}'), 1);
      assert.ok(value("hookline_oldest_due_delivery_age_seconds") > 0, text);
      for (const l of samples) assert.ok(!l.includes(ok.id) && !l.includes(bad.id) && !l.includes('"st"'), `a per-endpoint or per-tenant label: ${l}`);
      assert.equal((await metrics.handler(new Request("http://ops.test/metrics", { method: "POST" }))).status, 405);
    } finally {
      metrics.close();
    }
  });
}
