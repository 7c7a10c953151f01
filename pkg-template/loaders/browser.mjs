// Browsers and bundlers: fetch the .wasm beside this file (bundlers rewrite the URL) and wait for it
// with top-level await, so importers get a ready module with no init() call.
import instantiate from "./glue.mjs";

const url = new URL("./hookline_bg.wasm", import.meta.url);
const response = await fetch(url);
if (!response.ok) throw new Error(`hookline: could not load ${url} (HTTP ${response.status})`);
let module;
try {
  module = await WebAssembly.compileStreaming(response.clone());
} catch {
  // Served without Content-Type: application/wasm; compile from the bytes instead.
  module = await WebAssembly.compile(await response.arrayBuffer());
}
instantiate(module);

export * from "./glue.mjs";
