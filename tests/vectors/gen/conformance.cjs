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
  scheme_downgrade: "scheme_downgrade",
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
  signed_url: "the URL (and method) the provider called is signed as given: another host, path, query, port, scheme or method is refused",
  param_sorting: "form parameters are signed sorted by name then value (Twilio): their order in the body does not matter, a signature over them unsorted or left out is refused",
  body_hash: "a body hash carried in the signed URL (Twilio's bodySHA256) is compared with the body: a changed body or a re-hashed URL is refused",
  scheme_downgrade: "with the scheme detected from the headers (input.detect), a timestamped scheme's signed content re-sent as the body under the header of a scheme that signs no time (Shopify, GitHub) is refused: it would verify forever",
  token_length: "a shared token (GitLab) is compared whole, in constant time: a prefix, a longer value or a repeat is refused",
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
        // The scheme is not named: the verifier finds it from the headers (hookline's detection).
        ...(i.detect ? { detect: true } : {}),
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
// Paddle

const paddle = {
  scheme: "paddle",
  keys: "secrets",
  description:
    "Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 of `${ts}:${body}`>[;h1=...] (one h1 per secret while one is rotated), keyed with the UTF-8 bytes of the secret key; tolerance 5 s both ways (the default of Paddle's SDKs).",
  sources: ["Paddle developer docs: Verify webhook signatures (https://developer.paddle.com/webhooks/signature-verification); Paddle SDKs' MAX_VALID_TIME_DIFFERENCE (5 s)"],
  build(b) {
    const S1 = "pdl_ntfset_01hFAKEhookline_0123456789abcdef";
    const S2 = "pdl_ntfset_01hFAKEhookline_rotated00000002";
    const BODY = JSON.stringify({ event_id: "evt_01hFAKE0001", event_type: "transaction.completed", occurred_at: "2024-06-10T06:13:20.000Z", data: { id: "txn_01hFAKE0001", status: "completed", currency_code: "EUR", details: { totals: { total: "1999" } } } });
    const h1 = (k, t, p) => hex(sha256(k, `${t}:`, p));
    const H = (value) => (value === null ? {} : { "Paddle-Signature": value });
    const sig = (k = S1, t = T, p = BODY) => `ts=${t};h1=${h1(k, t, p)}`;
    b.setBase({ keys: [S1], payload: BODY, headers: H(sig()), now: T });

    b.valid("baseline", "transaction.completed");
    b.valid("rotation", "two h1 entries, the second matches", { headers: H(`ts=${T};h1=${h1(S2, T, BODY)};h1=${h1(S1, T, BODY)}`) });
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.valid("tolerance_boundary", "exactly 5 s old (the default tolerance)", { now: T + 5 });
    b.valid("tolerance_boundary", "exactly 5 s ahead", { now: T - 5 });
    b.refused("tolerance_old", "6 s old", "timestamp_too_old", { now: T + 6 });
    b.refused("tolerance_old", "301 s old (a 300 s default would accept it)", "timestamp_too_old", { now: T + 301 });
    b.refused("tolerance_future", "6 s ahead", "timestamp_too_new", { now: T - 6 });
    b.refused("tolerance_future", "one day ahead", "timestamp_too_new", { now: T - 86400 });
    b.valid("tolerance_option", "tolerance 300 s, 200 s old", { tolerance: 300, now: T + 200 });
    b.refused("tolerance_option", "tolerance 300 s, 301 s ahead", "timestamp_too_new", { tolerance: 300, now: T - 301 });
    b.refused("timestamp_units", "ts in milliseconds, signed as sent", "timestamp_too_new", { headers: H(sig(S1, T * 1000)) });
    b.refused("tampered_payload", "total changed", "no_matching_signature", { payload: BODY.replace('"1999"', '"19"') });
    b.refused("raw_body", "body re-serialised with indentation", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY), null, 2) });
    const utf8 = JSON.stringify({ event_id: "evt_01hFAKE0002", event_type: "customer.updated", data: { name: "Zoë Müller", address: "Café ☕ 東京 🚀" } });
    b.valid("raw_body", "non-ASCII UTF-8 body", { payload: utf8, headers: H(sig(S1, T, utf8)) });
    b.refused("signed_content", "ts changed after signing", "no_matching_signature", { now: T + 1, headers: H(`ts=${T + 1};h1=${h1(S1, T, BODY)}`) });
    b.refused("signed_content", "signed over `${ts}.${body}` (Stripe's separator) instead of `${ts}:${body}`", "no_matching_signature", { headers: H(`ts=${T};h1=${hex(sha256(S1, `${T}.`, BODY))}`) });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_version", "valid HMAC under h2 only", "no_matching_signature", { headers: H(`ts=${T};h2=${h1(S1, T, BODY)}`) });
    b.refused("signature_encoding", "h1 in base64", "no_matching_signature", { headers: H(`ts=${T};h1=${b64(sha256(S1, `${T}:`, BODY))}`) });
    b.refused("signature_encoding", "h1 truncated to 31 bytes", "no_matching_signature", { headers: H(`ts=${T};h1=${h1(S1, T, BODY).slice(0, 62)}`) });
    b.refused("missing_header", "Paddle-Signature missing", "missing_header", { headers: H(null) });
    b.refused("malformed_header", "no ts= element", "invalid_header", { headers: H(`h1=${h1(S1, T, BODY)}`) });
    b.refused("malformed_header", "ts not a number", "invalid_header", { headers: H(`ts=17180000O0;h1=${h1(S1, T, BODY)}`) });
    b.valid("baseline", "scheme detected from Paddle-Signature", { detect: true });
    b.refused("scheme_downgrade", "Paddle's signed content re-sent as the body under Shopify's header, scheme detected", "scheme_downgrade", {
      detect: true, payload: `${T}:${BODY}`, headers: { "X-Shopify-Hmac-Sha256": b64(sha256(S1, `${T}:`, BODY)) }, now: T + 86400,
    });
  },
};

