// Run from the repository root:  node tests/vectors/gen/providers.cjs
//
// Writes one known-answer file per provider scheme that hookline verifies but does not sign
// (Twilio, Paddle, Square, Zoom, HubSpot, Vercel, Intercom, GitLab, SendGrid) to
// tests/vectors/providers/<scheme>.json, read by tests/provider_vectors.rs and
// tests/js/providers.mjs. Every signature is computed here with node:crypto from the provider's
// published recipe, never with hookline; the cases taken from a provider's published samples
// ("source": "docs") are asserted against the published value, so a transcription error stops
// the script. Fixed secrets, keys and times, no clock; the one randomness is node:crypto's ECDSA
// nonce (it has no RFC 6979), so SendGrid's signatures differ from run to run, each valid.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");

const OUT_DIR = `${__dirname}/../providers`;
const T = 1718000000; // the receiver's clock, unix seconds

const hmac = (alg, key, text) => crypto.createHmac(alg, Buffer.from(key, "utf8")).update(Buffer.from(text, "utf8")).digest();
const sha256hex = (text) => crypto.createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");
const check = (got, want, what) => {
  if (got !== want) throw new Error(`${what}: node:crypto gives ${got}, the published value is ${want}`);
};

// ---------------------------------------------------------------- the recipes

/** twilio-node's getExpectedTwilioSignature: the URL, then each name+value sorted by name, then value (repeats once). */
function twilio(token, url, params) {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const values = [].concat(params[name]);
    for (const v of [...new Set(values)].sort()) data += name + v;
  }
  return hmac("sha1", token, data).toString("base64");
}
/** A form body of `params` as Twilio posts it. */
const form = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of [].concat(v)) u.append(k, one);
  return u.toString();
};
const paddle = (secret, ts, body) => `ts=${ts};h1=${hmac("sha256", secret, `${ts}:${body}`).toString("hex")}`;
const square = (key, url, body) => hmac("sha256", key, url + body).toString("base64");
const zoom = (secret, ts, body) => `v0=${hmac("sha256", secret, `v0:${ts}:${body}`).toString("hex")}`;
const hubspot = (secret, method, url, body, tsMs) => hmac("sha256", secret, `${method}${url}${body}${tsMs}`).toString("base64");
const vercel = (secret, body) => hmac("sha1", secret, body).toString("hex");
const intercom = (secret, body) => `sha1=${hmac("sha1", secret, body).toString("hex")}`;

// ---------------------------------------------------------------- published samples

// Twilio's signature validation samples (TwilioDevEd/api-snippets, security/signature_validation*).
const TW_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const TW_PARAMS = { CallSid: "CA1234567890ABCDE", Caller: "+14158675310", Digits: "1234", From: "+14158675310", To: "+18005551212" };
check(twilio("12345", TW_URL, TW_PARAMS), "GvWf1cFY/Q7PnoempGyD5oXAezc=", "twilio sample (3.x)");
const TW_PARAMS_2 = { ...TW_PARAMS, Caller: "+14158675309", From: "+14158675309" };
check(twilio("12345", TW_URL, TW_PARAMS_2), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "twilio sample (2.x)");

// ---------------------------------------------------------------- cases

const files = {};
const add = (scheme, description, sources, cases, extra = {}) => {
  files[scheme] = { scheme, description, sources, ...extra, verify: cases };
};
const ok = (key_index = 0, more = {}) => ({ key_index, ...more });
const err = (error) => ({ error });

