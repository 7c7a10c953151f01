// Run from the repository root:  node tests/vectors/gen/health.cjs
//
// Writes tests/vectors/health.json: endpoint health and circuit breaker sequences. Every expected
// value is written by hand from the rules in src/health.rs; this script only spells the times out
// (JSON has no arithmetic) and checks the file's shape.
//
// Sequence shape (the serde forms of hookline's HealthPolicy, EndpointHealth, AttemptResult and
// Admission, camelCase):
//   { name, policy, initial?: <stored EndpointHealth, fields missing take defaults>,
//     steps: [ { nowMs, result: <AttemptResult> | action: "check" | "beginProbe" | "enable"
//                | "disable", reason?, expect?: { <EndpointHealth fields>, admission? },
//                expectError? } ] }
// A step applies record(state, policy, result, nowMs), or the action, to the running state
// (starting from initial, else a new endpoint). expect lists only the fields to check, nested
// objects partially too; "admission" is admission(state, policy, nowMs) after the step; "event"
// is the operational event of the step (src/lifecycle.rs `event(before, after, policy, nowMs)`,
// JS `endpointEvent`), null for none.
// expectError is the error code of a step that must fail (the state is left as it was).
//
// policies: { name, policy, error? }: whether HealthPolicy.validate accepts the policy.
"use strict";

const fs = require("node:fs");

const OUT = `${__dirname}/../health.json`;
const T = 1718000000000; // 2024-06-10T06:13:20Z in unix ms
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const delivered = { kind: "delivered" };
const failed = (status = 500) => ({ kind: "failed", status });
const timeout = { kind: "failed", status: null };
const gone = { kind: "gone" };

const allow = { kind: "allow" };
const probe = { kind: "probe" };
const deny = (untilMs) => ({ kind: "deny", untilMs });
const disabled = (reason) => ({ kind: "disabled", reason });

// Operational events (src/lifecycle.rs): the type and facts, and the key naming what it is about.
const failingEvent = (percent, failingSinceMs, disableAtMs, consecutiveFailures, lastFailureStatus, atMs) =>
  ({ type: "endpoint.failing", percent, failingSinceMs, disableAtMs, consecutiveFailures, lastFailureStatus, atMs, key: `failing.${percent}.${failingSinceMs}` });
const disabledEvent = (reason, atMs) => ({ type: "endpoint.disabled", reason, atMs, key: "disabled" });
const enabledEvent = (atMs) => ({ type: "endpoint.enabled", atMs, key: "enabled" });
const recoveredEvent = (failingSinceMs, atMs) => ({ type: "endpoint.recovered", failingSinceMs, atMs, key: `recovered.${failingSinceMs}` });

const rec = (nowMs, result, expect) => ({ nowMs, result, ...(expect ? { expect } : {}) });
const act = (nowMs, action, expect, extra = {}) => ({ nowMs, action, ...extra, ...(expect ? { expect } : {}) });

const breaker = (failureThreshold, windowMs, cooloffMs) => ({ circuitBreaker: { failureThreshold, windowMs, cooloffMs } });
const CB = breaker(3, MIN, 30 * SEC);

const sequences = [];
const seq = (name, policy, steps, initial) =>
  sequences.push({ name, policy, ...(initial ? { initial } : {}), steps });

// ---------------------------------------------------------------------------------------------
// streak, success, 410

seq("new endpoint is healthy and allowed", {}, [
  act(T, "check", {
    state: "healthy",
    consecutiveFailures: 0,
    firstFailureAtMs: null,
    lastSuccessAtMs: null,
    lastFailureAtMs: null,
    disabledReason: null,
    circuit: { state: "closed", openedAtMs: null, recentFailuresMs: [] },
    admission: allow,
  }),
]);

seq("delivery records the last success", {}, [
  rec(T, delivered, { state: "healthy", lastSuccessAtMs: T, consecutiveFailures: 0, admission: allow }),
]);