// ---------------------------------------------------------------------------------------
// Zoom

const zoom = {
  scheme: "zoom",
  keys: "secrets",
  description: "x-zm-signature: v0=<hex HMAC-SHA256 of `v0:${x-zm-request-timestamp}:${body}`>, keyed with the app's secret token (UTF-8); timestamp in unix seconds, tolerance 300 s.",
  sources: ["Zoom developer docs: Using webhooks, Verify webhook events (https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events)"],
  build(b) {
    const S1 = "hookline-FAKE-zoom-secret-token-1";
    const S2 = "hookline-FAKE-zoom-secret-token-2";
    const BODY = JSON.stringify({ event: "meeting.started", event_ts: T * 1000, payload: { account_id: "AAAAAAFAKE", object: { id: "1234567890", topic: "Weekly sync" } } });
    const sig = (k = S1, t = T, p = BODY) => `v0=${hex(sha256(k, `v0:${t}:`, p))}`;
    const H = (s = sig(), t = T) => ({ ...(s === null ? {} : { "x-zm-signature": s }), ...(t === null ? {} : { "x-zm-request-timestamp": String(t) }) });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T });

    b.valid("baseline", "meeting.started");
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.valid("tolerance_boundary", "exactly 300 s old", { now: T + 300 });
    b.valid("tolerance_boundary", "exactly 300 s ahead", { now: T - 300 });
    b.refused("tolerance_old", "301 s old", "timestamp_too_old", { now: T + 301 });
    b.refused("tolerance_future", "301 s ahead", "timestamp_too_new", { now: T - 301 });
    b.refused("tolerance_option", "tolerance 10 s, 11 s old", "timestamp_too_old", { tolerance: 10, now: T + 11 });
    b.refused("timestamp_units", "timestamp in milliseconds, signed as sent", "timestamp_too_new", { headers: H(sig(S1, T * 1000), T * 1000) });
    b.refused("tampered_payload", "meeting id changed", "no_matching_signature", { payload: BODY.replace("1234567890", "1234567891") });
    b.refused("raw_body", "body re-serialised with indentation", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY), null, 2) });
    b.refused("signed_content", "timestamp header changed after signing", "no_matching_signature", { now: T + 1, headers: H(sig(), T + 1) });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_version", "v0= prefix missing", "no_matching_signature", { headers: H(sig().slice(3)) });
    b.refused("signature_version", "valid HMAC labelled v1=", "no_matching_signature", { headers: H("v1=" + sig().slice(3)) });
    b.refused("missing_header", "x-zm-signature missing", "missing_header", { headers: H(null) });
    b.refused("missing_header", "x-zm-request-timestamp missing", "missing_header", { headers: H(undefined, null) });
    b.refused("malformed_header", "timestamp not a number", "invalid_header", { headers: H(undefined, "17180000O0") });
    b.valid("baseline", "scheme detected from x-zm-signature", { detect: true });
    b.refused("scheme_downgrade", "Zoom's signed content re-sent as the body under GitHub's header, scheme detected", "scheme_downgrade", {
      detect: true, payload: `v0:${T}:${BODY}`, headers: { "X-Hub-Signature-256": `sha256=${hex(sha256(S1, `v0:${T}:`, BODY))}` }, now: T + 86400,
    });
  },
};

// ---------------------------------------------------------------------------------------
// HubSpot (v3)

