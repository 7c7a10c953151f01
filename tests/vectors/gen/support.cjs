// Run from the repository root:  node tests/vectors/gen/support.cjs
//
// Writes tests/vectors/support.json: what support staff ask of the delivery log and may do to it
// (src/support.rs: `read_query`, `attempt_status`, `cancel`, `recovery`; JS `supportQuery`,
// `attemptStatus`, `cancelDelivery`, `recoveryPlan`) and tenant tokens (src/token.rs; JS
// `TenantTokens`). Read by tests/support_vectors.rs and tests/js/support-vectors.mjs. Every
// expectation is written by hand from the rules documented in those files; the tokens are made
// here with node:crypto (HKDF-SHA256 and HMAC-SHA256), not by hookline.
//
// queries:    { name, listing, params: [[name, value], ...], expect: <Query, partially> } or
//             { ..., error: { code, mentions } } (the message names the parameter)
// statuses:   { outcome: status word } for every attempt outcome
// cancels:    { name, delivery: { state, leaseUntilMs }, nowMs, expect } or { ..., error: { code } }
// recoveries: { name, body, expect } or { ..., error: { code, mentions } }
// tokens:     { secret, issued: [{ name, tenant, options, nowMs, nonceHex, expect }],
//               checks: [{ name, token, tenant, access, nowMs, expect } or { ..., error: { code } }] }
"use strict";

const fs = require("node:fs");
const crypto = require("node:crypto");

const OUT = `${__dirname}/../support.json`;
const T = 1796637600000; // 2026-12-07T10:00:00Z

const failedOutcomes = ["retry", "failed", "endpointDisabled", "blocked"];
const page = (extra = {}) => ({ limit: 20, cursor: null, status: null, outcomes: null, states: null, statusClass: null, sinceMs: null, untilMs: null, endpoint: null, event: null, type: null, ...extra });
const refused = (name) => ({ code: "invalid_argument", mentions: name });

