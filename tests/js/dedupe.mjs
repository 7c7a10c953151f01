// The receiver's dedupe through verifyRequest(..., { dedupe }), in every runtime: the keys and
// times of tests/vectors/dedupe.json (the Rust tests read the same file), a delivery handled
// once and refused as `duplicate` after, a claim settled only by the work (complete, release),
// keys that name only what the signature covers and the key that verified it, and hostile or
// failing stores met with typed errors.
import { assert } from "./harness.mjs";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/**
 * A store that remembers in a Map (honouring the times it is given against `clock`, unix ms) and
 * records every call; `answer` can replace its verdict.
 */
function recordingStore({ answer, clock = () => 0 } = {}) {
  const held = new Map();
  const claims = [];
  const completes = [];
  const releases = [];
  return {
    claims,
    completes,
    releases,
    async claim(key, leaseUntilMs) {
      claims.push([key, leaseUntilMs]);
      if (answer) return answer(key, leaseUntilMs);
      await null; // a real store answers later
      const entry = held.get(key);
      if (entry && entry.until > clock()) return entry.done ? false : "pending";
      held.set(key, { until: leaseUntilMs, done: false });
      return true;
    },
    async complete(key, untilMs) {
      completes.push([key, untilMs]);
      held.set(key, { until: untilMs, done: true });
    },
    async release(key) {
      releases.push(key);
      if (held.get(key)?.done === false) held.delete(key);
    },
  };
}