// Twilio.
{
  const token = "hookline-FAKE-twilio-auth-token";
  const url = "https://hooks.example.com/twilio/sms?tenant=a%20b";
  const params = { MessageSid: "SM0123", Body: "héllo & bye+1", From: "+15550001111", To: "+15550002222", MediaUrl0: "x" };
  const body = form(params);
  const sig = twilio(token, url, params);
  const json = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}';
  const jsonUrl = `https://hooks.example.com/twilio/voice?bodySHA256=${sha256hex(json)}`;
  const jsonSig = twilio(token, jsonUrl, {});
  const repeated = { Tag: ["b", "a", "b"], Body: "x" };
  const h = (s) => ({ "X-Twilio-Signature": s });
  // The same URL with a port after the host (a proxy passing Host: hooks.example.com:443).
  const at = (u, port) => u.replace("hooks.example.com/", `hooks.example.com${port}/`);
  const httpUrl = url.replace("https:", "http:");
  const httpSig = twilio(token, httpUrl, params);
  // twilio-node drops any port; hookline only the scheme's default one (tests/js/provider-sdks.mjs).
  const otherPort = { sdk_difference: "twilio other port" };
  add("twilio", "X-Twilio-Signature: base64 HMAC-SHA1 (key: the auth token's UTF-8) over the full URL followed by each POST parameter's name and value, sorted by name then value; a JSON body instead puts bodySHA256=<hex SHA-256 of the body> in the URL's query and only the URL is signed. The URL as given, or with its scheme's default port (https 443, http 80) added when it has none or removed when it has exactly that one, passes; no other port change. No timestamp. Needs url.", [
    "twilio-node lib/webhooks/webhooks.js (getExpectedTwilioSignature, validateRequestWithBody)",
    "Twilio's published samples (TwilioDevEd/api-snippets security/signature_validation): asserted here",
    "node:crypto for the rest",
  ], [
    { name: "published sample (3.x)", source: "docs", keys: ["12345"], url: TW_URL, headers: h("GvWf1cFY/Q7PnoempGyD5oXAezc="), payload: form(TW_PARAMS), expect: ok() },
    { name: "published sample (2.x)", source: "docs", keys: ["12345"], url: TW_URL, headers: h("RSOYDt4T1cUTdK1PDd93/VVr8B8="), payload: form(TW_PARAMS_2), expect: ok() },
    { name: "valid form post (percent-encoded, + for space)", keys: [token], url, headers: h(sig), payload: body, expect: ok() },
    { name: "parameters in another order sign the same", keys: [token], url, headers: h(sig), payload: form(Object.fromEntries(Object.entries(params).reverse())), expect: ok() },
    { name: "second key of a rotation", keys: ["old-token", token], url, headers: h(sig), payload: body, expect: ok(1) },
    { name: "tampered parameter", keys: [token], url, headers: h(sig), payload: body.replace("SM0123", "SM0124"), expect: err("no_matching_signature") },
    { name: "wrong auth token", keys: ["hookline-FAKE-twilio-other"], url, headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "another URL", keys: [token], url: "https://hooks.example.com/twilio/sms?tenant=a%20c", headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "repeated parameter: values sorted, repeats once", keys: [token], url, headers: h(twilio(token, url, repeated)), payload: "Tag=b&Body=x&Tag=a&Tag=b", expect: ok() },
    { name: "JSON body with bodySHA256", keys: [token], url: jsonUrl, headers: h(jsonSig), payload: json, expect: ok() },
    { name: "JSON body tampered (bodySHA256 no longer matches)", keys: [token], url: jsonUrl, headers: h(jsonSig), payload: json.replace("CA1", "CA2"), expect: err("no_matching_signature") },
    { name: "JSON body, wrong auth token", keys: ["hookline-FAKE-twilio-other"], url: jsonUrl, headers: h(jsonSig), payload: json, expect: err("no_matching_signature") },
    { name: "signed without a port, received with :443", keys: [token], url: at(url, ":443"), headers: h(sig), payload: body, expect: ok() },
    { name: "signed with :443, received without", keys: [token], url, headers: h(twilio(token, at(url, ":443"), params)), payload: body, expect: ok() },
    { name: "http: signed without a port, received with :80", keys: [token], url: at(httpUrl, ":80"), headers: h(httpSig), payload: body, expect: ok() },
    { name: "http: signed with :80, received without", keys: [token], url: httpUrl, headers: h(twilio(token, at(httpUrl, ":80"), params)), payload: body, expect: ok() },
    { name: "JSON body signed without a port, received with :443", keys: [token], url: at(jsonUrl, ":443"), headers: h(jsonSig), payload: json, expect: ok() },
    { name: "JSON body signed with :443, received without", keys: [token], url: jsonUrl, headers: h(twilio(token, at(jsonUrl, ":443"), {})), payload: json, expect: ok() },
    { name: "signed without a port, received at :8443 (another origin)", keys: [token], url: at(url, ":8443"), headers: h(sig), payload: body, expect: err("no_matching_signature"), ...otherPort },
    { name: "signed at :8443, received without a port", keys: [token], url, headers: h(twilio(token, at(url, ":8443"), params)), payload: body, expect: err("no_matching_signature") },
    { name: "https: signed without a port, received with :80 (not https's default)", keys: [token], url: at(url, ":80"), headers: h(sig), payload: body, expect: err("no_matching_signature"), ...otherPort },
    { name: "http: signed without a port, received with :443 (not http's default)", keys: [token], url: at(httpUrl, ":443"), headers: h(httpSig), payload: body, expect: err("no_matching_signature"), ...otherPort },
    { name: "JSON body signed without a port, received at :8443", keys: [token], url: at(jsonUrl, ":8443"), headers: h(jsonSig), payload: json, expect: err("no_matching_signature"), ...otherPort },
    { name: "no url given", keys: [token], headers: h(sig), payload: body, expect: err("invalid_argument") },
    { name: "signature not base64 of 20 bytes", keys: [token], url, headers: h("AAAA"), payload: body, expect: err("no_matching_signature") },
    { name: "no signature header", keys: [token], url, headers: {}, payload: body, expect: err("missing_header"), named_only: true },
  ], { detected: false });
}

