// Cross-checks against the real peers in Node, both directions: what hookline signs, the
// `standardwebhooks` and `svix` packages verify, and what they sign, hookline verifies; tampered
// bodies, wrong secrets and stale timestamps are rejected by both sides alike.
import { generateKeyPairSync, sign as edSign, verify as edVerify } from "node:crypto";
import * as octokit from "@octokit/webhooks-methods";
import * as hookline from "hookline";
import * as standardwebhooks from "standardwebhooks";
import Stripe from "stripe";
import * as svix from "svix";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const { test, run } = createHarness();
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER = hookline.generateSecret();
const peers = [
  ["standardwebhooks", standardwebhooks.Webhook, "webhook"],
  ["svix", svix.Webhook, "svix"],
];
const bodies = [
  '{"type":"invoice.paid","data":{"id":"in_1","amount":4200}}',
  '{"text":"Zo\u00eb \u{1F680} \u4e2d\u6587","nested":{"a":[1,2,3]}}',
  JSON.stringify({ big: "x".repeat(70000) }),
  "",
];
const rename = (h, prefix) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.replace(/^webhook-/, `${prefix}-`), v]));
const peerThrows = (fn) => {
  try {
    fn();
  } catch {
    return true;
  }
  return false;
};

for (const [name, PeerWebhook, prefix] of peers) {
  test(`${name} verifies what hookline signs`, () => {
    const peer = new PeerWebhook(SECRET);
    for (const body of bodies) {
      const headers = rename(hookline.signHeaders({ secret: SECRET, payload: body }), prefix);
      if (body === "" && name === "svix") {
        // svix 1.x bundles an older standardwebhooks that JSON.parses an empty body after the
        // signature check passed; a SyntaxError (not a WebhookVerificationError) shows it verified.
        const e = assert.throws(() => peer.verify(body, headers));
        assert.ok(e instanceof SyntaxError, `svix rejected the signature: ${e.message}`);
        continue;
      }
      const got = peer.verify(body, headers);
      assert.deepEqual(got, body === "" ? undefined : JSON.parse(body));
      // Also through the peer-compatible class.
      assert.equal(new hookline.Webhook(SECRET).sign(headers[`${prefix}-id`], new Date(headers[`${prefix}-timestamp`] * 1000), body), headers[`${prefix}-signature`]);
    }
  });

  test(`hookline verifies what ${name} signs`, () => {
    const peer = new PeerWebhook(SECRET);
    const wh = new hookline.Webhook(SECRET);
    for (const body of bodies) {
      const id = `msg_${Math.random().toString(36).slice(2)}`;
      const now = new Date();
      const headers = {
        [`${prefix}-id`]: id,
        [`${prefix}-timestamp`]: String(Math.floor(now.getTime() / 1000)),
        [`${prefix}-signature`]: peer.sign(id, now, body),
      };
      assert.deepEqual(wh.verify(body, headers), body === "" ? undefined : JSON.parse(body));
      assert.equal(hookline.verify(Buffer.from(body), headers, { secret: SECRET, jsonParse: false }), undefined);
    }
  });

  test(`${name} and hookline reject the same tampering`, () => {
    const peer = new PeerWebhook(SECRET);
    const wh = new hookline.Webhook(SECRET);
    const body = bodies[0];
    const fresh = rename(hookline.signHeaders({ secret: SECRET, payload: body }), prefix);
    const stale = rename(hookline.signHeaders({ secret: SECRET, payload: body, timestamp: Math.floor(Date.now() / 1000) - 600 }), prefix);
    const future = rename(hookline.signHeaders({ secret: SECRET, payload: body, timestamp: Math.floor(Date.now() / 1000) + 600 }), prefix);
    const wrongKey = rename(hookline.signHeaders({ secret: OTHER, payload: body }), prefix);
    const cases = [
      ["tampered body", body.replace("4200", "4201"), fresh, "no_matching_signature"],
      ["wrong secret", body, wrongKey, "no_matching_signature"],
      ["stale timestamp", body, stale, "timestamp_too_old"],
      ["future timestamp", body, future, "timestamp_too_new"],
      ["missing signature", body, { ...fresh, [`${prefix}-signature`]: undefined }, "missing_header"],
      ["garbage timestamp", body, { ...fresh, [`${prefix}-timestamp`]: "hello" }, "invalid_header"],
    ];
    for (const [what, b, h, code] of cases) {
      const clean = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined));
      assert.ok(peerThrows(() => peer.verify(b, clean)), `${name} accepted: ${what}`);
      assert.throws(() => wh.verify(b, clean), code, hookline.WebhookVerificationError, what);
    }
    // And the unmodified request passes both.
    peer.verify(body, fresh);
    wh.verify(body, fresh);
  });
}

