// Ordered delivery from tests/vectors/ordering.json (the same answers tests/ordering_vectors.rs
// checks in the Rust core), through the main entry's orderingKeyFor, checkOrderingPolicy and
// orderedAttempt. Registered by suite.mjs, so it runs in every runtime: ECMAScript only.
import { assert } from "./harness.mjs";

export function registerOrderingVectorTests(test, hookline, vectors) {
  const { orderingKeyFor, checkOrderingPolicy, orderedAttempt, SenderError } = hookline;
  const file = vectors.ordering;

  test("ordering vectors: the file has its cases", () => {
    assert.ok(file.keys.length >= 8 && file.policies.length >= 3 && file.bound.length >= 7, `${file.keys.length} keys, ${file.bound.length} bound`);
  });

  for (const c of file.keys) {
    test(`ordering key vector: ${c.name}`, () => {
      const call = () => orderingKeyFor(c.ordered, c.orderingKey ?? undefined);
      if (c.error) assert.throws(call, c.error, SenderError, c.name);
      else assert.deepEqual(call() ?? null, c.expect, c.name);
    });
  }

  for (const c of file.policies) {
    test(`ordering policy vector: ${c.name}`, () => {
      if (c.error) assert.throws(() => checkOrderingPolicy(c.input), c.error, SenderError, c.name);
      else assert.deepEqual(checkOrderingPolicy(c.input), c.expect, c.name);
    });
  }

  for (const c of file.bound) {
    test(`ordered attempt vector: ${c.name}`, () => {
      assert.deepEqual(orderedAttempt(c.finished, c.headSinceMs, c.nowMs, c.policy), c.expect, c.name);
    });
  }
}
