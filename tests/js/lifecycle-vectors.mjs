// An endpoint's lifecycle and the attempts that cannot start, from tests/vectors/lifecycle.json
// (the same answers tests/lifecycle_vectors.rs checks in the Rust core), through the main
// entry's endpointChange, endpointStatus and unstartedAttempt. Registered by suite.mjs, so it
// runs in every runtime: ECMAScript only.
import { assert, assertPartial } from "./harness.mjs";

export function registerLifecycleVectorTests(test, hookline, vectors) {
  const { endpointChange, endpointStatus, unstartedAttempt, SenderError } = hookline;
  const file = vectors.lifecycle;

  test("lifecycle vectors: the file has its cases", () => {
    assert.ok(file.changes.length >= 10 && file.unstarted.length >= 5, `${file.changes.length} changes, ${file.unstarted.length} unstarted`);
  });

  for (const c of file.changes) {
    test(`lifecycle vector: ${c.name}`, () => {
      const got = endpointChange(c.health ?? undefined, c.change, { now: c.nowMs });
      assertPartial(got, c.expect, c.name);
      assert.deepEqual(endpointStatus(got.health), got.status, `${c.name}: status of the new health`);
    });
  }

  for (const c of file.unstarted) {
    test(`unstarted vector: ${c.name}`, () => {
      const got = unstartedAttempt(c.retry, c.attempt, c.why, c.nowMs, 0);
      assertPartial(got, c.expect, c.name);
      assert.deepEqual(Object.keys(got).sort(), Object.keys(c.expect).sort(), `${c.name}: fields`);
    });
  }

  test("lifecycle: a change or a reason the core does not know is a SenderError", () => {
    assert.throws(() => endpointChange(undefined, { enable: true }, { now: 0 }), undefined, SenderError);
    assert.throws(() => unstartedAttempt("standard-webhooks", 1, "bored", 0, 0), undefined, SenderError);
    assert.throws(() => unstartedAttempt("standard-webhooks", 0, "worker_lost", 0, 0), undefined, SenderError);
  });
}