// Paddle.
{
  const secret = "pdl_ntfset_01hFAKEhookline_0123456789abcdef";
  const body = '{"event_id":"evt_01h","event_type":"transaction.completed","occurred_at":"2024-06-10T06:13:20Z","data":{"id":"txn_01h"}}';
  const h = (v) => ({ "Paddle-Signature": v });
  const sig = paddle(secret, T, body);
  const rotated = `${sig};h1=${hmac("sha256", "pdl_ntfset_new", `${T}:${body}`).toString("hex")}`;
  add("paddle", "Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 over \"{ts}:{body}\">, several h1 while a secret is rotated; key: the secret key's UTF-8. Default tolerance 5 s (Paddle's SDKs).", [
    "Paddle developer docs: Verify webhook signatures (Paddle-Signature, ts and h1)",
    "node:crypto",
  ], [
    { name: "valid", keys: [secret], now: T, headers: h(sig), payload: body, expect: ok(0, { timestamp: T }) },
    { name: "valid, 5 s old (the default tolerance)", keys: [secret], now: T + 5, headers: h(sig), payload: body, expect: ok() },
    { name: "stale: 6 s old", keys: [secret], now: T + 6, headers: h(sig), payload: body, expect: err("timestamp_too_old") },
    { name: "stale with a wider tolerance still in it", keys: [secret], now: T + 200, tolerance: 300, headers: h(sig), payload: body, expect: ok() },
    { name: "tampered body", keys: [secret], now: T, headers: h(sig), payload: body.replace("txn_01h", "txn_01x"), expect: err("no_matching_signature") },
    { name: "wrong secret", keys: ["pdl_ntfset_other"], now: T, headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "rotation: the new secret's h1 second", keys: ["pdl_ntfset_new"], now: T, headers: h(rotated), payload: body, expect: ok() },
    { name: "timestamp changed (signature was over the old one)", keys: [secret], now: T, headers: h(sig.replace(`ts=${T}`, `ts=${T + 1}`)), payload: body, expect: err("no_matching_signature") },
    { name: "no ts", keys: [secret], now: T, headers: h(sig.replace(`ts=${T};`, "")), payload: body, expect: err("invalid_header") },
    { name: "ts in milliseconds", keys: [secret], now: T, headers: h(paddle(secret, T * 1000, body)), payload: body, expect: err("timestamp_too_new") },
  ], { detected: true });
}

