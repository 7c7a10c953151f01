// The receiver's dedupe through verifyRequest(..., { dedupe }), in every runtime: the keys and
// expiries of tests/vectors/dedupe.json (the Rust tests read the same file), a delivery accepted
// once and refused as `duplicate` after, and hostile or failing stores met with typed errors.
import { assert } from "./harness.mjs";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** A store that remembers in a Map and records every claim; `answer` can replace its verdict. */
function recordingStore(answer) {
  const held = new Map();
  const claims = [];
  return {
    claims,
    async claim(key, expiresAtMs) {
      claims.push([key, expiresAtMs]);
      if (answer) return answer(key, expiresAtMs);
      await null; // a real store answers later
      if (held.has(key)) return false;
      held.set(key, expiresAtMs);
      return true;
    },
  };
}

export function registerDedupeTests(test, hookline, { vectors }) {
  const { verifyRequest, signHeaders, WebhookVerificationError, HooklineError } = hookline;
  const signed = (body, { scheme = "standard-webhooks", id = "msg_dedupe_1", timestamp = 1_700_000_000, extra = {} } = {}) =>
    new Request("https://receiver.example/hook", { method: "POST", headers: { ...signHeaders({ scheme, secret: SECRET, payload: body, id, timestamp }), ...extra }, body });
  const rejection = async (promise) => promise.then(() => null, (e) => e);

  for (const c of vectors.dedupe.cases) {
    test(`dedupe vector: ${c.name}`, async () => {
      const store = recordingStore();
      const options = { secret: SECRET, scheme: c.scheme, now: c.now, dedupe: store };
      if (c.tolerance !== undefined) options.tolerance = c.tolerance;
      if (c.retention !== undefined) options.dedupeRetention = c.retention;
      const out = await verifyRequest(signed(c.body, { scheme: c.scheme, id: c.id, timestamp: c.timestamp ?? c.now, extra: c.headers }), options);
      assert.equal(out.scheme, c.scheme);
      assert.deepEqual(store.claims, [[c.key, c.expiresAtMs]]);
    });
  }

  test("dedupe: a delivery is accepted once; its retry (same id, new timestamp) is `duplicate`", async () => {
    const store = recordingStore();
    const first = await verifyRequest(signed('{"n":1}', { timestamp: 1_700_000_000 }), { secret: SECRET, now: 1_700_000_000, dedupe: store });
    assert.deepEqual(first.payload, { n: 1 });
    const e = await rejection(verifyRequest(signed('{"n":1}', { timestamp: 1_700_000_060 }), { secret: SECRET, now: 1_700_000_060, dedupe: store }));
    assert.ok(e instanceof WebhookVerificationError, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, "duplicate");
    assert.ok(/2xx/.test(e.hint ?? ""), `hint: ${e.hint}`);
    const other = await verifyRequest(signed('{"n":2}', { id: "msg_dedupe_2" }), { secret: SECRET, now: 1_700_000_000, dedupe: store });
    assert.deepEqual(other.payload, { n: 2 });
  });

  test("dedupe: only verified deliveries are claimed (a forged id cannot poison the store)", async () => {
    const store = recordingStore();
    const forged = signed("{}", { id: "msg_victim" });
    const tampered = new Request(forged.url, { method: "POST", headers: forged.headers, body: '{"evil":1}' });
    const e = await rejection(verifyRequest(tampered, { secret: SECRET, now: 1_700_000_000, dedupe: store }));
    assert.equal(e?.code, "no_matching_signature");
    const stale = await rejection(verifyRequest(signed("{}", { id: "msg_victim" }), { secret: SECRET, now: 1_800_000_000, dedupe: store }));
    assert.equal(stale?.code, "timestamp_too_old");
    assert.deepEqual(store.claims, [], "nothing was claimed");
    assert.ok(await verifyRequest(signed("{}", { id: "msg_victim" }), { secret: SECRET, now: 1_700_000_000, dedupe: store }));
  });

  test("dedupe: 20 concurrent deliveries of one id, one accepted", async () => {
    const store = recordingStore();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => verifyRequest(signed('{"same":true}', { id: "msg_burst" }), { secret: SECRET, now: 1_700_000_000, dedupe: store })));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.ok(results.filter((r) => r.status === "rejected").every((r) => r.reason.code === "duplicate"));
  });

  test("dedupe: a store that throws, rejects or answers neither true nor false is `dedupe_unavailable` with its cause", async () => {
    const boom = new Error("db down");
    const stores = [
      { claim: () => { throw boom; } },
      { claim: () => Promise.reject(boom) },
      { claim: async () => "yes" },
      { claim: () => undefined },
      { claim: () => ({ then: () => { throw boom; } }) },
    ];
    for (const [i, store] of stores.entries()) {
      const e = await rejection(verifyRequest(signed("{}"), { secret: SECRET, now: 1_700_000_000, dedupe: store }));
      assert.ok(e instanceof HooklineError && !(e instanceof WebhookVerificationError), `store ${i}: ${e?.name}: ${e?.message}`);
      assert.equal(e.code, "dedupe_unavailable", `store ${i}`);
      if (i < 2 || i === 4) assert.equal(e.cause, boom, `store ${i}: cause`);
      assert.ok(!String(e.message).includes(SECRET.slice(6)));
    }
  });

  test("dedupe: a bad store or retention is a TypeError before the body is read", async () => {
    const hostile = new Proxy({}, { get() { throw new Error("trap"); } });
    for (const [i, dedupe] of [{}, 42, "store", null, { claim: "no" }, hostile].entries()) {
      const req = signed("{}");
      const e = await rejection(verifyRequest(req, { secret: SECRET, now: 1_700_000_000, dedupe }));
      assert.ok(e instanceof TypeError && e.code === "invalid_argument", `store ${i}: ${e?.name} ${e?.message}`);
      assert.equal(req.bodyUsed, false);
    }
    for (const dedupeRetention of [0, 1.5, -1, "7d", 2e9, Number.NaN]) {
      const e = await rejection(verifyRequest(signed("{}"), { secret: SECRET, now: 1_700_000_000, dedupe: recordingStore(), dedupeRetention }));
      assert.equal(e?.code, "invalid_argument", String(dedupeRetention));
    }
  });
}
