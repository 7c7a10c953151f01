// Run from the repository root:  node tests/vectors/gen/delivery.cjs
//
// Writes tests/vectors/delivery.json: the delivery state machine (src/delivery.rs) driven step by
// step, read by tests/delivery_vectors.rs and tests/js/delivery-vectors.mjs. Independent of
// hookline: the signature headers are computed here with node:crypto (Standard Webhooks v1:
// base64 HMAC-SHA256 over `${id}.${seconds}.${body}` with the base64-decoded key after `whsec_`,
// seconds = floor(nowMs / 1000)); every outcome, plan and health field is written by hand from the
// documented rules of src/delivery.rs, src/retry.rs, src/health.rs and src/ssrf.rs. Policies have
// no jitter and rand is 0, so every time is exact.
//
// Case shape:
//   { name, endpoint: { url, secret, retry, healthPolicy, health?, ssrf: <TargetOptions> | false },
//     steps: [
//       { op: "begin", attempt, nowMs, id, body,
//         expect: { kind: "send", probe, headers: [[name, value], ...] }
//               | { kind: "skip", outcome, plan, status, error } },
//       { op: "finish", attempt, outcome: <Outcome>, nowMs, rand, expect: { outcome, plan, state, status, error, event? } },
//       { op: "adopt", health: <stored health> }: go on from a store's health when it is ahead,
//       { op: "checkAddress", address, expect: { ok: true } | { error: <code> } },
//       { op: "refusedAddress", address, expect: { outcome, plan, status, error } },
//       { op: "health", expect: <fields of the health JSON, nested objects partially> } ] }
// The steps run in order against one endpoint; "health" reads its state after the steps before.
// nextWait: { name, atMs, nowMs, maxMs, expect: <ms> | null (due) }.
"use strict";

const fs = require("node:fs");
const crypto = require("node:crypto");

const OUT = `${__dirname}/../delivery.json`;
const T = 1700000000000; // 2023-11-14T22:13:20Z in unix ms
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET2 = "whsec_" + Buffer.alloc(32, 0x5a).toString("base64");
const BODY = '{"type":"invoice.paid","data":{"id":"in_1"}}';

// ---------------------------------------------------------------------------------------------
// signatures, independent of hookline

function signatureHeaders(secret, id, nowMs, body) {
  const seconds = Math.floor(nowMs / 1000);
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const mac = crypto.createHmac("sha256", key).update(`${id}.${seconds}.`).update(Buffer.from(body, "utf8")).digest("base64");
  return [
    ["webhook-id", id],
    ["webhook-timestamp", String(seconds)],
    ["webhook-signature", `v1,${mac}`],
  ];
}

// ---------------------------------------------------------------------------------------------
// expectation helpers

const status = (s, retryAfter) => (retryAfter === undefined ? { kind: "status", status: s } : { kind: "status", status: s, retryAfter });
const TIMEOUT = { kind: "timeout" };
const NETWORK = { kind: "networkError" };

// The delivery's state under a plan (src/delivery.rs, Plan::delivery_state): written per kind.
const STATE_OF_PLAN = { done: "delivered", retry: "pending", giveUp: "failed", disable: "failed", cancel: "cancelled" };
const finished = (outcome, plan, st = null, error = null, event = undefined) => ({ outcome, plan, state: STATE_OF_PLAN[plan.kind], status: st, error, ...(event ? { event } : {}) });
// The operational events (src/lifecycle.rs): what changed, and the key naming what it is about.
const failingEvent = (percent, failingSinceMs, disableAtMs, consecutiveFailures, lastFailureStatus, atMs) =>
  ({ type: "endpoint.failing", percent, failingSinceMs, disableAtMs, consecutiveFailures, lastFailureStatus, atMs, key: `failing.${percent}.${failingSinceMs}` });
const disabledEvent = (reason, atMs) => ({ type: "endpoint.disabled", reason, atMs, key: "disabled" });
const recoveredEvent = (failingSinceMs, atMs) => ({ type: "endpoint.recovered", failingSinceMs, atMs, key: `recovered.${failingSinceMs}` });
const DONE = { kind: "done" };
const retryAt = (atMs, delayMs, attempt, reason) => ({ kind: "retry", atMs, delayMs, attempt, reason });
const giveUp = (reason) => ({ kind: "giveUp", reason });
const disable = (reason) => ({ kind: "disable", reason });

