// Node and Bun (import): a native ES module, so an import does not go through the CommonJS loader
// (an ESM import of the CommonJS build cost about 15 ms of cold start here). The error classes are
// errors.cjs's, shared with `require`, so instanceof holds across both module systems; a process
// that uses both holds two instances of the wasm. esbuild bundles this file with the generated
// wasm-bindgen glue into pkg/node.mjs, whose entry (scripts/build.mjs writes it beside the glue)
// calls `load` once with the glue's instantiate and exports the glue's API.
import { readFileSync } from "node:fs";
import { hostHmac } from "./node-hmac.js";

export function load(instantiate) {
  instantiate(new WebAssembly.Module(readFileSync(new URL("./hookline_bg.wasm", import.meta.url))), hostHmac);
}