seq("failures start and extend a streak", {}, [
  rec(T, failed(500), { state: "failing", consecutiveFailures: 1, firstFailureAtMs: T, lastFailureAtMs: T, lastFailureStatus: 500, admission: allow }),
  rec(T + HOUR, failed(502), { state: "failing", consecutiveFailures: 2, firstFailureAtMs: T, lastFailureAtMs: T + HOUR, lastFailureStatus: 502 }),
  rec(T + 2 * HOUR, timeout, { consecutiveFailures: 3, lastFailureStatus: null, admission: allow }),
]);

seq("success resets the streak and keeps the failure history", {}, [
  rec(T, failed(503)),
  rec(T + MIN, failed(503), { consecutiveFailures: 2 }),
  rec(T + 2 * MIN, delivered, {
    state: "healthy",
    consecutiveFailures: 0,
    firstFailureAtMs: null,
    lastSuccessAtMs: T + 2 * MIN,
    lastFailureAtMs: T + MIN,
    lastFailureStatus: 503,
  }),
  rec(T + 3 * MIN, failed(500), { consecutiveFailures: 1, firstFailureAtMs: T + 3 * MIN }),
]);

seq("410 disables with reason gone", {}, [
  rec(T, failed(500)),
  rec(T + MIN, gone, {
    state: "disabled",
    disabledReason: "gone",
    disabledAtMs: T + MIN,
    consecutiveFailures: 2,
    lastFailureStatus: 410,
    admission: disabled("gone"),
  }),
]);

seq("failed with status 410 counts as gone", {}, [
  rec(T, failed(410), { state: "disabled", disabledReason: "gone", disabledAtMs: T, consecutiveFailures: 1, admission: disabled("gone") }),
]);

// ---------------------------------------------------------------------------------------------
// auto-disable after disableAfterMs (default 5 days): a streak that has lasted >= the limit

seq("streak of 5 days minus 1 ms stays failing; exactly 5 days disables", {}, [
  rec(T, failed(500)),
  rec(T + 5 * DAY - 1, failed(500), { state: "failing", disabledReason: null, consecutiveFailures: 2, admission: allow }),
  rec(T + 5 * DAY, failed(500), {
    state: "disabled",
    disabledReason: "failing_too_long",
    disabledAtMs: T + 5 * DAY,
    consecutiveFailures: 3,
    firstFailureAtMs: T,
    admission: disabled("failing_too_long"),
  }),
]);

seq("two failures 6 days apart disable on the second", {}, [
  rec(T, timeout),
  rec(T + 6 * DAY, timeout, { state: "disabled", disabledReason: "failing_too_long", disabledAtMs: T + 6 * DAY }),
]);

seq("a delivery restarts the 5-day count", {}, [
  rec(T, failed(500)),
  rec(T + 4 * DAY, delivered, { state: "healthy" }),
  rec(T + 4 * DAY + 1, failed(500), { firstFailureAtMs: T + 4 * DAY + 1 }),
  rec(T + 6 * DAY, failed(500), { state: "failing", consecutiveFailures: 2 }),
  rec(T + 9 * DAY, failed(500), { state: "failing" }),
  rec(T + 9 * DAY + 1, failed(500), { state: "disabled", disabledReason: "failing_too_long" }),
]);

seq("custom disableAfterMs of one hour", { disableAfterMs: HOUR }, [
  rec(T, failed(500)),
  rec(T + HOUR - 1, failed(500), { state: "failing" }),
  rec(T + HOUR, failed(500), { state: "disabled", disabledReason: "failing_too_long" }),
]);

seq("disableAfterMs null never disables for failures, 410 still does", { disableAfterMs: null }, [
  rec(T, failed(500)),
  rec(T + 365 * DAY, failed(500), { state: "failing", consecutiveFailures: 2, admission: allow }),
  rec(T + 366 * DAY, gone, { state: "disabled", disabledReason: "gone" }),
]);

// ---------------------------------------------------------------------------------------------
// warnings before disabling (default 50, 70 and 90 % of disableAfterMs) and the events of each change