const hubspot = {
  scheme: "hubspot",
  keys: "secrets",
  description:
    "X-HubSpot-Signature-v3: <base64 HMAC-SHA256 of `${method}${url}${body}${X-HubSpot-Request-Timestamp}`> keyed with the app's client secret (UTF-8); the timestamp in unix MILLISECONDS, checked to the millisecond against now +/- 300 s; url (and method, default POST) are inputs, signed as given.",
  sources: ["HubSpot developer docs: Validating requests, v3 signature (https://developers.hubspot.com/docs/api/webhooks/validating-requests); @hubspot/api-client Signature.isValid"],
  build(b) {
    const S1 = "hookline-FAKE-hubspot-client-secret-1";
    const S2 = "hookline-FAKE-hubspot-client-secret-2";
    const HOOK_URL = "https://hooks.example.com/hubspot?portal=62515";
    const BODY = JSON.stringify([{ eventId: 1, subscriptionId: 12345, portalId: 62515, occurredAt: T * 1000, subscriptionType: "contact.creation", attemptNumber: 0, objectId: 123, changeSource: "CRM" }]);
    const MS = T * 1000 + 250;
    const sig = (k = S1, method = "POST", url = HOOK_URL, p = BODY, ts = MS) => b64(sha256(k, method, url, p, String(ts)));
    const H = (s = sig(), ts = MS) => ({ ...(s === null ? {} : { "X-HubSpot-Signature-v3": s }), ...(ts === null ? {} : { "X-HubSpot-Request-Timestamp": String(ts) }) });
    const at = (ts) => ({ headers: H(sig(S1, "POST", HOOK_URL, BODY, ts), ts) });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T, url: HOOK_URL });

    b.valid("baseline", "contact.creation");
    b.valid("baseline", "method POST named", { method: "POST" });
    b.valid("baseline", "a GET signed as GET, empty body", { method: "GET", payload: "", headers: H(sig(S1, "GET", HOOK_URL, "")) });
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.refused("signed_url", "another method (PUT) than the one signed", "no_matching_signature", { method: "PUT" });
    b.refused("signed_url", "another query value", "no_matching_signature", { url: "https://hooks.example.com/hubspot?portal=62516" });
    b.refused("signed_url", "query string dropped", "no_matching_signature", { url: "https://hooks.example.com/hubspot" });
    b.refused("signed_url", "explicit default port :443", "no_matching_signature", { url: "https://hooks.example.com:443/hubspot?portal=62515" });
    b.refused("signed_url", "http instead of https", "no_matching_signature", { url: "http://hooks.example.com/hubspot?portal=62515" });
    b.valid("tolerance_boundary", "exactly 300 s old, to the millisecond", at(T * 1000 - 300000));
    b.valid("tolerance_boundary", "exactly 300 s ahead, to the millisecond", at(T * 1000 + 300000));
    b.refused("tolerance_old", "300.001 s old", "timestamp_too_old", at(T * 1000 - 300001));
    b.refused("tolerance_future", "300.001 s ahead", "timestamp_too_new", at(T * 1000 + 300001));
    b.refused("tolerance_future", "one day ahead", "timestamp_too_new", at(T * 1000 + 86400000));
    b.refused("tolerance_option", "tolerance 10 s, 10.001 s old", "timestamp_too_old", { tolerance: 10, ...at(T * 1000 - 10001) });
    b.refused("timestamp_units", "timestamp in seconds, signed as sent", "timestamp_too_old", at(T));
    b.refused("tampered_payload", "objectId changed", "no_matching_signature", { payload: BODY.replace('"objectId":123', '"objectId":124') });
    b.refused("raw_body", "body re-serialised with indentation", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY), null, 2) });
    b.refused("signed_content", "timestamp header changed by 1 ms after signing", "no_matching_signature", { headers: H(sig(), MS + 1) });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_encoding", "digest in hex instead of base64", "no_matching_signature", { headers: H(hex(sha256(S1, "POST", HOOK_URL, BODY, String(MS)))) });
    b.refused("signature_version", "v1 signature (SHA-256 hex of secret + body) in the v3 header", "no_matching_signature", { headers: H(crypto.createHash("sha256").update(S1 + BODY).digest("hex")) });
    b.refused("missing_header", "X-HubSpot-Signature-v3 missing", "missing_header", { headers: H(null) });
    b.refused("missing_header", "X-HubSpot-Request-Timestamp missing", "missing_header", { headers: H(undefined, null) });
    b.refused("malformed_header", "timestamp with a fraction", "invalid_header", { headers: H(undefined, `${MS}.5`) });
    b.valid("baseline", "scheme detected from X-HubSpot-Signature-v3", { detect: true });
    const content = `POST${HOOK_URL}${BODY}${MS}`;
    b.refused("scheme_downgrade", "HubSpot's signed content re-sent as the body under Shopify's header, scheme detected", "scheme_downgrade", {
      detect: true, url: undefined, payload: content, headers: { "X-Shopify-Hmac-Sha256": b64(sha256(S1, content)) }, now: T + 86400,
    });
  },
};

// ---------------------------------------------------------------------------------------
// Square