const queries = [
  { name: "attempts: no parameters is the first page of 20", listing: "attempts", params: [], expect: page() },
  { name: "attempts: failed means every outcome that did not deliver and ended", listing: "attempts", params: [["status", "failed"]],
    expect: page({ status: "failed", outcomes: failedOutcomes }) },
  { name: "attempts: delivered", listing: "attempts", params: [["status", "delivered"]], expect: page({ status: "delivered", outcomes: ["delivered"] }) },
  { name: "attempts: pending is an attempt in flight (started)", listing: "attempts", params: [["status", "pending"]], expect: page({ status: "pending", outcomes: ["started"] }) },
  { name: "attempts: skipped is an open circuit (nothing sent)", listing: "attempts", params: [["status", "skipped"]], expect: page({ status: "skipped", outcomes: ["circuitOpen"] }) },
  { name: "attempts: unknown and cancelled", listing: "attempts", params: [["status", "unknown"]], expect: page({ status: "unknown", outcomes: ["unknown"] }) },
  { name: "attempts: 5xx is 500 to 599", listing: "attempts", params: [["statusClass", "5xx"]], expect: page({ statusClass: { range: [500, 599] } }) },
  { name: "attempts: 2xx is 200 to 299", listing: "attempts", params: [["statusClass", "2xx"]], expect: page({ statusClass: { range: [200, 299] } }) },
  { name: "attempts: none is no response at all", listing: "attempts", params: [["statusClass", "none"]], expect: page({ statusClass: "none" }) },
  { name: "attempts: since as an ISO time with Z, until as unix ms", listing: "attempts", params: [["since", "2026-12-07T10:00:00Z"], ["until", String(T + 3_600_000)]],
    expect: page({ sinceMs: T, untilMs: T + 3_600_000 }) },
  { name: "attempts: an ISO time with an offset and milliseconds", listing: "attempts", params: [["since", "2026-12-07T11:00:00.250+01:00"]], expect: page({ sinceMs: T + 250 }) },
  { name: "attempts: a lowercase t and z are RFC 3339 too", listing: "attempts", params: [["since", "2026-12-07t10:00:00z"]], expect: page({ sinceMs: T }) },
  { name: "attempts: limit and cursor", listing: "attempts", params: [["limit", "100"], ["cursor", "a1.2"]], expect: page({ limit: 100, cursor: "a1.2" }) },
  { name: "attempts: an unknown parameter is refused by name", listing: "attempts", params: [["statuss", "failed"]], error: refused("statuss") },
  { name: "attempts: a parameter of another list is refused", listing: "attempts", params: [["endpoint", "ep_1"]], error: refused("endpoint") },
  { name: "attempts: a status word that is a delivery state only", listing: "attempts", params: [["status", "done"]], error: refused("status") },
  { name: "attempts: a status class that is not one", listing: "attempts", params: [["statusClass", "6xx"]], error: refused("statusClass") },
  { name: "attempts: a date without a time", listing: "attempts", params: [["since", "2026-12-07"]], error: refused("since") },
  { name: "attempts: a time without its offset", listing: "attempts", params: [["since", "2026-12-07T10:00:00"]], error: refused("since") },
  { name: "attempts: words are not a time", listing: "attempts", params: [["until", "yesterday"]], error: refused("until") },
  { name: "attempts: a negative time", listing: "attempts", params: [["since", "-5"]], error: refused("since") },
  { name: "attempts: since after until", listing: "attempts", params: [["since", String(T)], ["until", String(T - 1)]], error: refused("since") },
  { name: "attempts: since equal to until selects nothing and is refused", listing: "attempts", params: [["since", String(T)], ["until", String(T)]], error: refused("since") },
  { name: "attempts: limit 0", listing: "attempts", params: [["limit", "0"]], error: refused("limit") },
  { name: "attempts: limit 101", listing: "attempts", params: [["limit", "101"]], error: refused("limit") },
  { name: "attempts: limit that is not a number", listing: "attempts", params: [["limit", "ten"]], error: refused("limit") },
  { name: "attempts: a parameter given twice", listing: "attempts", params: [["status", "failed"], ["status", "delivered"]], error: refused("status") },
  { name: "attempts: an empty cursor", listing: "attempts", params: [["cursor", ""]], error: refused("cursor") },
  { name: "deliveries: status is the delivery's state", listing: "deliveries", params: [["status", "failed"]], expect: page({ status: "failed", states: ["failed"] }) },
  { name: "deliveries: cancelled", listing: "deliveries", params: [["status", "cancelled"]], expect: page({ status: "cancelled", states: ["cancelled"] }) },
  { name: "deliveries: endpoint and event filters", listing: "deliveries", params: [["endpoint", "ep_01"], ["event", "msg_1"]], expect: page({ endpoint: "ep_01", event: "msg_1" }) },
  { name: "deliveries: an attempt's status word is not a state", listing: "deliveries", params: [["status", "skipped"]], error: refused("status") },
  { name: "deliveries: a status class is an attempts filter", listing: "deliveries", params: [["statusClass", "5xx"]], error: refused("statusClass") },
  { name: "deliveries: an id with a space", listing: "deliveries", params: [["endpoint", "ep 1"]], error: refused("endpoint") },
  { name: "events: type, since and until", listing: "events", params: [["type", "invoice.paid"], ["since", String(T)], ["until", "2026-12-08T10:00:00Z"]],
    expect: page({ type: "invoice.paid", sinceMs: T, untilMs: T + 86_400_000 }) },
  { name: "events: a type that no event can have", listing: "events", params: [["type", "a..b"]], error: refused("type") },
  { name: "events: no status filter", listing: "events", params: [["status", "failed"]], error: refused("status") },
  { name: "endpoints: limit and cursor only", listing: "endpoints", params: [["limit", "5"]], expect: page({ limit: 5 }) },
  { name: "endpoints: anything else is refused", listing: "endpoints", params: [["since", "0"]], error: refused("since") },
  { name: "item: a route of one row or a change takes no parameter", listing: "item", params: [], expect: page() },
  { name: "item: any parameter is refused by name", listing: "item", params: [["limit", "5"]], error: refused("limit") },
];

const statuses = {
  delivered: "delivered",
  retry: "failed",
  failed: "failed",
  endpointDisabled: "failed",
  blocked: "failed",
  circuitOpen: "skipped",
  unknown: "unknown",
  cancelled: "cancelled",
};

const cancels = [
  { name: "a pending delivery nobody holds ends cancelled by its owner", delivery: { state: "pending", leaseUntilMs: null }, nowMs: T,
    expect: { changed: true, state: "cancelled", endedReason: "cancelled_by_owner", inFlight: false } },
  { name: "a pending delivery whose attempt is in flight: cancelled, the attempt keeps its record", delivery: { state: "pending", leaseUntilMs: T + 30_000 }, nowMs: T,
    expect: { changed: true, state: "cancelled", endedReason: "cancelled_by_owner", inFlight: true } },
  { name: "a lease that ran out is no attempt in flight", delivery: { state: "pending", leaseUntilMs: T }, nowMs: T,
    expect: { changed: true, state: "cancelled", endedReason: "cancelled_by_owner", inFlight: false } },
  { name: "a cancelled delivery stays as it is", delivery: { state: "cancelled", leaseUntilMs: null }, nowMs: T,
    expect: { changed: false, state: "cancelled", endedReason: null, inFlight: false } },
  { name: "a delivered one is refused", delivery: { state: "delivered", leaseUntilMs: null }, nowMs: T, error: { code: "delivery_ended" } },
  { name: "a failed one is refused", delivery: { state: "failed", leaseUntilMs: null }, nowMs: T, error: { code: "delivery_ended" } },
];

