// Delivery that no endpoint can break: node:http receivers on 127.0.0.1 that stream forever,
// trickle a slow body, hold requests, answer 503/429/410, and a host name that resolves to
// loopback through an injected lookup. Runs in Node, Deno and Bun (issue 16's numbered items).
import { createServer } from "node:http";
import * as hookline from "hookline";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const { createDispatcher, SenderError, WebhookVerificationError, Verifier } = hookline;
const runtime = globalThis.Deno ? "deno-endpoints" : globalThis.Bun ? "bun-endpoints" : "node-endpoints";
const isNode = runtime === "node-endpoints";
const harness = createHarness();
const { run } = harness;
// Each test fails after 20 s instead of hanging the run (what the old dispatcher did).
const test = (name, fn) => harness.test(name, () => within(20_000, Promise.resolve().then(fn), name));
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const verifier = new Verifier({ secret: SECRET, scheme: "standard-webhooks" });

// Unhandled rejections are counted, not fatal, so a test can say one happened.
let unhandled = 0;
if (globalThis.Deno) {
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    unhandled++;
  });
} else {
  globalThis.process.on("unhandledRejection", () => unhandled++);
}

const rss = () => (globalThis.Deno ? Deno.memoryUsage().rss : globalThis.process.memoryUsage().rss);

// ---- the receivers ---------------------------------------------------------------------------
const hits = new Map(); // path -> requests received
let inFlight = 0;
let maxInFlight = 0;
const open = new Set();
const server = createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname.slice(1);
  hits.set(path, (hits.get(path) ?? 0) + 1);
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  res.on("close", () => inFlight--);
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (path === "verify") {
      let ok = true;
      try {
        verifier.verify(Buffer.concat(chunks), req.headers);
      } catch {
        ok = false;
      }
      return res.writeHead(ok ? 204 : 401).end();
    }
    if (path === "endless") {
      // 200, no Content-Length, 64 KiB chunks for as long as the client reads.
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(65536, 0x61);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      return pump();
    }
    if (path === "trickle") {
      // 200 at once, then a byte every 50 ms for 3 s: accepted, but the body is slow.
      res.writeHead(200, { "content-type": "text/plain" });
      let n = 0;
      const t = setInterval(() => {
        if (res.destroyed || ++n > 60) {
          clearInterval(t);
          return res.end();
        }
        res.write("x");
      }, 50);
      open.add(t);
      return;
    }
    if (path.startsWith("hold")) return setTimeout(() => res.writeHead(200).end("ok"), 150);
    if (path.startsWith("e503")) return res.writeHead(503).end("try later");
    if (path.startsWith("e500")) return res.writeHead(500).end("boom");
    res.writeHead(200).end("ok");
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = server.address().port;
const base = `http://127.0.0.1:${port}`;
const sub = (path, extra = {}) => ({ id: `ep_${path}`, url: `${base}/${path}`, secret: SECRET, ...extra });
const event = { type: "invoice.paid", data: { invoice: "in_1" } };
const local = { allow: ["127.0.0.1"] };

