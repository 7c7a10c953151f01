// Runs bench/verify-suite.mjs in Deno or Bun (spawned by bench/run.mjs) and prints its result as one
// JSON line prefixed "BENCH_RESULT ". Options come as one JSON argument. Peers that fail to load in
// the runtime are left out and named in the result's notes.
//   deno run -A bench/verify-runtime.mjs '{"sizes":[1024],"rounds":3,"windowMs":100}'
//   bun bench/verify-runtime.mjs '{...}'
import { createRequire } from "node:module";
import { runSuite } from "./verify-suite.mjs";

const opts = JSON.parse(globalThis.Deno ? Deno.args[0] ?? "{}" : process.argv[2] ?? "{}");
const isDeno = !!globalThis.Deno;
const runtime = isDeno ? "deno" : globalThis.Bun ? "bun" : "node";
const version = isDeno ? `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})` : globalThis.Bun ? `Bun ${Bun.version}` : `Node ${process.version}`;
const hookline = await import(isDeno ? "../pkg/deno.mjs" : "../pkg/node.mjs");
const require = createRequire(import.meta.url);
const notes = [];
const receiver = await import(isDeno ? "../pkg/receiver-deno.mjs" : "../pkg/receiver-node.mjs");
const env = { runtime, version, hookline, receiver, notes };

async function tryLoad(name, fn) {
  try {
    return await fn();
  } catch (e) {
    notes.push(`${name} not loaded: ${String(e?.message ?? e).split("\n")[0].slice(0, 160)}`);
    return undefined;
  }
}

env.nodeCrypto = await tryLoad("node:crypto", async () => {
  const c = await import("node:crypto");
  const { Buffer } = await import("node:buffer");
  return { createHmac: c.createHmac, timingSafeEqual: c.timingSafeEqual, Buffer };
});
env.standardwebhooks = await tryLoad("standardwebhooks", () => require("../node_modules/standardwebhooks/dist/index.js"));
env.svix = await tryLoad("svix", () => require("../node_modules/svix/dist/webhook.js"));
env.octokit = await tryLoad("@octokit/webhooks-methods", () => import("../node_modules/@octokit/webhooks-methods/dist-node/index.js"));
env.octokitBuild = "node build";
// stripe-node's sync verifyHeader needs its Node crypto provider: load the Node build explicitly
// (Bun's export condition would pick the worker build, whose sync path throws).
env.stripe = await tryLoad("stripe", () => {
  const Stripe = require("../node_modules/stripe/cjs/stripe.cjs.node.js");
  return new (Stripe.default ?? Stripe)("sk_test_bench");
});

const result = await runSuite(env, { ...opts, log: (m) => console.error(m) });
console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
