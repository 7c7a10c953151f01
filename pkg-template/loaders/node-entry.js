// Node and Bun: read the .wasm beside this file and instantiate synchronously, so `require` and
// `import` return a ready module with no init() call. esbuild turns this file into pkg/node.cjs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { __instantiate } from "hookline-glue";

__instantiate(new WebAssembly.Module(readFileSync(join(__dirname, "hookline_bg.wasm"))));

export * from "hookline-glue";
