// hookline/receiver in Node and Bun (require): the HMAC build is read and instantiated
// synchronously at load; the ed25519 build (receiver-ed-node.js, which the build keeps out of
// this bundle as receiver_ed.cjs, shared with the ESM entry) only when a key first needs it.
// esbuild turns this file into pkg/receiver.cjs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hostHmac } from "./node-hmac.js";
import instantiate from "../lib/receiver.js";

instantiate(new WebAssembly.Module(readFileSync(join(__dirname, "receiver_bg.wasm"))), hostHmac, () => require("./receiver-ed-node.js").edModule);

export * from "../lib/receiver.js";
