// The durable sender's defects (the numbered list), one contract test each, run by
// store.mjs inside `contract()` on PGlite, D1 and PostgreSQL alike. Every test here failed on the
// store before its rewrite (54cb964, one store.js); each says which defect it holds down.
//
// Most tests share one database (`shared()`), each under owners of its own, and claim only the
// deliveries they made (`ids`), so a database is opened per test only where a worker claims
// everything (the per-endpoint bound), where the keys differ, and for the schema-3 migration.
// Only namespace imports of the package: a name the old store lacked fails its test, not the load.
import * as hookline from "hookline";
import { readFileSync } from "node:fs";
import { assert } from "./harness.mjs";

const { createDispatcher, SenderError } = hookline;
const URL_BASE = "https://hooks.example.com";

/** An injected fetch that answers by path (`status[path]`, default 204) and keeps what it was sent. */
function receiver() {
  const status = {};
  const sent = [];
  const fetch = async (url, init) => {
    const path = new URL(url).pathname;
    sent.push({ path, id: init.headers["webhook-id"] });
    return new Response(null, { status: status[path] ?? 204 });
  };
  return { status, sent, fetch, to: (path) => sent.filter((s) => s.path === path) };
}

/** Resolves with what `promise` gives, or rejects after `ms` (a deadlock fails the test, never hangs it). */
function within(ms, what, promise) {
  let timer;
  return Promise.race([promise, new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`${what}: no answer within ${ms} ms (deadlock?)`)), ms)))]).finally(() => clearTimeout(timer));
}

/** What a rejected call rejected with. */
const caught = (promise) => promise.then((v) => ({ resolved: v }), (e) => e);

/** One statement with PostgreSQL's $N parameters, on D1 (prepare/bind) or PostgreSQL (query). */
async function exec(db, text, params = []) {
  if (typeof db.query === "function") return (await db.query(text, params)).rows;
  return (await db.prepare(text.replace(/\$(\d+)/g, "?$1")).bind(...params).all()).results;
}
const isD1 = (db) => typeof db.query !== "function";

/**
 * `db` behind a switch: while `down`, every call to the database throws what a driver throws for
 * a refused connection. Shaped like what it wraps (a D1 binding, PGlite, a pg Pool).
 */
function failing(db) {
  const state = { down: false };
  const boom = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", errno: -111 });
  const gate = (fn) => (...args) => {
    if (state.down) throw boom();
    return fn(...args);
  };
  const asyncGate = (fn) => async (...args) => {
    if (state.down) throw boom();
    return fn(...args);
  };
  let wrapped;
  if (isD1(db)) wrapped = { prepare: gate((t) => db.prepare(t)), batch: asyncGate((l) => db.batch(l)) };
  else if (typeof db.exec === "function" && typeof db.transaction === "function") {
    wrapped = { query: asyncGate((t, p) => db.query(t, p)), exec: asyncGate((t) => db.exec(t)), transaction: asyncGate((fn) => db.transaction(fn)) };
  } else {
    wrapped = { query: asyncGate((t, p) => db.query(t, p)), connect: asyncGate(() => db.connect()), get totalCount() { return db.totalCount; } };
  }
  return { db: wrapped, state };
}

