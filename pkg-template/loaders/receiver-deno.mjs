// hookline/receiver in Deno: both builds come compiled from source-phase imports (no file
// permission); the ed25519 one is instantiated only when a key first needs it.
import { createHmac } from "node:crypto";
import source hmacWasm from "./receiver_bg.wasm";
import source edWasm from "./receiver_ed_bg.wasm";
import instantiate from "./receiver-glue.mjs";

const hostHmac = (key, prefix, body) => createHmac("sha256", key).update(prefix).update(body).digest();
instantiate(hmacWasm, hostHmac, () => edWasm);

export * from "./receiver-glue.mjs";
