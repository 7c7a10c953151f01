// Delivery through real sockets: a node:http receiver on 127.0.0.1 scripted per path, and the
// dispatcher with an injected clock and sleep (virtual time, so retry times are exact). Runs in
// Node, Deno and Bun. Every request the receiver gets is checked with hookline's own verifier.
import { createServer } from "node:http";
import * as hookline from "hookline";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const { createDispatcher, Verifier, signHeaders } = hookline;
const runtime = globalThis.Deno ? "deno-delivery" : globalThis.Bun ? "bun-delivery" : "node-delivery";
const { test, run } = createHarness();
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const verifier = new Verifier({ secret: SECRET, scheme: "standard-webhooks" });

// ---- the receiver --------------------------------------------------------------------------
const seen = []; // { path, id, verified, deliveryId }
// The receiver checks timestamps against the same virtual clock the dispatcher signs with.
let receiverNow = () => Date.now();
const counters = new Map();
const scripts = {
  ok: () => [200, {}, "ok"],
  e500: () => [500, {}, "boom"],
  flaky: (n) => (n < 3 ? [503, {}, "try later"] : [200, {}, "ok"]),
  rate: (n) => (n < 2 ? [429, { "retry-after": "120" }, "slow down"] : [200, {}, "ok"]),
  gone: () => [410, {}, "gone"],
  bad: () => [400, {}, "bad request"],
  moved: () => [301, { location: "http://169.254.169.254/latest/meta-data/" }, "moved away"],
  huge: () => [200, {}, "x".repeat(5 * 1024 * 1024)],
  // A session cookie, and a header larger than what a record keeps of the headers (4,096 characters).
  cookie: () => [202, { "x-receiver": "r1", "set-cookie": ["sid=s3ss10n-credential", "lb=node-2"], "x-pad": "p".repeat(5000), "x-after": "a" }, "accepted"],
};
let faultSeed = 1;
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const path = new URL(req.url, "http://x").pathname.slice(1);
    let verified = false;
    try {
      verifier.verify(body, req.headers, { now: Math.floor(receiverNow() / 1000) });
      verified = true;
    } catch {}
    seen.push({ path, id: req.headers["webhook-id"], deliveryId: req.headers["webhook-delivery-id"], verified, userAgent: req.headers["user-agent"], eventType: req.headers["x-acme-event"], headers: path === "cookie" ? req.headers : undefined });
    const n = (counters.get(path) ?? 0) + 1;
    counters.set(path, n);
    if (path === "slow") return setTimeout(() => res.writeHead(200).end("late"), 400);
    if (path === "stall") return setTimeout(() => res.writeHead(200).end("too late"), 1500);
    if (path === "reset") return req.socket.destroy();
    if (path.startsWith("random")) {
      // A seeded fault mix: 25% 500, 5% reset, 5% 429, else 200.
      faultSeed = (faultSeed * 1103515245 + 12345) % 2147483648;
      const r = faultSeed / 2147483648;
      if (r < 0.25) return res.writeHead(500).end("x");
      if (r < 0.3) return req.socket.destroy();
      if (r < 0.35) return res.writeHead(429, { "retry-after": "1" }).end("x");
      return res.writeHead(200).end("ok");
    }
    const [status, headers, text] = (scripts[path] ?? scripts.ok)(n);
    res.writeHead(status, headers).end(text);
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// ---- a dispatcher on virtual time ----------------------------------------------------------
const T0 = 1_800_000_000_000;
function virtual(options = {}) {
  let now = T0;
  receiverNow = () => now;
  const log = [];
  const dispatcher = createDispatcher({
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    random: () => 0,
    timeoutMs: 150,
    concurrency: 8,
    ssrf: { allow: ["127.0.0.1"] },
    onAttempt: (r) => log.push(r),
    ...options,
  });
  return { dispatcher, log, now: () => now };
}
const sub = (path, extra = {}) => ({ id: `ep_${path}`, url: `${base}/${path}`, secret: SECRET, ...extra });
const event = { type: "invoice.paid", data: { invoice: "in_1", amount: 4200 } };
const forPath = (path) => seen.filter((s) => s.path === path);
const ulidTime = (id) => [...id.slice(id.indexOf("_") + 1, id.indexOf("_") + 11)].reduce((t, c) => t * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c), 0);

