// hookline/middleware and the providers' own requests: the endpoint verifications Slack, Zoom and
// Discord send when a URL is registered (answered by the middleware once verified, never routed),
// and Twilio's signed URL rebuilt behind a proxy only when the options trust it. Signed here with
// node:crypto, not with hookline. Used by middleware.mjs for Express, Hono and withWebhook.
import { Buffer } from "node:buffer";
import { createHmac, generateKeyPairSync, sign } from "node:crypto";
import { assert } from "./harness.mjs";

const SLACK = "hookline-FAKE-slack-signing-secret";
const ZOOM = "hookline-FAKE-zoom-secret-token";
const TWILIO = "hookline-FAKE-twilio-auth-token";
const ed = generateKeyPairSync("ed25519");
const DISCORD_PUBLIC = Buffer.from(ed.publicKey.export({ format: "jwk" }).x, "base64url").toString("hex");

const hmacHex = (key, text) => createHmac("sha256", key).update(text).digest("hex");
const now = () => String(Math.floor(Date.now() / 1000));

/** The routes each framework mounts, with the middleware's options. */
export const providerRoutes = [
  ["/slack", { secret: SLACK, scheme: "slack" }],
  ["/zoom", { secret: ZOOM, scheme: "zoom" }],
  ["/discord", { publicKey: DISCORD_PUBLIC, scheme: "discord" }],
  ["/twilio", { secret: TWILIO, scheme: "twilio", trustProxy: true }],
  ["/twilio-untrusted", { secret: TWILIO, scheme: "twilio" }],
];