const square = {
  scheme: "square",
  keys: "secrets",
  description:
    "x-square-hmacsha256-signature: <base64 HMAC-SHA256 of `${url}${body}`> keyed with the subscription's signature key (UTF-8); url is an input, the notification HOOK_URL exactly as configured at Square; no timestamp.",
  sources: ["Square developer docs: Verify and validate an event notification (https://developer.squareup.com/docs/webhooks/step3validate); WebhooksHelper.isValidWebhookEventSignature"],
  build(b) {
    const S1 = "hookline-FAKE-square-signature-key-1";
    const S2 = "hookline-FAKE-square-signature-key-2";
    const HOOK_URL = "https://hooks.example.com/square/events";
    const BODY = JSON.stringify({ merchant_id: "6SSW7HV8K2ST5", type: "payment.created", event_id: "13b867cf-db3d-4b1c-90b6-2f32a9d78124", created_at: "2024-06-10T06:13:20Z", data: { type: "payment", id: "KkAkhdMsgzn59SM8A89WgKwekxLZY", object: { payment: { amount_money: { amount: 100, currency: "USD" } } } } });
    const sig = (k = S1, url = HOOK_URL, p = BODY) => b64(sha256(k, url, p));
    const H = (s = sig()) => (s === null ? {} : { "x-square-hmacsha256-signature": s });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T, url: HOOK_URL });

    b.valid("baseline", "payment.created");
    b.valid("rotation", "two keys, the second matches", { keys: [S2, S1] });
    b.refused("tampered_payload", "amount changed", "no_matching_signature", { payload: BODY.replace('"amount":100', '"amount":1000') });
    b.refused("raw_body", "body re-serialised with indentation", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY), null, 2) });
    const utf8 = JSON.stringify({ merchant_id: "6SSW7HV8K2ST5", type: "customer.updated", data: { object: { customer: { given_name: "Zoë", note: "Café ☕ 東京 🚀" } } } });
    b.valid("raw_body", "non-ASCII UTF-8 body", { payload: utf8, headers: H(sig(S1, HOOK_URL, utf8)) });
    b.refused("wrong_key", "another key", "no_matching_signature", { keys: [S2] });
    b.refused("signed_url", "trailing slash added", "no_matching_signature", { url: HOOK_URL + "/" });
    b.refused("signed_url", "query string added", "no_matching_signature", { url: HOOK_URL + "?x=1" });
    b.refused("signed_url", "explicit default port :443", "no_matching_signature", { url: "https://hooks.example.com:443/square/events" });
    b.refused("signed_url", "http instead of https", "no_matching_signature", { url: "http://hooks.example.com/square/events" });
    b.refused("signed_url", "another host", "no_matching_signature", { url: "https://hooks.example.net/square/events" });
    b.refused("signed_content", "signed over the body alone", "no_matching_signature", { headers: H(b64(sha256(S1, BODY))) });
    b.refused("signature_encoding", "digest in hex instead of base64", "no_matching_signature", { headers: H(hex(sha256(S1, HOOK_URL, BODY))) });
    b.refused("missing_header", "x-square-hmacsha256-signature missing", "missing_header", { headers: H(null) });
    b.valid("baseline", "scheme detected from x-square-hmacsha256-signature", { detect: true });
  },
};

// ---------------------------------------------------------------------------------------
// Twilio

/** twilio-node's getExpectedTwilioSignature: the HOOK_URL, then each name and its values sorted (repeats once). */
function twilioSig(token, url, params) {
  let data = url;
  for (const name of Object.keys(params).sort()) for (const v of [...new Set([].concat(params[name]))].sort()) data += name + v;
  return b64(hmac("sha1", token, data));
}
/** A form body as Twilio posts it, parameters in the given order. */
const form = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of [].concat(v)) u.append(k, one);
  return u.toString();
};

