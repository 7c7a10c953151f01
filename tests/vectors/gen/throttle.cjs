// Run from the repository root:  node tests/vectors/gen/throttle.cjs
//
// Writes tests/vectors/throttle.json: per-endpoint rate limits as a GCRA token bucket
// (src/throttle.rs: RateLimit::validate, admit, observe, reset; JS checkRateLimit,
// throttleAdmit, throttleObserve, throttleReset). Read by tests/throttle_vectors.rs and
// tests/js/throttle-vectors.mjs. Every expected value is written by hand from the rules in
// src/throttle.rs's docs; this script only spells the times out (JSON has no arithmetic).
//
// The rules, as the expectations below apply them (interval = 1000 / rateLimit ms, halved
// slowLevel times; tolerance = (rateLimitBurst - 1) * interval; horizon = min(1000, leaseMs / 4);
// reach = now + horizon; arrival(tat) = max(tat, now, pausedUntilMs); start(tat) =
// max(arrival(tat) - tolerance, pausedUntilMs, now); front starts at start(tatMs)):
//   admit: per delivery in order ("placed": it has a place given at or after resetAtMs),
//   - if it is placed or lineEndMs <= reach, and start(tatMs) <= reach: it starts at
//     ceil(start(tatMs)); tatMs becomes arrival(tatMs) + interval, front max(front, start(tatMs));
//   - else a placed one waits at the front: until max(ceil(front - horizon), now + 1), then
//     front += interval;
//   - else it joins the line: place = max(lineEndMs, front, now), it waits until
//     max(ceil(place - horizon), now + 1), and lineEndMs becomes place + interval.
//   The slow level in effect at t: slowLevel while t < slowUntilMs, then one fewer per 30,000 ms
//   from slowUntilMs on (one fewer at slowUntilMs itself).
//   observe: only 429 and 503, and only for a request started at or after resetAtMs: level =
//   min(level in effect + 1, 4), slowUntilMs = now + 30,000, pausedUntilMs = max(pausedUntilMs,
//   now + Retry-After (at most 3,600,000)), tatMs = max(now, pausedUntilMs), lineEndMs = 0 (the
//   line's places no longer hold), resetAtMs = now.
//
// limits:  { name, input, expect: { rateLimit, rateLimitBurst } | error: code }
// admit:   { name, limit, throttle, nowMs, leaseMs, reservedAtMs, expect: { starts, throttle: <fields> } }
// observe: { name, throttle, response: { status, retryAfter? }, startedAtMs, nowMs, expect: <Throttle fields> }
// reset:   { nowMs, expect: <Throttle> }
// pace:    { name, pace, sent, startMs, previousMs, expect: { atMs, sent } }
"use strict";

const fs = require("node:fs");

const OUT = `${__dirname}/../throttle.json`;
const T = 1700000000000;
const startAt = (atMs) => ({ kind: "start", atMs });
const wait = (untilMs) => ({ kind: "wait", untilMs });
const rest = { tatMs: 0, lineEndMs: 0, slowLevel: 0, slowUntilMs: 0, pausedUntilMs: 0, resetAtMs: 0 };

const limits = [
  { name: "a rate alone: the burst defaults to 1", input: { rateLimit: 10 }, expect: { rateLimit: 10, rateLimitBurst: 1 } },
  { name: "half a delivery per second, five at once", input: { rateLimit: 0.5, rateLimitBurst: 5 }, expect: { rateLimit: 0.5, rateLimitBurst: 5 } },
  { name: "the bounds are allowed", input: { rateLimit: 10000, rateLimitBurst: 1000 }, expect: { rateLimit: 10000, rateLimitBurst: 1000 } },
  { name: "one per thousand seconds is allowed", input: { rateLimit: 0.001 }, expect: { rateLimit: 0.001, rateLimitBurst: 1 } },
  { name: "zero is no rate", input: { rateLimit: 0 }, error: "invalid_argument" },
  { name: "a negative rate", input: { rateLimit: -1 }, error: "invalid_argument" },
  { name: "over ten thousand per second", input: { rateLimit: 10001 }, error: "invalid_argument" },
  { name: "a burst of zero", input: { rateLimit: 10, rateLimitBurst: 0 }, error: "invalid_argument" },
  { name: "a burst over 1000", input: { rateLimit: 10, rateLimitBurst: 1001 }, error: "invalid_argument" },
  { name: "a burst that is not whole", input: { rateLimit: 10, rateLimitBurst: 1.5 }, error: "invalid_argument" },
  { name: "a rate as text", input: { rateLimit: "10" }, error: "invalid_argument" },
  { name: "an unknown field", input: { rateLimit: 10, burst: 2 }, error: "invalid_argument" },
  { name: "no rate", input: { rateLimitBurst: 2 }, error: "invalid_argument" },
];

