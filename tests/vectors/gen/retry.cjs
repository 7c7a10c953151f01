// Run from the repository root:  node tests/vectors/gen/retry.cjs
//
// Checks (does not write) tests/vectors/retry.json. The expected values in that file were worked
// out by hand from the retry rules; this script derives every one of them again from the rules
// as stated in src/retry.rs's documentation, without hookline: its own schedules, exact rational
// jitter in BigInt, its own HTTP-date reader (weekday and calendar checked) and its own
// SplitMix64. It exits non-zero on the first disagreement, naming the case.
"use strict";

const fs = require("node:fs");
const assert = require("node:assert/strict");

const V = JSON.parse(fs.readFileSync(`${__dirname}/../retry.json`, "utf8"));

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAYS_30 = 30 * 24 * H;
const PRESETS = {
  "standard-webhooks": [0, 5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H],
  svix: [0, 5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 10 * H],
};
const U64_MAX = (1n << 64n) - 1n;
const TWO32 = 1n << 32n;

class CodeError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}
const invalidPolicy = () => {
  throw new CodeError("invalid_policy");
};

/** A policy as { delays (one per attempt, first 0, after maxAttempts), cap, jitter, retryOn4xx, retryStatuses, maxRA }. */
function resolve(p) {
  const sources = ["preset", "schedule", "exponential"].filter((k) => k in p);
  assert.ok(sources.length <= 1);
  let delays;
  let cap;
  if (p.exponential) {
    const { baseMs, factor, maxMs, attempts } = p.exponential;
    if (!(attempts >= 1 && attempts <= 100)) invalidPolicy();
    if (!(Number.isFinite(factor) && factor >= 1)) invalidPolicy();
    if (!(baseMs >= 1 && baseMs <= DAYS_30)) invalidPolicy();
    if (!(maxMs >= baseMs && maxMs <= DAYS_30)) invalidPolicy();
    delays = [0];
    // attempt n + 1 waits min(base * factor^(n-1), max), rounded to the millisecond.
    for (let n = 1; n < attempts; n++) delays.push(Math.min(Math.round(baseMs * factor ** (n - 1)), maxMs));
    cap = maxMs;
  } else {
    delays = p.schedule ?? PRESETS[p.preset ?? "standard-webhooks"];
    if (delays.length === 0 || delays.length > 100 || delays[0] !== 0) invalidPolicy();
    if (delays.some((d) => d > DAYS_30)) invalidPolicy();
  }
  if ("maxAttempts" in p) {
    // A cap of 1 to the schedule's own attempts; the first waits are kept.
    if (!(Number.isInteger(p.maxAttempts) && p.maxAttempts >= 1 && p.maxAttempts <= delays.length)) invalidPolicy();
    delays = delays.slice(0, p.maxAttempts);
  }
  if (!p.exponential) cap = Math.max(...delays);
  const jitter = p.jitter ?? { kind: "none" };
  if (jitter.kind === "percent" && !(jitter.percent >= 0 && jitter.percent <= 100)) invalidPolicy();
  const retryStatuses = p.retryStatuses ?? [];
  if (retryStatuses.length > 100 || retryStatuses.some((s) => s < 400 || s > 499)) invalidPolicy();
  const maxRA = p.maxRetryAfterMs ?? H;
  if (maxRA > DAYS_30) invalidPolicy();
  return { delays, cap, jitter, retryOn4xx: p.retryOn4xx ?? false, retryStatuses, maxRA };
}

function offsets(policy) {
  let t = 0;
  return resolve(policy).delays.map((d) => (t += d));
}

/** floor(a / b) for BigInt, b > 0. */
const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