const twilio = {
  scheme: "twilio",
  keys: "secrets",
  description:
    "X-Twilio-Signature: <base64 HMAC-SHA1> keyed with the auth token (UTF-8) over the HOOK_URL followed by each form parameter's name and value (decoded), sorted by name then value; or, when the HOOK_URL's query has bodySHA256=<hex SHA-256 of the body> (JSON bodies), over the HOOK_URL alone and the body's hash compared. url is an input, exactly as configured at Twilio; no timestamp.",
  sources: [
    "twilio-node lib/webhooks/webhooks.js (getExpectedTwilioSignature, validateRequestWithBody)",
    "Twilio's published samples (TwilioDevEd/api-snippets security/signature_validation): asserted here",
  ],
  build(b) {
    const SAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const SAMPLE = { CallSid: "CA1234567890ABCDE", Caller: "+14158675310", Digits: "1234", From: "+14158675310", To: "+18005551212" };
    if (twilioSig("12345", SAMPLE_URL, SAMPLE) !== "GvWf1cFY/Q7PnoempGyD5oXAezc=") throw new Error("Twilio published sample");
    const S1 = "hookline-FAKE-twilio-auth-token-1";
    const S2 = "hookline-FAKE-twilio-auth-token-2";
    const HOOK_URL = "https://hooks.example.com/twilio/sms?tenant=a%20b";
    const P = { MessageSid: "SM0123456789abcdef", AccountSid: "AC0123456789abcdef", Body: "héllo & bye+1 = 2", From: "+15550001111", To: "+15550002222", NumMedia: "0" };
    const BODY = form(P);
    const H = (s = twilioSig(S1, HOOK_URL, P)) => (s === null ? {} : { "X-Twilio-Signature": s });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T, url: HOOK_URL });

    b.valid("baseline", "Twilio's published sample", { keys: ["12345"], url: SAMPLE_URL, payload: form(SAMPLE), headers: H("GvWf1cFY/Q7PnoempGyD5oXAezc=") });
    b.valid("baseline", "incoming SMS, form body");
    b.valid("rotation", "two auth tokens, the second matches", { keys: [S2, S1] });
    b.valid("param_sorting", "parameters posted in another order", { payload: form(Object.fromEntries(Object.entries(P).reverse())) });
    const rep = { Tag: ["b", "a", "b"], Body: "x" };
    b.valid("param_sorting", "repeated parameter: values sorted, a repeat counted once", { payload: "Tag=b&Body=x&Tag=a&Tag=b", headers: H(twilioSig(S1, HOOK_URL, rep)) });
    const unsorted = b64(hmac("sha1", S1, HOOK_URL + Object.entries(P).map(([k, v]) => k + v).join("")));
    b.refused("param_sorting", "signed over the parameters in body order, unsorted", "no_matching_signature", { headers: H(unsorted) });
    b.refused("param_sorting", "signed over the HOOK_URL alone, parameters left out", "no_matching_signature", { headers: H(b64(hmac("sha1", S1, HOOK_URL))) });
    b.valid("raw_body", "space encoded as %20 instead of + (parameters are signed decoded)", { payload: BODY.replace(/\+/g, "%20") });
    b.refused("tampered_payload", "MessageSid changed", "no_matching_signature", { payload: BODY.replace("SM0123", "SM0124") });
    b.refused("tampered_payload", "a parameter added", "no_matching_signature", { payload: BODY + "&Extra=1" });
    b.refused("wrong_key", "another auth token", "no_matching_signature", { keys: [S2] });
    b.refused("signed_url", "another query value", "no_matching_signature", { url: "https://hooks.example.com/twilio/sms?tenant=a%20c" });
    b.refused("signed_url", "query string dropped", "no_matching_signature", { url: "https://hooks.example.com/twilio/sms" });
    // Not the default port: twilio-node also tries the URL with and without `:443`, a leniency
    // that is no weakness (docs/providers.md: hookline verifies the URL as given).
    b.refused("signed_url", "another port (:8443)", "no_matching_signature", { url: "https://hooks.example.com:8443/twilio/sms?tenant=a%20b" });
    b.refused("signed_url", "http instead of https", "no_matching_signature", { url: "http://hooks.example.com/twilio/sms?tenant=a%20b" });
    const JSONBODY = JSON.stringify({ CallSid: "CA1234567890ABCDE", Caller: "+12349013030", CallStatus: "completed" });
    const JURL = `https://hooks.example.com/twilio/voice?bodySHA256=${crypto.createHash("sha256").update(JSONBODY).digest("hex")}`;
    const jsig = b64(hmac("sha1", S1, JURL));
    b.valid("body_hash", "JSON body, bodySHA256 in the HOOK_URL", { url: JURL, payload: JSONBODY, headers: H(jsig) });
    b.refused("body_hash", "JSON body changed (bodySHA256 no longer matches)", "no_matching_signature", { url: JURL, payload: JSONBODY.replace("completed", "failed"), headers: H(jsig) });
    const FAKE_URL = `https://hooks.example.com/twilio/voice?bodySHA256=${crypto.createHash("sha256").update("{}").digest("hex")}`;
    b.refused("body_hash", "bodySHA256 changed to the new body's hash (the HOOK_URL is signed)", "no_matching_signature", { url: FAKE_URL, payload: "{}", headers: H(jsig) });
    b.refused("body_hash", "JSON body, another auth token", "no_matching_signature", { url: JURL, payload: JSONBODY, headers: H(jsig), keys: [S2] });
    b.refused("signature_version", "HMAC-SHA256 instead of HMAC-SHA1", "no_matching_signature", { headers: H(b64(hmac("sha256", S1, HOOK_URL + Object.keys(P).sort().map((k) => k + P[k]).join("")))) });
    b.refused("signature_encoding", "digest in hex instead of base64", "no_matching_signature", { headers: H(Buffer.from(twilioSig(S1, HOOK_URL, P), "base64").toString("hex")) });
    b.refused("missing_header", "X-Twilio-Signature missing", "missing_header", { headers: H(null) });
  },
};

