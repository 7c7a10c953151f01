// The examples in examples/ run as users run them, against the packed tarball. Each is copied into
// this consumer folder, so `import ... from "hookline"` resolves to node_modules/hookline (and
// express, miniflare, playwright-core to the repo's node_modules further up). The Express and
// Deno.serve receivers are started as processes, the Worker is bundled by wrangler from its
// wrangler.toml and run in Miniflare, the browser page is driven in headless Chromium; each is sent
// a correctly signed webhook (accepted), a tampered one, a wrong-secret one and a stale one
// (rejected with the right code). The Node sender is run against a node:http receiver that
// verifies with hookline and answers 503 first. The node:http receiver gets the same four requests
// plus a Stripe-signed one (the scheme is detected); the Fetch-Request handler and the custom-scheme
// verifiers are imported here and called with signed, tampered, rotated-key and stale webhooks
// (custom signatures computed with node:crypto); the pure-decisions sender and the dispatcher run
// against a receiver on 127.0.0.1 that verifies every request, and their printed decisions and
// logged attempt records are checked. Everything started here is stopped before exit.
// Usage (cwd = the consumer folder): node examples.mjs <repo root>
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, createReadStream, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { pathToFileURL } from "node:url";
import * as hookline from "hookline";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const root = process.argv[2];
if (!root) throw new Error("usage: node examples.mjs <repo root>");
const consumer = process.cwd();
const examples = join(consumer, "examples");
cpSync(join(root, "examples"), examples, { recursive: true });
const bin = (name) => join(root, "node_modules", ".bin", name);

const { test, run } = createHarness();
const { generateSecret, signHeaders, Verifier } = hookline;
const SECRET = generateSecret();
const OTHER = generateSecret();

// ---- processes and servers, all stopped in the finally below ---------------------------------
const children = [];
const cleanups = [];
process.on("exit", () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill("SIGKILL")));

/** Start a long-running example; resolves with its base URL from its "listening on <url>" line. */
function startServer(name, cmd, args, { cwd, env }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  const collect = (d) => (out += d);
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s: ${out}`)), 30000);
    child.stdout.on("data", () => {
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\S*/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening: ${out}`));
    });
  });
  return { listening, output: () => out };
}

/** Run a command to completion; resolves with { code, out }. */
function runToEnd(cmd, args, { cwd, env, timeoutMs = 30000 }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, out });
    });
  });
}

