// Every scheme's vectors through the public API, plus auto-detection, the Verifier class,
// verifyRequest and the key helpers. Registered by suite.mjs, so it runs in all six runtimes.
import { assert, hexToBytes, utf8 } from "./harness.mjs";

const SIGNATURE_HEADER = {
  "standard-webhooks": "webhook-signature",
  "standard-webhooks-v1a": "webhook-signature",
  stripe: "stripe-signature",
  github: "x-hub-signature-256",
  slack: "x-slack-signature",
  shopify: "x-shopify-hmac-sha256",
  discord: "x-signature-ed25519",
  linear: "linear-signature",
};
const schemeName = (file) => file.scheme.replace(/-v1a$/, "");
const usesPublicKeys = (file) => file.scheme === "discord" || file.scheme.endsWith("-v1a");
const payloadOf = (c) => (c.payload_hex !== undefined ? hexToBytes(c.payload_hex) : c.payload);

export function registerSchemeTests(test, hookline, vectors) {
  const { signHeaders, verifyWebhook, verify, Verifier, verifyRequest, WebhookVerificationError } = hookline;
  const files = Object.values(vectors.schemes);
  if (files.length < 8) throw new Error(`expected 8 scheme vector files, got ${files.length}`);

  for (const file of files) {
    const scheme = schemeName(file);
    for (const c of file.sign) {
      test(`${file.scheme} sign vector: ${c.name}`, () => {
        const opts = { scheme, payload: payloadOf(c), timestamp: c.timestamp ?? 0, id: c.id ?? "msg_x" };
        if (c.config) opts.custom = c.config;
        opts.secret = c.secret ?? c.secret_key;
        const headers = signHeaders(opts);
        const name = c.config ? c.config.header.toLowerCase() : SIGNATURE_HEADER[file.scheme];
        assert.equal(headers[name], c.signature);
      });
    }
    for (const c of file.verify) {
      test(`${file.scheme} verify vector: ${c.name}`, () => {
        const base = { now: c.now ?? 0, jsonParse: false };
        if (c.tolerance !== undefined) base.tolerance = c.tolerance;
        if (c.config) base.custom = c.config;
        base[usesPublicKeys(file) ? "publicKeys" : "secrets"] = c.keys;
        for (const [how, opts] of [["named", { ...base, scheme }], ["detected", base]]) {
          const run = () => verifyWebhook(payloadOf(c), c.headers, opts);
          if (c.expect.error) {
            const e = assert.throws(run, undefined, WebhookVerificationError, `${how}:`);
            const ok = e.code === c.expect.error || (how === "detected" && c.expect.error === "missing_header" && e.code === "unknown_scheme");
            assert.ok(ok, `${how}: expected ${c.expect.error}, got ${e.code} (${e.message})`);
          } else {
            const v = run();
            assert.equal(v.scheme, scheme, `${how}:`);
            assert.equal(v.keyIndex, c.expect.key_index, `${how}:`);
            if (c.expect.id !== undefined) assert.equal(v.id, c.expect.id, `${how} id:`);
            if (c.expect.timestamp !== undefined) assert.equal(v.timestamp, c.expect.timestamp, `${how} timestamp:`);
            if (c.expect.event_type !== undefined) assert.equal(v.eventType, c.expect.event_type, `${how} eventType:`);
          }
        }
      });
    }
  }

  // The conformance vectors published as hookline/vectors (tests/vectors/conformance.json): the
  // verdict and the error code of each case, with the scheme named.
  const conformance = vectors.conformance;
  if (!conformance || conformance.cases.length < 100) throw new Error("expected the conformance vectors (tests/vectors/conformance.json)");
  for (const c of conformance.cases) {
    test(`conformance vector ${c.id} (${c.bug_class})`, () => {
      const input = c.input;
      const payload = input.payload_base64 !== undefined ? Uint8Array.from(atob(input.payload_base64), (ch) => ch.charCodeAt(0)) : input.payload;
      const opts = { scheme: c.scheme.replace(/-v1a$/, ""), now: input.now, jsonParse: false, [input.public_keys ? "publicKeys" : "secrets"]: input.public_keys ?? input.secrets };
      if (input.tolerance !== undefined) opts.tolerance = input.tolerance;
      if (input.config !== undefined) opts.custom = input.config;
      if (input.url !== undefined) opts.url = input.url;
      if (input.method !== undefined) opts.method = input.method;
      const scheme = opts.scheme;
      // A case with input.detect names no scheme: hookline finds it from the headers.
      if (input.detect) delete opts.scheme;
      const run = () => verifyWebhook(payload, input.headers, opts);
      if (c.expect.valid) {
        assert.equal(run().scheme, scheme);
      } else {
        assert.equal(conformance.codes[c.expect.code], c.expect.category);
        assert.throws(run, c.expect.code, WebhookVerificationError);
      }
    });
  }

  const now = 1_718_000_000;
  const body = '{"type":"invoice.paid","id":"evt_1"}';
  const cases = [
    ["standard-webhooks", { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }],
    ["stripe", { secret: "whsec_test_stripe_FAKE" }],
    ["github", { secret: "It's a Secret to Everybody" }],
    ["slack", { secret: "8f742231b10e8888abcd99yyyzzz85a5" }],
    ["shopify", { secret: "shpss_FAKE" }],
    ["linear", { secret: "lin_wh_FAKE" }],
  ];

  test("round trip and tamper rejection for every HMAC scheme, named and detected", () => {
    for (const [scheme, keys] of cases) {
      const payload = scheme === "linear" ? JSON.stringify({ webhookTimestamp: now * 1000, type: "Issue" }) : body;
      const headers = signHeaders({ scheme, ...keys, payload, timestamp: now, id: "msg_rt" });
      for (const opts of [{ scheme, ...keys, now }, { ...keys, now }]) {
        const v = verifyWebhook(payload, headers, opts);
        assert.equal(v.scheme, scheme);
        assert.deepEqual(v.payload, JSON.parse(payload));
        assert.throws(() => verifyWebhook(payload.replace("}", ' }'), headers, opts), "no_matching_signature", WebhookVerificationError, scheme);
        assert.throws(() => verifyWebhook(payload, headers, { ...opts, secret: hookline.generateSecret() }), "no_matching_signature", WebhookVerificationError, scheme);
      }
    }
  });

  test("Signer: keys prepared once sign exactly as signHeaders, and never show the key", () => {
    for (const [scheme, keys] of cases) {
      const signer = new hookline.Signer({ scheme, ...keys });
      for (const payload of [body, new TextEncoder().encode(body)]) {
        assert.deepEqual(signer.sign(payload, "msg_rt", now), signHeaders({ scheme, ...keys, payload, timestamp: now, id: "msg_rt" }), scheme);
      }
      assert.ok(!String(signer).includes(keys.secret) && String(signer).includes(scheme), String(signer));
      signer.free();
    }
    const sw = new hookline.Signer({ secrets: [cases[0][1].secret, hookline.generateSecret()] });
    const two = sw.sign(body, "msg_two", now);
    assert.equal(two["webhook-signature"].split(" ").length, 2);
    assert.ok(sw.sign(body)["webhook-id"].startsWith("msg_"));
    assert.throws(() => new hookline.Signer({ scheme: "github" }), "invalid_secret", Error);
    assert.throws(() => sw.sign(body, 42, now), "invalid_argument", TypeError);
  });

  test("headers as a plain object (any case), a Map or a Headers verify alike; a NUL hides nothing", () => {
    const secret = cases[0][1].secret;
    const signed = signHeaders({ secret, payload: body, id: "msg_forms", timestamp: now });
    const upper = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toUpperCase(), v]));
    const forms = [signed, upper, new Map(Object.entries(upper))];
    if (typeof Headers === "function") forms.push(new Headers(signed));
    for (const h of forms) assert.equal(verifyWebhook(body, h, { secret, now }).id, "msg_forms");
    // A NUL cannot occur in HTTP; a value holding one is left out rather than split.
    const smuggled = { ...signed, "x-other": "a\0webhook-signature\0v1,AAAA" };
    assert.equal(verifyWebhook(body, smuggled, { secret, now }).id, "msg_forms");
    const broken = { ...signed, "webhook-signature": `${signed["webhook-signature"]}\0` };
    assert.throws(() => verifyWebhook(body, broken, { secret, now }), "missing_header", WebhookVerificationError);
  });

  test("stale timestamps are rejected for every timestamped scheme", () => {
    const pair = hookline.generateKeyPair();
    const schemes = [
      ["standard-webhooks", { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }, {}],
      ["standard-webhooks", { secret: pair.secretKey }, { publicKey: pair.publicKey }],
      ["stripe", { secret: "whsec_s" }, {}],
      ["slack", { secret: "slack" }, {}],
      ["discord", { secret: "11".repeat(32) }, { publicKey: hookline.publicKeyFromSecretKey(seedToWhsk("11".repeat(32))).publicKeyHex }],
    ];
    for (const [scheme, signKeys, verifyKeys] of schemes) {
      const headers = signHeaders({ scheme, ...signKeys, payload: body, timestamp: now - 301 });
      const keys = Object.keys(verifyKeys).length ? verifyKeys : signKeys;
      assert.throws(() => verifyWebhook(body, headers, { ...keys, now }), "timestamp_too_old", WebhookVerificationError, scheme);
      assert.equal(verifyWebhook(body, headers, { ...keys, now: now - 1 }).scheme, scheme);
    }
  });

  test("v1a: a receiver holding only the whpk_ public key verifies; v1 and v1a in one header", () => {
    const pair = hookline.generateKeyPair();
    assert.ok(pair.secretKey.startsWith("whsk_") && pair.publicKey.startsWith("whpk_"));
    const h = signHeaders({ secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", pair.secretKey], payload: body, timestamp: now, id: "msg_a" });
    const sig = h["webhook-signature"];
    assert.ok(/^v1,\S+ v1a,\S+$/.test(sig), sig);
    const v = verifyWebhook(body, h, { publicKey: pair.publicKey, now });
    assert.equal(v.keyId, "publicKey");
    // The drop-in class takes key pairs too: whsk_ signs v1a, whpk_ verifies only.
    const fresh = new hookline.Webhook(pair.secretKey);
    const ts = new Date();
    const headers = { "webhook-id": "msg_w", "webhook-timestamp": String(Math.floor(ts.getTime() / 1000)), "webhook-signature": fresh.sign("msg_w", ts, body) };
    assert.ok(headers["webhook-signature"].startsWith("v1a,"));
    const receiver = new hookline.Webhook(pair.publicKey);
    assert.deepEqual(receiver.verify(body, headers), JSON.parse(body));
    assert.throws(() => receiver.sign("msg_w", ts, body), "invalid_secret", WebhookVerificationError);
    assert.throws(() => receiver.verify(body.replace("1", "2"), headers), "no_matching_signature");
  });

  test("auto-detection fails clearly on ambiguous and unknown header sets", () => {
    const stripe = signHeaders({ scheme: "stripe", secret: "whsec_s", payload: body, timestamp: now });
    const github = signHeaders({ scheme: "github", secret: "g", payload: body });
    assert.throws(() => verifyWebhook(body, { ...stripe, ...github }, { secret: "whsec_s", now }), "ambiguous_scheme", WebhookVerificationError);
    assert.throws(() => verifyWebhook(body, { "content-type": "application/json" }, { secret: "whsec_s", now }), "unknown_scheme", WebhookVerificationError);
    // Naming the scheme resolves the ambiguity.
    assert.equal(verifyWebhook(body, { ...stripe, ...github }, { secret: "whsec_s", now, scheme: "stripe" }).scheme, "stripe");
    // A request of another scheme under a named one says whose headers it carries.
    const e = assert.throws(() => verifyWebhook(body, stripe, { secret: "whsec_s", now, scheme: "github" }), "missing_header");
    assert.ok(e.message.includes("stripe"), e.message);
  });

  test("Stripe keys are the whole whsec_ string, not its base64 decoding", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const header = hookline.generateTestHeaderString({ payload: body, secret, timestamp: now });
    assert.ok(/^t=1718000000,v1=[0-9a-f]{64}$/.test(header), header);
    assert.equal(verifyWebhook(body, { "Stripe-Signature": header }, { secret, now }).scheme, "stripe");
    // The same secret read as a Standard Webhooks key signs differently.
    const sw = signHeaders({ secret, payload: body, timestamp: now, id: "m" });
    assert.equal(verifyWebhook(body, sw, { secret, now }).scheme, "standard-webhooks");
    assert.equal(hookline.generateTestHeaderString({ payload: body, timestamp: now, signature: "abc" }), "t=1718000000,v1=abc");
  });

  test("Verifier: keys prepared once, rotation telemetry with named keys", () => {
    const v = new Verifier({ secrets: [{ id: "2026-11", key: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }, { id: "2027-01", key: "github-secret" }] });
    const gh = signHeaders({ scheme: "github", secret: "github-secret", payload: body });
    const r = v.verify(body, { ...gh, "X-GitHub-Event": "push", "X-GitHub-Delivery": "d-1" });
    assert.deepEqual([r.scheme, r.keyIndex, r.keyId, r.eventType, r.id], ["github", 1, "2027-01", "push", "d-1"]);
    const sw = signHeaders({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", payload: body, timestamp: now });
    assert.equal(v.verify(body, sw, { now }).keyId, "2026-11");
    assert.ok(!String(v).includes("MfKQ") && !JSON.stringify(v).includes("github-secret"));
  });

  test("Slack form bodies come back as text; whitespace in a secret is refused with a hint", () => {
    const form = "token=x&team_id=T1&text=hello+world";
    const h = signHeaders({ scheme: "slack", secret: "slack-secret", payload: form, timestamp: now });
    assert.equal(verifyWebhook(form, h, { secret: "slack-secret", now }).payload, form);
    const e = assert.throws(() => verifyWebhook(form, h, { secret: "slack-secret\n", now }), "invalid_secret", WebhookVerificationError);
    assert.ok(e.message.includes("whitespace"), e.message);
  });

  test("verifyRequest reads a Fetch Request once", async () => {
    if (typeof Request !== "function") return;
    const h = signHeaders({ scheme: "shopify", secret: "shpss_FAKE", payload: body });
    const req = new Request("http://127.0.0.1/hook", { method: "POST", body, headers: { ...h, "X-Shopify-Topic": "orders/create" } });
    const r = await verifyRequest(req, { secret: "shpss_FAKE" });
    assert.equal(r.scheme, "shopify");
    assert.equal(r.eventType, "orders/create");
    assert.deepEqual(r.payload, JSON.parse(body));
    assert.equal(new TextDecoder().decode(r.body), body);
    let err;
    try {
      await verifyRequest(req, { secret: "shpss_FAKE" });
    } catch (e) {
      err = e;
    }
    assert.equal(err?.code, "invalid_payload", "a used body is reported");
    const bad = new Request("http://127.0.0.1/hook", { method: "POST", body: body + " ", headers: h });
    let err2;
    try {
      await verifyRequest(bad, { secret: "shpss_FAKE" });
    } catch (e) {
      err2 = e;
    }
    assert.equal(err2?.code, "no_matching_signature");
    assert.ok(err2 instanceof WebhookVerificationError);
  });

  test("one-call verify() detects the scheme and returns the parsed body", () => {
    const h = signHeaders({ scheme: "linear", secret: "lin", payload: JSON.stringify({ webhookTimestamp: now * 1000, a: 1 }) });
    assert.deepEqual(verify(JSON.stringify({ webhookTimestamp: now * 1000, a: 1 }), h, { secret: "lin", now }), { webhookTimestamp: now * 1000, a: 1 });
    const bytes = utf8(body);
    const g = signHeaders({ scheme: "github", secret: "g", payload: bytes });
    assert.equal(verify(bytes, g, { secret: "g", jsonParse: false }), undefined);
  });
}

// A whsk_ key from a 32-byte hex seed, so the Discord hex seed and the Standard Webhooks key
// helpers can be cross-checked.
function seedToWhsk(hex) {
  const bytes = hexToBytes(hex);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return `whsk_${btoa(bin)}`;
}