seq("warnings at 50 and 90 % of a 10-day window, once each; then disabled, then enabled by hand", { disableAfterMs: 10 * DAY }, [
  rec(T, failed(500), { warnedPercent: 0, event: null }),
  rec(T + 5 * DAY - 1, failed(500), { warnedPercent: 0, event: null }),
  rec(T + 5 * DAY, failed(500), { warnedPercent: 50, event: failingEvent(50, T, T + 10 * DAY, 3, 500, T + 5 * DAY) }),
  rec(T + 6 * DAY, failed(503), { warnedPercent: 50, event: null }),
  // 70 and 90 % passed at once: the highest is the warning.
  rec(T + 9 * DAY + HOUR, timeout, { warnedPercent: 90, event: failingEvent(90, T, T + 10 * DAY, 5, null, T + 9 * DAY + HOUR) }),
  rec(T + 9 * DAY + 2 * HOUR, failed(500), { warnedPercent: 90, event: null }),
  rec(T + 10 * DAY, failed(500), { state: "disabled", disabledReason: "failing_too_long", warnedPercent: 90, event: disabledEvent("failing_too_long", T + 10 * DAY) }),
  rec(T + 10 * DAY + 1, failed(500), { state: "disabled", event: null }),
  act(T + 11 * DAY, "enable", { state: "healthy", warnedPercent: 0, event: enabledEvent(T + 11 * DAY) }),
]);

seq("a delivery after a warning is a recovery; one without a warning before is not", { disableAfterMs: 100 * SEC, warnAtPercent: [30, 60] }, [
  rec(T, failed(500), { event: null }),
  rec(T + 30 * SEC, failed(500), { warnedPercent: 30, event: failingEvent(30, T, T + 100 * SEC, 2, 500, T + 30 * SEC) }),
  rec(T + 40 * SEC, delivered, { state: "healthy", warnedPercent: 0, event: recoveredEvent(T, T + 40 * SEC) }),
  rec(T + 41 * SEC, failed(500), { warnedPercent: 0, event: null }),
  rec(T + 42 * SEC, delivered, { state: "healthy", event: null }),
]);

seq("410 is disabled at once, with reason gone, whatever was warned", { disableAfterMs: 100 * SEC }, [
  rec(T, failed(500)),
  rec(T + 50 * SEC, failed(500), { warnedPercent: 50 }),
  rec(T + 51 * SEC, gone, { state: "disabled", event: disabledEvent("gone", T + 51 * SEC) }),
]);

seq("no warnings without a failing window, nor with warnAtPercent []", { disableAfterMs: null }, [
  rec(T, failed(500)),
  rec(T + 365 * DAY, failed(500), { warnedPercent: 0, event: null }),
]);

seq("warnAtPercent [] warns of nothing; the window still disables", { disableAfterMs: HOUR, warnAtPercent: [] }, [
  rec(T, failed(500)),
  rec(T + HOUR - 1, failed(500), { warnedPercent: 0, event: null }),
  rec(T + HOUR, failed(500), { state: "disabled", event: disabledEvent("failing_too_long", T + HOUR) }),
]);

seq("disabling by hand is an event with reason manual; disabling again is none", {}, [
  act(T, "disable", { state: "disabled", event: disabledEvent("manual", T) }, { reason: "manual" }),
  act(T + 1, "disable", { disabledAtMs: T, event: null }, { reason: "manual" }),
  act(T + 2, "enable", { event: enabledEvent(T + 2) }),
  act(T + 3, "enable", { event: null }),
]);

// ---------------------------------------------------------------------------------------------
// disabled is sticky; enable and disable

seq("a disabled endpoint stays disabled whatever is recorded", {}, [
  rec(T, gone, { state: "disabled", disabledReason: "gone", disabledAtMs: T, consecutiveFailures: 1 }),
  rec(T + MIN, delivered, { state: "disabled", disabledReason: "gone", lastSuccessAtMs: null, consecutiveFailures: 1 }),
  rec(T + 2 * MIN, failed(500), { state: "disabled", disabledAtMs: T, consecutiveFailures: 1, lastFailureStatus: 410 }),
  rec(T + 10 * DAY, failed(500), { state: "disabled", disabledReason: "gone", admission: disabled("gone") }),
]);

