// Memory and lifetime (run with node --expose-gc): 1,000,000 verifies and 100,000 Webhook objects
// (half freed with free(), half dropped for the FinalizationRegistry) leave the wasm memory and
// RSS flat after warm-up; a receiver's start loads only the files it verifies with (the message
// table and the sender's build come when first needed).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as hookline from "hookline";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const { test, run } = createHarness();

/** `script` run by a fresh Node process, which must exit 0: what it printed, as JSON. */
function fresh(script) {
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// A fresh process: require or import an entry, verify a valid delivery, then a tampered one;
// prints the package files loaded after each, and the error.
const loadedFiles = (entry, how) => {
  const script = `
const { createRequire } = require("node:module");
const cache = () => Object.keys(createRequire(process.cwd() + "/x.js").cache).filter((f) => f.includes("node_modules/hookline/")).map((f) => f.split("/").pop()).sort();
(async () => {
  const { Webhook } = ${how === "import" ? `await import(${JSON.stringify(entry)})` : `require(${JSON.stringify(entry)})`};
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const wh = new Webhook(secret);
  const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "" };
  headers["webhook-signature"] = wh.sign("msg_1", new Date(Number(headers["webhook-timestamp"]) * 1000), "{}");
  wh.verify("{}", headers);
  const verified = cache();
  let error;
  try { wh.verify("{ }", headers); } catch (e) { error = { name: e.name, code: e.code, message: e.message, hint: e.hint }; }
  console.log(JSON.stringify({ verified, error, after: cache() }));
})();`;
  return fresh(script);
};

test("node.cjs without messages.cjs beside it (bundled or copied alone): errors keep their class and code", () => {
  const dir = mkdtempSync(join(tmpdir(), "hookline-copy-"));
  try {
    const from = dirname(createRequire(import.meta.url).resolve("hookline/package.json"));
    cpSync(from, dir, { recursive: true, filter: (f) => !f.endsWith("messages.cjs") });
    const script = `
const { Webhook } = require(${JSON.stringify(join(dir, "receiver.cjs"))});
const wh = new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
const ts = String(Math.floor(Date.now() / 1000));
const headers = { "webhook-id": "msg_1", "webhook-timestamp": ts, "webhook-signature": wh.sign("msg_1", new Date(Number(ts) * 1000), "{}") };
const out = [];
for (const body of ["{ }", "{  }"]) {
  try { wh.verify(body, headers); out.push("verified"); } catch (e) { out.push({ ok: e instanceof Error, name: e.name, code: e.code, message: e.message, hint: e.hint ?? null }); }
}
console.log(JSON.stringify(out));`;
    const want = { ok: true, name: "WebhookVerificationError", code: "no_matching_signature", message: "no matching signature", hint: null };
    assert.deepEqual(fresh(script), [want, want]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [entry, how] of [["hookline/receiver", "require"], ["hookline/receiver", "import"], ["hookline", "require"], ["hookline", "import"]]) {
  test(`${how} ${entry}: a valid delivery loads no message table and no sender; an error loads the table once`, () => {
    const r = loadedFiles(entry, how);
    assert.ok(r.verified.includes("node.cjs"), JSON.stringify(r.verified));
    for (const f of ["messages.cjs", "sender.cjs"]) assert.ok(!r.verified.includes(f), `${f} loaded by a valid verify: ${r.verified}`);
    assert.deepEqual(r.error, {
      name: "WebhookVerificationError",
      code: "no_matching_signature",
      message: "no matching signature",
      hint: "check that the secret belongs to this endpoint and that the payload is the raw request body, byte for byte, not re-serialized JSON",
    });
    assert.ok(r.after.includes("messages.cjs"), JSON.stringify(r.after));
    assert.ok(!r.after.includes("sender.cjs"), JSON.stringify(r.after));
  });
}
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