test("a retry policy of the wrong shape is invalid_policy; wrong arguments are TypeErrors with a code", async () => {
  for (const retry of ["svixx", { schedule: [-1] }, { preset: "nope" }]) {
    const e = (() => {
      try {
        createDispatcher({ retry });
      } catch (err) {
        return err;
      }
    })();
    assert.ok(e instanceof hookline.SenderError && e.code === "invalid_policy", `${JSON.stringify(retry)}: ${e?.name} ${e?.code}`);
  }
  const codeOf = async (f) => {
    try {
      await f();
      return "no error";
    } catch (e) {
      return `${e?.name}:${e?.code}`;
    }
  };
  assert.equal(await codeOf(() => createDispatcher({ fetch: 5 })), "TypeError:invalid_argument");
  const d = createDispatcher({ retries: "none" });
  assert.equal(await codeOf(() => d.attempt(null)), "TypeError:invalid_argument");
  assert.equal(await codeOf(() => d.redeliver({ eventId: "msg_1" }, { id: "e" }, undefined)), "TypeError:invalid_argument");
  assert.equal(await codeOf(() => d.redeliver({ eventId: "msg_1" }, { id: "e" }, { id: "msg_2", type: "a.b", body: "{}" })), "TypeError:invalid_argument");
});

test("200: delivered once, signed, verified by the receiver", async () => {
  const { dispatcher, log } = virtual();
  const s = await dispatcher.dispatch(event, [sub("ok")]);
  assert.deepEqual([s.matched, s.delivered, s.failed, s.pending], [1, 1, 0, 0]);
  assert.equal(log.length, 1);
  const r = log[0];
  assert.deepEqual([r.status, r.outcome, r.attempt, r.endpointId, r.eventType], [200, "delivered", 1, "ep_ok", "invoice.paid"]);
  assert.equal(r.responseBody, "ok");
  assert.ok(r.signature.startsWith("v1,") && r.deliveryId.startsWith("dlv_") && r.eventId.startsWith("msg_"));
  assert.equal(r.attemptedAt, new Date(T0).toISOString());
  // Both ids are ULIDs made on the injected clock (the first 10 characters are the time).
  assert.deepEqual([ulidTime(r.eventId), ulidTime(r.deliveryId)], [T0, T0]);
  assert.ok(forPath("ok").every((x) => x.verified));
});

test("500 every time: retried on the schedule, then given up", async () => {
  const { dispatcher, log } = virtual({ retry: { schedule: [0, 1000, 2000] } });
  const s = await dispatcher.dispatch(event, [sub("e500")]);
  assert.deepEqual([s.delivered, s.failed], [0, 1]);
  assert.deepEqual(log.map((r) => [r.attempt, r.status, r.outcome, r.attemptedAtMs - T0]), [[1, 500, "retry", 0], [2, 500, "retry", 1000], [3, 500, "failed", 3000]]);
  assert.deepEqual(log.map((r) => r.nextRetryAt), [new Date(T0 + 1000).toISOString(), new Date(T0 + 3000).toISOString(), null]);
  assert.equal(log[0].responseBody, "boom");
});

