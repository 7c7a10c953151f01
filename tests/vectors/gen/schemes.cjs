// Run from the repository root:  node tests/vectors/gen/schemes.cjs
//
// Writes one known-answer file per signature scheme to tests/vectors/schemes/<scheme>.json.
// Every signature is computed here with Node's built-in node:crypto (createHmac, and
// crypto.sign / crypto.verify with ed25519), never with hookline. Cases that come from a
// provider's published documentation are marked "source": "docs" and are asserted below
// against the published value, so a transcription error stops the script.
//
// Deterministic: fixed secrets, fixed ed25519 seeds, fixed timestamps; no randomness, no clock.
// Before writing, every verify case is run through the small reference verifiers at the
// bottom of this file and the script fails if a case's "expect" disagrees with them.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");

const OUT_DIR = `${__dirname}/../schemes`;
const T = 1718000000; // 2024-06-10T06:13:20Z, the "receiver clock" for most cases

// ---------------------------------------------------------------------------------------
// helpers

const bytes = (x) => (Buffer.isBuffer(x) ? x : Buffer.from(x, "utf8"));
const hmac = (key, ...parts) =>
  crypto.createHmac("sha256", bytes(key)).update(Buffer.concat(parts.map(bytes))).digest();
const hex = (b) => b.toString("hex");
const b64 = (b) => b.toString("base64");
/** payload field(s) for a case: UTF-8 text as "payload", other bytes as "payload_hex". */
const body = (p) => (Buffer.isBuffer(p) ? { payload_hex: p.toString("hex") } : { payload: p });
const payloadBytes = (c) => (c.payload_hex !== undefined ? Buffer.from(c.payload_hex, "hex") : bytes(c.payload));

function assertEq(got, want, what) {
  if (got !== want) throw new Error(`${what}: got ${got}, published ${want}`);
}

// ed25519 from a fixed 32-byte seed (PKCS#8 / SPKI DER wrappers for the raw keys)
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");
function edKey(seed) {
  if (seed.length !== 32) throw new Error(`seed must be 32 bytes, got ${seed.length}`);
  const priv = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
  const pub = crypto.createPublicKey(priv).export({ format: "der", type: "spki" }).subarray(SPKI_ED25519.length);
  return { seed, priv, pub };
}
const edSign = (key, msg) => crypto.sign(null, bytes(msg), key.priv);
function edVerify(pub, msg, sig) {
  if (pub.length !== 32 || sig.length !== 64) return false;
  try {
    const k = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519, pub]), format: "der", type: "spki" });
    return crypto.verify(null, bytes(msg), k, sig);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// 1. Stripe

function stripe() {
  const S1 = "whsec_FAKEhooklineStripeTestSecret0001";
  const S2 = "whsec_FAKEhooklineStripeRotatedKey0002";
  const v1 = (secret, t, p) => hex(hmac(secret, `${t}.`, p));
  const header = (secret, t, p) => `t=${t},v1=${v1(secret, t, p)}`;

  // Stripe delivers pretty-printed JSON with newlines.
  const event = JSON.stringify(
    {
      id: "evt_3PQfakeHOOKLINE0001",
      object: "event",
      api_version: "2024-04-10",
      created: T - 2,
      data: {
        object: {
          id: "pi_3PQfakeHOOKLINE0001",
          object: "payment_intent",
          amount: 2000,
          currency: "usd",
          status: "succeeded",
        },
      },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "payment_intent.succeeded",
    },
    null,
    2,
  );
  const utf8 = JSON.stringify(
    {
      id: "evt_1PQfakeHOOKLINE0002",
      object: "event",
      data: { object: { id: "cus_FAKEhookline02", object: "customer", name: "Zoë Müller-Łukasiewicz", description: "Café ☕ 東京 🚀" } },
      type: "customer.created",
    },
    null,
    2,
  );
  const rotated = JSON.stringify({ id: "evt_1PQfakeHOOKLINE0003", object: "event", type: "invoice.paid" }, null, 2);

  const sign = [
    { name: "payment_intent.succeeded event", source: "node:crypto", secret: S1, ...body(event), timestamp: T, signature: header(S1, T, event) },
    { name: "non-ASCII UTF-8 body is signed as its UTF-8 bytes", source: "node:crypto", secret: S1, ...body(utf8), timestamp: T + 17, signature: header(S1, T + 17, utf8) },
    { name: "empty body", source: "node:crypto", secret: S1, payload: "", timestamp: T, signature: header(S1, T, "") },
    { name: "second endpoint secret", source: "node:crypto", secret: S2, ...body(rotated), timestamp: 1700000000, signature: header(S2, 1700000000, rotated) },
  ];

  const good = header(S1, T, event);
  const H = (v) => ({ "Stripe-Signature": v });
  const verify = [];
  const v = (name, o) => verify.push({ name, keys: [S1], ...body(event), now: T, ...o });
  const ok = (i = 0, t = T) => ({ key_index: i, timestamp: t });
  v("valid", { headers: H(good), expect: ok() });
  v("two v1 entries, the second matches", { headers: H(`t=${T},v1=${v1(S2, T, event)},v1=${v1(S1, T, event)}`), expect: ok() });
  v("rotation: second key matches", { keys: [S2, S1], headers: H(good), expect: ok(1) });
  v("v1 plus a v0 entry, v1 matches", { headers: H(`${good},v0=${"6f".repeat(32)}`), expect: ok() });
  v("v0 entry only (valid HMAC, wrong scheme label)", { headers: H(`t=${T},v0=${v1(S1, T, event)}`), expect: { error: "no_matching_signature" } });
  v("no t= element", { headers: H(`v1=${v1(S1, T, event)}`), expect: { error: "invalid_header" } });
  v("t= not digits", { headers: H(`t=17180000x0,v1=${v1(S1, T, event)}`), expect: { error: "invalid_header" } });
  v("no v1 element at all", { headers: H(`t=${T}`), expect: { error: "no_matching_signature" } });
  v("tolerance edge: exactly 300 s old", { now: T + 300, headers: H(good), expect: ok() });
  v("tolerance edge: exactly 300 s ahead", { now: T - 300, headers: H(good), expect: ok() });
  v("301 s old", { now: T + 301, headers: H(good), expect: { error: "timestamp_too_old" } });
  v("301 s ahead", { now: T - 301, headers: H(good), expect: { error: "timestamp_too_new" } });
  v("custom tolerance 10 s, 11 s old", { tolerance: 10, now: T + 11, headers: H(good), expect: { error: "timestamp_too_old" } });
  v("tampered body", { payload: event.replace('"amount": 2000', '"amount": 2001'), headers: H(good), expect: { error: "no_matching_signature" } });
  v("wrong secret", { keys: [S2], headers: H(good), expect: { error: "no_matching_signature" } });
  v("signed with the base64-decoded secret instead of the whsec_ string: rejected", {
    headers: H(`t=${T},v1=${hex(hmac(Buffer.from(S1.slice("whsec_".length), "base64"), `${T}.`, event))}`),
    expect: { error: "no_matching_signature" },
  });
  v("truncated v1 (31 bytes)", { headers: H(`t=${T},v1=${v1(S1, T, event).slice(0, 62)}`), expect: { error: "no_matching_signature" } });
  v("timestamp in t= differs from the signed one", { now: T + 1, headers: H(`t=${T + 1},v1=${v1(S1, T, event)}`), expect: { error: "no_matching_signature" } });
  v("non-ASCII UTF-8 body", { ...body(utf8), now: T + 17, headers: H(header(S1, T + 17, utf8)), expect: ok(0, T + 17) });
  v("empty body", { payload: "", headers: H(header(S1, T, "")), expect: ok() });
  v("header missing", { headers: {}, expect: { error: "missing_header" } });
  v("header empty", { headers: H(""), expect: { error: "missing_header" } });

  return {
    scheme: "stripe",
    description:
      "Stripe-Signature: t=<unix>,v1=<hex>[,v1=...][,v0=...]; v1 is lowercase hex HMAC-SHA256 over the UTF-8 bytes of `${t}.${payload}`, keyed with the UTF-8 bytes of the whole whsec_ secret string (not base64-decoded); default tolerance 300 s.",
    sources: [
      "Stripe docs: Verify webhook signatures manually (https://docs.stripe.com/webhooks#verify-manually) and stripe-node Webhooks (lib/Webhooks: HMAC keyed with the secret string) for the format; Stripe publishes no secret+payload known answer",
      "node:crypto for all cases",
    ],
    sign,
    verify,
  };
}