seq("enable resets the endpoint and keeps the history", {}, [
  rec(T, delivered),
  rec(T + MIN, failed(500)),
  rec(T + 2 * MIN, gone, { state: "disabled" }),
  act(T + DAY, "enable", {
    state: "healthy",
    consecutiveFailures: 0,
    firstFailureAtMs: null,
    disabledReason: null,
    disabledAtMs: null,
    lastSuccessAtMs: T,
    lastFailureAtMs: T + 2 * MIN,
    lastFailureStatus: 410,
    admission: allow,
  }),
  rec(T + DAY + 1, failed(500), { state: "failing", consecutiveFailures: 1, firstFailureAtMs: T + DAY + 1 }),
]);

seq("manual disable keeps its first reason; enable lifts it", {}, [
  rec(T, failed(500)),
  act(T + MIN, "disable", { state: "disabled", disabledReason: "manual", disabledAtMs: T + MIN, consecutiveFailures: 1, admission: disabled("manual") }, { reason: "manual" }),
  act(T + 2 * MIN, "disable", { disabledReason: "manual", disabledAtMs: T + MIN }, { reason: "billing_suspended" }),
  rec(T + 3 * MIN, delivered, { state: "disabled", lastSuccessAtMs: null }),
  act(T + 4 * MIN, "enable", { state: "healthy", disabledReason: null, admission: allow }),
]);

seq("disable with an invalid reason fails and changes nothing", {}, [
  act(T, "disable", { state: "healthy", admission: allow }, { reason: "Because I Said So", expectError: "invalid_argument" }),
  act(T, "disable", { state: "healthy" }, { reason: "", expectError: "invalid_argument" }),
  act(T, "disable", { state: "disabled", disabledReason: "maintenance_window_2" }, { reason: "maintenance_window_2" }),
]);

seq("stored state with a disabled state but no reason reads as manual", {}, [act(T, "check", { admission: disabled("manual") })], {
  state: "disabled",
  disabledAtMs: T - DAY,
});

// ---------------------------------------------------------------------------------------------
// circuit breaker: failureThreshold 3 within windowMs 60 s, cooloffMs 30 s unless said otherwise

seq("circuit opens at the threshold and denies until the cool-off ends", CB, [
  rec(T, failed(503), { circuit: { state: "closed", recentFailuresMs: [T] }, admission: allow }),
  rec(T + SEC, failed(503), { circuit: { state: "closed", recentFailuresMs: [T, T + SEC] }, admission: allow }),
  rec(T + 2 * SEC, failed(503), {
    state: "failing",
    circuit: { state: "open", openedAtMs: T + 2 * SEC, recentFailuresMs: [T, T + SEC, T + 2 * SEC] },
    admission: deny(T + 32 * SEC),
  }),
  act(T + 32 * SEC - 1, "check", { admission: deny(T + 32 * SEC) }),
  act(T + 32 * SEC, "check", { circuit: { state: "open" }, admission: probe }),
]);

seq("failures spread wider than the window do not open the circuit", CB, [
  rec(T, failed(500)),
  rec(T + 30 * SEC, failed(500)),
  rec(T + MIN, failed(500), { consecutiveFailures: 3, circuit: { state: "closed", recentFailuresMs: [T + 30 * SEC, T + MIN] }, admission: allow }),
]);

seq("three failures within the window minus 1 ms open the circuit", CB, [
  rec(T, failed(500)),
  rec(T + 30 * SEC, failed(500)),
  rec(T + MIN - 1, failed(500), { circuit: { state: "open", openedAtMs: T + MIN - 1 }, admission: deny(T + MIN - 1 + 30 * SEC) }),
]);

seq("a delivery between failures restarts the count", CB, [
  rec(T, failed(500)),
  rec(T + SEC, failed(500)),
  rec(T + 2 * SEC, delivered, { circuit: { state: "closed", recentFailuresMs: [] } }),
  rec(T + 3 * SEC, failed(500), { circuit: { state: "closed", recentFailuresMs: [T + 3 * SEC] }, admission: allow }),
]);

