// Run from the repository root:  node tests/vectors/gen/handshakes.cjs
//
// Writes tests/vectors/handshakes.json: the providers' endpoint verifications (Slack's
// url_verification, Discord's PING, Zoom's endpoint.url_validation) as signed requests, each with
// the answer verifyRequest gives as `handshake.body` (null: no handshake). Signatures are computed
// here with node:crypto, never with hookline; the answers by the reference below, the rule the
// package applied in JavaScript before the core decided it: the body read with JSON.parse (the
// last of repeated members wins, escapes and whitespace as JSON.parse reads them), the answer
// written with JSON.stringify, Zoom's token an HMAC-SHA256 of the plainToken's UTF-8 (a lone
// surrogate as U+FFFD) under the key that verified the request.
//
// Deterministic: fixed secrets, a fixed ed25519 seed, fixed timestamps; no randomness, no clock.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");

const OUT = `${__dirname}/../handshakes.json`;
const T = 1718000000;
const SLACK = "hookline-FAKE-slack-signing-secret";
const ZOOM = "hookline-FAKE-zoom-secret-token";
const ZOOM_OLD = "hookline-FAKE-zoom-old-secret-token";

const hmacHex = (key, text) => crypto.createHmac("sha256", key).update(Buffer.from(text, "utf8")).digest("hex");

const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const seed = Buffer.from("hookline-handshake-FAKE-ed-seed!", "utf8");
const edPriv = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
const edPub = crypto.createPublicKey(edPriv).export({ format: "der", type: "spki" }).subarray(-32).toString("hex");

const headersFor = {
  slack: (body, key) => ({ "X-Slack-Request-Timestamp": String(T), "X-Slack-Signature": `v0=${hmacHex(key, `v0:${T}:${body}`)}` }),
  zoom: (body, key) => ({ "x-zm-request-timestamp": String(T), "x-zm-signature": `v0=${hmacHex(key, `v0:${T}:${body}`)}` }),
  discord: (body) => ({
    "X-Signature-Timestamp": String(T),
    "X-Signature-Ed25519": crypto.sign(null, Buffer.from(`${T}${body}`, "utf8"), edPriv).toString("hex"),
  }),
};

/** The reference: what to answer, for a request verified under `scheme` with key `key`. */
function reference(scheme, key, payload, jsonParse) {
  if (scheme !== "slack" && scheme !== "zoom" && scheme !== "discord") return null;
  if (!jsonParse && Buffer.byteLength(payload, "utf8") > 4096) return null;
  let body;
  try {
    body = JSON.parse(payload);
  } catch {
    return null;
  }
  if (body === null || typeof body !== "object") return null;
  if (scheme === "slack" && body.type === "url_verification" && typeof body.challenge === "string") {
    return JSON.stringify({ challenge: body.challenge });
  }
  if (scheme === "discord" && body.type === 1) return '{"type":1}';
  const plainToken = body.payload?.plainToken;
  if (scheme === "zoom" && body.event === "endpoint.url_validation" && typeof plainToken === "string" && plainToken.length <= 1024) {
    return JSON.stringify({ plainToken, encryptedToken: hmacHex(key, plainToken) });
  }
  return null;
}

const cases = [];
/** One case: `keys` are the verifier's, `signer` the key that signs (the last by default). */
function add(name, scheme, payload, { keys, signer, jsonParse = false } = {}) {
  keys ??= scheme === "slack" ? [SLACK] : scheme === "zoom" ? [ZOOM] : [edPub];
  signer ??= keys[keys.length - 1];
  const answer = reference(scheme, signer, payload, jsonParse);
  cases.push({ name, scheme, keys, json_parse: jsonParse, now: T, headers: headersFor[scheme](payload, signer), payload, expect: { handshake: answer } });
}

