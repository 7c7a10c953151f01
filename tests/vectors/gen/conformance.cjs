// Run from the repository root:  node tests/vectors/gen/conformance.cjs
//
// Writes tests/vectors/conformance.json: the conformance vectors published in the package as
// `hookline/vectors` and run by `hookline conformance` against hookline and the installed peers
// (standardwebhooks, svix, stripe, @octokit/webhooks-methods). Positive and negative cases for
// every scheme, each tagged with the bug class it targets (the mistakes seen in real SDKs).
//
// Every signature is computed here with node:crypto (HMAC, ed25519), never with hookline. Before
// writing, every case is run through independent reference verifiers (the ones in schemes.cjs,
// plus a Standard Webhooks v1 one below) and the script stops if a case's expectation disagrees.
//
// Adding a scheme: one block below (`const twilio = { scheme, keys, description, sources,
// build(b) { ... } }`) whose build calls b.valid / b.refused for each case (inputs: keys, payload,
// headers, now, and tolerance, config, url, method where the scheme takes them), listed in BLOCKS
// at the end, and its reference verifier in schemes.cjs (REF); nothing else. Deterministic: fixed
// secrets, keys and clocks; no randomness, no clock.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const { REF } = require("./schemes.cjs");

const OUT = `${__dirname}/../conformance.json`;
const T = 1718000000; // 2024-06-10T06:13:20Z, the receiver's clock for most cases

// ---------------------------------------------------------------------------------------
// vocabulary

/** hookline error code -> peer-neutral category. */
const CATEGORY = {
  no_matching_signature: "signature_mismatch",
  timestamp_too_old: "timestamp_too_old",
  timestamp_too_new: "timestamp_too_new",
  missing_header: "missing_header",
  invalid_header: "malformed_header",
  invalid_payload: "invalid_payload",
};

const BUG_CLASSES = {
  baseline: "a correctly signed request verifies",
  tampered_payload: "a body changed after signing is refused",
  wrong_key: "a request signed with another secret or key is refused",
  signed_content: "every signed part (id, timestamp) is bound: changing one after signing is refused",
  raw_body: "the signature covers the exact body bytes: non-ASCII UTF-8, non-UTF-8 bytes and an empty body verify; re-serialised JSON does not",
  tolerance_old: "a timestamp older than the tolerance is refused",
  tolerance_future: "a timestamp further ahead than the tolerance is refused (SDKs that check one direction only accept it)",
  tolerance_boundary: "a timestamp exactly at the tolerance verifies (off-by-one)",
  tolerance_option: "a caller's own tolerance is applied",
  timestamp_units: "seconds and milliseconds are not confused (a timestamp in the other unit is refused)",
  secret_prefix: "the secret is turned into key bytes the way the scheme says (whsec_ prefix or not, base64-decoded or used as text)",
  rotation: "several signatures in one header, or several secrets, during a rotation: one match is enough",
  signature_version: "a signature under another version or algorithm label is not accepted (v0, v2, v1a, sha1=)",
  legacy_algorithm: "a legacy algorithm's header (GitHub's SHA-1 X-Hub-Signature) is never trusted, alone or beside a wrong current one",
  signature_encoding: "a truncated signature or one in the wrong encoding is refused (prefix comparisons, hex vs base64)",
  missing_header: "a request without a required header is refused",
  malformed_header: "a header that does not parse is refused",
  invalid_payload: "a scheme that reads its timestamp from the body refuses a body without a usable one",
};

// ---------------------------------------------------------------------------------------
// helpers

const bytes = (x) => (Buffer.isBuffer(x) ? x : Buffer.from(x, "utf8"));
const hmac = (alg, key, ...parts) => crypto.createHmac(alg, bytes(key)).update(Buffer.concat(parts.map(bytes))).digest();
const sha256 = (key, ...parts) => hmac("sha256", key, ...parts);
const hex = (b) => b.toString("hex");
const b64 = (b) => b.toString("base64");

const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
function edKey(seed) {
  const priv = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
  const pub = crypto.createPublicKey(priv).export({ format: "der", type: "spki" }).subarray(12);
  return { priv, pub };
}
const edSign = (key, ...parts) => crypto.sign(null, Buffer.concat(parts.map(bytes)), key.priv);

/**
 * The case builder one scheme's block receives. `base` holds the inputs most of its cases share
 * (keys, payload, headers, now); each case overrides what it changes.
 */