const BLOCKED_BY_POLICY = "target_not_allowed: blocked by the address policy";
const refusal = (reason) => `target_not_allowed: target not allowed: ${reason}`;
const blocked = (reason) => ({ kind: "skip", ...finished("blocked", giveUp("target_not_allowed"), null, refusal(reason)) });
const disabledSkip = (reason) => ({ kind: "skip", ...finished("endpointDisabled", giveUp("endpoint_disabled"), null, `endpoint disabled (${reason})`) });
// An open circuit: the same attempt, planned for when the circuit lets one through.
const circuitOpen = (nowMs, untilMs, attempt) => ({
  kind: "skip",
  ...finished("circuitOpen", retryAt(untilMs, untilMs - nowMs, attempt, "circuit_open"), null, "circuit breaker open"),
});

/** Builds the steps of one case; `secret` is the endpoint's, for the expected signatures. */
function steps(secret) {
  const out = [];
  const api = {
    send(attempt, nowMs, id, { probe = false, body = BODY } = {}) {
      out.push({ op: "begin", attempt, nowMs, id, body, expect: { kind: "send", probe, headers: signatureHeaders(secret, id, nowMs, body) } });
      return api;
    },
    skip(attempt, nowMs, id, expect) {
      out.push({ op: "begin", attempt, nowMs, id, body: BODY, expect });
      return api;
    },
    finish(attempt, outcome, nowMs, expect) {
      out.push({ op: "finish", attempt, outcome, nowMs, rand: 0, expect });
      return api;
    },
    address(address, error) {
      out.push({ op: "checkAddress", address, expect: error ? { error } : { ok: true } });
      return api;
    },
    refused(address, expect) {
      out.push({ op: "refusedAddress", address, expect });
      return api;
    },
    health(expect) {
      out.push({ op: "health", expect });
      return api;
    },
    adopt(health) {
      out.push({ op: "adopt", health });
      return api;
    },
    done: () => out,
  };
  return api;
}

const SCHEDULE = { schedule: [0, 1000, 5000] }; // three attempts: now, +1 s, +5 s
const NO_BREAKER = {};
const BREAKER = (failureThreshold) => ({ disableAfterMs: null, circuitBreaker: { failureThreshold, windowMs: 60000, cooloffMs: 10000 } });
const endpoint = (url, extra = {}) => ({ url, secret: SECRET, retry: SCHEDULE, healthPolicy: NO_BREAKER, ssrf: {}, ...extra });
const HOOK = "https://hooks.example.com/in";
const NO_CIRCUIT = { state: "closed", openedAtMs: null, probeStartedAtMs: null, recentFailuresMs: [] };

const cases = [];
const add = (name, ep, built) => cases.push({ name, endpoint: ep, steps: built.done() });

// ---- responses -------------------------------------------------------------------------------

add("delivered on the first attempt; the timestamp is nowMs in whole seconds", endpoint(HOOK),
  steps(SECRET)
    .send(1, T + 999, "msg_delivered")
    .finish(1, status(200), T + 1250, finished("delivered", DONE, 200))
    .health({ state: "healthy", consecutiveFailures: 0, lastSuccessAtMs: T + 1250, circuit: NO_CIRCUIT }));

add("any 2xx is delivered; the body is signed as UTF-8", endpoint(HOOK),
  steps(SECRET)
    .send(1, T, "msg_utf8", { body: '{"name":"Zoë 🚀"}' })
    .finish(1, status(204), T + 10, finished("delivered", DONE, 204)));

add("a second secret signs with its own key", endpoint(HOOK, { secret: SECRET2 }),
  steps(SECRET2).send(1, T + 5000, "msg_other_key"));

