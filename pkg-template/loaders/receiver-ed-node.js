// The receiver's ed25519 build in Node and Bun, required by receiver.cjs and receiver-node.mjs
// the first time a key needs it: read and compiled once, here, whichever of them asks first
// (each instantiates its own). esbuild turns this file into pkg/receiver_ed.cjs.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const edModule = new WebAssembly.Module(readFileSync(join(__dirname, "receiver_ed_bg.wasm")));
