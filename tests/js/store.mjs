// The store contract, run against PGlite, a real PostgreSQL server (a throwaway cluster from
// Debian's postgresql package, started here in a temp folder on 127.0.0.1 and stopped at the end)
// and Cloudflare D1 (workerd's SQLite through Miniflare's binding proxy). Node only: the clients
// are Node packages. `node store.mjs` from a consumer folder.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer as createHttpServer } from "node:http";
import * as hookline from "hookline";
import { createDedupe, createManagementApi, createStore, kvDedupe, memoryDedupe, nodeListener, storeMigrations } from "hookline/store";
import { PGlite } from "@electric-sql/pglite";
import { Miniflare } from "miniflare";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { startCluster } from "./pg-cluster.mjs";
import { defectTests } from "./store-defects.mjs";
import { operationsTests } from "./store-operations.mjs";
import { serveFlagsTest, serveOperationsTest } from "./store-serve-operations.mjs";
import { checkDocument, checkedFetch, checkedHandler, unexercised } from "./openapi-check.mjs";
import { serveSupportTest, supportTests } from "./store-support.mjs";
import { orderTests, serveOrderTest } from "./store-order.mjs";
import { transactionalExample } from "./store-example.mjs";
import { operatorExample } from "./store-operator-example.mjs";
import { cliInputTest, databaseErrorsTest, databaseOutageTest, hangingEndpointTest, honestLogTest, pgliteDirectoryTest, rotationTest, startServe, tenantEventIdsTest, terminatedConnectionsTest, waitFor, wrongKeyTest } from "./store-serve.mjs";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const { createDispatcher, HooklineError, SenderError } = hookline;
const KEY = Buffer.alloc(32, 7).toString("base64");
const KEY2 = Buffer.alloc(32, 9).toString("base64");

// ---- the contract --------------------------------------------------------------------------------
/** The management API with every answer checked against openapi.json (openapi-check.mjs). */
const checked = (options) => checkedHandler(createManagementApi(options));
/** Rows straight from the database, past the store (D1's binding or PostgreSQL's query). */
const rawRows = async (db, text) => (typeof db.query !== "function" ? (await db.prepare(text).all()).results : (await db.query(text)).rows);

// While working on the store: STORE_TESTS=words runs only the tests whose titles hold one of
// them, and STORE_VERBOSE=1 prints each test's title and time as it ends.
const only = (process.env.STORE_TESTS ?? "").split(",").filter(Boolean);
const chosen = (title) => only.length === 0 || only.some((w) => title.includes(w));

