// Node and Bun (require): read the .wasm beside this file and instantiate synchronously, so
// `require` returns a ready module with no init() call. esbuild bundles this file with the
// generated wasm-bindgen glue into pkg/node.cjs, whose entry (scripts/build.mjs writes it beside
// the glue) calls `load` once with the glue's instantiate and exports the glue's API.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hostHmac } from "./node-hmac.js";

export function load(instantiate) {
  instantiate(new WebAssembly.Module(readFileSync(join(__dirname, "hookline_bg.wasm"))), hostHmac);
}
