// hookline/receiver in Deno, and the receiver of `hookline` there (deno.mjs imports this file):
// the HMAC build comes compiled from a source-phase import (no file permission). The ed25519
// build (and the providers build, for a scheme that needs it) is compiled the first time a key
// needs it, from its bytes in receiver_ed_bytes.cjs (receiver_providers_bytes.cjs): a
// `require` needs no read permission, where reading the .wasm would. Bodies of 2 KiB and more
// get their HMAC from node:crypto (several times faster than wasm), loaded at the first such body.
import { createRequire } from "node:module";
import source hmacWasm from "./receiver_bg.wasm";
import receiver from "./receiver-glue.mjs";

const require = createRequire(import.meta.url);
let createHmac;
const hostHmac = (key, prefix, body) => {
  createHmac ??= require("node:crypto").createHmac;
  return createHmac("sha256", key).update(prefix).update(body).digest();
};
const fromBase64 = (text) => (typeof Uint8Array.fromBase64 === "function" ? Uint8Array.fromBase64(text) : Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));

const fromBytesModule = (file) => () => new WebAssembly.Module(fromBase64(require(file)));
receiver.setup({ hmac: () => hmacWasm, ed: fromBytesModule("./receiver_ed_bytes.cjs"), providers: fromBytesModule("./receiver_providers_bytes.cjs"), hostHmac });

export * from "./receiver-glue.mjs";