// Square.
{
  const key = "hookline-FAKE-square-signature-key";
  const url = "https://hooks.example.com/square";
  const body = '{"merchant_id":"6SSW7HV8K2ST5","type":"payment.created","event_id":"13b867cf-db3d-4b1c-90b6-2f32a9d78124","data":{"type":"payment","id":"KkAkhdMs"}}';
  const h = (v) => ({ "x-square-hmacsha256-signature": v });
  const sig = square(key, url, body);
  add("square", "x-square-hmacsha256-signature: base64 HMAC-SHA256 (key: the subscription's signature key, UTF-8) over the notification URL followed by the raw body. No timestamp. Needs url.", [
    "Square developer docs: Verify and validate an event notification (WebhooksHelper.isValidWebhookEventSignature)",
    "node:crypto",
  ], [
    { name: "valid", keys: [key], url, headers: h(sig), payload: body, expect: ok() },
    { name: "tampered body", keys: [key], url, headers: h(sig), payload: body.replace("KkAkhdMs", "KkAkhdMt"), expect: err("no_matching_signature") },
    { name: "wrong key", keys: ["hookline-FAKE-square-other"], url, headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "another URL", keys: [key], url: `${url}/`, headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "no url given", keys: [key], headers: h(sig), payload: body, expect: err("invalid_argument") },
  ], { detected: true });
}

// Zoom.
{
  const secret = "hookline-FAKE-zoom-secret-token";
  const body = '{"event":"meeting.started","event_ts":1718000000000,"payload":{"account_id":"AAAAAA","object":{"id":"1234567890"}}}';
  const h = (v, ts = T) => ({ "x-zm-signature": v, "x-zm-request-timestamp": String(ts) });
  const sig = zoom(secret, T, body);
  add("zoom", "x-zm-signature: v0=<hex HMAC-SHA256 over \"v0:{x-zm-request-timestamp}:{body}\">, key: the app's secret token (UTF-8); the timestamp in unix seconds.", [
    "Zoom developer docs: Using webhooks, Verify webhook events (x-zm-signature)",
    "node:crypto",
  ], [
    { name: "valid", keys: [secret], now: T, headers: h(sig), payload: body, expect: ok(0, { timestamp: T }) },
    { name: "stale: 301 s old", keys: [secret], now: T + 301, headers: h(sig), payload: body, expect: err("timestamp_too_old") },
    { name: "tampered body", keys: [secret], now: T, headers: h(sig), payload: body.replace("1234567890", "1234567891"), expect: err("no_matching_signature") },
    { name: "wrong secret", keys: ["hookline-FAKE-zoom-other"], now: T, headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "timestamp header changed", keys: [secret], now: T, headers: h(sig, T + 1), payload: body, expect: err("no_matching_signature") },
  ], { detected: true });
}

// HubSpot.
{
  const secret = "hookline-FAKE-hubspot-client-secret";
  const url = "https://hooks.example.com/hubspot?portal=62515";
  const body = '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1718000000000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM"}]';
  const ms = T * 1000 + 250;
  const h = (v, ts = ms) => ({ "X-HubSpot-Signature-v3": v, "X-HubSpot-Request-Timestamp": String(ts) });
  const sig = hubspot(secret, "POST", url, body, ms);
  add("hubspot", "X-HubSpot-Signature-v3: base64 HMAC-SHA256 (key: the app's client secret, UTF-8) over method + URL + body + X-HubSpot-Request-Timestamp (unix milliseconds, as sent); five minutes' tolerance. Needs url; method defaults to POST.", [
    "HubSpot developer docs: Validating requests, v3 signature",
    "@hubspot/api-client Signature.isValid (v3: method + url + body + timestamp, not URL-decoded)",
    "node:crypto",
  ], [
    { name: "valid", keys: [secret], now: T, url, headers: h(sig), payload: body, expect: ok(0, { timestamp: T }) },
    { name: "valid with the method named", keys: [secret], now: T, url, method: "POST", headers: h(sig), payload: body, expect: ok() },
    { name: "a GET signed as GET", keys: [secret], now: T, url, method: "GET", headers: h(hubspot(secret, "GET", url, "", ms)), payload: "", expect: ok() },
    { name: "another method", keys: [secret], now: T, url, method: "PUT", headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "stale: 300.251 s old", keys: [secret], now: T + 301, url, headers: h(sig), payload: body, expect: err("timestamp_too_old") },
    { name: "timestamp in seconds is stale", keys: [secret], now: T, url, headers: h(hubspot(secret, "POST", url, body, T), T), payload: body, expect: err("timestamp_too_old") },
    { name: "tampered body", keys: [secret], now: T, url, headers: h(sig), payload: body.replace('"objectId":123', '"objectId":124'), expect: err("no_matching_signature") },
    { name: "wrong secret", keys: ["hookline-FAKE-hubspot-other"], now: T, url, headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "another URL", keys: [secret], now: T, url: "https://hooks.example.com/hubspot?portal=62516", headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "no url given", keys: [secret], now: T, headers: h(sig), payload: body, expect: err("invalid_argument") },
  ], { detected: true });
}

