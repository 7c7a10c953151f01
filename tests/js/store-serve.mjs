// `hookline serve` under faults, driven as users run it: the installed CLI as a child process, on
// a throwaway PostgreSQL cluster (pg-cluster.mjs) or PGlite in a temp directory, receivers on
// 127.0.0.1. One function per fault; each stops what it starts and waits for nothing unbounded.
// Run by store.mjs (Node only).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { assert } from "./harness.mjs";
import { checkedFetch } from "./openapi-check.mjs";

const TOKEN = "serve-fault-token-0123456789";
const KEY = Buffer.alloc(32, 11).toString("base64");
const OTHER_KEY = Buffer.alloc(32, 12).toString("base64");
const ENV = { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY };

// ---- helpers -------------------------------------------------------------------------------------

/** `hookline serve` from the installed package, started; its output gathered in `out`. */
export function spawnServe(args, env) {
  const bin = new URL("./node_modules/hookline/bin/hookline.mjs", import.meta.url);
  const child = spawn(process.execPath, [bin.pathname, "serve", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const state = { child, out: "", base: null };
  child.stdout.on("data", (c) => (state.out += c));
  child.stderr.on("data", (c) => (state.out += c));
  state.exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  state.running = () => child.exitCode === null && child.signalCode === null;
  return state;
}

/** `hookline serve` (on a free port unless `--port` is given), resolved once it prints where its API listens. */
export async function startServe(args, env) {
  const state = spawnServe(args.includes("--port") ? args : ["--port", "0", ...args], env);
  const until = Date.now() + 30_000;
  while (!/API on (http:\/\/127\.0\.0\.1:\d+)/.test(state.out)) {
    if (Date.now() > until || !state.running()) {
      state.child.kill("SIGKILL");
      await state.exited;
      throw new Error(`serve did not start: ${printed(state)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  state.base = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(state.out)[1];
  return state;
}

export const waitFor = async (what, ok, ms) => {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What a serve printed, for a failure's message: the start of it (a crash's first lines say why). */
const printed = (serve) => (serve.out.length > 800 ? `${serve.out.slice(0, 800)} …` : serve.out);

/** How a process ended, or an error if it is still running after `ms`. */
async function exitWithin(state, ms, what) {
  const timer = new Promise((r) => setTimeout(() => r(null), ms));
  const ended = await Promise.race([state.exited, timer]);
  if (!ended) throw new Error(`${what}: serve still running after ${ms} ms: ${printed(state)}`);
  return ended;
}

/** SIGKILL for every serve still running (a test's `finally`), then their exits. */
async function killAll(serves) {
  for (const s of serves) if (s.running()) s.child.kill("SIGKILL");
  await Promise.all(serves.map((s) => s.exited));
}

/** A fresh database on the cluster, its URL for serve and a pool for the test's own reads. */
async function database(cluster, name) {
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: name, max: 2, application_name: "hookline-test" });
  // The tests end connections on purpose (pg_terminate_backend, a stopped server): an idle one
  // that ends is the pool's to replace, not the test process's crash.
  pool.on("error", () => {});
  return { url: `postgres://postgres@127.0.0.1:${cluster.port}/${name}`, pool };
}

/** A request to a started serve; when it cannot be made, the error says whether serve exited. */
async function request(serve, path, init) {
  try {
    return await checkedFetch(`${serve.base}${path}`, init);
  } catch (e) {
    throw new Error(`${init?.method ?? "GET"} ${path}: ${e.message}${serve.running() ? "" : `; serve exited: ${printed(serve)}`}`);
  }
}

/** The management API of a started serve: `call(method, "tenant/path", body)` → `{ status, body, text }`. */
function apiOf(serve) {
  return async (method, path, body) => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const r = await request(serve, `/v1/tenants/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the text says what it was
    }
    return { status: r.status, body: parsed, text };
  };
}

/** An endpoint created over the API: `{ id, secret }`. */
async function endpoint(call, tenant, url) {
  const r = await call("POST", `${tenant}/endpoints`, { url });
  assert.equal(r.status, 201, `create an endpoint for ${tenant}: ${r.text}`);
  return { id: r.body.endpoint.id, secret: r.body.secret };
}

/** `events` published for `tenant`, ten at a time; each must be accepted. */
async function publishAll(call, tenant, events) {
  for (let i = 0; i < events.length; i += 10) {
    const answers = await Promise.all(events.slice(i, i + 10).map((e) => call("POST", `${tenant}/events`, e)));
    for (const a of answers) assert.equal(a.status, 202, `publish for ${tenant}: ${a.text}`);
  }
}

/**
 * A receiver on 127.0.0.1 that counts requests per delivery (the `webhook-delivery-id` header)
 * as they arrive, keeps each request (`{ path, headers, body, status }`) and answers `answer()`
 * (204 by default) after `delayMs()`.
 */
async function countingReceiver({ delayMs = () => 0, answer = () => 204 } = {}) {
  const seen = new Map();
  const bodies = [];
  let hits = 0;
  const server = createHttpServer((req, res) => {
    const id = req.headers["webhook-delivery-id"];
    seen.set(id, (seen.get(id) ?? 0) + 1);
    hits++;
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const status = answer();
      bodies.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      setTimeout(() => res.writeHead(status).end(), delayMs());
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: (path) => `http://127.0.0.1:${server.address().port}${path}`,
    seen,
    bodies,
    hits: () => hits,
    close() {
      server.close();
      server.closeAllConnections?.();
    },
  };
}

const count = async (pool, text, params) => (await pool.query(text, params)).rows[0].n;
const notDelivered = (pool) => count(pool, "SELECT count(*)::int AS n FROM hookline_deliveries WHERE state <> 'delivered'");

async function health(serve) {
  const r = await request(serve, "/health");
  return { status: r.status, body: await r.json().catch(() => null) };
}

/** A driver's words that must never reach an API client. */
const DRIVER_TEXT = /ECONN|connect |127\.0\.0\.1|postgres|terminat|SQLSTATE|57P0/i;

// ---- the faults ----------------------------------------------------------------------------------

/**
 * Defect 7, an honest log: serve delivers to a slow receiver (200-400 ms) with many requests in
 * flight and is killed with SIGKILL mid-run; a second serve finishes. No attempt is left
 * `started`; per delivery the recorded attempts (unknown included) are at least the requests
 * the receiver saw and the known ones at most; some were recorded `unknown`; all delivered.
 */
export async function honestLogTest(cluster) {
  const { url, pool } = await database(cluster, "honest");
  const receiver = await countingReceiver({ delayMs: () => 200 + Math.floor(Math.random() * 200) });
  const serves = [];
  const args = ["--db", url, "--schedule", "0,100ms,100ms,100ms,100ms,100ms", "--allow-targets", "127.0.0.1", "--lease", "3s"];
  try {
    const first = await startServe(args, ENV);
    serves.push(first);
    const call = apiOf(first);
    for (let k = 0; k < 3; k++) await endpoint(call, "honest", receiver.url(`/ep${k}`));
    await publishAll(call, "honest", Array.from({ length: 20 }, (_, i) => ({ type: "a.b", data: { i } })));
    await waitFor("the first serve's requests", () => receiver.hits() >= 20, 30_000);
    first.child.kill("SIGKILL");
    await first.exited;
    const second = await startServe(args, ENV);
    serves.push(second);
    await waitFor("every delivery delivered", async () => (await notDelivered(pool)) === 0, 30_000);
    const { rows } = await pool.query(`SELECT d.id, d.state,
        count(*) FILTER (WHERE a.outcome IN ('delivered', 'retry', 'failed', 'unknown'))::int AS recorded,
        count(*) FILTER (WHERE a.outcome IN ('delivered', 'retry', 'failed'))::int AS known,
        count(*) FILTER (WHERE a.outcome = 'unknown')::int AS unknown,
        count(*) FILTER (WHERE a.outcome = 'started')::int AS started
      FROM hookline_deliveries d LEFT JOIN hookline_attempts a ON a.delivery_id = d.id GROUP BY d.id, d.state`);
    assert.equal(rows.length, 60, "deliveries");
    for (const r of rows) {
      const requests = receiver.seen.get(r.id) ?? 0;
      assert.equal(r.started, 0, `${r.id}: attempts left started`);
      assert.ok(r.recorded >= requests, `${r.id}: ${requests} requests reached the receiver, ${r.recorded} attempts recorded`);
      assert.ok(r.known <= requests, `${r.id}: ${r.known} attempts recorded as sent, ${requests} requests reached the receiver`);
      assert.equal(r.state, "delivered", r.id);
    }
    assert.ok(rows.some((r) => r.unknown > 0), "no attempt recorded unknown: the kill hit no attempt in flight");
    assert.ok(second.running(), `the second serve exited: ${printed(second)}`);
  } finally {
    await killAll(serves);
    receiver.close();
    await pool.end();
  }
}

/**
 * Defect 8, connections ended by the server: pg_terminate_backend on every connection serve
 * holds, once while it is idle and once while it delivers. serve keeps running, and every
 * event published before and after is delivered, each delivery's request sent once.
 */
export async function terminatedConnectionsTest(cluster) {
  const { url, pool } = await database(cluster, "conns");
  const receiver = await countingReceiver({ delayMs: () => 100 + Math.floor(Math.random() * 100) });
  const admin = new pg.Client({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres" });
  await admin.connect();
  admin.on("error", () => {});
  const terminate = async () => (await admin.query("SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = 'conns' AND pid <> pg_backend_pid() AND application_name <> 'hookline-test'")).rows[0].n;
  let serve = null;
  try {
    serve = await startServe(["--db", url, "--schedule", "0,100ms,100ms,100ms,100ms", "--allow-targets", "127.0.0.1", "--lease", "4s"], ENV);
    const call = apiOf(serve);
    for (let k = 0; k < 2; k++) await endpoint(call, "conns", receiver.url(`/ep${k}`));
    const batch = (from, n) => Array.from({ length: n }, (_, i) => ({ id: `msg_conns_${from + i}`, type: "a.b", data: { i: from + i } }));
    await publishAll(call, "conns", batch(0, 5));
    await waitFor("the first events delivered", async () => (await notDelivered(pool)) === 0, 15_000);
    // Idle: the pool's connections end while nothing uses them.
    await sleep(300);
    const idle = await terminate();
    assert.ok(idle >= 1, "serve held no connection to end");
    await sleep(500);
    assert.ok(serve.running(), `serve exited when its idle connections ended: ${printed(serve)}`);
    await publishAll(call, "conns", batch(5, 5));
    // Busy: the connections end while requests are in flight and attempts are being recorded.
    await publishAll(call, "conns", batch(10, 30));
    await waitFor("requests in flight", () => receiver.hits() >= 30, 15_000);
    const busy = await terminate();
    await sleep(150);
    assert.ok(busy + (await terminate()) >= 1, "serve held no connection to end while delivering");
    await waitFor("every delivery delivered", async () => (await notDelivered(pool)) === 0, 30_000);
    assert.ok(serve.running(), `serve exited: ${printed(serve)}`);
    const { rows } = await pool.query("SELECT id FROM hookline_deliveries");
    assert.equal(rows.length, 80, "deliveries (40 events to 2 endpoints)");
    for (const r of rows) assert.equal(receiver.seen.get(r.id), 1, `${r.id}: requests the receiver got`);
    serve.child.kill("SIGTERM");
    assert.equal((await exitWithin(serve, 15_000, "SIGTERM")).code, 0, printed(serve));
  } finally {
    if (serve) await killAll([serve]);
    receiver.close();
    await admin.end().catch(() => {});
    await pool.end();
  }
}

/**
 * Defect 8, an outage: the PostgreSQL server is stopped for 5 s while serve has deliveries in
 * flight and due. Meanwhile GET /health answers 503 and publishing answers a 503 problem
 * `database_unavailable` with no driver text; serve logs the outage, never exits, is healthy
 * again soon after the server is back, and delivers everything it accepted before.
 */
export async function databaseOutageTest(cluster) {
  const { url, pool } = await database(cluster, "outage");
  const receiver = await countingReceiver({ delayMs: () => 300 });
  let serve = null;
  let down = false;
  try {
    serve = await startServe(["--db", url, "--schedule", "0,200ms,200ms,200ms", "--allow-targets", "127.0.0.1", "--lease", "20s"], ENV);
    const call = apiOf(serve);
    const healthy = await health(serve);
    assert.deepEqual([healthy.status, healthy.body?.status, healthy.body?.worker?.database], [200, "ok", "ok"], JSON.stringify(healthy.body));
    await endpoint(call, "outage", receiver.url("/in"));
    await publishAll(call, "outage", Array.from({ length: 20 }, (_, i) => ({ id: `msg_outage_${i}`, type: "a.b", data: { i } })));
    await waitFor("requests in flight", () => receiver.hits() >= 1, 10_000);
    assert.ok(receiver.hits() < 20, "every event was sent before the server stopped");
    cluster.stopServer();
    down = true;
    const stoppedAt = Date.now();
    await waitFor("GET /health answering 503", async () => (await health(serve)).status === 503, 5_000);
    const unhealthy = await health(serve);
    assert.deepEqual([unhealthy.body?.status, unhealthy.body?.worker?.database], ["unavailable", "unavailable"], JSON.stringify(unhealthy.body));
    const refused = await call("POST", "outage/events", { id: "msg_outage_refused", type: "a.b", data: {} });
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.body?.code, "database_unavailable", refused.text);
    assert.ok(!DRIVER_TEXT.test(refused.text), `driver text in the answer: ${refused.text}`);
    await sleep(Math.max(0, 5_000 - (Date.now() - stoppedAt)));
    assert.ok(serve.running(), `serve exited during the outage: ${printed(serve)}`);
    cluster.startServer();
    down = false;
    await waitFor("GET /health answering 200 again", async () => (await health(serve)).status === 200, 15_000);
    await waitFor("everything accepted before the outage delivered", async () => (await notDelivered(pool)) === 0, 30_000);
    const { rows } = await pool.query("SELECT id, event_id FROM hookline_deliveries");
    assert.deepEqual(rows.map((r) => r.event_id).sort(), Array.from({ length: 20 }, (_, i) => `msg_outage_${i}`).sort(), "the events accepted, and only those");
    for (const r of rows) assert.ok(receiver.seen.get(r.id) >= 1, `${r.event_id}: delivered without a request`);
    assert.ok(/database unavailable \(/.test(serve.out) && /database reachable again/.test(serve.out), `the outage is not in serve's log: ${printed(serve)}`);
    assert.ok(serve.running(), `serve exited: ${printed(serve)}`);
    serve.child.kill("SIGTERM");
    assert.equal((await exitWithin(serve, 15_000, "SIGTERM")).code, 0, printed(serve));
  } finally {
    if (down) cluster.startServer();
    if (serve) await killAll([serve]);
    receiver.close();
    await pool.end();
  }
}

/**
 * Defect 12: a second serve on a PGlite directory in use exits at once with one line naming the
 * first's pid; the first goes on delivering; after the first is killed with SIGKILL, a new serve
 * takes the directory over and delivers what was pending.
 */
export async function pgliteDirectoryTest() {
  const dir = mkdtempSync(join(tmpdir(), "hookline-serve-lock-"));
  let failing = true;
  const receiver = await countingReceiver({ answer: () => (failing ? 503 : 204) });
  const serves = [];
  const args = ["--db", join(dir, "db"), "--schedule", "0,1s,1s,1s,1s,1s,1s,1s,1s,1s", "--allow-targets", "127.0.0.1", "--lease", "2s"];
  try {
    const first = await startServe(args, ENV);
    serves.push(first);
    const pid = first.child.pid;
    const second = spawnServe(["--port", "0", ...args], ENV);
    serves.push(second);
    const ended = await exitWithin(second, 15_000, "a second serve on the same directory");
    assert.ok(ended.code !== 0 && ended.code !== null, `exit ${ended.code}: ${printed(second)}`);
    const said = second.out.trim();
    assert.ok(!said.includes("\n") && said.includes(String(pid)) && said.includes(join(dir, "db")), `one line naming pid ${pid} and the directory: ${printed(second)}`);
    const call = apiOf(first);
    await endpoint(call, "lite", receiver.url("/in"));
    failing = false;
    await publishAll(call, "lite", [{ id: "msg_lite_first", type: "a.b", data: {} }]);
    await waitFor("the first serve delivering", () => receiver.bodies.some((b) => b.headers["webhook-id"] === "msg_lite_first"), 15_000);
    // Pending when the first dies: its first attempt is refused, the next one is 1 s later.
    failing = true;
    await publishAll(call, "lite", [{ id: "msg_lite_pending", type: "a.b", data: {} }]);
    await waitFor("the pending event's first attempt", () => receiver.bodies.some((b) => b.headers["webhook-id"] === "msg_lite_pending"), 15_000);
    first.child.kill("SIGKILL");
    await first.exited;
    failing = false;
    const third = await startServe(args, ENV);
    serves.push(third);
    await waitFor(
      "the pending event delivered by the serve that took the directory over",
      () => receiver.bodies.some((b) => b.headers["webhook-id"] === "msg_lite_pending" && b.status === 204),
      20_000,
    );
    third.child.kill("SIGTERM");
    assert.equal((await exitWithin(third, 15_000, "SIGTERM")).code, 0, printed(third));
  } finally {
    await killAll(serves);
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Defect 4: serve on a database whose secrets were sealed with another HOOKLINE_ENCRYPTION_KEY
 * refuses to start, naming the key id (k1) and printing no secret; with the right key it
 * starts and delivers.
 */
export async function wrongKeyTest(cluster) {
  const { url, pool } = await database(cluster, "keys");
  const receiver = await countingReceiver();
  const serves = [];
  const args = ["--db", url, "--schedule", "0,200ms", "--allow-targets", "127.0.0.1"];
  try {
    const first = await startServe(args, ENV);
    serves.push(first);
    const { secret } = await endpoint(apiOf(first), "keys", receiver.url("/in"));
    first.child.kill("SIGTERM");
    assert.equal((await exitWithin(first, 15_000, "SIGTERM")).code, 0, printed(first));
    const wrong = spawnServe(["--port", "0", ...args], { ...ENV, HOOKLINE_ENCRYPTION_KEY: OTHER_KEY });
    serves.push(wrong);
    const ended = await exitWithin(wrong, 20_000, "serve with the wrong key");
    assert.ok(ended.code !== 0 && ended.code !== null, `exit ${ended.code}: ${printed(wrong)}`);
    assert.ok(wrong.out.includes('"k1"') && !wrong.out.includes("API on"), `the key id in the refusal: ${printed(wrong)}`);
    assert.ok(!wrong.out.includes(secret.slice(6)) && !wrong.out.includes(OTHER_KEY) && !wrong.out.includes(KEY), "a secret in the output");
    const right = await startServe(args, ENV);
    serves.push(right);
    await publishAll(apiOf(right), "keys", [{ id: "msg_keys", type: "a.b", data: {} }]);
    await waitFor("delivered with the right key", async () => (await notDelivered(pool)) === 0 && receiver.bodies.length > 0, 15_000);
    const got = receiver.bodies[0];
    new Webhook(secret).verify(got.body, got.headers);
  } finally {
    await killAll(serves);
    receiver.close();
    await pool.end();
  }
}

/**
 * Defect 5: rotate-secret with {"graceMs": 0} revokes the old secret at once; with no body the
 * old one signs beside the new one for serve's --grace (3 s here), then no more; an unknown
 * field is a 400 naming it.
 */
export async function rotationTest(cluster) {
  const { url, pool } = await database(cluster, "rotation");
  const receiver = await countingReceiver();
  let serve = null;
  try {
    serve = await startServe(["--db", url, "--schedule", "0,200ms", "--allow-targets", "127.0.0.1", "--grace", "3s"], ENV);
    const call = apiOf(serve);
    const { id, secret: first } = await endpoint(call, "rot", receiver.url("/in"));
    const rotate = async (body) => {
      const r = await call("POST", `rot/endpoints/${id}/rotate-secret`, body);
      assert.equal(r.status, 200, r.text);
      return r.body.secret;
    };
    const verifiesWith = async (eventId) => {
      await publishAll(call, "rot", [{ id: eventId, type: "a.b", data: {} }]);
      await waitFor(`${eventId} delivered`, () => receiver.bodies.some((b) => b.headers["webhook-id"] === eventId), 15_000);
      const got = receiver.bodies.find((b) => b.headers["webhook-id"] === eventId);
      return (secret) => {
        try {
          new Webhook(secret).verify(got.body, got.headers);
          return true;
        } catch {
          return false;
        }
      };
    };
    const second = await rotate({ graceMs: 0 });
    const now = await verifiesWith("msg_rot_now");
    assert.deepEqual([now(first), now(second)], [false, true], "after rotate-secret with graceMs 0: the old secret, the new one");
    const third = await rotate();
    const rotatedAt = Date.now();
    const during = await verifiesWith("msg_rot_grace");
    assert.deepEqual([during(second), during(third)], [true, true], "within --grace: the old secret, the new one");
    await sleep(Math.max(0, 3_100 - (Date.now() - rotatedAt)));
    const after = await verifiesWith("msg_rot_after");
    assert.deepEqual([after(second), after(third)], [false, true], "after --grace: the old secret, the new one");
    const unknown = await call("POST", `rot/endpoints/${id}/rotate-secret`, { graceMs: 0, x: 1 });
    assert.equal(unknown.status, 400, unknown.text);
    assert.ok(unknown.body?.code === "invalid_argument" && unknown.body.detail.includes('"x"'), unknown.text);
    assert.equal(await count(pool, "SELECT secret_version AS n FROM hookline_endpoints WHERE id = $1", [id]), 3, "the refused rotation rotated");
  } finally {
    if (serve) await killAll([serve]);
    receiver.close();
    await pool.end();
  }
}

/**
 * Defect 9: tenant A's endpoint accepts connections and never answers, with 200 events due (more
 * than the 4 × 32 candidates one claim looks at); tenant B's healthy endpoint gets all its 78
 * events within 12 s (before any of A's requests times out: --lease 30s makes the timeout
 * 15 s), and A never has more than serve's per-endpoint share (8 of 32) in flight.
 */
export async function hangingEndpointTest(cluster) {
  const { url, pool } = await database(cluster, "starve");
  const sockets = new Set();
  let open = 0;
  let mostOpen = 0;
  let endedEarly = 0;
  const hang = createTcpServer((socket) => {
    sockets.add(socket);
    open++;
    mostOpen = Math.max(mostOpen, open);
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.on("close", () => {
      open--;
      endedEarly++;
      sockets.delete(socket);
    });
  });
  await new Promise((r) => hang.listen(0, "127.0.0.1", r));
  const receiver = await countingReceiver();
  let serve = null;
  try {
    serve = await startServe(["--db", url, "--schedule", "0,1s", "--allow-targets", "127.0.0.1", "--lease", "30s"], ENV);
    const call = apiOf(serve);
    await endpoint(call, "tenant-a", `http://127.0.0.1:${hang.address().port}/hang`);
    await endpoint(call, "tenant-b", receiver.url("/in"));
    await publishAll(call, "tenant-a", Array.from({ length: 200 }, (_, i) => ({ type: "a.b", data: { i } })));
    await waitFor("tenant A's requests hanging", () => open >= 8, 10_000);
    const started = Date.now();
    await publishAll(call, "tenant-b", Array.from({ length: 78 }, (_, i) => ({ type: "a.b", data: { i } })));
    await waitFor("tenant B's 78 deliveries", () => receiver.seen.size >= 78, 12_000 - (Date.now() - started)).catch((e) => {
      throw new Error(`${e.message}: tenant B got ${receiver.seen.size} of 78 while tenant A held ${open} requests`);
    });
    assert.equal(endedEarly, 0, "a request of tenant A's ended during the check (a timeout)");
    assert.ok(mostOpen <= 16, `tenant A had ${mostOpen} requests in flight at once (its share is half of 32)`);
    const recorded = () => count(pool, "SELECT count(*)::int AS n FROM hookline_deliveries WHERE owner = 'tenant-b' AND state = 'delivered'");
    await waitFor("tenant B's 78 deliveries recorded delivered", async () => (await recorded()) === 78, 5_000);
  } finally {
    for (const s of sockets) s.destroy();
    hang.close();
    if (serve) await killAll([serve]);
    receiver.close();
    await pool.end();
  }
}

/**
 * Defect 11: with the database down, every API call answers a 503 problem
 * `database_unavailable` (not a 400, no driver text), and serve logs the cause.
 */
export async function databaseErrorsTest(cluster) {
  const { url, pool } = await database(cluster, "errors");
  let serve = null;
  let down = false;
  try {
    serve = await startServe(["--db", url, "--allow-targets", "127.0.0.1"], ENV);
    const call = apiOf(serve);
    const { id } = await endpoint(call, "errs", "http://127.0.0.1:9/in");
    cluster.stopServer();
    down = true;
    const calls = [
      ["GET", "errs/endpoints"],
      ["POST", "errs/endpoints", { url: "http://127.0.0.1:9/other" }],
      ["GET", `errs/endpoints/${id}`],
      ["PATCH", `errs/endpoints/${id}`, { description: "x" }],
      ["POST", `errs/endpoints/${id}/rotate-secret`, { graceMs: 0 }],
      ["GET", `errs/endpoints/${id}/attempts`],
      ["POST", "errs/events", { type: "a.b", data: {} }],
      ["GET", "errs/deliveries/dlv_0000000000000000000000000000"],
    ];
    for (const [method, path, body] of calls) {
      const r = await call(method, path, body);
      assert.equal(r.status, 503, `${method} ${path} with the database down: ${r.text}`);
      assert.equal(r.body?.code, "database_unavailable", `${method} ${path}: ${r.text}`);
      assert.ok(!DRIVER_TEXT.test(r.text), `${method} ${path}: driver text in the answer: ${r.text}`);
    }
    assert.ok(/management API: POST \/v1\/tenants\/errs\/events: database_unavailable: .*\(cause: /.test(serve.out), `the cause is not in serve's log: ${printed(serve)}`);
    cluster.startServer();
    down = false;
    await waitFor("GET /health answering 200 again", async () => (await health(serve)).status === 200, 15_000);
    const again = await call("POST", "errs/events", { type: "a.b", data: {} });
    assert.equal(again.status, 202, again.text);
    assert.ok(serve.running(), printed(serve));
  } finally {
    if (down) cluster.startServer();
    if (serve) await killAll([serve]);
    await pool.end();
  }
}

/**
 * Defect 13: a --schedule wait without its unit (0,2,5m) is refused with exit code 2 naming it;
 * a port in use is a one-line error and a non-zero exit.
 */
export async function cliInputTest(cluster) {
  const { url, pool } = await database(cluster, "cli");
  const taken = createTcpServer(() => {});
  await new Promise((r) => taken.listen(0, "127.0.0.1", r));
  const serves = [];
  try {
    const schedule = spawnServe(["--port", "0", "--db", url, "--schedule", "0,2,5m"], ENV);
    serves.push(schedule);
    const refused = await exitWithin(schedule, 15_000, "--schedule 0,2,5m");
    assert.equal(refused.code, 2, printed(schedule));
    assert.ok(/"2" needs a unit/.test(schedule.out), `the refusal names the wait without a unit: ${printed(schedule)}`);
    const port = taken.address().port;
    const busy = spawnServe(["--port", String(port), "--db", url], ENV);
    serves.push(busy);
    const ended = await exitWithin(busy, 20_000, "a port in use");
    const said = busy.out.trim();
    assert.ok(ended.code !== 0 && ended.code !== null, `exit ${ended.code}: ${printed(busy)}`);
    assert.ok(!said.includes("\n") && said.includes(String(port)) && /in use/.test(said), `one line naming the port in use: ${printed(busy)}`);
  } finally {
    await killAll(serves);
    taken.close();
    await pool.end();
  }
}

/**
 * Defect 10: event ids are per tenant: tenant B publishing an id tenant A used is a new event
 * for B (202, duplicate false, matched B's endpoints) and B's receivers get it; A publishing it
 * again is A's duplicate.
 */
export async function tenantEventIdsTest(cluster) {
  const { url, pool } = await database(cluster, "tenants");
  const receiver = await countingReceiver();
  let serve = null;
  try {
    serve = await startServe(["--db", url, "--schedule", "0,200ms", "--allow-targets", "127.0.0.1"], ENV);
    const call = apiOf(serve);
    await endpoint(call, "tenant-a", receiver.url("/a"));
    await endpoint(call, "tenant-b", receiver.url("/b1"));
    await endpoint(call, "tenant-b", receiver.url("/b2"));
    const event = (tenant) => ({ id: "msg_shared_id", type: "a.b", data: { tenant } });
    const a = await call("POST", "tenant-a/events", event("a"));
    const b = await call("POST", "tenant-b/events", event("b"));
    const aAgain = await call("POST", "tenant-a/events", event("a"));
    assert.deepEqual([a.status, a.body?.duplicate, a.body?.matched], [202, false, 1], a.text);
    assert.deepEqual([b.status, b.body?.duplicate, b.body?.matched], [202, false, 2], `tenant B publishing tenant A's id: ${b.text}`);
    assert.deepEqual([aAgain.status, aAgain.body?.duplicate, aAgain.body?.matched], [202, true, 1], aAgain.text);
    await waitFor("both tenants' deliveries", () => receiver.bodies.length >= 3, 15_000);
    await sleep(200);
    const got = receiver.bodies.map((r) => `${r.path} ${r.headers["webhook-id"]} ${JSON.parse(r.body).data.tenant}`).sort();
    assert.deepEqual(got, ["/a msg_shared_id a", "/b1 msg_shared_id b", "/b2 msg_shared_id b"]);
  } finally {
    if (serve) await killAll([serve]);
    receiver.close();
    await pool.end();
  }
}
