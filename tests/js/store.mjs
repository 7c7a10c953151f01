// The store contract, run against PGlite and a real PostgreSQL server (a throwaway cluster from
// Debian's postgresql package, started here in a temp folder on 127.0.0.1 and stopped at the end).
// Node only: the store's clients are Node packages. `node store.mjs` from a consumer folder.
import { fork, spawn } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import * as hookline from "hookline";
import { createManagementApi, createStore, storeMigrations } from "hookline/store";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { startCluster } from "./pg-cluster.mjs";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const { createDispatcher, SenderError } = hookline;
const KEY = Buffer.alloc(32, 7).toString("base64");
const KEY2 = Buffer.alloc(32, 9).toString("base64");

// ---- the contract --------------------------------------------------------------------------------
function contract(name, open) {
  const { test, run } = createHarness();
  let now = 1_800_000_000_000;
  const clock = () => now;
  const made = async (extra = {}) => {
    const db = await open();
    const store = await createStore({ db, encryptionKey: KEY, clock, maxEndpointsPerOwner: 5, ssrf: { allow: ["127.0.0.1"] }, ...extra });
    return { db, store };
  };
  let fresh;

  test(`${name}: bad options reject with a SenderError`, async () => {
    for (const options of [null, {}, { db: {}, encryptionKey: KEY }, { db: await open(), encryptionKey: "too short" }, { db: await open(), encryptionKey: KEY, maxEndpointsPerOwner: 0 }]) {
      const e = await createStore(options).catch((err) => err);
      assert.ok(e instanceof SenderError && e.code === "invalid_argument" && !(e instanceof hookline.WebhookVerificationError), `${e?.name}: ${e?.message}`);
    }
    assert.deepEqual(storeMigrations.map((m) => m.version), [1, 2]);
  });

  test(`${name}: migrate applies every version once`, async () => {
    fresh = await made();
    assert.deepEqual(await fresh.store.migrate(), [1, 2]);
    assert.deepEqual(await fresh.store.migrate(), []);
  });

  test(`${name}: create returns the secret once; get and list never show it; at rest it is sealed`, async () => {
    const { store, db } = fresh;
    const { endpoint, secret } = await store.createEndpoint("acme", { url: "https://hooks.example.com/a", eventTypes: ["invoice.*"], description: "billing" });
    assert.ok(secret.startsWith("whsec_") && endpoint.id.startsWith("ep_"));
    assert.deepEqual([endpoint.owner, endpoint.url, endpoint.eventTypes, endpoint.secretVersion, endpoint.enabled], ["acme", "https://hooks.example.com/a", ["invoice.*"], 1, true]);
    const got = await store.getEndpoint("acme", endpoint.id);
    const listed = await store.listEndpoints("acme");
    for (const shown of [got, listed.data[0]]) assert.ok(!JSON.stringify(shown).includes(secret.slice(6)), "a secret in a view");
    const raw = JSON.stringify((await db.query("SELECT * FROM hookline_endpoints")).rows);
    assert.ok(!raw.includes(secret.slice(6)) && raw.includes("v1.k1."), "the secret is stored in the clear");
    const other = await store.getEndpoint("someone-else", endpoint.id).catch((e) => e);
    assert.ok(other instanceof SenderError && other.code === "not_found", "another owner's endpoint");
  });

  test(`${name}: the per-owner cap holds under 20 concurrent creates`, async () => {
    const { store } = fresh;
    const tries = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.createEndpoint("crowd", { url: `https://hooks.example.com/c${i}` })));
    const ok = tries.filter((t) => t.status === "fulfilled").length;
    assert.equal(ok, 5, "creates that passed the cap of 5");
    assert.ok(tries.filter((t) => t.status === "rejected").every((t) => t.reason.code === "endpoint_limit"));
    const { data } = await store.listEndpoints("crowd", { limit: 100 });
    assert.equal(data.length, 5);
    await store.deleteEndpoint("crowd", data[0].id);
    assert.ok((await store.createEndpoint("crowd", { url: "https://hooks.example.com/again" })).endpoint.id);
  });

  test(`${name}: cursor pages skip and repeat nothing while endpoints are added`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 500 });
    await store.migrate();
    const seen = [];
    for (let i = 0; i < 30; i++) {
      now += 1;
      await store.createEndpoint("pager", { url: `https://hooks.example.com/p${i}` });
    }
    let cursor = null;
    let added = 0;
    do {
      const page = await store.listEndpoints("pager", { limit: 7, cursor });
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
      // Inserts between pages land after every id seen (ids sort by creation time).
      now += 1;
      await store.createEndpoint("pager", { url: `https://hooks.example.com/late${added++}` });
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, "an endpoint repeated across pages");
    const all = (await store.listEndpoints("pager", { limit: 100 })).data.map((e) => e.id);
    assert.deepEqual(seen, all.slice(0, seen.length), "pages are the list in order, nothing skipped");
    const bad = await store.listEndpoints("pager", { cursor: "not-a-cursor" }).catch((e) => e);
    assert.equal(bad.code, "invalid_argument");
  });

  test(`${name}: update keeps an audit time; the guard refuses internal URLs; delete frees the id`, async () => {
    const { store } = fresh;
    const { endpoint } = await store.createEndpoint("upd", { url: "https://hooks.example.com/u" });
    now += 1000;
    const changed = await store.updateEndpoint("upd", endpoint.id, { enabled: false, channels: ["eu"] });
    assert.deepEqual([changed.enabled, changed.channels, changed.updatedAtMs - changed.createdAtMs], [false, ["eu"], 1000]);
    for (const url of ["http://169.254.169.254/latest", "http://kubernetes.default.svc/", "ftp://x.example.com/"]) {
      const e = await store.updateEndpoint("upd", endpoint.id, { url }).catch((err) => err);
      assert.ok(e instanceof SenderError && (e.code === "target_not_allowed" || e.code === "invalid_url"), `${url}: ${e?.code}`);
    }
    await store.deleteEndpoint("upd", endpoint.id);
    const gone = await store.getEndpoint("upd", endpoint.id).catch((e) => e);
    assert.equal(gone.code, "not_found");
  });

  test(`${name}: rotation signs with both secrets during the grace period, then only the new one`, async () => {
    const { store } = fresh;
    const { endpoint, secret: first } = await store.createEndpoint("rot", { url: "https://hooks.example.com/r" });
    const { secret: second, endpoint: rotated } = await store.rotateSecret("rot", endpoint.id, { graceMs: 60_000 });
    assert.equal(rotated.secretVersion, 2);
    assert.ok(second !== first);
    // Signed at the real time (standardwebhooks checks it); the store's clock decides the grace.
    const sign = async () => {
      const keys = await store.keysFor(endpoint.id, rotated.secretVersion);
      const ep = new hookline.DeliveryEndpoint({ url: "https://hooks.example.com/r", ...keys });
      const t = Date.now();
      const begun = ep.begin(1, t, "msg_rot", '{"a":1}');
      return { "webhook-id": "msg_rot", "webhook-timestamp": String(Math.floor(t / 1000)), "webhook-signature": begun.headers["webhook-signature"] };
    };
    const verifies = (secret, headers) => {
      try {
        new Webhook(secret).verify('{"a":1}', headers);
        return true;
      } catch {
        return false;
      }
    };
    const during = await sign();
    assert.deepEqual([verifies(first, during), verifies(second, during)], [true, true], "during the grace period");
    now += 61_000;
    const after = await sign();
    assert.deepEqual([verifies(first, after), verifies(second, after)], [false, true], "after the grace period");
    const tooNew = await store.keysFor(endpoint.id, 3).catch((e) => e);
    assert.equal(tooNew.code, "keys_unavailable");
  });

  test(`${name}: the dispatcher resolves keys from the store (jobs carry none)`, async () => {
    const { store } = fresh;
    const { endpoint, secret } = await store.createEndpoint("disp", { url: "https://hooks.example.com/d" });
    let sent;
    const d = createDispatcher({ retries: "none", ssrf: false, resolveKeys: store.keysFor, fetch: async (url, init) => ((sent = init.headers), new Response(null, { status: 204 })) });
    const job = d.makeJob({ id: "msg_d", type: "a.b", body: "{}" }, { id: endpoint.id, url: endpoint.url, secretVersion: endpoint.secretVersion });
    const r = await d.attempt(job);
    assert.equal(r.plan.kind, "done");
    assert.ok(!JSON.stringify(job).includes(secret.slice(6)));
    new Webhook(secret).verify("{}", { "webhook-id": sent["webhook-id"], "webhook-timestamp": sent["webhook-timestamp"], "webhook-signature": sent["webhook-signature"] });
  });

  test(`${name}: the encryption key rotates: a new current key, old rows still open, reseal moves them`, async () => {
    const { db } = fresh;
    const before = await createStore({ db, encryptionKey: KEY, clock });
    const { endpoint, secret } = await before.createEndpoint("keys", { url: "https://hooks.example.com/k" });
    const both = await createStore({ db, encryptionKey: { current: "k2", keys: { k1: KEY, k2: KEY2 } }, clock });
    assert.deepEqual((await both.keysFor(endpoint.id)).secrets, [secret]);
    assert.ok((await both.reseal()) >= 1);
    const onlyNew = await createStore({ db, encryptionKey: { current: "k2", keys: { k2: KEY2 } }, clock });
    assert.deepEqual((await onlyNew.keysFor(endpoint.id)).secrets, [secret]);
    const wrong = await createStore({ db, encryptionKey: { current: "k2", keys: { k2: KEY } }, clock });
    const e = await wrong.keysFor(endpoint.id).catch((err) => err);
    assert.ok(e.code === "keys_unavailable" && !e.message.includes(secret.slice(6)), e.message);
    const badKey = await createStore({ db, encryptionKey: "short" }).catch((err) => err);
    assert.equal(badKey.code, "invalid_argument");
  });

  test(`${name}: publish stores the event and one delivery per match in one go; the same id twice is one event`, async () => {
    const { store } = await made();
    await store.migrate();
    await store.createEndpoint("pub", { url: "https://hooks.example.com/inv", eventTypes: ["invoice.*"] });
    await store.createEndpoint("pub", { url: "https://hooks.example.com/all" });
    await store.createEndpoint("pub", { url: "https://hooks.example.com/cust", eventTypes: ["customer.*"] });
    const first = await store.publish("pub", { id: "msg_same", type: "invoice.paid", data: { n: 1 } });
    const again = await store.publish("pub", { id: "msg_same", type: "invoice.paid", data: { n: 1 } });
    assert.deepEqual([first.eventId, first.matched, first.duplicate], ["msg_same", 2, false]);
    assert.deepEqual([again.matched, again.duplicate], [2, true]);
    const bad = await store.publish("pub", { type: "bad type!", data: {} }).catch((e) => e);
    assert.equal(bad.code, "invalid_event_type");
    const jobs = await store.claimDue({ limit: 10 });
    assert.equal(jobs.length, 2, "deliveries stored");
    assert.ok(jobs.every((j) => j.envelope.id === "msg_same" && !("secret" in j)));
  });

  test(`${name}: two workers never claim the same delivery; a lost lease makes it due again`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 100 });
    await store.migrate();
    await store.createEndpoint("claim", { url: "https://hooks.example.com/x" });
    for (let i = 0; i < 40; i++) await store.publish("claim", { type: "a.b", data: { i } });
    const [a, b, c] = await Promise.all([store.claimDue({ limit: 15 }), store.claimDue({ limit: 15 }), store.claimDue({ limit: 15 })]);
    const ids = [...a, ...b, ...c].map((j) => j.deliveryId);
    assert.equal(ids.length, 40);
    assert.equal(new Set(ids).size, 40, "a delivery claimed twice");
    assert.equal((await store.claimDue({ limit: 50 })).length, 0, "claimed ones are leased");
    now += 60_001;
    assert.equal((await store.claimDue({ limit: 50 })).length, 40, "expired leases are due again");
  });

  test(`${name}: deliverDue drives retries to delivery and keeps a complete attempt chain and the health`, async () => {
    const { store } = await made();
    await store.migrate();
    let calls = 0;
    const d = createDispatcher({
      retries: "none",
      clock,
      resolveKeys: store.keysFor,
      ssrf: false,
      retry: { schedule: [0, 1000, 1000] },
      fetch: async () => new Response("x", { status: ++calls < 3 ? 503 : 200 }),
    });
    const { endpoint } = await store.createEndpoint("drive", { url: "https://hooks.example.com/d" });
    const { eventId, deliveryIds } = await store.publish("drive", { type: "a.b", data: {} });
    for (let i = 0; i < 5; i++) {
      await store.deliverDue(d);
      now += 1000;
    }
    const delivery = await store.getDelivery("drive", deliveryIds[0]);
    assert.deepEqual([delivery.state, delivery.eventId, delivery.attempts.map((r) => [r.attempt, r.outcome])], ["delivered", eventId, [[1, "retry"], [2, "retry"], [3, "delivered"]]]);
    const stored = await store.getEndpoint("drive", endpoint.id);
    assert.deepEqual([stored.health.state, stored.health.consecutiveFailures], ["healthy", 0]);
  });

  test(`${name}: attempts list newest first by cursor; redelivery is a new chain; retention keeps pending work`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 10 });
    await store.migrate();
    let status = 503;
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, retry: { schedule: [0, 10] }, fetch: async () => new Response("", { status }) });
    const { endpoint } = await store.createEndpoint("log", { url: "https://hooks.example.com/l" });
    const published = [];
    for (let i = 0; i < 6; i++) {
      now += 10;
      published.push(await store.publish("log", { type: "a.b", data: { i } }));
      await store.deliverDue(d);
    }
    now += 10;
    await store.deliverDue(d); // the second (last) attempts: all give up
    const pages = [];
    let cursor = null;
    do {
      const page = await store.listAttempts("log", endpoint.id, { limit: 5, cursor });
      pages.push(page.data);
      cursor = page.nextCursor;
      if (pages.length === 1) {
        // Appended meanwhile: newer than every record listed, so later pages do not shift.
        now += 10;
        await store.publish("log", { type: "a.b", data: { late: true } });
        await store.deliverDue(d);
      }
    } while (cursor);
    const listed = pages.flat();
    // 6 deliveries x 2 attempts; the late attempt is newer than the first page, so on no page.
    assert.equal(listed.length, 12, "records listed");
    assert.equal((await store.listAttempts("log", endpoint.id, { limit: 100 })).data.length, 13, "with the late one");
    assert.ok(listed.slice(0, 5).every((r, i, a) => i === 0 || r.attemptedAtMs <= a[i - 1].attemptedAtMs), "newest first");
    assert.equal(new Set(listed.map((r) => `${r.deliveryId}/${r.attempt}`)).size, 12, "a record repeated");
    const before = await store.getDelivery("log", published[0].deliveryIds[0]);
    assert.equal(before.state, "failed");
    status = 200;
    const again = await store.redeliver("log", published[0].deliveryIds[0]);
    await store.deliverDue(d);
    const redone = await store.getDelivery("log", again.deliveryId);
    assert.deepEqual([redone.eventId, redone.state, redone.attempts.length], [published[0].eventId, "delivered", 1]);
    assert.deepEqual((await store.getDelivery("log", published[0].deliveryIds[0])).attempts.length, 2, "the old chain is unchanged");
    const missing = await store.redeliver("someone", published[0].deliveryIds[0]).catch((e) => e);
    assert.equal(missing.code, "not_found");
    // Retention: the late event's delivery is still pending (its retry is due later), so it stays.
    const removed = await store.prune({ olderThanMs: now + 1 });
    assert.equal(removed, 6);
    assert.equal((await store.getDelivery("log", again.deliveryId).catch((e) => e)).code, "not_found");
    assert.equal((await store.listAttempts("log", endpoint.id, { limit: 100 })).data.length, 1);
  });

  test(`${name}: the management API: endpoints, secrets shown once, events, attempts, deliveries, problems`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 2 });
    await store.migrate();
    const TOKEN = "t0ken-for-the-tests-only";
    const api = createManagementApi({ store, token: TOKEN });
    const call = (method, path, body, headers = {}) =>
      api(new Request(`http://api.test/v1/tenants/acme/${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }));
    const created = await call("POST", "endpoints", { url: "https://hooks.example.com/api", eventTypes: ["invoice.*"] });
    assert.equal(created.status, 201);
    const { endpoint, secret } = await created.json();
    assert.ok(secret.startsWith("whsec_"));
    const bodies = [];
    for (const [method, path] of [["GET", "endpoints"], ["GET", `endpoints/${endpoint.id}`], ["PATCH", `endpoints/${endpoint.id}`]]) {
      const r = await call(method, path, method === "PATCH" ? { description: "renamed" } : undefined);
      assert.equal(r.status, 200, `${method} ${path}`);
      bodies.push(await r.text());
    }
    assert.ok(bodies.every((b) => !b.includes(secret.slice(6))), "a secret after creation");
    assert.equal(JSON.parse(bodies[2]).description, "renamed");
    const rotated = await (await call("POST", `endpoints/${endpoint.id}/rotate-secret`)).json();
    assert.ok(rotated.secret !== secret && rotated.endpoint.secretVersion === 2);
    const published = await call("POST", "events", { id: "msg_api", type: "invoice.paid", data: { n: 1 } });
    assert.equal(published.status, 202);
    assert.deepEqual(await published.json(), { eventId: "msg_api", matched: 1, duplicate: false });
    assert.equal((await (await call("POST", "events", { id: "msg_api", type: "invoice.paid", data: { n: 1 } })).json()).duplicate, true);
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, fetch: async () => new Response(null, { status: 204 }) });
    await store.deliverDue(d);
    const attempts = await (await call("GET", `endpoints/${endpoint.id}/attempts?limit=10`)).json();
    assert.deepEqual([attempts.data.length, attempts.data[0].outcome, attempts.nextCursor], [1, "delivered", null]);
    const deliveryId = attempts.data[0].deliveryId;
    assert.equal((await (await call("GET", `deliveries/${deliveryId}`)).json()).state, "delivered");
    assert.equal((await call("POST", `deliveries/${deliveryId}/redeliver`)).status, 202);
    // Problems: a stable code, application/problem+json, no secret.
    const expectProblem = async (r, status, code) => {
      assert.equal(r.status, status, code);
      assert.ok((r.headers.get("content-type") ?? "").startsWith("application/problem+json"), code);
      const p = await r.json();
      assert.deepEqual([p.status, p.code], [status, code]);
    };
    await expectProblem(await call("GET", "endpoints", undefined, { authorization: "Bearer wrong" }), 401, "unauthorized");
    await expectProblem(await api(new Request("http://api.test/v1/tenants/acme/endpoints")), 401, "unauthorized");
    await expectProblem(await call("POST", "endpoints", { url: "http://127.0.0.2/x" }), 400, "target_not_allowed");
    await expectProblem(await call("POST", "endpoints", "{not json"), 400, "invalid_argument");
    await expectProblem(await call("POST", "endpoints", { url: "https://hooks.example.com/x" }, { "content-type": "text/plain" }), 415, "unsupported_media_type");
    await expectProblem(await call("POST", "endpoints", JSON.stringify({ url: "https://hooks.example.com/x", description: "x".repeat(2 * 1024 * 1024) })), 413, "payload_too_large");
    await call("POST", "endpoints", { url: "https://hooks.example.com/two" });
    await expectProblem(await call("POST", "endpoints", { url: "https://hooks.example.com/three" }), 409, "endpoint_limit");
    await expectProblem(await call("GET", "endpoints/ep_none"), 404, "not_found");
    await expectProblem(await call("PUT", `endpoints/${endpoint.id}`, {}), 405, "method_not_allowed");
    await expectProblem(await call("GET", "nowhere"), 404, "not_found");
    await expectProblem(await call("GET", "endpoints/%E0%A4%A"), 400, "invalid_argument");
    await expectProblem(await call("POST", "events", { type: "bad type!", data: {} }), 400, "invalid_event_type");
    assert.equal((await call("DELETE", `endpoints/${endpoint.id}`)).status, 204);
    assert.throws(() => createManagementApi({ store, token: "short" }), "invalid_argument", SenderError);
    const hooked = createManagementApi({ store, authorize: (req, tenant) => tenant === "acme" && req.headers.get("x-user") === "ok" });
    assert.equal((await hooked(new Request("http://api.test/v1/tenants/acme/endpoints", { headers: { "x-user": "ok" } }))).status, 200);
    assert.equal((await hooked(new Request("http://api.test/v1/tenants/other/endpoints", { headers: { "x-user": "ok" } }))).status, 401);
  });

  return run;
}

/**
 * Crash: workers (other processes) deliver 90 deliveries to a receiver that answers 503 to each
 * delivery's first request; the first worker is killed with SIGKILL mid-run, then two workers
 * finish on the same database. Every delivery must end delivered with its attempts recorded.
 */
async function crashTest(cluster) {
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query("CREATE DATABASE crash");
  await admin.end();
  const pool = new pg.Pool({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "crash", max: 4 });
  const workers = new Set();
  const seen = new Map();
  let hits = 0;
  const receiver = createHttpServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits++;
      const id = req.headers["webhook-delivery-id"];
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      res.writeHead(n === 1 ? 503 : 200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const startWorker = async () => {
    const w = fork(new URL("./store-worker.mjs", import.meta.url), [String(cluster.port), "crash"], { stdio: "inherit" });
    workers.add(w);
    w.on("exit", () => workers.delete(w));
    await new Promise((resolve, reject) => {
      w.once("message", resolve);
      w.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
    });
    return w;
  };
  const waitFor = async (what, ok, ms) => {
    const until = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    const store = await createStore({ db: pool, encryptionKey: KEY, ssrf: { allow: ["127.0.0.1"] } });
    await store.migrate();
    const base = `http://127.0.0.1:${receiver.address().port}`;
    for (let k = 0; k < 3; k++) await store.createEndpoint("crash", { url: `${base}/ep${k}` });
    for (let i = 0; i < 30; i++) await store.publish("crash", { type: "a.b", data: { i } });
    const first = await startWorker();
    await waitFor("the first worker's attempts", () => hits >= 40, 20_000);
    first.kill("SIGKILL");
    await new Promise((r) => (workers.has(first) ? first.once("exit", r) : r()));
    await Promise.all([startWorker(), startWorker()]);
    const pending = async () => (await pool.query("SELECT count(*)::int AS n FROM hookline_deliveries WHERE state <> 'delivered'")).rows[0].n;
    await waitFor("every delivery delivered", async () => (await pending()) === 0, 30_000);
    const { rows } = await pool.query("SELECT d.id, array_agg(a.outcome ORDER BY a.seq) AS outcomes, array_agg(a.attempt ORDER BY a.seq) AS attempts FROM hookline_deliveries d LEFT JOIN hookline_attempts a ON a.delivery_id = d.id GROUP BY d.id");
    assert.equal(rows.length, 90, "deliveries");
    for (const r of rows) {
      assert.equal(r.outcomes.at(-1), "delivered", `${r.id}: ${r.outcomes}`);
      assert.ok(r.attempts.every((a, i) => i === 0 || a >= r.attempts[i - 1]), `${r.id}: attempts ${r.attempts}`);
      assert.ok(seen.get(r.id) >= 2, `${r.id}: the receiver saw it ${seen.get(r.id)} times`);
    }
  } finally {
    for (const w of workers) w.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
    receiver.close();
    receiver.closeAllConnections?.();
    await pool.end();
  }
}

