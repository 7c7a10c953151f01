// hookline/receiver in browsers and bundlers, and the receiver of `hookline` there (browser.mjs
// imports this file). At import (top-level await: the API is synchronous) the HMAC build is
// fetched and compiled, and the ed25519 and providers builds' bytes are fetched beside it; those
// are compiled the first time a key or a scheme needs them (a small module compiles synchronously). Each build is
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

const bytes = (file) => fetched(file).then((r) => r.arrayBuffer());
const [hmacWasm, edBytes, providersBytes] = await Promise.all([compile("./receiver_bg.wasm"), bytes("./receiver_ed_bg.wasm"), bytes("./receiver_providers_bg.wasm")]);
receiver.setup({ hmac: () => hmacWasm, ed: () => new WebAssembly.Module(edBytes), providers: () => new WebAssembly.Module(providersBytes), hostHmac: null });

export * from "./receiver-glue.mjs";