const admit = [
  { name: "from rest at 10/s, burst 1: one starts, the next two join the line 100 ms apart", limit: { rateLimit: 10, rateLimitBurst: 1 }, throttle: {}, nowMs: T, leaseMs: 0, reservedAtMs: [null, null, null],
    expect: { starts: [startAt(T), wait(T + 100), wait(T + 200)], throttle: { ...rest, tatMs: T + 100, lineEndMs: T + 300 } } },
  { name: "burst 3 at 10/s: three start at once, then the line", limit: { rateLimit: 10, rateLimitBurst: 3 }, throttle: {}, nowMs: T, leaseMs: 0, reservedAtMs: [null, null, null, null, null],
    expect: { starts: [startAt(T), startAt(T), startAt(T), wait(T + 100), wait(T + 200)], throttle: { tatMs: T + 300, lineEndMs: T + 300 }, pace: { intervalMs: 100, toleranceMs: 200 } } },
  { name: "a place in line that has come starts; one without a place waits behind the line", limit: { rateLimit: 10 }, throttle: { tatMs: T + 100, lineEndMs: T + 300 }, nowMs: T + 100, leaseMs: 0, reservedAtMs: [T, null],
    expect: { starts: [startAt(T + 100), wait(T + 300)], throttle: { tatMs: T + 200, lineEndMs: T + 400 } } },
  { name: "without a place a delivery joins the line, even when the bucket would let it start", limit: { rateLimit: 10 }, throttle: { tatMs: T - 1000, lineEndMs: T + 500 }, nowMs: T, leaseMs: 0, reservedAtMs: [null],
    expect: { starts: [wait(T + 500)], throttle: { tatMs: T - 1000, lineEndMs: T + 600 } } },
  { name: "places whose time came while the bucket does not allow them yet wait at the front, one interval apart", limit: { rateLimit: 10 }, throttle: { tatMs: T + 300 }, nowMs: T + 100, leaseMs: 0, reservedAtMs: [T, T + 10],
    expect: { starts: [wait(T + 300), wait(T + 400)], throttle: { tatMs: T + 300, lineEndMs: 0 } } },
  { name: "a place given before the bucket's last reset no longer holds", limit: { rateLimit: 10 }, throttle: { tatMs: T + 100, lineEndMs: T + 300, resetAtMs: T + 50 }, nowMs: T + 100, leaseMs: 0, reservedAtMs: [T],
    expect: { starts: [wait(T + 300)], throttle: { tatMs: T + 100, lineEndMs: T + 400, resetAtMs: T + 50 } } },
  { name: "a bucket at rest long enough is full again: burst 2 start", limit: { rateLimit: 10, rateLimitBurst: 2 }, throttle: { tatMs: T - 10000 }, nowMs: T, leaseMs: 0, reservedAtMs: [null, null, null],
    expect: { starts: [startAt(T), startAt(T), wait(T + 100)], throttle: { tatMs: T + 200, lineEndMs: T + 200 } } },
  { name: "3 per second: the waits are the exact places rounded up to the millisecond", limit: { rateLimit: 3 }, throttle: {}, nowMs: T, leaseMs: 0, reservedAtMs: [null, null, null],
    expect: { starts: [startAt(T), wait(T + 334), wait(T + 667)] } },
  { name: "a Retry-After pause holds every start, a place in line too", limit: { rateLimit: 10 }, throttle: { tatMs: T, pausedUntilMs: T + 2000, resetAtMs: T - 1000 }, nowMs: T + 500, leaseMs: 0, reservedAtMs: [T - 500, null],
    expect: { starts: [wait(T + 2000), wait(T + 2100)], throttle: { tatMs: T, lineEndMs: T + 2200, pausedUntilMs: T + 2000 } } },
  { name: "slowed once: half the rate while the slow-down holds", limit: { rateLimit: 10 }, throttle: { slowLevel: 1, slowUntilMs: T + 30000, resetAtMs: T - 1 }, nowMs: T, leaseMs: 0, reservedAtMs: [null, null],
    expect: { starts: [startAt(T), wait(T + 200)], throttle: { tatMs: T + 200, lineEndMs: T + 400, slowLevel: 1 } } },
  { name: "recovering: level 3, 30 s after its hold ended, is level 1", limit: { rateLimit: 10 }, throttle: { slowLevel: 3, slowUntilMs: T - 30000 }, nowMs: T, leaseMs: 0, reservedAtMs: [null, null],
    expect: { starts: [startAt(T), wait(T + 200)], throttle: { tatMs: T + 200, lineEndMs: T + 400 } } },
  { name: "level 3 at the end of its hold is level 2: a quarter of the rate", limit: { rateLimit: 10 }, throttle: { slowLevel: 3, slowUntilMs: T }, nowMs: T, leaseMs: 0, reservedAtMs: [null, null],
    expect: { starts: [startAt(T), wait(T + 400)], throttle: { tatMs: T + 400, lineEndMs: T + 800 }, pace: { intervalMs: 400, toleranceMs: 0 } } },
  { name: "fully recovered long after a slow-down: the limit's own pace", limit: { rateLimit: 10 }, throttle: { slowLevel: 4, slowUntilMs: T - 600000 }, nowMs: T, leaseMs: 0, reservedAtMs: [null, null],
    expect: { starts: [startAt(T), wait(T + 100)] } },
  { name: "no deliveries: the bucket as it was", limit: { rateLimit: 10 }, throttle: { tatMs: T + 50, lineEndMs: T + 70, resetAtMs: 7 }, nowMs: T, leaseMs: 0, reservedAtMs: [],
    expect: { starts: [], throttle: { ...rest, tatMs: T + 50, lineEndMs: T + 70, resetAtMs: 7 } } },
  { name: "a lease of 2 s gives a horizon of 500 ms: the next starts are given ahead, the rest join the line", limit: { rateLimit: 10 }, throttle: {}, nowMs: T, leaseMs: 2000, reservedAtMs: [null, null, null, null, null, null, null, null],
    expect: { starts: [startAt(T), startAt(T + 100), startAt(T + 200), startAt(T + 300), startAt(T + 400), startAt(T + 500), wait(T + 100), wait(T + 200)], throttle: { tatMs: T + 600, lineEndMs: T + 800 } } },
  { name: "a place in line whose wait ended takes its start ahead, at its place", limit: { rateLimit: 10 }, throttle: { tatMs: T + 500, lineEndMs: T + 700 }, nowMs: T, leaseMs: 2000, reservedAtMs: [T - 100],
    expect: { starts: [startAt(T + 500)], throttle: { tatMs: T + 600, lineEndMs: T + 700 } } },
  { name: "a lease of a minute: a horizon of one second", limit: { rateLimit: 2 }, throttle: {}, nowMs: T, leaseMs: 60000, reservedAtMs: [null, null, null, null],
    expect: { starts: [startAt(T), startAt(T + 500), startAt(T + 1000), wait(T + 500)], throttle: { tatMs: T + 1500, lineEndMs: T + 2000 } } },
  { name: "a lease of one second: a horizon of 250 ms", limit: { rateLimit: 10 }, throttle: {}, nowMs: T, leaseMs: 1000, reservedAtMs: [null, null, null, null],
    expect: { starts: [startAt(T), startAt(T + 100), startAt(T + 200), wait(T + 50)], throttle: { tatMs: T + 300, lineEndMs: T + 400 } } },
];

