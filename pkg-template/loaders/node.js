// hookline in Node and Bun, by `require` and by `import` alike (the ESM entries node.mjs and
// receiver-node.mjs require this file, and receiver.cjs picks the receiver's names from it): one
// process holds one instance, and the error classes are the same whichever entry made an error.
// The receiver's builds are read from beside this file when first used (the ed25519 one only
// for a key that needs it); the sender's (sender.cjs, the wasm-bindgen glue, and
// hookline_bg.wasm) when a sender API is first used. esbuild turns this file into pkg/node.cjs.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import setSender from "../lib/main.js";
import receiver from "../lib/receiver.js";
import { hostHmac } from "./node-hmac.js";

const wasm = (file) => new WebAssembly.Module(readFileSync(join(__dirname, file)));

receiver.setup({ hmac: () => wasm("receiver_bg.wasm"), ed: () => wasm("receiver_ed_bg.wasm"), hostHmac });
setSender(() => {
  // A load at run time of a file built beside this one (the sender's glue), not an import.
  const glue = createRequire(__filename)("./sender.cjs");
  glue.default(wasm("hookline_bg.wasm"), hostHmac);
  return glue;
});

export * from "../lib/main.js";
