// Memory and lifetime (run with node --expose-gc): 1,000,000 verifies and 100,000 Webhook objects
// (half freed with free(), half dropped for the FinalizationRegistry) leave the wasm memory and
// RSS flat after warm-up.
import * as hookline from "hookline";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const { test, run } = createHarness();
const settle = async () => {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
};

test("1,000,000 verifies and 100,000 objects: wasm memory and RSS flat after warm-up", async () => {
  assert.equal(typeof globalThis.gc, "function", "run with --expose-gc");
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = JSON.stringify({ type: "invoice.paid", data: { note: "x".repeat(1000) } });
  const headers = hookline.signHeaders({ secret, payload: body });
  const wh = new hookline.Webhook(secret, { tolerance: 1e9 });
  const round = async (verifies, objects) => {
    for (let i = 0; i < verifies; i++) wh.verify(body, headers, { jsonParse: false });
    for (let i = 0; i < objects / 2; i++) new hookline.Webhook(secret).free();
    for (let i = 0; i < objects / 2; i++) new hookline.Webhook(secret);
    await settle();
  };
  await round(100_000, 10_000); // warm-up: the allocator's high-water mark, JIT, heap
  const wasm0 = hookline.wasmMemoryBytes();
  const rss0 = process.memoryUsage().rss;
  for (let r = 0; r < 9; r++) await round(100_000, 10_000);
  const wasm1 = hookline.wasmMemoryBytes();
  const rss1 = process.memoryUsage().rss;
  assert.equal(wasm1, wasm0, `wasm memory grew ${wasm0} -> ${wasm1}`);
  assert.ok(rss1 - rss0 < 64 * 1048576, `RSS grew ${((rss1 - rss0) / 1048576).toFixed(1)} MiB`);
  console.log(`  memory: wasm ${wasm0} -> ${wasm1} bytes, RSS ${(rss0 / 1048576).toFixed(1)} -> ${(rss1 / 1048576).toFixed(1)} MiB over 1,000,000 verifies and 100,000 objects`);
});

const result = await run("node-memory");
report(result);
if (result.failed || result.passed === 0) process.exitCode = 1;