// ---------------------------------------------------------------------------------------
// 2. GitHub

function github() {
  const DOC_SECRET = "It's a Secret to Everybody";
  const DOC_PAYLOAD = "Hello, World!";
  const DOC_SIG = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  const S1 = "hookline-FAKE-github-webhook-secret-1";
  const S2 = "hookline-FAKE-github-webhook-secret-2";
  const sig = (s, p) => `sha256=${hex(hmac(s, p))}`;
  assertEq(sig(DOC_SECRET, DOC_PAYLOAD), DOC_SIG, "GitHub docs example");

  const push = JSON.stringify({
    ref: "refs/heads/main",
    before: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    after: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
    repository: { id: 186853002, name: "hookline-demo", full_name: "octo-org/hookline-demo", private: false },
    pusher: { name: "octocat", email: "octocat@github.com" },
    head_commit: { id: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", message: "Fix typo in README" },
  });
  const utf8 = JSON.stringify({
    ref: "refs/heads/main",
    repository: { full_name: "octo-org/hookline-demo" },
    head_commit: { message: "Fix naïve façade — 修正 🚀", author: { name: "José Ñúñez" } },
  });

  const sign = [
    { name: "GitHub docs example", source: "docs", secret: DOC_SECRET, payload: DOC_PAYLOAD, signature: DOC_SIG },
    { name: "push event", source: "node:crypto", secret: S1, payload: push, signature: sig(S1, push) },
    { name: "non-ASCII UTF-8 body", source: "node:crypto", secret: S1, payload: utf8, signature: sig(S1, utf8) },
    { name: "empty body", source: "node:crypto", secret: S2, payload: "", signature: sig(S2, "") },
  ];

  const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
  const H = (s, extra = {}) => ({ "X-GitHub-Event": "push", "X-GitHub-Delivery": DELIVERY, ...(s === null ? {} : { "X-Hub-Signature-256": s }), ...extra });
  const ok = (i = 0) => ({ key_index: i, id: DELIVERY, event_type: "push" });
  const verify = [];
  const v = (name, o) => verify.push({ name, keys: [S1], payload: push, ...o });
  const good = sig(S1, push);
  v("docs example (secret \"It's a Secret to Everybody\", body \"Hello, World!\")", { keys: [DOC_SECRET], payload: DOC_PAYLOAD, headers: H(DOC_SIG), expect: ok() });
  v("valid push", { headers: H(good), expect: ok() });
  v("uppercase hex digest is accepted (hex decoding is case-insensitive)", { headers: H("sha256=" + good.slice(7).toUpperCase()), expect: ok() });
  v("header names in lowercase", { headers: { "x-github-event": "push", "x-github-delivery": DELIVERY, "x-hub-signature-256": good }, expect: ok() });
  v("rotation: second secret matches", { keys: [S2, S1], headers: H(good), expect: ok(1) });
  v("sha256= prefix missing", { headers: H(good.slice(7)), expect: { error: "no_matching_signature" } });
  v("sha1= prefix on a sha256 digest", { headers: H("sha1=" + good.slice(7)), expect: { error: "no_matching_signature" } });
  v("wrong secret", { keys: [S2], headers: H(good), expect: { error: "no_matching_signature" } });
  v("tampered body", { payload: push.replace("Fix typo", "Fix typos"), headers: H(good), expect: { error: "no_matching_signature" } });
  v("truncated digest", { headers: H(good.slice(0, -2)), expect: { error: "no_matching_signature" } });
  v("non-ASCII UTF-8 body", { payload: utf8, headers: H(sig(S1, utf8)), expect: ok() });
  v("empty body", { keys: [S2], payload: "", headers: H(sig(S2, "")), expect: ok() });
  v("X-Hub-Signature-256 missing", { headers: H(null), expect: { error: "missing_header" } });
  v("only the legacy SHA-1 X-Hub-Signature header present", {
    headers: H(null, { "X-Hub-Signature": "sha1=" + crypto.createHmac("sha1", S1).update(push).digest("hex") }),
    expect: { error: "missing_header" },
  });
  v("X-Hub-Signature-256 empty", { headers: H(""), expect: { error: "missing_header" } });

  return {
    scheme: "github",
    description:
      "X-Hub-Signature-256: sha256=<hex> where <hex> is HMAC-SHA256 of the raw body keyed with the UTF-8 bytes of the webhook secret; no timestamp; X-GitHub-Delivery is the id and X-GitHub-Event the event type.",
    sources: [
      "GitHub docs: Validating webhook deliveries, 'Testing the webhook payload validation' (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries)",
      "node:crypto for the rest",
    ],
    sign,
    verify,
  };
}

// ---------------------------------------------------------------------------------------
// 3. Slack

function slack() {
  const DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  const DOC_TS = 1531420618;
  const DOC_BODY =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const DOC_SIG = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
  const S2 = "hookline0FAKE0slack0signing00002";
  const sig = (s, t, p) => `v0=${hex(hmac(s, `v0:${t}:`, p))}`;
  assertEq(sig(DOC_SECRET, DOC_TS, DOC_BODY), DOC_SIG, "Slack docs example");

  const slash =
    "token=FAKEverificationTok00001&team_id=T0FAKE0001&team_domain=hookline-test&channel_id=C0FAKE0001&channel_name=deploys&user_id=U0FAKE0001&user_name=ada&command=%2Fdeploy&text=api+to+staging&api_app_id=A0FAKE0001&is_enterprise_install=false&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0FAKE0001%2F0000000001%2FFAKEfakeFAKE&trigger_id=0000000001.0000000001.fakefakefakefakefakefakefakefake";
  const utf8 = JSON.stringify({
    token: "FAKEverificationTok00001",
    team_id: "T0FAKE0001",
    api_app_id: "A0FAKE0001",
    event: { type: "message", channel: "C0FAKE0001", user: "U0FAKE0001", text: "Grüße aus Köln — ¿qué tal? 👋", ts: `${T}.000100` },
    type: "event_callback",
    event_id: "Ev0FAKE0001",
    event_time: T,
  });

  const sign = [
    { name: "Slack docs example (slash command)", source: "docs", secret: DOC_SECRET, payload: DOC_BODY, timestamp: DOC_TS, signature: DOC_SIG },
    { name: "slash command, form-encoded", source: "node:crypto", secret: S2, payload: slash, timestamp: T, signature: sig(S2, T, slash) },
    { name: "Events API JSON with non-ASCII UTF-8", source: "node:crypto", secret: S2, payload: utf8, timestamp: T, signature: sig(S2, T, utf8) },
    { name: "empty body", source: "node:crypto", secret: DOC_SECRET, payload: "", timestamp: T, signature: sig(DOC_SECRET, T, "") },
  ];

  const H = (s, t) => ({ ...(s === null ? {} : { "X-Slack-Signature": s }), ...(t === null ? {} : { "X-Slack-Request-Timestamp": String(t) }) });
  const verify = [];
  const v = (name, o) => verify.push({ name, keys: [DOC_SECRET], payload: DOC_BODY, now: DOC_TS, ...o });
  const ok = (i = 0, t = DOC_TS) => ({ key_index: i, timestamp: t });
  v("docs example at its own timestamp", { headers: H(DOC_SIG, DOC_TS), expect: ok() });
  v("docs example, exactly 300 s later", { now: DOC_TS + 300, headers: H(DOC_SIG, DOC_TS), expect: ok() });
  v("docs example, 301 s later", { now: DOC_TS + 301, headers: H(DOC_SIG, DOC_TS), expect: { error: "timestamp_too_old" } });
  v("docs example, receiver clock 301 s behind", { now: DOC_TS - 301, headers: H(DOC_SIG, DOC_TS), expect: { error: "timestamp_too_new" } });
  v("docs example with a tampered body", { payload: DOC_BODY.replace("text=&", "text=rm+-rf&"), headers: H(DOC_SIG, DOC_TS), expect: { error: "no_matching_signature" } });
  v("docs example with a different timestamp header", { now: DOC_TS + 1, headers: H(DOC_SIG, DOC_TS + 1), expect: { error: "no_matching_signature" } });
  v("wrong signing secret", { keys: [S2], headers: H(DOC_SIG, DOC_TS), expect: { error: "no_matching_signature" } });
  v("rotation: second secret matches", { keys: [S2, DOC_SECRET], headers: H(DOC_SIG, DOC_TS), expect: ok(1) });
  v("v0= prefix missing", { headers: H(DOC_SIG.slice(3), DOC_TS), expect: { error: "no_matching_signature" } });
  v("X-Slack-Request-Timestamp missing", { headers: H(DOC_SIG, null), expect: { error: "missing_header" } });
  v("X-Slack-Signature missing", { headers: H(null, DOC_TS), expect: { error: "missing_header" } });
  v("X-Slack-Request-Timestamp not a number", { headers: H(DOC_SIG, "1531420618.5"), expect: { error: "invalid_header" } });
  v("slash command, form-encoded", { keys: [S2], payload: slash, now: T + 12, headers: H(sig(S2, T, slash), T), expect: ok(0, T) });
  v("Events API JSON with non-ASCII UTF-8", { keys: [S2], payload: utf8, now: T, headers: H(sig(S2, T, utf8), T), expect: ok(0, T) });
  v("empty body", { payload: "", now: T, headers: H(sig(DOC_SECRET, T, ""), T), expect: ok(0, T) });

  return {
    scheme: "slack",
    description:
      "X-Slack-Signature: v0=<hex> where <hex> is HMAC-SHA256 over the UTF-8 bytes of `v0:${X-Slack-Request-Timestamp}:${body}` keyed with the UTF-8 bytes of the signing secret; tolerance 300 s.",
    sources: [
      "Slack docs: Verifying requests from Slack, worked example (https://api.slack.com/authentication/verifying-requests-from-slack, now https://docs.slack.dev/authentication/verifying-requests-from-slack)",
      "node:crypto for the rest",
    ],
    sign,
    verify,
  };
}

// ---------------------------------------------------------------------------------------
// 4. Shopify

function shopify() {
  const S1 = "shpss_FAKEhooklineShopifyClientSecret0001";
  const S2 = "shpss_FAKEhooklineShopifyClientSecret0002";
  const sig = (s, p) => b64(hmac(s, p));

  const order = JSON.stringify({
    id: 820982911946154500,
    admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
    email: "jon@example.com",
    created_at: "2024-06-10T02:13:20-04:00",
    currency: "USD",
    total_price: "403.00",
    line_items: [{ id: 866550311766439000, title: "IPod Nano - 8GB", quantity: 1, price: "199.00" }],
  });
  const utf8 = JSON.stringify({
    id: 820982911946154501,
    email: "zoe@example.com",
    customer: { first_name: "Zoë", last_name: "Ångström" },
    shipping_address: { address1: "Straße des 17. Juni 1", city: "München", country: "Deutschland" },
    note: "Bitte klingeln 🔔 — 谢谢",
  });

  const sign = [
    { name: "orders/create", source: "node:crypto", secret: S1, payload: order, signature: sig(S1, order) },
    { name: "non-ASCII UTF-8 body", source: "node:crypto", secret: S1, payload: utf8, signature: sig(S1, utf8) },
    { name: "empty body", source: "node:crypto", secret: S2, payload: "", signature: sig(S2, "") },
  ];

  const WID = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";
  const H = (s, name = "X-Shopify-Hmac-Sha256") => ({
    "X-Shopify-Topic": "orders/create",
    ...(s === null ? {} : { [name]: s }),
    "X-Shopify-Shop-Domain": "hookline-test.myshopify.com",
    "X-Shopify-API-Version": "2024-04",
    "X-Shopify-Webhook-Id": WID,
  });
  const ok = (i = 0) => ({ key_index: i, id: WID, event_type: "orders/create" });
  const good = sig(S1, order);
  const verify = [];
  const v = (name, o) => verify.push({ name, keys: [S1], payload: order, ...o });
  v("valid", { headers: H(good), expect: ok() });
  v("header spelled X-Shopify-Hmac-SHA256 (as on shopify.dev)", { headers: H(good, "X-Shopify-Hmac-SHA256"), expect: ok() });
  v("rotation: second secret matches", { keys: [S2, S1], headers: H(good), expect: ok(1) });
  v("wrong secret", { keys: [S2], headers: H(good), expect: { error: "no_matching_signature" } });
  v("tampered body", { payload: order.replace('"403.00"', '"4.03"'), headers: H(good), expect: { error: "no_matching_signature" } });
  v("digest sent as hex instead of base64", { headers: H(hex(hmac(S1, order))), expect: { error: "no_matching_signature" } });
  v("truncated base64", { headers: H(good.slice(0, 40)), expect: { error: "no_matching_signature" } });
  v("non-ASCII UTF-8 body", { payload: utf8, headers: H(sig(S1, utf8)), expect: ok() });
  v("empty body", { keys: [S2], payload: "", headers: H(sig(S2, "")), expect: ok() });
  v("HMAC header missing", { headers: H(null), expect: { error: "missing_header" } });
  v("HMAC header empty", { headers: H(""), expect: { error: "missing_header" } });

  return {
    scheme: "shopify",
    description:
      "X-Shopify-Hmac-Sha256: <base64> of HMAC-SHA256 over the raw body keyed with the UTF-8 bytes of the app's client secret; no timestamp; X-Shopify-Webhook-Id is the id and X-Shopify-Topic the event type.",
    sources: [
      "Shopify docs: Verify webhook deliveries (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries) for the format; Shopify publishes no secret+payload known answer",
      "node:crypto for all cases",
    ],
    sign,
    verify,
  };
}

// ---------------------------------------------------------------------------------------
// 5. Discord

function discord() {
  const K1 = edKey(Buffer.from("hookline-discord-FAKE-test-seed!", "utf8"));
  const K2 = edKey(Buffer.from("hookline-discord-FAKE-other-key2", "utf8"));
  const sig = (k, t, p) => hex(edSign(k, Buffer.concat([bytes(String(t)), bytes(p)])));

  const ping = JSON.stringify({
    app_permissions: "562949953601536",
    application_id: "1250000000000000001",
    authorizing_integration_owners: {},
    entitlements: [],
    id: "1250000000000000002",
    token: "aW50ZXJhY3Rpb246RkFLRTpob29rbGluZQ",
    type: 1,
    user: { id: "80351110224678912", username: "nelly", global_name: "Nelly" },
    version: 1,
  });
  const utf8 = JSON.stringify({
    application_id: "1250000000000000001",
    id: "1250000000000000003",
    type: 2,
    data: { id: "1250000000000000004", name: "roll", type: 1, options: [{ name: "comment", type: 3, value: "¡Hola, café! 🎲 さいころ" }] },
    guild_id: "1250000000000000005",
    member: { user: { id: "80351110224678912", username: "nelly", global_name: "Nélly Ø" } },
    token: "aW50ZXJhY3Rpb246RkFLRTpob29rbGluZTI",
    version: 1,
  });

  const sk = (k) => ({ secret_key: hex(k.seed), public_key: hex(k.pub) });
  const sign = [
    { name: "PING interaction", source: "node:crypto", ...sk(K1), payload: ping, timestamp: T, signature: sig(K1, T, ping) },
    { name: "application command with non-ASCII UTF-8", source: "node:crypto", ...sk(K1), payload: utf8, timestamp: T + 42, signature: sig(K1, T + 42, utf8) },
    { name: "empty body", source: "node:crypto", ...sk(K2), payload: "", timestamp: T, signature: sig(K2, T, "") },
  ];

  const good = sig(K1, T, ping);
  const H = (s, t = T) => ({ ...(s === null ? {} : { "X-Signature-Ed25519": s }), ...(t === null ? {} : { "X-Signature-Timestamp": String(t) }) });
  const ok = (i = 0, t = T) => ({ key_index: i, timestamp: t });
  const verify = [];
  const v = (name, o) => verify.push({ name, keys: [hex(K1.pub)], payload: ping, now: T, ...o });
  const flipped = Buffer.from(good, "hex");
  flipped[10] ^= 0x01;
  v("valid PING", { headers: H(good), expect: ok() });
  v("uppercase hex signature is accepted", { headers: H(good.toUpperCase()), expect: ok() });
  v("rotation: second public key matches", { keys: [hex(K2.pub), hex(K1.pub)], headers: H(good), expect: ok(1) });
  v("tampered body", { payload: ping.replace('"type":1', '"type":2'), headers: H(good), expect: { error: "no_matching_signature" } });
  v("wrong public key", { keys: [hex(K2.pub)], headers: H(good), expect: { error: "no_matching_signature" } });
  v("one bit of the signature flipped", { headers: H(hex(flipped)), expect: { error: "no_matching_signature" } });
  v("timestamp header changed after signing", { now: T + 1, headers: H(good, T + 1), expect: { error: "no_matching_signature" } });
  v("signature one byte short", { headers: H(good.slice(0, 126)), expect: { error: "no_matching_signature" } });
  v("tolerance edge: exactly 300 s old", { now: T + 300, headers: H(good), expect: ok() });
  v("301 s old", { now: T + 301, headers: H(good), expect: { error: "timestamp_too_old" } });
  v("301 s ahead", { now: T - 301, headers: H(good), expect: { error: "timestamp_too_new" } });
  v("X-Signature-Ed25519 missing", { headers: H(null), expect: { error: "missing_header" } });
  v("X-Signature-Timestamp missing", { headers: H(good, null), expect: { error: "missing_header" } });
  v("X-Signature-Timestamp not a number", { headers: H(good, "2024-06-10T06:13:20Z"), expect: { error: "invalid_header" } });
  v("non-ASCII UTF-8 body", { payload: utf8, now: T + 42, headers: H(sig(K1, T + 42, utf8), T + 42), expect: ok(0, T + 42) });
  v("empty body", { keys: [hex(K2.pub)], payload: "", headers: H(sig(K2, T, "")), expect: ok() });

  return {
    scheme: "discord",
    description:
      "X-Signature-Ed25519: <hex of the 64-byte ed25519 signature> over the bytes of `${X-Signature-Timestamp}${body}` (no separator), checked against the application's public key given as 64 hex chars; timestamp in unix seconds, tolerance 300 s (a hookline policy: Discord documents no window).",
    sources: [
      "Discord docs: Interactions > Receiving and Responding > Security and Authorization (https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization) for the format; Discord publishes no key+payload known answer",
      "node:crypto (ed25519 from fixed 32-byte seeds) for all cases",
    ],
    sign,
    verify,
  };
}

// ---------------------------------------------------------------------------------------
// 6. Linear

function linear() {
  const S1 = "lin_wh_FAKEhooklineLinearWebhookSecret0001";
  const S2 = "lin_wh_FAKEhooklineLinearWebhookSecret0002";
  const sig = (s, p) => hex(hmac(s, p));
  const issue = (wts, extra = {}) =>
    JSON.stringify({
      action: "create",
      actor: { id: "2e6eea91-1111-4c2a-9f0e-000000000001", name: "Ada Lovelace", type: "user" },
      createdAt: "2024-06-10T06:13:19.877Z",
      data: { id: "9cfb482a-81e3-4154-b5b9-2c805e70a02d", identifier: "ENG-123", title: "Webhook retries double-charge", priority: 2, teamId: "72b2a2dc-6f4f-4423-9d34-24b5bd10634a" },
      url: "https://linear.app/hookline/issue/ENG-123/webhook-retries-double-charge",
      type: "Issue",
      organizationId: "0f8d1c9e-2222-4c2a-9f0e-000000000002",
      webhookTimestamp: wts,
      webhookId: "000042e3-d123-4980-b49f-8e140eef9329",
      ...extra,
    });
  const NOW_MS = T * 1000;
  const valid = issue(NOW_MS - 123); // 0.123 s before the receiver clock
  const utf8 = JSON.stringify({
    action: "create",
    data: { id: "3d7f1c3e-5555-4c2a-9f0e-000000000005", body: "Überprüfen bitte… ✅ 日本語のコメント", issueId: "9cfb482a-81e3-4154-b5b9-2c805e70a02d" },
    type: "Comment",
    url: "https://linear.app/hookline/issue/ENG-123#comment-3d7f1c3e",
    webhookTimestamp: NOW_MS,
    webhookId: "000042e3-d123-4980-b49f-8e140eef9329",
  });
  const update = JSON.stringify({
    action: "update",
    data: { id: "9cfb482a-81e3-4154-b5b9-2c805e70a02d", identifier: "ENG-123", stateId: "e2f5c0b6-7777-4c2a-9f0e-000000000007" },
    updatedFrom: { stateId: "a1b2c3d4-8888-4c2a-9f0e-000000000008" },
    type: "Issue",
    webhookTimestamp: 1700000000000,
  });

  const sign = [
    { name: "Issue create", source: "node:crypto", secret: S1, payload: valid, signature: sig(S1, valid) },
    { name: "Comment create with non-ASCII UTF-8", source: "node:crypto", secret: S1, payload: utf8, signature: sig(S1, utf8) },
    { name: "Issue update, second secret", source: "node:crypto", secret: S2, payload: update, signature: sig(S2, update) },
  ];

  const DELIVERY = "234d1a4e-b617-4388-90fe-adc3633d6b72";
  const H = (s, event = "Issue") => ({ ...(s === null ? {} : { "Linear-Signature": s }), "Linear-Delivery": DELIVERY, "Linear-Event": event, "User-Agent": "Linear-Webhook" });
  const ok = (i = 0, ev = "Issue") => ({ key_index: i, id: DELIVERY, event_type: ev });
  const verify = [];
  const v = (name, p, o) => verify.push({ name, keys: [S1], payload: p, now: T, tolerance: 60, headers: H(sig(S1, p)), ...o });
  v("valid", valid, { expect: ok() });
  v("rotation: second secret matches", valid, { keys: [S2, S1], expect: ok(1) });
  const old60 = issue(NOW_MS - 60000);
  v("webhookTimestamp exactly 60 s old", old60, { expect: ok() });
  const old61 = issue(NOW_MS - 61000);
  v("webhookTimestamp 61 s old", old61, { expect: { error: "timestamp_too_old" } });
  const new60 = issue(NOW_MS + 60000);
  v("webhookTimestamp exactly 60 s ahead", new60, { expect: ok() });
  const new61 = issue(NOW_MS + 61000);
  v("webhookTimestamp 61 s ahead", new61, { expect: { error: "timestamp_too_new" } });
  const noTs = JSON.stringify({ action: "create", data: { id: "9cfb482a-81e3-4154-b5b9-2c805e70a02d" }, type: "Issue", webhookId: "000042e3-d123-4980-b49f-8e140eef9329" });
  v("correctly signed body without webhookTimestamp", noTs, { expect: { error: "invalid_payload" } });
  const strTs = issue(String(NOW_MS));
  v("correctly signed body with webhookTimestamp as a string", strTs, { expect: { error: "invalid_payload" } });
  v("correctly signed body that is not JSON", "action=create&type=Issue", { expect: { error: "invalid_payload" } });
  v("correctly signed empty body", "", { expect: { error: "invalid_payload" } });
  v("tampered body", valid.replace("double-charge", "double-charges"), { headers: H(sig(S1, valid)), expect: { error: "no_matching_signature" } });
  v("wrong secret", valid, { keys: [S2], expect: { error: "no_matching_signature" } });
  v("uppercase hex signature is accepted", valid, { headers: H(sig(S1, valid).toUpperCase()), expect: ok() });
  v("non-ASCII UTF-8 body", utf8, { headers: H(sig(S1, utf8), "Comment"), expect: ok(0, "Comment") });
  v("Linear-Signature missing", valid, { headers: H(null), expect: { error: "missing_header" } });
  v("Linear-Signature empty", valid, { headers: H(""), expect: { error: "missing_header" } });

  return {
    scheme: "linear",
    description:
      "Linear-Signature: <hex> HMAC-SHA256 of the raw body keyed with the UTF-8 bytes of the webhook secret; replay window from the body's numeric webhookTimestamp (unix milliseconds) compared with now (seconds) +/- tolerance (60 s, Linear's one minute); Linear-Delivery is the id and Linear-Event the event type.",
    sources: [
      "Linear docs: Webhooks > Securing webhooks (https://linear.app/developers/webhooks#securing-webhooks) and @linear/sdk LinearWebhooks.verify (one-minute |now - webhookTimestamp| window) for the format; Linear publishes no secret+payload known answer",
      "node:crypto for all cases",
    ],
    sign,
    verify,
  };
}

// ---------------------------------------------------------------------------------------
// 7. Standard Webhooks, asymmetric (v1a)

function standardWebhooksV1a() {
  // Key format per the reference implementation (libraries/go/webhook_asymmetric.go):
  // whsk_ + base64(32-byte ed25519 seed), whpk_ + base64(32-byte public key).
  const whsk = (k) => "whsk_" + b64(k.seed);
  const whpk = (k) => "whpk_" + b64(k.pub);
  const sig = (k, id, t, p) => "v1a," + b64(edSign(k, Buffer.concat([bytes(`${id}.${t}.`), bytes(p)])));

  // Published vector: standard-webhooks Go library, TestAsymmetricWebhookSign.
  const GO = edKey(Buffer.from("VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=", "base64"));
  const GO_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const GO_TS = 1614265330;
  const GO_BODY = '{"test": 2432232314}';
  const GO_SIG = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
  assertEq(sig(GO, GO_ID, GO_TS, GO_BODY), GO_SIG, "Standard Webhooks Go library v1a vector");

  const K1 = edKey(Buffer.from("hookline-v1a-FAKE-test-seed-0001", "utf8"));
  const K2 = edKey(Buffer.from("hookline-v1a-FAKE-test-seed-0002", "utf8"));
  const ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  const contact = JSON.stringify({ type: "contact.created", timestamp: "2024-06-10T06:13:19.344522Z", data: { id: "1f81eb52-5198-4599-803e-771906343485" } });
  const utf8 = JSON.stringify({ type: "contact.updated", timestamp: "2024-06-10T06:13:20.000000Z", data: { id: "1f81eb52-5198-4599-803e-771906343485", fullName: "Zoë Ångström-Nguyễn", city: "Zürich", note: "🚀 東京" } });

  const keys = (k) => ({ secret_key: whsk(k), public_key: whpk(k) });
  const sign = [
    { name: "standard-webhooks Go library test vector (TestAsymmetricWebhookSign)", source: "docs", ...keys(GO), id: GO_ID, timestamp: GO_TS, payload: GO_BODY, signature: GO_SIG },
    { name: "contact.created", source: "node:crypto", ...keys(K1), id: ID, timestamp: T, payload: contact, signature: sig(K1, ID, T, contact) },
    { name: "non-ASCII UTF-8 body", source: "node:crypto", ...keys(K1), id: "msg_utf8", timestamp: T, payload: utf8, signature: sig(K1, "msg_utf8", T, utf8) },
    { name: "empty body", source: "node:crypto", ...keys(K2), id: "msg_empty", timestamp: T, payload: "", signature: sig(K2, "msg_empty", T, "") },
  ];

  const good = sig(K1, ID, T, contact);
  const H = (s, id = ID, t = T) => ({ ...(id === null ? {} : { "webhook-id": id }), "webhook-timestamp": String(t), "webhook-signature": s });
  const ok = (i = 0, id = ID, t = T) => ({ key_index: i, id, timestamp: t });
  const verify = [];
  const v = (name, o) => verify.push({ name, keys: [whpk(K1)], payload: contact, now: T, ...o });
  v("valid", { headers: H(good), expect: ok() });
  v("Go library test vector", { keys: [whpk(GO)], payload: GO_BODY, now: GO_TS, headers: H(GO_SIG, GO_ID, GO_TS), expect: ok(0, GO_ID, GO_TS) });
  v("v1 (garbage HMAC) and the valid v1a entry", { headers: H(`v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${good}`), expect: ok() });
  v("rotation: second public key matches", { keys: [whpk(K2), whpk(K1)], headers: H(good), expect: ok(1) });
  v("rotation: header carries signatures from both keys", { keys: [whpk(K2)], headers: H(`${good} ${sig(K2, ID, T, contact)}`), expect: ok() });
  v("v1a signature checked under a wrong public key", { keys: [whpk(K2)], headers: H(good), expect: { error: "no_matching_signature" } });
  v("tampered body", { payload: contact.replace("contact.created", "contact.deleted"), headers: H(good), expect: { error: "no_matching_signature" } });
  v("tampered webhook-id", { headers: H(good, ID + "x"), expect: { error: "no_matching_signature" } });
  v("valid ed25519 signature labelled v1 instead of v1a", { headers: H("v1," + good.slice(4)), expect: { error: "no_matching_signature" } });
  v("truncated signature", { headers: H(good.slice(0, 60)), expect: { error: "no_matching_signature" } });
  v("empty v1a entry", { headers: H("v1a,"), expect: { error: "no_matching_signature" } });
  v("tolerance edge: exactly 300 s old", { now: T + 300, headers: H(good), expect: ok() });
  v("301 s old", { now: T + 301, headers: H(good), expect: { error: "timestamp_too_old" } });
  v("301 s ahead", { now: T - 301, headers: H(good), expect: { error: "timestamp_too_new" } });
  v("webhook-id missing", { headers: H(good, null), expect: { error: "missing_header" } });
  v("non-ASCII UTF-8 body", { payload: utf8, headers: H(sig(K1, "msg_utf8", T, utf8), "msg_utf8"), expect: ok(0, "msg_utf8") });
  v("empty body", { keys: [whpk(K2)], payload: "", headers: H(sig(K2, "msg_empty", T, ""), "msg_empty"), expect: ok(0, "msg_empty") });

  return {
    scheme: "standard-webhooks-v1a",
    description:
      "Standard Webhooks asymmetric signatures: webhook-signature carries space-separated entries, v1a,<base64 of the 64-byte ed25519 signature> over `${webhook-id}.${webhook-timestamp}.${payload}`; secret keys are whsk_ + base64(32-byte seed), public keys whpk_ + base64(32-byte public key); tolerance 300 s.",
    sources: [
      "Standard Webhooks spec (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md): headers, v1a label, whsk_/whpk_ prefixes",
      "standard-webhooks Go library (libraries/go/webhook_asymmetric.go: whsk_ is base64 of the 32-byte seed; libraries/go/webhook_asymmetric_test.go TestAsymmetricWebhookSign: the published v1a vector)",
      "node:crypto (ed25519 from fixed 32-byte seeds) for the rest",
    ],
    sign,
    verify,
  };
}

// ---------------------------------------------------------------------------------------
// 8. Custom HMAC-SHA256 schemes

function custom() {
  const FOREMAN = { header: "X-Foreman-Signature", prefix: "sha256=", encoding: "hex", content: "body", format: "plain" };
  const MUSEHUB = { header: "X-MuseHub-Signature", prefix: "", encoding: "base64", content: "body", format: "plain" };
  const DEVCARD = { header: "X-DevCard-Signature", prefix: "", encoding: "hex", content: "timestamp.body", timestampHeader: "X-DevCard-Timestamp", format: "plain" };
  const ACME = { header: "X-Acme-Signature", prefix: "", encoding: "hex", content: "timestamp.body", format: "stripe" };
  const S1 = "hookline-FAKE-custom-secret-0001";
  const S2 = "hookline-FAKE-custom-secret-0002";

  const headerValue = (cfg, secret, p, t) => {
    if (cfg.format === "stripe") return `t=${t},v1=${hex(hmac(secret, `${t}.`, p))}`;
    const mac = cfg.content === "timestamp.body" ? hmac(secret, `${t}.`, p) : hmac(secret, p);
    return cfg.prefix + (cfg.encoding === "hex" ? hex(mac) : b64(mac));
  };

  const job = JSON.stringify({ event: "job.finished", job: { id: "job_01HZFAKE0001", queue: "default", status: "succeeded", duration_ms: 5312 } });
  const track = JSON.stringify({ event: "track.published", track: { id: 48213, title: "Nocturne in E-flat", artist: "Hookline Trio" } });
  const card = JSON.stringify({ type: "card.viewed", card: { slug: "ada-lovelace", views: 1843 } });
  const invoice = JSON.stringify({ id: "evt_acme_0001", type: "invoice.paid", data: { invoice: "in_acme_0001", amount: 4200, currency: "eur" } });
  const utf8 = JSON.stringify({ event: "job.failed", job: { id: "job_01HZFAKE0002", error: "Zeichensatzfehler: „ü“ ≠ „u“ — 失败 ❌" } });
  const binary = Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0xff, 0xfe, 0x00, 0x80, 0x7d]); // not valid UTF-8

  const sc = (name, cfg, secret, p, t) => ({ name, source: "node:crypto", config: cfg, secret, ...body(p), ...(cfg.content === "timestamp.body" ? { timestamp: t } : {}), signature: headerValue(cfg, secret, p, t) });
  const sign = [
    sc("X-Foreman-Signature: sha256=<hex> over the body", FOREMAN, S1, job),
    sc("X-MuseHub-Signature: base64 over the body", MUSEHUB, S1, track),
    sc("X-DevCard-Signature: hex over timestamp.body", DEVCARD, S1, card, T),
    sc("X-Acme-Signature: Stripe-style t=,v1=", ACME, S1, invoice, T),
    sc("Foreman, non-ASCII UTF-8 body", FOREMAN, S2, utf8),
    sc("MuseHub, empty body", MUSEHUB, S2, ""),
    sc("DevCard, non-UTF-8 body bytes", DEVCARD, S2, binary, T + 5),
  ];

  const verify = [];
  const v = (name, cfg, p, o) => verify.push({ name, config: cfg, keys: [S1], ...body(p), now: T, ...(cfg.content === "timestamp.body" ? { tolerance: 300 } : {}), ...o });
  const ok = (i = 0, t) => ({ key_index: i, ...(t === undefined ? {} : { timestamp: t }) });
  const NE = { error: "no_matching_signature" };
  const foreman = headerValue(FOREMAN, S1, job);
  v("Foreman valid", FOREMAN, job, { headers: { "X-Foreman-Signature": foreman }, expect: ok() });
  v("Foreman wrong prefix (sha1=)", FOREMAN, job, { headers: { "X-Foreman-Signature": "sha1=" + foreman.slice(7) }, expect: NE });
  v("Foreman prefix missing", FOREMAN, job, { headers: { "X-Foreman-Signature": foreman.slice(7) }, expect: NE });
  v("Foreman tampered body", FOREMAN, job.replace("succeeded", "failed"), { headers: { "X-Foreman-Signature": foreman }, expect: NE });
  v("Foreman header missing", FOREMAN, job, { headers: { "X-Other-Signature": foreman }, expect: { error: "missing_header" } });
  v("Foreman non-ASCII UTF-8 body", FOREMAN, utf8, { keys: [S2], headers: { "X-Foreman-Signature": headerValue(FOREMAN, S2, utf8) }, expect: ok() });

  const muse = headerValue(MUSEHUB, S1, track);
  v("MuseHub valid", MUSEHUB, track, { headers: { "X-MuseHub-Signature": muse }, expect: ok() });
  v("MuseHub rotation: second secret matches", MUSEHUB, track, { keys: [S2, S1], headers: { "X-MuseHub-Signature": muse }, expect: ok(1) });
  v("MuseHub wrong secret", MUSEHUB, track, { keys: [S2], headers: { "X-MuseHub-Signature": muse }, expect: NE });
  v("MuseHub digest sent as hex instead of base64", MUSEHUB, track, { headers: { "X-MuseHub-Signature": hex(hmac(S1, track)) }, expect: NE });
  v("MuseHub empty body", MUSEHUB, "", { keys: [S2], headers: { "X-MuseHub-Signature": headerValue(MUSEHUB, S2, "") }, expect: ok() });

  const dev = headerValue(DEVCARD, S1, card, T);
  const DH = (s, t) => ({ ...(s === null ? {} : { "X-DevCard-Signature": s }), ...(t === null ? {} : { "X-DevCard-Timestamp": String(t) }) });
  v("DevCard valid", DEVCARD, card, { headers: DH(dev, T), expect: ok(0, T) });
  v("DevCard exactly 300 s old", DEVCARD, card, { now: T + 300, headers: DH(dev, T), expect: ok(0, T) });
  v("DevCard 301 s old", DEVCARD, card, { now: T + 301, headers: DH(dev, T), expect: { error: "timestamp_too_old" } });
  v("DevCard 301 s ahead", DEVCARD, card, { now: T - 301, headers: DH(dev, T), expect: { error: "timestamp_too_new" } });
  v("DevCard timestamp header missing", DEVCARD, card, { headers: DH(dev, null), expect: { error: "missing_header" } });
  v("DevCard timestamp not a number", DEVCARD, card, { headers: DH(dev, "17180000O0"), expect: { error: "invalid_header" } });
  v("DevCard signature over the body alone", DEVCARD, card, { headers: DH(hex(hmac(S1, card)), T), expect: NE });
  v("DevCard tampered body", DEVCARD, card.replace("1843", "9999"), { headers: DH(dev, T), expect: NE });
  v("DevCard non-UTF-8 body bytes", DEVCARD, binary, { keys: [S2], now: T + 5, headers: DH(headerValue(DEVCARD, S2, binary, T + 5), T + 5), expect: ok(0, T + 5) });

  const acme = headerValue(ACME, S1, invoice, T);
  v("Acme valid", ACME, invoice, { headers: { "X-Acme-Signature": acme }, expect: ok(0, T) });
  v("Acme 301 s old", ACME, invoice, { now: T + 301, headers: { "X-Acme-Signature": acme }, expect: { error: "timestamp_too_old" } });
  v("Acme header without t=", ACME, invoice, { headers: { "X-Acme-Signature": acme.split(",")[1] }, expect: { error: "invalid_header" } });
  v("Acme tampered body", ACME, invoice.replace("4200", "42"), { headers: { "X-Acme-Signature": acme }, expect: NE });
  v("Acme header missing", ACME, invoice, { headers: {}, expect: { error: "missing_header" } });

  return {
    scheme: "custom",
    description:
      "Configurable HMAC-SHA256 (key = UTF-8 bytes of the secret): 'plain' format puts prefix + hex or base64 of the MAC of the body (or of `${timestamp}.${body}` with the timestamp from config.timestampHeader) in config.header; 'stripe' format puts t=<unix>,v1=<hex of the MAC of `${t}.${body}`> in config.header.",
    sources: ["node:crypto for all cases (no provider documents these hand-written dispatchers)"],
    sign,
    verify,
  };
}

