// Hostile input at every exported function: each call either returns or throws an error with a
// `code` (never a wasm trap, never an untyped error), and afterwards the same instance still
// verifies a valid webhook. Registered by suite.mjs, so it runs in every runtime.
import { assert } from "./harness.mjs";

export function registerHostileTests(test, hookline) {
  test("hostile input: typed errors only, no trap, the instance survives", async () => {
    const cyclic = {};
    cyclic.self = cyclic;
    const polluted = Object.create({ "webhook-id": "x", "webhook-signature": "v1,x", "webhook-timestamp": "1" });
    const junk = [
      undefined, null, 0, -1, NaN, Infinity, 2 ** 53, true, "", "x".repeat(1 << 16), "\uD800\uDFFF\uD800", Symbol("s"), 10n,
      [], [1, "2"], {}, cyclic, polluted, new Uint8Array(0), new Uint8Array(70_000).fill(0xff), new ArrayBuffer(3),
      new DataView(new ArrayBuffer(4), 1, 2), new Map([["webhook-signature", "v1,x ".repeat(20_000)]]), () => 1, new Date(NaN),
      { type: "a", data: { big: 10n } }, { secret: "whsec_" + "A".repeat(10) }, { secrets: new Array(100).fill("x") },
      { scheme: "custom", custom: { header: "" } }, { preset: "svix", jitter: { kind: "percent", percent: 1e9 } },
      { kind: "status", status: 99999 }, { exponential: { baseMs: 1, factor: 1e308, maxMs: 1e20, attempts: 1e9 } },
    ];
    if (typeof Headers === "function") junk.push(new Headers({ "webhook-id": "x" }));
    const fns = Object.entries(hookline).filter(([k, v]) => typeof v === "function" && !/Error$/.test(k) && !k.startsWith("__") && k !== "createDispatcher");
    assert.ok(fns.length >= 25, `only ${fns.length} functions`);
    let calls = 0;
    for (const [name, f] of fns) {
      for (const a of junk) {
        for (const b of junk.slice(0, 12)) {
          calls++;
          try {
            const r = /^[A-Z]/.test(name) ? new f(a, b) : f(a, b, a);
            if (r && typeof r.then === "function") await r;
          } catch (e) {
            assert.ok(!(e instanceof WebAssembly.RuntimeError), `${name}: wasm trap ${e.message}`);
            assert.ok(typeof e?.code === "string", `${name}(${typeof a}, ${typeof b}): untyped ${e?.name}: ${String(e?.message).slice(0, 80)}`);
          }
        }
      }
    }
    // The prepared objects' methods, on good instances.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const prepared = [
      [new hookline.Signer({ secret }), ["sign"]],
      [new hookline.RetryPlanner("svix"), ["next"]],
      [new hookline.HealthTracker(), ["admission", "record", "beginProbe"]],
      [new hookline.EnvelopeBuilder(), ["build", "buildText"]],
      [new hookline.DeliveryEndpoint({ url: "https://example.com/", secret }), ["begin", "finish", "checkAddress", "refusedAddress", "rekey"]],
      [new hookline.Matcher([]), ["match", "matchIndices"]],
    ];
    for (const [object, methods] of prepared) {
      for (const m of methods) {
        for (const a of junk) {
          for (const b of junk.slice(0, 12)) {
            calls++;
            try {
              object[m](a, b, a);
            } catch (e) {
              assert.ok(!(e instanceof WebAssembly.RuntimeError), `${m}: wasm trap ${e.message}`);
              assert.ok(typeof e?.code === "string", `${m}(${typeof a}, ${typeof b}): untyped ${e?.name}: ${String(e?.message).slice(0, 80)}`);
            }
          }
        }
      }
      assert.ok(typeof object.toString() === "string");
    }
    const headers = hookline.signHeaders({ secret, payload: '{"ok":true}' });
    assert.deepEqual(new hookline.Webhook(secret).verify('{"ok":true}', headers), { ok: true });
    assert.deepEqual(prepared[0][0].sign('{"ok":true}', "msg_1", 1_700_000_000), hookline.signHeaders({ secret, payload: '{"ok":true}', id: "msg_1", timestamp: 1_700_000_000 }));
    assert.ok(calls > 5000);
  });

  test("no error message, hint, toString or JSON shows a secret or a full signature", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const rawText = "sup3r-s3cret-githubkey-value";
    const pair = hookline.generateKeyPair();
    const h = hookline.signHeaders({ secret, payload: "{}" });
    const fullSig = h["webhook-signature"].slice(3);
    const needles = ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", rawText, pair.secretKey.slice(5, 30), fullSig];
    const texts = [];
    const grab = async (fn) => {
      try {
        const r = fn();
        if (r && typeof r.then === "function") await r;
      } catch (e) {
        texts.push(`${e.message} ${e.hint ?? ""} ${String(e)} ${JSON.stringify(e)}`);
      }
    };
    const optionSets = [
      { secret }, { secret: `${secret} ` }, { secret: rawText, scheme: "standard-webhooks" }, { secrets: [secret, rawText] },
      { secret: pair.secretKey, scheme: "discord" }, { publicKey: pair.secretKey.replace("whsk_", "whpk_") }, { secret: rawText, scheme: "bogus" },
      { secret: { id: 5, key: rawText } }, { secret: rawText, tolerance: -1 }, { secret: new TextEncoder().encode(rawText), format: "raw", scheme: "github" },
    ];
    for (const opts of optionSets) {
      for (const headers of [h, {}, { "x-hub-signature-256": `sha256=${"0".repeat(64)}` }, { "stripe-signature": `t=1,v1=${fullSig}` }]) {
        await grab(() => hookline.verifyWebhook("{}", headers, opts));
        await grab(() => hookline.verify({ parsed: true }, headers, opts));
        await grab(() => new hookline.Verifier(opts).verify("x", headers));
        await grab(() => hookline.signHeaders({ ...opts, payload: undefined }));
      }
      await grab(() => new hookline.Webhook(opts.secret, { format: opts.format }));
    }
    await grab(() => new hookline.Webhook(pair.publicKey).sign("m", new Date(), "{}"));
    for (const obj of [new hookline.Webhook(secret), new hookline.Verifier({ secrets: [secret, rawText] })]) {
      texts.push(String(obj), JSON.stringify(obj));
    }
    assert.ok(texts.length > 100, `only ${texts.length} texts`);
    for (const t of texts) for (const n of needles) assert.ok(!t.includes(n), `leaked ${n.slice(0, 6)}… in: ${t.slice(0, 120)}`);
  });

  test("10 MiB headers, duplicated headers and non-UTF-8 bodies get typed answers", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const h = hookline.signHeaders({ secret, payload: "{}" });
    const huge = "A".repeat(10 * 1024 * 1024);
    const t = Date.now();
    assert.throws(() => hookline.verify("{}", { ...h, "webhook-signature": `v1,${huge}` }, { secret }), "invalid_header");
    assert.throws(() => hookline.verify("{}", { ...h, "webhook-timestamp": huge }, { secret }), "invalid_header");
    assert.throws(() => hookline.verify("{}", { ...h, "webhook-id": huge }, { secret }), "no_matching_signature");
    assert.throws(() => hookline.verifyWebhook("{}", { "x-hub-signature-256": `sha256=${huge}` }, { secret: "s" }), "invalid_header");
    assert.ok(Date.now() - t < 10_000, "bounded time on 10 MiB headers");
    // A body limit answers before any hashing.
    assert.throws(() => hookline.verify(huge, h, { secret, maxPayloadBytes: 1 << 20 }), "payload_too_large");
    assert.throws(() => new hookline.Webhook(secret, { maxPayloadBytes: 1 }).verify("{}", h), "payload_too_large");
    assert.throws(() => hookline.verify("{}", h, { secret, maxPayloadBytes: -1 }), "invalid_argument", TypeError);
    // Duplicated headers (node:http arrays, Headers.append) join with ", " and still verify.
    const dup = { ...h, "webhook-signature": ["v1,AAAA", h["webhook-signature"]] };
    assert.equal(hookline.verify("{}", dup, { secret, jsonParse: false }), undefined);
    const bytes = new Uint8Array([0xc3, 0x28, 0xff, 0xfe]);
    const signed = hookline.signHeaders({ secret, payload: bytes });
    assert.equal(hookline.verify(bytes, signed, { secret, jsonParse: false }), undefined);
    assert.throws(() => hookline.verify(bytes, signed, { secret }), "invalid_payload");
  });

  test("100,000 signatures in one header: a clear error, not a long scan", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const h = hookline.signHeaders({ secret, payload: "{}" });
    const many = { ...h, "webhook-signature": `${"v1,AAAA ".repeat(100_000)}${h["webhook-signature"]}` };
    assert.throws(() => hookline.verify("{}", many, { secret }), "invalid_header");
    const t = Date.now();
    for (let i = 0; i < 10; i++) assert.throws(() => hookline.verify("{}", many, { secret }), "invalid_header");
    assert.ok(Date.now() - t < 5000, "bounded work");
  });

  test("ed25519 work is bounded to what rotation needs: a third v1a signature is too_many_signatures, at once", () => {
    const pairs = Array.from({ length: 8 }, () => hookline.generateKeyPair());
    const publicKeys = pairs.map((p) => p.publicKey);
    const signer = hookline.generateKeyPair();
    const h = hookline.signHeaders({ secret: signer.secretKey, payload: "{}", id: "msg_ed", timestamp: 1_700_000_000 });
    const sig = h["webhook-signature"];
    assert.ok(sig.startsWith("v1a,"), sig);
    const repeated = (n) => ({ ...h, "webhook-signature": Array.from({ length: n }, () => sig).join(" ") });
    // Two signatures (a rotating sender's old and new key) against eight keys: checked, none matches.
    assert.throws(() => hookline.verify("{}", repeated(2), { publicKeys, now: 1_700_000_000 }), "no_matching_signature");
    // A third is refused before any check, even against one key: before, one key and 64 signatures
    // were allowed and cost about 29 times a valid request.
    const t = Date.now();
    for (const n of [3, 64]) {
      for (let i = 0; i < 25; i++) {
        assert.throws(() => hookline.verify("{}", repeated(n), { publicKey: pairs[0].publicKey, now: 1_700_000_000 }), "too_many_signatures", hookline.WebhookVerificationError, `${n} signatures`);
      }
    }
    assert.ok(Date.now() - t < 2000, `50 refusals took ${Date.now() - t} ms`);
    // A rotation verifies: the old key's signature first, the new key's second.
    const rotated = hookline.signHeaders({ secrets: [pairs[0].secretKey, signer.secretKey], payload: "{}", id: "msg_ed", timestamp: 1_700_000_000 });
    assert.equal(rotated["webhook-signature"].split(" ").length, 2);
    assert.equal(hookline.verifyWebhook("{}", rotated, { publicKey: signer.publicKey, now: 1_700_000_000 }).keyId, "publicKey");
    // The right key among eight still verifies.
    assert.equal(hookline.verifyWebhook("{}", h, { publicKeys: [...publicKeys.slice(0, 7), signer.publicKey], now: 1_700_000_000 }).keyIndex, 7);
  });

  test("no scheme downgrade: a timestamped request re-framed as GitHub or Shopify fails with the defaults", async () => {
    const secret = "8f742231b10e8888abcd99yyyzzz85a5";
    const old = 1_700_000_000;
    const later = old + 86_400; // a day later: far past any tolerance
    const hexOf = (s) => s.replace(/^(v0=|v1=|sha256=)/, "");
    const b64OfHex = (hex) => btoa(String.fromCharCode(...hex.match(/../g).map((h) => parseInt(h, 16))));
    // Slack signs "v0:{ts}:{body}": as GitHub, that string is the body and the signature its HMAC.
    const slackBody = "token=x&team_id=T1&command=/deploy&text=prod";
    const slack = hookline.signHeaders({ scheme: "slack", secret, payload: slackBody, timestamp: old });
    const asGithub = { "x-hub-signature-256": `sha256=${hexOf(slack["x-slack-signature"])}` };
    const slackContent = `v0:${old}:${slackBody}`;
    // Stripe signs "{t}.{body}".
    const stripeBody = '{"id":"evt_1","type":"invoice.paid"}';
    const stripe = hookline.signHeaders({ scheme: "stripe", secret, payload: stripeBody, timestamp: old });
    const v1 = /v1=([0-9a-f]{64})/.exec(stripe["stripe-signature"])[1];
    const stripeContent = `${old}.${stripeBody}`;
    const replays = [
      ["Slack as GitHub", slackContent, asGithub],
      ["Stripe as GitHub", stripeContent, { "x-hub-signature-256": `sha256=${v1}` }],
      ["Stripe as Shopify", stripeContent, { "x-shopify-hmac-sha256": b64OfHex(v1) }],
    ];
    for (const [name, body, headers] of replays) {
      for (const call of [() => hookline.verify(body, headers, { secret, now: later, jsonParse: false }), () => new hookline.Verifier({ secret, jsonParse: false }).verify(body, headers, { now: later })]) {
        assert.throws(call, "scheme_downgrade", hookline.WebhookVerificationError, name);
      }
      // Named, the scheme is the operator's choice (and the signature itself is sound).
      const scheme = "x-shopify-hmac-sha256" in headers ? "shopify" : "github";
      assert.equal(hookline.verifyWebhook(body, headers, { secret, scheme, now: later, jsonParse: false }).scheme, scheme, name);
    }
    // Standard Webhooks signs "{id}.{ts}.{body}", an id of any characters (the spec sets none):
    // re-sent as GitHub's under the same raw key.
    const rawKey = new TextEncoder().encode("0123456789abcdef0123456789abcdef");
    const hexOfB64 = (b64) => Array.from(atob(b64), (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
    for (const id of ["evt.42", "msg:1", "x".repeat(300)]) {
      const sw = hookline.signHeaders({ secret: rawKey, payload: stripeBody, id, timestamp: old });
      const headers = { "x-hub-signature-256": `sha256=${hexOfB64(sw["webhook-signature"].slice(3))}` };
      const body = `${id}.${old}.${stripeBody}`;
      assert.throws(() => hookline.verify(body, headers, { secret: rawKey, now: later, jsonParse: false }), "scheme_downgrade", hookline.WebhookVerificationError, id);
      assert.equal(hookline.verifyWebhook(body, headers, { secret: rawKey, scheme: "github", now: later, jsonParse: false }).scheme, "github", id);
    }
    // Linear signs the body alone, as GitHub and Shopify do, with its timestamp inside the body:
    // a day-old Linear request re-sent under their headers.
    const linearBody = `{"action":"create","type":"Issue","data":{"id":"i1"},"webhookTimestamp":${old * 1000}}`;
    const linearHex = hookline.signHeaders({ scheme: "linear", secret, payload: linearBody })["linear-signature"];
    assert.throws(() => hookline.verifyWebhook(linearBody, { "linear-signature": linearHex }, { secret, now: later }), "timestamp_too_old");
    const linearReplays = [
      ["Linear as GitHub", { "x-hub-signature-256": `sha256=${linearHex}` }, "github"],
      ["Linear as Shopify", { "x-shopify-hmac-sha256": b64OfHex(linearHex) }, "shopify"],
    ];
    for (const [name, headers, scheme] of linearReplays) {
      assert.throws(() => hookline.verifyWebhook(linearBody, headers, { secret, now: later }), "scheme_downgrade", hookline.WebhookVerificationError, name);
      assert.throws(() => new hookline.Verifier({ secret }).verify(linearBody, headers, { now: later }), "scheme_downgrade", hookline.WebhookVerificationError, name);
      assert.equal(hookline.verifyWebhook(linearBody, headers, { secret, scheme, now: later }).scheme, scheme, name);
    }
    // And through verifyRequest, with the clock of today.
    for (const [name, headers] of linearReplays) {
      const request = new Request("https://receiver.example/hook", { method: "POST", headers, body: linearBody });
      const e = await hookline.verifyRequest(request, { secret }).then(() => null, (err) => err);
      assert.equal(e?.code, "scheme_downgrade", `${name} through verifyRequest: ${e?.message ?? "accepted"}`);
    }
    // A real GitHub delivery (JSON) is still detected.
    const gh = hookline.signHeaders({ scheme: "github", secret, payload: stripeBody });
    assert.equal(hookline.verifyWebhook(stripeBody, gh, { secret }).scheme, "github");
  });
}