/** `promise`, or a failure after `ms`: a test of something that used to hang. */
function within(ms, promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- 1. endless and slow bodies --------------------------------------------------------------
test("1. an endless 200 body: delivered, 512 bytes read, the rest cancelled, memory bounded", async () => {
  const d = createDispatcher({ ssrf: local, timeoutMs: 400 });
  const before = rss();
  const started = Date.now();
  const s = await within(5000, d.dispatch(event, [sub("endless")]), "dispatch to an endless body");
  const r = s.records[0];
  assert.deepEqual([s.delivered, r.status, r.outcome], [1, 200, "delivered"]);
  assert.ok(r.responseBody.length <= 512, `snippet of ${r.responseBody.length}`);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  await pause(200);
  const grown = (rss() - before) / 2 ** 20;
  assert.ok(grown < 50, `RSS grew ${grown.toFixed(1)} MiB`);
  assert.equal(hits.get("endless"), 1);
});

test("1. a 200 whose body trickles past the timeout is delivered once, not retried", async () => {
  const d = createDispatcher({ ssrf: local, timeoutMs: 300, retry: { schedule: [0, 10] } });
  const s = await within(5000, d.dispatch(event, [sub("trickle")]), "dispatch to a trickling body");
  assert.deepEqual([s.delivered, s.pending, s.records.length], [1, 0, 1]);
  assert.equal(s.records[0].outcome, "delivered");
  assert.ok(/not read within 300 ms/.test(s.records[0].error ?? ""), String(s.records[0].error));
  assert.equal(hits.get("trickle"), 1);
});

// ---- 2. slots ----------------------------------------------------------------------------------
test("2. retries waiting to run hold no slot: a healthy endpoint is served while ten 503s wait", async () => {
  const waiting = [];
  const d = createDispatcher({ ssrf: local, concurrency: 2, retry: { schedule: [0, 3_600_000] }, sleep: () => new Promise((r) => waiting.push(r)) });
  const failing = Array.from({ length: 10 }, (_, i) => sub(`e503_${i}`));
  const bad = d.dispatch(event, failing);
  // Let the ten first attempts run and go to sleep.
  for (let i = 0; i < 100 && waiting.length < 10; i++) await pause(10);
  assert.equal(waiting.length, 10, "ten retries waiting");
  const good = await within(2000, d.dispatch(event, [sub("ok")]), "a healthy delivery");
  assert.equal(good.delivered, 1);
  for (const w of waiting) w();
  const s = await within(5000, bad, "the 503s");
  assert.equal(s.failed, 10);
});

test("2. attempt() takes a slot like dispatch: 40 jobs at concurrency 2 put 2 requests in flight", async () => {
  const d = createDispatcher({ ssrf: local, concurrency: 2, perEndpointConcurrency: 2, retries: "none" });
  const jobs = Array.from({ length: 40 }, (_, i) => d.makeJob({ id: `msg_${i}`, type: "a.b", body: "{}" }, sub(`hold_${i % 4}`)));
  const d2 = createDispatcher({ ssrf: local, concurrency: 2, retries: "none", resolveKeys: () => SECRET });
  maxInFlight = 0;
  const results = await within(15000, Promise.all(jobs.map((j) => d2.attempt(j))), "40 attempts");
  assert.ok(results.every((r) => r.plan.kind === "done"));
  assert.equal(maxInFlight, 2, "requests in flight at once");
  assert.ok(d);
});

test("2. one slow endpoint cannot take every slot (perEndpointConcurrency)", async () => {
  const d = createDispatcher({ ssrf: local, concurrency: 4, perEndpointConcurrency: 1 });
  const slow = Array.from({ length: 6 }, () => d.dispatch(event, [sub("hold_slow")]));
  await pause(20);
  const t0 = Date.now();
  const other = await within(2000, d.dispatch(event, [sub("ok_other")]), "another endpoint");
  assert.equal(other.delivered, 1);
  assert.ok(Date.now() - t0 < 140, `waited ${Date.now() - t0} ms behind the slow endpoint`);
  await Promise.all(slow);
});

// ---- 3. half-open ------------------------------------------------------------------------------
test("3. a half-open circuit sends exactly one probe; the others skip until it ends", async () => {
  let now = 1_800_000_000_000;
  const health = { policy: { circuitBreaker: { failureThreshold: 1, windowMs: 60_000, cooloffMs: 10_000 } } };
  const d = createDispatcher({ ssrf: local, clock: () => now, retries: "none", health, retry: { schedule: [0, 1000, 1000, 1000] } });
  const s = sub("e500_probe");
  const first = await d.dispatch(event, [s]);
  assert.equal(first.records[0].outcome, "retry");
  assert.equal(d.health(s.id).circuit.state, "open");
  // While open: skipped, nothing sent, the same attempt planned at the end of the cool-off.
  const job = first.jobs[0].job;
  const skipped = await d.attempt(job);
  assert.deepEqual([skipped.record.outcome, skipped.plan.kind, skipped.plan.reason, skipped.next.attempt], ["circuitOpen", "retry", "circuit_open", job.attempt]);
  assert.equal(skipped.plan.atMs, 1_800_000_010_000);
  assert.equal(hits.get("e500_probe"), 1);
  now += 10_000;
  const three = await Promise.all([d.attempt(job), d.attempt(job), d.attempt(job)]);
  assert.deepEqual(three.map((r) => r.record.outcome).sort(), ["circuitOpen", "circuitOpen", "retry"]);
  assert.equal(hits.get("e500_probe"), 2, "one probe sent");
});

// ---- 4. SSRF through DNS -----------------------------------------------------------------------
const toLoopback = (hostname, options, callback) => {
  if (options?.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
};

test("4. a name that resolves to 127.0.0.1 is blocked: nothing sent, nothing of the answer recorded", async () => {
  let fetched = 0;
  const d = createDispatcher({ lookup: toLoopback, timeoutMs: 2000, ...(isNode ? {} : { fetch: (u, i) => (fetched++, fetch(u, i)) }) });
  const before = hits.get("internal") ?? 0;
  const s = await d.dispatch(event, [{ id: "ep_dns", url: `http://hooks.example.test:${port}/internal`, secret: SECRET }]);
  const r = s.records[0];
  assert.deepEqual([r.outcome, r.status, r.responseBody], ["blocked", null, null]);
  // Nothing was sent: no request headers, no signature (before, refused at connect, the record
  // carried the signed request that never left).
  assert.deepEqual([r.requestHeaders, r.signature], [null, null]);
  // The record says it was blocked, never what the name resolved to inside the network.
  assert.equal(r.error, "target_not_allowed: blocked by the address policy");
  assert.equal(hits.get("internal") ?? 0, before, "the internal server got no request");
  assert.equal(fetched, 0);
});

test("4. a lookup that throws, hangs or answers garbage fails the attempt without sending", async () => {
  const lookups = {
    throws: () => {
      throw new Error("resolver exploded");
    },
    hangs: () => {},
    garbage: (h, o, cb) => cb(null, [{ address: "not-an-ip", family: 4 }]),
    empty: (h, o, cb) => cb(null, []),
  };
  for (const [name, lookup] of Object.entries(lookups)) {
    const before = hits.get("internal") ?? 0;
    const d = createDispatcher({ lookup, timeoutMs: 300, retry: { schedule: [0] } });
    const s = await within(5000, d.dispatch(event, [{ id: `ep_lk_${name}`, url: `http://hooks.example.test:${port}/internal`, secret: SECRET }]), `lookup that ${name}`);
    const r = s.records[0];
    assert.ok(r.outcome === "failed" || r.outcome === "blocked", `${name}: ${r.outcome} ${r.error}`);
    assert.equal(r.status, null, name);
    assert.equal(hits.get("internal") ?? 0, before, `${name}: a request was sent`);
  }
});

if (isNode) {
  test("4. Node connects to the address the lookup judged (no second resolution): allow-listed name delivered", async () => {
    const d = createDispatcher({ lookup: toLoopback, ssrf: { allow: ["hooks.example.test"] } });
    const s = await d.dispatch(event, [{ id: "ep_dns_ok", url: `http://hooks.example.test:${port}/verify`, secret: SECRET }]);
    assert.deepEqual([s.records[0].outcome, s.records[0].status], ["delivered", 204]);
  });
}

// ---- 5. secrets --------------------------------------------------------------------------------
test("5. jobs carry the endpoint and secret version, never the secret; attempt() resolves the keys", async () => {
  const d = createDispatcher({ ssrf: local, retries: "none", retry: { schedule: [0, 1000] } });
  const s = await d.dispatch(event, [sub("e503_jobs", { secretVersion: "v2" })]);
  const text = JSON.stringify(s.jobs);
  assert.ok(!text.includes(SECRET) && !text.includes(SECRET.slice(6)), "a secret in summary.jobs");
  const job = s.jobs[0].job;
  assert.deepEqual([job.endpointId, job.secretVersion, job.attempt], ["ep_e503_jobs", "v2", 2]);
  assert.ok(!JSON.stringify(d.makeJob({ id: "msg_x", type: "a.b", body: "{}" }, sub("ok"))).includes(SECRET.slice(6)));
  // A new process (a queue consumer) gets the keys from resolveKeys, sync or async.
  const asked = [];
  const fresh = createDispatcher({ ssrf: local, retries: "none", resolveKeys: async (id, v) => (asked.push([id, v]), { secret: SECRET }) });
  const verified = await fresh.attempt({ ...job, url: `${base}/verify` });
  assert.deepEqual([verified.plan.kind, verified.record.status], ["done", 204]);
  assert.deepEqual(asked, [["ep_e503_jobs", "v2"]]);
  // No keys: nothing is sent, and the core records and plans the attempt like any other.
  const none = createDispatcher({ ssrf: local });
  const r = await none.attempt(job);
  assert.deepEqual([r.record.outcome, r.plan.kind, r.plan.reason, r.plan.attempt, r.state], ["retry", "retry", "keys_unavailable", 3, "pending"]);
  assert.ok(r.record.error.startsWith("keys_unavailable") && r.record.requestHeaders === null, r.record.error);
  const failing = createDispatcher({ ssrf: local, resolveKeys: () => Promise.reject(new Error("vault down")) });
  const r2 = await failing.attempt(job);
  assert.deepEqual([r2.plan.reason, r2.cause?.code, r2.cause?.cause?.message], ["keys_unavailable", "keys_unavailable", "vault down"]);
  assert.ok(!JSON.stringify(r2.record).includes("vault down"), "a resolver's message in the record");
});

test("5. hostile subscriptions and key resolvers fail typed, one endpoint at a time", async () => {
  const trap = { get secret() { throw new Error("getter trap"); } };
  const d = createDispatcher({ ssrf: local, retries: "none", resolveKeys: () => trap });
  const hostileSub = { id: "ep_trap", eventTypes: ["invoice.*"], get url() { throw new Error("url trap"); }, secret: SECRET };
  // A list that cannot be read is refused whole, typed; an unusable secret fails its endpoint only.
  const unread = await d.dispatch(event, [hostileSub, sub("ok_next_to_trap")]).catch((err) => err);
  assert.ok(typeof unread?.code === "string" && !unread.message.includes(SECRET), `${unread?.name}: ${unread?.message}`);
  const s = await d.dispatch(event, [{ id: "ep_badkey", url: `${base}/ok`, secret: "whsec_!!" }, sub("ok_next_to_badkey")]);
  assert.deepEqual([s.failed, s.delivered], [1, 1]);
  const failed = s.records.find((r) => r.endpointId === "ep_badkey");
  assert.deepEqual([failed.outcome, failed.error.split(":")[0]], ["failed", "invalid_secret"]);
  const job = d.makeJob({ id: "msg_t", type: "a.b", body: "{}" }, sub("ok_trap_job", { id: "ep_never_seen" }));
  // Keys that throw when read, or that the core refuses: the attempt is recorded, typed, unsent.
  const r = await d.attempt(job);
  assert.ok(r.plan.reason === "keys_unavailable" && r.cause instanceof SenderError && r.cause.cause?.message === "getter trap", `${r.plan.reason} ${r.cause?.name}`);
  assert.ok(!JSON.stringify(r.record).includes("getter trap"));
  const bad = createDispatcher({ ssrf: local, resolveKeys: () => "whsec_!!" });
  const r2 = await bad.attempt(job);
  assert.ok(r2.plan.reason === "keys_unavailable" && r2.record.error.includes("(invalid_secret)") && r2.cause?.code === "invalid_secret", r2.record.error);
});

// ---- 6. credentials ----------------------------------------------------------------------------
test("6. records never keep URL credentials, sent or blocked", async () => {
  // fetch itself refuses such a URL in most runtimes: the record is a failure, still redacted.
  const open = createDispatcher({ ssrf: false, retry: { schedule: [0] } });
  const sent = await within(3000, open.dispatch(event, [{ id: "ep_cred", url: `http://user:hunter2@127.0.0.1:${port}/ok`, secret: SECRET }]), "dispatch");
  const guarded = createDispatcher({});
  const blocked = await guarded.dispatch(event, [{ id: "ep_cred2", url: `https://user:hunter2@hooks.example.com/x`, secret: SECRET }]);
  assert.ok(["delivered", "failed"].includes(sent.records[0].outcome), sent.records[0].outcome);
  assert.equal(blocked.records[0].outcome, "blocked");
  for (const r of [sent.records[0], blocked.records[0]]) {
    assert.ok(!JSON.stringify(r).includes("hunter2") && !r.url.includes("user"), r.url);
  }
  assert.equal(sent.records[0].url, `http://127.0.0.1:${port}/ok`);
});

// ---- 7. onAttempt ------------------------------------------------------------------------------
test("7. an async onAttempt that rejects goes to onError; the record is kept, the process lives", async () => {
  const errors = [];
  const before = unhandled;
  const d = createDispatcher({
    ssrf: local,
    retry: { schedule: [0, 1] },
    onAttempt: async () => {
      throw new Error("database down");
    },
    onError: (e, record) => errors.push([e.message, record.outcome]),
  });
  const s = await d.dispatch(event, [sub("e503_cb"), sub("ok_cb")]);
  await pause(20);
  assert.equal(unhandled, before, "unhandled rejections");
  assert.equal(s.records.length, 3);
  assert.deepEqual(errors.map((e) => e[0]), ["database down", "database down", "database down"]);
  // Awaited: a slow async onAttempt finishes before dispatch resolves.
  let written = 0;
  const slow = createDispatcher({ ssrf: local, onAttempt: () => pause(30).then(() => written++) });
  await slow.dispatch(event, [sub("ok_slow_cb")]);
  assert.equal(written, 1);
});

// ---- 8. long waits -----------------------------------------------------------------------------
test("8. a retry 30 days out waits: timers past 2^31 - 1 ms are chained, not fired at once", async () => {
  const asked = [];
  const realSetTimeout = globalThis.setTimeout;
  let first;
  const gotFirst = new Promise((r) => (first = r));
  const d2 = createDispatcher({ ssrf: local, retry: { schedule: [0, 30 * 86_400_000] }, timeoutMs: 1000, onAttempt: (rec) => first(rec) });
  try {
    // Timers the dispatcher asks for past the first attempt are recorded and never fire.
    globalThis.setTimeout = (fn, ms, ...args) => {
      if (ms > 1_000_000) {
        asked.push(ms);
        return 0;
      }
      return realSetTimeout(fn, ms, ...args);
    };
    d2.dispatch(event, [sub("e500_long")]);
    const rec = await within(3000, gotFirst, "the first attempt");
    assert.equal(rec.outcome, "retry");
    await pause(300);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(hits.get("e500_long"), 1, "the retry fired early");
  assert.deepEqual(asked, [2 ** 31 - 1], "the wait is chained in timers of at most 2^31 - 1 ms");
});

// ---- 9. queue delays ---------------------------------------------------------------------------
test("9. a queue's longest delay splits a long plan: holdFor until due", async () => {
  let now = 1_800_000_000_000;
  // Standard Webhooks waits 14 h before attempt 8; a Cloudflare queue holds a message 12 h at most.
  const d = createDispatcher({ ssrf: local, clock: () => now, retries: "none", retry: { schedule: [0, 14 * 3_600_000] }, resolveKeys: () => SECRET });
  const job = d.makeJob({ id: "msg_q", type: "a.b", body: "{}" }, sub("e503_q"));
  const r = await d.attempt(job);
  assert.equal(r.plan.kind, "retry");
  assert.equal(r.plan.delayMs, 14 * 3_600_000);
  const CF_MAX = 43_200_000;
  assert.equal(d.holdFor(r.next, CF_MAX), CF_MAX);
  now += CF_MAX;
  assert.equal(d.holdFor(r.next, CF_MAX), 2 * 3_600_000);
  now += 2 * 3_600_000;
  assert.equal(d.holdFor(r.next, CF_MAX), null);
  assert.equal(d.holdFor(job, CF_MAX), null, "a first attempt is due at once");
});

// ---- 10. error classes -------------------------------------------------------------------------
test("10. the dispatcher's errors are SenderErrors, never WebhookVerificationErrors", async () => {
  const cases = [
    () => createDispatcher({ retry: { schedule: [] } }),
    () => createDispatcher({ ssrf: { allow: ["not a cidr/99"] } }),
    () => createDispatcher({ health: { policy: { disableAfterMs: -1 } } }),
  ];
  for (const f of cases) {
    const e = (() => {
      try {
        f();
      } catch (err) {
        return err;
      }
    })();
    assert.ok(e instanceof SenderError && !(e instanceof WebhookVerificationError), `${e?.name}: ${e?.message}`);
  }
  const d = createDispatcher({ ssrf: local });
  const e = await d.dispatch({ type: "bad type!", data: {} }, [sub("ok")]).catch((err) => err);
  assert.ok(e instanceof SenderError && e.code === "invalid_event_type", `${e?.name} ${e?.code}`);
});

// ---- 11 and 12. ranges, and the guard before signing --------------------------------------------
test("11/12. Azure's host endpoint and cluster names are blocked before signing or fetching", async () => {
  let fetched = 0;
  const d = createDispatcher({ fetch: async () => (fetched++, new Response("")) });
  const urls = ["http://168.63.129.16/machine", "http://[::ffff:168.63.129.16]/", "http://kubernetes.default.svc/api", "http://vault.service.consul/v1", "http://kubernetes.default/api"];
  const s = await d.dispatch(event, urls.map((url, i) => ({ id: `ep_r${i}`, url, secret: SECRET })));
  assert.deepEqual(s.records.map((r) => r.outcome), urls.map(() => "blocked"));
  assert.ok(s.records.every((r) => r.signature === null));
  assert.equal(fetched, 0);
});

try {
  const result = await run(runtime);
  report(result);
  if (result.failed || result.passed === 0) globalThis.process.exitCode = 1;
} finally {
  for (const t of open) clearInterval(t);
  server.close();
  server.closeAllConnections?.();
}
// Nothing the dispatcher started may keep the process alive (a timer, a socket): if it is still
// running 5 s after the tests, that is a failure.
const watchdog = setTimeout(() => {
  console.log(`  FAIL [${runtime}] something the tests started still runs 5 s after them`);
  globalThis.Deno ? Deno.exit(1) : globalThis.process.exit(1);
}, 5000);
if (globalThis.Deno) Deno.unrefTimer(watchdog);
else watchdog.unref();
