// Run from the repository root:  node tests/vectors/gen/lifecycle.cjs
//
// Writes tests/vectors/lifecycle.json: an endpoint's one state and what its owner's changes do
// (src/lifecycle.rs: `status`, `owner_change`; JS `endpointStatus`, `endpointChange`), and the
// attempts that cannot start (src/delivery.rs `unstarted`; JS `unstartedAttempt`). Read by
// tests/lifecycle_vectors.rs and tests/js/lifecycle-vectors.mjs. Every expectation is written by
// hand from the rules documented in those files; policies have no jitter and rand is 0.
//
// changes:   { name, health: <stored health JSON> | null, change: { enabled?, urlChanged?, deleted? },
//              nowMs, expect: { status, enabled, renewed, cancelPending, event, health: <fields, partially> } }
//            event: the operational event of the change (endpoint.disabled with reason manual,
//            endpoint.enabled), null when the state stays as it was.
// unstarted: { name, retry, attempt, why, nowMs, expect: { outcome, plan, state, status, error } }
"use strict";

const fs = require("node:fs");

const OUT = `${__dirname}/../lifecycle.json`;
const T = 1700000000000;

const healthy = null; // a new endpoint: no stored health
const failing = { state: "failing", consecutiveFailures: 3, firstFailureAtMs: T - 60_000, lastFailureAtMs: T - 1000, lastFailureStatus: 503 };
const disabled = (reason, at = T - 5000) => ({ state: "disabled", consecutiveFailures: 1, firstFailureAtMs: at, lastFailureAtMs: at, lastFailureStatus: reason === "gone" ? 410 : 503, disabledReason: reason, disabledAtMs: at });
const ENABLED = { state: "enabled" };
const disabledEvent = (reason, atMs) => ({ type: "endpoint.disabled", reason, atMs, key: "disabled" });
const enabledEvent = (atMs) => ({ type: "endpoint.enabled", atMs, key: "enabled" });
const warned = { ...failing, warnedPercent: 70 };
const DISABLED = (reason, sinceMs) => ({ state: "disabled", reason, sinceMs });
// What `enable` keeps of a health it resets: the history of the last success and failure.
const reset = (from) => ({ state: "healthy", consecutiveFailures: 0, firstFailureAtMs: null, lastFailureAtMs: from.lastFailureAtMs ?? null, lastFailureStatus: from.lastFailureStatus ?? null, disabledReason: null, disabledAtMs: null });

const changes = [
  { name: "a new endpoint disabled by its owner: manual, its pending deliveries end", health: healthy, change: { enabled: false }, nowMs: T,
    expect: { status: DISABLED("manual", T), enabled: false, renewed: true, cancelPending: "endpoint_disabled", event: disabledEvent("manual", T), health: { state: "disabled", disabledReason: "manual", disabledAtMs: T } } },
  { name: "enabling an enabled endpoint changes nothing", health: failing, change: { enabled: true }, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: false, cancelPending: null, event: null, health: { state: "failing", consecutiveFailures: 3 } } },
  { name: "enabling an endpoint the receiver called gone resets its health, history kept", health: disabled("gone"), change: { enabled: true }, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: true, cancelPending: null, event: enabledEvent(T), health: reset(disabled("gone")) } },
  { name: "enabling an endpoint that failed too long resets it", health: disabled("failing_too_long"), change: { enabled: true }, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: true, cancelPending: null, event: enabledEvent(T), health: reset(disabled("failing_too_long")) } },
  { name: "enabling an endpoint its owner disabled", health: disabled("manual"), change: { enabled: true }, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: true, cancelPending: null, event: enabledEvent(T), health: { state: "healthy", disabledReason: null } } },
  { name: "a new URL for an endpoint the receiver called gone: a new receiver, enabled and reset", health: disabled("gone"), change: { urlChanged: true }, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: true, cancelPending: null, event: enabledEvent(T), health: reset(disabled("gone")) } },
  { name: "a new URL for a failing endpoint resets its failure streak", health: failing, change: { urlChanged: true }, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: true, cancelPending: null, event: null, health: { state: "healthy", consecutiveFailures: 0, firstFailureAtMs: null } } },
  { name: "a new URL for a failing endpoint warned of: reset, and no recovery (nothing was delivered)", health: warned, change: { urlChanged: true }, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: true, cancelPending: null, event: null, health: { state: "healthy", warnedPercent: 0 } } },
  { name: "a new URL does not undo the owner's disabling", health: disabled("manual"), change: { urlChanged: true }, nowMs: T,
    expect: { status: DISABLED("manual", T - 5000), enabled: false, renewed: false, cancelPending: "endpoint_disabled", event: null, health: { state: "disabled", disabledReason: "manual" } } },
  { name: "disabling an endpoint already disabled keeps its first reason and time", health: disabled("gone"), change: { enabled: false }, nowMs: T,
    expect: { status: DISABLED("gone", T - 5000), enabled: false, renewed: false, cancelPending: "endpoint_disabled", event: null, health: { disabledReason: "gone", disabledAtMs: T - 5000 } } },
  { name: "disabling and a new URL at once: disabled by its owner", health: failing, change: { enabled: false, urlChanged: true }, nowMs: T,
    expect: { status: DISABLED("manual", T), enabled: false, renewed: true, cancelPending: "endpoint_disabled", event: disabledEvent("manual", T), health: { state: "disabled", disabledReason: "manual" } } },
  { name: "deleting ends the pending deliveries as gone, whatever the state", health: failing, change: { deleted: true }, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: false, cancelPending: "endpoint_gone", event: null, health: { state: "failing" } } },
  { name: "no change: nothing renewed, nothing ended", health: healthy, change: {}, nowMs: T,
    expect: { status: ENABLED, enabled: true, renewed: false, cancelPending: null, event: null, health: { state: "healthy" } } },
];