function builder(scheme, keysField) {
  const cases = [];
  let base = {};
  const add = (bugClass, description, input, expect) => {
    const i = { ...base, ...input };
    const payload = bytes(i.payload ?? "");
    const text = payload.toString("utf8");
    cases.push({
      id: `${scheme}/${description.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`,
      scheme,
      description,
      bug_class: bugClass,
      input: {
        ...(Buffer.from(text, "utf8").equals(payload) ? { payload: text } : { payload_base64: b64(payload) }),
        headers: i.headers,
        [keysField]: i.keys,
        now: i.now,
        ...(i.tolerance === undefined ? {} : { tolerance: i.tolerance }),
        ...(i.config === undefined ? {} : { config: i.config }),
        // For schemes that sign the URL or the method (hookline's `url` / `method` options).
        ...(i.url === undefined ? {} : { url: i.url }),
        ...(i.method === undefined ? {} : { method: i.method }),
      },
      expect,
    });
  };
  return {
    cases,
    setBase: (b) => {
      base = b;
    },
    valid: (bugClass, description, input = {}) => add(bugClass, description, input, { valid: true }),
    refused: (bugClass, description, code, input = {}) => {
      if (!CATEGORY[code]) throw new Error(`no category for ${code}`);
      add(bugClass, description, input, { valid: false, code, category: CATEGORY[code] });
    },
  };
}

// ---------------------------------------------------------------------------------------
// Standard Webhooks v1 (svix)

const standardWebhooks = {
  scheme: "standard-webhooks",
  keys: "secrets",
  description:
    "webhook-id, webhook-timestamp (unix seconds), webhook-signature: space-separated `v1,<base64 HMAC-SHA256>` over `${id}.${timestamp}.${body}`, keyed with the base64-decoded whsec_ secret (the prefix is optional); tolerance 300 s both ways.",
  sources: ["Standard Webhooks spec (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md); its libraries' shared test vector"],
  build(b) {
    const S = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // the spec libraries' test secret
    const S2 = "whsec_" + b64(Buffer.alloc(32, 7));
    const key = (s) => Buffer.from(s.replace(/^whsec_/, ""), "base64");
    const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS = 1614265330;
    const BODY = '{"test": 2432232314}';
    const sig = (k, id, t, p) => "v1," + b64(sha256(k, `${id}.${t}.`, p));
    const good = sig(key(S), ID, TS, BODY);
    const H = (s = good, id = ID, t = TS) => ({
      ...(id === null ? {} : { "webhook-id": id }),
      ...(t === null ? {} : { "webhook-timestamp": String(t) }),
      ...(s === null ? {} : { "webhook-signature": s }),
    });
    b.setBase({ keys: [S], payload: BODY, headers: H(), now: TS });

    b.valid("baseline", "spec test vector");
    b.valid("secret_prefix", "secret given without the whsec_ prefix", { keys: [S.slice(6)] });
    b.refused("secret_prefix", "signed with the secret's text as key instead of its base64-decoded bytes", "no_matching_signature", { headers: H(sig(S, ID, TS, BODY)) });
    b.valid("rotation", "two signatures, the second matches", { headers: H(`${sig(key(S2), ID, TS, BODY)} ${good}`) });
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S] });
    b.refused("signature_version", "valid HMAC labelled v2", "no_matching_signature", { headers: H("v2," + good.slice(3)) });
    b.refused("signature_version", "valid HMAC labelled v1a", "no_matching_signature", { headers: H("v1a," + good.slice(3)) });
    b.refused("signature_version", "valid HMAC without a version label", "no_matching_signature", { headers: H(good.slice(3)) });
    b.valid("tolerance_boundary", "exactly 300 s old", { now: TS + 300 });
    b.valid("tolerance_boundary", "exactly 300 s ahead", { now: TS - 300 });
    b.refused("tolerance_old", "301 s old", "timestamp_too_old", { now: TS + 301 });
    b.refused("tolerance_future", "301 s ahead", "timestamp_too_new", { now: TS - 301 });
    b.refused("tolerance_future", "one day ahead", "timestamp_too_new", { now: TS - 86400 });
    b.refused("tolerance_option", "tolerance 10 s, 11 s old", "timestamp_too_old", { tolerance: 10, now: TS + 11 });
    b.refused("timestamp_units", "timestamp in milliseconds, signed as sent", "timestamp_too_new", { headers: H(sig(key(S), ID, TS * 1000, BODY), ID, TS * 1000) });
    b.refused("tampered_payload", "one digit of the body changed", "no_matching_signature", { payload: BODY.replace("2432232314", "2432232315") });
    b.refused("raw_body", "body re-serialised without the space", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY)) });
    b.refused("raw_body", "body with a trailing newline", "no_matching_signature", { payload: BODY + "\n" });
    const utf8 = '{"name":"Zoë 🚀 東京"}';
    b.valid("raw_body", "non-ASCII UTF-8 body", { payload: utf8, headers: H(sig(key(S), ID, TS, utf8)) });
    const bin = Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0xff, 0xfe, 0x00, 0x80, 0x7d]);
    b.valid("raw_body", "body bytes that are not UTF-8", { payload: bin, headers: H(sig(key(S), ID, TS, bin)) });
    b.valid("raw_body", "empty body", { payload: "", headers: H(sig(key(S), ID, TS, "")) });
    b.refused("signed_content", "webhook-id changed after signing", "no_matching_signature", { headers: H(good, ID + "x") });
    b.refused("signed_content", "webhook-timestamp changed after signing", "no_matching_signature", { headers: H(good, ID, TS + 1) });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_encoding", "truncated signature", "no_matching_signature", { headers: H(good.slice(0, 20)) });
    b.refused("signature_encoding", "empty v1 entry", "no_matching_signature", { headers: H("v1,") });
    b.refused("missing_header", "webhook-id missing", "missing_header", { headers: H(good, null) });
    b.refused("missing_header", "webhook-timestamp missing", "missing_header", { headers: H(good, ID, null) });
    b.refused("missing_header", "webhook-signature missing", "missing_header", { headers: H(null) });
    b.refused("malformed_header", "webhook-timestamp not a number", "invalid_header", { headers: H(good, ID, "16142653x0") });
  },
};