function contract(name, open) {
  const harness = createHarness();
  const test = (title, fn) => {
    if (!chosen(title)) return;
    harness.test(title, async () => {
      const t = Date.now();
      // A test that never ends fails after 3 minutes instead of holding the run (a worker whose
      // records fail retries them for as long as a frozen clock keeps their leases).
      let timer;
      const limit = new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error("did not end within 180 s")), 180_000);
      });
      try {
        await Promise.race([fn(), limit]);
      } finally {
        clearTimeout(timer);
        if (process.env.STORE_VERBOSE) console.log(`  ${title} (${Date.now() - t} ms)`);
      }
    });
  };
  const { run } = harness;
  let now = 1_800_000_000_000;
  const clock = () => now;
  const storeOn = (db, extra = {}) => createStore({ db, encryptionKey: KEY, clock, maxEndpointsPerOwner: 5, ssrf: { allow: ["127.0.0.1"] }, ...extra });
  const made = async (extra = {}) => {
    const db = await open();
    return { db, store: await storeOn(db, extra) };
  };
  let fresh;

  test(`${name}: bad options reject with a SenderError`, async () => {
    for (const options of [null, {}, { db: {}, encryptionKey: KEY }, { db: await open(), encryptionKey: "too short" }, { db: await open(), encryptionKey: KEY, maxEndpointsPerOwner: 0 }]) {
      const e = await createStore(options).catch((err) => err);
      assert.ok(e instanceof SenderError && e.code === "invalid_argument" && !(e instanceof hookline.WebhookVerificationError), `${e?.name}: ${e?.message}`);
    }
    assert.deepEqual(storeMigrations.map((m) => m.version), [1, 2, 3, 4, 6, 7, 8, 9]);
  });

  test(`${name}: migrate applies every version once`, async () => {
    fresh = await made();
    assert.deepEqual(await fresh.store.migrate(), storeMigrations.map((m) => m.version));
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
    const raw = JSON.stringify(await rawRows(db, "SELECT * FROM hookline_endpoints"));
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
    // The wrong key under the right id: the store refuses to start, naming the key id.
    const e = await createStore({ db, encryptionKey: { current: "k2", keys: { k2: KEY } }, clock }).catch((err) => err);
    assert.ok(e.code === "keys_unavailable" && e.message.includes('"k2"') && !e.message.includes(secret.slice(6)), e.message);
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

  test(`${name}: concurrent publishes: one id published 10 times at once is one event; owners keep their own endpoints`, async () => {
    const { store } = await made();
    await store.migrate();
    await store.createEndpoint("pa", { url: "https://hooks.example.com/a1" });
    await store.createEndpoint("pa", { url: "https://hooks.example.com/a2" });
    await store.createEndpoint("pb", { url: "https://hooks.example.com/b1" });
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => store.publish("pa", { id: "msg_burst", type: "a.b", data: {} })),
      ...Array.from({ length: 10 }, (_, i) => store.publish("pa", { type: "a.b", data: { i } })),
      ...Array.from({ length: 10 }, (_, i) => store.publish("pb", { type: "a.b", data: { i } })),
    ]);
    const burst = results.slice(0, 10);
    assert.equal(burst.filter((r) => !r.duplicate).length, 1, "one of the ten is the event");
    const ids = JSON.stringify(burst.find((r) => !r.duplicate).deliveryIds.sort());
    assert.ok(burst.every((r) => r.matched === 2 && JSON.stringify([...r.deliveryIds].sort()) === ids), "every duplicate names the same two deliveries");
    assert.ok(results.slice(10, 20).every((r) => !r.duplicate && r.matched === 2));
    assert.ok(results.slice(20).every((r) => !r.duplicate && r.matched === 1));
    const jobs = await store.claimDue({ limit: 100 });
    assert.equal(jobs.length, 2 + 20 + 10, "deliveries stored, none twice");
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

  /**
   * A dispatcher for `store` whose requests to URLs holding `part` hang until released (each
   * one's release in `releases`); the others answer 204 at once.
   */
  const hanging = (store, part, options = {}) => {
    const releases = [];
    const d = createDispatcher({
      retries: "none",
      clock,
      resolveKeys: store.keysFor,
      ssrf: false,
      ...options,
      fetch: async (url) => {
        if (url.includes(part)) await new Promise((r) => releases.push(r));
        return new Response(null, { status: 204 });
      },
    });
    return { d, releases };
  };

  test(`${name}: startWorker: a tenant whose endpoints all hang holds three quarters of the slots at most; another tenant's deliveries go on`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 10 });
    await store.migrate();
    const { d, releases } = hanging(store, "/hang", { concurrency: 4, perEndpointConcurrency: 2 });
    const quiet = (await store.createEndpoint("quiet", { url: "https://hooks.example.com/quiet" })).endpoint;
    await store.createEndpoint("noisy", { url: "https://hooks.example.com/hang/1" });
    await store.createEndpoint("noisy", { url: "https://hooks.example.com/hang/2" });
    for (let i = 0; i < 20; i++) await store.publish("noisy", { type: "a.b", data: { i } });
    now += 1;
    for (let i = 0; i < 3; i++) await store.publish("quiet", { type: "a.b", data: { i } });
    // claimDue: a tenant with no room left is passed over, whatever its backlog's age.
    const claimed = await store.claimDue({ limit: 2, perTenant: 1, tenantInFlight: new Map([["noisy", 1]]) });
    assert.deepEqual(claimed.map((j) => j.owner), ["quiet"], "the full tenant's backlog, due first, is passed over");
    await store.completeAll([{ job: claimed[0], ...(await d.attempt(claimed[0])) }]);
    // The worker: four slots, two per endpoint; noisy's two endpoints would take all four.
    const worker = store.startWorker(d, { idleMs: 5 });
    try {
      const delivered = async () => (await store.listAttempts("quiet", quiet.id, { limit: 10 })).data.filter((r) => r.outcome === "delivered").length;
      const until = Date.now() + 10_000;
      while ((await delivered()) < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await delivered(), 3, "the quiet tenant's deliveries went past the hanging tenant's backlog");
      assert.equal(releases.length, 3, "the hanging tenant holds three of the four slots");
    } finally {
      const stopped = worker.stop();
      while (releases.length) releases.shift()();
      await stopped;
    }
  });

  test(`${name}: one completeAll may hold an attempt that came back after its lease beside the next claim's record of it`, async () => {
    const { store } = await made();
    await store.migrate();
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, retry: { schedule: [0, 1000] }, fetch: async () => new Response(null, { status: 204 }) });
    const { endpoint } = await store.createEndpoint("late", { url: "https://hooks.example.com/late" });
    const { deliveryIds } = await store.publish("late", { type: "a.b", data: {} });
    const [first] = await store.claimDue({ limit: 1 });
    now += 60_001;
    const [again] = await store.claimDue({ limit: 1 });
    assert.equal(again.deliveryId, first.deliveryId, "the lease ran out: claimed again");
    // The first attempt answers late; both results are recorded in one call (a worker's batch).
    const moved = await store.completeAll([
      { job: first, ...(await d.attempt(first)) },
      { job: again, ...(await d.attempt(again)) },
    ]);
    assert.deepEqual(moved, [false, true], "the late attempt's claim is gone; the new claim moves the delivery");
    // The lost attempt's record is the real one that came back (delivered), not `unknown`.
    const delivery = await store.getDelivery("late", deliveryIds[0]);
    assert.deepEqual([delivery.state, delivery.attempts.map((r) => [r.attempt, r.outcome])], ["pending", [[1, "delivered"]]]);
    assert.equal((await store.listAttempts("late", endpoint.id, { limit: 10 })).data.length, 1);
  });

  test(`${name}: startWorker claims no more than its dispatcher runs (claimed deliveries would wait past their lease)`, async () => {
    const { store } = await made();
    await store.migrate();
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, concurrency: 6, fetch: async () => new Response(null, { status: 204 }) });
    assert.throws(() => store.startWorker(d, { concurrency: 7 }), "invalid_argument", SenderError);
    assert.throws(() => store.startWorker(d, { concurrency: 6, perEndpointConcurrency: 4 }), "invalid_argument", SenderError);
    const worker = store.startWorker(d, { idleMs: 5 });
    assert.equal(worker.status().concurrency, 6, "the dispatcher's by default");
    await worker.stop();
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

  test(`${name}: deliverQueued drops stale and leased messages, returns not-due ones and retries in later`, async () => {
    const { store } = await made();
    await store.migrate();
    let status = 503;
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, retry: { schedule: [0, 5000] }, fetch: async () => new Response("", { status }) });
    await store.createEndpoint("queued", { url: "https://hooks.example.com/q" });
    const { deliveryIds: [a] } = await store.publish("queued", { type: "a.b", data: {} });
    const { deliveryIds: [b] } = await store.publish("queued", { type: "a.b", data: {} });
    const first = await store.deliverQueued(d, [{ deliveryId: a, attempt: 1 }, { deliveryId: a, attempt: 1 }, { deliveryId: "dlv_none", attempt: 1 }, { nonsense: true }]);
    assert.deepEqual([first.completed, first.later.map((l) => [l.deliveryId, l.attempt, l.atMs - now])], [1, [[a, 2, 5000]]], "the duplicate message was one attempt");
    const early = await store.deliverQueued(d, [{ deliveryId: a, attempt: 2 }]);
    assert.deepEqual([early.completed, early.later.map((l) => [l.attempt, l.atMs - now])], [0, [[2, 5000]]], "not due: back to the queue, no attempt");
    const stale = await store.deliverQueued(d, [{ deliveryId: a, attempt: 1 }]);
    assert.deepEqual([stale.completed, stale.later], [0, []], "a message for an attempt already made is dropped");
    const [held] = await store.claimDue({ ids: [b] });
    assert.equal(held.deliveryId, b);
    const leased = await store.deliverQueued(d, [{ deliveryId: b, attempt: 1 }]);
    assert.deepEqual([leased.completed, leased.later], [0, []], "a leased delivery belongs to its worker");
    now += 5000;
    status = 200;
    const last = await store.deliverQueued(d, [{ deliveryId: a, attempt: 2 }]);
    assert.deepEqual([last.completed, last.later], [1, []]);
    assert.equal((await store.getDelivery("queued", a)).state, "delivered");
    const bad = await store.deliverQueued(d, "not a list").catch((e) => e);
    assert.equal(bad.code, "invalid_argument");
  });

  test(`${name}: claimDue by ids, and overdueMs leaves timely deliveries to their queue`, async () => {
    const { store } = await made();
    await store.migrate();
    await store.createEndpoint("sweep", { url: "https://hooks.example.com/s" });
    const { deliveryIds: [x] } = await store.publish("sweep", { type: "a.b", data: {} });
    const { deliveryIds: [y] } = await store.publish("sweep", { type: "a.b", data: {} });
    assert.deepEqual(await store.claimDue({ overdueMs: 60_000 }), [], "due now, not overdue");
    assert.deepEqual((await store.claimDue({ ids: [y, "dlv_other"], leaseMs: 120_000 })).map((j) => j.deliveryId), [y]);
    now += 60_000;
    assert.deepEqual((await store.claimDue({ overdueMs: 60_000 })).map((j) => j.deliveryId), [x], "overdue and unleased");
    for (const options of [{ limit: 0 }, { leaseMs: 0 }, { overdueMs: -1 }, { ids: "dlv_x" }]) {
      const e = await store.claimDue(options).catch((err) => err);
      assert.equal(e.code, "invalid_argument", JSON.stringify(options));
    }
  });

  test(`${name}: pages skip and repeat nothing while rows are inserted concurrently`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 500 });
    await store.migrate();
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, retry: { schedule: [0] }, fetch: async () => new Response(null, { status: 204 }) });
    const { endpoint } = await store.createEndpoint("conc", { url: "https://hooks.example.com/c", eventTypes: ["a.*"] });
    for (let i = 0; i < 40; i++) {
      now += 1;
      await store.createEndpoint("conc", { url: `https://hooks.example.com/c${i}`, eventTypes: ["other.*"] });
      await store.publish("conc", { type: "a.b", data: { i } });
    }
    for (let i = 0; i < 5; i++) await store.deliverDue(d, { limit: 100 });
    const endpointsBefore = (await store.listEndpoints("conc", { limit: 100 })).data.map((e) => e.id);
    const attemptsBefore = (await store.listAttempts("conc", endpoint.id, { limit: 100 })).data.map((r) => r.deliveryId);
    assert.equal(attemptsBefore.length, 40);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; writing && i < 200; i++, written++) {
        now += 1;
        await Promise.all([store.createEndpoint("conc", { url: `https://hooks.example.com/w${i}`, eventTypes: ["other.*"] }), store.publish("conc", { type: "a.b", data: { w: i } })]);
        await store.deliverDue(d, { limit: 100 });
      }
    })();
    const walk = async (list) => {
      const ids = [];
      let cursor = null;
      do {
        const page = await list(cursor);
        ids.push(...page.ids);
        cursor = page.nextCursor;
        // Rows are written between pages, however fast or busy the machine (bounded wait).
        const seen = written;
        for (let t = 0; written === seen && t < 100; t++) await new Promise((r) => setTimeout(r, 2));
      } while (cursor);
      return ids;
    };
    const [endpointIds, attemptIds] = await Promise.all([
      walk(async (cursor) => {
        const p = await store.listEndpoints("conc", { limit: 3, cursor });
        return { ids: p.data.map((e) => e.id), nextCursor: p.nextCursor };
      }),
      walk(async (cursor) => {
        const p = await store.listAttempts("conc", endpoint.id, { limit: 3, cursor });
        return { ids: p.data.map((r) => r.deliveryId), nextCursor: p.nextCursor };
      }),
    ]);
    writing = false;
    await writer;
    assert.ok(written >= 2, `only ${written} rows were written during the walk`);
    for (const [what, listed, before] of [["endpoints", endpointIds, endpointsBefore], ["attempts", attemptIds, attemptsBefore]]) {
      assert.equal(new Set(listed).size, listed.length, `${what}: a row repeated across pages`);
      const missing = before.filter((id) => !listed.includes(id));
      assert.deepEqual(missing, [], `${what}: rows that existed before the walk were skipped`);
    }
  });

  test(`${name}: startWorker: a slow endpoint holds one slot, not a round; stop() waits for the attempts in flight`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 10 });
    await store.migrate();
    const { d, releases } = hanging(store, "/slow");
    const slow = (await store.createEndpoint("work", { url: "https://hooks.example.com/slow", eventTypes: ["slow.*"] })).endpoint;
    const fast = (await store.createEndpoint("work", { url: "https://hooks.example.com/fast", eventTypes: ["fast.*"] })).endpoint;
    await store.publish("work", { type: "slow.a", data: {} });
    await store.publish("work", { type: "slow.b", data: {} });
    for (let i = 0; i < 20; i++) await store.publish("work", { type: "fast.a", data: { i } });
    const worker = store.startWorker(d, { concurrency: 4, perEndpointConcurrency: 2, idleMs: 5 });
    const fastDone = async () => (await store.listAttempts("work", fast.id, { limit: 100 })).data.filter((r) => r.outcome === "delivered").length;
    const until = Date.now() + 10_000;
    while ((await fastDone()) < 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await fastDone(), 20, "the fast endpoint's deliveries went past the two slow ones");
    assert.equal(releases.length, 2, "both slow attempts are in flight");
    const stopped = worker.stop();
    let settled = false;
    stopped.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(settled, false, "stop() waits for the attempts in flight");
    for (const release of releases) release();
    await stopped;
    assert.equal((await store.listAttempts("work", slow.id, { limit: 100 })).data.length, 2, "the slow attempts were recorded before stop() resolved");
    assert.throws(() => store.startWorker(d, { concurrency: 0 }), "invalid_argument", SenderError);
  });

  test(`${name}: the receiver's dedupe: one claim wins under 20 concurrent ones; expired keys are claimed again`, async () => {
    const dedupe = createDedupe({ db: await open(), clock });
    assert.deepEqual(await dedupe.migrate(), storeMigrations.map((m) => m.version));
    const wins = await Promise.all(Array.from({ length: 20 }, () => dedupe.claim("standard-webhooks:id:msg_1", now + 1000)));
    assert.equal(wins.filter((w) => w === true).length, 1);
    assert.ok(wins.filter((w) => w !== true).every((w) => w === "pending"), "the others see it being handled");
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_2", now + 1000), true);
    now += 1000;
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_1", now + 1000), true, "expired: claimed again");
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_1", now + 1000), "pending");
    await dedupe.complete("standard-webhooks:id:msg_1", now + 5000);
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_1", now + 1000), false, "completed: a duplicate");
    await dedupe.release("standard-webhooks:id:msg_1");
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_1", now + 1000), false, "release forgets only a claim being handled");
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_3", now + 1000), true);
    await dedupe.release("standard-webhooks:id:msg_3");
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_3", now + 1000), true, "released: claimed again");
    // A handler that outlived its lease releases nothing of the retry's claim made since.
    const stale = now + 1000;
    now += 1001;
    const retry = now + 1000;
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_3", retry), true, "the lease ran out: the retry claims it");
    await dedupe.release("standard-webhooks:id:msg_3", stale);
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_3", retry), "pending", "the retry's claim stays");
    await dedupe.release("standard-webhooks:id:msg_3", retry);
    assert.equal(await dedupe.claim("standard-webhooks:id:msg_3", retry), true, "its own lease releases it");
    assert.equal(await dedupe.prune(), 1, "msg_2 expired");
    for (const [key, until] of [["", now], ["x".repeat(513), now], ["k", Number.NaN]]) {
      const e = await dedupe.claim(key, until).catch((err) => err);
      assert.equal(e.code, "invalid_argument");
    }
    // Through verifyRequest: the store answers the core's key.
    const secret = hookline.generateSecret();
    const ts = Math.floor(now / 1000); // the store's clock and the verifier's agree
    const request = () => new Request("https://r.example/", { method: "POST", headers: hookline.signHeaders({ secret, payload: "{}", id: "msg_e2e", timestamp: ts }), body: "{}" });
    await (await hookline.verifyRequest(request(), { secret, now: ts, dedupe })).dedupe.complete();
    const again = await hookline.verifyRequest(request(), { secret, now: ts, dedupe }).catch((e) => e);
    assert.equal(again.code, "duplicate");
  });

  test(`${name}: the management API: endpoints, secrets shown once, events, attempts, deliveries, problems`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 2 });
    await store.migrate();
    const TOKEN = "t0ken-for-the-tests-only";
    const enqueued = [];
    let refuse = false;
    const api = checked({
      store,
      token: TOKEN,
      enqueue: async (messages) => {
        if (refuse) throw new Error("queue down");
        enqueued.push(...messages);
      },
    });
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
    assert.deepEqual(enqueued.map((m) => m.attempt), [1], "one message for the one new delivery, none for the duplicate");
    assert.ok(enqueued.every((m) => Object.keys(m).sort().join() === "attempt,deliveryId"));
    refuse = true;
    const stored = await call("POST", "events", { id: "msg_api2", type: "invoice.paid", data: {} });
    assert.deepEqual([stored.status, (await stored.json()).matched], [202, 1], "a refused enqueue still answers 202: the delivery is stored");
    refuse = false;
    const d = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, fetch: async () => new Response(null, { status: 204 }) });
    await store.deliverDue(d);
    const attempts = await (await call("GET", `endpoints/${endpoint.id}/attempts?limit=10`)).json();
    assert.deepEqual([attempts.data.length, attempts.data[0].outcome, attempts.nextCursor], [2, "delivered", null]);
    const deliveryId = attempts.data[0].deliveryId;
    assert.equal((await (await call("GET", `deliveries/${deliveryId}`)).json()).state, "delivered");
    const redone = await call("POST", `deliveries/${deliveryId}/redeliver`);
    assert.equal(redone.status, 202);
    assert.equal(enqueued.at(-1).deliveryId, (await redone.json()).deliveryId, "the redelivery is queued");
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
    const hooked = checked({ store, authorize: (req, tenant) => tenant === "acme" && req.headers.get("x-user") === "ok" });
    assert.equal((await hooked(new Request("http://api.test/v1/tenants/acme/endpoints", { headers: { "x-user": "ok" } }))).status, 200);
    assert.equal((await hooked(new Request("http://api.test/v1/tenants/other/endpoints", { headers: { "x-user": "ok" } }))).status, 401);
  });

  // The numbered defects, each a test of its own (store-defects.mjs).
  const advance = (ms) => (now += ms);
  defectTests({ test, name, made, open, storeOn, clock, advance, rawRows, createStore, createManagementApi: checked, storeMigrations, KEY, KEY2 });
  // What operators get: operational events, caps per tenant, trace context, health, metrics.
  operationsTests({ test, name, made, storeOn, clock, advance, createManagementApi: checked, KEY2 });
  // Issue 27's support API, tenant tokens and the OpenAPI document (store-support.mjs).
  supportTests({ test, name, made, clock, advance, createManagementApi: checked });
  // Throttled and ordered delivery (issue 28, store-order.mjs).
  orderTests({ test, name, made, open, clock, advance, rawRows, createStore, KEY });

  return run;
}