// ---------------------------------------------------------------------------------------
// Reference verifiers: the rules the "expect" fields encode, applied to every verify case.

const hget = (headers, name) => {
  for (const [k, val] of Object.entries(headers)) if (k.toLowerCase() === name.toLowerCase()) return val;
  return undefined;
};
const need = (headers, name) => {
  const val = hget(headers, name);
  return val === undefined || val === "" ? null : val;
};
const unhex = (s) => (/^(?:[0-9a-fA-F]{2})*$/.test(s) ? Buffer.from(s, "hex") : null);
const unb64 = (s) => (/^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? Buffer.from(s, "base64") : null);
const eq = (a, b) => a !== null && a.length === b.length && crypto.timingSafeEqual(a, b);
const digits = (s) => (/^[0-9]+$/.test(s) ? Number(s) : null);
function window(ts, now, tol) {
  if (now - ts > tol) return "timestamp_too_old";
  if (ts - now > tol) return "timestamp_too_new";
  return null;
}
const firstKey = (keys, pred) => keys.findIndex(pred);
const E = (error) => ({ error });
const hmacWith = (alg, key, ...parts) => crypto.createHmac(alg, bytes(key)).update(Buffer.concat(parts.map(bytes))).digest();

/** Slack's `v0=<hex>` over `v0:{timestamp}:{body}` under the given header names (Zoom uses it too). */
function v0(signatureHeader, timestampHeader) {
  return (c) => {
    const s = need(c.headers, signatureHeader);
    const t = need(c.headers, timestampHeader);
    if (s === null || t === null) return E("missing_header");
    if (digits(t) === null) return E("invalid_header");
    const w = window(digits(t), c.now, c.tolerance ?? 300);
    if (w) return E(w);
    const mac = s.startsWith("v0=") ? unhex(s.slice(3)) : null;
    const i = firstKey(c.keys, (k) => eq(mac, hmac(k, `v0:${t}:`, payloadBytes(c))));
    return i < 0 ? E("no_matching_signature") : { key_index: i, timestamp: digits(t) };
  };
}