test("the spec's shared vector signs identically in all three", () => {
  const ts = new Date(1614265330 * 1000);
  const args = ["msg_p5jXN8AQM9LWM0D4loKWxJek", ts, '{"test": 2432232314}'];
  const expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  assert.equal(new hookline.Webhook(SECRET).sign(...args), expected);
  assert.equal(new standardwebhooks.Webhook(SECRET).sign(...args), expected);
  assert.equal(new svix.Webhook(SECRET).sign(...args), expected);
});

test("whsec_ secrets of any non-empty length work as in the peers; an empty one is refused by all", () => {
  const ts = new Date();
  const seconds = String(Math.floor(ts.getTime() / 1000));
  for (const len of [1, 16, 23, 65, 100]) {
    const secret = "whsec_" + Buffer.alloc(len, len).toString("base64");
    for (const [name, PeerWebhook, prefix] of peers) {
      const peer = new PeerWebhook(secret);
      const signature = peer.sign("msg_1", ts, "{}");
      const headers = { [`${prefix}-id`]: "msg_1", [`${prefix}-timestamp`]: seconds, [`${prefix}-signature`]: signature };
      assert.deepEqual(new hookline.Webhook(secret).verify("{}", headers), {}, `${name}, ${len} bytes`);
      assert.equal(new hookline.Webhook(secret).sign("msg_1", ts, "{}"), signature, `${name}, ${len} bytes`);
    }
  }
  // The prefix alone is an empty key: standardwebhooks refuses it, and so does hookline. svix 1.x
  // (over an older standardwebhooks) takes it and signs with an empty HMAC key: not followed.
  assert.ok(peerThrows(() => new standardwebhooks.Webhook("whsec_")), "standardwebhooks took an empty secret");
  assert.ok(!peerThrows(() => new svix.Webhook("whsec_")), "svix now refuses an empty secret: update docs/api.md and docs/migration.md");
  assert.throws(() => new hookline.Webhook("whsec_"), "invalid_secret", hookline.WebhookVerificationError);
});

test("raw-format secrets agree with the peers", () => {
  const raw = new TextEncoder().encode("a raw key of some thirty-two bytes!");
  const ts = new Date(1700000000 * 1000);
  const ours = new hookline.Webhook(raw, { format: "raw" }).sign("msg_1", ts, "{}");
  assert.equal(new standardwebhooks.Webhook(raw, { format: "raw" }).sign("msg_1", ts, "{}"), ours);
});

// ---- Stripe (stripe-node) -------------------------------------------------------------------
const stripe = new Stripe("sk_test_FAKE");
const STRIPE_SECRET = "whsec_test_FAKE_stripe_endpoint_secret";
const stripeBody = JSON.stringify({ id: "evt_1", object: "event", type: "payment_intent.succeeded", data: { object: { id: "pi_1" } } });