// ---------------------------------------------------------------------------------------
// Vercel

const vercel = {
  scheme: "vercel",
  keys: "secrets",
  description: "x-vercel-signature: <hex HMAC-SHA1 of the body> keyed with the webhook's secret (UTF-8); no timestamp.",
  sources: ["Vercel docs: Webhooks, Securing webhooks (https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks)"],
  build(b) {
    const S1 = "hookline-FAKE-vercel-webhook-secret-1";
    const S2 = "hookline-FAKE-vercel-webhook-secret-2";
    const BODY = JSON.stringify({ id: "evt_FAKE0001", type: "deployment.created", createdAt: T * 1000, payload: { deployment: { id: "dpl_FAKE0001", url: "hookline-demo.vercel.app" } } });
    const sig = (k = S1, p = BODY) => hex(hmac("sha1", k, p));
    const H = (s = sig()) => (s === null ? {} : { "x-vercel-signature": s });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T });

    b.valid("baseline", "deployment.created");
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.refused("tampered_payload", "deployment id changed", "no_matching_signature", { payload: BODY.replace("dpl_FAKE0001", "dpl_FAKE0002") });
    b.refused("raw_body", "body re-serialised with indentation", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY), null, 2) });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_version", "HMAC-SHA256 instead of HMAC-SHA1", "no_matching_signature", { headers: H(hex(sha256(S1, BODY))) });
    b.refused("signature_version", "sha1= prefix on the digest", "no_matching_signature", { headers: H("sha1=" + sig()) });
    b.refused("signature_encoding", "digest in base64", "no_matching_signature", { headers: H(b64(hmac("sha1", S1, BODY))) });
    b.refused("signature_encoding", "digest truncated by one byte", "no_matching_signature", { headers: H(sig().slice(0, -2)) });
    b.refused("missing_header", "x-vercel-signature missing", "missing_header", { headers: H(null) });
  },
};

// ---------------------------------------------------------------------------------------
// Intercom

const intercom = {
  scheme: "intercom",
  keys: "secrets",
  description: "X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body> keyed with the app's client secret (UTF-8); no timestamp (verified when named: the header is also GitHub's legacy one).",
  sources: ["Intercom developer docs: Webhooks, Signed notifications (https://developers.intercom.com/docs/webhooks/setting-up-webhooks)"],
  build(b) {
    const S1 = "hookline-FAKE-intercom-client-secret-1";
    const S2 = "hookline-FAKE-intercom-client-secret-2";
    const BODY = JSON.stringify({ type: "notification_event", topic: "conversation.user.created", id: "notif_FAKE0001", created_at: T, data: { item: { type: "conversation", id: "147" } } });
    const sig = (k = S1, p = BODY) => `sha1=${hex(hmac("sha1", k, p))}`;
    const H = (s = sig()) => (s === null ? {} : { "X-Hub-Signature": s });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T });

    b.valid("baseline", "conversation.user.created");
    b.valid("rotation", "two secrets, the second matches", { keys: [S2, S1] });
    b.refused("tampered_payload", "conversation id changed", "no_matching_signature", { payload: BODY.replace('"147"', '"148"') });
    b.refused("raw_body", "body re-serialised with indentation", "no_matching_signature", { payload: JSON.stringify(JSON.parse(BODY), null, 2) });
    b.refused("wrong_key", "another secret", "no_matching_signature", { keys: [S2] });
    b.refused("signature_version", "sha1= prefix missing", "no_matching_signature", { headers: H(sig().slice(5)) });
    b.refused("signature_version", "sha256= HMAC-SHA256 in X-Hub-Signature", "no_matching_signature", { headers: H(`sha256=${hex(sha256(S1, BODY))}`) });
    b.refused("signature_encoding", "digest in base64", "no_matching_signature", { headers: H(`sha1=${b64(hmac("sha1", S1, BODY))}`) });
    b.refused("missing_header", "X-Hub-Signature missing", "missing_header", { headers: H(null) });
  },
};

// ---------------------------------------------------------------------------------------
// GitLab