add("503 is retried on the schedule, then exhausted", endpoint(HOOK),
  steps(SECRET)
    .send(1, T, "msg_503")
    .finish(1, status(503), T + 100, finished("retry", retryAt(T + 1100, 1000, 2, "server_error"), 503))
    .health({ state: "failing", consecutiveFailures: 1, firstFailureAtMs: T + 100, lastFailureStatus: 503 })
    .send(2, T + 1100, "msg_503")
    .finish(2, status(503), T + 1200, finished("retry", retryAt(T + 6200, 5000, 3, "server_error"), 503))
    .send(3, T + 6200, "msg_503")
    .finish(3, status(503), T + 6300, finished("failed", giveUp("exhausted"), 503))
    .health({ state: "failing", consecutiveFailures: 3, firstFailureAtMs: T + 100, lastFailureAtMs: T + 6300 }));

add("a failure then a delivery resets the streak", endpoint(HOOK),
  steps(SECRET)
    .finish(1, status(500), T, finished("retry", retryAt(T + 1000, 1000, 2, "server_error"), 500))
    .finish(2, status(201), T + 1000, finished("delivered", DONE, 201))
    .health({ state: "healthy", consecutiveFailures: 0, firstFailureAtMs: null, lastFailureAtMs: T, lastSuccessAtMs: T + 1000 }));

add("429 waits for Retry-After, cut to maxRetryAfterMs, never shorter than the schedule", endpoint(HOOK),
  steps(SECRET)
    .finish(1, status(429, "120"), T, finished("retry", retryAt(T + 120000, 120000, 2, "rate_limited"), 429))
    .finish(2, status(429, "7200"), T + 120000, finished("retry", retryAt(T + 3720000, 3600000, 3, "rate_limited"), 429))
    .finish(1, status(429, "0"), T, finished("retry", retryAt(T + 1000, 1000, 2, "rate_limited"), 429))
    .finish(1, status(503, "30"), T, finished("retry", retryAt(T + 30000, 30000, 2, "server_error"), 503)));

add("410 disables the endpoint; later begins skip without signing", endpoint(HOOK),
  steps(SECRET)
    .send(1, T, "msg_gone")
    .finish(1, status(410), T + 50, finished("endpointDisabled", disable("gone"), 410, null, disabledEvent("gone", T + 50)))
    .health({ state: "disabled", disabledReason: "gone", disabledAtMs: T + 50, lastFailureStatus: 410 })
    .skip(1, T + 60000, "msg_next", disabledSkip("gone"))
    .skip(2, T + 60000, "msg_gone", disabledSkip("gone"))
    .finish(2, status(200), T + 70000, finished("delivered", DONE, 200))
    .health({ state: "disabled", disabledReason: "gone" }));

add("400 is permanent, and so is a redirect", endpoint(HOOK),
  steps(SECRET)
    .send(1, T, "msg_400")
    .finish(1, status(400), T + 20, finished("failed", giveUp("client_error"), 400))
    .health({ state: "failing", consecutiveFailures: 1, lastFailureStatus: 400 })
    .finish(1, status(301), T + 40, finished("failed", giveUp("redirect"), 301))
    .health({ consecutiveFailures: 2, lastFailureStatus: 301 }));

add("timeout and network error are retried without a status, then exhausted", endpoint(HOOK),
  steps(SECRET)
    .finish(1, TIMEOUT, T, finished("retry", retryAt(T + 1000, 1000, 2, "timeout")))
    .finish(2, NETWORK, T + 1000, finished("retry", retryAt(T + 6000, 5000, 3, "network_error")))
    .finish(3, TIMEOUT, T + 6000, finished("failed", giveUp("exhausted")))
    .health({ state: "failing", consecutiveFailures: 3, lastFailureStatus: null }));

add("a streak lasting disableAfterMs disables the endpoint, and that attempt's plan is to disable",
  endpoint(HOOK, { retry: { schedule: [0, 30000, 30000, 30000] }, healthPolicy: { disableAfterMs: 60000 } }),
  steps(SECRET)
    .finish(1, status(500), T, finished("retry", retryAt(T + 30000, 30000, 2, "server_error"), 500))
    // Half the window: the first of the default warnings (50, 70, 90 %).
    .finish(2, status(500), T + 30000, finished("retry", retryAt(T + 60000, 30000, 3, "server_error"), 500, null, failingEvent(50, T, T + 60000, 2, 500, T + 30000)))
    .health({ state: "failing", disabledReason: null, warnedPercent: 50 })
    // The whole window: disabled, with no warning for the 70 and 90 % passed on the way.
    .finish(3, status(500), T + 60000, finished("endpointDisabled", disable("failing_too_long"), 500, null, disabledEvent("failing_too_long", T + 60000)))
    .health({ state: "disabled", disabledReason: "failing_too_long", disabledAtMs: T + 60000 })
    .skip(4, T + 90000, "msg_long", disabledSkip("failing_too_long")));