test("503, 503, 200 under svix: 5 s then 5 min, the same webhook-id every time", async () => {
  const { dispatcher, log } = virtual({ retry: "svix" });
  const s = await dispatcher.dispatch(event, [sub("flaky")]);
  assert.equal(s.delivered, 1);
  assert.deepEqual(log.map((r) => [r.status, r.attemptedAtMs - T0]), [[503, 0], [503, 5000], [200, 305000]]);
  const ids = new Set(forPath("flaky").map((x) => x.id));
  const deliveries = new Set(forPath("flaky").map((x) => x.deliveryId));
  assert.equal(ids.size, 1, "webhook-id stable across retries");
  assert.equal(deliveries.size, 1, "one delivery id for the chain");
  assert.ok(forPath("flaky").every((x) => x.verified), "each retry re-signed and verified");
});

test("429 with Retry-After: 120 s honoured over the 5 s schedule", async () => {
  const { dispatcher, log } = virtual({ retry: "svix" });
  await dispatcher.dispatch(event, [sub("rate")]);
  assert.deepEqual(log.map((r) => [r.status, r.attemptedAtMs - T0]), [[429, 0], [200, 120000]]);
});

test("410 disables the endpoint; later events are not sent to it", async () => {
  const { dispatcher, log } = virtual();
  const s = await dispatcher.dispatch(event, [sub("gone")]);
  assert.deepEqual([s.failed, log[0].outcome, dispatcher.health("ep_gone").state], [1, "endpointDisabled", "disabled"]);
  const before = forPath("gone").length;
  await dispatcher.dispatch(event, [sub("gone")]);
  assert.equal(forPath("gone").length, before, "no request to a disabled endpoint");
  assert.equal(log[1].outcome, "endpointDisabled");
});

test("400 fails at once; 301 is not followed", async () => {
  const { dispatcher, log } = virtual();
  const s = await dispatcher.dispatch(event, [sub("bad"), sub("moved")]);
  assert.deepEqual([s.matched, s.failed], [2, 2]);
  const byPath = Object.fromEntries(log.map((r) => [r.endpointId, r]));
  assert.deepEqual([byPath.ep_bad.status, byPath.ep_bad.attempt], [400, 1]);
  assert.deepEqual([byPath.ep_moved.status, byPath.ep_moved.outcome, byPath.ep_moved.responseBody], [301, "failed", "moved away"]);
});

test("a redirect is recorded whole and never followed: each attempt asks the URL once", async () => {
  // In Node the dispatcher sends through the agent's request API, which does not follow
  // redirects; elsewhere fetch is asked with redirect "manual".
  const { dispatcher, log } = virtual();
  const target = sub("moved", { id: "ep_moved_twice" });
  const before = forPath("moved").length;
  await dispatcher.dispatch(event, [target]);
  assert.equal(forPath("moved").length - before, 1);
  await dispatcher.dispatch(event, [target]);
  assert.equal(forPath("moved").length - before, 2);
  await dispatcher.dispatch(event, [{ ...target, url: new URL(target.url) }]);
  assert.equal(forPath("moved").length - before, 3);
  assert.deepEqual(log.map((r) => [r.status, r.outcome, r.responseBody, r.error]), Array(3).fill([301, "failed", "moved away", null]));
  assert.ok(forPath("moved").slice(before).every((x) => x.verified), "the same signed request each time");
  // An injected fetch gets redirect "manual", and the response it returns is what is recorded.
  const modes = [];
  const injected = virtual({ fetch: async (url, init) => (modes.push(init.redirect), new Response("elsewhere", { status: 308, headers: { location: "/x" } })) });
  await injected.dispatcher.dispatch(event, [sub("ok", { id: "ep_injected" })]);
  assert.deepEqual([modes, injected.log[0].status, injected.log[0].outcome, injected.log[0].responseBody], [["manual"], 308, "failed", "elsewhere"]);
});