/** nodeListener: a fetch handler behind node:http, bodies streamed, failures a bare 500 problem. */
async function nodeListenerTest() {
  const seen = [];
  const server = createHttpServer(
    nodeListener(async (request) => {
      if (request.url.endsWith("/boom")) throw new Error("secret detail");
      seen.push({ method: request.method, url: request.url, cookie: request.headers.get("x-multi"), body: await request.text() });
      return new Response(JSON.stringify({ ok: true }), { status: 201, headers: [["content-type", "application/json"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]] });
    }),
  );
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const r = await fetch(`${base}/v1/x?y=1`, { method: "POST", headers: [["x-multi", "1"], ["x-multi", "2"]], body: "x".repeat(100_000) });
    assert.deepEqual([r.status, await r.json(), r.headers.getSetCookie()], [201, { ok: true }, ["a=1", "b=2"]]);
    assert.deepEqual(seen, [{ method: "POST", url: `${base}/v1/x?y=1`.replace(/127\.0\.0\.1:\d+/, "127.0.0.1"), cookie: "1, 2", body: "x".repeat(100_000) }]);
    const boom = await fetch(`${base}/boom`);
    const text = await boom.text();
    assert.deepEqual([boom.status, JSON.parse(text).code, text.includes("secret detail")], [500, "internal", false]);
    assert.throws(() => nodeListener("no"), "invalid_argument", SenderError);
  } finally {
    server.close();
    server.closeAllConnections?.();
  }
}

