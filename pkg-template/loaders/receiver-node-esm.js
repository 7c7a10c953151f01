// hookline/receiver in Node and Bun (import): a native ES module, so an import does not go
// through the CommonJS loader. The error classes are errors.cjs's and the ed25519 build is the
// one receiver_ed.cjs holds, shared with the CommonJS entry. esbuild turns this file into
// pkg/receiver-node.mjs.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { hostHmac } from "./node-hmac.js";
import instantiate from "../lib/receiver.js";

const require = createRequire(import.meta.url);
instantiate(new WebAssembly.Module(readFileSync(new URL("./receiver_bg.wasm", import.meta.url))), hostHmac, () => require("./receiver_ed.cjs").edModule);

export * from "../lib/receiver.js";