test("slow responses time out; resets are network errors; both retried then given up", async () => {
  const { dispatcher, log } = virtual({ retry: { schedule: [0, 10] } });
  const s = await dispatcher.dispatch(event, [sub("slow"), sub("reset")]);
  assert.equal(s.failed, 2);
  const slow = log.filter((r) => r.endpointId === "ep_slow");
  const reset = log.filter((r) => r.endpointId === "ep_reset");
  assert.deepEqual(slow.map((r) => r.outcome), ["retry", "failed"]);
  assert.ok(slow.every((r) => r.status === null && r.error.includes("timed out")), slow[0].error);
  assert.deepEqual(reset.map((r) => r.outcome), ["retry", "failed"]);
  assert.ok(reset.every((r) => r.status === null && r.error), reset[0].error);
});

test("a 5 MiB response body: delivered, snippet of 512 bytes", async () => {
  const { dispatcher, log } = virtual();
  await dispatcher.dispatch(event, [sub("huge")]);
  assert.deepEqual([log[0].outcome, log[0].responseBody.length], ["delivered", 512]);
});

test("the record keeps the request headers sent and the response's headers, bounded, cookies redacted", async () => {
  const { dispatcher, log } = virtual();
  await dispatcher.dispatch(event, [sub("cookie")]);
  const r = log[0];
  const got = forPath("cookie").at(-1).headers;
  assert.deepEqual(Object.keys(r.requestHeaders).sort(), ["content-type", "user-agent", "webhook-delivery-id", "webhook-event-type", "webhook-id", "webhook-signature", "webhook-timestamp"]);
  for (const [name, value] of Object.entries(r.requestHeaders)) assert.equal(got[name], value, `the receiver got ${name} as recorded`);
  assert.equal(r.requestHeaders["webhook-signature"], r.signature);
  assert.deepEqual([r.status, r.responseHeaders["x-receiver"], r.responseBody, r.responseBodyTruncated], [202, "r1", "accepted", false]);
  assert.ok(/^\[redacted\]/.test(r.responseHeaders["set-cookie"]), `set-cookie kept as ${r.responseHeaders["set-cookie"]}`);
  assert.ok(!JSON.stringify(r).includes("s3ss10n"), "no cookie value anywhere in the record");
  assert.ok(!("x-pad" in r.responseHeaders), `a header past 4,096 characters left out: ${Object.keys(r.responseHeaders)}`);
  assert.equal(r.responseHeaders["x-after"], "a", "a small header after it still kept");
  await dispatcher.dispatch(event, [sub("huge")]);
  assert.deepEqual([log[1].responseBody.length, log[1].responseBodyTruncated], [512, true]);
});

test("nothing sent, nothing recorded: no request or response headers when blocked or timed out", async () => {
  const blocked = virtual({ ssrf: {} });
  await blocked.dispatcher.dispatch(event, [sub("ok")]);
  assert.deepEqual([blocked.log[0].outcome, blocked.log[0].requestHeaders, blocked.log[0].responseHeaders, blocked.log[0].responseBodyTruncated], ["blocked", null, null, false]);
  const slow = virtual({ retry: { schedule: [0] } });
  await slow.dispatcher.dispatch(event, [sub("slow")]);
  assert.deepEqual([slow.log[0].status, slow.log[0].responseHeaders], [null, null]);
  assert.equal(slow.log[0].requestHeaders["webhook-delivery-id"], slow.log[0].deliveryId, "what was sent is recorded even without an answer");
});

test("the SSRF guard refuses private targets without sending", async () => {
  const { dispatcher, log } = virtual({ ssrf: {} });
  const before = seen.length;
  const s = await dispatcher.dispatch(event, [sub("ok")]);
  assert.deepEqual([s.failed, log[0].outcome, seen.length], [1, "blocked", before]);
  assert.ok(log[0].error.startsWith("target_not_allowed"), log[0].error);
});

