// The hookline CLI from the installed tarball (node_modules/.bin/hookline): listen + send deliver
// and verify a webhook end to end, a rejected one prints its code, sign/verify/secret work on
// files, and errors are one line with a non-zero exit. Node only.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const bin = join(process.cwd(), "node_modules", ".bin", "hookline");
const { test, run } = createHarness();
const cli = (...args) => spawnSync(bin, args, { encoding: "utf8", timeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), "hookline-cli-"));

test("secret: whsec_ and whsk_/whpk_", () => {
  const s = cli("secret", "--json");
  assert.equal(s.status, 0, s.stderr);
  assert.ok(/^whsec_[A-Za-z0-9+/]{43}=$/.test(JSON.parse(s.stdout).secret));
  const k = JSON.parse(cli("secret", "--type", "whsk", "--json").stdout);
  assert.ok(k.secretKey.startsWith("whsk_") && k.publicKey.startsWith("whpk_") && k.publicKeyHex.length === 64);
});

test("sign then verify saved files; a tampered body is rejected with its code and exit 1", () => {
  const secret = JSON.parse(cli("secret", "--json").stdout).secret;
  writeFileSync(join(dir, "body.json"), '{"type":"invoice.paid"}');
  const signed = cli("sign", "--secret", secret, "--file", join(dir, "body.json"));
  assert.equal(signed.status, 0, signed.stderr);
  writeFileSync(join(dir, "headers.txt"), `HTTP/1.1 200 OK\r\n${signed.stdout}`);
  const ok = cli("verify", "--headers", join(dir, "headers.txt"), "--body", join(dir, "body.json"), "--secret", secret);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.ok(ok.stdout.startsWith("verified: standard-webhooks"), ok.stdout);
  writeFileSync(join(dir, "tampered.json"), '{"type":"invoice.paid" }');
  const bad = cli("verify", "--headers", join(dir, "headers.txt"), "--body", join(dir, "tampered.json"), "--secret", secret, "--json");
  assert.equal(bad.status, 1);
  assert.equal(JSON.parse(bad.stdout).code, "no_matching_signature");
});

test("usage errors are one line on stderr, exit 2, no stack trace", () => {
  for (const args of [["nope"], ["verify", "--bogus"], ["send"], ["sign", "--secret", "whsec_!!"]]) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length <= 2, true, r.stderr);
    assert.ok(!/\n\s+at /.test(r.stderr), `stack trace for ${args}`);
  }
  assert.equal(cli("send", "--help").status, 0);
});

test("listen + send: delivered and verified end to end; a wrong secret is rejected with its code", async () => {
  const secret = JSON.parse(cli("secret", "--json").stdout).secret;
  const listener = spawn(bin, ["listen", "--port", "0", "--secret", secret, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
  const lines = [];
  let buffered = "";
  listener.stdout.on("data", (d) => {
    buffered += d;
    const parts = buffered.split("\n");
    buffered = parts.pop();
    lines.push(...parts.filter(Boolean).map((l) => JSON.parse(l)));
  });
  const waitLine = async (pred) => {
    for (let i = 0; i < 200; i++) {
      const found = lines.find(pred);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no such line from listen; got ${JSON.stringify(lines)}`);
  };
  try {
    const { listening } = await waitLine((l) => l.listening);
    const sent = await new Promise((resolve) => {
      const p = spawn(bin, ["send", "--url", listening, "--secret", secret, "--type", "invoice.paid", "--data", '{"n":1}', "--allow-private", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      p.stdout.on("data", (d) => (out += d));
      p.on("close", (code) => resolve({ code, out }));
    });
    assert.equal(sent.code, 0, sent.out);
    const summary = JSON.parse(sent.out);
    assert.deepEqual([summary.ok, summary.status, summary.attempts], [true, 204, 1]);
    const got = await waitLine((l) => l.ok === true);
    assert.deepEqual([got.scheme, got.id, got.eventType, got.payload.data.n], ["standard-webhooks", summary.eventId, "invoice.paid", 1]);

    const other = JSON.parse(cli("secret", "--json").stdout).secret;
    const rejected = await new Promise((resolve) => {
      const p = spawn(bin, ["send", "--url", listening, "--secret", other, "--type", "invoice.paid", "--allow-private"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      p.stdout.on("data", (d) => (out += d));
      p.on("close", (code) => resolve({ code, out }));
    });
    assert.equal(rejected.code, 1, rejected.out);
    assert.ok(rejected.out.includes("HTTP 401"), rejected.out);
    const bad = await waitLine((l) => l.ok === false);
    assert.equal(bad.code, "no_matching_signature");
    // The SSRF guard stops a private target unless --allow-private.
    const blocked = cli("send", "--url", listening, "--secret", secret, "--type", "a.b", "--json");
    assert.equal(blocked.status, 1);
    assert.equal(JSON.parse(blocked.stdout).outcome, "blocked");
  } finally {
    listener.kill("SIGINT");
    await new Promise((r) => listener.on("close", r));
  }
});

const result = await run("node-cli");
report(result);
if (result.failed || result.passed === 0) process.exitCode = 1;