const observe = [
  { name: "a 429 with Retry-After 2: paused 2 s, half the rate for 30 s, places given before void", throttle: {}, response: { status: 429, retryAfter: "2" }, startedAtMs: T, nowMs: T + 100,
    expect: { tatMs: T + 2100, lineEndMs: 0, slowLevel: 1, slowUntilMs: T + 30100, pausedUntilMs: T + 2100, resetAtMs: T + 100 } },
  { name: "a 503 without Retry-After: half the rate, no pause", throttle: {}, response: { status: 503 }, startedAtMs: T, nowMs: T + 100,
    expect: { tatMs: T + 100, slowLevel: 1, slowUntilMs: T + 30100, pausedUntilMs: T + 100, resetAtMs: T + 100 } },
  { name: "a 503 while slowed once: slowed twice, the line's places void", throttle: { lineEndMs: T + 9000, slowLevel: 1, slowUntilMs: T + 20000, resetAtMs: T - 10000 }, response: { status: 503 }, startedAtMs: T - 5, nowMs: T,
    expect: { lineEndMs: 0, slowLevel: 2, slowUntilMs: T + 30000, resetAtMs: T } },
  { name: "at most four halvings", throttle: { slowLevel: 4, slowUntilMs: T + 10000 }, response: { status: 429 }, startedAtMs: T, nowMs: T,
    expect: { slowLevel: 4 } },
  { name: "a day's Retry-After pauses an hour at most", throttle: {}, response: { status: 429, retryAfter: "86400" }, startedAtMs: T, nowMs: T,
    expect: { pausedUntilMs: T + 3600000, tatMs: T + 3600000 } },
  { name: "a response to a request sent before the last slow-down changes nothing", throttle: { slowLevel: 1, slowUntilMs: T + 30000, resetAtMs: T }, response: { status: 503 }, startedAtMs: T - 1, nowMs: T + 10,
    expect: { ...rest, slowLevel: 1, slowUntilMs: T + 30000, resetAtMs: T } },
  { name: "a 500 is no slow-down", throttle: {}, response: { status: 500 }, startedAtMs: T, nowMs: T, expect: rest },
  { name: "a 200 is no slow-down", throttle: { slowLevel: 2, slowUntilMs: T }, response: { status: 200 }, startedAtMs: T, nowMs: T, expect: { slowLevel: 2, slowUntilMs: T } },
];

