// Cloudflare workerd: the .wasm is imported as a compiled module (wrangler does this by default;
// Miniflare needs a CompiledWasm module rule). Workers forbid compiling wasm from bytes at run time.
import wasm from "./hookline_bg.wasm";
import instantiate from "./glue.mjs";

instantiate(wasm);

export * from "./glue.mjs";
