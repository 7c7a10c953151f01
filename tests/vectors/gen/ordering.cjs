// Run from the repository root:  node tests/vectors/gen/ordering.cjs
//
// Writes tests/vectors/ordering.json: ordered delivery (src/ordering.rs: key_for,
// OrderingPolicy::validate, bound; JS orderingKeyFor, checkOrderingPolicy, orderedAttempt).
// Read by tests/ordering_vectors.rs and tests/js/ordering-vectors.mjs. Every expected value is
// written by hand from the rules in src/ordering.rs's docs:
//   - a delivery to an ordered endpoint is ordered by the event's orderingKey, or by "" (the
//     endpoint's own key) without one; to an endpoint that is not ordered, by nothing (null);
//     a key is 1 to 256 bytes of text without control characters, checked either way;
//   - the head of a key since headSinceMs whose attempt plans a retry later than headSinceMs +
//     maxBlockMs (default 3,600,000) is given up: plan giveUp (reason ordering_blocked), state
//     failed, a retry or circuitOpen record failed (an unknown one stays unknown), the status
//     kept, and the error says so (after the error it had, if any); any other result is unchanged.
//
// keys:     { name, ordered, orderingKey, expect: key | null } or { ..., error: code }
// policies: { name, input, expect | error }
// bound:    { name, finished, headSinceMs, nowMs, policy, expect: finished }
"use strict";

const fs = require("node:fs");

const OUT = `${__dirname}/../ordering.json`;
const T = 1700000000000;
const HOUR = 3600000;

const keys = [
  { name: "an ordered endpoint, an event with a key: ordered by that key", ordered: true, orderingKey: "cus_42", expect: "cus_42" },
  { name: "an ordered endpoint, an event without a key: the endpoint's own key", ordered: true, orderingKey: null, expect: "" },
  { name: "an endpoint that is not ordered ignores the key", ordered: false, orderingKey: "cus_42", expect: null },
  { name: "not ordered, no key", ordered: false, orderingKey: null, expect: null },
  { name: "a key of 256 bytes (multi-byte text counts its bytes)", ordered: true, orderingKey: "é".repeat(128), expect: "é".repeat(128) },
  { name: "a key of 257 bytes is refused", ordered: true, orderingKey: "é".repeat(128) + "x", error: "invalid_argument" },
  { name: "an empty key is refused, ordered or not", ordered: false, orderingKey: "", error: "invalid_argument" },
  { name: "a key with a newline is refused", ordered: true, orderingKey: "a\nb", error: "invalid_argument" },
  { name: "a key with NUL is refused", ordered: true, orderingKey: "a\u0000b", error: "invalid_argument" },
];

const policies = [
  { name: "the default: one hour", input: {}, expect: { maxBlockMs: HOUR } },
  { name: "ten minutes", input: { maxBlockMs: 600000 }, expect: { maxBlockMs: 600000 } },
  { name: "zero is refused", input: { maxBlockMs: 0 }, error: "invalid_policy" },
  { name: "an unknown field is refused", input: { maxAgeMs: 1000 }, error: "invalid_argument" },
];

const NOW = T + 30 * 60000; // the attempt ended 30 minutes after the delivery became the head
const retryAt = (atMs, extra = {}) => ({
  outcome: "retry",
  plan: { kind: "retry", atMs, delayMs: atMs - NOW, attempt: 5, reason: "server_error" },
  state: "pending",
  status: 500,
  error: null,
  ...extra,
});
const blockedNote = (waited, max) => `ordering_blocked: the head of its ordering key for ${waited} ms, its next attempt would pass maxBlockMs (${max} ms): given up so the rest of its key can go`;
const givenUp = (outcome, status, error) => ({ outcome, plan: { kind: "giveUp", reason: "ordering_blocked" }, state: "failed", status, error });
const bound = [
  { name: "a retry within the block age: unchanged", finished: retryAt(T + HOUR - 1), headSinceMs: T, nowMs: NOW, policy: {}, expect: retryAt(T + HOUR - 1) },
  { name: "a retry at exactly the block age: unchanged", finished: retryAt(T + HOUR), headSinceMs: T, nowMs: NOW, policy: {}, expect: retryAt(T + HOUR) },
  { name: "a retry past the block age: given up, failed, the status kept", finished: retryAt(T + HOUR + 1), headSinceMs: T, nowMs: NOW, policy: {},
    expect: givenUp("failed", 500, blockedNote(30 * 60000, HOUR)) },
  { name: "a shorter block age of ten minutes", finished: retryAt(NOW + 5 * 60000), headSinceMs: T, nowMs: NOW, policy: { maxBlockMs: 600000 },
    expect: givenUp("failed", 500, blockedNote(30 * 60000, 600000)) },
  { name: "a lost worker's attempt past the block age stays unknown", headSinceMs: T, nowMs: NOW, policy: { maxBlockMs: 600000 },
    finished: { outcome: "unknown", plan: { kind: "retry", atMs: NOW + 300000, delayMs: 300000, attempt: 3, reason: "worker_lost" }, state: "pending", status: null, error: "worker_lost: the worker stopped during the attempt; the receiver may have got it" },
    expect: givenUp("unknown", null, `worker_lost: the worker stopped during the attempt; the receiver may have got it; ${blockedNote(30 * 60000, 600000)}`) },
  { name: "an open circuit's skip past the block age: failed", headSinceMs: T, nowMs: NOW, policy: { maxBlockMs: 600000 },
    finished: { outcome: "circuitOpen", plan: { kind: "retry", atMs: NOW + 60000, delayMs: 60000, attempt: 2, reason: "circuit_open" }, state: "pending", status: null, error: "circuit breaker open" },
    expect: givenUp("failed", null, `circuit breaker open; ${blockedNote(30 * 60000, 600000)}`) },
  { name: "delivered: unchanged", headSinceMs: T, nowMs: NOW, policy: { maxBlockMs: 1 },
    finished: { outcome: "delivered", plan: { kind: "done" }, state: "delivered", status: 200, error: null },
    expect: { outcome: "delivered", plan: { kind: "done" }, state: "delivered", status: 200, error: null } },
  { name: "already given up: unchanged", headSinceMs: T, nowMs: NOW, policy: { maxBlockMs: 1 },
    finished: { outcome: "failed", plan: { kind: "giveUp", reason: "client_error" }, state: "failed", status: 400, error: null },
    expect: { outcome: "failed", plan: { kind: "giveUp", reason: "client_error" }, state: "failed", status: 400, error: null } },
];

const out = {
  description:
    "Ordered delivery (src/ordering.rs key_for, OrderingPolicy::validate, bound; JS orderingKeyFor, checkOrderingPolicy, orderedAttempt). keys: whether the endpoint is ordered, the event's orderingKey (null: none); expect: the key its delivery is ordered by (null: none) or the error code. policies: an ordering policy and its checked form or error code. bound: an attempt's result for the head of a key since headSinceMs, at nowMs, under policy; expect: the whole result. Written by hand from the documented rules; generated by tests/vectors/gen/ordering.cjs.",
  keys,
  policies,
  bound,
};
fs.writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
console.log(`tests/vectors/ordering.json: ${keys.length} keys, ${policies.length} policies, ${bound.length} bound`);
