// The receiver's ed25519 build in Node and Bun, required by receiver.cjs and receiver-node.mjs
// the first time a key needs it: instantiated once, here, whichever of them asks first.
// esbuild turns this file into pkg/receiver_ed.cjs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hostHmac } from "./node-hmac.js";
import instantiate from "hookline-receiver-ed-api";

instantiate(new WebAssembly.Module(readFileSync(join(__dirname, "receiver_ed_bg.wasm"))), hostHmac);

export * from "hookline-receiver-ed-api";