seq("probe success closes the circuit", CB, [
  rec(T, failed(503)),
  rec(T + SEC, failed(503)),
  rec(T + 2 * SEC, failed(503), { circuit: { state: "open" } }),
  act(T + 40 * SEC, "beginProbe", { circuit: { state: "halfOpen", openedAtMs: T + 2 * SEC, probeStartedAtMs: T + 40 * SEC }, admission: deny(T + 70 * SEC) }),
  rec(T + 41 * SEC, delivered, {
    state: "healthy",
    consecutiveFailures: 0,
    circuit: { state: "closed", openedAtMs: null, probeStartedAtMs: null, recentFailuresMs: [] },
    admission: allow,
  }),
]);

seq("probe failure opens the circuit again for a full cool-off", CB, [
  rec(T, failed(503)),
  rec(T + SEC, failed(503)),
  rec(T + 2 * SEC, failed(503)),
  act(T + 32 * SEC, "beginProbe", { circuit: { state: "halfOpen", probeStartedAtMs: T + 32 * SEC } }),
  rec(T + 33 * SEC, timeout, {
    state: "failing",
    consecutiveFailures: 4,
    circuit: { state: "open", openedAtMs: T + 33 * SEC, probeStartedAtMs: null, recentFailuresMs: [T + SEC, T + 2 * SEC, T + 33 * SEC] },
    admission: deny(T + 63 * SEC),
  }),
  act(T + 63 * SEC, "check", { admission: probe }),
]);

seq("beginProbe before the cool-off ends changes nothing", CB, [
  rec(T, failed(503)),
  rec(T + SEC, failed(503)),
  rec(T + 2 * SEC, failed(503)),
  act(T + 10 * SEC, "beginProbe", { circuit: { state: "open", openedAtMs: T + 2 * SEC, probeStartedAtMs: null }, admission: deny(T + 32 * SEC) }),
]);

seq("a lost probe: another one after a further cool-off", CB, [
  rec(T, failed(503)),
  rec(T + SEC, failed(503)),
  rec(T + 2 * SEC, failed(503)),
  act(T + 32 * SEC, "beginProbe", { circuit: { state: "halfOpen" } }),
  act(T + 62 * SEC - 1, "check", { admission: deny(T + 62 * SEC) }),
  act(T + 62 * SEC, "check", { admission: probe }),
  act(T + 62 * SEC, "beginProbe", { circuit: { state: "halfOpen", probeStartedAtMs: T + 62 * SEC }, admission: deny(T + 92 * SEC) }),
]);

seq("without beginProbe: a failure after the cool-off reopens, one during it does not", CB, [
  rec(T, failed(503)),
  rec(T + SEC, failed(503)),
  rec(T + 2 * SEC, failed(503), { circuit: { state: "open", openedAtMs: T + 2 * SEC } }),
  rec(T + 3 * SEC, failed(503), { consecutiveFailures: 4, circuit: { state: "open", openedAtMs: T + 2 * SEC }, admission: deny(T + 32 * SEC) }),
  rec(T + 32 * SEC, failed(503), { consecutiveFailures: 5, circuit: { state: "open", openedAtMs: T + 32 * SEC }, admission: deny(T + 62 * SEC) }),
]);

seq("a delivery closes an open circuit at any time", CB, [
  rec(T, failed(503)),
  rec(T + SEC, failed(503)),
  rec(T + 2 * SEC, failed(503), { circuit: { state: "open" } }),
  rec(T + 3 * SEC, delivered, { state: "healthy", circuit: { state: "closed", recentFailuresMs: [] }, admission: allow }),
]);

seq("cool-off 0: a probe right away", breaker(1, MIN, 0), [
  rec(T, failed(500), { circuit: { state: "open", openedAtMs: T }, admission: probe }),
]);