// Standard Webhooks v1 reference verifier (schemes.cjs has none: its v1 vectors predate it).
REF["standard-webhooks"] = (c) => {
  const h = (n) => {
    const e = Object.entries(c.headers).find(([k]) => k.toLowerCase() === n);
    return e === undefined || e[1] === "" ? null : e[1];
  };
  const id = h("webhook-id");
  const t = h("webhook-timestamp");
  const s = h("webhook-signature");
  if (id === null || t === null || s === null) return { error: "missing_header" };
  if (!/^[0-9]+$/.test(t)) return { error: "invalid_header" };
  const tol = c.tolerance ?? 300;
  if (c.now - Number(t) > tol) return { error: "timestamp_too_old" };
  if (Number(t) - c.now > tol) return { error: "timestamp_too_new" };
  const p = Buffer.from(c.payload_hex, "hex");
  const i = c.keys.findIndex((k) => {
    const want = b64(sha256(Buffer.from(k.replace(/^whsec_/, ""), "base64"), `${id}.${t}.`, p));
    return s.split(" ").some((e) => e === `v1,${want}`);
  });
  return i < 0 ? { error: "no_matching_signature" } : { key_index: i };
};

// ---------------------------------------------------------------------------------------
// Standard Webhooks v1a (ed25519)

const standardWebhooksV1a = {
  scheme: "standard-webhooks-v1a",
  keys: "public_keys",
  description:
    "Standard Webhooks asymmetric: webhook-signature entries `v1a,<base64 ed25519 signature>` over `${id}.${timestamp}.${body}`, checked with whpk_ public keys; tolerance 300 s both ways.",
  sources: ["Standard Webhooks spec; standard-webhooks Go library TestAsymmetricWebhookSign (the first case)"],
  build(b) {
    const GO = edKey(Buffer.from("VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=", "base64"));
    const K2 = edKey(Buffer.from("hookline-v1a-FAKE-test-seed-0002", "utf8"));
    const whpk = (k) => "whpk_" + b64(k.pub);
    const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS = 1614265330;
    const BODY = '{"test": 2432232314}';
    const sig = (k, id, t, p) => "v1a," + b64(edSign(k, `${id}.${t}.`, p));
    const good = sig(GO, ID, TS, BODY);
    if (good !== "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==") throw new Error("Go library v1a vector");
    const H = (s = good, id = ID, t = TS) => ({ ...(id === null ? {} : { "webhook-id": id }), "webhook-timestamp": String(t), "webhook-signature": s });
    b.setBase({ keys: [whpk(GO)], payload: BODY, headers: H(), now: TS });

    b.valid("baseline", "Go library test vector");
    b.valid("rotation", "two public keys, the second matches", { keys: [whpk(K2), whpk(GO)] });
    b.valid("rotation", "a garbage v1 entry before the valid v1a one", { headers: H(`v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${good}`) });
    b.refused("signature_version", "valid ed25519 signature labelled v1", "no_matching_signature", { headers: H("v1," + good.slice(4)) });
    b.refused("wrong_key", "another public key", "no_matching_signature", { keys: [whpk(K2)] });
    b.refused("tampered_payload", "one digit of the body changed", "no_matching_signature", { payload: BODY.replace("2432232314", "2432232315") });
    b.refused("signed_content", "webhook-id changed after signing", "no_matching_signature", { headers: H(good, ID + "x") });
    b.refused("signature_encoding", "truncated signature", "no_matching_signature", { headers: H(good.slice(0, 60)) });
    b.valid("tolerance_boundary", "exactly 300 s old", { now: TS + 300 });
    b.refused("tolerance_old", "301 s old", "timestamp_too_old", { now: TS + 301 });
    b.refused("tolerance_future", "301 s ahead", "timestamp_too_new", { now: TS - 301 });
    b.refused("missing_header", "webhook-id missing", "missing_header", { headers: H(good, null) });
  },
};

