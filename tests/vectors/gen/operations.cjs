// Run from the repository root:  node tests/vectors/gen/operations.cjs
//
// Writes tests/vectors/operations.json: what an operator and a tracer see of a sender, read by
// tests/operations_vectors.rs and tests/js/operations-vectors.mjs. Every expectation is written
// by hand from the documented rules:
// - readiness (src/readiness.rs; JS `readiness`): the facts a health check gathers, the policy,
//   and the verdict: `unavailable` when the database cannot be reached or the worker stopped,
//   lost its database or stalled (its loop quiet for max(workerStalledAfterMs, 3 x idleMs));
//   `degraded` when secrets are sealed with keys not given or the oldest due delivery waited
//   past lateAfterMs; `ok` otherwise; ready unless unavailable.
// - traceparent (src/trace.rs; JS `traceparent`, `traceChild`), from W3C Trace Context section
//   3.2: `version-traceid-parentid-flags` in lowercase hex of 2, 32, 16 and 2 digits; version ff
//   and all-zero ids invalid; version 00 exactly 55 characters; a later version read by its first
//   55 characters, followed by "-" or nothing. An invalid header is ignored (null). A child keeps
//   the trace id and flags, takes the 8 given bytes as its parent id (all zeros read as 00..01)
//   and is written as version 00.
//
// readiness: { name, facts, policy?, expect: { status, ready, checks, oldestDueAgeMs } }
// traceparent: { name, header, expect: <normalized header> | null }
// traceChild: { name, header, spanHex, expect }
"use strict";

const fs = require("node:fs");

const OUT = `${__dirname}/../operations.json`;
const T = 1760000000000;
const SEC = 1000;
const MIN = 60 * SEC;

const worker = (extra = {}) => ({ running: true, database: true, lastLoopAtMs: T - 100, idleMs: 100, ...extra });
const facts = (extra = {}) => ({ nowMs: T, database: true, keysMissing: 0, worker: worker(), oldestDueAtMs: null, ...extra });
const checks = (extra = {}) => ({ database: "ok", keys: "ok", worker: "ok", backlog: "ok", ...extra });
const verdict = (status, c = {}, oldestDueAgeMs = null) => ({ status, ready: status !== "unavailable", checks: checks(c), oldestDueAgeMs });