add("warnings at 50, 70 and 90 % of the window, once each and the highest of those passed at once; a delivery after them is a recovery",
  endpoint(HOOK, { retry: { schedule: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000] }, healthPolicy: { disableAfterMs: 100000 } }),
  steps(SECRET)
    .finish(1, status(500), T, finished("retry", retryAt(T + 1000, 1000, 2, "server_error"), 500))
    .finish(2, status(502), T + 49999, finished("retry", retryAt(T + 50999, 1000, 3, "server_error"), 502))
    .health({ warnedPercent: 0 })
    .finish(3, status(503), T + 50000, finished("retry", retryAt(T + 51000, 1000, 4, "server_error"), 503, null, failingEvent(50, T, T + 100000, 3, 503, T + 50000)))
    .finish(4, TIMEOUT, T + 60000, finished("retry", retryAt(T + 61000, 1000, 5, "timeout")))
    .finish(5, status(500), T + 95000, finished("retry", retryAt(T + 96000, 1000, 6, "server_error"), 500, null, failingEvent(90, T, T + 100000, 5, 500, T + 95000)))
    .health({ state: "failing", warnedPercent: 90, consecutiveFailures: 5 })
    .finish(6, status(200), T + 96000, finished("delivered", DONE, 200, null, recoveredEvent(T, T + 96000)))
    .health({ state: "healthy", warnedPercent: 0, firstFailureAtMs: null })
    // A new streak starts from no warning; one failure is not one.
    .finish(1, status(500), T + 200000, finished("retry", retryAt(T + 201000, 1000, 2, "server_error"), 500))
    .health({ warnedPercent: 0, firstFailureAtMs: T + 200000 }));

add("warnings of the policy's own (warnAtPercent [25]); a delivery without a warning before is no recovery",
  endpoint(HOOK, { retry: { schedule: [0, 1000, 1000] }, healthPolicy: { disableAfterMs: 100000, warnAtPercent: [25] } }),
  steps(SECRET)
    .finish(1, status(500), T, finished("retry", retryAt(T + 1000, 1000, 2, "server_error"), 500))
    .finish(2, status(500), T + 30000, finished("retry", retryAt(T + 31000, 1000, 3, "server_error"), 500, null, failingEvent(25, T, T + 100000, 2, 500, T + 30000)))
    .finish(3, status(500), T + 80000, finished("failed", giveUp("exhausted"), 500))
    .health({ warnedPercent: 25 })
    .finish(1, status(204), T + 90000, finished("delivered", DONE, 204, null, recoveredEvent(T, T + 90000)))
    .finish(1, status(500), T + 91000, finished("retry", retryAt(T + 92000, 1000, 2, "server_error"), 500))
    .finish(2, status(204), T + 92000, finished("delivered", DONE, 204)));

add("no warnings with warnAtPercent [], nor without a failing window",
  endpoint(HOOK, { retry: { schedule: [0, 1000] }, healthPolicy: { disableAfterMs: 100000, warnAtPercent: [] } }),
  steps(SECRET)
    .finish(1, status(500), T, finished("retry", retryAt(T + 1000, 1000, 2, "server_error"), 500))
    .finish(2, status(500), T + 99999, finished("failed", giveUp("exhausted"), 500))
    .health({ state: "failing", warnedPercent: 0 }));

