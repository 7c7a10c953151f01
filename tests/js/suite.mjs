// The cross-runtime suite: the same file runs against the installed package in Node ESM, Node
// CommonJS, Deno, Bun, workerd and Chromium. Each runner passes the imported module and the
// vectors (loaded its own way) and prints the counts this returns.
import { assert, createHarness, hexToBytes, utf8 } from "./harness.mjs";
import { registerSchemeTests } from "./schemes.mjs";
import { registerProviderTests } from "./providers.mjs";
import { registerHandshakeTests } from "./handshakes.mjs";
import { registerHostileTests } from "./hostile.mjs";
import { registerSenderTests } from "./sender.mjs";
import { registerLargeBodyTests } from "./large.mjs";
import { registerDeliveryVectorTests } from "./delivery-vectors.mjs";
import { registerLifecycleVectorTests } from "./lifecycle-vectors.mjs";
import { registerOperationsVectorTests } from "./operations-vectors.mjs";
import { registerSupportVectorTests } from "./support-vectors.mjs";
import { registerThrottleVectorTests } from "./throttle-vectors.mjs";
import { registerOrderingVectorTests } from "./ordering-vectors.mjs";
import { registerDedupeTests } from "./dedupe.mjs";
import { registerPoisonTests } from "./poison.mjs";
import { registerFreshTests, registerReceiverTests } from "./receiver.mjs";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