test("matching, one attempt at a time, and redelivery", async () => {
  const { dispatcher } = virtual({ retries: "none", retry: "svix" });
  const subs = [sub("flaky", { id: "a", eventTypes: ["invoice.*"] }), sub("ok", { id: "b", eventTypes: ["customer.created"] }), sub("ok", { id: "c", enabled: false })];
  counters.set("flaky", 0);
  const s = await dispatcher.dispatch(event, subs);
  assert.deepEqual([s.matched, s.pending, s.jobs.length], [1, 1, 1]);
  const job = JSON.parse(JSON.stringify(s.jobs[0].job)); // a queue carries plain JSON
  const second = await dispatcher.attempt(job);
  assert.deepEqual([second.record.attempt, second.record.status, second.plan.kind], [2, 503, "retry"]);
  const third = await dispatcher.attempt(second.next);
  assert.deepEqual([third.record.attempt, third.plan.kind, third.next], [3, "done", undefined]);
  // Redeliver the stored event: same event id, new delivery id, a fresh chain.
  const envelope = { id: job.envelope.id, type: job.envelope.type, body: job.envelope.body };
  const again = await dispatcher.redeliver(third.record, subs[0], envelope);
  assert.equal(again.delivered, 1);
  assert.equal(again.records[0].eventId, third.record.eventId);
  assert.ok(again.records[0].deliveryId !== third.record.deliveryId);
  assert.equal(again.records[0].attempt, 1);
  assert.equal(third.record.attempt, 3, "old records unchanged");
});

test("a throwing onAttempt does not stop deliveries; no fetch throw escapes dispatch", async () => {
  const told = [];
  const { dispatcher } = virtual({ onAttempt: () => { throw new Error("logger down"); }, onError: (e, r) => told.push([e.message, r.attempt]), fetch: async () => { throw new TypeError("fetch failed"); }, retry: { schedule: [0] } });
  const s = await dispatcher.dispatch(event, [sub("ok")]);
  assert.deepEqual([s.failed, s.records[0].error], [1, "fetch failed"]);
  assert.deepEqual(told, [["logger down", 1]]);
});

test("no event lost: 1,000 events to 20 endpoints with seeded faults", async () => {
  const { dispatcher } = virtual({ retry: { schedule: [0, 10, 10, 10, 10, 10, 10, 10] }, concurrency: 64 });
  const subs = Array.from({ length: 20 }, (_, i) => sub(`random${i}`, { id: `r${i}` }));
  const chains = new Map();
  let delivered = 0, failed = 0;
  const before = seen.length;
  for (let i = 0; i < 1000; i++) {
    const s = await dispatcher.dispatch({ type: "load.test", data: { i } }, subs);
    assert.equal(s.matched, 20);
    assert.equal(s.pending, 0);
    delivered += s.delivered;
    failed += s.failed;
    for (const r of s.records) {
      const key = `${r.eventId}/${r.endpointId}`;
      if (!chains.has(key)) chains.set(key, []);
      chains.get(key).push(r);
    }
  }
  assert.equal(delivered + failed, 20000, "every delivery ended delivered or given up");
  assert.equal(chains.size, 20000);
  const received = new Set(seen.slice(before).filter((x) => x.verified).map((x) => `${x.id}/${x.path}`));
  for (const [key, chain] of chains) {
    chain.forEach((r, i) => assert.equal(r.attempt, i + 1, `${key}: attempt numbers complete`));
    const last = chain[chain.length - 1];
    assert.ok(last.outcome === "delivered" || last.outcome === "failed", `${key}: ended ${last.outcome}`);
    if (last.outcome === "delivered") {
      const [id, ep] = key.split("/");
      assert.ok(received.has(`${id}/random${ep.slice(1)}`), `${key}: receiver saw the stable webhook-id`);
    }
  }
  assert.ok(delivered > 19000, `delivered ${delivered}`);
});