const listen = (server) => new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}`)));

// ---- the same four requests for every receiver -------------------------------------------------
const event = () => JSON.stringify({ type: "invoice.paid", id: `evt_${Math.random().toString(36).slice(2)}`, data: { invoice: "in_1", amount: 4200 } });

/**
 * `send(body, headers)` returns { status, body }; `scheme` signs the way the receiver expects.
 * Registers the accept / tampered / wrong secret / stale tests for one receiver.
 */
function receiverTests(name, send, scheme = "standard-webhooks") {
  const sign = (body, secret = SECRET, extra = {}) => ({ "content-type": "application/json", ...signHeaders({ scheme, secret, payload: body, ...extra }) });
  test(`${name}: a correctly signed webhook is accepted (204)`, async () => {
    const body = event();
    const res = await send(body, sign(body));
    assert.equal(res.status, 204, `answer ${res.body}:`);
  });
  test(`${name}: a tampered body is rejected (400 no_matching_signature)`, async () => {
    const body = event();
    const res = await send(body.replace("4200", "4201"), sign(body));
    assert.deepEqual([res.status, JSON.parse(res.body).code], [400, "no_matching_signature"]);
  });
  test(`${name}: a wrong secret is rejected (400 no_matching_signature)`, async () => {
    const body = event();
    const res = await send(body, sign(body, OTHER));
    assert.deepEqual([res.status, JSON.parse(res.body).code], [400, "no_matching_signature"]);
  });
  test(`${name}: a replayed hour-old webhook is rejected (400 timestamp_too_old)`, async () => {
    const body = event();
    const res = await send(body, sign(body, SECRET, { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    assert.deepEqual([res.status, JSON.parse(res.body).code], [400, "timestamp_too_old"]);
  });
}

/** A sender over real sockets to a started example. */
const overHttp = (url) => async (body, headers) => {
  const res = await fetch(await url, { method: "POST", body, headers, signal: AbortSignal.timeout(10000) });
  return { status: res.status, body: await res.text() };
};

try {
  // ---- Express ---------------------------------------------------------------------------------
  const express = startServer("express-receiver", "node", ["server.mjs"], { cwd: join(examples, "express-receiver"), env: { WEBHOOK_SECRET: SECRET, PORT: "0" } });
  const expressUrl = express.listening.then((base) => `${base}/webhooks`);
  expressUrl.catch(() => {});
  test("express-receiver: starts on 127.0.0.1", async () => {
    assert.ok((await expressUrl).startsWith("http://127.0.0.1:"));
  });
  receiverTests("express-receiver", overHttp(expressUrl));
  test("express-receiver: a body express.raw() did not keep (not application/json) is refused as invalid_payload", async () => {
    // Without the raw Buffer there is nothing to verify: hookline says so instead of "bad signature".
    const body = event();
    const res = await overHttp(expressUrl)(body, { ...signHeaders({ secret: SECRET, payload: body }), "content-type": "text/plain" });
    assert.deepEqual([res.status, JSON.parse(res.body).code], [400, "invalid_payload"]);
  });

  // ---- Deno.serve ------------------------------------------------------------------------------
  const denoEnv = { DENO_DIR: process.env.DENO_DIR ?? join(consumer, "..", "deno-cache"), DENO_NO_UPDATE_CHECK: "1" };
  const deno = startServer(
    "deno-receiver",
    bin("deno"),
    // --cached-only: npm:hookline must come from this folder's node_modules (the tarball), never the registry.
    ["run", "--quiet", "--cached-only", "--allow-net=127.0.0.1", "--allow-env=WEBHOOK_SECRET,PORT", "main.ts"],
    { cwd: join(examples, "deno-receiver"), env: { ...denoEnv, WEBHOOK_SECRET: SECRET, PORT: "0" } },
  );
  deno.listening.catch(() => {});
  test("deno-receiver: starts on 127.0.0.1 with only net and env permissions", async () => {
    assert.ok((await deno.listening).startsWith("http://127.0.0.1:"));
  });
  receiverTests("deno-receiver", overHttp(deno.listening));
  test("deno-receiver: type-checks against the package's types (deno check)", async () => {
    const { code, out } = await runToEnd(bin("deno"), ["check", "--quiet", "--cached-only", "main.ts"], { cwd: join(examples, "deno-receiver"), env: denoEnv });
    assert.equal(code, 0, `deno check: ${out}`);
  });

  // ---- Cloudflare Worker: wrangler's bundle of the example, run in Miniflare --------------------
  const { Miniflare } = await import("miniflare");
  const workerDir = join(examples, "worker-receiver");
  let mf;
  test("worker-receiver: wrangler bundles it from its wrangler.toml", async () => {
    const w = spawnSync(bin("wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
      cwd: workerDir,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    });
    assert.equal(w.status, 0, `wrangler: ${w.stderr || w.stdout}`);
    mf = new Miniflare({
      modules: true,
      scriptPath: join(workerDir, "dist", "worker.js"),
      modulesRoot: join(workerDir, "dist"),
      modulesRules: [
        { type: "ESModule", include: ["**/*.js"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
      compatibilityDate: "2025-01-01",
      bindings: { STRIPE_WEBHOOK_SECRET: SECRET },
    });
    cleanups.push(() => mf.dispose());
    await mf.ready;
  });
  const inWorker = async (body, headers) => {
    if (!mf) throw new Error("the Worker did not start");
    const res = await mf.dispatchFetch("http://127.0.0.1/", { method: "POST", body, headers });
    return { status: res.status, body: await res.text() };
  };
  receiverTests("worker-receiver", inWorker, "stripe");
  test("worker-receiver: Standard Webhooks headers are not a Stripe signature (400 missing_header)", async () => {
    const body = event();
    const res = await inWorker(body, signHeaders({ secret: SECRET, payload: body }));
    assert.deepEqual([res.status, JSON.parse(res.body).code], [400, "missing_header"]);
  });

  // ---- Node sender, against a receiver that verifies with hookline ------------------------------
  const verifier = new Verifier({ secret: SECRET, scheme: "standard-webhooks" });
  const hits = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const path = req.url.slice(1);
      let verified = null;
      try {
        verified = verifier.verify(Buffer.concat(chunks), req.headers).payload;
      } catch {}
      hits.push({ path, id: req.headers["webhook-id"], verified, at: Date.now() });
      const n = hits.filter((h) => h.path === path).length;
      if (path === "flaky" && n === 1) return res.writeHead(503).end("try again");
      if (path === "bad") return res.writeHead(400).end("bad request");
      res.writeHead(204).end();
    });
  });
  const receiverBase = await listen(receiver);
  cleanups.push(() => new Promise((resolve) => receiver.close(resolve)));
  const senderDir = join(examples, "node-sender");
  const send = (path, env = {}) => runToEnd("node", ["send.mjs", `${receiverBase}/${path}`], { cwd: senderDir, env: { WEBHOOK_SECRET: SECRET, ALLOW_TARGETS: "127.0.0.1", ...env } });

  test("node-sender: a 503 is retried after 1 s, then delivered, signed and verified", async () => {
    const { code, out } = await send("flaky");
    assert.equal(code, 0, `exit code; output: ${out}`);
    const flaky = hits.filter((h) => h.path === "flaky");
    assert.equal(flaky.length, 2, "two attempts");
    assert.ok(flaky.every((h) => h.verified?.type === "invoice.paid"), "each attempt verified by the receiver");
    assert.equal(new Set(flaky.map((h) => h.id)).size, 1, "the same webhook-id on the retry");
    assert.ok(flaky[1].at - flaky[0].at >= 900, `the retry waits the policy's 1 s (waited ${flaky[1].at - flaky[0].at} ms)`);
    assert.ok(/attempt 1 of dlv_\S+: 503 retry in \d+ ms, next try at /.test(out), `attempt log: ${out}`);
    assert.ok(/attempt 2 of dlv_\S+: 204 delivered/.test(out), `attempt log: ${out}`);
    assert.ok(/1 delivered, 0 failed/.test(out), out);
  });
  test("node-sender: a 400 is not retried; exits 1", async () => {
    const { code, out } = await send("bad");
    assert.equal(code, 1, `exit code; output: ${out}`);
    assert.equal(hits.filter((h) => h.path === "bad").length, 1);
    assert.ok(/attempt 1 of dlv_\S+: 400 failed/.test(out), out);
  });
  test("node-sender: without ALLOW_TARGETS the SSRF guard blocks 127.0.0.1; exits 1", async () => {
    const { code, out } = await send("blocked", { ALLOW_TARGETS: "" });
    assert.equal(code, 1, `exit code; output: ${out}`);
    assert.equal(hits.filter((h) => h.path === "blocked").length, 0, "nothing sent");
    assert.ok(/attempt 1 of dlv_\S+: - blocked/.test(out), out);
  });

  // ---- node:http receiver: any scheme, detected per request -------------------------------------
  const nodeHttp = startServer("node-http-receiver", "node", ["server.mjs"], { cwd: join(examples, "node-http-receiver"), env: { WEBHOOK_SECRET: SECRET, PORT: "0" } });
  nodeHttp.listening.catch(() => {});
  test("node-http-receiver: starts on 127.0.0.1", async () => {
    assert.ok((await nodeHttp.listening).startsWith("http://127.0.0.1:"));
  });
  receiverTests("node-http-receiver", overHttp(nodeHttp.listening));
  test("node-http-receiver: the scheme is detected: a Stripe-signed webhook with the same secret is accepted too", async () => {
    const body = event();
    const res = await overHttp(nodeHttp.listening)(body, signHeaders({ scheme: "stripe", secret: SECRET, payload: body }));
    assert.equal(res.status, 204, `answer ${res.body}:`);
    assert.ok(/verified stripe webhook: invoice\.paid/.test(nodeHttp.output()), nodeHttp.output());
    assert.ok(/verified standard-webhooks webhook: invoice\.paid/.test(nodeHttp.output()), nodeHttp.output());
  });
  test("node-http-receiver: no signature headers at all is rejected (400 unknown_scheme)", async () => {
    const res = await overHttp(nodeHttp.listening)(event(), { "content-type": "application/json" });
    assert.deepEqual([res.status, JSON.parse(res.body).code], [400, "unknown_scheme"]);
  });

  // ---- fetch-receiver: verifyRequest and a Verifier with named rotating keys, in this process -----
  const STRIPE_SECRET = generateSecret();
  const GH_OLD = "gh-2026-11-secret-text";
  const GH_NEW = "gh-2027-01-secret-text";
  Object.assign(process.env, { STRIPE_WEBHOOK_SECRET: STRIPE_SECRET, GITHUB_SECRET_OLD: GH_OLD, GITHUB_SECRET_NEW: GH_NEW });
  const fetchReceiver = await import(pathToFileURL(join(examples, "fetch-receiver", "handler.mjs")).href);
  const post = (body, headers) => new Request("http://127.0.0.1/webhooks", { method: "POST", body, headers });
  test("fetch-receiver: receiveStripe returns what its comment in docs/receiving.md shows", async () => {
    const body = event();
    const r = await fetchReceiver.receiveStripe(post(body, signHeaders({ scheme: "stripe", secret: STRIPE_SECRET, payload: body })));
    assert.deepEqual([r.scheme, r.keyIndex, r.keyId], ["stripe", 0, "secret"]);
    assert.ok(Number.isInteger(r.timestamp) && Math.abs(r.timestamp - Date.now() / 1000) < 60, `timestamp ${r.timestamp}`);
    assert.deepEqual(r.payload, JSON.parse(body));
    assert.ok(r.body instanceof Uint8Array && new TextDecoder().decode(r.body) === body, "body: the raw bytes");
  });
  test("fetch-receiver: receiveStripe detects the scheme (a Standard Webhooks request verifies too)", async () => {
    const body = event();
    const r = await fetchReceiver.receiveStripe(post(body, signHeaders({ secret: STRIPE_SECRET, payload: body })));
    assert.equal(r.scheme, "standard-webhooks");
  });
  test("fetch-receiver: receiveStripe rejects a tampered body (no_matching_signature)", async () => {
    const body = event();
    const headers = signHeaders({ scheme: "stripe", secret: STRIPE_SECRET, payload: body });
    const e = await fetchReceiver.receiveStripe(post(body.replace("4200", "4201"), headers)).then(() => null, (e) => e);
    assert.ok(e instanceof hookline.WebhookVerificationError, `got ${e}`);
    assert.equal(e.code, "no_matching_signature");
  });
  test("fetch-receiver: receiveGitHub names the key that matched, old and new, and reads event and delivery", () => {
    const body = event();
    const gh = (secret) => ({ ...signHeaders({ scheme: "github", secret, payload: body }), "x-github-event": "push", "x-github-delivery": "d-1" });
    assert.deepEqual(fetchReceiver.receiveGitHub(Buffer.from(body), gh(GH_OLD)), { keyId: "2026-11", eventType: "push", id: "d-1", payload: JSON.parse(body) });
    assert.equal(fetchReceiver.receiveGitHub(new TextEncoder().encode(body), gh(GH_NEW)).keyId, "2027-01");
    assert.throws(() => fetchReceiver.receiveGitHub(body, gh("a retired secret")), "no_matching_signature", hookline.WebhookVerificationError);
  });

  // ---- custom-scheme: checked against HMACs computed here with node:crypto -----------------------
  Object.assign(process.env, { FOREMAN_SECRET: "foreman-secret", DEVCARD_SECRET: "devcard-secret", ACME_SECRET: "acme-secret" });
  const custom = await import(pathToFileURL(join(examples, "custom-scheme", "verifiers.mjs")).href);
  const hmacHex = (key, text) => createHmac("sha256", key).update(text).digest("hex");
  test("custom-scheme: foreman verifies sha256=<hex> of the body and rejects a tampered one", () => {
    const body = event();
    const headers = { "X-Foreman-Signature": `sha256=${hmacHex("foreman-secret", body)}` };
    assert.deepEqual(custom.foreman.verify(body, headers).payload, JSON.parse(body));
    assert.throws(() => custom.foreman.verify(body.replace("4200", "4201"), headers), "no_matching_signature");
    assert.throws(() => custom.foreman.verify(body, { "X-Acme-Signature": headers["X-Foreman-Signature"] }), "unknown_scheme");
  });
  test("custom-scheme: devcard verifies {ts}.{body} with the timestamp header, and checks its age", () => {
    const body = event();
    const ts = Math.floor(Date.now() / 1000);
    const headers = (t) => ({ "x-devcard-signature": hmacHex("devcard-secret", `${t}.${body}`), "x-devcard-timestamp": String(t) });
    assert.equal(custom.devcard.verify(body, headers(ts)).timestamp, ts);
    assert.throws(() => custom.devcard.verify(body, { ...headers(ts), "x-devcard-timestamp": String(ts + 1) }), "no_matching_signature");
    assert.throws(() => custom.devcard.verify(body, headers(ts - 3600)), "timestamp_too_old");
  });
  test("custom-scheme: acme reads Stripe's t=...,v1=... layout", () => {
    const body = event();
    const ts = Math.floor(Date.now() / 1000);
    const r = custom.acme.verify(body, { "X-Acme-Signature": `t=${ts},v1=${hmacHex("acme-secret", `${ts}.${body}`)}` });
    assert.deepEqual([r.scheme, r.timestamp], ["custom", ts]);
    assert.throws(() => custom.acme.verify(body, { "X-Acme-Signature": `t=${ts},v1=${hmacHex("other", `${ts}.${body}`)}` }), "no_matching_signature");
  });

  // ---- sender-decisions and dispatcher: against a receiver that verifies every request -----------
  const decisionSecrets = { ok: generateSecret(), flaky: generateSecret(), gone: generateSecret(), customer: generateSecret() };
  const senderVerifier = new Verifier({ secrets: Object.entries({ ...decisionSecrets, dispatch: SECRET }).map(([id, key]) => ({ id, key })), scheme: "standard-webhooks" });
  const received = [];
  const senderReceiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString();
      let keyId = null;
      try {
        keyId = senderVerifier.verify(raw, req.headers).keyId;
      } catch {}
      const path = req.url.split("/")[1];
      received.push({ path, keyId, raw, headers: req.headers });
      const status = { ok: 204, flaky: 503, gone: 410 }[path] ?? 204;
      res.writeHead(status).end();
    });
  });
  const senderBase = await listen(senderReceiver);
  cleanups.push(() => new Promise((resolve) => senderReceiver.close(resolve)));

  const decisionsDir = join(examples, "sender-decisions");
  test("sender-decisions: the sample subscriptions.json is a valid Matcher input; invoice.paid for acme matches ep_1", () => {
    const subs = JSON.parse(readFileSync(join(decisionsDir, "subscriptions.json"), "utf8"));
    const m = new hookline.Matcher(subs);
    assert.deepEqual(m.match({ type: "invoice.paid", tenant: "acme" }).map((s) => s.id), ["ep_1"]);
    for (const s of subs) new Verifier({ secret: s.secret });
  });
  test("sender-decisions: one attempt per matching subscription, and the decision docs/sending.md describes", async () => {
    const subs = [
      { id: "ep_ok", url: `${senderBase}/ok`, secret: decisionSecrets.ok, eventTypes: ["invoice.*"], tenant: "acme" },
      { id: "ep_flaky", url: `${senderBase}/flaky`, secret: decisionSecrets.flaky, eventTypes: ["invoice.paid"] },
      { id: "ep_gone", url: `${senderBase}/gone`, secret: decisionSecrets.gone, eventTypes: ["*"] },
      { id: "ep_customer", url: `${senderBase}/customer`, secret: decisionSecrets.customer, eventTypes: ["customer.*"] },
      { id: "ep_globex", url: `${senderBase}/globex`, secret: decisionSecrets.ok, tenant: "globex" },
      { id: "ep_disabled", url: `${senderBase}/disabled`, secret: decisionSecrets.ok, health: hookline.disableEndpoint(undefined, "manual") },
      { id: "ep_private", url: "http://10.0.0.1/hooks", secret: decisionSecrets.ok },
    ];
    writeFileSync(join(decisionsDir, "test-subscriptions.json"), JSON.stringify(subs));
    const { code, out } = await runToEnd("node", ["decisions.mjs", "test-subscriptions.json"], { cwd: decisionsDir, env: { ALLOW_TARGETS: "127.0.0.1" } });
    assert.equal(code, 0, `exit code; output: ${out}`);
    assert.deepEqual(out.trim().split("\n"), [
      "ep_ok: 204 delivered, endpoint healthy",
      "ep_flaky: 503 retry in 5000 ms (server_error), endpoint failing",
      "ep_gone: 410 disableEndpoint (gone), endpoint disabled",
      "ep_private: blocked (target_not_allowed)",
    ]);
    const hits = received.filter((h) => ["ok", "flaky", "gone", "customer", "globex", "disabled"].includes(h.path));
    assert.deepEqual(hits.map((h) => [h.path, h.keyId]), [["ok", "ok"], ["flaky", "flaky"], ["gone", "gone"]], "each signed with its own secret");
    assert.equal(new Set(hits.map((h) => h.headers["webhook-id"])).size, 1, "one envelope, one webhook-id");
    const envelope = JSON.parse(hits[0].raw);
    assert.deepEqual(Object.keys(envelope), ["id", "type", "timestamp", "tenant_id", "data"], "the key order the comment in docs/sending.md shows");
    assert.deepEqual([envelope.id, envelope.type, envelope.tenant_id, envelope.data], [hits[0].headers["webhook-id"], "invoice.paid", "acme", { invoice: "in_1" }]);
    assert.ok(/^msg_01[0-9A-Z]{24}$/.test(envelope.id), envelope.id);
    assert.ok(hits.every((h) => h.headers["content-type"] === "application/json" && h.raw === hits[0].raw), "the same bytes, as JSON");
  });

  const dispatchDir = join(examples, "dispatcher");
  const dispatchRun = (env) => {
    const dbDir = mkdtempSync(join(consumer, "db-"));
    return runToEnd("node", ["dispatch.mjs"], { cwd: dispatchDir, env: { WEBHOOK_URL: `${senderBase}/dispatch`, WEBHOOK_SECRET: SECRET, DB_DIR: dbDir, ...env } }).then((r) => ({
      ...r,
      rows: existsSync(join(dbDir, "webhook_attempts.jsonl")) ? readFileSync(join(dbDir, "webhook_attempts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [],
    }));
  };
  test("dispatcher: delivers to the matching subscription only, signed, and logs the attempt with db.insert", async () => {
    const before = received.filter((h) => h.path === "dispatch").length;
    const { code, out, rows } = await dispatchRun({ ALLOW_TARGETS: "127.0.0.1" });
    assert.equal(code, 0, `exit code; output: ${out}`);
    const m = out.match(/^event (msg_\S+): 1 matched, 1 delivered, 0 failed$/m);
    assert.ok(m, out);
    const hits = received.filter((h) => h.path === "dispatch").slice(before);
    assert.equal(hits.length, 1, "one POST: ep_2 (customer.*) does not match invoice.paid");
    const [hit] = hits;
    assert.equal(hit.keyId, "dispatch", "verified with WEBHOOK_SECRET");
    assert.deepEqual([hit.headers["content-type"], hit.headers["webhook-event-type"], hit.headers["webhook-id"]], ["application/json", "invoice.paid", m[1]]);
    assert.ok(hit.headers["webhook-delivery-id"], "webhook-delivery-id header");
    assert.deepEqual(JSON.parse(hit.raw).data, { invoice: "in_1" });
    assert.equal(rows.length, 1, `one row in webhook_attempts: ${JSON.stringify(rows)}`);
    const [row] = rows;
    assert.deepEqual([row.eventId, row.eventType, row.endpointId, row.attempt, row.status, row.outcome, row.deliveryId], [m[1], "invoice.paid", "ep_1", 1, 204, "delivered", hit.headers["webhook-delivery-id"]]);
    assert.ok(row.signature?.startsWith("v1,") && row.url === `${senderBase}/dispatch` && typeof row.durationMs === "number", JSON.stringify(row));
  });
  test("dispatcher: without ALLOW_TARGETS the SSRF guard blocks 127.0.0.1, and the log says so", async () => {
    const before = received.filter((h) => h.path === "dispatch").length;
    const { code, out, rows } = await dispatchRun({ ALLOW_TARGETS: "" });
    assert.equal(code, 0, `exit code; output: ${out}`);
    assert.ok(/: 1 matched, 0 delivered, 1 failed$/m.test(out), out);
    assert.equal(received.filter((h) => h.path === "dispatch").length, before, "nothing sent");
    assert.deepEqual(rows.map((r) => [r.endpointId, r.outcome, r.status]), [["ep_1", "blocked", null]]);
  });

  // ---- Browser: the inspector page in headless Chromium ------------------------------------------
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const types = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm" };
  const statics = createServer((req, res) => {
    const file = join(consumer, normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, ""));
    if (!file.startsWith(consumer) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  const staticBase = await listen(statics);
  cleanups.push(() => new Promise((resolve) => statics.close(resolve)));
  let tab;
  const pageErrors = [];
  test("browser-inspector: the page loads hookline through its import map", async () => {
    assert.ok(existsSync(executablePath), `no Chromium at ${executablePath}: apt-get install -y chromium`);
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    cleanups.push(() => browser.close());
    tab = await browser.newPage();
    tab.on("pageerror", (e) => pageErrors.push(String(e)));
    tab.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && pageErrors.push(m.text()));
    // Every request the page makes must succeed, except the favicon the browser asks for by itself.
    tab.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && pageErrors.push(`${r.status()} ${r.url()}`));
    await tab.goto(`${staticBase}/examples/browser-inspector/index.html`);
  });
  const inPage = async (secret, headers, body) => {
    if (!tab) throw new Error("the page did not load");
    await tab.fill("[name=secret]", secret);
    await tab.fill("[name=headers]", Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\n"));
    await tab.fill("[name=body]", body);
    await tab.evaluate(() => (document.getElementById("result").textContent = ""));
    await tab.click("button");
    await tab.waitForFunction(() => document.getElementById("result").textContent !== "", null, { timeout: 10000 });
    return tab.textContent("#result");
  };
  test("browser-inspector: a signed webhook is valid; tampered and wrong-secret ones are rejected", async () => {
    const body = event();
    const headers = signHeaders({ secret: SECRET, payload: body });
    assert.equal(await inPage(SECRET, headers, body), `valid standard-webhooks webhook: ${body}`);
    assert.equal(await inPage(SECRET, headers, body.replace("4200", "4201")), "rejected: no_matching_signature");
    assert.equal(await inPage(OTHER, headers, body), "rejected: no_matching_signature");
    const stripe = signHeaders({ scheme: "stripe", secret: SECRET, payload: body });
    assert.equal(await inPage(SECRET, stripe, body), `valid stripe webhook: ${body}`, "scheme detected from the headers");
    assert.deepEqual(pageErrors, [], "no page errors");
  });

  const result = await run("examples");
  for (const [name, c] of [["express-receiver", express], ["deno-receiver", deno], ["node-http-receiver", nodeHttp]]) {
    if (result.failures.some((f) => f.name.startsWith(name))) console.log(`  ${name} output:\n${c.output()}`);
  }
  report(result);
  if (result.failed || result.passed === 0) process.exitCode = 1;
} finally {
  // SIGTERM, then SIGKILL for anything still running 5 s later.
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(running.map((c) => new Promise((resolve) => {
    const timer = setTimeout(() => resolve(c.kill("SIGKILL")), 5000);
    c.once("exit", () => resolve(clearTimeout(timer)));
    c.kill("SIGTERM");
  })));
  for (const f of cleanups.reverse()) await Promise.resolve(f()).catch((e) => console.log(`  cleanup: ${e?.message}`));
}
