// Generates tests/vectors/standard-webhooks.json with node:crypto, independent of hookline:
//   node tests/vectors/gen/standard-webhooks.cjs > tests/vectors/standard-webhooks.json
const c = require("crypto");
const key = (s) => Buffer.from(s.replace(/^whsec_/, ""), "base64");
const sig = (secret, id, ts, payload) =>
  "v1," + c.createHmac("sha256", Buffer.isBuffer(secret) ? secret : key(secret)).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), Buffer.from(payload)])).digest("base64");
const S = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const S2 = "whsec_" + Buffer.alloc(32, 7).toString("base64");
const S64 = "whsec_" + Buffer.from(Array.from({length: 64}, (_, i) => i)).toString("base64");
// A 16-byte secret, shorter than the spec's 24 but what some svix accounts were issued.
const S16 = "whsec_" + Buffer.from("0123456789abcdef").toString("base64");
const id = "msg_p5jXN8AQM9LWM0D4loKWxJek", ts = 1614265330, body = '{"test": 2432232314}';
const good = sig(S, id, ts, body);
const utf8 = '{"name":"Zoë 🚀"}';
const bin = Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x22]);
const out = {
  description: "Standard Webhooks v1 known answers. Signatures computed with node:crypto HMAC-SHA256; the first sign case is the spec libraries' shared vector.",
  sign: [
    { name: "spec shared vector", secret: S, id, timestamp: ts, payload: body, signature: good },
    { name: "secret without prefix", secret: S.slice(6), id, timestamp: ts, payload: body, signature: good },
    { name: "utf-8 payload signed as bytes", secret: S, id: "msg_1", timestamp: 1700000000, payload: utf8, signature: sig(S, "msg_1", 1700000000, utf8) },
    { name: "non-utf-8 bytes", secret: S2, id: "msg_2", timestamp: 1700000001, payload_hex: bin.toString("hex"), signature: sig(S2, "msg_2", 1700000001, bin) },
    { name: "empty payload", secret: S64, id: "msg_3", timestamp: 0, payload: "", signature: sig(S64, "msg_3", 0, "") },
    { name: "16-byte secret (svix accepts any non-empty length)", secret: S16, id, timestamp: ts, payload: body, signature: sig(S16, id, ts, body) },
    { name: "raw key bytes", secret_raw_hex: Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").toString("hex"), id, timestamp: ts, payload: body, signature: sig(Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), id, ts, body) },
  ],
  verify: [],
  // What a whsec_ string parses to: the key bytes (hex), or the error. svix takes any non-empty
  // key; hookline bounds it at 1024 bytes, before decoding when the text alone is too long.
  secrets: [
    { name: "32 bytes, as generateSecret makes", secret: S2, key_hex: key(S2).toString("hex") },
    { name: "16 bytes, as svix issued some", secret: S16, key_hex: key(S16).toString("hex") },
    { name: "16 bytes without padding", secret: S16.replace(/=+$/, ""), key_hex: key(S16).toString("hex") },
    { name: "1 byte", secret: "whsec_AQ==", key_hex: "01" },
    { name: "64 bytes", secret: S64, key_hex: key(S64).toString("hex") },
    { name: "1024 bytes", secret: "whsec_" + Buffer.alloc(1024, 0xa5).toString("base64"), key_hex: Buffer.alloc(1024, 0xa5).toString("hex") },
    { name: "1025 bytes", secret: "whsec_" + Buffer.alloc(1025, 0xa5).toString("base64"), error: "invalid_secret" },
    { name: "4000 base64 characters", secret: "whsec_" + "A".repeat(4000), error: "invalid_secret" },
    { name: "the prefix alone", secret: "whsec_", error: "invalid_secret" },
    { name: "empty", secret: "", error: "invalid_secret" },
    { name: "not base64", secret: "whsec_!!!!", error: "invalid_secret" },
  ],
};
const H = (i, t, s, prefix = "webhook") => ({ [`${prefix}-id`]: i, [`${prefix}-timestamp`]: String(t), [`${prefix}-signature`]: s });
const v = (name, o) => out.verify.push({ name, secrets: [S], payload: body, now: ts, ...o });
v("valid", { headers: H(id, ts, good), expect: { key_index: 0 } });
v("svix- headers", { headers: H(id, ts, good, "svix"), expect: { key_index: 0 } });
v("mixed-case header names", { headers: { "Webhook-Id": id, "WEBHOOK-TIMESTAMP": String(ts), "Webhook-Signature": good }, expect: { key_index: 0 } });
v("several signatures, unknown versions skipped", { headers: H(id, ts, `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,${good.slice(3)} ${good} v1a,AAAA`), expect: { key_index: 0 } });
v("joined by a proxy with comma-space", { headers: H(id, ts, `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=, ${good}`), expect: { key_index: 0 } });
v("rotation: second secret matches", { secrets: [S2, S], headers: H(id, ts, good), expect: { key_index: 1 } });
v("signature without padding", { headers: H(id, ts, good.replace(/=+$/, "")), expect: { key_index: 0 } });
v("tolerance edge: exactly 300 s old", { now: ts + 300, headers: H(id, ts, good), expect: { key_index: 0 } });
v("tolerance edge: exactly 300 s ahead", { now: ts - 300, headers: H(id, ts, good), expect: { key_index: 0 } });
v("301 s old", { now: ts + 301, headers: H(id, ts, good), expect: { error: "timestamp_too_old" } });
v("301 s ahead", { now: ts - 301, headers: H(id, ts, good), expect: { error: "timestamp_too_new" } });
v("custom tolerance 10 s, 11 s old", { tolerance: 10, now: ts + 11, headers: H(id, ts, good), expect: { error: "timestamp_too_old" } });
v("tampered body", { payload: body.replace("2432232314", "2432232315"), headers: H(id, ts, good), expect: { error: "no_matching_signature" } });
v("body with trailing newline", { payload: body + "\n", headers: H(id, ts, good), expect: { error: "no_matching_signature" } });
v("tampered id", { headers: H(id + "x", ts, good), expect: { error: "no_matching_signature" } });
v("16-byte secret", { secrets: [S16], headers: H(id, ts, sig(S16, id, ts, body)), expect: { key_index: 0 } });
v("wrong secret", { secrets: [S2], headers: H(id, ts, good), expect: { error: "no_matching_signature" } });
v("signature under unknown version only", { headers: H(id, ts, "v2," + good.slice(3)), expect: { error: "no_matching_signature" } });
v("signature with no version", { headers: H(id, ts, good.slice(3)), expect: { error: "no_matching_signature" } });
v("truncated signature", { headers: H(id, ts, good.slice(0, 20)), expect: { error: "no_matching_signature" } });
v("missing id", { headers: { "webhook-timestamp": String(ts), "webhook-signature": good }, expect: { error: "missing_header", header: "webhook-id" } });
v("empty id", { headers: H("", ts, good), expect: { error: "missing_header" } });
v("missing timestamp", { headers: { "webhook-id": id, "webhook-signature": good }, expect: { error: "missing_header", header: "webhook-timestamp" } });
v("missing signature", { headers: { "webhook-id": id, "webhook-timestamp": String(ts) }, expect: { error: "missing_header", header: "webhook-signature" } });
// A request with svix- names is told the svix- name of what it lacks.
v("missing svix-id", { headers: { "svix-timestamp": String(ts), "svix-signature": good }, expect: { error: "missing_header", header: "svix-id" } });
v("missing svix-timestamp", { headers: { "svix-id": id, "svix-signature": good }, expect: { error: "missing_header", header: "svix-timestamp" } });
v("empty svix-id", { headers: H("", ts, good, "svix"), expect: { error: "missing_header", header: "svix-id" } });
v("missing svix-signature", { headers: { "svix-id": id, "svix-timestamp": String(ts) }, expect: { error: "missing_header", header: "svix-signature" } });
v("timestamp not a number", { headers: H(id, "16142653x0", good), expect: { error: "invalid_header" } });
v("timestamp in milliseconds", { headers: H(id, ts * 1000, good), expect: { error: "timestamp_too_new" } });
v("negative timestamp", { headers: H(id, "-1614265330", good), expect: { error: "invalid_header" } });
console.log(JSON.stringify(out, null, 2));
