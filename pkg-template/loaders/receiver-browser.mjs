// hookline/receiver in browsers and bundlers: both builds are fetched and compiled in parallel
// (top-level await: the API is synchronous); the ed25519 one is instantiated only when a key
// needs it.
import instantiate from "./receiver-glue.mjs";

async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`hookline: could not load ${url} (HTTP ${response.status})`);
  try {
    return await WebAssembly.compileStreaming(response.clone());
  } catch {
    // Served without Content-Type: application/wasm; compile from the bytes instead.
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

const [hmacWasm, edWasm] = await Promise.all([
  compile(new URL("./receiver_bg.wasm", import.meta.url)),
  compile(new URL("./receiver_ed_bg.wasm", import.meta.url)),
]);
instantiate(hmacWasm, null, () => edWasm);

export * from "./receiver-glue.mjs";