/**
 * `hookline serve` on PostgreSQL: the installed CLI runs the API and the worker; an endpoint is
 * registered and an event published over HTTP, the receiver verifies the delivery with
 * standardwebhooks, the attempt shows in the API, and SIGTERM stops it cleanly.
 */
async function serveTest(cluster) {
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query("CREATE DATABASE served");
  await admin.end();
  let secret = null;
  const verified = [];
  const receiver = createHttpServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        new Webhook(secret).verify(Buffer.concat(chunks).toString("utf8"), req.headers);
        verified.push(req.headers["webhook-id"]);
        res.writeHead(204).end();
      } catch {
        res.writeHead(401).end();
      }
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const TOKEN = "serve-test-token-0123456789";
  const bin = new URL("./node_modules/hookline/bin/hookline.mjs", import.meta.url);
  const child = spawn(process.execPath, [bin.pathname, "serve", "--db", `postgres://postgres@127.0.0.1:${cluster.port}/served`, "--port", "0", "--schedule", "0,200ms", "--allow-targets", "127.0.0.1"], {
    env: { ...process.env, HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  try {
    const until = Date.now() + 20_000;
    while (!/API on (http:\/\/127\.0\.0\.1:\d+)/.test(out)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`serve did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const base = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)[1];
    const call = async (method, path, body) => {
      const r = await fetch(`${base}/v1/tenants/acme/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body && JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const created = await call("POST", "endpoints", { url: `http://127.0.0.1:${receiver.address().port}/in` });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    secret = created.body.secret;
    const published = await call("POST", "events", { id: "msg_served", type: "a.b", data: { ok: true } });
    assert.deepEqual([published.status, published.body.matched], [202, 1]);
    const deadline = Date.now() + 15_000;
    while (!verified.includes("msg_served")) {
      if (Date.now() > deadline) throw new Error(`no verified delivery: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    let attempts;
    do attempts = await call("GET", `endpoints/${created.body.endpoint.id}/attempts`);
    while (attempts.body.data.length === 0 && Date.now() < deadline);
    assert.equal(attempts.body.data[0]?.outcome, "delivered");
    assert.ok(!out.includes(secret.slice(6)) && !out.includes(TOKEN), "a secret in serve's output");
    child.kill("SIGTERM");
    const { code } = await exited;
    assert.equal(code, 0, `serve exit code (${out})`);
    assert.ok(/stopped/.test(out));
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    receiver.close();
    receiver.closeAllConnections?.();
  }
}

const clusters = [];
let failed = 0;
try {
  const pglite = contract("pglite", async () => {
    const db = new PGlite();
    await db.waitReady;
    return db;
  });
  const r1 = await pglite("node-store-pglite");
  report(r1);
  failed += r1.failed + (r1.passed === 0 ? 1 : 0);

  const cluster = await startCluster();
  clusters.push(cluster);
  let n = 0;
  const pools = [];
  const postgres = contract("postgresql", async () => {
    // A database per store, so every run starts from an empty schema.
    const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
    await admin.connect();
    const name = `t${++n}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const pool = new pg.Pool({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: name, max: 10 });
    pools.push(pool);
    return pool;
  });
  const r2 = await postgres("node-store-postgresql");
  for (const [title, fn] of [
    ["postgresql: a worker killed with SIGKILL mid-run loses nothing", crashTest],
    ["postgresql: hookline serve runs the API and the worker, and stops on SIGTERM", serveTest],
  ]) {
    const error = await fn(cluster).then(() => null, (e) => e);
    if (error) {
      r2.failed += 1;
      r2.failures.push({ name: title, error: String(error?.stack ?? error) });
    } else r2.passed += 1;
  }
  report(r2);
  failed += r2.failed + (r2.passed === 0 ? 1 : 0);
  await Promise.all(pools.map((p) => p.end()));
} catch (e) {
  console.log(`  FAIL store: ${e?.stack ?? e}`);
  failed++;
} finally {
  for (const c of clusters) c.stop();
}
process.exitCode = failed ? 1 : 0;
