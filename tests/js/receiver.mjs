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

export function registerReceiverTests(test, hookline, receiver, { vectors, runtime, createHmac, required }) {
  const named = (name, fn) => test(`receiver entry: ${name}`, fn);
  // The main entry's signing helpers with the receiver entry's verifying ones.
  const mixed = { ...hookline };
  for (const name of RECEIVER) mixed[name] = receiver[name];

  // First, while the receiver's instance has seen only HMAC keys. (Deno resolves its npm: and
  // relative specifiers to one instance: the second run finds the same module already tested.)
  const seen = (globalThis.__hooklineReceiversTested ??= []);
  const fresh = !seen.some((m) => m.Webhook === receiver.Webhook);
  seen.push(receiver);
  named("exports the receiver alone; the ed25519 build is loaded when a key first needs it", () => {
    const exported = Object.keys(receiver).filter((k) => k !== "__esModule" && k !== "default").sort();
    assert.deepEqual(exported, [...RECEIVER].sort());
    assert.equal(receiver.WebhookVerificationError, hookline.WebhookVerificationError, "one error class for both entries");
    const headers = hookline.signHeaders({ secret: SECRET, payload: "{}" });
    const before = receiver.wasmMemoryBytes();
    assert.deepEqual(new receiver.Webhook(SECRET).verify("{}", headers), {});
    assert.equal(receiver.verifyWebhook("{}", headers, { secret: SECRET }).scheme, "standard-webhooks");
    if (fresh) assert.equal(receiver.wasmMemoryBytes(), before, "an HMAC key loaded the ed25519 build");
    // A whpk_ key: the HMAC build refuses it, the ed25519 build takes the call.
    const pair = hookline.generateKeyPair();
    const signed = hookline.signHeaders({ secret: pair.secretKey, payload: "{}" });
    assert.deepEqual(new receiver.Webhook(pair.publicKey).verify("{}", signed), {});
    if (fresh) assert.ok(receiver.wasmMemoryBytes() > before, "the ed25519 build was not loaded");
    // Errors from the ed25519 build are the same classes, with the same codes.
    assert.throws(() => new receiver.Webhook(pair.publicKey).verify("{} ", signed), "no_matching_signature", hookline.WebhookVerificationError);
    assert.throws(() => new receiver.Webhook("whpk_AAAA"), "invalid_secret", hookline.WebhookVerificationError);
    // The internal code never reaches a caller, whichever build answered.
    for (const key of ["whpk_" + "A".repeat(43) + "=", "whsk_" + "A".repeat(43) + "=", "0".repeat(64)]) {
      try {
        receiver.verifyWebhook("{}", signed, { secret: key, scheme: key.length === 64 ? "discord" : undefined });
      } catch (e) {
        assert.ok(e.code !== "ed25519_unavailable", `${key.slice(0, 5)}: ${e.code}`);
      }
    }
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