// ---------------------------------------------------------------------------------------
// Stripe

const stripe = {
  scheme: "stripe",
  keys: "secrets",
  description:
    "Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of `${t}.${body}`>[,v1=...], keyed with the UTF-8 bytes of the whole whsec_ string; tolerance 300 s.",
  sources: ["Stripe docs: Verify webhook signatures manually (https://docs.stripe.com/webhooks#verify-manually)"],
  build(b) {
    const S1 = "whsec_FAKEhooklineStripeTestSecret0001";
    const S2 = "whsec_FAKEhooklineStripeRotatedKey0002";
    const v1 = (k, t, p) => hex(sha256(k, `${t}.`, p));
    const BODY = JSON.stringify({ id: "evt_3PQfakeHOOKLINE0001", object: "event", type: "payment_intent.succeeded", data: { object: { id: "pi_3PQfake", amount: 2000, currency: "usd" } } }, null, 2);
    const header = (k = S1, t = T, p = BODY) => ({ "Stripe-Signature": `t=${t},v1=${v1(k, t, p)}` });
    b.setBase({ keys: [S1], payload: BODY, headers: header(), now: T });

    b.valid("baseline", "payment_intent.succeeded event");
    b.valid("rotation", "two v1 entries, the second matches", { headers: { "Stripe-Signature": `t=${T},v1=${v1(S2, T, BODY)},v1=${v1(S1, T, BODY)}` } });
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.refused("signature_version", "valid HMAC under v0 only", "no_matching_signature", { headers: { "Stripe-Signature": `t=${T},v0=${v1(S1, T, BODY)}` } });
    b.refused("secret_prefix", "signed with the base64-decoded secret instead of the whsec_ text", "no_matching_signature", { headers: header(Buffer.from(S1.slice(6), "base64")) });
    b.refused("secret_prefix", "signed with the secret without its whsec_ prefix", "no_matching_signature", { headers: header(S1.slice(6)) });
    b.valid("tolerance_boundary", "exactly 300 s old", { now: T + 300 });
    b.refused("tolerance_old", "301 s old", "timestamp_too_old", { now: T + 301 });
    b.refused("tolerance_future", "301 s ahead", "timestamp_too_new", { now: T - 301 });
    b.refused("tolerance_future", "one day ahead", "timestamp_too_new", { now: T - 86400 });
    b.refused("tolerance_option", "tolerance 10 s, 11 s old", "timestamp_too_old", { tolerance: 10, now: T + 11 });
    b.refused("timestamp_units", "t= in milliseconds, signed as sent", "timestamp_too_new", { headers: header(S1, T * 1000) });
    b.refused("tampered_payload", "amount changed", "no_matching_signature", { payload: BODY.replace('"amount": 2000', '"amount": 2001') });
    b.refused("raw_body", "body re-serialised compactly", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY)) });
    const utf8 = JSON.stringify({ id: "evt_1PQfakeHOOKLINE0002", object: "event", data: { object: { name: "Zoë Müller", description: "Café ☕ 東京 🚀" } } }, null, 2);
    b.valid("raw_body", "non-ASCII UTF-8 body", { payload: utf8, headers: header(S1, T, utf8) });
    b.valid("raw_body", "empty body", { payload: "", headers: header(S1, T, "") });
    b.refused("signed_content", "t= changed after signing", "no_matching_signature", { now: T + 1, headers: { "Stripe-Signature": `t=${T + 1},v1=${v1(S1, T, BODY)}` } });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_encoding", "v1 truncated to 31 bytes", "no_matching_signature", { headers: { "Stripe-Signature": `t=${T},v1=${v1(S1, T, BODY).slice(0, 62)}` } });
    b.refused("missing_header", "Stripe-Signature missing", "missing_header", { headers: {} });
    b.refused("malformed_header", "no t= element", "invalid_header", { headers: { "Stripe-Signature": `v1=${v1(S1, T, BODY)}` } });
  },
};