seq("threshold 1: every failure opens the circuit", breaker(1, MIN, MIN), [
  rec(T, failed(500), { circuit: { state: "open", openedAtMs: T, recentFailuresMs: [T] }, admission: deny(T + MIN) }),
]);

seq("the disable rule wins over the circuit", CB, [
  rec(T, failed(500), { circuit: { state: "closed" } }),
  rec(T + 5 * DAY, failed(500), { state: "disabled", disabledReason: "failing_too_long", circuit: { state: "closed" }, admission: disabled("failing_too_long") }),
]);

seq(
  "recentFailuresMs keeps at most failureThreshold entries",
  CB,
  [
    rec(T, failed(500), { circuit: { state: "open", openedAtMs: T, recentFailuresMs: [T - 3 * SEC, T - 2 * SEC, T] } }),
    rec(T + SEC, failed(500), { circuit: { recentFailuresMs: [T - 2 * SEC, T, T + SEC] } }),
    rec(T + 2 * SEC, failed(500), { circuit: { recentFailuresMs: [T, T + SEC, T + 2 * SEC] } }),
  ],
  {
    state: "failing",
    consecutiveFailures: 8,
    firstFailureAtMs: T - 8 * SEC,
    circuit: { state: "closed", recentFailuresMs: [T - 8 * SEC, T - 7 * SEC, T - 6 * SEC, T - 5 * SEC, T - 4 * SEC, T - 3 * SEC, T - 2 * SEC] },
  },
);

seq("without a breaker the circuit stays closed and empty", {}, [
  rec(T, failed(500)),
  rec(T + 1, failed(500)),
  rec(T + 2, failed(500)),
  rec(T + 3, failed(500), { consecutiveFailures: 4, circuit: { state: "closed", openedAtMs: null, recentFailuresMs: [] }, admission: allow }),
]);

seq(
  "a stored open circuit is ignored and cleared when the policy has no breaker",
  {},
  [
    act(T, "check", { admission: allow }),
    rec(T, failed(500), { consecutiveFailures: 3, circuit: { state: "closed", openedAtMs: null, recentFailuresMs: [] } }),
  ],
  { state: "failing", consecutiveFailures: 2, firstFailureAtMs: T - MIN, circuit: { state: "open", openedAtMs: T - SEC, recentFailuresMs: [T - 2 * SEC, T - SEC] } },
);

// ---------------------------------------------------------------------------------------------
// clocks and stored state

seq("clock going backwards: no panic, the streak keeps its start, nothing comes early", CB, [
  rec(T, failed(500), { firstFailureAtMs: T }),
  rec(T - 10 * SEC, failed(500), { consecutiveFailures: 2, firstFailureAtMs: T, lastFailureAtMs: T - 10 * SEC, circuit: { state: "closed", recentFailuresMs: [T, T - 10 * SEC] } }),
  rec(T - 20 * SEC, failed(500), { circuit: { state: "open", openedAtMs: T - 20 * SEC }, admission: deny(T + 10 * SEC) }),
  act(T - DAY, "check", { admission: deny(T + 10 * SEC) }),
  act(T + 10 * SEC, "check", { admission: probe }),
  rec(T + 5 * DAY - 1, failed(500), { state: "failing" }),
  rec(T + 5 * DAY, failed(500), { state: "disabled", disabledReason: "failing_too_long" }),
]);

seq("clock going backwards before the circuit's opening time keeps it open", CB, [
  rec(T, failed(500)),
  rec(T + SEC, failed(500)),
  rec(T + 2 * SEC, failed(500), { circuit: { state: "open", openedAtMs: T + 2 * SEC } }),
  act(T - HOUR, "check", { admission: deny(T + 32 * SEC) }),
  act(T - HOUR, "beginProbe", { circuit: { state: "open", probeStartedAtMs: null } }),
]);

seq(
  "stored state from an older version: missing fields take defaults",
  {},
  [rec(T, failed(500), { state: "failing", consecutiveFailures: 3, firstFailureAtMs: T - HOUR, lastFailureAtMs: T, circuit: { state: "closed" } })],
  { state: "failing", consecutiveFailures: 2, firstFailureAtMs: T - HOUR },
);

