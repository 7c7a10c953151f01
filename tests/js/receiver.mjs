// hookline/receiver, the lean entry: the same receiver tests as the main entry (every scheme's
// vectors, auto-detection, unpoisonable boundary, limits before copying, hostile input, large
// bodies, dedupe) run against its Webhook, Verifier and verify* functions, with the main entry
// only signing the requests. Registered by suite.mjs, so it runs in every runtime.
import { assert, hexToBytes } from "./harness.mjs";
import { registerDedupeTests } from "./dedupe.mjs";
import { registerHostileTests } from "./hostile.mjs";
import { registerLargeBodyTests } from "./large.mjs";
import { registerPoisonTests } from "./poison.mjs";
import { registerSchemeTests } from "./schemes.mjs";

const RECEIVER = ["Webhook", "Verifier", "verify", "verifyWebhook", "verifyRequest", "wasmMemoryBytes", "HooklineError", "WebhookVerificationError"];
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/**
 * Registered first, while the instance has loaded nothing (Deno resolves its npm: and relative
 * specifiers to one instance: the second run finds it already used): each build is loaded when
 * first needed. An HMAC key loads neither the ed25519 build nor the sender's; an ed25519 key
 * loads the first, a sender API the second.
 */
export function registerFreshTests(test, hookline, receiver, { vectors }) {
  const seen = (globalThis.__hooklineReceiversTested ??= []);
  const fresh = !seen.some((m) => m.Webhook === receiver.Webhook);
  seen.push(receiver);
  // Run now, before other files register (some sign their requests as they do): the test
  // reports what happened. Each step must grow the package's wasm memory, so each build was
  // loaded at its step and no earlier. Both entries count the whole package's.
  let outcome;
  try {
    const c = vectors["standard-webhooks"].verify.find((v) => v.name === "valid");
    const memory = [hookline.wasmMemoryBytes()];
    assert.equal(receiver.wasmMemoryBytes(), memory[0]);
    assert.equal(hookline.verifyWebhook(c.payload, c.headers, { secrets: c.secrets, now: c.now, jsonParse: false }).scheme, "standard-webhooks");
    new receiver.Webhook(c.secrets[0]).free();
    memory.push(hookline.wasmMemoryBytes());
    // A whpk_ key: the HMAC build refuses it, the ed25519 build takes the call.
    const ed = vectors.schemes["standard-webhooks-v1a"].verify.find((v) => v.name === "valid");
    assert.equal(receiver.verifyWebhook(ed.payload, ed.headers, { publicKeys: ed.keys, now: ed.now }).keyIndex, 0);
    memory.push(hookline.wasmMemoryBytes());
    // A sender API loads the sender's build.
    hookline.signHeaders({ secret: c.secrets[0], payload: "{}" });
    memory.push(receiver.wasmMemoryBytes());
    if (fresh) {
      const [atImport, hmacKey, edKey, signing] = memory;
      assert.equal(atImport, 0, "a build was loaded at import");
      assert.ok(hmacKey > 0, "an HMAC verification loaded no build");
      assert.ok(edKey > hmacKey, "an ed25519 key loaded no build: the HMAC key had loaded the ed25519 build");
      assert.ok(signing > edKey, "signHeaders loaded no build: a receiver had loaded the sender's");
    }
  } catch (e) {
    outcome = e;
  }
  test("each build is loaded when first needed: the receiver's at the first verify, ed25519 for its keys, the sender's for a sender API", () => {
    if (outcome) throw outcome;
  });
}