// ---------------------------------------------------------------------------------------
// GitHub

const github = {
  scheme: "github",
  keys: "secrets",
  description:
    "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body> keyed with the UTF-8 bytes of the secret; no timestamp. The legacy X-Hub-Signature (sha1=) is never trusted.",
  sources: ["GitHub docs: Validating webhook deliveries (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries), including its published example"],
  build(b) {
    const DOC_SECRET = "It's a Secret to Everybody";
    const DOC_BODY = "Hello, World!";
    const S1 = "hookline-FAKE-github-webhook-secret-1";
    const S2 = "hookline-FAKE-github-webhook-secret-2";
    const sig = (k, p) => `sha256=${hex(sha256(k, p))}`;
    const sha1 = (k, p) => `sha1=${hex(hmac("sha1", k, p))}`;
    if (sig(DOC_SECRET, DOC_BODY) !== "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17") throw new Error("GitHub docs example");
    const BODY = JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "octo-org/hookline-demo" }, pusher: { name: "octocat" }, head_commit: { message: "Fix typo in README" } });
    const H = (s = sig(S1, BODY), extra = {}) => ({ "X-GitHub-Event": "push", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958", ...(s === null ? {} : { "X-Hub-Signature-256": s }), ...extra });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T });

    b.valid("baseline", "GitHub docs example", { keys: [DOC_SECRET], payload: DOC_BODY, headers: H(sig(DOC_SECRET, DOC_BODY)) });
    b.valid("baseline", "push event");
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.refused("legacy_algorithm", "only the SHA-1 X-Hub-Signature header, valid", "missing_header", { headers: H(null, { "X-Hub-Signature": sha1(S1, BODY) }) });
    b.refused("legacy_algorithm", "valid SHA-1 X-Hub-Signature beside a wrong X-Hub-Signature-256", "no_matching_signature", { headers: H(sig(S2, BODY), { "X-Hub-Signature": sha1(S1, BODY) }) });
    b.valid("legacy_algorithm", "valid X-Hub-Signature-256 beside a garbage X-Hub-Signature", { headers: H(undefined, { "X-Hub-Signature": "sha1=" + "0".repeat(40) }) });
    b.refused("signature_version", "SHA-1 digest in X-Hub-Signature-256", "no_matching_signature", { headers: H(sha1(S1, BODY)) });
    b.refused("signature_version", "sha256= prefix missing", "no_matching_signature", { headers: H(sig(S1, BODY).slice(7)) });
    b.refused("tampered_payload", "commit message changed", "no_matching_signature", { payload: BODY.replace("Fix typo", "Fix typos") });
    b.refused("raw_body", "body re-serialised with indentation", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY), null, 2) });
    const utf8 = JSON.stringify({ ref: "refs/heads/main", head_commit: { message: "Fix naïve façade — 修正 🚀", author: { name: "José Ñúñez" } } });
    b.valid("raw_body", "non-ASCII UTF-8 body", { payload: utf8, headers: H(sig(S1, utf8)) });
    b.valid("raw_body", "empty body", { payload: "", headers: H(sig(S1, "")) });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_encoding", "digest truncated by one byte", "no_matching_signature", { headers: H(sig(S1, BODY).slice(0, -2)) });
    b.refused("signature_encoding", "digest in base64", "no_matching_signature", { headers: H("sha256=" + b64(sha256(S1, BODY))) });
    b.refused("missing_header", "X-Hub-Signature-256 missing", "missing_header", { headers: H(null) });
  },
};

// ---------------------------------------------------------------------------------------
// Slack

