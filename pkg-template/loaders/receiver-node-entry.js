// hookline/receiver in Node and Bun: the HMAC build is read and instantiated synchronously at
// load; the ed25519 build (its own file, receiver_ed.cjs) only when a key first needs it.
// esbuild turns this file into pkg/receiver.cjs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hostHmac } from "./node-hmac.js";
import instantiate from "hookline-receiver";

const compile = (file) => new WebAssembly.Module(readFileSync(join(__dirname, file)));

instantiate(compile("receiver_bg.wasm"), hostHmac, () => {
  const ed = require("hookline-receiver-ed");
  ed.default(compile("receiver_ed_bg.wasm"), hostHmac);
  return ed;
});

export * from "hookline-receiver";
