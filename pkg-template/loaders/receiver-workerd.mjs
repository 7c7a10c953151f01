// hookline/receiver in Cloudflare workerd, and the receiver of `hookline` there (workerd.mjs
// imports this file): both builds are imported as compiled modules (Workers forbid compiling
// wasm at run time); each is instantiated when first used, the ed25519 one only for a key that
// needs it, the providers one only for a scheme that needs it.
import hmacWasm from "./receiver_bg.wasm";
import edWasm from "./receiver_ed_bg.wasm";
import providersWasm from "./receiver_providers_bg.wasm";
import receiver from "./receiver-glue.mjs";

receiver.setup({ hmac: () => hmacWasm, ed: () => edWasm, providers: () => providersWasm, hostHmac: null });

export * from "./receiver-glue.mjs";