const slack = {
  scheme: "slack",
  keys: "secrets",
  description: "X-Slack-Signature: v0=<hex HMAC-SHA256 of `v0:${X-Slack-Request-Timestamp}:${body}`>, timestamp in unix seconds; tolerance 300 s.",
  sources: ["Slack docs: Verifying requests from Slack, worked example (https://docs.slack.dev/authentication/verifying-requests-from-slack)"],
  build(b) {
    const S = "8f742231b10e8888abcd99yyyzzz85a5";
    const S2 = "hookline0FAKE0slack0signing00002";
    const TS = 1531420618;
    const BODY =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const sig = (k, t, p) => `v0=${hex(sha256(k, `v0:${t}:`, p))}`;
    if (sig(S, TS, BODY) !== "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503") throw new Error("Slack docs example");
    const H = (s = sig(S, TS, BODY), t = TS) => ({ ...(s === null ? {} : { "X-Slack-Signature": s }), ...(t === null ? {} : { "X-Slack-Request-Timestamp": String(t) }) });
    b.setBase({ keys: [S], payload: BODY, headers: H(), now: TS });

    b.valid("baseline", "Slack docs example");
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S] });
    b.valid("tolerance_boundary", "exactly 300 s old", { now: TS + 300 });
    b.refused("tolerance_old", "301 s old", "timestamp_too_old", { now: TS + 301 });
    b.refused("tolerance_future", "301 s ahead", "timestamp_too_new", { now: TS - 301 });
    b.refused("timestamp_units", "timestamp in milliseconds, signed as sent", "timestamp_too_new", { headers: H(sig(S, TS * 1000, BODY), TS * 1000) });
    b.refused("tampered_payload", "text changed", "no_matching_signature", { payload: BODY.replace("text=&", "text=rm+-rf&") });
    b.refused("signed_content", "timestamp header changed after signing", "no_matching_signature", { now: TS + 1, headers: H(undefined, TS + 1) });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_version", "v0= prefix missing", "no_matching_signature", { headers: H(sig(S, TS, BODY).slice(3)) });
    b.refused("missing_header", "X-Slack-Request-Timestamp missing", "missing_header", { headers: H(undefined, null) });
    b.refused("malformed_header", "timestamp with a fraction", "invalid_header", { headers: H(undefined, `${TS}.5`) });
  },
};

// ---------------------------------------------------------------------------------------
// Shopify

const shopify = {
  scheme: "shopify",
  keys: "secrets",
  description: "X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body> keyed with the UTF-8 bytes of the client secret; no timestamp.",
  sources: ["Shopify docs: Verify webhook deliveries (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries)"],
  build(b) {
    const S1 = "shpss_FAKEhooklineShopifyClientSecret0001";
    const S2 = "shpss_FAKEhooklineShopifyClientSecret0002";
    const BODY = JSON.stringify({ id: 820982911946154500, email: "jon@example.com", total_price: "403.00", currency: "USD" });
    const H = (s = b64(sha256(S1, BODY))) => ({ "X-Shopify-Topic": "orders/create", "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", ...(s === null ? {} : { "X-Shopify-Hmac-Sha256": s }) });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T });

    b.valid("baseline", "orders/create");
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.refused("tampered_payload", "price changed", "no_matching_signature", { payload: BODY.replace('"403.00"', '"4.03"') });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_encoding", "digest in hex instead of base64", "no_matching_signature", { headers: H(hex(sha256(S1, BODY))) });
    b.refused("signature_encoding", "truncated base64", "no_matching_signature", { headers: H(b64(sha256(S1, BODY)).slice(0, 40)) });
    const utf8 = JSON.stringify({ id: 820982911946154501, customer: { first_name: "Zoë" }, note: "Bitte klingeln 🔔 — 谢谢" });
    b.valid("raw_body", "non-ASCII UTF-8 body", { payload: utf8, headers: H(b64(sha256(S1, utf8))) });
    b.refused("missing_header", "X-Shopify-Hmac-Sha256 missing", "missing_header", { headers: H(null) });
  },
};

// ---------------------------------------------------------------------------------------
// Discord

const discord = {
  scheme: "discord",
  keys: "public_keys",
  description:
    "X-Signature-Ed25519: <hex ed25519 signature> over `${X-Signature-Timestamp}${body}`, checked with the application's hex public key; timestamp in unix seconds, tolerance 300 s (a hookline policy: Discord documents no window).",
  sources: ["Discord docs: Interactions, Security and Authorization (https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization)"],
  build(b) {
    const K1 = edKey(Buffer.from("hookline-discord-FAKE-test-seed!", "utf8"));
    const K2 = edKey(Buffer.from("hookline-discord-FAKE-other-key2", "utf8"));
    const BODY = JSON.stringify({ application_id: "1250000000000000001", id: "1250000000000000002", type: 1, version: 1 });
    const sig = (k, t, p) => hex(edSign(k, String(t), p));
    const H = (s = sig(K1, T, BODY), t = T) => ({ ...(s === null ? {} : { "X-Signature-Ed25519": s }), ...(t === null ? {} : { "X-Signature-Timestamp": String(t) }) });
    b.setBase({ keys: [hex(K1.pub)], payload: BODY, headers: H(), now: T });

    b.valid("baseline", "PING interaction");
    b.valid("rotation", "two public keys, the second matches", { keys: [hex(K2.pub), hex(K1.pub)] });
    b.refused("tampered_payload", "type changed", "no_matching_signature", { payload: BODY.replace('"type":1', '"type":2') });
    b.refused("wrong_key", "another public key", "no_matching_signature", { keys: [hex(K2.pub)] });
    b.refused("signed_content", "timestamp header changed after signing", "no_matching_signature", { now: T + 1, headers: H(undefined, T + 1) });
    b.refused("signature_encoding", "signature one byte short", "no_matching_signature", { headers: H(sig(K1, T, BODY).slice(0, 126)) });
    b.refused("tolerance_old", "301 s old", "timestamp_too_old", { now: T + 301 });
    b.refused("tolerance_future", "301 s ahead", "timestamp_too_new", { now: T - 301 });
    b.refused("missing_header", "X-Signature-Timestamp missing", "missing_header", { headers: H(undefined, null) });
  },
};