test("stripe-node constructEvent accepts what hookline signs", () => {
  const header = hookline.generateTestHeaderString({ payload: stripeBody, secret: STRIPE_SECRET });
  assert.equal(stripe.webhooks.constructEvent(stripeBody, header, STRIPE_SECRET).id, "evt_1");
  const signed = hookline.signHeaders({ scheme: "stripe", secret: STRIPE_SECRET, payload: stripeBody });
  assert.equal(stripe.webhooks.constructEvent(Buffer.from(stripeBody), signed["stripe-signature"], STRIPE_SECRET).type, "payment_intent.succeeded");
  // Two secrets (Stripe's own rotation layout): stripe-node accepts either.
  const both = hookline.signHeaders({ scheme: "stripe", secrets: ["whsec_old_FAKE", STRIPE_SECRET], payload: stripeBody });
  assert.equal(stripe.webhooks.constructEvent(stripeBody, both["stripe-signature"], STRIPE_SECRET).id, "evt_1");
});

test("hookline verifies what stripe-node signs, byte-exact headers", () => {
  const timestamp = Math.floor(Date.now() / 1000);
  const theirs = stripe.webhooks.generateTestHeaderString({ payload: stripeBody, secret: STRIPE_SECRET, timestamp });
  const ours = hookline.generateTestHeaderString({ payload: stripeBody, secret: STRIPE_SECRET, timestamp });
  assert.equal(ours, theirs);
  const v = hookline.verifyWebhook(stripeBody, { "Stripe-Signature": theirs }, { secret: STRIPE_SECRET });
  assert.deepEqual([v.scheme, v.timestamp, v.payload.id], ["stripe", timestamp, "evt_1"]);
});

test("stripe-node and hookline reject the same Stripe tampering", () => {
  const now = Math.floor(Date.now() / 1000);
  const good = hookline.generateTestHeaderString({ payload: stripeBody, secret: STRIPE_SECRET, timestamp: now });
  const cases = [
    ["tampered body", stripeBody.replace("pi_1", "pi_2"), good, "no_matching_signature"],
    ["wrong secret", stripeBody, hookline.generateTestHeaderString({ payload: stripeBody, secret: "whsec_other_FAKE", timestamp: now }), "no_matching_signature"],
    ["stale", stripeBody, hookline.generateTestHeaderString({ payload: stripeBody, secret: STRIPE_SECRET, timestamp: now - 301 }), "timestamp_too_old"],
    ["no t=", stripeBody, good.replace(/^t=\d+,/, ""), "invalid_header"],
  ];
  for (const [what, body, header, code] of cases) {
    assert.ok(peerThrows(() => stripe.webhooks.constructEvent(body, header, STRIPE_SECRET)), `stripe-node accepted: ${what}`);
    assert.throws(() => hookline.verifyWebhook(body, { "stripe-signature": header }, { secret: STRIPE_SECRET, scheme: "stripe" }), code, hookline.WebhookVerificationError, what);
  }
  // The trap: a base64-decoded whsec_ key (Standard Webhooks' reading) is not Stripe's key.
  const decodedKeyHeader = hookline.signHeaders({ scheme: "stripe", secret: new TextEncoder().encode("not the stripe key bytes"), payload: stripeBody, timestamp: now })["stripe-signature"];
  assert.ok(peerThrows(() => stripe.webhooks.constructEvent(stripeBody, decodedKeyHeader, STRIPE_SECRET)));
});

// ---- GitHub (@octokit/webhooks-methods) ------------------------------------------------------
const GH_SECRET = "It's a Secret to Everybody";
const ghBodies = ["Hello, World!", JSON.stringify({ action: "opened", number: 1, title: "Zo\u00eb \u{1F680}" })];

test("octokit verifies what hookline signs, and signs what hookline signs", async () => {
  for (const body of ghBodies) {
    const ours = hookline.signHeaders({ scheme: "github", secret: GH_SECRET, payload: body })["x-hub-signature-256"];
    assert.equal(await octokit.sign(GH_SECRET, body), ours);
    assert.equal(await octokit.verify(GH_SECRET, body, ours), true);
  }
});

