// Per-endpoint rate limits from tests/vectors/throttle.json (the same answers
// tests/throttle_vectors.rs checks in the Rust core), through the main entry's checkRateLimit,
// throttleAdmit, throttleObserve and throttleReset. Registered by suite.mjs, so it runs in every
// runtime: ECMAScript only.
import { assert, assertPartial } from "./harness.mjs";

/** `assertPartial` with arrays compared item by item: an admission's `starts`. */
const assertFields = (got, want, at) => assertPartial(got, want, at, { arrays: true });

export function registerThrottleVectorTests(test, hookline, vectors) {
  const { checkRateLimit, throttleAdmit, throttleObserve, throttlePace, throttleReset, SenderError } = hookline;
  const file = vectors.throttle;

  test("throttle vectors: the file has its cases", () => {
    assert.ok(file.limits.length >= 10 && file.admit.length >= 10 && file.observe.length >= 6, `${file.limits.length} limits, ${file.admit.length} admit, ${file.observe.length} observe`);
  });

  for (const c of file.limits) {
    test(`rate limit vector: ${c.name}`, () => {
      if (c.error) assert.throws(() => checkRateLimit(c.input), c.error, SenderError, c.name);
      else assert.deepEqual(checkRateLimit(c.input), c.expect, c.name);
    });
  }

  for (const c of file.admit) {
    test(`throttle admit vector: ${c.name}`, () => {
      assertFields(throttleAdmit(c.limit, c.throttle, c.nowMs, c.leaseMs, c.reservedAtMs), c.expect, c.name);
    });
  }

  for (const c of file.observe) {
    test(`throttle observe vector: ${c.name}`, () => {
      assertFields(throttleObserve(c.throttle, c.response, c.startedAtMs, c.nowMs), c.expect, c.name);
    });
  }

  for (const c of file.pace) {
    test(`throttle pace vector: ${c.name}`, () => {
      assertFields(throttlePace(c.pace, c.sent, c.startMs, c.previousMs ?? undefined), c.expect, c.name);
    });
  }

  test("throttle reset vector: a bucket at rest whose earlier waits no longer hold", () => {
    for (const c of file.reset) assert.deepEqual(throttleReset(c.nowMs), c.expect);
  });

  test("throttle: inputs the core cannot read are a SenderError", () => {
    assert.throws(() => throttleAdmit({ rateLimit: 10 }, {}, 0, 60_000, [1.5e16]), "invalid_argument", SenderError);
    assert.throws(() => throttleAdmit({ rateLimit: 10 }, { tatMs: "soon" }, 0, 60_000, []), "invalid_argument", SenderError);
    assert.throws(() => throttleAdmit({ rateLimit: 10 }, {}, 0, -1, []), "invalid_argument", SenderError);
    assert.throws(() => throttleObserve({}, { status: 99 }, 0, 0), "invalid_argument", SenderError);
    assert.throws(() => throttleReset(Number.NaN), "invalid_argument", SenderError);
    assert.throws(() => throttlePace({ intervalMs: 100 }, {}, 0), "invalid_argument", SenderError);
  });
}
