// Large bodies, where Node and Bun take the HMAC from node:crypto and the other runtimes compute
// it in wasm: the verdicts must be the same everywhere. The reference tags come from WebCrypto,
// which every runtime has, so no hookline code computes the expected answer.
import { assert, utf8 } from "./harness.mjs";

// Either side of the size where the host HMAC takes over (2 KiB of signed bytes), and far past it.
const SIZES = [2000, 2047, 2048, 2049, 65536, 1 << 20];
const KEY = "hookline-large-body-test-secret";
const SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function bodyOf(size) {
  // JSON, so parsing receivers accept it too; the filler varies so a skipped chunk would show.
  const head = '{"type":"blob.stored","data":"';
  const tail = '"}';
  let fill = "";
  for (let i = 0; fill.length < size - head.length - tail.length; i++) fill += (i % 36).toString(36);
  return head + fill.slice(0, size - head.length - tail.length) + tail;
}

async function hmac(keyBytes, message) {
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
}
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const b64 = (b) => btoa(String.fromCharCode(...b));
const b64decode = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

function tampered(text) {
  // The last byte of the data string changes: the same length, one bit of difference at the end.
  const at = text.length - 3;
  return text.slice(0, at) + (text[at] === "a" ? "b" : "a") + text.slice(at + 1);
}

export function registerLargeBodyTests(test, hookline, runtime, createHmac) {
  const { verify, Verifier, signHeaders, WebhookVerificationError, __setHostHmac } = hookline;

  for (const size of SIZES) {
    test(`large body ${size} B: GitHub and Standard Webhooks verify against WebCrypto's tags`, async () => {
      const text = bodyOf(size);
      assert.equal(utf8(text).length, size);
      const gh = { "x-hub-signature-256": `sha256=${hex(await hmac(utf8(KEY), utf8(text)))}` };
      const github = new Verifier({ scheme: "github", secret: KEY, raw: true });
      for (const body of [text, utf8(text)]) {
        assert.equal(github.verify(body, gh).scheme, "github");
        assert.throws(() => github.verify(tampered(text), gh), "no_matching_signature", WebhookVerificationError);
      }
      const ts = 1718000000;
      const id = `msg_large_${size}`;
      const swTag = await hmac(b64decode(SW_SECRET.slice(6)), utf8(`${id}.${ts}.${text}`));
      const sw = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": `v1,${b64(swTag)}` };
      const opts = { secret: SW_SECRET, now: ts, raw: true };
      assert.equal(verify(text, sw, opts), undefined);
      assert.equal(verify(utf8(text), sw, opts), undefined);
      assert.throws(() => verify(tampered(text), sw, opts), "no_matching_signature", WebhookVerificationError);
      // A rotated key list: the right key is found whichever place it has.
      const rotated = { ...opts, secrets: ["whsec_" + btoa("another key of 24 bytes!"), SW_SECRET], secret: undefined };
      assert.equal(verify(text, sw, rotated), undefined);
      // hookline's own signer (wasm in every runtime) writes the same tag.
      assert.equal(signHeaders({ scheme: "standard-webhooks", secret: SW_SECRET, payload: text, id, timestamp: ts })["webhook-signature"], sw["webhook-signature"]);
    });
  }

  test("large bodies: every HMAC scheme round-trips past the host threshold", () => {
    const text = bodyOf(70_000);
    const now = 1718000000;
    for (const scheme of ["stripe", "github", "slack", "shopify"]) {
      const headers = signHeaders({ scheme, secret: KEY, payload: text, timestamp: now });
      const v = new Verifier({ scheme, secret: KEY, raw: true });
      assert.equal(v.verify(text, headers, { now }).scheme, scheme);
      assert.throws(() => v.verify(tampered(text), headers, { now }), "no_matching_signature", WebhookVerificationError, scheme);
      assert.throws(() => new Verifier({ scheme, secret: "not-the-key", raw: true }).verify(text, headers, { now }), "no_matching_signature", WebhookVerificationError, scheme);
    }
  });

  // Node, Bun and Deno load node:crypto as the host HMAC (their runners pass createHmac in, so the
  // shared suite imports no Node module). Its tag is compared, never trusted: a host that lies
  // makes every large delivery fail, and one that declines or throws leaves the HMAC to wasm.
  if (["node-esm", "node-cjs", "bun", "deno-npm", "deno-relative"].includes(runtime)) {
    test("host HMAC: used past the threshold, checked, and optional", () => {
      assert.equal(typeof createHmac, "function", `the ${runtime} runner passes node:crypto's createHmac`);
      const real = (key, prefix, body) => createHmac("sha256", key).update(prefix).update(body).digest();
      const text = bodyOf(65536);
      const headers = signHeaders({ scheme: "github", secret: KEY, payload: text });
      const v = new Verifier({ scheme: "github", secret: KEY, raw: true });
      let calls = 0;
      try {
        __setHostHmac((key, prefix, body) => {
          calls++;
          return real(key, prefix, body);
        });
        assert.equal(v.verify(text, headers).scheme, "github");
        assert.equal(calls, 1, "the host was asked once for a 64 KiB body");
        v.verify(bodyOf(1000), signHeaders({ scheme: "github", secret: KEY, payload: bodyOf(1000) }));
        assert.equal(calls, 1, "a 1 KB body stays in wasm");
        assert.deepEqual(signHeaders({ scheme: "github", secret: KEY, payload: text }), headers, "the host's signature");
        assert.equal(calls, 2, "signing a 64 KiB body asks the host too");
        __setHostHmac(() => new Uint8Array(32));
        assert.throws(() => v.verify(text, headers), "no_matching_signature", WebhookVerificationError, "a lying host");
        assert.ok(signHeaders({ scheme: "github", secret: KEY, payload: text })["x-hub-signature-256"] !== headers["x-hub-signature-256"], "a lying host signs");
        __setHostHmac(() => null);
        assert.equal(v.verify(text, headers).scheme, "github", "a declining host");
        __setHostHmac(() => "x".repeat(32));
        assert.equal(v.verify(text, headers).scheme, "github", "a host answering something other than bytes");
        __setHostHmac(() => {
          throw new Error("host failure");
        });
        assert.equal(v.verify(text, headers).scheme, "github", "a throwing host");
      } finally {
        __setHostHmac(real);
      }
    });
  }
}