export async function runSuite(hookline, { vectors, runtime, createHmac, receiver, required }) {
  const { Webhook, verify, signHeaders, generateSecret, WebhookVerificationError, HooklineError } = hookline;
  const { test, run } = createHarness();
  const sw = vectors["standard-webhooks"];
  const payloadOf = (c) => (c.payload_hex !== undefined ? hexToBytes(c.payload_hex) : c.payload);
  if (!receiver) throw new Error(`${runtime}: the runner passed no hookline/receiver module`);
  registerFreshTests(test, hookline, receiver, { vectors });

  test("exports the documented API", () => {
    const names = ["Webhook", "Verifier", "verify", "verifyWebhook", "verifyRequest", "signHeaders", "generateSecret",
      "generateKeyPair", "publicKeyFromSecretKey", "generateTestHeaderString", "WebhookVerificationError", "HooklineError"];
    for (const name of names) {
      assert.equal(typeof hookline[name], "function", name);
    }
    assert.ok(new WebhookVerificationError("x", "m") instanceof HooklineError);
    assert.ok(new WebhookVerificationError("x", "m") instanceof Error);
  });

  for (const c of sw.sign) {
    test(`standard-webhooks sign vector: ${c.name}`, () => {
      const wh = c.secret_raw_hex !== undefined
        ? new Webhook(hexToBytes(c.secret_raw_hex), { format: "raw" })
        : new Webhook(c.secret);
      assert.equal(wh.sign(c.id, new Date(c.timestamp * 1000), payloadOf(c)), c.signature);
      // The same bytes as a Uint8Array sign the same.
      const bytes = typeof payloadOf(c) === "string" ? utf8(payloadOf(c)) : payloadOf(c);
      assert.equal(wh.sign(c.id, c.timestamp, bytes), c.signature, "bytes, unix seconds:");
    });
  }

  for (const c of sw.verify) {
    test(`standard-webhooks verify vector: ${c.name}`, () => {
      const opts = { secrets: c.secrets, now: c.now, jsonParse: false };
      if (c.tolerance !== undefined) opts.tolerance = c.tolerance;
      const forms = [c.headers, new Map(Object.entries(c.headers))];
      if (typeof Headers === "function") forms.push(new Headers(c.headers));
      for (const headers of forms) {
        if (c.expect.error) {
          const e = assert.throws(() => verify(c.payload, headers, opts), c.expect.error, WebhookVerificationError, c.name);
          if (c.expect.header) assert.ok(e.message.startsWith(`missing required header ${c.expect.header}`), `${c.name}: ${e.message}`);
        } else {
          assert.equal(verify(c.payload, headers, opts), undefined, c.name);
          assert.equal(verify(utf8(c.payload), headers, opts), undefined, `${c.name} (bytes)`);
        }
      }
    });
  }

  test("Webhook.verify names a missing header as the request names the others (svix-id, not webhook-id)", () => {
    const wh = new Webhook(SECRET);
    const signed = signHeaders({ secret: SECRET, payload: "{}" });
    const svixStyle = { "svix-timestamp": signed["webhook-timestamp"], "svix-signature": signed["webhook-signature"] };
    const e = assert.throws(() => wh.verify("{}", svixStyle), "missing_header", WebhookVerificationError);
    assert.equal(e.message, "missing required header svix-id");
    const plain = { "webhook-timestamp": signed["webhook-timestamp"], "webhook-signature": signed["webhook-signature"] };
    assert.equal(assert.throws(() => wh.verify("{}", plain), "missing_header").message, "missing required header webhook-id");
  });

  test("Webhook.verify returns the parsed JSON and undefined for an empty body", () => {
    const wh = new Webhook(SECRET);
    const body = '{"type":"invoice.paid","data":{"n":1}}';
    const headers = signHeaders({ secret: SECRET, payload: body });
    assert.deepEqual(wh.verify(body, headers), { type: "invoice.paid", data: { n: 1 } });
    const empty = signHeaders({ secret: SECRET, payload: "" });
    assert.equal(wh.verify("", empty), undefined);
  });

  test("payload as string, Uint8Array, ArrayBuffer and DataView verify alike", () => {
    const body = '{"emoji":"\u{1F680}","accent":"caf\u00e9"}';
    const headers = signHeaders({ secret: SECRET, payload: body, id: "msg_x", timestamp: new Date() });
    const bytes = utf8(body);
    const wh = new Webhook(SECRET);
    for (const payload of [body, bytes, bytes.buffer.slice(0), new DataView(bytes.buffer.slice(0))]) {
      assert.deepEqual(wh.verify(payload, headers), { emoji: "\u{1F680}", accent: "caf\u00e9" });
    }
    // A view into the middle of a larger buffer uses only its own bytes.
    const big = new Uint8Array(bytes.length + 10);
    big.set(bytes, 5);
    assert.deepEqual(wh.verify(big.subarray(5, 5 + bytes.length), headers), { emoji: "\u{1F680}", accent: "caf\u00e9" });
  });

  test("non-UTF-8 body verifies in raw mode and is never re-encoded", () => {
    const body = new Uint8Array([0xff, 0xfe, 0x00, 0x80]);
    const headers = signHeaders({ secret: SECRET, payload: body });
    assert.equal(verify(body, headers, { secret: SECRET, jsonParse: false }), undefined);
    assert.throws(() => new Webhook(SECRET).verify(body, headers), "invalid_payload", WebhookVerificationError);
  });

  test("jsonParse: false is the one name for an unparsed body; each not-JSON message names where it goes", () => {
    const body = "token=x&command=/deploy";
    const headers = signHeaders({ secret: SECRET, payload: body });
    const wh = new Webhook(SECRET);
    const e1 = assert.throws(() => wh.verify(body, headers), "invalid_payload", WebhookVerificationError);
    assert.ok(e1.message.includes("pass { jsonParse: false } as verify's third argument"), e1.message);
    assert.equal(wh.verify(body, headers, { jsonParse: false }), undefined);
    const e2 = assert.throws(() => verify(body, headers, { secret: SECRET }), "invalid_payload", WebhookVerificationError);
    assert.ok(e2.message.includes("add jsonParse: false to the options"), e2.message);
    assert.equal(verify(body, headers, { secret: SECRET, jsonParse: false }), undefined);
    // The describing receivers never fail on the body; jsonParse: false leaves payload out.
    assert.equal(new hookline.Verifier({ secret: SECRET }).verify(body, headers).payload, body);
    assert.equal(new hookline.Verifier({ secret: SECRET, jsonParse: false }).verify(body, headers).payload, undefined);
    assert.equal(hookline.verifyWebhook(body, headers, { secret: SECRET, jsonParse: false }).payload, undefined);
    assert.equal(hookline.verifyWebhook("{}", signHeaders({ secret: SECRET, payload: "{}" }), { secret: SECRET, jsonParse: true }).payload.constructor, Object);
    // raw, the receivers' old name, is refused everywhere rather than silently ignored.
    for (const call of [
      () => wh.verify(body, headers, { raw: true }),
      () => new hookline.Verifier({ secret: SECRET, raw: true }),
      () => verify(body, headers, { secret: SECRET, raw: true }),
      () => hookline.verifyWebhook(body, headers, { secret: SECRET, raw: false }),
    ]) {
      const e = assert.throws(call, "invalid_argument", TypeError);
      assert.ok(e.message.includes("jsonParse: false"), e.message);
    }
  });

  test("verifyRequest takes jsonParse: false and refuses raw", async () => {
    const body = "not json";
    const headers = signHeaders({ secret: SECRET, payload: body });
    const request = () => new Request("http://127.0.0.1/hook", { method: "POST", body, headers });
    const got = await hookline.verifyRequest(request(), { secret: SECRET, jsonParse: false });
    assert.deepEqual([got.payload, got.body.length], [undefined, body.length]);
    let caught;
    await hookline.verifyRequest(request(), { secret: SECRET, raw: true }).catch((e) => (caught = e));
    assert.equal(caught?.code, "invalid_argument", `${caught}`);
  });

  test("signHeaders: all three headers, sortable msg_ id, timestamp now", () => {
    const before = Math.floor(Date.now() / 1000);
    const h = signHeaders({ secret: SECRET, payload: "{}" });
    assert.deepEqual(Object.keys(h).sort(), ["webhook-id", "webhook-signature", "webhook-timestamp"]);
    assert.ok(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/.test(h["webhook-id"]), h["webhook-id"]);
    assert.ok(Math.abs(Number(h["webhook-timestamp"]) - before) <= 2, h["webhook-timestamp"]);
    assert.ok(/^v1,[A-Za-z0-9+/]{43}=$/.test(h["webhook-signature"]));
    const h2 = signHeaders({ secret: SECRET, payload: "{}" });
    assert.ok(h2["webhook-id"] !== h["webhook-id"], "ids are unique");
  });

  test("signHeaders with several secrets signs with each (rotation)", () => {
    const other = generateSecret();
    const h = signHeaders({ secrets: [SECRET, other], payload: "{}", id: "msg_r", timestamp: 1700000000 });
    assert.equal(h["webhook-signature"].split(" ").length, 2);
    for (const s of [SECRET, other]) {
      assert.equal(verify("{}", h, { secret: s, now: 1700000000, jsonParse: false }), undefined);
    }
  });

  test("generateSecret: whsec_ with 32 random bytes, unique, usable", () => {
    const a = generateSecret();
    const b = generateSecret();
    assert.ok(/^whsec_[A-Za-z0-9+/]{43}=$/.test(a), a);
    assert.ok(a !== b);
    const h = signHeaders({ secret: a, payload: "{}" });
    assert.deepEqual(new Webhook(a).verify("{}", h), {});
  });

  test("secret with or without whsec_, raw bytes and raw strings agree", () => {
    const raw = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ts = new Date(1614265330000);
    const a = new Webhook(SECRET).sign("m", ts, "x");
    assert.equal(new Webhook(raw).sign("m", ts, "x"), a);
    const rawSig = new Webhook(utf8(raw), { format: "raw" }).sign("m", ts, "x");
    assert.equal(new Webhook(raw, { format: "raw" }).sign("m", ts, "x"), rawSig);
    assert.ok(rawSig !== a);
  });

  for (const c of sw.secrets) {
    test(`standard-webhooks secret vector: ${c.name}`, () => {
      if (c.error) {
        assert.throws(() => new Webhook(c.secret), c.error, WebhookVerificationError, c.name);
        assert.throws(() => verify("{}", {}, { secret: c.secret, scheme: "standard-webhooks" }), c.error, WebhookVerificationError, c.name);
        return;
      }
      // The key is the decoded bytes: the same key given raw signs the same, and it verifies.
      const raw = new Webhook(hexToBytes(c.key_hex), { format: "raw" });
      const wh = new Webhook(c.secret);
      const signature = wh.sign("msg_1", 1700000000, "{}");
      assert.equal(raw.sign("msg_1", 1700000000, "{}"), signature, c.name);
      const headers = { "svix-id": "msg_1", "svix-timestamp": "1700000000", "svix-signature": signature };
      assert.equal(verify("{}", headers, { secret: c.secret, now: 1700000000, jsonParse: false }), undefined, c.name);
    });
  }

  test("bad secrets fail with invalid_secret and never echo the secret", () => {
    const cases = ["", "whsec_", "whsec_!!notbase64!!", `${SECRET}\n`, " " + SECRET];
    for (const s of cases) {
      const e = assert.throws(() => new Webhook(s), "invalid_secret", WebhookVerificationError, JSON.stringify(s));
      if (s.length > 8) assert.ok(!e.message.includes(s.trim().slice(6)), "secret echoed");
    }
    for (const s of [undefined, null]) assert.throws(() => new Webhook(s), "invalid_secret", WebhookVerificationError);
    for (const s of [42, {}, [], true]) assert.throws(() => new Webhook(s), "invalid_secret", TypeError);
    assert.throws(() => new Webhook(new Uint8Array(0), { format: "raw" }), "invalid_secret");
  });

  test("errors carry code, hint, and the right classes", () => {
    const wh = new Webhook(SECRET);
    const h = signHeaders({ secret: SECRET, payload: '{"a":1}' });
    const e = assert.throws(() => wh.verify('{"a":2}', h), "no_matching_signature", WebhookVerificationError);
    assert.ok(e instanceof HooklineError && e instanceof Error);
    assert.equal(e.name, "WebhookVerificationError");
    assert.ok(typeof e.hint === "string" && e.hint.includes("raw"));
    const parsed = assert.throws(() => wh.verify({ a: 1 }, h), "invalid_payload", WebhookVerificationError);
    assert.ok(parsed.hint.includes("raw request body"), parsed.hint);
    assert.throws(() => wh.verify(undefined, h), "invalid_payload", WebhookVerificationError);
    assert.throws(() => wh.verify("{}", undefined), "invalid_header", TypeError);
    assert.throws(() => wh.verify("{}", "webhook-id: x"), "invalid_header", TypeError);
    assert.throws(() => wh.verify('{"a":1}', { ...h, "webhook-timestamp": "soon" }), "invalid_header");
  });

  test("messages are written from the core's codes and parameters: ages in years or days, the scheme a request carries", () => {
    const h = signHeaders({ secret: SECRET, payload: "{}", timestamp: 1_700_000_000 });
    const at = (now) => assert.throws(() => verify("{}", h, { secret: SECRET, now, jsonParse: false }), undefined, WebhookVerificationError).message;
    assert.equal(at(1_700_000_301), "message timestamp too old: 301 s before now, tolerance 300 s");
    assert.equal(at(1_700_086_400), "message timestamp too old: 86400 s (1 day) before now, tolerance 300 s");
    assert.equal(at(1_700_000_000 + 94_672_800), "message timestamp too old: 94672800 s (3 years) before now, tolerance 300 s");
    assert.equal(at(1_700_000_000 - 2 * 31_557_600), "message timestamp too new: 63115200 s (2 years) after now, tolerance 300 s");
    const stripe = signHeaders({ scheme: "stripe", secret: SECRET, payload: "{}" });
    const e = assert.throws(() => verify("{}", stripe, { secret: SECRET, scheme: "github" }), "missing_header", WebhookVerificationError);
    assert.equal(e.message, 'missing required header x-hub-signature-256 (the request carries stripe headers: pass scheme "stripe" or omit scheme)');
    assert.ok(e.hint.includes("omit scheme"), e.hint);
    const bad = assert.throws(() => new Webhook("whsec_!!"), "invalid_secret", WebhookVerificationError);
    assert.equal(bad.message, "invalid secret: secret is not valid base64 after the whsec_ prefix");
    const type = assert.throws(() => verify("{}", h, { secret: SECRET, scheme: 7 }), "invalid_argument", TypeError);
    assert.equal(type.message, "options.scheme must be a string");
    // The sender's build writes from the same table.
    const sender = assert.throws(() => signHeaders({ secret: "whsec_!!", payload: "{}" }), "invalid_secret");
    assert.equal(sender.message, bad.message);
  });

  test("tolerance option: default 300 s, configurable, both directions", () => {
    const now = 1700000000;
    const h = signHeaders({ secret: SECRET, payload: "{}", timestamp: now });
    const at = (delta, tolerance) => () => verify("{}", h, { secret: SECRET, now: now + delta, tolerance, jsonParse: false });
    at(300)();
    at(-300)();
    assert.throws(at(301), "timestamp_too_old");
    assert.throws(at(-301), "timestamp_too_new");
    at(3600, 3600)();
    assert.throws(at(11, 10), "timestamp_too_old");
    assert.throws(at(0, -1), "invalid_argument", TypeError);
    assert.throws(at(0, 1.5), "invalid_argument", TypeError);
    // `now` as a Date works too.
    assert.equal(verify("{}", h, { secret: SECRET, now: new Date(now * 1000), jsonParse: false }), undefined);
    // The Webhook class takes the tolerance in its options.
    const strict = new Webhook(SECRET, { tolerance: 0 });
    // Tolerance 0 accepts the current second only: sign early in a second, so that a busy machine
    // does not carry the verify into the next one.
    while (Date.now() % 1000 > 500);
    const fresh = signHeaders({ secret: SECRET, payload: "{}" });
    assert.deepEqual(strict.verify("{}", fresh), {});
  });

  test("node:http style headers: arrays and mixed case", () => {
    const h = signHeaders({ secret: SECRET, payload: "{}", timestamp: 1700000000, id: "msg_n" });
    const nodeStyle = {
      "Webhook-Id": h["webhook-id"],
      "webhook-timestamp": [h["webhook-timestamp"]],
      "WEBHOOK-SIGNATURE": ["v1,bm90IGEgc2lnbmF0dXJlIGF0IGFsbCwgcmVhbGx5IQ==", h["webhook-signature"]],
    };
    assert.equal(verify("{}", nodeStyle, { secret: SECRET, now: 1700000000, jsonParse: false }), undefined);
  });

  test("a prototype-polluted object adds no headers", () => {
    const h = signHeaders({ secret: SECRET, payload: "{}" });
    Object.prototype["webhook-signature"] = h["webhook-signature"];
    try {
      const headers = { "webhook-id": h["webhook-id"], "webhook-timestamp": h["webhook-timestamp"] };
      assert.throws(() => new Webhook(SECRET).verify("{}", headers), "missing_header");
    } finally {
      delete Object.prototype["webhook-signature"];
    }
  });

  test("toString and JSON of a Webhook never show the secret", () => {
    const wh = new Webhook(SECRET);
    const shown = `${wh} ${JSON.stringify(wh)}`;
    assert.ok(!shown.includes("MfKQ9r8G"), shown);
    assert.ok(shown.includes("redacted"));
  });

  test("the instance keeps working after a burst of bad input", () => {
    const wh = new Webhook(SECRET);
    const junk = [null, undefined, 0, NaN, {}, [], "x".repeat(100000), Symbol("s"), () => 1];
    for (const a of junk) for (const b of junk) {
      try {
        wh.verify(a, b);
      } catch (e) {
        assert.ok(typeof e.code === "string", `error without code for ${String(a).slice(0, 10)}`);
      }
    }
    const h = signHeaders({ secret: SECRET, payload: "{}" });
    assert.deepEqual(wh.verify("{}", h), {});
  });

  registerSchemeTests(test, hookline, vectors);
  registerProviderTests(test, hookline, vectors);
  registerHandshakeTests(test, hookline, vectors);
  registerSenderTests(test, hookline, vectors);
  registerDeliveryVectorTests(test, hookline, vectors);
  registerLifecycleVectorTests(test, hookline, vectors);
  registerOperationsVectorTests(test, hookline, vectors);
  registerSupportVectorTests(test, hookline, vectors);
  registerThrottleVectorTests(test, hookline, vectors);
  registerOrderingVectorTests(test, hookline, vectors);
  registerDedupeTests(test, hookline, { vectors });
  registerPoisonTests(test, hookline);
  registerHostileTests(test, hookline);
  registerLargeBodyTests(test, hookline, runtime, createHmac);
  registerReceiverTests(test, hookline, receiver, { vectors, runtime, createHmac, required });

  return run(runtime);
}