const plan = (sinceMs, limit = 100) => ({ sinceMs, limit, states: ["failed"], cancelledReasons: ["endpoint_disabled"] });
const recoveries = [
  { name: "since as unix ms: failed ones and those an endpoint's disabling cancelled, 100 a call", body: { since: T }, expect: plan(T) },
  { name: "since as an ISO time", body: { since: "2026-12-07T10:00:00Z" }, expect: plan(T) },
  { name: "since as digits in a string", body: { since: String(T) }, expect: plan(T) },
  { name: "a limit of one's own", body: { since: T, limit: 500 }, expect: plan(T, 500) },
  { name: "limit null is the default", body: { since: T, limit: null }, expect: plan(T) },
  { name: "no since", body: {}, error: { code: "invalid_argument", mentions: "since" } },
  { name: "since that is not a time", body: { since: "last tuesday" }, error: { code: "invalid_argument", mentions: "since" } },
  { name: "since with a fraction of a millisecond", body: { since: 1.5 }, error: { code: "invalid_argument", mentions: "since" } },
  { name: "since before 1970", body: { since: -1 }, error: { code: "invalid_argument", mentions: "since" } },
  { name: "a limit over 500", body: { since: T, limit: 501 }, error: { code: "invalid_argument", mentions: "limit" } },
  { name: "a limit of 0", body: { since: T, limit: 0 }, error: { code: "invalid_argument", mentions: "limit" } },
  { name: "an unknown field is refused by name", body: { since: T, sinse: T }, error: { code: "invalid_argument", mentions: "sinse" } },
];