const reset = [{ nowMs: T, expect: { ...rest, resetAtMs: T } }];

// pace: a worker's sends to one endpoint: sent.tatMs folds the previous send (when it went:
// tatMs = max(tatMs, previousMs) + intervalMs), and this one goes at max(startMs,
// ceil(tatMs - toleranceMs)).
const strict = { intervalMs: 100, toleranceMs: 0 };
const pace = [
  { name: "the first send goes at its start", pace: strict, sent: {}, startMs: T, previousMs: null, expect: { atMs: T, sent: { tatMs: 0 } } },
  { name: "on time: each at its start", pace: strict, sent: { tatMs: 0 }, startMs: T + 100, previousMs: T, expect: { atMs: T + 100, sent: { tatMs: T + 100 } } },
  { name: "the one before went 150 ms late: this one goes an interval after it", pace: strict, sent: { tatMs: 0 }, startMs: T + 100, previousMs: T + 150, expect: { atMs: T + 250, sent: { tatMs: T + 250 } } },
  { name: "with a burst's tolerance of 100 ms a late send is caught up", pace: { intervalMs: 100, toleranceMs: 100 }, sent: { tatMs: 0 }, startMs: T + 100, previousMs: T + 150, expect: { atMs: T + 150, sent: { tatMs: T + 250 } } },
  { name: "never before its start", pace: { intervalMs: 100, toleranceMs: 100 }, sent: { tatMs: T + 250 }, startMs: T + 1000, previousMs: T + 150, expect: { atMs: T + 1000, sent: { tatMs: T + 350 } } },
];

const out = {
  description:
    "Per-endpoint rate limits as a GCRA token bucket (src/throttle.rs RateLimit::validate, admit, observe, reset; JS checkRateLimit, throttleAdmit, throttleObserve, throttleReset). limits: an endpoint's { rateLimit, rateLimitBurst } and its checked form or error code. admit: the limit, the stored bucket ({} at rest), nowMs, per due delivery the time it was given its place or null; expect: the decision per delivery and fields of the bucket to store. observe: the bucket, a response's status and Retry-After, when its request started, nowMs; expect: fields of the new bucket. reset: the bucket for a new limit. pace (src/throttle.rs pace; JS throttlePace): a worker's sends to one endpoint, the pace admit gave, where they stand, a start and when the one before went out; expect: when to send and where they stand. Written by hand from the documented rules; generated by tests/vectors/gen/throttle.cjs.",
  limits,
  admit,
  observe,
  reset,
  pace,
};
fs.writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
console.log(`tests/vectors/throttle.json: ${limits.length} limits, ${admit.length} admit, ${observe.length} observe, ${reset.length} reset, ${pace.length} pace`);
