// The support part of the store contract (issue 27), on PGlite, D1 and PostgreSQL: an endpoint's
// attempts filtered by status, status class and time; a tenant's deliveries and events by
// cursor; an event with its payload and deliveries; cancelling a delivery; recovering an
// endpoint once, bounded, under concurrency; the same over the management API, whose every
// answer is checked against the OpenAPI document; tenant tokens. Registered by store.mjs's
// contract() for each database (Node only).
import { createDispatcher } from "hookline";
import { SenderError } from "hookline/errors";
import { assert } from "./harness.mjs";
import { checkedHandler, openapi } from "./openapi-check.mjs";

const URL_BASE = "https://hooks.example.com";
const TOKEN = "support-operator-token-0123";

/** A dispatcher whose receiver answers `answer(eventData)`: a status, or "timeout" (no response). */
function dispatcherFor(store, clock, answer, retry = { schedule: [0] }) {
  return createDispatcher({
    retries: "none",
    clock,
    resolveKeys: store.keysFor,
    ssrf: false,
    retry,
    fetch: async (_url, init) => {
      const a = answer(JSON.parse(init.body).data);
      if (a === "timeout") throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      return new Response(null, { status: a });
    },
  });
}

/** Every page of a store list, walked by cursor. */
async function allPages(list, options) {
  const out = [];
  let cursor = null;
  do {
    const page = await list({ ...options, cursor });
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const caught = (p) => p.then(() => null, (e) => e);

export function supportTests({ test, name, made, clock, advance, createManagementApi }) {
  test(`${name}: support: an endpoint's attempts filtered by status, status class, since and until (unix ms or ISO)`, async () => {
    const { store } = await made();
    await store.migrate();
    const { endpoint } = await store.createEndpoint("filters", { url: `${URL_BASE}/f` });
    const d = dispatcherFor(store, clock, (data) => data.answer);
    const start = clock();
    // One delivery per answer, a second apart: 200, 503, 404, no response, 204.
    for (const answer of [200, 503, 404, "timeout", 204]) {
      advance(1000);
      await store.publish("filters", { type: "a.b", data: { answer } });
      await store.deliverDue(d);
    }
    const statuses = async (options) => (await allPages((o) => store.listAttempts("filters", endpoint.id, o), options)).map((r) => r.status);
    assert.deepEqual(await statuses({}), [204, null, 404, 503, 200], "newest first");
    assert.deepEqual(await statuses({ status: "delivered" }), [204, 200]);
    assert.deepEqual(await statuses({ status: "failed", limit: 1 }), [null, 404, 503], "failed, a page of one at a time");
    assert.deepEqual(await statuses({ statusClass: "5xx" }), [503]);
    assert.deepEqual(await statuses({ statusClass: "2xx", status: "delivered" }), [204, 200]);
    assert.deepEqual(await statuses({ statusClass: "none" }), [null]);
    assert.deepEqual(await statuses({ since: start + 2000, until: start + 4000 }), [404, 503], "since inclusive, until exclusive");
    assert.deepEqual(await statuses({ since: new Date(start + 4000).toISOString() }), [204, null], "since as an ISO time");
    assert.deepEqual(await statuses({ since: new Date(start + 5000) }), [204], "since as a Date");
    for (const [options, named] of [[{ statuss: "failed" }, "statuss"], [{ status: "done" }, "status"], [{ statusClass: "6xx" }, "statusClass"], [{ since: "yesterday" }, "since"], [{ since: 5, until: 5 }, "since"]]) {
      const e = await caught(store.listAttempts("filters", endpoint.id, options));
      assert.ok(e instanceof SenderError && e.code === "invalid_argument" && e.message.includes(named), `${JSON.stringify(options)}: ${e?.code} ${e?.message}`);
    }
  });

  test(`${name}: support: deliveries newest first by cursor, filtered by endpoint, status and event; events newest first; an event with its payload and deliveries`, async () => {
    const { store } = await made();
    await store.migrate();
    const a = (await store.createEndpoint("lists", { url: `${URL_BASE}/a` })).endpoint;
    const b = (await store.createEndpoint("lists", { url: `${URL_BASE}/b`, eventTypes: ["order.*"] })).endpoint;
    const d = dispatcherFor(store, clock, (data) => (data.n % 2 === 0 ? 200 : 500));
    const events = [];
    for (let n = 0; n < 7; n++) {
      advance(10);
      events.push(await store.publish("lists", { id: `msg_${n}`, type: n < 4 ? "order.paid" : "user.made", data: { n } }));
    }
    await store.publish("elsewhere", { id: "msg_0", type: "order.paid", data: { secret: "another tenant's" } });
    await store.deliverDue(d, { limit: 100 });
    const all = await allPages((o) => store.listDeliveries("lists", o), { limit: 3 });
    assert.equal(all.length, 4 * 2 + 3, "one delivery per match (b takes order.* only)");
    assert.ok(all.every((x, i) => i === 0 || x.createdAtMs <= all[i - 1].createdAtMs), "newest first");
    assert.equal(new Set(all.map((x) => x.id)).size, all.length, "a delivery repeated across pages");
    assert.deepEqual(Object.keys(all[0]).sort(), ["attempt", "createdAtMs", "endedReason", "endpointId", "eventId", "eventType", "id", "nextAttemptAtMs", "recoveredBy", "state", "updatedAtMs"]);
    const ofB = await allPages((o) => store.listDeliveries("lists", o), { endpoint: b.id });
    assert.deepEqual(ofB.map((x) => x.eventId), ["msg_3", "msg_2", "msg_1", "msg_0"]);
    const failedOfA = await allPages((o) => store.listDeliveries("lists", o), { endpoint: a.id, status: "failed" });
    assert.deepEqual(failedOfA.map((x) => [x.eventId, x.state]), [["msg_5", "failed"], ["msg_3", "failed"], ["msg_1", "failed"]]);
    const ofEvent = await store.listDeliveries("lists", { event: "msg_2" });
    assert.deepEqual(ofEvent.data.map((x) => x.endpointId).sort(), [a.id, b.id].sort());
    const listed = await allPages((o) => store.listEvents("lists", o), { limit: 2 });
    assert.deepEqual(listed.map((e) => e.id), ["msg_6", "msg_5", "msg_4", "msg_3", "msg_2", "msg_1", "msg_0"]);
    assert.deepEqual((await store.listEvents("lists", { type: "user.made" })).data.map((e) => e.id), ["msg_6", "msg_5", "msg_4"]);
    const event = await store.getEvent("lists", "msg_2");
    assert.deepEqual([event.type, event.payload.type, event.payload.data, event.deliveries.length, event.moreDeliveries], ["order.paid", "order.paid", { n: 2 }, 2, false]);
    assert.ok(typeof event.payload.timestamp === "string", "the envelope as it was sent");
    assert.equal((await store.getEvent("elsewhere", "msg_0")).payload.data.secret, "another tenant's");
    assert.equal((await caught(store.getEvent("lists", "msg_none"))).code, "not_found");
    assert.equal((await caught(store.getEvent("nobody", "msg_2"))).code, "not_found", "another tenant's event");
    assert.equal((await caught(store.listDeliveries("lists", { cursor: "d1.notbase64!" }))).code, "invalid_argument");
  });

  test(`${name}: support: cancel ends a pending delivery (cancelled_by_owner), never attempted again; an attempt in flight keeps its record; ended ones are refused`, async () => {
    const { store } = await made();
    await store.migrate();
    await store.createEndpoint("cancel", { url: `${URL_BASE}/c` });
    const sent = [];
    const d = dispatcherFor(store, clock, (data) => (sent.push(data.n), 200));
    const one = await store.publish("cancel", { type: "a.b", data: { n: 1 } });
    const two = await store.publish("cancel", { type: "a.b", data: { n: 2 } });
    const three = await store.publish("cancel", { type: "a.b", data: { n: 3 } });
    const cancelled = await store.cancelDelivery("cancel", one.deliveryIds[0]);
    assert.deepEqual([cancelled.changed, cancelled.inFlight, cancelled.delivery.state, cancelled.delivery.endedReason], [true, false, "cancelled", "cancelled_by_owner"]);
    const again = await store.cancelDelivery("cancel", one.deliveryIds[0]);
    assert.deepEqual([again.changed, again.delivery.endedReason], [false, "cancelled_by_owner"], "cancelling twice changes nothing");
    // In flight: claimed (its attempt written as started), then cancelled, then recorded.
    const [job] = await store.claimDue({ ids: [two.deliveryIds[0]] });
    const inFlight = await store.cancelDelivery("cancel", two.deliveryIds[0]);
    assert.deepEqual([inFlight.changed, inFlight.inFlight, inFlight.delivery.state], [true, true, "cancelled"]);
    const moved = await store.complete(job, await d.attempt(job));
    assert.equal(moved, false, "the attempt's record does not move a cancelled delivery");
    const record = await store.getDelivery("cancel", two.deliveryIds[0]);
    assert.deepEqual([record.state, record.endedReason, record.attempts.map((r) => r.outcome)], ["cancelled", "cancelled_by_owner", ["delivered"]], "the attempt in flight keeps its record");
    await store.deliverDue(d);
    assert.deepEqual(sent, [2, 3], "the cancelled delivery was never attempted; the other went out");
    const ended = await caught(store.cancelDelivery("cancel", three.deliveryIds[0]));
    assert.ok(ended instanceof SenderError && ended.code === "delivery_ended", `${ended?.code}`);
    assert.equal((await caught(store.cancelDelivery("nobody", three.deliveryIds[0]))).code, "not_found");
    const attempts = await store.listAttempts("cancel", record.endpointId, { status: "cancelled" });
    assert.equal(attempts.data.length, 0, "cancelling writes no attempt");
  });

  test(`${name}: support: recover sends every failed delivery of an endpoint since T again once, bounded per call, never twice (also two calls at once)`, async () => {
    const { store } = await made();
    await store.migrate();
    const { endpoint } = await store.createEndpoint("recover", { url: `${URL_BASE}/r` });
    const other = (await store.createEndpoint("recover", { url: `${URL_BASE}/o` })).endpoint;
    let down = true;
    const received = [];
    const d = dispatcherFor(store, clock, (data) => (received.push(data.n), down ? 503 : 200));
    const before = await store.publish("recover", { type: "a.b", data: { n: -1 } });
    await store.deliverDue(d, { limit: 100 });
    advance(60_000);
    const since = clock();
    const events = [];
    for (let n = 0; n < 7; n++) {
      advance(10);
      events.push(await store.publish("recover", { type: "a.b", data: { n } }));
    }
    await store.deliverDue(d, { limit: 100 });
    // One the owner cancelled stays cancelled; one still pending is not sent twice either.
    const cancelledByOwner = await store.publish("recover", { type: "a.b", data: { n: 100 } });
    const [mine] = (await store.listDeliveries("recover", { event: cancelledByOwner.eventId, endpoint: endpoint.id })).data;
    await store.cancelDelivery("recover", mine.id);
    down = false;
    received.length = 0;
    advance(1000);
    const first = await store.recoverEndpoint("recover", endpoint.id, { since: new Date(since).toISOString(), limit: 3 });
    assert.deepEqual([first.recovered, first.more, first.deliveryIds.length], [3, true, 3]);
    // The rest, by two calls at once: each failed delivery is sent again by one of them only.
    const [x, y] = await Promise.all([store.recoverEndpoint("recover", endpoint.id, { since }), store.recoverEndpoint("recover", endpoint.id, { since })]);
    assert.equal(x.recovered + y.recovered, 4, `concurrent recoveries: ${x.recovered} + ${y.recovered}`);
    const none = await store.recoverEndpoint("recover", endpoint.id, { since });
    assert.deepEqual([none.recovered, none.more], [0, false], "a second recovery sends nothing twice");
    await store.deliverDue(d, { limit: 100 });
    assert.deepEqual(received.filter((n) => n >= 0 && n < 100).sort(), [0, 1, 2, 3, 4, 5, 6], "each failed delivery since T once, to this endpoint only");
    const olds = await Promise.all(events.map((e) => store.listDeliveries("recover", { event: e.eventId, endpoint: endpoint.id })));
    for (const page of olds) {
      const [recovery, original] = page.data;
      assert.deepEqual([original.state, original.recoveredBy, recovery.state, recovery.recoveredBy], ["failed", recovery.id, "delivered", null]);
    }
    const older = await store.listDeliveries("recover", { event: before.eventId, endpoint: endpoint.id });
    assert.deepEqual(older.data.map((x) => x.state), ["failed"], "a failure before T is not recovered");
    const ofOther = await store.listDeliveries("recover", { endpoint: other.id, status: "failed" });
    assert.ok(ofOther.data.length >= 7 && ofOther.data.every((x) => x.recoveredBy === null), "the other endpoint's failures are its own");
    // Deliveries its disabling cancelled count as failed; the endpoint must be enabled again first.
    down = true;
    advance(1000);
    const since2 = clock();
    const pendingOnes = [await store.publish("recover", { type: "a.b", data: { n: 200 } }), await store.publish("recover", { type: "a.b", data: { n: 201 } })];
    await store.updateEndpoint("recover", endpoint.id, { enabled: false });
    const disabled = await caught(store.recoverEndpoint("recover", endpoint.id, { since: since2 }));
    assert.equal(disabled?.code, "endpoint_disabled");
    await store.updateEndpoint("recover", endpoint.id, { enabled: true });
    const afterOutage = await store.recoverEndpoint("recover", endpoint.id, { since: since2 });
    assert.equal(afterOutage.recovered, pendingOnes.length, "deliveries the disabling cancelled are sent again");
    for (const [body, named] of [[{}, "since"], [{ since: "soon" }, "since"], [{ since, limit: 501 }, "limit"], [{ since, sinse: 1 }, "sinse"]]) {
      const e = await caught(store.recoverEndpoint("recover", endpoint.id, body));
      assert.ok(e?.code === "invalid_argument" && e.message.includes(named), `${JSON.stringify(body)}: ${e?.code} ${e?.message}`);
    }
    assert.equal((await caught(store.recoverEndpoint("nobody", endpoint.id, { since }))).code, "not_found");
  });

  test(`${name}: support API: filters, events, cancel and recover over HTTP; unknown parameters and bad values are 400; every answer matches openapi.json`, async () => {
    const { store } = await made();
    await store.migrate();
    const enqueued = [];
    const api = checkedHandler(createManagementApi({ store, token: TOKEN, enqueue: (m) => enqueued.push(...m) }));
    const call = async (method, path, body, token = TOKEN) => {
      const r = await api(new Request(`http://api.test/v1/tenants/${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) }));
      return { status: r.status, body: r.status === 204 ? null : await r.json() };
    };
    const served = await api(new Request("http://api.test/v1/openapi.json"));
    assert.deepEqual(await served.json(), openapi, "GET /v1/openapi.json is the document the package ships");
    const created = await call("POST", "acme/endpoints", { url: `${URL_BASE}/api` });
    const ep = created.body.endpoint.id;
    let status = 503;
    const d = dispatcherFor(store, clock, () => status);
    advance(1000);
    const since = clock();
    const published = await call("POST", "acme/events", { id: "msg_support", type: "invoice.paid", data: { amount: 42 } });
    assert.equal(published.status, 202);
    await store.deliverDue(d);
    const failed = await call("GET", `acme/endpoints/${ep}/attempts?status=failed&statusClass=5xx&since=${encodeURIComponent(new Date(since).toISOString())}`);
    assert.deepEqual([failed.status, failed.body.data.map((r) => r.status)], [200, [503]]);
    const deliveries = await call("GET", `acme/deliveries?endpoint=${ep}&status=failed`);
    assert.deepEqual(deliveries.body.data.map((x) => x.eventId), ["msg_support"]);
    const events = await call("GET", "acme/events?limit=10");
    assert.deepEqual(events.body.data.map((e) => e.id), ["msg_support"]);
    const event = await call("GET", "acme/events/msg_support");
    assert.deepEqual([event.body.payload.data, event.body.deliveries[0].state], [{ amount: 42 }, "failed"]);
    status = 200;
    const recovered = await call("POST", `acme/endpoints/${ep}/recover`, { since });
    assert.deepEqual([recovered.status, recovered.body.recovered, recovered.body.more], [202, 1, false]);
    assert.equal(enqueued.at(-1).deliveryId, recovered.body.deliveryIds[0], "the recovered delivery is queued");
    assert.equal((await call("POST", `acme/endpoints/${ep}/recover`, { since: String(since) })).body.recovered, 0, "idempotent over HTTP");
    advance(1000);
    await call("POST", "acme/events", { type: "invoice.paid", data: {} });
    const pendingId = (await call("GET", `acme/deliveries?status=pending&limit=1`)).body.data[0].id;
    const cancelled = await call("POST", `acme/deliveries/${pendingId}/cancel`);
    assert.deepEqual([cancelled.status, cancelled.body.changed, cancelled.body.delivery.endedReason], [200, true, "cancelled_by_owner"]);
    await store.deliverDue(d);
    const redone = await call("GET", `acme/deliveries/${recovered.body.deliveryIds[0]}`);
    assert.equal(redone.body.state, "delivered");
    const ended = await call("POST", `acme/deliveries/${recovered.body.deliveryIds[0]}/cancel`);
    assert.deepEqual([ended.status, ended.body.code], [409, "delivery_ended"]);
    for (const [path, named] of [
      [`acme/endpoints/${ep}/attempts?statuss=failed`, "statuss"],
      [`acme/endpoints/${ep}/attempts?status=failed&status=delivered`, "status"],
      [`acme/endpoints/${ep}/attempts?since=tomorrow`, "since"],
      ["acme/deliveries?statusClass=5xx", "statusClass"],
      ["acme/deliveries?limit=0", "limit"],
      ["acme/events?status=failed", "status"],
      ["acme/events?until=2026-12-07", "until"],
      ["acme/endpoints?since=0", "since"],
      [`acme/endpoints/${ep}?verbose=1`, "verbose"],
      ["acme/events/msg_support?full=1", "full"],
    ]) {
      const r = await call("GET", path);
      assert.ok(r.status === 400 && r.body.code === "invalid_argument" && r.body.detail.includes(named), `${path}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    assert.equal((await call("POST", `acme/endpoints/${ep}/recover`, { since: "whenever" })).status, 400);
    const withQuery = await call("POST", `acme/endpoints/${ep}/recover?force=1`, { since });
    assert.deepEqual([withQuery.status, withQuery.body.code], [400, "invalid_argument"], "a route that takes no parameter refuses one");
    assert.equal((await call("GET", "acme/events/msg_none")).status, 404);
    assert.equal((await call("POST", "acme/deliveries/dlv_none/cancel")).status, 404);
  });

  test(`${name}: tenant tokens: only the operator issues them; 403 on another tenant's routes, on writes when read-only and on issuing; forged ones and another operator's are 401`, async () => {
    const { store } = await made();
    await store.migrate();
    const api = checkedHandler(createManagementApi({ store, token: TOKEN }));
    const call = async (method, path, token, body) => {
      const r = await api(new Request(`http://api.test/v1/tenants/${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) }));
      return { status: r.status, body: r.status === 204 ? null : await r.json() };
    };
    const issued = await call("POST", "acme/tokens", TOKEN, { expiresInMs: 120_000 });
    assert.equal(issued.status, 201);
    const { token, expiresAtMs, expiresAt, readOnly } = issued.body;
    assert.ok(token.startsWith("hlt_") && !token.includes(TOKEN) && readOnly === false);
    assert.ok(Math.abs(expiresAtMs - (Date.now() + 120_000)) < 5000 && new Date(expiresAt).getTime() === expiresAtMs);
    const own = await call("POST", "acme/endpoints", token, { url: `${URL_BASE}/t` });
    assert.equal(own.status, 201, "a tenant token writes its own tenant's routes");
    assert.equal((await call("GET", "acme/endpoints", token)).body.data.length, 1);
    for (const path of ["other/endpoints", "other/events", "other/deliveries"]) {
      const r = await call("GET", path, token);
      assert.deepEqual([r.status, r.body.code], [403, "forbidden"], path);
    }
    assert.deepEqual([(await call("POST", "acme/tokens", token, {})).status, (await call("POST", "acme/tokens", token, {})).body.code], [403, "forbidden"], "a tenant token cannot issue tokens");
    const ro = (await call("POST", "acme/tokens", TOKEN, { readOnly: true })).body;
    assert.equal(ro.readOnly, true);
    assert.equal((await call("GET", `acme/endpoints/${own.body.endpoint.id}`, ro.token)).status, 200, "read-only reads");
    for (const [method, path, body] of [["POST", "acme/endpoints", { url: `${URL_BASE}/x` }], ["DELETE", `acme/endpoints/${own.body.endpoint.id}`], ["POST", `acme/endpoints/${own.body.endpoint.id}/rotate-secret`, {}], ["POST", "acme/events", { type: "a.b", data: {} }]]) {
      const r = await call(method, path, ro.token, body);
      assert.deepEqual([r.status, r.body?.code], [403, "forbidden"], `read-only ${method} ${path}`);
    }
    const forged = `${token.slice(0, -4)}AAAA`;
    assert.deepEqual([(await call("GET", "acme/endpoints", forged)).status, (await call("GET", "acme/endpoints", forged)).body.code], [401, "unauthorized"]);
    const badOptions = await call("POST", "acme/tokens", TOKEN, { expiresInMs: 1000 });
    assert.deepEqual([badOptions.status, badOptions.body.code], [400, "invalid_argument"]);
    const otherKey = checkedHandler(createManagementApi({ store, token: "another-operator-token-0123" }));
    const foreign = await otherKey(new Request("http://api.test/v1/tenants/acme/endpoints", { headers: { authorization: `Bearer ${token}` } }));
    assert.equal(foreign.status, 401, "a token of another operator's key");
    const keyed = checkedHandler(createManagementApi({ store, authorize: () => false, tokenKey: TOKEN }));
    assert.equal((await keyed(new Request("http://api.test/v1/tenants/acme/endpoints", { headers: { authorization: `Bearer ${token}` } }))).status, 200, "with authorize, tokens signed by tokenKey");
  });
}

/**
 * `hookline serve` on `kind` ("pglite": a temp directory; "postgresql": a database on `cluster`):
 * an endpoint fails during an outage, support staff find its failed deliveries and attempts,
 * read the payloads, and the support task of docs/durable-sender.md (examples/support-task/support.mjs) sends
 * every failed delivery since T again, once; a tenant token does the same, read-only tokens and
 * other tenants get 403; a delivery cancelled with its attempt in flight stays cancelled and
 * keeps the attempt's record; every answer is checked against openapi.json.
 */
export async function serveSupportTest({ kind, cluster, examples, startServe, KEY }) {
  const { execFile } = await import("node:child_process");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { createServer } = await import("node:http");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { checkedFetch } = await import("./openapi-check.mjs");
  const dir = mkdtempSync(join(tmpdir(), "hookline-support-"));
  let db = join(dir, "db");
  if (kind === "postgresql") {
    const pg = (await import("pg")).default;
    const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
    await admin.connect();
    await admin.query("CREATE DATABASE support_task");
    await admin.end();
    db = `postgres://postgres@127.0.0.1:${cluster.port}/support_task`;
  }
  let down = true;
  const got = [];
  // /slow holds its answer until released: an attempt in flight to cancel.
  const held = [];
  const receiver = createServer((req, res) => {
    if (req.url === "/slow") {
      req.resume();
      held.push(() => res.headersSent || res.writeHead(204).end());
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      got.push({ id: req.headers["webhook-id"], down, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(down ? 503 : 204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  let serve = null;
  try {
    serve = await startServe(["--db", db, "--schedule", "0", "--allow-targets", "127.0.0.1"], { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY });
    const call = async (method, path, body, token = TOKEN) => {
      const r = await checkedFetch(`${serve.base}/v1/tenants/${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body && JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const waitFor = async (what, ok) => {
      for (const until = Date.now() + 20_000; !(await ok()); ) {
        if (Date.now() > until) throw new Error(`${what}: not within 20 s (${serve.out.slice(0, 400)})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const { body: created } = await call("POST", "shop/endpoints", { url: `http://127.0.0.1:${receiver.address().port}/hooks`, eventTypes: ["order.*"] });
    const ep = created.endpoint.id;
    const since = new Date(Date.now() - 1000).toISOString();
    for (let n = 0; n < 3; n++) assert.equal((await call("POST", "shop/events", { id: `order_${n}`, type: "order.paid", data: { order: n } })).status, 202);
    await waitFor("three failed deliveries", async () => (await call("GET", `shop/deliveries?endpoint=${ep}&status=failed`)).body.data.length === 3);
    const attempts = await call("GET", `shop/endpoints/${ep}/attempts?status=failed&statusClass=5xx&since=${encodeURIComponent(since)}`);
    assert.deepEqual(attempts.body.data.map((a) => a.status), [503, 503, 503]);
    const event = await call("GET", "shop/events/order_1");
    assert.deepEqual([event.body.payload.data, event.body.deliveries[0].state], [{ order: 1 }, "failed"]);
    // The receiver is back; the support task of docs/durable-sender.md sends the failures again.
    down = false;
    const stdout = await new Promise((ok, fail) =>
      execFile(process.execPath, [join(examples, "support-task", "support.mjs"), serve.base, "shop", ep, since], { env: { ...process.env, HOOKLINE_API_TOKEN: TOKEN }, timeout: 30_000 }, (e, so, se) => (e ? fail(new Error(`${e.message}\n${se}`)) : ok(so))),
    );
    const lines = stdout.trim().split("\n");
    assert.deepEqual(JSON.parse(lines.at(-1)), { failed: 3, recovered: 3 }, stdout);
    assert.ok(lines.slice(0, 3).every((l) => /order\.paid \{"order":\d\}: \S+ \(503\)/.test(l)), `the task's lines: ${stdout}`);
    await waitFor("the recovered deliveries delivered", async () => got.filter((g) => !g.down).length === 3);
    assert.deepEqual(got.filter((g) => !g.down).map((g) => g.id).sort(), ["order_0", "order_1", "order_2"], "each failed delivery sent again once");
    // A tenant token for support's own tools: recovering again sends nothing twice.
    const rw = (await call("POST", "shop/tokens", { expiresInMs: 600_000 })).body.token;
    const again = await call("POST", `shop/endpoints/${ep}/recover`, { since }, rw);
    assert.deepEqual([again.status, again.body.recovered], [202, 0]);
    const ro = (await call("POST", "shop/tokens", { readOnly: true })).body.token;
    assert.equal((await call("GET", `shop/deliveries?endpoint=${ep}&status=delivered`, undefined, ro)).body.data.length, 3);
    assert.deepEqual([(await call("POST", `shop/endpoints/${ep}/recover`, { since }, ro)).status, (await call("GET", "other/endpoints", undefined, rw)).status], [403, 403]);
    // Cancel with its attempt in flight: the delivery ends cancelled, the attempt keeps its record.
    const slow = (await call("POST", "shop/endpoints", { url: `http://127.0.0.1:${receiver.address().port}/slow`, eventTypes: ["slow.*"] })).body.endpoint.id;
    await call("POST", "shop/events", { id: "slow_1", type: "slow.one", data: {} });
    await waitFor("the slow request in flight", async () => held.length === 1);
    const [inFlight] = (await call("GET", `shop/deliveries?endpoint=${slow}`)).body.data;
    const cancelled = await call("POST", `shop/deliveries/${inFlight.id}/cancel`, undefined, rw);
    assert.deepEqual([cancelled.status, cancelled.body.changed, cancelled.body.inFlight, cancelled.body.delivery.state], [200, true, true, "cancelled"]);
    held[0]();
    await waitFor("the attempt in flight recorded", async () => (await call("GET", `shop/endpoints/${slow}/attempts?status=delivered`)).body.data.length === 1);
    const after = (await call("GET", `shop/deliveries/${inFlight.id}`)).body;
    assert.deepEqual([after.state, after.endedReason, after.attempts.map((a) => a.outcome)], ["cancelled", "cancelled_by_owner", ["delivered"]]);
    const doc = await checkedFetch(`${serve.base}/v1/openapi.json`);
    assert.equal((await doc.json()).openapi, "3.1.0");
    await new Promise((r) => setTimeout(r, 300)); // room for a wrong second delivery to show
    assert.equal(got.length, 6, "three failures and three recoveries, nothing more");
    assert.ok(!serve.out.includes(rw) && !serve.out.includes(TOKEN), "a token in serve's output");
    serve.child.kill("SIGTERM");
    assert.equal((await serve.exited).code, 0, serve.out);
  } finally {
    for (const release of held) release();
    if (serve?.running()) serve.child.kill("SIGKILL");
    if (serve) await serve.exited;
    receiver.close();
    receiver.closeAllConnections?.();
    rmSync(dir, { recursive: true, force: true });
  }
}
