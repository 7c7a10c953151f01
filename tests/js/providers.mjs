// The providers' schemes hookline verifies but does not sign (tests/vectors/providers, written
// with node:crypto), through every receiver entry: verifyWebhook named and detected, a Verifier
// told the URL per call, and verifyRequest reading the URL and method from a Fetch Request.
// Registered by suite.mjs, so it runs in all six runtimes from the tarball.
import { assert } from "./harness.mjs";

export function registerProviderTests(test, hookline, vectors) {
  const { verifyWebhook, Verifier, verifyRequest, signHeaders, HooklineError, WebhookVerificationError } = hookline;
  const files = Object.values(vectors.providers ?? {});
  if (files.length !== 9) throw new Error(`expected 9 provider vector files, got ${files.length}`);
  const NEEDS_URL = ["twilio", "square", "hubspot"];

  /** A result matches a case's expectation, or its error has the expected code. */
  const expectCase = (c, how, run, scheme) => {
    if (c.expect.error) {
      const e = assert.throws(run, c.expect.error, undefined, `${how}:`);
      const Class = c.expect.error === "invalid_argument" ? HooklineError : WebhookVerificationError;
      assert.ok(e instanceof Class, `${how}: ${e?.name}`);
      return;
    }
    const v = run();
    assert.equal(v.scheme, scheme, `${how}:`);
    assert.equal(v.keyIndex, c.expect.key_index, `${how}:`);
    if (c.expect.timestamp !== undefined) assert.equal(v.timestamp, c.expect.timestamp, `${how} timestamp:`);
    if (c.expect.id !== undefined) assert.equal(v.id, c.expect.id, `${how} id:`);
    if (c.expect.event_type !== undefined) assert.equal(v.eventType, c.expect.event_type, `${how} eventType:`);
  };

  for (const file of files) {
    const scheme = file.scheme;
    const keyField = file.public_keys ? "publicKeys" : "secrets";
    for (const c of file.verify) {
      const base = { [keyField]: c.keys, now: c.now ?? 0, jsonParse: false };
      if (c.tolerance !== undefined) base.tolerance = c.tolerance;
      const request = {};
      if (c.url !== undefined) request.url = c.url;
      if (c.method !== undefined) request.method = c.method;

      test(`${scheme} provider vector: ${c.name}`, () => {
        const ways = [["named", { ...base, ...request, scheme }]];
        if (file.detected && !c.named_only) ways.push(["detected", { ...base, ...request }]);
        for (const [how, opts] of ways) expectCase(c, how, () => verifyWebhook(c.payload, c.headers, opts), scheme);
        if (!file.detected) {
          // Never detected as itself: another scheme's error, or no scheme at all.
          try {
            assert.ok(verifyWebhook(c.payload, c.headers, { ...base, ...request }).scheme !== scheme, "detected");
          } catch (e) {
            assert.ok(e instanceof WebhookVerificationError, e?.message);
          }
        }
        // A Verifier keeps the keys; the URL and method come with each call.
        expectCase(c, "Verifier", () => {
          const v = new Verifier({ [keyField]: c.keys, scheme, tolerance: c.tolerance, jsonParse: false });
          try {
            return v.verify(c.payload, c.headers, { now: c.now ?? 0, ...request });
          } finally {
            v.free();
          }
        }, scheme);
      });

      if ((c.url === undefined && NEEDS_URL.includes(scheme)) || typeof Request !== "function") continue;
      test(`${scheme} provider vector through verifyRequest: ${c.name}`, async () => {
        const method = c.method ?? "POST";
        const body = method === "GET" || method === "HEAD" ? undefined : c.payload;
        const url = c.url ?? "https://hooks.example.com/hook";
        const req = new Request(url, { method, headers: c.headers, body });
        if (req.url !== url) return; // a URL the Fetch API normalizes is not what was signed
        const opts = { [keyField]: c.keys, scheme, now: c.now ?? 0, jsonParse: false };
        if (c.tolerance !== undefined) opts.tolerance = c.tolerance;
        if (c.expect.error) {
          let caught;
          try {
            await verifyRequest(req, opts);
          } catch (e) {
            caught = e;
          }
          assert.equal(caught?.code, c.expect.error, caught?.message);
        } else {
          const r = await verifyRequest(req, opts);
          assert.equal(r.scheme, scheme);
          assert.equal(r.keyIndex, c.expect.key_index);
        }
      });
    }
  }

  test("provider schemes: a URL given to verifyRequest wins over the Request's own (a proxy)", async () => {
    if (typeof Request !== "function") return;
    const c = vectors.providers.square.verify.find((c) => c.name === "valid");
    const inside = new Request("http://10.0.0.7:8080/square", { method: "POST", headers: c.headers, body: c.payload });
    let caught;
    try {
      await verifyRequest(inside, { secrets: c.keys, scheme: "square" });
    } catch (e) {
      caught = e;
    }
    assert.equal(caught?.code, "no_matching_signature");
    const again = new Request("http://10.0.0.7:8080/square", { method: "POST", headers: c.headers, body: c.payload });
    assert.equal((await verifyRequest(again, { secrets: c.keys, scheme: "square", url: c.url })).scheme, "square");
  });

  test("provider schemes: a Request's own URL, however long, is judged by the signature, never a caller's error", async () => {
    if (typeof Request !== "function") return;
    const c = vectors.providers.square.verify.find((c) => c.name === "valid");
    const long = new Request(`${c.url}?${"q".repeat(9000)}`, { method: "POST", headers: c.headers, body: c.payload });
    let caught;
    try {
      await verifyRequest(long, { secrets: c.keys, scheme: "square" });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof WebhookVerificationError, caught?.message);
    assert.equal(caught.code, "no_matching_signature");
  });

  test("provider schemes are verified, never signed; url and method are checked", () => {
    for (const scheme of ["twilio", "paddle", "square", "zoom", "hubspot", "vercel", "intercom", "gitlab", "sendgrid"]) {
      assert.throws(() => signHeaders({ scheme, secret: "s", payload: "{}" }), "invalid_argument", HooklineError, scheme);
    }
    const c = vectors.providers.square.verify[0];
    const opts = { secrets: c.keys, scheme: "square" };
    assert.throws(() => verifyWebhook(c.payload, c.headers, { ...opts, url: 42 }), "invalid_argument", TypeError);
    assert.throws(() => verifyWebhook(c.payload, c.headers, { ...opts, url: "" }), "invalid_argument", TypeError);
    assert.throws(() => verifyWebhook(c.payload, c.headers, { ...opts, url: `https://a/${"x".repeat(9000)}` }), "invalid_argument", TypeError);
    assert.throws(() => verifyWebhook(c.payload, c.headers, { ...opts, url: c.url, method: "PO ST" }), "invalid_argument", TypeError);
    const e = assert.throws(() => verifyWebhook(c.payload, c.headers, opts), "invalid_argument", HooklineError);
    assert.ok(e.message.includes("url") && !e.message.includes(c.keys[0]), e.message);
    // A throwing getter for url is the caller's own error, rethrown.
    const boom = new Error("boom");
    const hostile = { ...opts, get url() { throw boom; } };
    let caught;
    try {
      verifyWebhook(c.payload, c.headers, hostile);
    } catch (err) {
      caught = err;
    }
    assert.equal(caught, boom);
  });
}