function applyJitter(jitter, delayMs, maxMs, rand) {
  const d = BigInt(delayMs);
  const r = BigInt(rand);
  let out;
  if (jitter.kind === "none") out = d;
  // Uniform over the whole milliseconds 0..=d: floor((d + 1) * r / 2^32).
  else if (jitter.kind === "full") out = ((d + 1n) * r) / TWO32;
  else {
    // d * (1 + p * (2 * r / 2^32 - 1)) with p = percent / 100, exactly, then floor.
    const p = BigInt(Math.min(jitter.percent, 100));
    out = floorDiv(d * (100n * TWO32 + p * (2n * r - TWO32)), 100n * TWO32);
    if (out < 0n) out = 0n;
  }
  if (out > BigInt(maxMs)) out = BigInt(maxMs);
  return Number(out);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** An HTTP date (RFC 9110 section 5.6.7) in unix ms, or null. */
function httpDateMs(text) {
  let m;
  let wday;
  let day;
  let mon;
  let year;
  let hms;
  if ((m = /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(text))) {
    wday = DAYS.indexOf(m[1]);
    [day, mon, year] = [+m[2], MONTHS.indexOf(m[3]), +m[4]];
    hms = m.slice(5, 8).map(Number);
  } else if ((m = /^([A-Z][a-z]+), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(text))) {
    wday = LONG_DAYS.indexOf(m[1]);
    [day, mon, year] = [+m[2], MONTHS.indexOf(m[3]), +m[4]];
    year += year < 70 ? 2000 : 1900;
    hms = m.slice(5, 8).map(Number);
  } else if ((m = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(text))) {
    wday = DAYS.indexOf(m[1]);
    [day, mon, year] = [+m[3].trim(), MONTHS.indexOf(m[2]), +m[7]];
    hms = m.slice(4, 7).map(Number);
  } else return null;
  const [hh, mm, ss] = hms;
  if (wday < 0 || mon < 0 || hh > 23 || mm > 59 || ss > 59 || year < 1970) return null;
  const t = Date.UTC(year, mon, day, hh, mm, ss);
  const back = new Date(t);
  if (back.getUTCDate() !== day || back.getUTCMonth() !== mon || back.getUTCDay() !== wday) return null;
  return t;
}

function retryAfterMs(value, nowMs) {
  if (value.length > 64) return null;
  const v = value.replace(/^[ \t]+|[ \t]+$/g, "");
  if (/^[0-9]+$/.test(v)) {
    const ms = BigInt(v) * 1000n;
    return Number(ms > U64_MAX ? U64_MAX : ms);
  }
  const t = httpDateMs(v);
  return t !== null && t > nowMs ? t - nowMs : null;
}

function classifyOutcome(pol, o) {
  if (o.kind === "networkError") return { kind: "retryable", reason: "network_error" };
  if (o.kind === "timeout") return { kind: "retryable", reason: "timeout" };
  const s = o.status;
  if (s < 100 || s > 599) throw new CodeError("invalid_argument");
  const retryable = (reason) => ({ kind: "retryable", reason, status: s });
  if (s < 200) return retryable("informational");
  if (s < 300) return { kind: "delivered", status: s };
  if (s < 400) return { kind: "permanent", reason: "redirect", status: s };
  if (s >= 500) return retryable("server_error");
  const named = { 408: "timeout", 410: "gone", 429: "rate_limited" };
  if (pol.retryStatuses.includes(s)) return retryable(named[s] ?? "client_error");
  if (s === 408 || s === 429) return retryable(named[s]);
  if (s === 410) return { kind: "disableEndpoint", reason: "gone", status: s };
  return pol.retryOn4xx ? retryable("client_error") : { kind: "permanent", reason: "client_error", status: s };
}

function decide(policy, attemptNumber, outcome, nowMs, rand) {
  const pol = resolve(policy);
  if (attemptNumber < 1) throw new CodeError("invalid_argument");
  const c = classifyOutcome(pol, outcome);
  if (c.kind === "delivered") return c;
  if (c.kind === "disableEndpoint") return c;
  if (c.kind === "permanent") return { kind: "giveUp", reason: c.reason, status: c.status };
  const withStatus = c.status === undefined ? {} : { status: c.status };
  if (attemptNumber >= pol.delays.length) return { kind: "giveUp", reason: "exhausted", ...withStatus, cause: c.reason };
  const jittered = applyJitter(pol.jitter, pol.delays[attemptNumber], pol.cap, rand);
  let ra = null;
  if (outcome.retryAfter !== undefined && pol.maxRA > 0) {
    ra = retryAfterMs(outcome.retryAfter, nowMs);
    if (ra !== null) ra = Math.min(ra, pol.maxRA);
  }
  const delayMs = Math.max(jittered, ra ?? 0);
  return {
    kind: "retry",
    atMs: nowMs + delayMs,
    delayMs,
    attempt: attemptNumber + 1,
    reason: c.reason,
    ...withStatus,
    ...(ra === null ? {} : { retryAfterMs: ra }),
  };
}

function splitmix(seed, n) {
  let s = BigInt(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b97f4a7c15n) & U64_MAX;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & U64_MAX;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & U64_MAX;
    out.push(z ^ (z >> 31n));
  }
  return out;
}

/** Run `f` and compare with the case's `expect` (deep, key order ignored) or `error` code. */
function check(c, f) {
  let got;
  try {
    got = f();
  } catch (e) {
    if (!(e instanceof CodeError)) throw e;
    assert.equal(e.code, c.error, `${c.name}: threw ${e.code}`);
    return;
  }
  assert.ok(!("error" in c), `${c.name}: expected error ${c.error}, got ${JSON.stringify(got)}`);
  assert.deepStrictEqual(got, c.expect, c.name);
}

let n = 0;
for (const c of V.schedules) {
  check({ ...c, expect: c.offsets }, () => offsets(c.policy));
  n++;
}
for (const c of V.classification) {
  check(c, () => classifyOutcome(resolve(c.policy ?? {}), c.outcome));
  n++;
}
for (const c of V.decisions) {
  check(c, () => decide(c.policy, c.attemptNumber, c.outcome, c.nowMs, c.rand));
  n++;
}
for (const c of V.retryAfter) {
  assert.equal(retryAfterMs(c.value, c.nowMs), c.expectMs, c.name);
  n++;
}
for (const c of V.jitter) {
  assert.equal(applyJitter(c.jitter, c.delayMs, c.maxMs, c.rand), c.expectMs, c.name);
  n++;
}
for (const c of V.prng) {
  const seq = splitmix(c.seed, c.nextU64.length);
  assert.deepStrictEqual(seq.map(String), c.nextU64, c.name);
  assert.deepStrictEqual(seq.slice(0, c.nextU32.length).map((x) => Number(x >> 32n)), c.nextU32, c.name);
  n++;
}
const required = [200, 201, 204, 299, 301, 302, 304, 400, 401, 403, 404, 408, 409, 410, 413, 422, 429, 500, 502, 503, 504];
for (const s of required) {
  assert.ok(
    V.classification.some((c) => !c.policy && c.outcome.status === s),
    `classification lacks ${s}`,
  );
}
n += V.rejectedJson.length;
console.log(`retry.json: ${n} cases agree with the rules`);