const schedule = { schedule: [0, 1000, 5000] };
const unstarted = [
  { name: "endpoint gone: cancelled, nothing more", retry: schedule, attempt: 1, why: "endpoint_gone", nowMs: T,
    expect: { outcome: "cancelled", plan: { kind: "cancel", reason: "endpoint_gone" }, state: "cancelled", status: null, error: "endpoint gone: it was deleted" } },
  { name: "keys unavailable on attempt 1: the next attempt after the policy's wait", retry: schedule, attempt: 1, why: "keys_unavailable", nowMs: T,
    expect: { outcome: "retry", plan: { kind: "retry", atMs: T + 1000, delayMs: 1000, attempt: 2, reason: "keys_unavailable" }, state: "pending", status: null, error: "keys_unavailable: the endpoint's secret could not be opened; nothing was sent" } },
  { name: "keys unavailable on the last attempt: failed for good", retry: schedule, attempt: 3, why: "keys_unavailable", nowMs: T,
    expect: { outcome: "failed", plan: { kind: "giveUp", reason: "keys_unavailable" }, state: "failed", status: null, error: "keys_unavailable: the endpoint's secret could not be opened; nothing was sent" } },
  { name: "worker lost on attempt 2: unknown, attempt 3 planned", retry: schedule, attempt: 2, why: "worker_lost", nowMs: T,
    expect: { outcome: "unknown", plan: { kind: "retry", atMs: T + 5000, delayMs: 5000, attempt: 3, reason: "worker_lost" }, state: "pending", status: null, error: "worker_lost: the worker stopped during the attempt; the receiver may have got it" } },
  { name: "worker lost on the last attempt: unknown, and the delivery failed", retry: schedule, attempt: 3, why: "worker_lost", nowMs: T,
    expect: { outcome: "unknown", plan: { kind: "giveUp", reason: "worker_lost" }, state: "failed", status: null, error: "worker_lost: the worker stopped during the attempt; the receiver may have got it" } },
];

const out = {
  description:
    "An endpoint's one state and its owner's changes (src/lifecycle.rs status / owner_change; JS endpointStatus / endpointChange), and the attempts that cannot start (src/delivery.rs unstarted; JS unstartedAttempt). changes: the stored health (null: a new endpoint), the change, nowMs; expect: the status, enabled, renewed, cancelPending, the operational event (null: none), and fields of the new health (partially). unstarted: the retry policy, the attempt number, why, nowMs (rand 0, no jitter); expect: the whole result. Written by hand from the documented rules; generated by tests/vectors/gen/lifecycle.cjs.",
  changes,
  unstarted,
};
fs.writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
console.log(`tests/vectors/lifecycle.json: ${changes.length} changes, ${unstarted.length} unstarted`);