add("adopt: a stored health with a later result is taken; an older one is not",
  endpoint(HOOK, { retry: { schedule: [0, 1000, 1000] }, healthPolicy: { disableAfterMs: 100000 } }),
  steps(SECRET)
    .finish(1, status(500), T + 10000, finished("retry", retryAt(T + 11000, 1000, 2, "server_error"), 500))
    // Another sender's streak began earlier and its last failure is later: the same streak, warned of.
    .adopt({ state: "failing", consecutiveFailures: 4, firstFailureAtMs: T, lastFailureAtMs: T + 20000, lastFailureStatus: 503, warnedPercent: 0 })
    .health({ consecutiveFailures: 4, firstFailureAtMs: T, lastFailureAtMs: T + 20000 })
    // Its warning: the streak began at the stored start.
    .finish(2, status(500), T + 50000, finished("retry", retryAt(T + 51000, 1000, 3, "server_error"), 500, null, failingEvent(50, T, T + 100000, 5, 500, T + 50000)))
    // A stored health older than what is held: kept as held.
    .adopt({ state: "healthy", consecutiveFailures: 0, lastSuccessAtMs: T + 40000 })
    .health({ state: "failing", consecutiveFailures: 5, warnedPercent: 50 })
    // A stored disabled health wins whatever its times: disabling is sticky.
    .adopt({ state: "disabled", consecutiveFailures: 1, firstFailureAtMs: T, lastFailureAtMs: T + 1, disabledReason: "gone", disabledAtMs: T + 1 })
    .health({ state: "disabled", disabledReason: "gone" })
    .skip(3, T + 51000, "msg_adopted", disabledSkip("gone")));

add("a stored disabled health skips from the first begin",
  endpoint(HOOK, { health: { state: "disabled", consecutiveFailures: 0, disabledReason: "manual", disabledAtMs: T - 1000 } }),
  steps(SECRET)
    .skip(1, T, "msg_manual", disabledSkip("manual")));

// ---- the SSRF guard --------------------------------------------------------------------------

add("loopback literal: blocked before signing, health untouched", endpoint("http://127.0.0.1:8080/hook"),
  steps(SECRET)
    .skip(1, T, "msg_loop", blocked("loopback address"))
    .skip(2, T + 1000, "msg_loop", blocked("loopback address"))
    .address("8.8.8.8", "target_not_allowed")
    .health({ state: "healthy", consecutiveFailures: 0, circuit: NO_CIRCUIT }));

add("credentials in the URL: blocked", endpoint("https://user:pass@hooks.example.com/in"),
  steps(SECRET)
    .skip(1, T, "msg_creds", blocked("credentials in url")));

add("Azure WireServer 168.63.129.16: blocked as metadata", endpoint("http://168.63.129.16/machine"),
  steps(SECRET)
    .skip(1, T, "msg_azure", blocked("metadata address")));

add("the guard turned off sends to 127.0.0.1 and any address", endpoint("http://127.0.0.1:8080/hook", { ssrf: false }),
  steps(SECRET)
    .send(1, T, "msg_local")
    .address("127.0.0.1")
    .address("10.0.0.1")
    .address("169.254.169.254")
    .finish(1, status(200), T + 5, finished("delivered", DONE, 200)));

add("an allow-listed address literal is sent to", endpoint("http://127.0.0.1:9000/", { ssrf: { allow: ["127.0.0.1"] } }),
  steps(SECRET)
    .send(1, T, "msg_allowed_ip")
    .address("127.0.0.1"));

add("a public name: each resolved address is judged at connect", endpoint(HOOK),
  steps(SECRET)
    .send(1, T, "msg_dns")
    .address("93.184.216.34")
    .address("2606:2800:220:1:248:1893:25c8:1946")
    .address("10.1.2.3", "target_not_allowed")
    .address("127.0.0.1", "target_not_allowed")
    .address("::1", "target_not_allowed")
    .address("169.254.169.254", "target_not_allowed")
    .address("::ffff:10.0.0.1", "target_not_allowed")
    // The record names neither the address nor the kind of refusal: the endpoint's owner sees it.
    .refused("10.1.2.3", finished("blocked", giveUp("target_not_allowed"), null, BLOCKED_BY_POLICY))
    .refused("169.254.169.254", finished("blocked", giveUp("target_not_allowed"), null, BLOCKED_BY_POLICY))
    .health({ state: "healthy", consecutiveFailures: 0 }));

add("an allow-listed name passes with any address", endpoint("https://hooks.internal/in", { ssrf: { allow: ["hooks.internal"] } }),
  steps(SECRET)
    .send(1, T, "msg_internal")
    .address("10.1.2.3")
    .address("127.0.0.1")
    .address("::1"));