// The timers set through globalThis while installed, created and not yet fired or cleared, with
// their delays (fetch itself sets timers of its own, for idle connections).
function trackTimers() {
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  const live = new Map();
  globalThis.setTimeout = (fn, ms, ...args) => {
    const id = set((...a) => {
      live.delete(id);
      fn(...a);
    }, ms, ...args);
    live.set(id, ms);
    return id;
  };
  globalThis.clearTimeout = (id) => {
    live.delete(id);
    clear(id);
  };
  return {
    live,
    wait: (ms) => new Promise((resolve) => set(resolve, ms)),
    restore() {
      globalThis.setTimeout = set;
      globalThis.clearTimeout = clear;
    },
  };
}

test("timeouts on the real clock: at least timeoutMs, not much more; no timer outlives the requests", async () => {
  const timers = trackTimers();
  try {
    const d = createDispatcher({ timeoutMs: 250, retries: "none", ssrf: { allow: ["127.0.0.1"] } });
    const started = Date.now();
    const s = await d.dispatch(event, [sub("stall"), sub("ok")]);
    const took = Date.now() - started;
    assert.deepEqual([s.delivered, s.failed, s.pending], [1, 0, 1], "the timed-out delivery is left pending (retries: \"none\")");
    const stalled = s.records.find((r) => r.endpointId === "ep_stall");
    assert.ok(stalled.error.includes("timed out after 250 ms"), stalled.error);
    // 250 ms, plus at most the shared signal's window (10 ms) and a busy machine's delay.
    assert.ok(stalled.durationMs >= 250 && took < 250 + 10 + 500, `timed out after ${stalled.durationMs} ms (dispatch took ${took} ms)`);
    // A long timeout: once every request has ended, no deadline timer is left waiting.
    const slow = createDispatcher({ timeoutMs: 61_234, concurrency: 16, ssrf: { allow: ["127.0.0.1"] } });
    const all = await Promise.all(Array.from({ length: 40 }, () => slow.dispatch(event, [sub("ok")])));
    assert.equal(all.reduce((n, x) => n + x.delivered, 0), 40);
    await timers.wait(40);
    const left = [...timers.live.values()].filter((ms) => ms === 61_234).length;
    assert.equal(left, 0, `${left} deadline timers still set after every request ended`);
  } finally {
    timers.restore();
  }
});

test("an endpoint is re-keyed when its subscription's keys change, in place or not", async () => {
  const sent = [];
  const d = createDispatcher({ fetch: async (url, init) => (sent.push(init), new Response(null, { status: 204 })), ssrf: { allow: ["127.0.0.1"] } });
  const other = "whsec_" + btoa("a different key, 32 bytes long!!");
  const verifies = (init, secret) => {
    try {
      new Verifier({ secret, scheme: "standard-webhooks" }).verify(init.body, init.headers);
      return true;
    } catch {
      return false;
    }
  };
  const signedWith = async (subscription) => {
    await d.dispatch(event, [subscription]);
    const init = sent.at(-1);
    return [verifies(init, SECRET), verifies(init, other)];
  };
  const s = sub("ok", { id: "ep_rekey" });
  assert.deepEqual(await signedWith(s), [true, false], "first key");
  s.secret = other;
  assert.deepEqual(await signedWith(s), [false, true], "secret edited in place");
  assert.deepEqual(await signedWith({ ...s, secret: SECRET }), [true, false], "a new object with the old secret");
  const list = { id: "ep_rekey", url: s.url, secrets: [SECRET] };
  assert.deepEqual(await signedWith(list), [true, false], "secrets");
  list.secrets[0] = other;
  assert.deepEqual(await signedWith(list), [false, true], "secrets edited in place");
  assert.equal(d.health("ep_rekey").consecutiveFailures, 0, "one endpoint throughout, its health carried on");
});

