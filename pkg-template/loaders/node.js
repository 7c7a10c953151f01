// hookline in Node and Bun, by `require` and by `import` alike (the ESM entries node.mjs and
// receiver-node.mjs require this file, and receiver.cjs picks the receiver's names from it): one
// process holds one instance, and the error classes are the same whichever entry made an error.
// The receiver's builds are loaded when first used (the ed25519 one only for a key that needs
// it); the sender's (sender.cjs, the wasm-bindgen glue, and its build) when a sender API is
// first used. Node reads a build's .wasm beside this file; Bun requires its bytes from a module
// built beside it (base64), as node:fs's first use costs Bun 2 to 3 ms (a Bun cold start 0.76x
// of reading the file, Node's 1.09x: measured). esbuild turns this file into pkg/node.cjs.
import { createRequire } from "node:module";
import setSender from "../lib/main.js";
import receiver from "../lib/receiver.js";
import { hostHmac } from "./node-hmac.js";

// Loads at run time of files built beside this one (a build's bytes, the sender's glue), not
// imports.
const load = createRequire(__filename);
const bun = typeof process.versions.bun === "string";
const wasm = (name) =>
  new WebAssembly.Module(bun ? Buffer.from(load(`./${name}_bytes.cjs`), "base64") : load("node:fs").readFileSync(`${__dirname}/${name}_bg.wasm`));

receiver.setup({ hmac: () => wasm("receiver"), ed: () => wasm("receiver_ed"), providers: () => wasm("receiver_providers"), hostHmac });
setSender(() => {
  const glue = load("./sender.cjs");
  glue.default(wasm("hookline"), hostHmac);
  return glue;
});

export * from "../lib/main.js";