// ---- the circuit breaker ---------------------------------------------------------------------

add("circuit opens, skips keep the attempt number, one probe half-open, probe success closes",
  endpoint(HOOK, { healthPolicy: BREAKER(2) }),
  steps(SECRET)
    .send(1, T, "msg_a")
    .finish(1, status(500), T + 50, finished("retry", retryAt(T + 1050, 1000, 2, "server_error"), 500))
    .health({ circuit: { state: "closed", recentFailuresMs: [T + 50] } })
    .send(1, T + 100, "msg_b")
    .finish(1, status(503), T + 150, finished("retry", retryAt(T + 1150, 1000, 2, "server_error"), 503))
    .health({ state: "failing", consecutiveFailures: 2, circuit: { state: "open", openedAtMs: T + 150, probeStartedAtMs: null, recentFailuresMs: [T + 50, T + 150] } })
    .skip(2, T + 1050, "msg_a", circuitOpen(T + 1050, T + 10150, 2))
    .skip(2, T + 1150, "msg_b", circuitOpen(T + 1150, T + 10150, 2))
    .skip(1, T + 10149, "msg_c", circuitOpen(T + 10149, T + 10150, 1))
    // the cool-off is over: several begins at the same instant, exactly one probe
    .send(2, T + 10150, "msg_a", { probe: true })
    .skip(2, T + 10150, "msg_b", circuitOpen(T + 10150, T + 20150, 2))
    .skip(1, T + 10150, "msg_c", circuitOpen(T + 10150, T + 20150, 1))
    .skip(7, T + 10150, "msg_d", circuitOpen(T + 10150, T + 20150, 7))
    .health({ circuit: { state: "halfOpen", openedAtMs: T + 150, probeStartedAtMs: T + 10150 } })
    .finish(2, status(200), T + 10300, finished("delivered", DONE, 200))
    .health({ state: "healthy", consecutiveFailures: 0, lastSuccessAtMs: T + 10300, circuit: NO_CIRCUIT })
    .send(2, T + 10400, "msg_b")
    .send(1, T + 10400, "msg_c"));

add("a failed probe opens the circuit again for a full cool-off", endpoint(HOOK, { healthPolicy: BREAKER(1) }),
  steps(SECRET)
    .send(1, T, "msg_p")
    .finish(1, status(500), T + 100, finished("retry", retryAt(T + 1100, 1000, 2, "server_error"), 500))
    .health({ circuit: { state: "open", openedAtMs: T + 100, recentFailuresMs: [T + 100] } })
    .skip(2, T + 1100, "msg_p", circuitOpen(T + 1100, T + 10100, 2))
    .send(2, T + 10100, "msg_p", { probe: true })
    .skip(1, T + 10150, "msg_q", circuitOpen(T + 10150, T + 20100, 1))
    .finish(2, status(502), T + 10200, finished("retry", retryAt(T + 15200, 5000, 3, "server_error"), 502))
    .health({ state: "failing", consecutiveFailures: 2, circuit: { state: "open", openedAtMs: T + 10200, probeStartedAtMs: null, recentFailuresMs: [T + 10200] } })
    .skip(3, T + 15200, "msg_p", circuitOpen(T + 15200, T + 20200, 3))
    .send(3, T + 20200, "msg_p", { probe: true }));

add("a stored open circuit skips until its cool-off ends",
  endpoint(HOOK, {
    healthPolicy: BREAKER(3),
    health: { state: "failing", consecutiveFailures: 3, firstFailureAtMs: T - 9000, lastFailureAtMs: T - 5000, lastFailureStatus: 503,
      circuit: { state: "open", openedAtMs: T - 5000, recentFailuresMs: [T - 9000, T - 7000, T - 5000] } },
  }),
  steps(SECRET)
    .skip(4, T, "msg_stored", circuitOpen(T, T + 5000, 4))
    .send(4, T + 5000, "msg_stored", { probe: true })
    .health({ circuit: { state: "halfOpen", probeStartedAtMs: T + 5000 } }));

