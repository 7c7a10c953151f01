// hookline in browsers and bundlers: the receiver of receiver-browser.mjs, and the sender's
// build, whose bytes are fetched at import and compiled the first time a sender API is used.
import "./receiver-browser.mjs";
import instantiate, * as glue from "./glue.mjs";
import setSender from "./main-glue.mjs";

const url = new URL("./hookline_bg.wasm", import.meta.url);
const response = await fetch(url);
if (!response.ok) throw new Error(`hookline: could not load ${url} (HTTP ${response.status})`);
const senderBytes = await response.arrayBuffer();
setSender(() => {
  instantiate(new WebAssembly.Module(senderBytes));
  return glue;
});

export * from "./main-glue.mjs";