async function memoryDedupeTest() {
  let now = 1_000;
  const dedupe = memoryDedupe({ maxEntries: 3, clock: () => now });
  assert.equal(dedupe.claim("a", 2_000), true);
  assert.equal(dedupe.claim("a", 2_000), "pending");
  dedupe.complete("a", 2_000);
  assert.equal(dedupe.claim("a", 2_000), false);
  for (const key of ["b", "c", "d", "e"]) assert.equal(dedupe.claim(key, 5_000), true);
  assert.ok(dedupe.size <= 3, `size ${dedupe.size}`);
  now = 2_000;
  assert.equal(dedupe.claim("e", 9_000), "pending", "still held");
  now = 6_000;
  assert.equal(dedupe.claim("e", 9_000), true, "expired: claimed again");
  // The claim of 5_000 ran out and "e" was claimed again until 9_000: its release is not that one's.
  dedupe.release("e", 5_000);
  assert.equal(dedupe.claim("e", 9_000), "pending", "the stale release left the new claim");
  dedupe.release("e", 9_000);
  assert.equal(dedupe.claim("e", 9_000), true, "its own lease releases it");
  assert.throws(() => memoryDedupe({ maxEntries: 0 }), "invalid_argument", HooklineError);
  assert.throws(() => dedupe.claim(42, 1), "invalid_argument", HooklineError);
}