export function registerReceiverTests(test, hookline, receiver, { vectors, runtime, createHmac, required }) {
  const named = (name, fn) => test(`receiver entry: ${name}`, fn);
  // The main entry's signing helpers with the receiver entry's verifying ones.
  const mixed = { ...hookline };
  for (const name of RECEIVER) mixed[name] = receiver[name];

  named("exports the receiver alone, the main entry's own receiver", () => {
    const exported = Object.keys(receiver).filter((k) => k !== "__esModule" && k !== "default").sort();
    assert.deepEqual(exported, [...RECEIVER].sort());
    // One receiver binding: the main entry's receiver exports are this entry's.
    for (const name of RECEIVER) {
      if (name !== "wasmMemoryBytes") assert.equal(hookline[name], receiver[name], `hookline.${name} is hookline/receiver's`);
    }
    // The internal code never reaches a caller, whichever build answered.
    const pair = hookline.generateKeyPair();
    const signed = hookline.signHeaders({ secret: pair.secretKey, payload: "{}" });
    for (const key of ["whpk_" + "A".repeat(43) + "=", "whsk_" + "A".repeat(43) + "=", "0".repeat(64)]) {
      try {
        receiver.verifyWebhook("{}", signed, { secret: key, scheme: key.length === 64 ? "discord" : undefined });
      } catch (e) {
        assert.ok(e.code !== "ed25519_unavailable", `${key.slice(0, 5)}: ${e.code}`);
      }
    }
    assert.throws(() => new receiver.Webhook(pair.publicKey).verify("{} ", signed), "no_matching_signature", hookline.WebhookVerificationError);
    assert.throws(() => new receiver.Webhook("whpk_AAAA"), "invalid_secret", hookline.WebhookVerificationError);
  });

  named("Webhook is the svix/standardwebhooks drop-in: sign vectors and toString redaction", () => {
    for (const c of vectors["standard-webhooks"].sign) {
      if (c.secret_raw_hex !== undefined) continue;
      const payload = c.payload_hex !== undefined ? hexToBytes(c.payload_hex) : c.payload;
      assert.equal(new receiver.Webhook(c.secret).sign(c.id, new Date(c.timestamp * 1000), payload), c.signature, c.name);
    }
    const wh = new receiver.Webhook(SECRET);
    assert.ok(!`${wh} ${JSON.stringify(wh)}`.includes("MfKQ9r8G"));
  });

  named("the entries agree, and bytes verify as the same text given as a string (a byte order mark included)", async () => {
    const texts = [];
    for (const prefix of ["", "\uFEFF", "\uFEFF\uFEFF", " ", "\n", "\u00A0"]) {
      for (const body of ['{"a":1}', "[1,2]", '"s"', "null", "7", "token=x&c=/d", "", "{bad", '{"\uFEFF":"\uFEFF"}']) texts.push(prefix + body);
    }
    const bytesOnly = [[0xef, 0xbb, 0xbf], [0xef, 0xbb, 0xbf, 0xff], [0xef, 0xbb], [0xfe, 0xff, 0x7b, 0x7d], [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00], [0xc3, 0x28]];
    const enc = new TextEncoder();
    const cases = [...texts.map((t) => [t, enc.encode(t)]), ...bytesOnly.map((b) => [null, new Uint8Array(b)])];
    const outcome = (f) => {
      try {
        const r = f();
        return JSON.stringify({ ok: r === undefined ? "undefined" : r });
      } catch (e) {
        return JSON.stringify({ code: e.code, message: e.message });
      }
    };
    let compared = 0;
    for (const [text, bytes] of cases) {
      const headers = hookline.signHeaders({ secret: SECRET, payload: bytes, id: "msg_bom", timestamp: 1_700_000_000 });
      const opts = { secret: SECRET, now: 1_700_000_000 };
      const calls = (entry, form) =>
        [
          () => entry.verify(form, headers, opts),
          () => entry.verifyWebhook(form, headers, opts),
          () => new entry.Verifier({ secret: SECRET }).verify(form, headers, { now: 1_700_000_000 }),
        ].map(outcome);
      for (const form of [bytes, bytes.buffer]) {
        const main = calls(hookline, form);
        assert.deepEqual(calls(receiver, form), main, `${JSON.stringify(text)} as bytes: the entries disagree`);
        if (text !== null) assert.deepEqual(main, calls(hookline, text), `${JSON.stringify(text)}: bytes and text disagree`);
        compared += main.length;
      }
      const request = () => new Request("https://r.example/", { method: "POST", headers, body: bytes });
      const [viaMain, viaLean] = await Promise.all([hookline, receiver].map((entry) => entry.verifyRequest(request(), opts).then((r) => JSON.stringify(r.payload) ?? "undefined", (e) => e.code)));
      assert.equal(viaLean, viaMain, `${JSON.stringify(text)} through verifyRequest: the entries disagree`);
      if (text !== null) {
        const asText = JSON.stringify(hookline.verifyWebhook(text, headers, opts).payload) ?? "undefined";
        assert.equal(viaMain, asText, `${JSON.stringify(text)} through verifyRequest and as text`);
      }
    }
    assert.ok(compared > 300, `${compared} comparisons`);
    // The rule itself: a byte order mark is part of the body, as it is in a string.
    const bom = enc.encode('\uFEFF{"a":1}');
    const signed = hookline.signHeaders({ secret: SECRET, payload: bom, id: "msg_bom", timestamp: 1_700_000_000 });
    assert.equal(receiver.verifyWebhook(bom, signed, { secret: SECRET, now: 1_700_000_000 }).payload, '\uFEFF{"a":1}');
    assert.throws(() => hookline.verify(bom, signed, { secret: SECRET, now: 1_700_000_000 }), "invalid_payload");
  });

  if (required) {
    named("import and require in one process: the same error classes, one ed25519 build", () => {
      assert.equal(required.WebhookVerificationError, receiver.WebhookVerificationError);
      assert.equal(required.HooklineError, hookline.HooklineError);
      const pair = hookline.generateKeyPair();
      const signed = hookline.signHeaders({ secret: pair.secretKey, payload: "{}" });
      for (const entry of [receiver, required, receiver]) {
        assert.deepEqual(new entry.Webhook(pair.publicKey).verify("{}", signed), {});
        assert.throws(() => new entry.Webhook(pair.publicKey).verify("{ }", signed), "no_matching_signature", hookline.WebhookVerificationError);
      }
    });
  }

  registerSchemeTests(named, mixed, vectors);
  registerPoisonTests(named, mixed);
  registerHostileTests(named, mixed);
  registerLargeBodyTests(named, mixed, runtime, createHmac);
  registerDedupeTests(named, mixed, { vectors });
}