// Slack's url_verification (Slack's documented example body).
const slackDocs = { token: "Jhj5dZrVaK7ZwHHjRyZWjbDl", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" };
add("slack: url_verification (Slack's example)", "slack", JSON.stringify(slackDocs));
add("slack: url_verification, jsonParse true", "slack", JSON.stringify(slackDocs), { jsonParse: true });
add("slack: a challenge with quotes, backslashes, control characters and non-ASCII is escaped as JSON.stringify escapes it", "slack",
  JSON.stringify({ type: "url_verification", challenge: 'q"uo\\te\u0000\u0001\b\f\n\r\t\u001f\u007f é 日本 😀 \u2028\u2029 </script>' }));
add("slack: escapes in names and values (\\u0075rl_verification, \\/)", "slack",
  '{"\\u0074ype":"\\u0075rl_verification","challenge":"a\\/b\\u00e9\\ud83d\\ude00"}');
add("slack: a lone surrogate in the challenge (JSON.parse keeps it, JSON.stringify escapes it)", "slack",
  '{"type":"url_verification","challenge":"x\\ud800y\\udfff"}');
add("slack: whitespace around every token", "slack",
  ' \r\n\t{ "type" :\n"url_verification" ,\t"challenge" : "c" , "nested" : { "type" : [ 1 , { } ] } }\n');
add("slack: repeated members, the last wins (url_verification last)", "slack",
  '{"type":"event_callback","challenge":"first","type":"url_verification","challenge":"second"}');
add("slack: repeated members, the last wins (url_verification first)", "slack",
  '{"type":"url_verification","challenge":"c","type":"event_callback"}');
add("slack: the challenge last not a string", "slack", '{"type":"url_verification","challenge":"c","challenge":7}');
add("slack: no challenge", "slack", '{"type":"url_verification"}');
add("slack: type in a nested object only", "slack", '{"event":{"type":"url_verification","challenge":"c"}}');
add("slack: an event is no handshake", "slack", JSON.stringify({ type: "event_callback", event: { type: "app_mention" } }));
add("slack: an array body", "slack", '[{"type":"url_verification","challenge":"c"}]');
add("slack: not JSON (a trailing comma)", "slack", '{"type":"url_verification","challenge":"c",}');
add("slack: Discord's PING body under Slack's scheme", "slack", '{"type":1}');
const padded = JSON.stringify({ type: "url_verification", challenge: "big", pad: "x".repeat(4096) });
add("slack: over 4096 bytes, body not parsed: not considered", "slack", padded);
add("slack: over 4096 bytes, body parsed (jsonParse true): answered", "slack", padded, { jsonParse: true });

// Discord's PING.
add("discord: PING", "discord", JSON.stringify({ id: "1", application_id: "2", type: 1, version: 1 }));
add("discord: type 1.0 (JSON.parse reads 1)", "discord", '{"id":"1","type":1.0}');
add("discord: type 10e-1 (JSON.parse reads 1)", "discord", '{"id":"1","type":10e-1}');
add("discord: type 1.0000000000000001 (the nearest double is 1)", "discord", '{"id":"1","type":1.0000000000000001}');
add("discord: type 1.000000000000001 (not 1)", "discord", '{"id":"1","type":1.000000000000001}');
add("discord: type \"1\" (a string)", "discord", '{"id":"1","type":"1"}');
add("discord: an application command (type 2)", "discord", JSON.stringify({ id: "1", type: 2, data: { name: "hello" } }));
add("discord: repeated type, 1 last", "discord", '{"type":2,"type":1}');
add("discord: repeated type, 1 first", "discord", '{"type":1,"type":2}');

// Zoom's endpoint.url_validation (Zoom's documented example body).
const zoomDocs = { payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" }, event_ts: 1654503849680, event: "endpoint.url_validation" };
add("zoom: endpoint.url_validation (Zoom's example)", "zoom", JSON.stringify(zoomDocs));
add("zoom: the second key verifies: its token", "zoom", JSON.stringify(zoomDocs), { keys: [ZOOM_OLD, ZOOM] });
add("zoom: the first key verifies: its token", "zoom", JSON.stringify(zoomDocs), { keys: [ZOOM_OLD, ZOOM], signer: ZOOM_OLD });
add("zoom: a plainToken with quotes, backslashes, control characters and non-ASCII", "zoom",
  JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: 'a"b\\c\n\u0002é😀' } }));
add("zoom: a lone surrogate in the plainToken (escaped back; U+FFFD in the token's input)", "zoom",
  '{"event":"endpoint.url_validation","payload":{"plainToken":"t\\udc00"}}');
add("zoom: escapes in names (\\u0070ayload, \\u0065vent)", "zoom",
  '{"\\u0065vent":"endpoint.url_validation","\\u0070ayload":{"plain\\u0054oken":"tok"}}');
add("zoom: a plainToken of 1024 characters", "zoom", JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: "x".repeat(1024) } }));
add("zoom: a plainToken of 1025 characters", "zoom", JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: "x".repeat(1025) } }));
add("zoom: a plainToken of 512 astral characters (1024 UTF-16 units)", "zoom", JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: "😀".repeat(512) } }));
add("zoom: a plainToken of 512 astral characters and one more", "zoom", JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: `${"😀".repeat(512)}x` } }));
add("zoom: repeated payload, the last without a plainToken", "zoom", '{"event":"endpoint.url_validation","payload":{"plainToken":"a"},"payload":{}}');
add("zoom: repeated plainToken, the last wins", "zoom", '{"event":"endpoint.url_validation","payload":{"plainToken":"a","plainToken":"b"}}');
add("zoom: a plainToken that is not a string", "zoom", '{"event":"endpoint.url_validation","payload":{"plainToken":1}}');
add("zoom: a plainToken outside payload", "zoom", '{"event":"endpoint.url_validation","plainToken":"a"}');
add("zoom: another event", "zoom", JSON.stringify({ event: "meeting.started", payload: { plainToken: "a", object: { id: "1" } } }));

const file = {
  description:
    "Providers' endpoint verifications through verifyRequest: each case a request signed under its scheme (keys: the verifier's; the signature by one of them), verified at `now` with `jsonParse` as `json_parse`; expect.handshake is the `handshake.body` the result carries, null when it has no `handshake`. Written by tests/vectors/gen/handshakes.cjs with node:crypto; the answers by its JSON.parse / JSON.stringify reference.",
  cases,
};
fs.writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.log(`${OUT}: ${cases.length} cases, ${cases.filter((c) => c.expect.handshake !== null).length} answered`);