test("hookline verifies what octokit signs; both reject tampering and wrong secrets", async () => {
  for (const body of ghBodies) {
    const theirs = await octokit.sign(GH_SECRET, body);
    const v = hookline.verifyWebhook(body, { "X-Hub-Signature-256": theirs, "X-GitHub-Event": "issues", "X-GitHub-Delivery": "d1" }, { secret: GH_SECRET });
    assert.deepEqual([v.scheme, v.eventType, v.id], ["github", "issues", "d1"]);
    const tampered = body + " ";
    assert.equal(await octokit.verify(GH_SECRET, tampered, theirs), false);
    assert.throws(() => hookline.verifyWebhook(tampered, { "x-hub-signature-256": theirs }, { secret: GH_SECRET }), "no_matching_signature");
    assert.equal(await octokit.verify("another secret", body, theirs), false);
    assert.throws(() => hookline.verifyWebhook(body, { "x-hub-signature-256": theirs }, { secret: "another secret" }), "no_matching_signature");
  }
});

// ---- ed25519 through node:crypto (Standard Webhooks v1a, Discord) ----------------------------
const rawPublic = (key) => key.export({ format: "der", type: "spki" }).subarray(-32);
const rawSeed = (key) => key.export({ format: "der", type: "pkcs8" }).subarray(-32);

test("v1a: node:crypto verifies hookline's signatures and hookline verifies node:crypto's", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const whsk = `whsk_${Buffer.concat([rawSeed(privateKey), rawPublic(publicKey)]).toString("base64")}`;
  const whpk = `whpk_${rawPublic(publicKey).toString("base64")}`;
  assert.equal(hookline.publicKeyFromSecretKey(whsk).publicKey, whpk);
  const body = '{"type":"user.created"}';
  const ts = Math.floor(Date.now() / 1000);
  const h = hookline.signHeaders({ secret: whsk, payload: body, id: "msg_ed", timestamp: ts });
  const sig = Buffer.from(h["webhook-signature"].slice(4), "base64");
  assert.equal(edVerify(null, Buffer.from(`msg_ed.${ts}.${body}`), publicKey, sig), true);
  const theirs = edSign(null, Buffer.from(`msg_ed.${ts}.${body}`), privateKey).toString("base64");
  const headers = { ...h, "webhook-signature": `v1a,${theirs}` };
  assert.equal(hookline.verifyWebhook(body, headers, { publicKey: whpk }).scheme, "standard-webhooks");
  assert.throws(() => hookline.verifyWebhook(body + " ", headers, { publicKey: whpk }), "no_matching_signature");
  const other = `whpk_${rawPublic(generateKeyPairSync("ed25519").publicKey).toString("base64")}`;
  assert.throws(() => hookline.verifyWebhook(body, headers, { publicKey: other }), "no_matching_signature");
});

test("Discord: node:crypto and hookline agree on X-Signature-Ed25519 both ways", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const seedHex = rawSeed(privateKey).toString("hex");
  const pubHex = rawPublic(publicKey).toString("hex");
  const body = '{"type":1,"id":"123"}';
  const ts = Math.floor(Date.now() / 1000);
  const h = hookline.signHeaders({ scheme: "discord", secret: seedHex, payload: body, timestamp: ts });
  assert.equal(edVerify(null, Buffer.from(`${ts}${body}`), publicKey, Buffer.from(h["x-signature-ed25519"], "hex")), true);
  const theirs = edSign(null, Buffer.from(`${ts}${body}`), privateKey).toString("hex");
  assert.equal(theirs, h["x-signature-ed25519"], "ed25519 is deterministic: the same signature");
  const v = hookline.verifyWebhook(body, { "X-Signature-Ed25519": theirs, "X-Signature-Timestamp": String(ts) }, { publicKey: pubHex });
  assert.deepEqual([v.scheme, v.timestamp], ["discord", ts]);
  assert.throws(() => hookline.verifyWebhook(body, { "X-Signature-Ed25519": theirs, "X-Signature-Timestamp": String(ts + 1) }, { publicKey: pubHex }), "no_matching_signature");
});

const result = await run("node-peers");
report(result);
process.exitCode = result.failed || result.passed === 0 ? 1 : 0;