// ---------------------------------------------------------------------------------------
// Linear

const linear = {
  scheme: "linear",
  keys: "secrets",
  description:
    "Linear-Signature: <hex HMAC-SHA256 of the body>; the replay window comes from the body's webhookTimestamp in unix MILLISECONDS, compared with now (seconds) +/- 60 s.",
  sources: ["Linear docs: Webhooks, Securing webhooks (https://linear.app/developers/webhooks#securing-webhooks); @linear/sdk LinearWebhooks.verify"],
  build(b) {
    const S1 = "lin_wh_FAKEhooklineLinearWebhookSecret0001";
    const S2 = "lin_wh_FAKEhooklineLinearWebhookSecret0002";
    const body = (wts) => JSON.stringify({ action: "create", type: "Issue", data: { id: "9cfb482a-81e3-4154-b5b9-2c805e70a02d", identifier: "ENG-123" }, webhookTimestamp: wts });
    const H = (p) => ({ "Linear-Signature": hex(sha256(S1, p)), "Linear-Delivery": "234d1a4e-b617-4388-90fe-adc3633d6b72", "Linear-Event": "Issue" });
    const at = (wts) => ({ payload: body(wts), headers: H(body(wts)) });
    const BODY = body(T * 1000 - 123);
    b.setBase({ keys: [S1], payload: BODY, headers: H(BODY), now: T, tolerance: 60 });

    b.valid("baseline", "Issue create");
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.valid("tolerance_boundary", "webhookTimestamp exactly 60 s old", at(T * 1000 - 60000));
    b.refused("tolerance_old", "webhookTimestamp 61 s old", "timestamp_too_old", at(T * 1000 - 61000));
    b.refused("tolerance_future", "webhookTimestamp 61 s ahead", "timestamp_too_new", at(T * 1000 + 61000));
    b.refused("timestamp_units", "webhookTimestamp in seconds instead of milliseconds", "timestamp_too_old", at(T));
    b.refused("invalid_payload", "signed body without webhookTimestamp", "invalid_payload", at(undefined));
    b.refused("tampered_payload", "identifier changed", "no_matching_signature", { payload: BODY.replace("ENG-123", "ENG-124") });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("missing_header", "Linear-Signature missing", "missing_header", { headers: { "Linear-Delivery": "234d1a4e-b617-4388-90fe-adc3633d6b72" } });
  },
};

// ---------------------------------------------------------------------------------------
// custom (hookline's configurable HMAC-SHA256)

