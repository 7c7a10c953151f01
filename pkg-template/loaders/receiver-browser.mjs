// hookline/receiver in browsers and bundlers, and the receiver of `hookline` there (browser.mjs
// imports this file). At import (top-level await: the API is synchronous) the HMAC build is
// fetched and compiled, and the ed25519 build's bytes are fetched beside it; those are compiled
// the first time a key needs them (a small module compiles synchronously). Each build is
// instantiated when first used.
import receiver from "./receiver-glue.mjs";

async function fetched(file) {
  const url = new URL(file, import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`hookline: could not load ${url} (HTTP ${response.status})`);
  return response;
}

async function compile(file) {
  const response = await fetched(file);
  try {
    return await WebAssembly.compileStreaming(response.clone());
  } catch {
    // Served without Content-Type: application/wasm; compile from the bytes instead.
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

const [hmacWasm, edBytes] = await Promise.all([compile("./receiver_bg.wasm"), fetched("./receiver_ed_bg.wasm").then((r) => r.arrayBuffer())]);
receiver.setup({ hmac: () => hmacWasm, ed: () => new WebAssembly.Module(edBytes), hostHmac: null });

export * from "./receiver-glue.mjs";