add("a probe lost for a whole cool-off lets another probe through",
  endpoint(HOOK, {
    healthPolicy: BREAKER(1),
    health: { state: "failing", consecutiveFailures: 1, firstFailureAtMs: T - 30000,
      circuit: { state: "halfOpen", openedAtMs: T - 30000, probeStartedAtMs: T - 15000, recentFailuresMs: [T - 30000] } },
  }),
  steps(SECRET)
    .skip(1, T - 10000, "msg_lost", circuitOpen(T - 10000, T - 5000, 1))
    .send(1, T, "msg_lost", { probe: true })
    .health({ circuit: { state: "halfOpen", probeStartedAtMs: T } })
    .skip(1, T + 1, "msg_other", circuitOpen(T + 1, T + 10000, 1)));

add("without a circuit breaker, failures never deny an attempt", endpoint(HOOK),
  steps(SECRET)
    .finish(1, status(500), T, finished("retry", retryAt(T + 1000, 1000, 2, "server_error"), 500))
    .finish(2, status(500), T + 1000, finished("retry", retryAt(T + 6000, 5000, 3, "server_error"), 500))
    .finish(1, status(500), T + 2000, finished("retry", retryAt(T + 3000, 1000, 2, "server_error"), 500))
    .send(3, T + 6000, "msg_nobreaker")
    .health({ consecutiveFailures: 3, circuit: NO_CIRCUIT }));

// ---- next_wait ---------------------------------------------------------------------------------

const nextWait = [
  { name: "due now", atMs: T, nowMs: T, maxMs: 500, expect: null },
  { name: "overdue", atMs: T - 100, nowMs: T, maxMs: 500, expect: null },
  { name: "remaining within the longest wait", atMs: T + 400, nowMs: T, maxMs: 500, expect: 400 },
  { name: "exactly the longest wait", atMs: T + 500, nowMs: T, maxMs: 500, expect: 500 },
  { name: "cut to the longest wait", atMs: T + 9000, nowMs: T, maxMs: 500, expect: 500 },
  { name: "a circuit-open retry an hour out, cut to a 15-minute queue delay", atMs: T + 3600000, nowMs: T, maxMs: 900000, expect: 900000 },
  { name: "one millisecond left", atMs: T + 1, nowMs: T, maxMs: 2147483647, expect: 1 },
];

// ---------------------------------------------------------------------------------------------
// shape checks

const names = new Set();
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
  names.add(c.name);
  for (const s of c.steps) {
    if (!["begin", "finish", "checkAddress", "refusedAddress", "health", "adopt"].includes(s.op)) throw new Error(`${c.name}: op ${s.op}`);
    if (s.nowMs !== undefined && !Number.isSafeInteger(s.nowMs)) throw new Error(`${c.name}: nowMs ${s.nowMs}`);
    const plan = s.expect?.plan;
    if (plan && plan.kind === "retry" && plan.atMs - s.nowMs !== plan.delayMs) throw new Error(`${c.name}: atMs - nowMs != delayMs`);
  }
}

const file = {
  description:
    "Delivery state machine known answers (hookline src/delivery.rs; JS DeliveryEndpoint). endpoint: url, secret " +
    "(Standard Webhooks), retry (RetryPolicy), healthPolicy, optional stored health, ssrf (TargetOptions, or false to " +
    "turn the guard off). Steps run in order on one endpoint: begin (attempt, nowMs, id, body) expects a send with " +
    "the probe flag and the exact signature headers in order, or a skip with outcome, plan, status and error; " +
    "finish (attempt, outcome, nowMs, rand) expects outcome, plan, status, error and the operational event when there " +
    "is one; adopt (health) goes on from a stored health when it is ahead; checkAddress expects ok or an " +
    "error code; refusedAddress expects the blocked result; health expects fields of the health JSON (nested " +
    "objects partially). nextWait: next_wait(atMs, nowMs, maxMs), null when due. Signatures computed with " +
    "node:crypto, decisions written by hand. Generated by tests/vectors/gen/delivery.cjs.",
  cases,
  nextWait,
};
fs.writeFileSync(OUT, JSON.stringify(file, null, 2) + "\n");
console.log(`tests/vectors/delivery.json: ${cases.length} cases, ${cases.reduce((n, c) => n + c.steps.length, 0)} steps, ${nextWait.length} nextWait`);
