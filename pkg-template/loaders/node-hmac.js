// The host HMAC the Node and Bun loaders give the wasm: bodies of 2 KiB and more get their
// HMAC-SHA256 from node:crypto (OpenSSL runs it several times faster than wasm); the wasm still
// parses, decides and compares. node:crypto is loaded the first time a body is that large, not
// at start-up (a receiver of small bodies never pays for it); a Node built without crypto leaves
// every HMAC to wasm. Bundled into each Node entry by esbuild.
let createHmac;

export function hostHmac(key, prefix, body) {
  if (createHmac === undefined) {
    try {
      ({ createHmac } = require("node:crypto"));
    } catch {
      createHmac = null;
    }
  }
  return createHmac ? createHmac("sha256", key).update(prefix).update(body).digest() : null;
}
