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
  const { verify, Verifier, signHeaders, WebhookVerificationError } = hookline;

  for (const size of SIZES) {
    test(`large body ${size} B: GitHub and Standard Webhooks verify against WebCrypto's tags`, async () => {
      const text = bodyOf(size);
      assert.equal(utf8(text).length, size);
      const gh = { "x-hub-signature-256": `sha256=${hex(await hmac(utf8(KEY), utf8(text)))}` };
      const github = new Verifier({ scheme: "github", secret: KEY, jsonParse: false });
      for (const body of [text, utf8(text)]) {
        assert.equal(github.verify(body, gh).scheme, "github");
        assert.throws(() => github.verify(tampered(text), gh), "no_matching_signature", WebhookVerificationError);
      }
      const ts = 1718000000;
      const id = `msg_large_${size}`;
      const swTag = await hmac(b64decode(SW_SECRET.slice(6)), utf8(`${id}.${ts}.${text}`));
      const sw = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": `v1,${b64(swTag)}` };
      const opts = { secret: SW_SECRET, now: ts, jsonParse: false };
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
      const v = new Verifier({ scheme, secret: KEY, jsonParse: false });
      assert.equal(v.verify(text, headers, { now }).scheme, scheme);
      assert.throws(() => v.verify(tampered(text), headers, { now }), "no_matching_signature", WebhookVerificationError, scheme);
      assert.throws(() => new Verifier({ scheme, secret: "not-the-key", jsonParse: false }).verify(text, headers, { now }), "no_matching_signature", WebhookVerificationError, scheme);
    }
  });

  // Node, Bun and Deno give node:crypto to the wasm as the host HMAC when the loader instantiates
  // it, and only then: the package exports no way to install another (one would see every key
  // and could make forged signatures verify) or to instantiate again.
  test("host HMAC: only the loader installs it; the package exports no seam", () => {
    for (const name of ["__setHostHmac", "setHostHmac", "__instantiate", "instantiate", "default"]) {
      assert.equal(hookline[name], undefined, `${name} is exported`);
    }
    // (Bun's CommonJS interop adds its __esModule marker, which is no seam.)
    const internal = Object.keys(hookline).filter((k) => /host|instantiate|^__/i.test(k) && k !== "__esModule");
    assert.deepEqual(internal, [], "internal names exported");
    // Large bodies still verify and sign alike, whichever HMAC the runtime's loader gave.
    const text = bodyOf(65536);
    const headers = signHeaders({ scheme: "github", secret: KEY, payload: text });
    assert.equal(new Verifier({ scheme: "github", secret: KEY, jsonParse: false }).verify(text, headers).scheme, "github");
    if (createHmac) assert.equal(headers["x-hub-signature-256"], `sha256=${createHmac("sha256", KEY).update(text).digest("hex")}`);
  });
}