const REF = {
  stripe(c) {
    const h = need(c.headers, "Stripe-Signature");
    if (h === null) return E("missing_header");
    let t = null;
    const v1s = [];
    for (const item of h.split(",")) {
      const i = item.indexOf("=");
      const k = i < 0 ? item : item.slice(0, i);
      const val = i < 0 ? "" : item.slice(i + 1);
      if (k === "t") t = val;
      if (k === "v1") v1s.push(unhex(val));
    }
    if (t === null || digits(t) === null) return E("invalid_header");
    const w = window(digits(t), c.now, c.tolerance ?? 300);
    if (w) return E(w);
    const p = payloadBytes(c);
    const i = firstKey(c.keys, (k) => v1s.some((s) => eq(s, hmac(k, `${t}.`, p))));
    return i < 0 ? E("no_matching_signature") : { key_index: i, timestamp: digits(t) };
  },
  github(c) {
    const h = need(c.headers, "X-Hub-Signature-256");
    if (h === null) return E("missing_header");
    const s = h.startsWith("sha256=") ? unhex(h.slice(7)) : null;
    const i = firstKey(c.keys, (k) => eq(s, hmac(k, payloadBytes(c))));
    return i < 0 ? E("no_matching_signature") : { key_index: i, id: hget(c.headers, "X-GitHub-Delivery"), event_type: hget(c.headers, "X-GitHub-Event") };
  },
  slack: v0("X-Slack-Signature", "X-Slack-Request-Timestamp"),
  shopify(c) {
    const s = need(c.headers, "X-Shopify-Hmac-Sha256");
    if (s === null) return E("missing_header");
    const i = firstKey(c.keys, (k) => eq(unb64(s), hmac(k, payloadBytes(c))));
    return i < 0 ? E("no_matching_signature") : { key_index: i, id: hget(c.headers, "X-Shopify-Webhook-Id"), event_type: hget(c.headers, "X-Shopify-Topic") };
  },
  discord(c) {
    const s = need(c.headers, "X-Signature-Ed25519");
    const t = need(c.headers, "X-Signature-Timestamp");
    if (s === null || t === null) return E("missing_header");
    if (digits(t) === null) return E("invalid_header");
    const w = window(digits(t), c.now, c.tolerance ?? 300);
    if (w) return E(w);
    const sig = unhex(s);
    const msg = Buffer.concat([bytes(t), payloadBytes(c)]);
    const i = sig === null ? -1 : firstKey(c.keys, (k) => edVerify(Buffer.from(k, "hex"), msg, sig));
    return i < 0 ? E("no_matching_signature") : { key_index: i, timestamp: digits(t) };
  },
  linear(c) {
    const s = need(c.headers, "Linear-Signature");
    if (s === null) return E("missing_header");
    const p = payloadBytes(c);
    const i = firstKey(c.keys, (k) => eq(unhex(s), hmac(k, p)));
    if (i < 0) return E("no_matching_signature");
    let wts;
    try {
      wts = JSON.parse(p.toString("utf8")).webhookTimestamp;
    } catch {
      return E("invalid_payload");
    }
    if (typeof wts !== "number" || !Number.isFinite(wts)) return E("invalid_payload");
    const tolMs = (c.tolerance ?? 60) * 1000;
    const w = window(wts, c.now * 1000, tolMs);
    if (w) return E(w);
    return { key_index: i, id: hget(c.headers, "Linear-Delivery"), event_type: hget(c.headers, "Linear-Event") };
  },
  "standard-webhooks-v1a"(c) {
    const id = need(c.headers, "webhook-id");
    const t = need(c.headers, "webhook-timestamp");
    const s = need(c.headers, "webhook-signature");
    if (id === null || t === null || s === null) return E("missing_header");
    if (digits(t) === null) return E("invalid_header");
    const w = window(digits(t), c.now, c.tolerance ?? 300);
    if (w) return E(w);
    const msg = Buffer.concat([bytes(`${id}.${t}.`), payloadBytes(c)]);
    const sigs = s.split(" ").filter((e) => e.startsWith("v1a,")).map((e) => unb64(e.slice(4))).filter((b) => b !== null);
    const i = firstKey(c.keys, (k) => sigs.some((sig) => edVerify(Buffer.from(k.replace(/^whpk_/, ""), "base64"), msg, sig)));
    return i < 0 ? E("no_matching_signature") : { key_index: i, id, timestamp: digits(t) };
  },
  custom(c) {
    const cfg = c.config;
    const h = need(c.headers, cfg.header);
    if (h === null) return E("missing_header");
    const p = payloadBytes(c);
    if (cfg.format === "stripe") return REF.stripe({ ...c, headers: { "Stripe-Signature": h }, tolerance: c.tolerance });
    let t = null;
    if (cfg.content === "timestamp.body") {
      t = need(c.headers, cfg.timestampHeader);
      if (t === null) return E("missing_header");
      if (digits(t) === null) return E("invalid_header");
      const w = window(digits(t), c.now, c.tolerance ?? 300);
      if (w) return E(w);
    }
    const mac = h.startsWith(cfg.prefix) ? (cfg.encoding === "hex" ? unhex : unb64)(h.slice(cfg.prefix.length)) : null;
    const i = firstKey(c.keys, (k) => eq(mac, t === null ? hmac(k, p) : hmac(k, `${t}.`, p)));
    if (i < 0) return E("no_matching_signature");
    return t === null ? { key_index: i } : { key_index: i, timestamp: digits(t) };
  },
  // The providers' schemes hookline verifies but does not sign (docs/providers.md), for the
  // conformance vectors: each provider's published recipe, with node:crypto.
  paddle(c) {
    const h = need(c.headers, "Paddle-Signature");
    if (h === null) return E("missing_header");
    let ts = null;
    const h1s = [];
    for (const item of h.split(";")) {
      const i = item.indexOf("=");
      if (i < 0) continue;
      const k = item.slice(0, i).trim();
      if (k === "ts") ts = item.slice(i + 1);
      if (k === "h1") h1s.push(unhex(item.slice(i + 1)));
    }
    if (ts === null || digits(ts) === null) return E("invalid_header");
    const w = window(digits(ts), c.now, c.tolerance ?? 5);
    if (w) return E(w);
    const i = firstKey(c.keys, (k) => h1s.some((s) => eq(s, hmac(k, `${ts}:`, payloadBytes(c)))));
    return i < 0 ? E("no_matching_signature") : { key_index: i, timestamp: digits(ts) };
  },
  // Slack's layout under Zoom's header names.
  zoom: v0("x-zm-signature", "x-zm-request-timestamp"),
  hubspot(c) {
    const s = need(c.headers, "X-HubSpot-Signature-v3");
    if (s === null) return E("missing_header");
    if (c.url === undefined) return E("invalid_argument");
    const t = need(c.headers, "X-HubSpot-Request-Timestamp");
    if (t === null) return E("missing_header");
    if (digits(t) === null) return E("invalid_header");
    // Milliseconds, to the millisecond, against the receiver's clock in seconds.
    const w = window(digits(t), c.now * 1000, (c.tolerance ?? 300) * 1000);
    if (w) return E(w);
    const content = [c.method ?? "POST", c.url, payloadBytes(c), t];
    const i = firstKey(c.keys, (k) => eq(unb64(s), hmac(k, ...content)));
    return i < 0 ? E("no_matching_signature") : { key_index: i, timestamp: Math.floor(digits(t) / 1000) };
  },
  square(c) {
    const s = need(c.headers, "x-square-hmacsha256-signature");
    if (s === null) return E("missing_header");
    if (c.url === undefined) return E("invalid_argument");
    const i = firstKey(c.keys, (k) => eq(unb64(s), hmac(k, c.url, payloadBytes(c))));
    return i < 0 ? E("no_matching_signature") : { key_index: i };
  },
  twilio(c) {
    const s = need(c.headers, "X-Twilio-Signature");
    if (s === null) return E("missing_header");
    if (c.url === undefined) return E("invalid_argument");
    const p = payloadBytes(c);
    const query = new URL(c.url).searchParams;
    let data;
    if (query.has("bodySHA256")) {
      // twilio-node validateRequestWithBody: the URL alone is signed, the body's SHA-256 is in it.
      if (crypto.createHash("sha256").update(p).digest("hex") !== query.get("bodySHA256")) return E("no_matching_signature");
      data = [c.url];
    } else {
      // twilio-node getExpectedTwilioSignature: each name, then its values sorted, repeats once.
      const params = new URLSearchParams(p.toString("utf8"));
      data = [c.url];
      for (const name of [...new Set(params.keys())].sort()) for (const v of [...new Set(params.getAll(name))].sort()) data.push(name, v);
    }
    const i = firstKey(c.keys, (k) => eq(unb64(s), hmacWith("sha1", k, ...data)));
    return i < 0 ? E("no_matching_signature") : { key_index: i };
  },
  vercel(c) {
    const s = need(c.headers, "x-vercel-signature");
    if (s === null) return E("missing_header");
    const i = firstKey(c.keys, (k) => eq(unhex(s), hmacWith("sha1", k, payloadBytes(c))));
    return i < 0 ? E("no_matching_signature") : { key_index: i };
  },
  intercom(c) {
    const s = need(c.headers, "X-Hub-Signature");
    if (s === null) return E("missing_header");
    const mac = s.startsWith("sha1=") ? unhex(s.slice(5)) : null;
    const i = firstKey(c.keys, (k) => eq(mac, hmacWith("sha1", k, payloadBytes(c))));
    return i < 0 ? E("no_matching_signature") : { key_index: i };
  },
  gitlab(c) {
    const s = need(c.headers, "X-Gitlab-Token");
    if (s === null) return E("missing_header");
    const i = firstKey(c.keys, (k) => eq(bytes(s), bytes(k)));
    return i < 0 ? E("no_matching_signature") : { key_index: i, id: hget(c.headers, "X-Gitlab-Event-UUID"), event_type: hget(c.headers, "X-Gitlab-Event") };
  },
  sendgrid(c) {
    const s = need(c.headers, "X-Twilio-Email-Event-Webhook-Signature");
    if (s === null) return E("missing_header");
    const t = need(c.headers, "X-Twilio-Email-Event-Webhook-Timestamp");
    if (t === null) return E("missing_header");
    if (digits(t) === null) return E("invalid_header");
    const w = window(digits(t), c.now, c.tolerance ?? 300);
    if (w) return E(w);
    const sig = unb64(s);
    const msg = Buffer.concat([bytes(t), payloadBytes(c)]);
    const i = sig === null ? -1 : firstKey(c.keys, (k) => crypto.verify("sha256", msg, crypto.createPublicKey({ key: Buffer.from(k, "base64"), format: "der", type: "spki" }), sig));
    return i < 0 ? E("no_matching_signature") : { key_index: i, timestamp: digits(t) };
  },
};