const slack = (body, secret = SLACK) => {
  const ts = now();
  return { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${hmacHex(secret, `v0:${ts}:${body}`)}` };
};
const zoom = (body, secret = ZOOM) => {
  const ts = now();
  return { "content-type": "application/json", "x-zm-request-timestamp": ts, "x-zm-signature": `v0=${hmacHex(secret, `v0:${ts}:${body}`)}` };
};
const discord = (body, key = ed.privateKey) => {
  const ts = now();
  return { "content-type": "application/json", "x-signature-timestamp": ts, "x-signature-ed25519": sign(null, Buffer.from(ts + body), key).toString("hex") };
};
/** Twilio's recipe (twilio-node getExpectedTwilioSignature) for a form body. */
const twilio = (url, params) => {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": createHmac("sha1", TWILIO).update(data).digest("base64") };
};

/**
 * `send(path, body, headers)` answers `{ status, body }`; `seen.routed` counts the route's calls;
 * `ownUrl(path)` is the URL the server itself sees for `path` (no proxy).
 */
export function registerProviderMiddlewareTests(test, name, { send, seen, ownUrl }) {
  const routed = async (f) => {
    const before = seen.routed;
    const res = await f();
    return { ...res, routed: seen.routed - before };
  };

  test(`${name}: Slack url_verification, verified, is answered with its challenge; the route is not called`, async () => {
    const body = JSON.stringify({ token: "Jhj5dZrVaK7ZwHHjRyZWjbDl", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" });
    const res = await routed(() => send("/slack", body, slack(body)));
    assert.deepEqual([res.status, JSON.parse(res.body), res.routed], [200, { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" }, 0]);
    // Unverified, it is refused like any request: nobody learns that the endpoint answers.
    const forged = await routed(() => send("/slack", body, slack(body, "another-secret")));
    assert.deepEqual([forged.status, JSON.parse(forged.body).code, forged.routed], [401, "no_matching_signature", 0]);
    // A Slack event that is not the handshake reaches the route.
    const event = JSON.stringify({ type: "event_callback", event: { type: "app_mention" } });
    const ev = await routed(() => send("/slack", event, slack(event)));
    assert.deepEqual([ev.status, ev.routed], [204, 1]);
  });

  test(`${name}: Zoom endpoint.url_validation, verified, is answered with plainToken and its HMAC; the route is not called`, async () => {
    const body = JSON.stringify({ payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" }, event_ts: 1654503849680, event: "endpoint.url_validation" });
    const res = await routed(() => send("/zoom", body, zoom(body)));
    assert.equal(res.status, 200, res.body);
    assert.deepEqual([JSON.parse(res.body), res.routed], [{ plainToken: "qgg8vlvZRS6UYooatFL8Aw", encryptedToken: hmacHex(ZOOM, "qgg8vlvZRS6UYooatFL8Aw") }, 0]);
    const forged = await routed(() => send("/zoom", body, zoom(body, "another-secret")));
    assert.deepEqual([forged.status, forged.routed], [401, 0]);
    const event = JSON.stringify({ event: "meeting.started", payload: { object: { id: "1" } } });
    const ev = await routed(() => send("/zoom", event, zoom(event)));
    assert.deepEqual([ev.status, ev.routed], [204, 1]);
  });

  test(`${name}: a challenge and a plainToken holding quotes, backslashes, control characters and non-ASCII come back as sent`, async () => {
    const odd = 'q"uo\\te\u0000\n\t\u001f é 日本 😀 \u2028 </script>';
    const body = JSON.stringify({ type: "url_verification", challenge: odd });
    const res = await routed(() => send("/slack", body, slack(body)));
    assert.deepEqual([res.status, JSON.parse(res.body), res.routed], [200, { challenge: odd }, 0]);
    // Escapes in the names and values, and repeated members (the last wins, as in JSON.parse).
    const escaped = '{"type":"event_callback","\\u0074ype":"\\u0075rl_verification","challenge":"x","challenge":"a\\/\\"b\\ud83d\\ude00"}';
    const esc = await routed(() => send("/slack", escaped, slack(escaped)));
    assert.deepEqual([esc.status, JSON.parse(esc.body), esc.routed], [200, { challenge: 'a/"b😀' }, 0]);
    const zbody = JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: odd } });
    const z = await routed(() => send("/zoom", zbody, zoom(zbody)));
    assert.equal(z.status, 200, z.body);
    assert.deepEqual([JSON.parse(z.body), z.routed], [{ plainToken: odd, encryptedToken: hmacHex(ZOOM, odd) }, 0]);
  });

  test(`${name}: Discord PING, verified, is answered {"type":1}; the route is not called`, async () => {
    const body = JSON.stringify({ id: "1", application_id: "2", type: 1, version: 1 });
    const res = await routed(() => send("/discord", body, discord(body)));
    assert.deepEqual([res.status, JSON.parse(res.body), res.routed], [200, { type: 1 }, 0]);
    const forged = await routed(() => send("/discord", body, discord(body, generateKeyPairSync("ed25519").privateKey)));
    assert.deepEqual([forged.status, forged.routed], [401, 0]);
    const command = JSON.stringify({ id: "1", type: 2, data: { name: "hello" } });
    const ev = await routed(() => send("/discord", command, discord(command)));
    assert.deepEqual([ev.status, ev.routed], [204, 1]);
  });

  test(`${name}: Twilio's signed URL: the server's own, or behind a proxy the forwarded one only when trusted`, async () => {
    const params = { MessageSid: "SM1", Body: "hi there", From: "+15550001111" };
    const body = new URLSearchParams(params).toString();
    // No proxy: the URL the server sees.
    const direct = await routed(() => send("/twilio-untrusted?x=1", body, twilio(ownUrl("/twilio-untrusted?x=1"), params)));
    assert.deepEqual([direct.status, direct.routed], [204, 1], direct.body);
    // Behind a proxy that sets X-Forwarded-*: verified when the options trust it...
    const proxied = (path) => ({ ...twilio(`https://hooks.example.com${path}`, params), "x-forwarded-proto": "https", "x-forwarded-host": "hooks.example.com" });
    const trusted = await routed(() => send("/twilio?x=1", body, proxied("/twilio?x=1")));
    assert.deepEqual([trusted.status, trusted.routed], [204, 1], trusted.body);
    // ...and not otherwise (a client can send those headers).
    const untrusted = await routed(() => send("/twilio-untrusted?x=1", body, proxied("/twilio-untrusted?x=1")));
    assert.deepEqual([untrusted.status, JSON.parse(untrusted.body).code, untrusted.routed], [401, "no_matching_signature", 0]);
    // A tampered parameter fails behind the proxy too.
    const tampered = await routed(() => send("/twilio?x=1", body.replace("SM1", "SM2"), proxied("/twilio?x=1")));
    assert.deepEqual([tampered.status, tampered.routed], [401, 0]);
  });
}
