// hookline in Deno: the receiver of receiver-deno.mjs, and the sender's build compiled the first
// time a sender API is used, from its bytes in hookline_bytes.cjs (a `require` needs no read
// permission; a source-phase import would compile it at import).
import { createRequire } from "node:module";
import "./receiver-deno.mjs";
import instantiate, * as glue from "./glue.mjs";
import setSender from "./main-glue.mjs";

const require = createRequire(import.meta.url);
let createHmac;
const hostHmac = (key, prefix, body) => {
  createHmac ??= require("node:crypto").createHmac;
  return createHmac("sha256", key).update(prefix).update(body).digest();
};
const fromBase64 = (text) => (typeof Uint8Array.fromBase64 === "function" ? Uint8Array.fromBase64(text) : Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));

setSender(() => {
  instantiate(new WebAssembly.Module(fromBase64(require("./hookline_bytes.cjs"))), hostHmac);
  return glue;
});

export * from "./main-glue.mjs";