const gitlab = {
  scheme: "gitlab",
  keys: "secrets",
  description:
    "X-Gitlab-Token: the webhook's secret token itself, compared in constant time. It binds neither the body nor a time: a changed body verifies (the tampered_payload case expects it, so no verifier pretends otherwise).",
  sources: ["GitLab docs: Webhooks, Validate requests with a secret token (https://docs.gitlab.com/user/project/integrations/webhooks/#validate-requests-with-a-secret-token)"],
  build(b) {
    const S1 = "hookline-FAKE-gitlab-token-0001";
    const S2 = "hookline-FAKE-gitlab-token-0002";
    const BODY = JSON.stringify({ object_kind: "push", ref: "refs/heads/main", checkout_sha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", project: { id: 15, path_with_namespace: "octo-org/hookline-demo" } });
    const H = (s = S1) => ({ "X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": "13792a34-cac6-4fda-95a8-c58e00a3954e", ...(s === null ? {} : { "X-Gitlab-Token": s }) });
    b.setBase({ keys: [S1], payload: BODY, headers: H(), now: T });

    b.valid("baseline", "Push Hook");
    b.valid("rotation", "two tokens, the second matches", { keys: [S2, S1] });
    b.valid("tampered_payload", "a changed body still verifies (the token signs nothing)", { payload: BODY.replace("refs/heads/main", "refs/heads/evil") });
    b.refused("wrong_key", "another token of the same length", "no_matching_signature", { keys: [S2] });
    b.refused("token_length", "a prefix of the token (one character short)", "no_matching_signature", { headers: H(S1.slice(0, -1)) });
    b.refused("token_length", "the token with a character appended", "no_matching_signature", { headers: H(S1 + "1") });
    b.refused("token_length", "the token's first character only", "no_matching_signature", { headers: H(S1.slice(0, 1)) });
    b.refused("token_length", "the token twice", "no_matching_signature", { headers: H(S1 + S1) });
    b.refused("wrong_key", "the token in upper case", "no_matching_signature", { headers: H(S1.toUpperCase()) });
    b.refused("signature_encoding", "an HMAC-SHA256 of the body under the token, in place of the token", "no_matching_signature", { headers: H(hex(sha256(S1, BODY))) });
    b.refused("missing_header", "X-Gitlab-Token missing", "missing_header", { headers: H(null) });
    b.refused("missing_header", "X-Gitlab-Token empty", "missing_header", { headers: H("") });
  },
};

// ---------------------------------------------------------------------------------------
// SendGrid (signed Event Webhook)

/** A P-256 key from a fixed private scalar: node:crypto derives its public point and SPKI. */
function p256Key(dHex) {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(dHex, "hex"));
  const point = ecdh.getPublicKey();
  const jwk = { kty: "EC", crv: "P-256", d: Buffer.from(dHex, "hex").toString("base64url"), x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") };
  const priv = crypto.createPrivateKey({ format: "jwk", key: jwk });
  return { priv, spki: b64(crypto.createPublicKey(priv).export({ type: "spki", format: "der" })) };
}

// node:crypto's ECDSA nonce is random, so a signature made again differs: the signatures made
// once are kept in sendgrid-signatures.json, by key, encoding and message digest, and taken again
// while node:crypto still verifies them (the vectors are the same on every run; nothing of ECDSA
// is computed here).
const SIGNATURES = `${__dirname}/sendgrid-signatures.json`;
const signatures = fs.existsSync(SIGNATURES) ? JSON.parse(fs.readFileSync(SIGNATURES, "utf8")) : {};
const usedSignatures = {};

/** ECDSA P-256 / SHA-256 by node:crypto, DER or IEEE P1363 (r || s). */
function p256Sign(key, msg, encoding = "der") {
  const dsaEncoding = encoding === "der" ? "der" : "ieee-p1363";
  const slot = `${key.spki.slice(-16)}:${dsaEncoding}:${crypto.createHash("sha256").update(msg).digest("hex")}`;
  const known = usedSignatures[slot] ?? signatures[slot];
  const kept = known === undefined ? null : Buffer.from(known, "base64");
  const sig = kept !== null && crypto.verify("sha256", msg, { key: key.priv, dsaEncoding }, kept) ? kept : crypto.sign("sha256", msg, { key: key.priv, dsaEncoding });
  if (!crypto.verify("sha256", msg, { key: key.priv, dsaEncoding }, sig)) throw new Error("p256Sign: node:crypto does not verify its own signature");
  usedSignatures[slot] = b64(sig);
  return sig;
}

const sendgrid = {
  scheme: "sendgrid",
  keys: "public_keys",
  description:
    "X-Twilio-Email-Event-Webhook-Signature: <base64 of a DER ECDSA P-256 / SHA-256 signature> over `${X-Twilio-Email-Event-Webhook-Timestamp}${body}`, checked with the verification key (base64 SubjectPublicKeyInfo DER); timestamp in unix seconds, tolerance 300 s (a hookline policy: SendGrid documents no window).",
  sources: ["Twilio SendGrid docs: Getting Started with the Event Webhook Security Features (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features); @sendgrid/eventwebhook verifySignature"],
  build(b) {
    const K1 = p256Key("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
    const K2 = p256Key("0f56db78ca460b055c500064824bed999a25aaf48ebb519ac201537b85479813");
    const BODY = JSON.stringify([{ email: "example@test.com", timestamp: T, "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>", event: "delivered", category: "cat facts", sg_event_id: "sg_event_id", sg_message_id: "sg_message_id" }]) + "\r\n";
    const sig = (k = K1, t = T, p = BODY, enc = "der") => b64(p256Sign(k, Buffer.concat([bytes(String(t)), bytes(p)]), enc));
    const H = (s = sig(), t = T) => ({ ...(s === null ? {} : { "X-Twilio-Email-Event-Webhook-Signature": s }), ...(t === null ? {} : { "X-Twilio-Email-Event-Webhook-Timestamp": String(t) }) });
    b.setBase({ keys: [K1.spki], payload: BODY, headers: H(), now: T });

    b.valid("baseline", "delivered event, body ending in CRLF");
    b.valid("rotation", "two verification keys, the second matches", { keys: [K2.spki, K1.spki] });
    b.valid("tolerance_boundary", "exactly 300 s old", { now: T + 300 });
    b.refused("tolerance_old", "301 s old", "timestamp_too_old", { now: T + 301 });
    b.refused("tolerance_future", "301 s ahead", "timestamp_too_new", { now: T - 301 });
    b.refused("timestamp_units", "timestamp in milliseconds, signed as sent", "timestamp_too_new", { headers: H(sig(K1, T * 1000), T * 1000) });
    b.refused("signed_content", "signature over another timestamp than the header's", "no_matching_signature", { headers: H(sig(K1, T - 60), T) });
    b.refused("signed_content", "timestamp header changed after signing", "no_matching_signature", { now: T + 1, headers: H(sig(), T + 1) });
    b.refused("signed_content", "signed over the body alone", "no_matching_signature", { headers: H(b64(p256Sign(K1, bytes(BODY)))) });
    b.refused("tampered_payload", "event changed", "no_matching_signature", { payload: BODY.replace("delivered", "bounce") });
    b.refused("raw_body", "body without its trailing CRLF", "no_matching_signature", { payload: BODY.trimEnd() });
    b.refused("wrong_key", "another verification key", "no_matching_signature", { keys: [K2.spki] });
    b.refused("signature_encoding", "signature in IEEE P1363 form (r || s), not DER", "no_matching_signature", { headers: H(sig(K1, T, BODY, "p1363")) });
    b.refused("signature_encoding", "signature not base64", "no_matching_signature", { headers: H("!!!") });
    b.refused("missing_header", "signature header missing", "missing_header", { headers: H(null) });
    b.refused("missing_header", "timestamp header missing", "missing_header", { headers: H(undefined, null) });
    b.refused("malformed_header", "timestamp not a number", "invalid_header", { headers: H(undefined, "17180000O0") });
  },
};

// ---------------------------------------------------------------------------------------
// Detection (cases with input.detect): docs/providers.md's rule. A scheme that signs no time,
// detected from its header, refuses a body that begins as a timestamped scheme's signed content
// (Slack's and Zoom's `v0:<ts>:`, Stripe's `<ts>.`, Paddle's `<ts>:`, Standard Webhooks'
// `<id>.<ts>.`, HubSpot's `<METHOD>https://`); otherwise the detected scheme's own rules apply.

const UNTIMED_HEADERS = { shopify: "x-shopify-hmac-sha256", github: "x-hub-signature-256" };
const TIMESTAMPED_CONTENT = [/^v0:[0-9]{9,}:/, /^[0-9]{9,}[.:]/, /^[A-Za-z0-9_-]{1,256}\.[0-9]{9,}\./, /^[A-Z]{3,16}https?:\/\//];
function refDetected(c, blockScheme) {
  const names = Object.keys(c.headers).map((k) => k.toLowerCase());
  const untimed = Object.entries(UNTIMED_HEADERS).find(([, h]) => names.includes(h));
  if (!untimed) return REF[blockScheme](c);
  const body = Buffer.from(c.payload_hex, "hex").toString("latin1");
  if (TIMESTAMPED_CONTENT.some((re) => re.test(body))) return { error: "scheme_downgrade" };
  return REF[untimed[0]](c);
}

// ---------------------------------------------------------------------------------------
// main

const BLOCKS = [standardWebhooks, standardWebhooksV1a, stripe, github, slack, shopify, discord, linear, custom, paddle, zoom, hubspot, square, twilio, vercel, intercom, gitlab, sendgrid];

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
    const refInput = { ...c.input, keys: c.input[block.keys], payload: undefined, payload_hex: hex(payload) };
    const got = c.input.detect ? refDetected(refInput, block.scheme) : ref(refInput);
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
fs.writeFileSync(SIGNATURES, JSON.stringify(Object.fromEntries(Object.entries(usedSignatures).sort(([a], [b]) => (a < b ? -1 : 1))), null, 2) + "\n");
const byScheme = Object.keys(schemes).map((s) => `${s} ${cases.filter((c) => c.scheme === s).length}`);
console.log(`tests/vectors/conformance.json: ${cases.length} cases (${byScheme.join(", ")})`);