test("envelope.offload is refused: the parts would never be stored; a built envelope is sent as is", async () => {
  assert.throws(() => createDispatcher({ envelope: { offload: { urlTemplate: "https://files.example/{name}" } } }), "invalid_argument", TypeError);
  const sent = [];
  const d = createDispatcher({ fetch: async (url, init) => (sent.push(init), new Response(null, { status: 204 })), ssrf: { allow: ["127.0.0.1"] } });
  const big = { type: "report.ready", data: { small: 1, blob: "x".repeat(4096) } };
  const built = hookline.buildEnvelope(big, { maxPayloadBytes: 1024, offload: { urlTemplate: "https://files.example/{name}", minBytes: 1024 } });
  assert.equal(built.offloaded.length, 1);
  const s = await d.dispatch(built, [sub("ok", { id: "ep_offload" })]);
  assert.equal(s.delivered, 1);
  assert.equal(sent[0].body, new TextDecoder().decode(built.body), "the built envelope's bytes, unchanged");
});

test("a shared timeout signal serves at most 8 requests: a fetch listening per request stays under Node's warning", async () => {
  const perSignal = new Map();
  const warnings = [];
  const onWarning = (w) => warnings.push(w.name);
  globalThis.process?.on?.("warning", onWarning);
  try {
    const d = createDispatcher({
      concurrency: 64,
      ssrf: { allow: ["127.0.0.1"] },
      // As some fetch clients do: one abort listener per request on the caller's signal.
      fetch: async (url, init) => {
        init.signal.addEventListener("abort", () => {});
        perSignal.set(init.signal, (perSignal.get(init.signal) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return new Response(null, { status: 204 });
      },
    });
    const all = await Promise.all(Array.from({ length: 64 }, () => d.dispatch(event, [sub("ok")])));
    assert.equal(all.reduce((n, x) => n + x.delivered, 0), 64);
    const most = Math.max(...perSignal.values());
    assert.ok(most > 1 && most <= 8, `requests per signal: at most ${most}`);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(warnings.filter((w) => w === "MaxListenersExceededWarning"), []);
  } finally {
    globalThis.process?.off?.("warning", onWarning);
  }
});

test("concurrency bounds the requests in flight, with dispatch calls arriving while slots free up", async () => {
  // Requests end and new dispatch calls arrive at seeded, interleaved moments: a slot that is
  // freed must go to a waiting attempt, not to a caller who came in meanwhile.
  let seed = 7;
  const draw = (n) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
  const ticks = async (n) => {
    for (let i = 0; i < n; i++) await null;
  };
  let inFlight = 0;
  let peak = 0;
  const d = createDispatcher({
    concurrency: 3,
    ssrf: false,
    fetch: async () => {
      peak = Math.max(peak, ++inFlight);
      await ticks(draw(6));
      inFlight--;
      return new Response(null, { status: 204 });
    },
  });
  const endpoints = Array.from({ length: 5 }, (_, i) => sub("ok", { id: `ep_bound_${i}` }));
  const all = [];
  for (let i = 0; i < 400; i++) {
    all.push(d.dispatch(event, endpoints.slice(0, 1 + (i % 5))));
    await ticks(draw(8));
  }
  const summaries = await Promise.all(all);
  assert.equal(summaries.reduce((n, x) => n + x.delivered, 0), 1200);
  assert.equal(peak, 3, "most requests in flight at once");
});

test("record times are Date's ISO text for every millisecond, fraction, second and year boundary", async () => {
  const times = [T0, T0 + 1, T0 + 9, T0 + 10, T0 + 99, T0 + 100, T0 + 999, T0 + 999.9, T0 + 1000, T0 + 1000.5, 946684799999, 946684800000, 0, 1, 253402300799999];
  let at = 0;
  const d = createDispatcher({
    // Four readings per dispatch: the envelope, the delivery id, the attempt's start and end.
    clock: () => times[Math.floor(at++ / 4) % times.length],
    ssrf: false,
    retry: { schedule: [0, 1, 10] },
    fetch: async () => new Response(null, { status: 500 }),
    sleep: async () => {},
    retries: "none",
  });
  for (let i = 0; i < times.length; i++) {
    const { records } = await d.dispatch(event, [sub("ok", { id: `ep_iso_${i}` })]);
    for (const r of records) {
      assert.equal(r.attemptedAt, new Date(r.attemptedAtMs).toISOString(), `attemptedAt for ${r.attemptedAtMs}`);
      // The first retry is 1 ms after the attempt ended (at the same clock reading).
      assert.equal(r.nextRetryAt, new Date(Math.floor(r.attemptedAtMs) + 1).toISOString(), `nextRetryAt after ${r.attemptedAtMs}`);
    }
  }
});

test("timeoutMs must be 1 to 2^31 - 1 milliseconds", () => {
  for (const timeoutMs of [0, -1, NaN, Infinity, 2 ** 31, "15000"]) {
    assert.throws(() => createDispatcher({ timeoutMs }), "invalid_argument", TypeError, String(timeoutMs));
  }
  createDispatcher({ timeoutMs: 1 });
});

test("userAgent and eventTypeHeader are checked up front: fetch would refuse them on every attempt", async () => {
  for (const userAgent of ["bad\r\nx-injected: 1", "nul\0", 42]) {
    assert.throws(() => createDispatcher({ userAgent }), "invalid_argument", TypeError, JSON.stringify(userAgent));
  }
  for (const eventTypeHeader of ["", "has space", "x:y", "Content-Type", "webhook-delivery-id", 7]) {
    assert.throws(() => createDispatcher({ eventTypeHeader }), "invalid_argument", TypeError, JSON.stringify(eventTypeHeader));
  }
  const { dispatcher, log } = virtual({ userAgent: "acme-webhooks/2.1 (+https://acme.example)", eventTypeHeader: "X-Acme-Event" });
  assert.equal((await dispatcher.dispatch(event, [sub("ok", { id: "ep_ua" })])).delivered, 1);
  assert.equal(log[0].status, 200);
  const got = seen.at(-1);
  assert.deepEqual([got.userAgent, got.eventType], ["acme-webhooks/2.1 (+https://acme.example)", "invoice.paid"]);
});

test("ssrf, retries and health policy options are checked up front, not per attempt", () => {
  for (const ssrf of [{ allow: "127.0.0.1" }, { allow: ["not a cidr/99"] }, { deny: ["10.0.0.0/8"] }, "strict"]) {
    assert.throws(() => createDispatcher({ ssrf }), "invalid_argument", Error, JSON.stringify(ssrf));
  }
  for (const retries of [0, false, "never"]) {
    assert.throws(() => createDispatcher({ retries }), "invalid_argument", TypeError, JSON.stringify(retries));
  }
  for (const policy of [{ failureThreshold: 3 }, { disableAfterMs: "5d" }, "strict"]) {
    assert.throws(() => createDispatcher({ health: { policy } }), "invalid_policy", Error, JSON.stringify(policy));
  }
  for (const options of [{ ssrf: false }, { ssrf: { httpsOnly: true, allow: ["10.0.0.0/8"] } }, { retries: "inline" }, { retries: "none" }, { health: { policy: { disableAfterMs: null, circuitBreaker: { failureThreshold: 3 } } } }]) {
    createDispatcher(options);
  }
});

test("concurrency must be a whole number of 1 or more: NaN would start no delivery at all", async () => {
  for (const concurrency of [0, -1, NaN, 2.5, "4"]) {
    assert.throws(() => createDispatcher({ concurrency }), "invalid_argument", TypeError, String(concurrency));
  }
  for (const concurrency of [1, 64, Infinity]) {
    const d = createDispatcher({ concurrency, ssrf: false, fetch: async () => new Response(null, { status: 204 }) });
    assert.equal((await d.dispatch(event, [sub("ok", { id: `ep_c_${concurrency}` })])).delivered, 1);
  }
});

try {
  const result = await run(runtime);
  report(result);
  if (result.failed || result.passed === 0) process.exitCode = 1;
} finally {
  server.close();
  server.closeAllConnections?.();
}
