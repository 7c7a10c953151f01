// hookline/receiver in Cloudflare workerd: both builds are imported as compiled modules (Workers
// forbid compiling wasm at run time); the ed25519 one is instantiated only when a key needs it.
import hmacWasm from "./receiver_bg.wasm";
import edWasm from "./receiver_ed_bg.wasm";
import instantiate from "./receiver-glue.mjs";

instantiate(hmacWasm, null, () => edWasm);

export * from "./receiver-glue.mjs";
