// Deno: a source-phase import gives the compiled module without any file permission.
import source wasm from "./hookline_bg.wasm";
import { __instantiate } from "./glue.mjs";

__instantiate(wasm);

export * from "./glue.mjs";
