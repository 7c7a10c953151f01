// workerd (through Miniflare): bundled like wrangler does, with the .wasm as a compiled module.
import * as hookline from "hookline";
import * as receiver from "hookline/receiver";
import { runSuite } from "./suite.mjs";
import vectors from "./vectors.mjs";

export default {
  async fetch(request) {
    const runtime = new URL(request.url).searchParams.get("runtime") ?? "workerd";
    const result = await runSuite(hookline, { vectors, runtime, receiver });
    return Response.json(result);
  },
};