export function registerDedupeTests(test, hookline, { vectors }) {
  const { verifyRequest, signHeaders, WebhookVerificationError, HooklineError } = hookline;
  const headersFor = (body, { scheme = "standard-webhooks", secret = SECRET, id = "msg_dedupe_1", timestamp = 1_700_000_000, extra = {} } = {}) => ({
    ...signHeaders({ scheme, secret, payload: body, id, timestamp }),
    ...extra,
  });
  const post = (body, headers) => new Request("https://receiver.example/hook", { method: "POST", headers, body });
  const signed = (body, options) => post(body, headersFor(body, options));
  const rejection = async (promise) => promise.then(() => null, (e) => e);

  for (const c of vectors.dedupe.cases) {
    test(`dedupe vector: ${c.name}`, async () => {
      const store = recordingStore();
      const options = { secret: vectors.dedupe.secret, scheme: c.scheme, now: c.now, dedupe: store };
      if (c.tolerance !== undefined) options.tolerance = c.tolerance;
      if (c.retention !== undefined) options.dedupeRetention = c.retention;
      const out = await verifyRequest(signed(c.body, { scheme: c.scheme, secret: vectors.dedupe.secret, id: c.id, timestamp: c.timestamp ?? c.now, extra: c.headers }), options);
      assert.equal(out.scheme, c.scheme);
      assert.deepEqual(store.claims, [[c.key, c.leaseUntilMs]]);
      assert.equal(out.dedupe.key, c.key);
      await out.dedupe.complete();
      assert.deepEqual(store.completes, [[c.key, c.untilMs]]);
    });
  }

  test("dedupe: a delivery is handled once; its retry (same id, new timestamp) is `duplicate`", async () => {
    const store = recordingStore();
    const first = await verifyRequest(signed('{"n":1}', { timestamp: 1_700_000_000 }), { secret: SECRET, now: 1_700_000_000, dedupe: store });
    assert.deepEqual(first.payload, { n: 1 });
    await first.dedupe.complete();
    const e = await rejection(verifyRequest(signed('{"n":1}', { timestamp: 1_700_000_060 }), { secret: SECRET, now: 1_700_000_060, dedupe: store }));
    assert.ok(e instanceof WebhookVerificationError, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, "duplicate");
    assert.ok(/2xx/.test(e.hint ?? ""), `hint: ${e.hint}`);
    const other = await verifyRequest(signed('{"n":2}', { id: "msg_dedupe_2" }), { secret: SECRET, now: 1_700_000_000, dedupe: store });
    assert.deepEqual(other.payload, { n: 2 });
  });

  test("dedupe: a claim is final only once the work is done: released after a failure, the retry is handled", async () => {
    // Before, the claim was final at once: a handler that failed after it lost the event (the
    // sender's retry was answered `duplicate`, and nothing handled it).
    const store = recordingStore();
    const options = { secret: SECRET, now: 1_700_000_000, dedupe: store };
    const first = await verifyRequest(signed('{"n":1}'), options);
    assert.equal(typeof first.dedupe?.release, "function", "the result holds the claim");
    // While the first is being handled, the same delivery is in progress: the sender tries later.
    const meanwhile = await rejection(verifyRequest(signed('{"n":1}'), options));
    assert.ok(meanwhile instanceof WebhookVerificationError && meanwhile.code === "in_progress", `${meanwhile?.code}`);
    await first.dedupe.release(); // the handler failed
    const retry = await verifyRequest(signed('{"n":1}'), options);
    assert.deepEqual(retry.payload, { n: 1 }, "the retry is handled");
    await retry.dedupe.complete();
    await retry.dedupe.complete(); // settles once
    const after = await rejection(verifyRequest(signed('{"n":1}'), options));
    assert.equal(after?.code, "duplicate");
    assert.equal(store.completes.length, 1);
    assert.deepEqual(store.releases, [first.dedupe.key]);
  });

  test("dedupe: ids the signature does not cover are not the key (GitHub, Shopify, Linear)", async () => {
    // Before, the delivery-id header was the key: one captured request re-sent with a new id
    // each time was accepted every time.
    const linearBody = `{"action":"create","webhookTimestamp":${1_700_000_000 * 1000}}`;
    for (const [scheme, idHeader, body] of [
      ["github", "x-github-delivery", '{"zen":"Design for failure."}'],
      ["shopify", "x-shopify-webhook-id", '{"id":1}'],
      ["linear", "linear-delivery", linearBody],
    ]) {
      const store = recordingStore();
      const headers = headersFor(body, { scheme });
      const answers = [];
      for (let i = 0; i < 5; i++) {
        const r = await verifyRequest(post(body, { ...headers, [idHeader]: `replay-${i}` }), { secret: SECRET, now: 1_700_000_000, dedupe: store }).then(
          (ok) => ok.dedupe.complete().then(() => "handled"),
          (e) => e.code,
        );
        answers.push(r);
      }
      assert.deepEqual(answers, ["handled", "duplicate", "duplicate", "duplicate", "duplicate"], scheme);
    }
  });

  test("dedupe: keys name the verifying key, so tenants can share a store; a retention shorter than the tolerance is refused", async () => {
    // Before, tenant Y's genuine msg_shared (another secret, another body) was dropped as a
    // duplicate of tenant X's.
    const store = recordingStore();
    const other = "whsec_" + btoa("another tenant's 24 bytes");
    const x = await verifyRequest(signed('{"tenant":"x"}', { id: "msg_shared" }), { secret: SECRET, now: 1_700_000_000, dedupe: store });
    await x.dedupe.complete();
    const y = await verifyRequest(signed('{"tenant":"y"}', { id: "msg_shared", secret: other }), { secret: other, now: 1_700_000_000, dedupe: store });
    await y.dedupe.complete();
    assert.deepEqual([x.payload, y.payload], [{ tenant: "x" }, { tenant: "y" }]);
    assert.ok(x.dedupe.key !== y.dedupe.key);
    // Before, dedupeRetention: 1 was taken, and a replay 1.2 s later got through.
    const short = await rejection(verifyRequest(signed("{}", { id: "msg_short" }), { secret: SECRET, now: 1_700_000_000, dedupe: recordingStore(), dedupeRetention: 1 }));
    assert.equal(short?.code, "invalid_argument");
    assert.ok(/tolerance/.test(short?.message ?? ""), short?.message);
    let clock = 1_700_000_000_000;
    const timed = recordingStore({ clock: () => clock });
    const options = { secret: SECRET, now: 1_700_000_000, dedupe: timed, dedupeRetention: 300 };
    await (await verifyRequest(signed("{}", { id: "msg_replayed" }), options)).dedupe.complete();
    clock += 1_200;
    const replay = await rejection(verifyRequest(signed("{}", { id: "msg_replayed" }), { ...options, now: 1_700_000_001 }));
    assert.equal(replay?.code, "duplicate");
    // Held until the timestamp is twice the tolerance old, past the retention.
    assert.deepEqual(timed.completes[0][1], (1_700_000_000 + 600) * 1000);
  });

  test("dedupe: a delivery signed by both keys of a rotation is one delivery, whichever signature a replay keeps", async () => {
    const store = recordingStore();
    const NEW = "whsec_" + btoa("the new key of a rotation!");
    const both = signHeaders({ secrets: [SECRET, NEW], payload: "{}", id: "msg_rotated", timestamp: 1_700_000_000 });
    const [a, b] = both["webhook-signature"].split(" ");
    assert.ok(a && b, "two signatures");
    const options = { secrets: [SECRET, NEW], now: 1_700_000_000, dedupe: store };
    const first = await verifyRequest(post("{}", both), options);
    await first.dedupe.complete();
    for (const only of [a, b]) {
      const replay = await rejection(verifyRequest(post("{}", { ...both, "webhook-signature": only }), options));
      assert.equal(replay?.code, "duplicate", `replayed with ${only === a ? "the first" : "the second"} signature alone: ${replay?.message ?? "handled again"}`);
    }
  });

  test("dedupe: the schemes that sign the URL key by it (two Twilio GETs with empty bodies to two URLs are two deliveries)", async () => {
    const store = recordingStore();
    const token = "twilio auth token 0123456789";
    const utf8 = (t) => new TextEncoder().encode(t);
    // Twilio's recipe for a GET: base64 HMAC-SHA1 of the URL (WebCrypto, not hookline).
    const twilio = async (url) => {
      const key = await crypto.subtle.importKey("raw", utf8(token), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
      const tag = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(url)));
      return new Request(url, { method: "GET", headers: { "x-twilio-signature": btoa(String.fromCharCode(...tag)) } });
    };
    const options = { scheme: "twilio", secret: token, dedupe: store };
    const one = await verifyRequest(await twilio("https://receiver.example/voice?CallSid=CA1"), options);
    await one.dedupe.complete();
    const two = await verifyRequest(await twilio("https://receiver.example/voice?CallSid=CA2"), options);
    await two.dedupe.complete();
    assert.ok(one.dedupe.key !== two.dedupe.key, "two keys");
    const again = await rejection(verifyRequest(await twilio("https://receiver.example/voice?CallSid=CA1"), options));
    assert.equal(again?.code, "duplicate");
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

  test("dedupe: 20 concurrent deliveries of one id, one handled, the others in progress", async () => {
    const store = recordingStore();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => verifyRequest(signed('{"same":true}', { id: "msg_burst" }), { secret: SECRET, now: 1_700_000_000, dedupe: store })));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.ok(results.filter((r) => r.status === "rejected").every((r) => r.reason.code === "in_progress"));
  });

  test("dedupe: a store that throws, rejects or answers neither true, false nor \"pending\" is `dedupe_unavailable` with its cause", async () => {
    const boom = new Error("db down");
    const settle = { complete() {}, release() {} };
    const stores = [
      { claim: () => { throw boom; }, ...settle },
      { claim: () => Promise.reject(boom), ...settle },
      { claim: async () => "yes", ...settle },
      { claim: () => undefined, ...settle },
      { claim: () => ({ then: () => { throw boom; } }), ...settle },
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
    const claimOnly = { claim: () => true };
    for (const [i, dedupe] of [{}, 42, "store", null, { claim: "no" }, hostile, claimOnly].entries()) {
      const req = signed("{}");
      const e = await rejection(verifyRequest(req, { secret: SECRET, now: 1_700_000_000, dedupe }));
      assert.ok(e instanceof TypeError && e.code === "invalid_argument", `store ${i}: ${e?.name} ${e?.message}`);
      assert.equal(req.bodyUsed, false);
    }
    for (const dedupeRetention of [0, 1.5, -1, "7d", 2e9, Number.NaN, 1]) {
      const e = await rejection(verifyRequest(signed("{}"), { secret: SECRET, now: 1_700_000_000, dedupe: recordingStore(), dedupeRetention }));
      assert.equal(e?.code, "invalid_argument", String(dedupeRetention));
    }
  });
}
