// Node and Bun: read the .wasm beside this file and instantiate synchronously, so `require` and
// `import` return a ready module with no init() call. esbuild turns this file into pkg/node.cjs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import instantiate from "hookline-glue";

// Bodies of 2 KiB and more get their HMAC from node:crypto (OpenSSL runs it several times faster
// than wasm); the wasm still parses, decides and compares. A Node built without crypto throws on
// the require: then wasm computes every HMAC.
let createHmac;
try {
  ({ createHmac } = require("node:crypto"));
} catch {
  createHmac = undefined;
}
instantiate(
  new WebAssembly.Module(readFileSync(join(__dirname, "hookline_bg.wasm"))),
  createHmac ? (key, prefix, body) => createHmac("sha256", key).update(prefix).update(body).digest() : null,
);

export * from "hookline-glue";