// Sign cases, re-checked through the reference verifiers as a freshly delivered request.
const SIGN_AS_REQUEST = {
  stripe: (s) => ({ keys: [s.secret], headers: { "Stripe-Signature": s.signature }, now: s.timestamp }),
  github: (s) => ({ keys: [s.secret], headers: { "X-Hub-Signature-256": s.signature } }),
  slack: (s) => ({ keys: [s.secret], headers: { "X-Slack-Signature": s.signature, "X-Slack-Request-Timestamp": String(s.timestamp) }, now: s.timestamp }),
  shopify: (s) => ({ keys: [s.secret], headers: { "X-Shopify-Hmac-Sha256": s.signature } }),
  discord: (s) => ({ keys: [s.public_key], headers: { "X-Signature-Ed25519": s.signature, "X-Signature-Timestamp": String(s.timestamp) }, now: s.timestamp }),
  linear: (s) => ({ keys: [s.secret], headers: { "Linear-Signature": s.signature }, now: Math.round(JSON.parse(s.payload).webhookTimestamp / 1000) }),
  "standard-webhooks-v1a": (s) => ({ keys: [s.public_key], headers: { "webhook-id": s.id, "webhook-timestamp": String(s.timestamp), "webhook-signature": s.signature }, now: s.timestamp }),
  custom: (s) => {
    const headers = { [s.config.header]: s.signature };
    if (s.config.format === "plain" && s.config.content === "timestamp.body") headers[s.config.timestampHeader] = String(s.timestamp);
    return { keys: [s.secret], config: s.config, headers, now: s.timestamp ?? T };
  },
};