const readiness = [
  { name: "everything answers: ok", facts: facts(), expect: verdict("ok") },
  { name: "no worker in this process (an API only): ok, worker none", facts: facts({ worker: null }), expect: verdict("ok", { worker: "none" }) },
  { name: "the database does not answer: unavailable", facts: facts({ database: false }), expect: verdict("unavailable", { database: "unavailable" }) },
  { name: "the worker was stopped: unavailable", facts: facts({ worker: worker({ running: false }) }), expect: verdict("unavailable", { worker: "stopped" }) },
  { name: "the worker cannot reach its database: unavailable", facts: facts({ worker: worker({ database: false }) }), expect: verdict("unavailable", { worker: "unavailable" }) },
  { name: "the worker's loop quiet for 30 s: stalled, unavailable", facts: facts({ worker: worker({ lastLoopAtMs: T - 30 * SEC }) }), expect: verdict("unavailable", { worker: "stalled" }) },
  { name: "quiet for 30 s less 1 ms: ok", facts: facts({ worker: worker({ lastLoopAtMs: T - 30 * SEC + 1 }) }), expect: verdict("ok") },
  { name: "a worker that never turned its loop: stalled", facts: facts({ worker: worker({ lastLoopAtMs: null }) }), expect: verdict("unavailable", { worker: "stalled" }) },
  { name: "a worker idling 20 s between polls may be quiet up to 60 s", facts: facts({ worker: worker({ lastLoopAtMs: T - 59 * SEC, idleMs: 20 * SEC }) }), expect: verdict("ok") },
  { name: "the policy's own stall time (5 s)", facts: facts({ worker: worker({ lastLoopAtMs: T - 5 * SEC }) }), policy: { workerStalledAfterMs: 5 * SEC }, expect: verdict("unavailable", { worker: "stalled" }) },
  { name: "secrets sealed with a key not given: degraded, still ready", facts: facts({ keysMissing: 3 }), expect: verdict("degraded", { keys: "missing" }) },
  { name: "the oldest due delivery waited 5 minutes: not late yet", facts: facts({ oldestDueAtMs: T - 5 * MIN }), expect: verdict("ok", {}, 5 * MIN) },
  { name: "waited 5 minutes and 1 ms: late, degraded", facts: facts({ oldestDueAtMs: T - 5 * MIN - 1 }), expect: verdict("degraded", { backlog: "late" }, 5 * MIN + 1) },
  { name: "lateAfterMs null: a backlog is reported, never judged", facts: facts({ oldestDueAtMs: T - 60 * MIN }), policy: { lateAfterMs: null }, expect: verdict("ok", {}, 60 * MIN) },
  { name: "a due time ahead of the clock is no wait", facts: facts({ oldestDueAtMs: T + SEC }), expect: verdict("ok", {}, 0) },
  { name: "late and no database: unavailable wins", facts: facts({ database: false, oldestDueAtMs: T - 10 * MIN }), expect: verdict("unavailable", { database: "unavailable", backlog: "late" }, 10 * MIN) },
];

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const GOOD = `00-${TRACE}-${PARENT}-01`;
const traceparent = [
  { name: "the specification's example", header: GOOD, expect: GOOD },
  { name: "another example, not sampled", header: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", expect: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00" },
  { name: "surrounding spaces and tabs are not part of the value", header: ` \t${GOOD} `, expect: GOOD },
  { name: "uppercase hex is invalid", header: GOOD.toUpperCase(), expect: null },
  { name: "version ff is invalid", header: `ff-${TRACE}-${PARENT}-01`, expect: null },
  { name: "an all-zero trace id is invalid", header: `00-${"0".repeat(32)}-${PARENT}-01`, expect: null },
  { name: "an all-zero parent id is invalid", header: `00-${TRACE}-${"0".repeat(16)}-01`, expect: null },
  { name: "version 00 with more after it is invalid", header: `${GOOD}-extra`, expect: null },
  { name: "a later version is read by its first 55 characters", header: `cc-${TRACE}-${PARENT}-09-what-follows`, expect: `00-${TRACE}-${PARENT}-09` },
  { name: "a later version of exactly 55 characters", header: `01-${TRACE}-${PARENT}-01`, expect: GOOD },
  { name: "a later version followed by anything but '-' is invalid", header: `01-${TRACE}-${PARENT}-01x`, expect: null },
  { name: "one flags digit short", header: GOOD.slice(0, -1), expect: null },
  { name: "a trace id one digit short", header: `00-${TRACE.slice(1)}-${PARENT}-01`, expect: null },
  { name: "underscores for dashes", header: GOOD.replace(/-/g, "_"), expect: null },
  { name: "a digit that is not hex", header: `00-${TRACE}-${PARENT}-0g`, expect: null },
  { name: "empty", header: "", expect: null },
  { name: "not ASCII", header: `é0-${TRACE}-${PARENT}-01`, expect: null },
];

const traceChild = [
  { name: "a new parent id, the trace and flags kept", header: GOOD, spanHex: "abababababababab", expect: `00-${TRACE}-abababababababab-01` },
  { name: "flags kept as received (not sampled)", header: `00-${TRACE}-${PARENT}-00`, spanHex: "0102030405060708", expect: `00-${TRACE}-0102030405060708-00` },
  { name: "eight zero bytes are read as 00..01", header: GOOD, spanHex: "0000000000000000", expect: `00-${TRACE}-0000000000000001-01` },
  { name: "a later version's child is version 00", header: `cc-${TRACE}-${PARENT}-03-x`, spanHex: "ffffffffffffffff", expect: `00-${TRACE}-ffffffffffffffff-03` },
];

const file = {
  description:
    "What an operator and a tracer see of a sender. readiness (src/readiness.rs; JS readiness): facts (nowMs, database, " +
    "keysMissing, worker { running, database, lastLoopAtMs, idleMs } or null, oldestDueAtMs), optional policy " +
    "(workerStalledAfterMs, lateAfterMs); expect the whole verdict. traceparent (src/trace.rs; JS traceparent): the " +
    "header, expect its version-00 form or null when invalid (ignored). traceChild: the header and 8 bytes in hex, " +
    "expect the attempt's header. Written by hand from the documented rules and W3C Trace Context; generated by " +
    "tests/vectors/gen/operations.cjs.",
  readiness,
  traceparent,
  traceChild,
};
fs.writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.log(`tests/vectors/operations.json: ${readiness.length} readiness, ${traceparent.length} traceparent, ${traceChild.length} traceChild`);
