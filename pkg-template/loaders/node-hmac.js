// The host HMAC the Node and Bun loaders give the wasm: bodies of 2 KiB and more get their
// HMAC-SHA256 from node:crypto (OpenSSL runs it several times faster than wasm); the wasm still
// parses, decides and compares. node:crypto is loaded the first time a body is that large, not
// at start-up (a receiver of small bodies never pays for it); a Node built without crypto leaves
// every HMAC to wasm. Bundled into each Node entry by esbuild, CommonJS and ESM alike.
let createHmac;

function loadCreateHmac() {
  try {
    // ESM has no require; Node 20.16+ and Bun give built-ins synchronously here.
    const crypto = typeof process.getBuiltinModule === "function" ? process.getBuiltinModule("node:crypto") : require("node:crypto");
    return crypto?.createHmac ?? null;
  } catch {
    return null;
  }
}

export function hostHmac(key, prefix, body) {
  if (createHmac === undefined) createHmac = loadCreateHmac();
  return createHmac ? createHmac("sha256", key).update(prefix).update(body).digest() : null;
}