// Vercel.
{
  const secret = "hookline-FAKE-vercel-webhook-secret";
  const body = '{"id":"evt_1","type":"deployment.created","createdAt":1718000000000,"payload":{"deployment":{"id":"dpl_1"}}}';
  const h = (v) => ({ "x-vercel-signature": v });
  const sig = vercel(secret, body);
  add("vercel", "x-vercel-signature: hex HMAC-SHA1 of the raw body, key: the webhook's secret (UTF-8). No timestamp.", [
    "Vercel docs: Webhooks, Securing webhooks (x-vercel-signature)",
    "node:crypto",
  ], [
    { name: "valid", keys: [secret], headers: h(sig), payload: body, expect: ok() },
    { name: "valid, upper-case hex", keys: [secret], headers: h(sig.toUpperCase()), payload: body, expect: ok() },
    { name: "tampered body", keys: [secret], headers: h(sig), payload: body.replace("dpl_1", "dpl_2"), expect: err("no_matching_signature") },
    { name: "wrong secret", keys: ["hookline-FAKE-vercel-other"], headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "a SHA-256 tag is no SHA-1 tag", keys: [secret], headers: h(hmac("sha256", secret, body).toString("hex")), payload: body, expect: err("no_matching_signature") },
  ], { detected: false });
}

// Intercom.
{
  const secret = "hookline-FAKE-intercom-client-secret";
  const body = '{"type":"notification_event","topic":"conversation.user.created","id":"notif_1","data":{"item":{"id":"1"}}}';
  const h = (v) => ({ "X-Hub-Signature": v });
  const sig = intercom(secret, body);
  add("intercom", "X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>, key: the app's client secret (UTF-8). No timestamp. Not detected: the header is also GitHub's legacy one.", [
    "Intercom developer docs: Webhooks, Signed notifications (X-Hub-Signature)",
    "node:crypto",
  ], [
    { name: "valid", keys: [secret], headers: h(sig), payload: body, expect: ok() },
    { name: "tampered body", keys: [secret], headers: h(sig), payload: body.replace("notif_1", "notif_2"), expect: err("no_matching_signature") },
    { name: "wrong secret", keys: ["hookline-FAKE-intercom-other"], headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "no sha1= prefix", keys: [secret], headers: h(sig.slice(5)), payload: body, expect: err("no_matching_signature") },
  ], { detected: false });
}

// GitLab.
{
  const token = "hookline-FAKE-gitlab-token";
  const body = '{"object_kind":"push","ref":"refs/heads/main","project":{"id":15}}';
  const h = (v) => ({ "X-Gitlab-Token": v, "X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": "13792a34-cac6-4fda-95a8-c58e00a3954e" });
  add("gitlab", "X-Gitlab-Token: the webhook's secret token itself, compared in constant time; nothing binds it to the body or a time. Not detected: a token is not a signature, so naming it is the operator's choice.", [
    "GitLab docs: Webhooks, Validate requests with a secret token (X-Gitlab-Token)",
  ], [
    { name: "valid", keys: [token], headers: h(token), payload: body, expect: ok(0, { id: "13792a34-cac6-4fda-95a8-c58e00a3954e", event_type: "Push Hook" }) },
    { name: "any body (the token signs nothing)", keys: [token], headers: h(token), payload: "{}", expect: ok() },
    { name: "second key of a rotation", keys: ["old-token", token], headers: h(token), payload: body, expect: ok(1) },
    { name: "wrong token", keys: [token], headers: h("hookline-FAKE-gitlab-tokeN"), payload: body, expect: err("no_matching_signature") },
    { name: "a prefix of the token", keys: [token], headers: h(token.slice(0, -1)), payload: body, expect: err("no_matching_signature") },
    { name: "wrong secret", keys: ["hookline-FAKE-gitlab-other"], headers: h(token), payload: body, expect: err("no_matching_signature") },
  ], { detected: false });
}

