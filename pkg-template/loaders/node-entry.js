// Node and Bun: read the .wasm beside this file and instantiate synchronously, so `require` and
// `import` return a ready module with no init() call. esbuild turns this file into pkg/node.cjs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { __instantiate, __setHostHmac } from "hookline-glue";

__instantiate(new WebAssembly.Module(readFileSync(join(__dirname, "hookline_bg.wasm"))));

// Bodies of 2 KiB and more get their HMAC from node:crypto (OpenSSL runs it several times faster
// than wasm); the wasm still parses, decides and compares. A Node built without crypto throws on
// the require: then wasm computes every HMAC.
let createHmac;
try {
  ({ createHmac } = require("node:crypto"));
} catch {
  createHmac = undefined;
}
if (createHmac) __setHostHmac((key, prefix, body) => createHmac("sha256", key).update(prefix).update(body).digest());

export * from "hookline-glue";