seq(
  "consecutiveFailures saturates instead of wrapping",
  {},
  [rec(T, failed(500), { consecutiveFailures: 4294967295, state: "failing" })],
  { state: "failing", consecutiveFailures: 4294967295, firstFailureAtMs: T - MIN },
);

// ---------------------------------------------------------------------------------------------
// policies

const policies = [
  { name: "empty policy: defaults", policy: {} },
  { name: "explicit default", policy: { disableAfterMs: 5 * DAY, circuitBreaker: null } },
  { name: "never disable for failures", policy: { disableAfterMs: null } },
  { name: "breaker with defaults", policy: { circuitBreaker: {} } },
  { name: "breaker at the limits", policy: breaker(1000, 1, 0) },
  { name: "disableAfterMs 0", policy: { disableAfterMs: 0 }, error: "invalid_policy" },
  { name: "negative disableAfterMs", policy: { disableAfterMs: -1 }, error: "invalid_policy" },
  { name: "failureThreshold 0", policy: breaker(0, MIN, MIN), error: "invalid_policy" },
  { name: "failureThreshold over 1000", policy: breaker(1001, MIN, MIN), error: "invalid_policy" },
  { name: "windowMs 0", policy: breaker(3, 0, MIN), error: "invalid_policy" },
  { name: "negative cooloffMs", policy: breaker(3, MIN, -1), error: "invalid_policy" },
  { name: "no warnings", policy: { warnAtPercent: [] } },
  { name: "warnings at 1 and 99 %", policy: { warnAtPercent: [1, 99] } },
  { name: "ten warnings", policy: { warnAtPercent: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } },
  { name: "eleven warnings", policy: { warnAtPercent: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, error: "invalid_policy" },
  { name: "a warning at 0 %", policy: { warnAtPercent: [0, 50] }, error: "invalid_policy" },
  { name: "a warning at 100 %: that is the disabling", policy: { warnAtPercent: [50, 100] }, error: "invalid_policy" },
  { name: "warnings not increasing", policy: { warnAtPercent: [70, 50] }, error: "invalid_policy" },
  { name: "the same warning twice", policy: { warnAtPercent: [50, 50] }, error: "invalid_policy" },
];

// ---------------------------------------------------------------------------------------------
// shape checks

const names = new Set();
for (const s of sequences) {
  if (names.has(s.name)) throw new Error(`duplicate sequence name: ${s.name}`);
  names.add(s.name);
  if (s.steps.length === 0) throw new Error(`${s.name}: no steps`);
  for (const st of s.steps) {
    if (!Number.isSafeInteger(st.nowMs)) throw new Error(`${s.name}: nowMs ${st.nowMs}`);
    if ((st.result === undefined) === (st.action === undefined)) throw new Error(`${s.name}: a step needs result or action`);
    if (st.action && !["check", "beginProbe", "enable", "disable"].includes(st.action)) throw new Error(`${s.name}: action ${st.action}`);
  }
}

const file = {
  description:
    "Endpoint health and circuit breaker sequences (hookline src/health.rs). policy, initial, result and " +
    "admission are the serde forms of HealthPolicy, EndpointHealth, AttemptResult and Admission. Each step " +
    "applies record (result) or an action (check, beginProbe, enable, disable with reason) at nowMs to the " +
    "running state; expect lists the state fields to check (nested objects partially) and admission at nowMs " +
    "after the step, and event the operational event of the step (lifecycle::event of the states before and after; null " +
    "for none); expectError is the code of a step that must fail. policies: whether validate accepts " +
    "a policy. Generated by tests/vectors/gen/health.cjs.",
  sequences,
  policies,
};
fs.writeFileSync(OUT, JSON.stringify(file, null, 2) + "\n");
console.log(`tests/vectors/health.json: ${sequences.length} sequences, ${sequences.reduce((n, s) => n + s.steps.length, 0)} steps, ${policies.length} policies`);