async function kvDedupeTest(mf) {
  const dedupe = kvDedupe(await mf.getKVNamespace("KV"));
  const until = Date.now() + 120_000;
  assert.equal(await dedupe.claim("standard-webhooks:id:msg_kv", until), true);
  assert.equal(await dedupe.claim("standard-webhooks:id:msg_kv", until), "pending");
  await dedupe.complete("standard-webhooks:id:msg_kv", until);
  assert.equal(await dedupe.claim("standard-webhooks:id:msg_kv", until), false);
  assert.equal(await dedupe.claim("standard-webhooks:id:msg_other", until), true);
  await dedupe.release("standard-webhooks:id:msg_other", until - 1);
  assert.equal(await dedupe.claim("standard-webhooks:id:msg_other", until), "pending", "another lease's release leaves the claim");
  await dedupe.release("standard-webhooks:id:msg_other", until);
  assert.equal(await dedupe.claim("standard-webhooks:id:msg_other", until), true, "its own lease releases it");
  assert.throws(() => kvDedupe({}), "invalid_argument", HooklineError);
}

/**
 * Crash: `hookline serve` on PostgreSQL delivers 90 deliveries (30 events published over its API
 * to 3 endpoints) to a receiver that answers 503 to each delivery's first request; it is killed
 * with SIGKILL mid-run, then two `hookline serve` processes finish on the same database. Every
 * delivery must end delivered with its attempts recorded, and the receiver must never see two
 * requests for one delivery at the same time.
 */