/** AES-256-GCM sealing as the store writes it at rest (`v1.<key id>.<iv>.<ciphertext>`, the endpoint id as AAD). */
async function sealAsStored(keyBase64, endpointId, secret) {
  const b64 = (bytes) => Buffer.from(bytes).toString("base64");
  const key = await crypto.subtle.importKey("raw", Buffer.from(keyBase64, "base64"), "AES-GCM", false, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(endpointId) }, key, new TextEncoder().encode(secret));
  return `v1.k1.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

/** A migration's statements, split as a tool applying them by hand would. */
const statementsOf = (text) =>
  text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The defect tests of one backend. `name`: "pglite", "d1" or "postgresql"; `made(extra)`: a fresh
 * database and a store on it; `open()`: a fresh database; `storeOn(db, extra)`: a store on `db`
 * with the contract's options; `clock`/`advance(ms)`: the fake time; `rawRows(db, sql)`.
 */
export function defectTests({ test, name, made, open, storeOn, clock, advance, rawRows, createStore, createManagementApi, storeMigrations, KEY, KEY2 }) {
  let base = null;
  /** The database most tests share, each under owners of its own. */
  const shared = () => (base ??= made({ maxEndpointsPerOwner: 20 }).then(async (s) => (await s.store.migrate(), s)));
  const dispatcher = (store, fetch, extra = {}) => createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, fetch, ...extra });
  const count = async (db, text) => Number((await rawRows(db, text))[0].n);

  // Defect 1: patterns the core refuses are refused when saved, naming the entry; one stored
  // before (raw SQL, as an old version wrote it) fails no publish, its owner's or another's.
  // Old: any pattern was saved, and a bad stored one made matchSubscriptions throw in publish.
  test(`${name}: defect 1: bad event-type patterns are refused by name; a stored one fails no publish`, async () => {
    const { store, db } = await shared();
    const good = (await store.createEndpoint("pat", { url: `${URL_BASE}/good`, eventTypes: ["x.*"] })).endpoint;
    const later = (await store.createEndpoint("pat", { url: `${URL_BASE}/later`, eventTypes: ["x.*"] })).endpoint;
    for (const bad of ["a..b", "", ".a", "a.b.", "a b"]) {
      const created = await caught(store.createEndpoint("pat", { url: `${URL_BASE}/bad`, eventTypes: ["x.*", bad] }));
      assert.ok(created instanceof SenderError && created.code === "invalid_event_type", `create ${JSON.stringify(bad)}: ${created?.code ?? "saved"}`);
      assert.ok(created.message.includes("eventTypes[1]") && created.message.includes(JSON.stringify(bad)), created.message);
      const updated = await caught(store.updateEndpoint("pat", later.id, { eventTypes: [bad] }));
      assert.ok(updated.code === "invalid_event_type" && updated.message.includes("eventTypes[0]"), `update ${JSON.stringify(bad)}: ${updated?.code ?? "saved"}`);
    }
    assert.deepEqual((await store.getEndpoint("pat", later.id)).eventTypes, ["x.*"], "a refused update changed nothing");
    // As an earlier version could have stored it: the bad pattern beside a good one.
    await exec(db, "UPDATE hookline_endpoints SET event_types = $1 WHERE id = $2", ['["x..y", "x.*"]', later.id]);
    await store.createEndpoint("pat2", { url: `${URL_BASE}/other` });
    // Together, so PostgreSQL's grouped publish writes both owners' events in one statement.
    const [mine, theirs] = await Promise.all([store.publish("pat", { type: "x.y", data: {} }), store.publish("pat2", { type: "x.y", data: {} })]);
    assert.deepEqual([mine.matched, theirs.matched], [1, 1], "matched: the bad endpoint matches nothing, the others still do");
    assert.equal((await store.getDelivery("pat", mine.deliveryIds[0])).endpointId, good.id);
  });

  // Defect 2: deleting an endpoint ends its pending deliveries in the same transaction, and a
  // job claimed before the delete sends nothing and cannot move its delivery back.
  // Old: the deliveries stayed pending and were claimed, signed (keys_unavailable) forever.
  test(`${name}: defect 2: delete cancels pending deliveries (endpoint_gone); a job claimed before sends nothing`, async () => {
    const { store } = await shared();
    const rx = receiver();
    const d = dispatcher(store, rx.fetch);
    const x = (await store.createEndpoint("del", { url: `${URL_BASE}/x`, eventTypes: ["d.*"] })).endpoint;
    const y = (await store.createEndpoint("del", { url: `${URL_BASE}/y`, eventTypes: ["d.*"] })).endpoint;
    const ofX = [];
    const ofY = [];
    for (let i = 0; i < 3; i++) {
      for (const id of (await store.publish("del", { type: "d.e", data: { i } })).deliveryIds) {
        ((await store.getDelivery("del", id)).endpointId === x.id ? ofX : ofY).push(id);
      }
    }
    assert.deepEqual([ofX.length, ofY.length], [3, 3]);
    const held = await store.claimDue({ ids: ofX.slice(0, 2), leaseMs: 10_000 });
    assert.equal(held.length, 2);
    await store.deleteEndpoint("del", x.id);
    for (const id of ofX) {
      const gone = await store.getDelivery("del", id);
      assert.deepEqual([gone.state, gone.endedReason], ["cancelled", "endpoint_gone"], id);
    }
    assert.equal((await store.claimDue({ ids: ofX })).length, 0, "a cancelled delivery is claimed");
    advance(10_000);
    assert.equal((await store.claimDue({ ids: ofX })).length, 0, "claimed once the old lease ran out");
    // The job claimed before the delete: the core cancels it without a request.
    const [first, second] = held;
    const result = await d.attempt(first);
    assert.deepEqual([rx.to("/x").length, result.record.outcome, result.state], [0, "cancelled", "cancelled"]);
    const delivered = { record: { deliveryId: second.deliveryId, attempt: 1, attemptedAtMs: clock(), outcome: "delivered", status: 204 }, plan: { kind: "done" }, state: "delivered" };
    assert.deepEqual(await store.completeAll([{ job: first, ...result }, { job: second, ...delivered }]), [false, false], "a cancelled delivery moved on");
    for (const id of ofX) assert.equal((await store.getDelivery("del", id)).state, "cancelled", id);
    await store.deliverDue(d, { ids: ofY });
    assert.equal(rx.to("/y").length, 3, "the other endpoint's deliveries went on");
  });

  // Defect 3: one state. A 410 disables the endpoint (gone) and ends its other pending
  // deliveries; new events skip it; the owner enables it again with its health reset (and the
  // same dispatcher, which kept the old health in memory, sends to it); a new URL enables one
  // the sender disabled, not one its owner disabled; an attempt begun before the owner's change
  // cannot write its health over it. Old: `enabled` and the health disagreed (a 410 left it
  // enabled and matched), and the worker's health write won over the owner's.
  test(`${name}: defect 3: one state: 410 disables (gone), owner re-enables with health reset, URL change re-enables, stale health loses`, async () => {
    const { store, db } = await shared();
    const rx = receiver();
    const d = dispatcher(store, rx.fetch, { retry: { schedule: [0, 1000] } });
    const g = (await store.createEndpoint("state", { url: `${URL_BASE}/gone`, eventTypes: ["g.*"] })).endpoint;
    assert.deepEqual([g.enabled, g.status], [true, { state: "enabled" }]);
    const [g1] = (await store.publish("state", { type: "g.a", data: {} })).deliveryIds;
    const [g2] = (await store.publish("state", { type: "g.b", data: {} })).deliveryIds;
    rx.status["/gone"] = 410;
    await store.deliverDue(d, { ids: [g1] });
    const gone = await store.getEndpoint("state", g.id);
    assert.deepEqual([gone.enabled, gone.status.state, gone.status.reason, typeof gone.status.sinceMs], [false, "disabled", "gone", "number"], JSON.stringify(gone.status));
    const other = await store.getDelivery("state", g2);
    assert.deepEqual([other.state, other.endedReason], ["cancelled", "endpoint_disabled"]);
    const skipped = await store.publish("state", { type: "g.c", data: {} });
    assert.deepEqual([skipped.matched, skipped.deliveryIds], [0, []], "a disabled endpoint was matched");
    assert.equal(await count(db, `SELECT count(*) AS n FROM hookline_deliveries WHERE endpoint_id = '${g.id}' AND state = 'pending'`), 0);

    // The owner switches it off and on: enabled, health reset, delivered by the same dispatcher.
    const off = await store.updateEndpoint("state", g.id, { enabled: false });
    assert.deepEqual([off.enabled, off.status.state], [false, "disabled"]);
    const on = await store.updateEndpoint("state", g.id, { enabled: true });
    assert.deepEqual([on.enabled, on.status, on.health.consecutiveFailures ?? 0, on.health.state ?? "healthy"], [true, { state: "enabled" }, 0, "healthy"], JSON.stringify(on.health));
    rx.status["/gone"] = 204;
    const again = await store.publish("state", { type: "g.d", data: {} });
    assert.equal(again.matched, 1);
    await store.deliverDue(d, { ids: again.deliveryIds });
    assert.equal((await store.getDelivery("state", again.deliveryIds[0])).state, "delivered", "the dispatcher's old health held it back");

    // Disabled by the sender again, then a new URL: enabled. Disabled by its owner: a new URL keeps it off.
    rx.status["/gone"] = 410;
    await store.deliverDue(d, { ids: (await store.publish("state", { type: "g.e", data: {} })).deliveryIds });
    assert.equal((await store.getEndpoint("state", g.id)).status.reason, "gone");
    const moved = await store.updateEndpoint("state", g.id, { url: `${URL_BASE}/moved` });
    assert.deepEqual([moved.enabled, moved.status.state], [true, "enabled"], "a new URL for an endpoint the sender disabled");
    await store.updateEndpoint("state", g.id, { enabled: false });
    const still = await store.updateEndpoint("state", g.id, { url: `${URL_BASE}/moved-again` });
    assert.deepEqual([still.enabled, still.status.reason], [false, "manual"], "a new URL enabled an endpoint its owner disabled");

    // An attempt in flight when the owner renews the endpoint (a new URL): its 410 is recorded
    // for the delivery, but its health (disabled) does not overwrite the renewed endpoint's.
    const h = (await store.createEndpoint("state", { url: `${URL_BASE}/renew`, eventTypes: ["h.*"] })).endpoint;
    const [h1] = (await store.publish("state", { type: "h.a", data: {} })).deliveryIds;
    const [job] = await store.claimDue({ ids: [h1] });
    rx.status["/renew"] = 410;
    const result = await d.attempt(job);
    assert.equal(result.enabled, false, "the core disables on 410");
    await store.updateEndpoint("state", h.id, { url: `${URL_BASE}/renewed` });
    assert.deepEqual(await store.completeAll([{ job, ...result }]), [true]);
    const renewed = await store.getEndpoint("state", h.id);
    assert.deepEqual([renewed.enabled, renewed.status.state], [true, "enabled"], "the attempt's health overwrote the owner's change");
  });

  // Defect 4: a key that does not open its secrets refuses createStore and migrate (naming the
  // key id); secrets of a key id not given are counted, and their attempts are recorded (retry,
  // then failed), not left to wait on a lease. Old: no check, and a keyless attempt threw, so
  // the delivery sat leased and unrecorded, again and again.
  test(`${name}: defect 4: wrong keys refuse the store; missing keys are reported and their attempts recorded`, async () => {
    const db = await open();
    const wrongLater = await createStore({ db, encryptionKey: { current: "k1", keys: { k1: KEY2 } }, clock }); // no schema yet: nothing to check
    const first = await storeOn(db);
    await first.migrate();
    const { endpoint } = await first.createEndpoint("keys", { url: `${URL_BASE}/k` });
    const refused = await caught(createStore({ db, encryptionKey: { current: "k1", keys: { k1: KEY2 } }, clock }));
    assert.ok(refused instanceof SenderError && refused.code === "keys_unavailable" && refused.message.includes('"k1"'), `createStore: ${refused?.code ?? "accepted"} ${refused?.message ?? ""}`);
    const migrated = await caught(wrongLater.migrate());
    assert.ok(migrated.code === "keys_unavailable" && migrated.message.includes('"k1"'), `migrate: ${migrated?.code ?? "accepted"}`);

    const other = await storeOn(db, { encryptionKey: { current: "k2", keys: { k2: KEY2 } } });
    assert.deepEqual(other.keyReport?.missing, { k1: 1 });
    assert.deepEqual(await other.checkKeys(), { keys: {}, missing: { k1: 1 } });
    const rx = receiver();
    const d = dispatcher(other, rx.fetch, { retry: { schedule: [0, 1000] } });
    const { deliveryIds: [id] } = await other.publish("keys", { type: "a.b", data: {} });
    const [job] = await other.claimDue({ ids: [id] });
    const result = await d.attempt(job);
    assert.deepEqual([result.record.outcome, result.plan.kind, result.plan.reason], ["retry", "retry", "keys_unavailable"], JSON.stringify(result.plan));
    assert.deepEqual(await other.completeAll([{ job, ...result }]), [true]);
    advance(result.plan.atMs - clock());
    assert.equal((await other.deliverDue(d, { ids: [id] })).completed, 1, "the last attempt was not recorded");
    const delivery = await other.getDelivery("keys", id);
    assert.deepEqual([delivery.state, delivery.attempts.map((a) => a.outcome), rx.sent.length], ["failed", ["retry", "failed"], 0]);
    assert.equal(endpoint.id, delivery.endpointId);
  });

  // Defect 5: graceMs 0 drops the old secret at once, in the store and through the API's
  // rotate-secret body; unknown body fields are a 400 naming them. Old: the route read no body
  // (the old secret signed on for 24 h) and took any field.
  test(`${name}: defect 5: rotate-secret { graceMs: 0 } drops the old secret now; unknown fields are a 400`, async () => {
    const { store } = await shared();
    const { endpoint, secret: first } = await store.createEndpoint("rot0", { url: `${URL_BASE}/r` });
    const { secret: second } = await store.rotateSecret("rot0", endpoint.id, { graceMs: 0 });
    assert.deepEqual((await store.keysFor(endpoint.id, 2)).secrets, [second], "the old secret still signs");
    assert.ok(first !== second);
    const TOKEN = "t0ken-for-the-defect-tests";
    const api = createManagementApi({ store, token: TOKEN, onError: () => {} });
    const rotate = (body) =>
      api(new Request(`http://api.test/v1/tenants/rot0/endpoints/${endpoint.id}/rotate-secret`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) }));
    const r = await rotate({ graceMs: 0 });
    assert.equal(r.status, 200);
    const { secret: third, endpoint: rotated } = await r.json();
    assert.deepEqual([rotated.secretVersion, (await store.keysFor(endpoint.id, 3)).secrets], [3, [third]], "graceMs 0 through the API");
    const bad = await rotate({ graceMs: 0, grace: 5 });
    const problem = await bad.json();
    assert.deepEqual([bad.status, problem.code, problem.detail.includes('"grace"')], [400, "invalid_argument", true], JSON.stringify(problem));
    assert.equal((await store.getEndpoint("rot0", endpoint.id)).secretVersion, 3, "a refused rotation rotated");
  });

  // Defect 10: event ids are each owner's own: the same id from two owners is two events, each
  // delivered to its own owner's endpoints; `duplicate` is per owner. Old: the second owner's
  // publish was a "duplicate" of the first's, answered with the first owner's delivery ids.
  test(`${name}: defect 10: the same event id from two owners is two events, each delivered to its owner`, async () => {
    const { store } = await shared();
    const rx = receiver();
    const d = dispatcher(store, rx.fetch);
    await store.createEndpoint("tenant-a", { url: `${URL_BASE}/ta` });
    await store.createEndpoint("tenant-b", { url: `${URL_BASE}/tb` });
    const a = await store.publish("tenant-a", { id: "msg_same_id", type: "a.b", data: { who: "a" } });
    const b = await store.publish("tenant-b", { id: "msg_same_id", type: "a.b", data: { who: "b" } });
    const aAgain = await store.publish("tenant-a", { id: "msg_same_id", type: "a.b", data: { who: "a" } });
    assert.deepEqual([a.duplicate, b.duplicate, aAgain.duplicate], [false, false, true]);
    assert.deepEqual([a.matched, b.matched, aAgain.deliveryIds], [1, 1, a.deliveryIds]);
    assert.ok(a.deliveryIds[0] !== b.deliveryIds[0]);
    await store.deliverDue(d, { ids: [...a.deliveryIds, ...b.deliveryIds] });
    assert.deepEqual([rx.to("/ta").map((s) => s.id), rx.to("/tb").map((s) => s.id)], [["msg_same_id"], ["msg_same_id"]]);
    assert.equal((await store.getDelivery("tenant-b", b.deliveryIds[0])).state, "delivered");
    assert.equal((await caught(store.getDelivery("tenant-a", b.deliveryIds[0]))).code, "not_found", "another owner's delivery");
  });

  // Defect 7 (library level): each claim writes its attempt as started before handing it out;
  // once the lease runs out the next claim hands the delivery back as lost, which the core
  // records as unknown (worker_lost) without a request. Old: nothing was written until the
  // attempt's end, so a worker that died left no trace and the next one just sent again.
  test(`${name}: defect 7: a claim writes the attempt as started; past its lease it comes back lost and is recorded unknown`, async () => {
    const { store, db } = await shared();
    const rx = receiver();
    const d = dispatcher(store, rx.fetch, { retry: { schedule: [0, 500] } });
    await store.createEndpoint("lost", { url: `${URL_BASE}/lost` });
    const { deliveryIds: [id] } = await store.publish("lost", { type: "a.b", data: {} });
    const outcomes = async () => (await rawRows(db, `SELECT outcome FROM hookline_attempts WHERE delivery_id = '${id}' ORDER BY seq`)).map((r) => r.outcome);
    const [job] = await store.claimDue({ ids: [id], leaseMs: 1000 });
    // The claim wrote the attempt on its delivery before handing it out: the log shows it going out.
    const flying = (await store.getDelivery("lost", id)).inFlight;
    assert.deepEqual([job.lost, flying?.attempt, flying?.outcome, await outcomes()], [undefined, 1, "started", []], "the claim's started attempt");
    const listed = await store.listAttempts("lost", job.endpointId);
    assert.deepEqual(listed.inFlight.map((a) => [a.deliveryId, a.outcome]), [[id, "started"]]);
    advance(1000); // the worker holding it stopped: its lease ran out
    const [lost] = await store.claimDue({ ids: [id], leaseMs: 1000 });
    assert.deepEqual([lost?.lost, lost?.attempt, lost?.lostToken, await outcomes()], [true, 1, job.claimToken, []]);
    const result = await d.attempt(lost);
    assert.deepEqual([rx.sent.length, result.record.outcome, result.plan.kind, result.plan.reason], [0, "unknown", "retry", "worker_lost"], JSON.stringify(result.plan));
    assert.deepEqual(await store.completeAll([{ job: lost, ...result }]), [true]);
    advance(result.plan.atMs - clock());
    await store.deliverDue(d, { ids: [id] });
    const delivery = await store.getDelivery("lost", id);
    assert.deepEqual([delivery.state, delivery.attempts.map((a) => a.outcome), rx.sent.length], ["delivered", ["unknown", "delivered"], 1]);
    assert.deepEqual(await outcomes(), ["unknown", "delivered"], "the log: one row per attempt");
    // The stopped worker's own record, come late, replaces its unknown: one row per attempt still.
    const late = await d.attempt(job);
    assert.deepEqual(await store.completeAll([{ job, ...late }]), [false], "a lost claim moves nothing");
    assert.deepEqual(await outcomes(), ["delivered", "delivered"], "the late record replaced the unknown");
    assert.equal(rx.sent.length, 2);
  });

  // Defect 11: a database failure is `database_unavailable` (a 503 problem without the driver's
  // text, told to onError), not the driver's error (a 500). Old: the driver's error as is.
  test(`${name}: defect 11: a lost database is database_unavailable (503, no driver text); it comes back`, async () => {
    const { db } = await shared();
    const wrapped = failing(db);
    const store = await storeOn(wrapped.db);
    const { endpoint } = await store.createEndpoint("down", { url: `${URL_BASE}/down` });
    const TOKEN = "t0ken-for-the-defect-tests";
    const reported = [];
    const api = createManagementApi({ store, token: TOKEN, onError: (message, error) => reported.push({ message, error }) });
    const call = (method, path, body) =>
      api(new Request(`http://api.test/v1/tenants/down/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body && JSON.stringify(body) }));
    wrapped.state.down = true;
    for (const [what, op] of [
      ["getEndpoint", () => store.getEndpoint("down", endpoint.id)],
      ["listEndpoints", () => store.listEndpoints("down")],
      ["createEndpoint", () => store.createEndpoint("down", { url: `${URL_BASE}/down2` })],
      ["publish", () => store.publish("down", { type: "a.b", data: {} })],
      ["claimDue", () => store.claimDue()],
    ]) {
      const e = await caught(op());
      assert.ok(e instanceof SenderError && e.code === "database_unavailable" && e.cause?.code === "ECONNREFUSED", `${what}: ${e?.name} ${e?.code}`);
    }
    for (const [method, path, body] of [["GET", "endpoints"], ["POST", "events", { type: "a.b", data: {} }], ["GET", `endpoints/${endpoint.id}`]]) {
      const r = await call(method, path, body);
      const text = await r.text();
      assert.deepEqual([r.status, (r.headers.get("content-type") ?? "").split(";")[0], JSON.parse(text).code], [503, "application/problem+json", "database_unavailable"], `${method} ${path}`);
      assert.ok(!/ECONNREFUSED|5432|127\.0\.0\.1/.test(text), `driver text in the body: ${text}`);
    }
    assert.ok(reported.length >= 3 && reported.every((r) => r.error?.code === "database_unavailable"), "onError heard the 503s");
    wrapped.state.down = false;
    assert.equal((await call("GET", `endpoints/${endpoint.id}`)).status, 200, "back once the database is");
  });

  // Defect 11: NUL bytes (PostgreSQL refuses them in text: SQLSTATE 22021) and other bytes no id
  // holds are a caller's mistake, a 4xx with a stable code. Event ids are visible ASCII (they
  // travel in the webhook-id header). Old: PostgreSQL's error became a 500, and any event id was
  // taken.
  test(`${name}: defect 11: NUL bytes and non-ASCII event ids are 4xx with a stable code, never a 5xx`, async () => {
    const { store } = await shared();
    const { endpoint } = await store.createEndpoint("nul", { url: `${URL_BASE}/nul` });
    const { deliveryIds: [deliveryId] } = await store.publish("nul", { type: "a.b", data: {} });
    const TOKEN = "t0ken-for-the-defect-tests";
    const reported = [];
    const api = createManagementApi({ store, token: TOKEN, onError: (message) => reported.push(message) });
    const call = (method, path, body) =>
      api(new Request(`http://api.test/v1/tenants/nul/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body && JSON.stringify(body) }));
    const cursorOf = (text) => Buffer.from(text).toString("base64url");
    const cases = [
      ["GET", "endpoints/ep_%00x", undefined, "not_found"],
      ["PATCH", "endpoints/ep_%00x", { description: "x" }, "not_found"],
      ["DELETE", "endpoints/ep_%00x", undefined, "not_found"],
      ["POST", "endpoints/ep_%00x/rotate-secret", {}, "not_found"],
      ["GET", "endpoints/ep_%00x/attempts", undefined, "not_found"],
      ["GET", `endpoints/${endpoint.id}/attempts?cursor=a1%00.2`, undefined, "invalid_argument"],
      ["GET", "deliveries/dlv_%00x", undefined, "not_found"],
      ["POST", "deliveries/dlv_%00x/redeliver", undefined, "not_found"],
      ["GET", `endpoints?cursor=${cursorOf("ep_\u0000x")}`, undefined, "invalid_argument"],
      ["GET", "endpoints?cursor=%00", undefined, "invalid_argument"],
      ["POST", "endpoints", { url: `${URL_BASE}/n`, description: "a\u0000b" }, "invalid_argument"],
      ["PATCH", `endpoints/${endpoint.id}`, { channels: ["eu\u0000"] }, "invalid_argument"],
      ["POST", "events", { id: "msg_\u0000x", type: "a.b", data: {} }, "invalid_argument"],
      ["POST", "events", { id: "msg_é", type: "a.b", data: {} }, "invalid_argument"],
      ["POST", "events", { id: "msg x", type: "a.b", data: {} }, "invalid_argument"],
    ];
    for (const [method, path, body, code] of cases) {
      const r = await call(method, path, body);
      const text = await r.text();
      const p = JSON.parse(text);
      assert.ok(r.status >= 400 && r.status < 500 && p.code === code, `${method} ${path} ${JSON.stringify(body) ?? ""}: ${r.status} ${p.code}`);
      assert.ok(!/SQLSTATE|22021|0x00|invalid byte sequence/i.test(text), `database text in the body: ${text}`);
    }
    assert.deepEqual(reported, [], "a caller's mistake logged as a server fault");
    // The store itself, without the API: the same codes.
    for (const [what, op, code] of [
      ["getEndpoint", () => store.getEndpoint("nul", "ep_\u0000"), "not_found"],
      ["getDelivery", () => store.getDelivery("nul", `${deliveryId}\u0000`), "not_found"],
      ["keysFor", () => store.keysFor("ep_\u0000"), "not_found"],
      ["listAttempts", () => store.listAttempts("nul", "ep_\u0000"), "not_found"],
      ["publish", () => store.publish("nul", { id: "msg\u0000", type: "a.b", data: {} }), "invalid_argument"],
    ]) {
      const e = await caught(op());
      assert.ok(e instanceof hookline.HooklineError && e.code === code, `${what}: ${e?.code ?? "resolved"} ${e?.message ?? ""}`);
    }
  });

  test(`${name}: the API: any id the core takes can be fetched and paged past; wrong types and deep nesting are 400s; an operator URL with credentials is refused`, async () => {
    const { store } = await shared();
    await store.createEndpoint("longid", { url: `${URL_BASE}/long` });
    const TOKEN = "t0ken-for-the-defect-tests";
    const reported = [];
    const api = createManagementApi({ store, token: TOKEN, onError: (message) => reported.push(message) });
    const call = (method, path, body) =>
      api(new Request(`http://api.test/v1/tenants/longid/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) }, body: typeof body === "string" ? body : body && JSON.stringify(body) }));
    // Before, ids of 129 to 256 characters were taken but not found, and stopped the list.
    const long = `evt_${"x".repeat(252)}`;
    assert.equal((await call("POST", "events", { id: "evt_older", type: "a.b", data: {} })).status, 202);
    assert.equal((await call("POST", "events", { id: long, type: "a.b", data: { n: 1 } })).status, 202);
    const got = await call("GET", `events/${long}`);
    assert.equal(got.status, 200, await got.clone().text());
    const page1 = await (await call("GET", "events?limit=1")).json();
    const page2 = await call("GET", `events?limit=1&cursor=${encodeURIComponent(page1.nextCursor)}`);
    assert.equal(page2.status, 200, await page2.clone().text());
    assert.equal((await page2.json()).data.length, 1, "the older event, past the long id");
    // Before, a 500 internal (a TypeError with a code): a value of the wrong type, a body nested 5,000 deep.
    for (const orderingKey of [1, true, [], {}]) {
      const r = await call("POST", "events", { type: "a.b", data: {}, orderingKey });
      assert.deepEqual([r.status, (await r.json()).code], [400, "invalid_argument"], `orderingKey ${JSON.stringify(orderingKey)}`);
    }
    const deep = `{"type":"a.b","data":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const r = await call("POST", "events", deep);
    assert.equal(r.status, 400, `nested 5,000 deep: ${r.status}`);
    assert.deepEqual(reported, [], "a caller's mistake logged as a server fault");
    // Before, taken, and every operational event then failed at its delivery (a fetch refuses credentials).
    const e = await caught(store.setOperatorEndpoint({ url: "http://ops:secret@127.0.0.1:9/operator", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }));
    assert.ok(e instanceof hookline.HooklineError && /credentials/.test(e.message), `${e?.code ?? "taken"}: ${e?.message ?? ""}`);
    assert.ok(!e.message.includes("secret@"), "the URL's password in the message");
  });

  // Defect 13: unknown fields on create and update are refused by name (a typo no longer
  // silently does nothing); a lease shorter than twice the request timeout is refused; the
  // dedupe entry loads nothing of the sender. Old: unknown fields were ignored, any lease was
  // taken, and there was no hookline/dedupe.
  test(`${name}: defect 13: unknown endpoint fields, a too-short lease, and hookline/dedupe on its own`, async () => {
    const { store, db } = await shared();
    const typo = await caught(store.createEndpoint("small", { url: `${URL_BASE}/s`, eventTypess: ["a.*"] }));
    assert.ok(typo instanceof SenderError && typo.code === "invalid_argument" && typo.message.includes('"eventTypess"'), `create: ${typo?.code ?? "accepted"}`);
    const { endpoint } = await store.createEndpoint("small", { url: `${URL_BASE}/s` });
    const limit = await caught(store.updateEndpoint("small", endpoint.id, { rateLimits: 5 }));
    assert.ok(limit.code === "invalid_argument" && limit.message.includes('"rateLimits"'), `update: ${limit?.code ?? "accepted"}`);
    const TOKEN = "t0ken-for-the-defect-tests";
    const api = createManagementApi({ store, token: TOKEN });
    const r = await api(new Request("http://api.test/v1/tenants/small/endpoints", { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ url: `${URL_BASE}/s2`, eventTypess: ["a.*"] }) }));
    const p = await r.json();
    assert.deepEqual([r.status, p.code, p.detail.includes("eventTypess")], [400, "invalid_argument", true]);
    assert.equal((await store.listEndpoints("small")).data.length, 1, "a refused create created");

    const slow = createDispatcher({ retries: "none", clock, resolveKeys: store.keysFor, ssrf: false, timeoutMs: 40_000, fetch: async () => new Response(null) });
    let e = null;
    try {
      await store.startWorker(slow, { leaseMs: 60_000 }).stop();
    } catch (err) {
      e = err;
    }
    assert.ok(e instanceof SenderError && e.code === "invalid_argument", `startWorker with a lease under twice the timeout: ${e?.code ?? "started"}`);

    // hookline/dedupe: its built file imports only hookline/errors, and its database store
    // works on this backend.
    const dedupeEntry = await import("hookline/dedupe");
    assert.deepEqual(["createDedupe", "memoryDedupe", "kvDedupe"].map((n) => typeof dedupeEntry[n]), ["function", "function", "function"]);
    const file = readFileSync(new URL("./node_modules/hookline/dedupe.mjs", import.meta.url), "utf8");
    const specifiers = [...file.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(specifiers)], ["hookline/errors"], "dedupe.mjs imports");
    const dedupe = dedupeEntry.createDedupe({ db, clock });
    // Claimed, then held while its work goes on ("pending"), then done: a later claim is refused.
    const first = await dedupe.claim("defects:msg_1", clock() + 1000);
    const during = await dedupe.claim("defects:msg_1", clock() + 1000);
    await dedupe.complete("defects:msg_1", clock() + 10_000);
    assert.deepEqual([first, during, await dedupe.claim("defects:msg_1", clock() + 1000)], [true, "pending", false]);
  });

  // Defect 6 (and acceptance item 2): publish inside the caller's transaction. Rolled back:
  // nothing stored, nothing sent; committed: delivered once. PGlite: inside db.transaction with
  // { db: tx }, no deadlock. D1: statements for the caller's own batch; a failing batch stores
  // nothing. Old: `{ db }` was ignored, so the event was written at once on the store's own
  // connection (kept after a rollback; on PGlite, waiting on the caller's transaction forever).
  // Last of the shared database's tests: a deadlock here would hold it.
  test(`${name}: defect 6: publish in the caller's transaction: rolled back stores and sends nothing, committed sends once`, async () => {
    const { store, db } = await shared();
    const rx = receiver();
    const d = dispatcher(store, rx.fetch);
    await store.createEndpoint("txn", { url: `${URL_BASE}/txn` });
    const event = { id: "msg_in_txn", type: "a.b", data: { order: 1 } };
    const events = () => count(db, "SELECT count(*) AS n FROM hookline_events WHERE owner = 'txn'");
    const deliveries = () => count(db, "SELECT count(*) AS n FROM hookline_deliveries WHERE owner = 'txn'");
    let rolledBack;
    let committed;
    if (name === "d1") {
      await db.prepare("CREATE TABLE IF NOT EXISTS caller_orders (id TEXT PRIMARY KEY)").run();
      const order = (id) => db.prepare("INSERT INTO caller_orders (id) VALUES (?1)").bind(id);
      rolledBack = await store.publish("txn", event, { db });
      assert.ok(Array.isArray(rolledBack.statements) && rolledBack.statements.length >= 1, "statements for the caller's batch");
      assert.deepEqual([await events(), await deliveries()], [0, 0], "written before the caller's batch");
      const failed = await caught(db.batch([order("o1"), order("o1"), ...rolledBack.statements]));
      assert.ok(failed instanceof Error, "the batch with a duplicate order failed");
      committed = await store.publish("txn", event, { db });
      await db.batch([order("o2"), ...committed.statements]);
    } else if (name === "pglite") {
      const rollback = new Error("roll back");
      const inside = await caught(
        within(10_000, "publish inside db.transaction", db.transaction(async (tx) => {
          rolledBack = await store.publish("txn", event, { db: tx });
          throw rollback;
        })),
      );
      assert.equal(inside, rollback, String(inside?.message ?? inside));
      committed = await within(10_000, "publish inside db.transaction", db.transaction((tx) => store.publish("txn", event, { db: tx })));
    } else {
      const client = await db.connect();
      try {
        await client.query("BEGIN");
        rolledBack = await store.publish("txn", event, { db: client });
        await client.query("ROLLBACK");
        await client.query("BEGIN");
        committed = await store.publish("txn", event, { db: client });
        assert.deepEqual([await events(), await deliveries()], [0, 0], "visible before COMMIT");
        await client.query("COMMIT");
      } finally {
        client.release();
      }
    }
    assert.equal(rolledBack.matched, 1);
    assert.equal((await store.deliverDue(d, { ids: rolledBack.deliveryIds })).claimed, 0, "a rolled-back delivery was claimed");
    assert.deepEqual([await events(), await deliveries()], [1, 1], "after the commit: one event, one delivery");
    assert.ok(committed.duplicate !== true && committed.matched === 1);
    await store.deliverDue(d, { ids: committed.deliveryIds });
    await store.deliverDue(d, { ids: committed.deliveryIds });
    assert.deepEqual(rx.sent.map((s) => s.id), ["msg_in_txn"], "sent once");
    assert.equal((await store.getDelivery("txn", committed.deliveryIds[0])).state, "delivered");
  });

  // Defect 9 (library level): a per-endpoint bound on claims and in the worker. One endpoint
  // hangs with a backlog due first; another owner's endpoint's deliveries all go through while
  // the hanging one holds at most its cap. Old: claims took the oldest due first, so the
  // hanging endpoint's backlog filled every slot and nothing else moved.
  test(`${name}: defect 9: a hanging endpoint holds at most its cap; another owner's deliveries go through`, async () => {
    const { store } = await made({ maxEndpointsPerOwner: 5 });
    await store.migrate();
    const releases = [];
    let hanging = 0;
    let mostHanging = 0;
    const fastSent = [];
    const d = createDispatcher({
      retries: "none",
      clock,
      resolveKeys: store.keysFor,
      ssrf: false,
      concurrency: 32,
      perEndpointConcurrency: 32, // the store's bound is what is tested, not the dispatcher's
      fetch: (url, init) => {
        if (!url.includes("/hang")) {
          fastSent.push(init.headers["webhook-id"]);
          return Promise.resolve(new Response(null, { status: 204 }));
        }
        hanging++;
        mostHanging = Math.max(mostHanging, hanging);
        return new Promise((resolve, reject) => {
          let open = true;
          const done = () => open && !(open = false) && (hanging--, true);
          releases.push(() => done() && resolve(new Response(null, { status: 204 })));
          init.signal?.addEventListener("abort", () => done() && reject(init.signal.reason));
        });
      },
    });
    const hang = (await store.createEndpoint("slowpoke", { url: `${URL_BASE}/hang` })).endpoint;
    const fast = (await store.createEndpoint("brisk", { url: `${URL_BASE}/fast` })).endpoint;
    // The hanging endpoint's backlog is due first and longer than a claim looks ahead (four
    // times its limit): 20 against the worker's 4 slots.
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.publish("slowpoke", { type: "a.b", data: { i } })));
    advance(1);
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.publish("brisk", { type: "a.b", data: { i } })));
    // claimDue: the caller's in-flight count per endpoint leaves the hanging one no room.
    const claimed = await store.claimDue({ limit: 3, perEndpoint: 2, inFlight: new Map([[hang.id, 2], [fast.id, 1]]) });
    assert.deepEqual(claimed.map((j) => j.endpointId), [fast.id], "per-endpoint room: none for the full one, one for the other");
    await store.completeAll([{ job: claimed[0], ...(await d.attempt(claimed[0])) }]);
    // The worker: four slots, at most one per endpoint.
    const worker = store.startWorker(d, { concurrency: 4, perEndpointConcurrency: 1, idleMs: 5 });
    try {
      const until = Date.now() + 10_000;
      while (fastSent.length < 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.equal(fastSent.length, 6, "the other owner's deliveries went through");
      assert.equal(mostHanging, 1, "attempts in flight to the hanging endpoint");
    } finally {
      const stopped = worker.stop();
      while (releases.length) releases.shift()();
      await new Promise((r) => setTimeout(r, 20));
      while (releases.length) releases.shift()();
      await within(10_000, "worker.stop()", stopped);
    }
  });

  // Migration of old data: a database at schema 3 with rows as the old store wrote them migrates
  // to 4 keeping every row; the endpoint its owner disabled reads as disabled (manual); old
  // events keep their ids, now their owner's. Old: there was no version 4 (no states, no
  // tenant-scoped ids), so this database stayed as it was.
  test(`${name}: migration: a schema-3 database with the old store's rows migrates to the newest version keeping every row`, async () => {
    const db = await open();
    const sqlite = isD1(db);
    const run = async (list) => {
      if (sqlite) await db.batch(list.map((t) => db.prepare(t)));
      else for (const t of list) await db.query(t);
    };
    await run(["CREATE TABLE IF NOT EXISTS hookline_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)"]);
    for (const m of storeMigrations.slice(0, 3)) {
      await run(statementsOf(sqlite ? m.sqlite : m.sql));
      await exec(db, "INSERT INTO hookline_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)", [m.version, m.name, clock()]);
    }
    // As the old store wrote them: two endpoints of one owner, the second switched off by its
    // owner (enabled = false, health untouched); events with global ids; deliveries; attempts.
    const at = clock() - 60_000;
    const eps = [["ep_old_on", true], ["ep_old_off", false]];
    if (!sqlite) await exec(db, "INSERT INTO hookline_owners (owner, endpoint_count) VALUES ('legacy', 2)");
    for (const [id, enabled] of eps) {
      await exec(db, "INSERT INTO hookline_endpoints (id, owner, url, description, event_types, channels, enabled, secret_version, secret_sealed, created_at_ms, updated_at_ms) VALUES ($1, 'legacy', $2, '', '[]', '[]', $3, 1, $4, $5, $6)", [
        id, `${URL_BASE}/${id}`, sqlite ? Number(enabled) : enabled, await sealAsStored(KEY, id, hookline.generateSecret()), at, at + 1,
      ]);
    }
    const nonce = sqlite ? ", publish_nonce" : "";
    for (const id of ["msg_old_1", "msg_old_2"]) {
      await exec(db, `INSERT INTO hookline_events (id, owner, type, body, created_at_ms${nonce}) VALUES ($1, 'legacy', 'a.b', $2, $3${sqlite ? ", 'n'" : ""})`, [id, JSON.stringify({ id, type: "a.b", data: {} }), at]);
    }
    const deliveriesOld = [
      ["dlv_old_1", "msg_old_1", "ep_old_on", "delivered"],
      ["dlv_old_2", "msg_old_2", "ep_old_on", "pending"],
      ["dlv_old_3", "msg_old_2", "ep_old_off", "pending"],
    ];
    for (const [id, ev, ep, state] of deliveriesOld) {
      await exec(db, "INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, state, attempt, next_attempt_at_ms, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, 'legacy', $4, 1, $5, 1, $6, $6, $6)", [id, ev, ep, `${URL_BASE}/${ep}`, state, at]);
    }
    const record = { deliveryId: "dlv_old_1", eventId: "msg_old_1", endpointId: "ep_old_on", attempt: 1, attemptedAtMs: at, outcome: "delivered", status: 200 };
    await exec(db, "INSERT INTO hookline_attempts (delivery_id, endpoint_id, attempt, attempted_at_ms, outcome, status, record) VALUES ('dlv_old_1', 'ep_old_on', 1, $1, 'delivered', 200, $2)", [at, JSON.stringify(record)]);
    const tables = ["hookline_endpoints", "hookline_events", "hookline_deliveries", "hookline_attempts"];
    const counts = async () => Promise.all(tables.map((t) => count(db, `SELECT count(*) AS n FROM ${t}`)));
    assert.deepEqual(await counts(), [2, 2, 3, 1]);

    const store = await storeOn(db);
    assert.deepEqual(await store.migrate(), storeMigrations.slice(3).map((m) => m.version));
    assert.deepEqual(await counts(), [2, 2, 3, 1], "rows after the migration");
    const [on, off] = await Promise.all(eps.map(([id]) => store.getEndpoint("legacy", id)));
    assert.deepEqual([on.enabled, on.status], [true, { state: "enabled" }]);
    assert.deepEqual([off.enabled, off.status.state, off.status.reason], [false, "disabled", "manual"], JSON.stringify(off.status));
    const old = await store.getDelivery("legacy", "dlv_old_1");
    assert.deepEqual([old.eventId, old.state, old.attempts.map((a) => a.outcome)], ["msg_old_1", "delivered", ["delivered"]]);
    assert.equal((await store.listAttempts("legacy", "ep_old_on")).data.length, 1);
    const [job] = await store.claimDue({ ids: ["dlv_old_2"] });
    assert.deepEqual([job?.envelope.id, job?.url], ["msg_old_2", `${URL_BASE}/ep_old_on`], "an old pending delivery is claimed with its event");
    assert.equal((await store.publish("legacy", { id: "msg_old_1", type: "a.b", data: {} })).duplicate, true, "an old event id is still its owner's");
    const elsewhere = await store.publish("newcomer", { id: "msg_old_1", type: "a.b", data: {} });
    assert.equal(elsewhere.duplicate, false, "another owner's event of the same id");
    assert.equal((await store.publish("legacy", { type: "a.b", data: {} })).matched, 1, "the owner-disabled endpoint was matched");
  });
}
