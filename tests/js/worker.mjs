// workerd (through Miniflare): bundled like wrangler does, with the .wasm as a compiled module.
import * as hookline from "hookline";
import sw from "./vectors/standard-webhooks.json";
import { runSuite } from "./suite.mjs";

export default {
  async fetch() {
    const result = await runSuite(hookline, { vectors: { "standard-webhooks": sw }, runtime: "workerd" });
    return Response.json(result);
  },
};