// Tenant tokens, made from the rules in src/token.rs with node:crypto.
const SECRET = "operator-token-0123456789";
const key = Buffer.from(crypto.hkdfSync("sha256", Buffer.from(SECRET), Buffer.alloc(0), Buffer.from("hookline tenant token v1"), 32));
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
function make(claim) {
  const body = b64url(JSON.stringify(claim));
  const tag = b64url(crypto.createHmac("sha256", key).update(body).digest());
  return `hlt_${body}.${tag}`;
}
function issue(tenant, options, nowMs, nonceHex) {
  const ttl = options.expiresInMs ?? 3_600_000;
  const readOnly = options.readOnly ?? false;
  const expiresAtMs = nowMs + ttl;
  const claim = { v: 1, tenant, readOnly, issuedAtMs: nowMs, expiresAtMs, nonce: b64url(Buffer.from(nonceHex, "hex")) };
  return { token: make(claim), tenant, readOnly, expiresAtMs, expiresAt: new Date(expiresAtMs).toISOString() };
}
const NONCE = "000102030405060708090a0b0c0d0e0f";
const issued = [
  { name: "the default: an hour, read and write", tenant: "acme", options: {}, nowMs: T, nonceHex: NONCE, expect: issue("acme", {}, T, NONCE) },
  { name: "read-only for a day", tenant: "acme", options: { expiresInMs: 86_400_000, readOnly: true }, nowMs: T, nonceHex: NONCE, expect: issue("acme", { expiresInMs: 86_400_000, readOnly: true }, T, NONCE) },
  { name: "the shortest life, a minute", tenant: "t.1:x-y_z", options: { expiresInMs: 60_000 }, nowMs: T, nonceHex: "ff".repeat(16), expect: issue("t.1:x-y_z", { expiresInMs: 60_000 }, T, "ff".repeat(16)) },
  { name: "the longest life, seven days", tenant: "acme", options: { expiresInMs: 604_800_000 }, nowMs: T, nonceHex: NONCE, expect: issue("acme", { expiresInMs: 604_800_000 }, T, NONCE) },
  { name: "under a minute is refused", tenant: "acme", options: { expiresInMs: 59_999 }, nowMs: T, nonceHex: NONCE, error: { code: "invalid_argument", mentions: "expiresInMs" } },
  { name: "over seven days is refused", tenant: "acme", options: { expiresInMs: 604_800_001 }, nowMs: T, nonceHex: NONCE, error: { code: "invalid_argument", mentions: "expiresInMs" } },
  { name: "an unknown option is refused by name", tenant: "acme", options: { readonly: true }, nowMs: T, nonceHex: NONCE, error: { code: "invalid_argument", mentions: "readonly" } },
];
const rw = issue("acme", {}, T, NONCE).token;
const ro = issue("acme", { readOnly: true }, T, NONCE).token;
const grant = (readOnly) => ({ tenant: "acme", readOnly, expiresAtMs: T + 3_600_000 });
const otherKey = Buffer.from(crypto.hkdfSync("sha256", Buffer.from("another-operator-secret"), Buffer.alloc(0), Buffer.from("hookline tenant token v1"), 32));
const [rwBody, rwTag] = rw.slice(4).split(".");
const forgedBody = b64url(Buffer.from(rwBody, "base64url").toString().replace('"tenant":"acme"', '"tenant":"acmf"'));
const checks = [
  { name: "a read with a read-write token", token: rw, tenant: "acme", access: "read", nowMs: T + 1, expect: grant(false) },
  { name: "a write with a read-write token", token: rw, tenant: "acme", access: "write", nowMs: T + 1, expect: grant(false) },
  { name: "a read with a read-only token", token: ro, tenant: "acme", access: "read", nowMs: T + 1, expect: grant(true) },
  { name: "a write with a read-only token is forbidden", token: ro, tenant: "acme", access: "write", nowMs: T + 1, error: { code: "forbidden" } },
  { name: "another tenant's routes are forbidden", token: rw, tenant: "acmf", access: "read", nowMs: T + 1, error: { code: "forbidden" } },
  { name: "a tenant token never issues tokens", token: rw, tenant: "acme", access: "issue", nowMs: T + 1, error: { code: "forbidden" } },
  { name: "the last millisecond before expiry", token: rw, tenant: "acme", access: "read", nowMs: T + 3_599_999, expect: grant(false) },
  { name: "at its expiry it has expired", token: rw, tenant: "acme", access: "read", nowMs: T + 3_600_000, error: { code: "token_expired" } },
  { name: "a claim changed under its tag", token: `hlt_${forgedBody}.${rwTag}`, tenant: "acmf", access: "read", nowMs: T + 1, error: { code: "invalid_token" } },
  { name: "a token of another operator's key", token: (() => {
    const body = b64url(JSON.stringify({ v: 1, tenant: "acme", readOnly: false, issuedAtMs: T, expiresAtMs: T + 3_600_000, nonce: b64url(Buffer.from(NONCE, "hex")) }));
    return `hlt_${body}.${b64url(crypto.createHmac("sha256", otherKey).update(body).digest())}`;
  })(), tenant: "acme", access: "read", nowMs: T + 1, error: { code: "invalid_token" } },
  { name: "a truncated tag", token: rw.slice(0, -2), tenant: "acme", access: "read", nowMs: T + 1, error: { code: "invalid_token" } },
  { name: "no prefix: the operator's kind of token", token: "operator-token-0123456789", tenant: "acme", access: "read", nowMs: T + 1, error: { code: "invalid_token" } },
  { name: "no tag", token: `hlt_${rwBody}`, tenant: "acme", access: "read", nowMs: T + 1, error: { code: "invalid_token" } },
  { name: "a signed claim of another version", token: make({ v: 2, tenant: "acme", readOnly: false, issuedAtMs: T, expiresAtMs: T + 3_600_000, nonce: "AA" }), tenant: "acme", access: "read", nowMs: T + 1, error: { code: "invalid_token" } },
  { name: "a signed claim with a field too many", token: make({ v: 1, tenant: "acme", readOnly: false, issuedAtMs: T, expiresAtMs: T + 3_600_000, nonce: "AA", admin: true }), tenant: "acme", access: "read", nowMs: T + 1, error: { code: "invalid_token" } },
  { name: "over 1024 characters", token: `hlt_${"A".repeat(1100)}.${rwTag}`, tenant: "acme", access: "read", nowMs: T + 1, error: { code: "invalid_token" } },
];

const file = {
  description:
    "The delivery log's filters (src/support.rs read_query; JS supportQuery), the status word of each attempt outcome (attempt_status; attemptStatus), cancelling a delivery (cancel; cancelDelivery), recovering an endpoint (recovery; recoveryPlan), and tenant tokens (src/token.rs TokenKey; JS TenantTokens). Written by hand from the documented rules; the tokens are made with node:crypto (HKDF-SHA256 of the secret with info 'hookline tenant token v1', HMAC-SHA256 over the claim's base64url). Generated by tests/vectors/gen/support.cjs.",
  queries,
  statuses,
  cancels,
  recoveries,
  tokens: { secret: SECRET, issued, checks },
};
fs.writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${OUT}: ${queries.length} queries, ${cancels.length} cancels, ${recoveries.length} recoveries, ${issued.length} issued, ${checks.length} checks`);
