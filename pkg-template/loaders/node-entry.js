// Node and Bun: read the .wasm beside this file and instantiate synchronously, so `require` and
// `import` return a ready module with no init() call. esbuild turns this file into pkg/node.cjs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hostHmac } from "./node-hmac.js";
import instantiate from "hookline-glue";

instantiate(
  new WebAssembly.Module(readFileSync(join(__dirname, "hookline_bg.wasm"))),
  hostHmac,
);

export * from "hookline-glue";
