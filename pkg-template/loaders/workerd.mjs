// hookline in Cloudflare workerd: the receiver of receiver-workerd.mjs, and the sender's build,
// imported as a compiled module (wrangler does this by default; Miniflare needs a CompiledWasm
// module rule) and instantiated the first time a sender API is used.
import "./receiver-workerd.mjs";
import senderWasm from "./hookline_bg.wasm";
import instantiate, * as glue from "./glue.mjs";
import setSender from "./main-glue.mjs";

setSender(() => {
  instantiate(senderWasm);
  return glue;
});

export * from "./main-glue.mjs";