const custom = {
  scheme: "custom",
  keys: "secrets",
  description:
    "hookline's configurable HMAC-SHA256 (key = UTF-8 bytes of the secret): config.header carries prefix + hex or base64 of the MAC of the body, or of `${timestamp}.${body}` with the timestamp (unix seconds) from config.timestampHeader; tolerance 300 s.",
  sources: ["hookline's custom scheme (no provider); node:crypto"],
  build(b) {
    const FOREMAN = { header: "X-Foreman-Signature", prefix: "sha256=", encoding: "hex", content: "body", format: "plain" };
    const DEVCARD = { header: "X-DevCard-Signature", prefix: "", encoding: "hex", content: "timestamp.body", timestampHeader: "X-DevCard-Timestamp", format: "plain" };
    const S1 = "hookline-FAKE-custom-secret-0001";
    const S2 = "hookline-FAKE-custom-secret-0002";
    const JOB = JSON.stringify({ event: "job.finished", job: { id: "job_01HZFAKE0001", status: "succeeded" } });
    const CARD = JSON.stringify({ type: "card.viewed", card: { slug: "ada-lovelace", views: 1843 } });
    const foreman = (k = S1, p = JOB) => ({ "X-Foreman-Signature": `sha256=${hex(sha256(k, p))}` });
    const devcard = (t = T, k = S1) => ({ "X-DevCard-Signature": hex(sha256(k, `${t}.`, CARD)), "X-DevCard-Timestamp": String(t) });
    b.setBase({ keys: [S1], payload: JOB, headers: foreman(), now: T, config: FOREMAN });

    b.valid("baseline", "body signature, sha256= hex");
    b.valid("rotation", "body signature, two secrets, the second matches", { keys: [S2, S1] });
    b.refused("tampered_payload", "body signature, status changed", "no_matching_signature", { payload: JOB.replace("succeeded", "failed") });
    b.refused("wrong_key", "body signature, another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_version", "body signature, sha1= prefix on the digest", "no_matching_signature", { headers: { "X-Foreman-Signature": `sha1=${hex(sha256(S1, JOB))}` } });
    b.refused("missing_header", "body signature, header missing", "missing_header", { headers: {} });
    const card = { config: DEVCARD, payload: CARD };
    b.valid("baseline", "timestamp.body signature", { ...card, headers: devcard() });
    b.valid("tolerance_boundary", "timestamp.body, exactly 300 s old", { ...card, headers: devcard(), now: T + 300 });
    b.refused("tolerance_old", "timestamp.body, 301 s old", "timestamp_too_old", { ...card, headers: devcard(), now: T + 301 });
    b.refused("tolerance_future", "timestamp.body, 301 s ahead", "timestamp_too_new", { ...card, headers: devcard(), now: T - 301 });
    b.refused("timestamp_units", "timestamp.body, timestamp in milliseconds", "timestamp_too_new", { ...card, headers: devcard(T * 1000) });
    b.refused("signed_content", "timestamp.body, timestamp changed after signing", "no_matching_signature", { ...card, headers: { ...devcard(), "X-DevCard-Timestamp": String(T + 1) } });
  },
};

// ---------------------------------------------------------------------------------------
// main

const BLOCKS = [standardWebhooks, standardWebhooksV1a, stripe, github, slack, shopify, discord, linear, custom];

const schemes = {};
const cases = [];
const problems = [];
for (const block of BLOCKS) {
  const b = builder(block.scheme, block.keys);
  block.build(b);
  schemes[block.scheme] = { description: block.description, keys: block.keys, sources: block.sources };
  const ref = REF[block.scheme];
  if (!ref) problems.push(`${block.scheme}: no reference verifier`);
  for (const c of b.cases) {
    if (!BUG_CLASSES[c.bug_class]) problems.push(`${c.id}: unknown bug class ${c.bug_class}`);
    if (cases.some((x) => x.id === c.id)) problems.push(`${c.id}: duplicate id`);
    cases.push(c);
    if (!ref) continue;
    const payload = c.input.payload_base64 !== undefined ? Buffer.from(c.input.payload_base64, "base64") : Buffer.from(c.input.payload, "utf8");
    const got = ref({ ...c.input, keys: c.input[block.keys], payload: undefined, payload_hex: hex(payload) });
    const ok = c.expect.valid ? got.error === undefined : got.error === c.expect.code;
    if (!ok) problems.push(`${c.id}: expects ${JSON.stringify(c.expect)}, the reference verifier gives ${JSON.stringify(got)}`);
  }
  for (const cls of ["baseline", "tampered_payload", "wrong_key", "missing_header"]) {
    if (!b.cases.some((c) => c.bug_class === cls)) problems.push(`${block.scheme}: no ${cls} case`);
  }
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}

const out = {
  format: "hookline-conformance-vectors",
  version: 1,
  description:
    "Webhook signature verification conformance vectors: for each scheme, requests a verifier must accept (expect.valid true) and must refuse (expect.valid false, with hookline's error code and a peer-neutral category). Signatures computed with node:crypto, never with the verifier under test. Run them with `hookline conformance`.",
  units: {
    now: "unix seconds (the receiver's clock)", tolerance: "seconds (absent: the scheme's default)", payload: "UTF-8 text in payload, or other bytes as base64 in payload_base64",
  },
  codes: CATEGORY,
  bug_classes: BUG_CLASSES,
  schemes,
  cases,
};
fs.writeFileSync(OUT, JSON.stringify(out, null, 2) + "\n");
const byScheme = Object.keys(schemes).map((s) => `${s} ${cases.filter((c) => c.scheme === s).length}`);
console.log(`tests/vectors/conformance.json: ${cases.length} cases (${byScheme.join(", ")})`);
