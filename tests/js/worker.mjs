// workerd (through Miniflare): bundled like wrangler does, with the .wasm as a compiled module.
import * as hookline from "hookline";
import { runSuite } from "./suite.mjs";
import vectors from "./vectors.mjs";

export default {
  async fetch() {
    const result = await runSuite(hookline, { vectors, runtime: "workerd" });
    return Response.json(result);
  },
};
