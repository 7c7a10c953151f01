// What an operator and a tracer see of a sender, from tests/vectors/operations.json (the same
// answers tests/operations_vectors.rs checks in the Rust core), through the main entry's
// readiness, traceparent and traceChild. Registered by suite.mjs, so it runs in every runtime:
// ECMAScript only.
import { assert } from "./harness.mjs";

const bytesOf = (hex) => Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));

export function registerOperationsVectorTests(test, hookline, vectors) {
  const { readiness, traceparent, traceChild, SenderError } = hookline;
  const file = vectors.operations;

  test("operations vectors: the file has its cases", () => {
    assert.ok(file.readiness.length >= 10 && file.traceparent.length >= 10 && file.traceChild.length >= 3);
  });

  for (const c of file.readiness) {
    test(`readiness vector: ${c.name}`, () => {
      assert.deepEqual(readiness(c.facts, c.policy), c.expect, c.name);
    });
  }

  test("traceparent vectors: each header read, or ignored (null)", () => {
    for (const c of file.traceparent) assert.equal(traceparent(c.header), c.expect, c.name);
  });

  test("traceChild vectors: a new span per attempt, the trace and flags kept", () => {
    for (const c of file.traceChild) assert.equal(traceChild(c.header, bytesOf(c.spanHex)), c.expect, c.name);
  });

  test("operations: what the core cannot read is a typed error, an absent header is none", () => {
    assert.equal(traceparent(undefined), null);
    assert.equal(traceparent(null), null);
    assert.throws(() => traceparent(42), "invalid_argument", TypeError);
    assert.throws(() => traceChild("not a traceparent", new Uint8Array(8)), "invalid_argument");
    assert.throws(() => traceChild(file.traceChild[0].header, new Uint8Array(7)), "invalid_argument");
    assert.throws(() => readiness({ nowMs: 0 }), "invalid_argument");
    assert.throws(() => readiness({ nowMs: 0, database: true }, { lateAfterMs: 0 }), "invalid_policy", SenderError);
  });
}