function sameResult(a, b) {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

// The reference verifiers are also what tests/vectors/gen/conformance.cjs checks its cases
// against; required from there, this file writes nothing.
module.exports = { REF };
if (require.main !== module) return;

// ---------------------------------------------------------------------------------------
// main

const schemes = [stripe(), github(), slack(), shopify(), discord(), linear(), standardWebhooksV1a(), custom()];
const problems = [];
for (const s of schemes) {
  const ref = REF[s.scheme];
  if (s.sign.length < 3 || s.verify.length < 8) problems.push(`${s.scheme}: too few cases`);
  for (const names of [s.sign, s.verify].map((l) => l.map((c) => c.name))) {
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) problems.push(`${s.scheme}: duplicate case name "${dup}"`);
  }
  for (const c of s.verify) {
    const got = ref(c);
    if (!sameResult(got, c.expect)) problems.push(`${s.scheme} / ${c.name}: expect ${JSON.stringify(c.expect)}, reference gives ${JSON.stringify(got)}`);
  }
  for (const c of s.sign) {
    const got = ref({ ...c, ...SIGN_AS_REQUEST[s.scheme](c) });
    if (got.error !== undefined) problems.push(`${s.scheme} / sign ${c.name}: does not verify (${got.error})`);
  }
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}

// Fixed field order in every case, so the files read the same way throughout.
const ORDER = ["name", "source", "config", "secret", "secret_key", "public_key", "keys", "headers", "id", "timestamp", "payload", "payload_hex", "now", "tolerance", "signature", "expect"];
const ordered = (c) => {
  const extra = Object.keys(c).filter((k) => !ORDER.includes(k));
  if (extra.length) throw new Error(`unexpected fields ${extra} in ${c.name}`);
  return Object.fromEntries(ORDER.filter((k) => k in c).map((k) => [k, c[k]]));
};

fs.mkdirSync(OUT_DIR, { recursive: true });
for (const s of schemes) {
  const file = { scheme: s.scheme, description: s.description, sources: s.sources, sign: s.sign.map(ordered), verify: s.verify.map(ordered) };
  fs.writeFileSync(`${OUT_DIR}/${s.scheme}.json`, JSON.stringify(file, null, 2) + "\n");
  console.log(`tests/vectors/schemes/${s.scheme}.json: ${s.sign.length} sign, ${s.verify.length} verify`);
}