async function crashTest(cluster) {
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query("CREATE DATABASE crash");
  await admin.end();
  const pool = new pg.Pool({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "crash", max: 4 });
  const serves = [];
  const seen = new Map();
  const inFlight = new Set();
  let overlaps = 0;
  let hits = 0;
  const receiver = createHttpServer((req, res) => {
    const id = req.headers["webhook-delivery-id"];
    if (inFlight.has(id)) overlaps++;
    inFlight.add(id);
    req.resume();
    req.on("end", () => {
      // Slow enough that two workers attempting one delivery at once would overlap here.
      setTimeout(() => {
        inFlight.delete(id);
        hits++;
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        res.writeHead(n === 1 ? 503 : 200).end();
      }, 25);
    });
    req.on("close", () => inFlight.delete(id));
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const TOKEN = "crash-test-token-0123456789";
  const args = ["--db", `postgres://postgres@127.0.0.1:${cluster.port}/crash`, "--schedule", "0,200ms,200ms,200ms", "--allow-targets", "127.0.0.1", "--lease", "3s"];
  const env = { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY };
  const start = async () => {
    const s = await startServe(args, env);
    serves.push(s);
    return s;
  };
  try {
    const first = await start();
    const call = async (method, path, body) => {
      const r = await checkedFetch(`${first.base}/v1/tenants/crash/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status}`);
      return r.json();
    };
    const base = `http://127.0.0.1:${receiver.address().port}`;
    for (let k = 0; k < 3; k++) await call("POST", "endpoints", { url: `${base}/ep${k}` });
    for (let i = 0; i < 30; i++) await call("POST", "events", { type: "a.b", data: { i } });
    await waitFor("the first serve's attempts", () => hits >= 40, 30_000);
    first.child.kill("SIGKILL");
    await first.exited;
    assert.ok(hits < 180, `the first serve finished everything before it was killed (${hits} requests)`);
    const [b, c] = await Promise.all([start(), start()]);
    const pending = async () => (await pool.query("SELECT count(*)::int AS n FROM hookline_deliveries WHERE state <> 'delivered'")).rows[0].n;
    await waitFor("every delivery delivered", async () => (await pending()) === 0, 60_000);
    const { rows } = await pool.query("SELECT d.id, array_agg(a.outcome ORDER BY a.seq) AS outcomes, array_agg(a.attempt ORDER BY a.seq) AS attempts FROM hookline_deliveries d LEFT JOIN hookline_attempts a ON a.delivery_id = d.id GROUP BY d.id");
    assert.equal(rows.length, 90, "deliveries");
    for (const r of rows) {
      assert.equal(r.outcomes.at(-1), "delivered", `${r.id}: ${r.outcomes}`);
      assert.ok(r.attempts[0] === 1 && r.attempts.every((a, i) => i === 0 || a >= r.attempts[i - 1]), `${r.id}: attempts ${r.attempts}`);
      assert.ok(seen.get(r.id) >= 2, `${r.id}: the receiver saw it ${seen.get(r.id)} times`);
    }
    assert.equal(overlaps, 0, "requests for one delivery at the same time");
    for (const s of [b, c]) s.child.kill("SIGTERM");
    for (const s of [b, c]) assert.equal((await s.exited).code, 0, `serve exit code (${s.out})`);
    for (const s of serves) assert.ok(!s.out.includes(TOKEN), "the token in serve's output");
  } finally {
    for (const s of serves) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
    await Promise.all(serves.map((s) => s.exited));
    receiver.close();
    receiver.closeAllConnections?.();
    await pool.end();
  }
}

/**
 * The trial example (examples/trial/trial.mjs, under 30 lines of user code) against `hookline
 * serve` on PGlite in a temp directory: the same client the Worker template is tried with.
 */
async function trialOnServe(examples) {
  const dir = mkdtempSync(join(tmpdir(), "hookline-trial-"));
  const hits = [];
  const receiver = createHttpServer((req, res) => {
    req.resume();
    req.on("end", () => (hits.push(req.url), res.writeHead(204).end()));
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const TOKEN = "trial-test-token-0123456789";
  let serve = null;
  try {
    serve = await startServe(["--db", join(dir, "db"), "--max-endpoints", "5", "--schedule", "0,200ms", "--allow-targets", "127.0.0.1"], { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY });
    const stdout = await new Promise((ok, fail) =>
      execFile(process.execPath, [join(examples, "trial", "trial.mjs"), serve.base, `http://127.0.0.1:${receiver.address().port}/trial`], { env: { ...process.env, HOOKLINE_API_TOKEN: TOKEN }, timeout: 60_000 }, (e, so, se) => (e ? fail(new Error(`${e.message}\n${se}`)) : ok(so))),
    );
    const summary = JSON.parse(stdout.trim().split("\n").at(-1));
    assert.deepEqual(summary.created, [201, 201, 201, 201, 201, 409]);
    assert.deepEqual([summary.secretsShown, summary.listed, summary.rotatedVersion, summary.matched, summary.redelivered], [6, 5, 2, 5, 202]);
    assert.ok(summary.log.includes("delivered") && hits.length >= 5, JSON.stringify(summary));
    serve.child.kill("SIGTERM");
    assert.equal((await serve.exited).code, 0, serve.out);
  } finally {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill("SIGKILL");
    if (serve) await serve.exited;
    receiver.close();
    receiver.closeAllConnections?.();
    rmSync(dir, { recursive: true, force: true });
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
  const serve = await startServe(["--db", `postgres://postgres@127.0.0.1:${cluster.port}/served`, "--schedule", "0,200ms", "--allow-targets", "127.0.0.1"], { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY }).catch((e) => {
    receiver.close();
    throw e;
  });
  const { child, exited, base } = serve;
  try {
    const call = async (method, path, body) => {
      const r = await checkedFetch(`${base}/v1/tenants/acme/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body && JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const created = await call("POST", "endpoints", { url: `http://127.0.0.1:${receiver.address().port}/in` });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    secret = created.body.secret;
    const published = await call("POST", "events", { id: "msg_served", type: "a.b", data: { ok: true } });
    assert.deepEqual([published.status, published.body.matched], [202, 1]);
    const deadline = Date.now() + 15_000;
    while (!verified.includes("msg_served")) {
      if (Date.now() > deadline) throw new Error(`no verified delivery: ${serve.out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    let attempts;
    do attempts = await call("GET", `endpoints/${created.body.endpoint.id}/attempts`);
    // The attempt is logged as started before its request goes out, and completed after.
    while (attempts.body.data[0]?.outcome !== "delivered" && Date.now() < deadline);
    assert.equal(attempts.body.data[0]?.outcome, "delivered");
    assert.ok(!serve.out.includes(secret.slice(6)) && !serve.out.includes(TOKEN), "a secret in serve's output");
    child.kill("SIGTERM");
    const { code } = await exited;
    assert.equal(code, 0, `serve exit code (${serve.out})`);
    assert.ok(/stopped/.test(serve.out));
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    receiver.close();
    receiver.closeAllConnections?.();
  }
}

const examples = resolve(process.argv[2] ?? "examples");
const clusters = [];
let failed = 0;
try {
  const pglite = contract("pglite", async () => {
    const db = new PGlite();
    await db.waitReady;
    return db;
  });
  const r1 = await pglite("node-store-pglite");
  const listenerError = await nodeListenerTest().then(() => null, (e) => e);
  if (listenerError) {
    r1.failed += 1;
    r1.failures.push({ name: "nodeListener: a fetch handler behind node:http", error: String(listenerError?.stack ?? listenerError) });
  } else r1.passed += 1;
  report(r1);
  failed += r1.failed + (r1.passed === 0 ? 1 : 0);

  // D1: one fresh database per store, as bindings of one Miniflare instance.
  const names = Array.from({ length: 64 }, (_, i) => `DB${i}`);
  const mf = new Miniflare({ modules: true, script: "export default { fetch: () => new Response(null, { status: 404 }) };", compatibilityDate: "2025-01-01", d1Databases: names, kvNamespaces: ["KV"] });
  try {
    let next = 0;
    const d1 = contract("d1", async () => {
      if (next >= names.length) throw new Error("the D1 contract needs more databases than the Miniflare instance has");
      return mf.getD1Database(names[next++]);
    });
    const r3 = await d1("node-store-d1");
    for (const [title, fn] of [
      ["memoryDedupe: bounded, expired keys claimed again", memoryDedupeTest],
      ["kvDedupe on Workers KV: a claimed key is seen, an expired one is not", () => kvDedupeTest(mf)],
    ]) {
      const error = await fn().then(() => null, (e) => e);
      if (error) {
        r3.failed += 1;
        r3.failures.push({ name: title, error: String(error?.stack ?? error) });
      } else r3.passed += 1;
    }
    report(r3);
    failed += r3.failed + (r3.passed === 0 ? 1 : 0);
  } finally {
    await mf.dispose();
  }

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
    // Each test's pool is ended only after the last test, so its idle connections are let go after
    // a second (pg's default keeps them 10 s): tests that end quickly otherwise stack more than the
    // cluster's 100 connections (seen as "too many clients already" once tests ran faster).
    const pool = new pg.Pool({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: name, max: 10, idleTimeoutMillis: 1000 });
    pools.push(pool);
    return pool;
  });
  const r2 = await postgres("node-store-postgresql");
  for (const [title, fn] of [
    ["postgresql: hookline serve killed with SIGKILL mid-run loses nothing; two serves never attempt one delivery at once", crashTest],
    ["postgresql: hookline serve runs the API and the worker, and stops on SIGTERM", serveTest],
    ["pglite: the trial example runs against hookline serve", () => trialOnServe(examples)],
    ["postgresql: the transactional publish of docs/durable-sender.md (Express and pg): committed is delivered once, rolled back is never sent", () => transactionalExample(cluster, examples, KEY)],
    ["postgresql: the operator setup of docs/durable-sender.md: signed operational webhooks, the log line, /health, /metrics, a trial tenant's cap", () => operatorExample(cluster, examples, KEY)],
    ["postgresql: hookline serve killed with SIGKILL mid-attempt: every request the receiver saw has its record (unknown when the worker died)", honestLogTest],
    ["postgresql: hookline serve goes on when the server ends its connections, idle and busy; each delivery sent once", terminatedConnectionsTest],
    ["postgresql: hookline serve through a 5 s outage: /health and the API answer 503, it never exits, and delivers what it accepted", databaseOutageTest],
    ["postgresql: with the database down every API call is a 503 database_unavailable without driver text, and serve logs the cause", databaseErrorsTest],
    ["postgresql: hookline serve refuses a --schedule wait without its unit (exit 2) and a port in use (one line)", cliInputTest],
    ["postgresql: hookline serve refuses an encryption key that does not open the stored secrets, naming k1", wrongKeyTest],
    ["postgresql: rotate-secret with graceMs 0 revokes the old secret now; without a body it signs beside the new one for --grace", rotationTest],
    ["postgresql: one tenant's hanging endpoint does not hold another tenant's deliveries", hangingEndpointTest],
    ["postgresql: event ids are per tenant through the API", tenantEventIdsTest],
    ["pglite: a second hookline serve on a directory in use refuses to start; a SIGKILLed one's directory is taken over", pgliteDirectoryTest],
    ["pglite: hookline serve for operators: --concurrency, --retry policy file, caps per tenant, signed operational webhooks to --operator-url, /health, /metrics, traceparent", () => serveOperationsTest(null)],
    ["postgresql: hookline serve for operators: --concurrency, --retry policy file, caps per tenant, signed operational webhooks to --operator-url, /health, /metrics, traceparent", serveOperationsTest],
    ["pglite: hookline serve refuses bad operator flags in one line (--retry file, preset, --concurrency, --max-endpoints, --operator-url without its secret, --host)", serveFlagsTest],
    ["openapi.json is an OpenAPI 3.1 document, and every schema of it compiles in strict mode", () => checkDocument()],
    ["pglite: hookline serve: the support task of docs/durable-sender.md finds the failed deliveries, their payloads, and recovers since T once; tenant tokens", () => serveSupportTest({ kind: "pglite", examples, startServe, KEY })],
    ["postgresql: hookline serve: the support task of docs/durable-sender.md finds the failed deliveries, their payloads, and recovers since T once; tenant tokens", (c) => serveSupportTest({ kind: "postgresql", cluster: c, examples, startServe, KEY })],
    ["postgresql: two hookline serve on one database, one killed with SIGKILL, keep a throttled endpoint's rate and an ordered endpoint's order per key", (c) => serveOrderTest(c, { startServe, KEY })],
    // Last: with every test run (no STORE_TESTS filter), each operation of openapi.json was reached.
    ...(only.length ? [] : [["openapi.json: every operation it documents answered a test above, its answers checked", async () => assert.deepEqual(unexercised(), [], "operations no test reached")]]),
  ]) {
    if (!chosen(title)) continue;
    const t = Date.now();
    const error = await fn(cluster).then(() => null, (e) => e);
    if (process.env.STORE_VERBOSE) console.log(`  ${title} (${Date.now() - t} ms)`);
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
