// The delivery state machine through DeliveryEndpoint, from tests/vectors/delivery.json (the same
// steps tests/delivery_vectors.rs runs through the Rust core). Registered by suite.mjs, so it runs
// in every runtime: ECMAScript only.
import { assert, assertPartial } from "./harness.mjs";

/** `value` with every object's keys sorted, so that deepEqual ignores key order. */
const canonical = (value) => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value;
};

const result = ({ outcome, plan, state, status, error, event }) => ({ outcome, plan, state, status, error, ...(event === undefined ? {} : { event }) });

/** Run a case's steps, in order, on one endpoint. */
function runSteps(endpoint, steps, SenderError) {
  steps.forEach((step, i) => {
    const at = `step ${i} (${step.op}):`;
    const want = step.expect;
    switch (step.op) {
      case "begin": {
        const got = endpoint.begin(step.attempt, step.nowMs, step.id, step.body);
        assert.equal(got.kind, want.kind, at);
        if (want.kind === "send") {
          assert.equal(got.probe, want.probe, `${at} probe`);
          assert.deepEqual(Object.entries(got.headers), want.headers, `${at} headers`);
        } else {
          const { kind, ...expected } = want;
          assert.deepEqual(canonical(result(got)), canonical(expected), at);
        }
        break;
      }
      case "finish": {
        const got = endpoint.finish(step.attempt, step.outcome, step.nowMs, step.rand);
        assert.deepEqual(canonical(result(got)), canonical(want), at);
        break;
      }
      case "checkAddress": {
        if (want.ok) {
          assert.equal(endpoint.checkAddress(step.address), undefined, `${at} ${step.address}`);
        } else {
          assert.throws(() => endpoint.checkAddress(step.address), want.error, SenderError, `${at} ${step.address}`);
        }
        break;
      }
      case "refusedAddress": {
        const got = endpoint.refusedAddress(step.address);
        assert.deepEqual(canonical(result(got)), canonical(want), at);
        break;
      }
      case "health":
        assertPartial(endpoint.health, want, `${at} health`);
        break;
      case "adopt":
        endpoint.adopt(step.health);
        break;
      default:
        throw new Error(`${at} unknown op`);
    }
  });
}

export function registerDeliveryVectorTests(test, hookline, vectors) {
  const { DeliveryEndpoint, nextWait, SenderError } = hookline;
  const file = vectors.delivery;

  test("delivery vectors: the file has its cases", () => {
    assert.ok(file.cases.length >= 20, `${file.cases.length} cases`);
    assert.ok(file.nextWait.length > 0);
  });

  for (const c of file.cases) {
    test(`delivery vector: ${c.name}`, () => {
      const { url, secret, retry, healthPolicy, health, ssrf } = c.endpoint;
      const options = { url, secret, retry, healthPolicy, ssrf };
      if (health !== undefined) options.health = health;
      const endpoint = new DeliveryEndpoint(options);
      try {
        runSteps(endpoint, c.steps, SenderError);
        // The URL the records show never carries credentials.
        assert.ok(!endpoint.url.includes("@"), endpoint.url);
      } finally {
        endpoint.free();
      }
    });
  }

  test("delivery vectors: nextWait", () => {
    for (const c of file.nextWait) {
      assert.equal(nextWait(c.atMs, c.nowMs, c.maxMs) ?? null, c.expect, c.name);
    }
  });
}