// SendGrid (signed Event Webhook).
{
  const b64url = (b) => b.toString("base64url");
  /** A P-256 key from a fixed private scalar (hex): node:crypto derives its public point. */
  const p256 = (dHex) => {
    const ecdh = crypto.createECDH("prime256v1");
    ecdh.setPrivateKey(Buffer.from(dHex, "hex"));
    const point = ecdh.getPublicKey();
    const key = crypto.createPrivateKey({ format: "jwk", key: { kty: "EC", crv: "P-256", d: b64url(Buffer.from(dHex, "hex")), x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) } });
    return { key, spki: crypto.createPublicKey(key).export({ type: "spki", format: "der" }).toString("base64") };
  };
  const mine = p256("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
  const other = p256("0f56db78ca460b055c500064824bed999a25aaf48ebb519ac201537b85479813");
  const body = '[{"email":"example@test.com","timestamp":1718000000,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"delivered","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id"}]';
  const sign = (key, ts, text) => crypto.sign("sha256", Buffer.from(`${ts}${text}`, "utf8"), key).toString("base64");
  const h = (sig, ts = T) => ({ "X-Twilio-Email-Event-Webhook-Signature": sig, "X-Twilio-Email-Event-Webhook-Timestamp": String(ts) });
  const sig = sign(mine.key, T, body);
  if (!crypto.verify("sha256", Buffer.from(`${T}${body}`), crypto.createPublicKey({ key: Buffer.from(mine.spki, "base64"), format: "der", type: "spki" }), Buffer.from(sig, "base64"))) throw new Error("sendgrid: node:crypto does not verify its own signature");
  const p1363 = crypto.sign("sha256", Buffer.from(`${T}${body}`), { key: mine.key, dsaEncoding: "ieee-p1363" }).toString("base64");
  add("sendgrid", "X-Twilio-Email-Event-Webhook-Signature: base64 of an ECDSA P-256 / SHA-256 signature (DER) over X-Twilio-Email-Event-Webhook-Timestamp followed by the raw body; the key is SendGrid's verification key, base64 of its SubjectPublicKeyInfo DER (publicKey). Timestamp in unix seconds. Not detected (its own build, loaded when named).", [
    "Twilio SendGrid docs: Getting Started with the Event Webhook Security Features (signed event webhook); @sendgrid/eventwebhook verifySignature",
    "node:crypto (createECDH for the fixed keys' points, crypto.sign with DER signatures)",
  ], [
    { name: "valid", keys: [mine.spki], now: T, headers: h(sig), payload: body, expect: ok(0, { timestamp: T }) },
    { name: "second key of a rotation", keys: [other.spki, mine.spki], now: T, headers: h(sig), payload: body, expect: ok(1) },
    { name: "stale: 301 s old", keys: [mine.spki], now: T + 301, headers: h(sig), payload: body, expect: err("timestamp_too_old") },
    { name: "tampered body", keys: [mine.spki], now: T, headers: h(sig), payload: body.replace("delivered", "bounce"), expect: err("no_matching_signature") },
    { name: "wrong key", keys: [other.spki], now: T, headers: h(sig), payload: body, expect: err("no_matching_signature") },
    { name: "timestamp header changed", keys: [mine.spki], now: T, headers: h(sig, T + 1), payload: body, expect: err("no_matching_signature") },
    { name: "signature in IEEE P1363 form, not DER", keys: [mine.spki], now: T, headers: h(p1363), payload: body, expect: err("no_matching_signature") },
    { name: "signature not base64", keys: [mine.spki], now: T, headers: h("!!!"), payload: body, expect: err("no_matching_signature") },
    { name: "key that is not a P-256 SPKI", keys: ["MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="], now: T, headers: h(sig), payload: body, expect: err("invalid_secret") },
  ], { detected: false, public_keys: true });
}

fs.mkdirSync(OUT_DIR, { recursive: true });
for (const [name, file] of Object.entries(files)) {
  fs.writeFileSync(`${OUT_DIR}/${name}.json`, `${JSON.stringify(file, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(files).length} files to ${OUT_DIR}`);
