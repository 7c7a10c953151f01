// Cross-checks against the real peers in Node, both directions: what hookline signs, the
// `standardwebhooks` and `svix` packages verify, and what they sign, hookline verifies; tampered
// bodies, wrong secrets and stale timestamps are rejected by both sides alike.
import * as hookline from "hookline";
import * as standardwebhooks from "standardwebhooks";
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
      assert.equal(hookline.verify(Buffer.from(body), headers, { secret: SECRET, raw: true }), undefined);
    }
  });

  test(`${name} and hookline reject the same tampering`, () => {
    const peer = new PeerWebhook(SECRET);
    const wh = new hookline.Webhook(SECRET);
    const body = bodies[0];
    const fresh = rename(hookline.signHeaders({ secret: SECRET, payload: body }), prefix);
    const stale = rename(hookline.signHeaders({ secret: SECRET, payload: body, timestamp: Math.floor(Date.now() / 1000) - 301 }), prefix);
    const future = rename(hookline.signHeaders({ secret: SECRET, payload: body, timestamp: Math.floor(Date.now() / 1000) + 301 }), prefix);
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

test("raw-format secrets agree with the peers", () => {
  const raw = new TextEncoder().encode("a raw key of some thirty-two bytes!");
  const ts = new Date(1700000000 * 1000);
  const ours = new hookline.Webhook(raw, { format: "raw" }).sign("msg_1", ts, "{}");
  assert.equal(new standardwebhooks.Webhook(raw, { format: "raw" }).sign("msg_1", ts, "{}"), ours);
});

const result = await run("node-peers");
report(result);
process.exitCode = result.failed || result.passed === 0 ? 1 : 0;
