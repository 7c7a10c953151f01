// The verify benchmark inside workerd: bench/run.mjs bundles this with esbuild (the workerd entry of
// hookline, its .wasm as a CompiledWasm module, the pure-JS peers bundled in) and runs it through
// Miniflare with nodejs_compat, so node:crypto is there too. GET /?opts=<json> runs
// bench/verify-suite.mjs and answers its JSON.
import * as hookline from "../pkg/workerd.mjs";
import * as receiver from "../pkg/receiver-workerd.mjs";
import { createHmac, timingSafeEqual } from "node:crypto";
import { Buffer } from "node:buffer";
import * as standardwebhooks from "standardwebhooks";
import * as svix from "svix/dist/webhook.js";
import * as octokit from "@octokit/webhooks-methods";
import { runSuite } from "./verify-suite.mjs";

export default {
  async fetch(request) {
    const opts = JSON.parse(new URL(request.url).searchParams.get("opts") ?? "{}");
    const env = {
      runtime: "workerd",
      version: `workerd (Miniflare), ${navigator.userAgent}`,
      hookline,
      receiver,
      nodeCrypto: { createHmac, timingSafeEqual, Buffer },
      standardwebhooks,
      svix,
      octokit,
      octokitBuild: "web build, WebCrypto",
      notes: ["stripe not run: its Workers build verifies only asynchronously (verifyHeaderAsync); node:crypto via nodejs_compat"],
    };
    try {
      return Response.json(await runSuite(env, opts));
    } catch (e) {
      return new Response(String(e?.stack ?? e), { status: 500 });
    }
  },
};
