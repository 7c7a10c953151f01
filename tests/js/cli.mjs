// The hookline CLI from the installed tarball (node_modules/.bin/hookline), against real sockets on
// 127.0.0.1: listen + send deliver and verify end to end; listen forwards with the app's own
// answer (502 when it is down), forwards chunked bodies intact, inspects without keys, shows what
// it rejects, refuses oversized bodies with 413 without reading them, saves requests that replay
// byte for byte; send trusts the typed URL, retries briefly, streams --json, and sends --raw
// fixtures that stripe-node and @octokit/webhooks-methods verify; --version, --secret-file and
// HOOKLINE_SECRET, and no secret or doubled system error in any message. Node only.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as octokit from "@octokit/webhooks-methods";
import * as hookline from "hookline";
import published from "hookline/vectors" with { type: "json" };
import Stripe from "stripe";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";
import tested from "./vectors.mjs";

const bin = join(process.cwd(), "node_modules", ".bin", "hookline");
const { test, run } = createHarness();
const cli = (args, env = {}) => spawnSync(bin, args, { encoding: "utf8", timeout: 60_000, env: { ...process.env, HOOKLINE_SECRET: "", ...env } });
const dir = mkdtempSync(join(tmpdir(), "hookline-cli-"));
const newSecret = () => hookline.generateSecret();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A long-running CLI process: its stdout lines (parsed when JSON) with their arrival times. */
function start(args, env = {}) {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HOOKLINE_SECRET: "", ...env } });
  const lines = [];
  let out = "";
  let err = "";
  let buffered = "";
  child.stdout.on("data", (d) => {
    out += d;
    buffered += d;
    const parts = buffered.split("\n");
    buffered = parts.pop();
    for (const l of parts.filter(Boolean)) {
      let value = l;
      try {
        value = JSON.parse(l);
      } catch {
        // a line for people
      }
      lines.push({ value, at: Date.now() });
    }
  });
  child.stderr.on("data", (d) => (err += d));
  const closed = new Promise((resolve) => child.on("close", (code) => resolve({ code, at: Date.now() })));
  return {
    child,
    lines,
    closed,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    async wait(pred, what = "line") {
      for (let i = 0; i < 300; i++) {
        const found = lines.find((l) => pred(l.value));
        if (found) return found.value;
        await sleep(50);
      }
      throw new Error(`no ${what} from hookline ${args[0]}; stdout: ${out.slice(-2000)} stderr: ${err.slice(-2000)}`);
    },
    async waitOut(text) {
      for (let i = 0; i < 300 && !out.includes(text); i++) await sleep(50);
      if (!out.includes(text)) throw new Error(`no "${text}" from hookline ${args[0]}; stdout: ${out.slice(-2000)} stderr: ${err.slice(-2000)}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      return closed;
    },
  };
}

/** `hookline listen ... --json` started; resolves with the process and its URL. */
async function listen(args, env) {
  const p = start(["listen", "--port", "0", "--json", ...args], env);
  const { listening } = await p.wait((l) => l?.listening, "listening line");
  return { p, url: listening };
}

/** A server on 127.0.0.1 that records each request (raw headers, body bytes) and answers `respond(n, req, body)`. */
async function app(respond) {
  const seen = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body, at: Date.now() });
      const [status, headers, text] = await respond(seen.length, req, body);
      res.writeHead(status, headers).end(text);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    seen,
    close: () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      }),
  };
}

/** One request with node:http: `chunks` as separate writes (chunked unless content-length is set). */
function post(url, headers, chunks) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers, agent: false }, (res) => {
      const got = [];
      res.on("data", (c) => got.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(got).toString("utf8") }));
    });
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

/**
 * Run a command to completion without blocking this process (its servers must answer), keeping
 * when each stdout line arrived.
 */
async function runCli(args, env) {
  const p = start(args, env);
  const { code, at } = await p.closed;
  return { code, closedAt: at, lines: p.lines, out: p.out, err: p.err };
}
const send = (args, env) => runCli(["send", ...args], env);

test("secret: whsec_ and whsk_/whpk_", () => {
  const s = cli(["secret", "--json"]);
  assert.equal(s.status, 0, s.stderr);
  assert.ok(/^whsec_[A-Za-z0-9+/]{43}=$/.test(JSON.parse(s.stdout).secret));
  const k = JSON.parse(cli(["secret", "--type", "whsk", "--json"]).stdout);
  assert.ok(k.secretKey.startsWith("whsk_") && k.publicKey.startsWith("whpk_") && k.publicKeyHex.length === 64);
});

test("--version is the installed package's version", () => {
  const { version } = JSON.parse(readFileSync(join(process.cwd(), "node_modules", "hookline", "package.json"), "utf8"));
  const r = cli(["--version"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
});

test("sign then verify saved files; a tampered body is rejected with its code and exit 1", () => {
  const secret = newSecret();
  writeFileSync(join(dir, "body.json"), '{"type":"invoice.paid"}');
  const signed = cli(["sign", "--secret", secret, "--file", join(dir, "body.json")]);
  assert.equal(signed.status, 0, signed.stderr);
  writeFileSync(join(dir, "headers.txt"), `HTTP/1.1 200 OK\r\n${signed.stdout}`);
  const ok = cli(["verify", "--headers", join(dir, "headers.txt"), "--body", join(dir, "body.json"), "--secret", secret]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.ok(ok.stdout.startsWith("verified: standard-webhooks, the secret"), ok.stdout);
  writeFileSync(join(dir, "tampered.json"), '{"type":"invoice.paid" }');
  const bad = cli(["verify", "--headers", join(dir, "headers.txt"), "--body", join(dir, "tampered.json"), "--secret", secret, "--json"]);
  assert.equal(bad.status, 1);
  assert.equal(JSON.parse(bad.stdout).code, "no_matching_signature");
});

test("secrets from --secret-file (one per line, rotation) and HOOKLINE_SECRET; the key is named, not secrets[0]", () => {
  const [old, current] = [newSecret(), newSecret()];
  writeFileSync(join(dir, "secrets.txt"), `# rotation: old first\n${old}\r\n\n${current}\n`);
  writeFileSync(join(dir, "one.txt"), `${current}\n`);
  writeFileSync(join(dir, "b.json"), '{"n":2}');
  // Signed with the env secret alone.
  const signed = cli(["sign", "--file", join(dir, "b.json")], { HOOKLINE_SECRET: current });
  assert.equal(signed.status, 0, signed.stderr);
  writeFileSync(join(dir, "h.txt"), signed.stdout);
  const both = cli(["verify", "--headers", join(dir, "h.txt"), "--body", join(dir, "b.json"), "--secret-file", join(dir, "secrets.txt")]);
  assert.equal(both.status, 0, both.stdout + both.stderr);
  assert.ok(both.stdout.startsWith("verified: standard-webhooks, secret 2"), both.stdout);
  assert.ok(!both.stdout.includes("secrets["), both.stdout);
  const env = cli(["verify", "--headers", join(dir, "h.txt"), "--body", join(dir, "b.json"), "--json"], { HOOKLINE_SECRET: current });
  assert.equal(env.status, 0, env.stdout + env.stderr);
  assert.equal(JSON.parse(env.stdout).keyId, "secret");
  // An option wins over the environment: the wrong file secret rejects although the env one is right.
  writeFileSync(join(dir, "wrong.txt"), `${old}\n`);
  const wrong = cli(["verify", "--headers", join(dir, "h.txt"), "--body", join(dir, "b.json"), "--secret-file", join(dir, "wrong.txt")], { HOOKLINE_SECRET: current });
  assert.equal(wrong.status, 1, wrong.stdout);
  const one = cli(["verify", "--headers", join(dir, "h.txt"), "--body", join(dir, "b.json"), "--secret-file", join(dir, "one.txt")]);
  assert.ok(one.stdout.startsWith("verified: standard-webhooks, the secret"), one.stdout);
});

test("usage errors are one line on stderr, exit 2, no stack trace, no secret and no doubled system error", () => {
  const secret = newSecret();
  const cases = [
    ["nope"],
    ["verify", "--bogus"],
    ["send"],
    ["sign", "--secret", "whsec_!!"],
    // A secret pasted where no value belongs, or given as a file name, or malformed in the env.
    ["listen", secret],
    ["sign", "--secret-file", secret],
    ["sign", "--secret", secret, secret],
    ["verify", "--headers", join(dir, "missing.txt"), "--body", join(dir, "missing.json"), "--secret", secret],
    ["send", "--url", "http://127.0.0.1:9/", "--secret", secret, "--type", "a.b", "--retry", "svix", "--max-attempts", "9"],
    ["send", "--url", "http://127.0.0.1:9/", "--secret", "whsec_!!", "--type", "a.b"],
    ["send", "--url", "ftp://127.0.0.1/", "--secret", secret, "--type", "a.b"],
  ];
  for (const args of cases) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args}: ${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.trim().split("\n").length <= 2, r.stderr);
    assert.ok(!/\n\s+at /.test(r.stderr), `stack trace for ${args}`);
    assert.ok(!r.stderr.includes(secret.slice(6, 20)), `secret echoed for ${args[0]}: ${r.stderr}`);
    assert.ok(!/\b(E[A-Z]+): \1/.test(r.stderr), `doubled error for ${args}: ${r.stderr}`);
  }
  const env = cli(["sign"], { HOOKLINE_SECRET: "whsec_!!not-base64-at-all-PRIVATE" });
  assert.equal(env.status, 2);
  assert.ok(env.stderr.startsWith("hookline: invalid_secret") && !env.stderr.includes("PRIVATE"), env.stderr);
  assert.ok(cli(["verify", "--headers", join(dir, "missing.txt"), "--body", "x", "--secret", secret]).stderr.includes("no such file"));
  assert.equal(cli(["send", "--help"]).status, 0);
  assert.equal(cli(["replay", "--help"]).status, 0);
});

test("listen + send: delivered and verified end to end; a wrong secret is rejected with its code, headers and body", async () => {
  const secret = newSecret();
  const { p, url } = await listen(["--secret", secret]);
  try {
    const sent = await send(["--url", url, "--secret", secret, "--type", "invoice.paid", "--data", '{"n":1}', "--json"]);
    assert.equal(sent.code, 0, sent.out + sent.err);
    const summary = sent.lines[sent.lines.length - 1].value;
    assert.deepEqual([summary.ok, summary.status, summary.attempts], [true, 204, 1]);
    const got = await p.wait((l) => l.ok === true);
    assert.deepEqual([got.scheme, got.id, got.eventType, got.payload.data.n, got.keyId], ["standard-webhooks", summary.eventId, "invoice.paid", 1, "secret"]);

    const rejected = await send(["--url", url, "--secret", newSecret(), "--type", "invoice.paid", "--data", JSON.stringify({ pad: "x".repeat(6000) })]);
    assert.equal(rejected.code, 1, rejected.out);
    assert.ok(rejected.out.includes("HTTP 401"), rejected.out);
    const bad = await p.wait((l) => l.ok === false);
    assert.equal(bad.code, "no_matching_signature");
    // What was rejected is shown: its headers and the start of its body.
    assert.ok(bad.headers["webhook-signature"].startsWith("v1,") && bad.headers["webhook-id"] === rejected.out.match(/event (msg_\w+)/)[1], JSON.stringify(bad.headers));
    assert.deepEqual([bad.truncated, bad.body.length, bad.bytes > 6000], [true, 4096, true]);
    assert.ok(bad.body.startsWith("{") && bad.body.includes('"invoice.paid"'), bad.body.slice(0, 100));
  } finally {
    await p.stop();
  }
});

test("listen without keys inspects: method, path, headers and body, and says nothing was verified", async () => {
  const p = start(["listen", "--port", "0"]);
  try {
    await p.waitOut("listening on");
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(p.out)[1];
    assert.ok(p.out.includes("inspect mode: nothing is verified"), p.out);
    const r = await post(`${url}orders?x=1`, { "content-type": "application/json", "x-custom": "yes", authorization: "Bearer sk_live_PRIVATE" }, ['{"order":', '42}\n\u001b[2J']);
    assert.equal(r.status, 204);
    await p.waitOut('{"order":42}');
    assert.ok(/POST \/orders\?x=1 {2}NOT VERIFIED \(inspect mode/.test(p.out), p.out);
    assert.ok(p.out.includes("x-custom: yes") && p.out.includes("content-type: application/json"), p.out);
    // A credential of the sender's is not printed; an escape sequence is shown, not run.
    assert.ok(!p.out.includes("PRIVATE") && p.out.includes("authorization: (hidden"), p.out);
    assert.ok(p.out.includes("\\u001b[2J") && !p.out.includes("\u001b"), p.out);
  } finally {
    await p.stop();
  }
});

test("listen --forward: the app's status and body go back to the sender (503 -> 503, retried); 502 when the app is down", async () => {
  const secret = newSecret();
  // The app is busy on its 1st and 3rd request.
  const backend = await app((n) => (n === 1 || n === 3 ? [503, { "content-type": "text/plain", "retry-after": "0" }, "busy, try again"] : [200, { "content-type": "application/json" }, '{"stored":true}']));
  const { p, url } = await listen(["--secret", secret, "--forward", backend.url]);
  try {
    const body = '{"type":"a.b","data":{}}';
    const signed = hookline.signHeaders({ secret, payload: body });
    const first = await post(url, { "content-type": "application/json", ...signed }, [body]);
    assert.deepEqual([first.status, first.body, first.headers["retry-after"]], [503, "busy, try again", "0"]);
    const second = await post(url, { "content-type": "application/json", ...signed }, [body]);
    assert.deepEqual([second.status, second.body], [200, '{"stored":true}']);
    // The sender sees the app's 503 and retries; the app's 200 ends it.
    const sent = await send(["--url", url, "--secret", secret, "--type", "a.b", "--schedule", "0,100ms", "--json"]);
    assert.equal(sent.code, 0, sent.out + sent.err);
    assert.deepEqual(
      sent.lines.map((l) => l.value.status),
      [503, 200, 200],
    );
    assert.equal(backend.seen.length, 4);
    assert.equal(backend.seen[0].url, "/hook");
    // Nothing is forwarded for a rejected request.
    const forged = await post(url, { "content-type": "application/json", ...hookline.signHeaders({ secret: newSecret(), payload: body }) }, [body]);
    assert.equal(forged.status, 401);
    assert.equal(backend.seen.length, 4);
    await backend.close();
    const down = await post(url, { "content-type": "application/json", ...signed }, [body]);
    assert.equal(down.status, 502);
    assert.equal(JSON.parse(down.body).code, "forward_failed");
    const line = await p.wait((l) => l.forwarded?.status === 502);
    assert.ok(line.forwarded.error.includes("ECONNREFUSED"), JSON.stringify(line));
  } finally {
    await backend.close();
    await p.stop();
  }
});

test("listen --forward: an app that answers 101 Switching Protocols gets the sender a 502 (before, the request hung for good)", async () => {
  const secret = newSecret();
  const { createServer } = await import("node:net");
  const upgrading = createServer((s) => s.once("data", () => s.end("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n")));
  await new Promise((r) => upgrading.listen(0, "127.0.0.1", r));
  const { p, url } = await listen(["--secret", secret, "--timeout", "3000", "--forward", `http://127.0.0.1:${upgrading.address().port}/`]);
  try {
    const body = '{"type":"a.b","data":{}}';
    const t0 = Date.now();
    const res = await post(url, { "content-type": "application/json", ...hookline.signHeaders({ secret, payload: body }) }, [body]);
    assert.deepEqual([res.status, JSON.parse(res.body).code], [502, "forward_failed"]);
    assert.ok(Date.now() - t0 < 3000, `answered after ${Date.now() - t0} ms`);
  } finally {
    await p.stop();
    await new Promise((r) => upgrading.close(r));
  }
});

test("listen --forward: a chunked body is verified and forwarded intact, byte for byte", async () => {
  const secret = newSecret();
  const backend = await app(() => [200, {}, "ok"]);
  const { p, url } = await listen(["--secret", secret, "--forward", backend.url]);
  try {
    // Split inside a multi-byte character and across CRLFs; 300 KiB in many writes.
    const text = `{"type":"big","data":"${"zoë 🚀 \\r\\n".repeat(20000)}"}`;
    const bytes = Buffer.from(text, "utf8");
    const signed = hookline.signHeaders({ secret, payload: bytes });
    const chunks = [];
    for (let at = 0; at < bytes.length; at += 4093) chunks.push(bytes.subarray(at, at + 4093));
    const r = await post(url, { "content-type": "application/json", "x-trace": "t1", ...signed }, chunks);
    assert.equal(r.status, 200, r.body);
    const got = backend.seen[0];
    assert.ok(got.body.equals(bytes), `forwarded ${got.body.length} bytes, sent ${bytes.length}`);
    assert.equal(got.headers["content-length"], String(bytes.length));
    assert.equal(got.headers["transfer-encoding"], undefined);
    assert.deepEqual([got.headers["webhook-signature"], got.headers["webhook-id"], got.headers["x-trace"]], [signed["webhook-signature"], signed["webhook-id"], "t1"]);
    assert.equal((await p.wait((l) => l.ok !== undefined)).ok, true);
  } finally {
    await backend.close();
    await p.stop();
  }
});

/**
 * A raw client that declares `declared` bytes (or sends chunks), writes only `sent` of them and
 * then waits: the answer comes, and the connection closes, with the rest never sent.
 */
function oversized(url, declared, sent, chunked) {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), "127.0.0.1");
    let got = "";
    s.on("data", (d) => (got += d));
    s.on("error", () => {});
    s.on("close", () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1]), got }));
    const body = Buffer.alloc(sent, 0x61);
    const head = `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${chunked ? "transfer-encoding: chunked" : `content-length: ${declared}`}\r\n\r\n`;
    s.write(Buffer.concat([Buffer.from(head), chunked ? Buffer.concat([Buffer.from(`${sent.toString(16)}\r\n`), body, Buffer.from("\r\n")]) : body]));
  });
}

test("listen --max-body: 413 beyond it, the connection closed without reading the rest; at the limit it is read", async () => {
  const { p, url } = await listen(["--max-body", "16kb"]);
  try {
    for (const chunked of [false, true]) {
      // 256 MiB declared (or a chunked body still open), 64 KiB sent: the listener answers and
      // closes at once instead of waiting for (and reading) the rest.
      const r = await oversized(url, 256 * 1024 * 1024, 65536, chunked);
      assert.equal(r.status, 413, r.got.slice(0, 200));
      assert.ok(r.got.includes('{"code":"payload_too_large"}'), r.got);
      assert.ok(/\r\nconnection: close\r\n/i.test(r.got), r.got);
    }
    const refused = p.lines.filter((l) => l.value.code === "payload_too_large");
    assert.equal(refused.length, 2);
    const atLimit = await post(url, { "content-length": String(16384) }, [Buffer.alloc(16384, 0x62)]);
    assert.equal(atLimit.status, 204);
    const over = await post(url, { "content-length": String(16385) }, [Buffer.alloc(16385, 0x62)]);
    assert.equal(over.status, 413);
  } finally {
    await p.stop();
  }
});

test("listen --save keeps each request; replay sends it again byte for byte (headers, signature, body)", async () => {
  const secret = newSecret();
  const saveDir = join(dir, "saved");
  const { p, url } = await listen(["--secret", secret, "--save", saveDir]);
  const capture = await app(() => [202, {}, "accepted"]);
  try {
    // Not UTF-8, with CR, LF and NUL bytes, sent chunked: the saved body is the bytes themselves.
    const body = Buffer.concat([Buffer.from('{"a":"\r\n'), Buffer.from([0, 0xff, 0xfe, 0x80]), Buffer.from('"}\n')]);
    const signed = hookline.signHeaders({ secret, payload: new Uint8Array(body) });
    const r = await post(`${url}in/box?k=v`, { "Content-Type": "application/octet-stream", "X-Custom-Case": "Keep Me", ...signed }, [body.subarray(0, 5), body.subarray(5)]);
    assert.equal(r.status, 204);
    const line = await p.wait((l) => l.ok === true && l.saved);
    assert.deepEqual(readdirSync(saveDir).map((f) => join(saveDir, f)), [line.saved]);

    const replayed = await runCli(["replay", line.saved, "--to", capture.url, "--json"]);
    assert.equal(replayed.code, 0, replayed.out + replayed.err);
    assert.deepEqual(replayed.lines[0].value.status, 202);
    const got = capture.seen[0];
    assert.equal(got.method, "POST");
    assert.ok(got.body.equals(body), `replayed body ${got.body.toString("hex")} != ${body.toString("hex")}`);
    const headerPairs = (raw) => {
      const out = [];
      for (let i = 0; i < raw.length; i += 2) if (!["host", "content-length", "connection", "transfer-encoding"].includes(raw[i].toLowerCase())) out.push(`${raw[i]}: ${raw[i + 1]}`);
      return out;
    };
    const sentPairs = ["Content-Type: application/octet-stream", "X-Custom-Case: Keep Me", ...Object.entries(signed).map(([k, v]) => `${k}: ${v}`)];
    assert.deepEqual(headerPairs(got.rawHeaders), sentPairs);
    assert.equal(got.headers["content-length"], String(body.length));

    // The replay verifies again at a second receiver (within the tolerance), and offline.
    const other = await listen(["--secret", secret]);
    try {
      const again = await runCli(["replay", line.saved, "--to", other.url]);
      assert.equal(again.code, 0, again.out + again.err);
      assert.ok(again.out.includes("HTTP 204"), again.out);
      assert.equal((await other.p.wait((l) => l.ok !== undefined)).ok, true);
    } finally {
      await other.p.stop();
    }
    const offline = cli(["verify", "--request", line.saved, "--secret", secret]);
    assert.equal(offline.status, 0, offline.stdout + offline.stderr);
    // An editor's trailing newline is caught, not sent as a different body.
    writeFileSync(join(dir, "edited.http"), Buffer.concat([readFileSync(line.saved), Buffer.from("\n")]));
    const edited = await runCli(["replay", join(dir, "edited.http"), "--to", capture.url]);
    assert.equal(edited.code, 2);
    assert.ok(edited.err.includes("Content-Length"), edited.err);
    assert.equal(capture.seen.length, 1);
  } finally {
    await capture.close();
    await p.stop();
    rmSync(saveDir, { recursive: true, force: true });
  }
});

test("send: a loopback URL typed by the operator works by default, said once on stderr; --guard refuses it", async () => {
  const secret = newSecret();
  const backend = await app(() => [204, {}, ""]);
  try {
    const sent = await send(["--url", backend.url, "--secret", secret, "--type", "a.b"]);
    assert.equal(sent.code, 0, sent.out + sent.err);
    assert.equal(sent.err.match(/SSRF guard would refuse this URL \(loopback address\)/g)?.length, 1, sent.err);
    assert.equal(backend.seen.length, 1);
    assert.equal(hookline.verifyWebhook(backend.seen[0].body, backend.seen[0].headers, { secret }).scheme, "standard-webhooks");
    const guarded = await send(["--url", backend.url, "--secret", secret, "--type", "a.b", "--guard", "--json"]);
    assert.equal(guarded.code, 1);
    assert.equal(guarded.lines[guarded.lines.length - 1].value.outcome, "blocked");
    assert.ok(!guarded.err.includes("would refuse"), guarded.err);
    assert.equal(backend.seen.length, 1);
  } finally {
    await backend.close();
  }
});

test("send --json streams one line per attempt as it happens; --retry, --schedule and --max-attempts choose the attempts", async () => {
  const secret = newSecret();
  const backend = await app((n) => (n < 3 ? [503, {}, "down"] : [200, {}, "ok"]));
  try {
    const sent = await send(["--url", backend.url, "--secret", secret, "--type", "a.b", "--schedule", "0,1500ms,100ms", "--json"]);
    assert.equal(sent.code, 0, sent.out + sent.err);
    const [a1, a2, a3, summary] = sent.lines;
    assert.deepEqual([a1.value.attempt, a1.value.status, a2.value.status, a3.value.status, summary.value.ok, summary.value.attempts], [1, 503, 503, 200, true, 3]);
    // The first line arrived before the second attempt was made, not at the end.
    assert.ok(a1.at < backend.seen[1].at, `line 1 at ${a1.at}, attempt 2 at ${backend.seen[1].at}`);
    assert.ok(sent.closedAt - a1.at >= 1000, `line 1 only ${sent.closedAt - a1.at} ms before the end`);

    const always503 = await app(() => [503, {}, "down"]);
    try {
      const attempts = async (args) => {
        const r = await send(["--url", always503.url, "--secret", secret, "--type", "a.b", "--json", ...args]);
        assert.equal(r.code, 1, r.out + r.err);
        return r.lines.map((l) => l.value);
      };
      assert.equal((await attempts(["--retry", "none"])).length - 1, 1);
      assert.equal((await attempts(["--schedule", "0,50ms,50ms,50ms", "--max-attempts", "2"])).length - 1, 2);
      // The default is short: the first retry waits 1 s, not the library preset's 5 s.
      const quick = await attempts(["--max-attempts", "2"]);
      assert.equal(quick.length - 1, 2);
      assert.equal(Date.parse(quick[0].nextRetryAt) - always503.seen[always503.seen.length - 2].at < 1100, true, JSON.stringify(quick[0]));
    } finally {
      await always503.close();
    }
  } finally {
    await backend.close();
  }
});

test("send --raw: a Stripe fixture verified by stripe-node, a GitHub one by @octokit/webhooks-methods, bytes as given", async () => {
  const stripeSecret = "whsec_test_cli_stripe_endpoint_secret";
  const githubSecret = "It's a Secret to Everybody";
  const stripeFixture = '{\n  "id": "evt_1", "object": "event",\n  "type": "payment_intent.succeeded",\n  "data": { "object": { "id": "pi_1", "amount": 4200 } }\n}\n';
  const githubFixture = '{"action":"opened","issue":{"number":1,"title":"Zoë 🚀"}}';
  writeFileSync(join(dir, "stripe.json"), stripeFixture);
  const verdicts = [];
  const stripe = new Stripe("sk_test_FAKE");
  const backend = await app(async (_n, req, body) => {
    if (req.headers["stripe-signature"]) {
      const event = stripe.webhooks.constructEvent(body, req.headers["stripe-signature"], stripeSecret);
      verdicts.push(["stripe", event.type, body.toString("utf8")]);
    } else {
      verdicts.push(["github", await octokit.verify(githubSecret, body.toString("utf8"), req.headers["x-hub-signature-256"]), body.toString("utf8")]);
    }
    return [200, {}, "ok"];
  });
  try {
    const s = await send(["--url", backend.url, "--raw", "--scheme", "stripe", "--secret", stripeSecret, "--type", "payment_intent.succeeded", "--data-file", join(dir, "stripe.json")]);
    assert.equal(s.code, 0, s.out + s.err);
    const g = await send(["--url", backend.url, "--raw", "--scheme", "github", "--type", "issues", "--data", githubFixture], { HOOKLINE_SECRET: githubSecret });
    assert.equal(g.code, 0, g.out + g.err);
    assert.deepEqual(verdicts, [
      ["stripe", "payment_intent.succeeded", stripeFixture],
      ["github", true, githubFixture],
    ]);
    // Not wrapped in an envelope, not re-serialized.
    assert.equal(createHash("sha256").update(backend.seen[0].body).digest("hex"), createHash("sha256").update(stripeFixture).digest("hex"));
  } finally {
    await backend.close();
  }
});

const PEERS = ["standardwebhooks", "svix", "stripe", "@octokit/webhooks-methods"];

test("hookline/vectors: the same file the suite runs hookline against, by import with { type: 'json' } and by require", () => {
  assert.deepEqual(published, tested.conformance);
  assert.deepEqual(createRequire(import.meta.url)("hookline/vectors"), published);
  assert.equal(published.format, "hookline-conformance-vectors");
  for (const s of Object.keys(published.schemes)) assert.ok(published.cases.filter((c) => c.scheme === s).length >= 8, s);
});

test("conformance: a row per peer installed beside the consumer, hookline passes every case, the peers' failures by bug class", () => {
  const r = cli(["conformance"]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const rows = r.stdout.split("\n");
  const row = (name) => rows.find((l) => l.startsWith(`${name} `) && /\d+\s+\d+\s+\d+\s+\d+$/.test(l));
  const n = published.cases.length;
  assert.ok(new RegExp(`^hookline \\S+\\s+${n}\\s+${n}\\s+0\\s+0$`).test(row("hookline")), r.stdout);
  for (const p of PEERS) assert.ok(row(p), `no row for ${p}:\n${r.stdout}`);
  assert.ok(r.stdout.includes("passed/run by scheme"), r.stdout);
  const json = cli(["conformance", "--json"]);
  assert.equal(json.status, 0, json.stderr);
  const { ok, verifiers } = JSON.parse(json.stdout);
  assert.equal(ok, true);
  assert.deepEqual(verifiers.map((v) => v.name), ["hookline", ...PEERS]);
  for (const v of verifiers) {
    assert.ok(v.installed && v.version, `${v.name} installed`);
    assert.ok(v.run > 0, `${v.name} ran no case`);
    assert.equal(v.run + v.not_applicable, n, v.name);
    // Not applicable is said with its reason; nothing else is skipped.
    assert.ok(v.results.every((x) => (x.status === "n/a") === (typeof x.reason === "string")), v.name);
  }
  assert.equal(verifiers[0].passed, n);
  // Every peer is asked only about its own schemes.
  const own = { standardwebhooks: ["standard-webhooks"], svix: ["standard-webhooks"], stripe: ["stripe"], "@octokit/webhooks-methods": ["github"] };
  for (const v of verifiers.slice(1)) assert.deepEqual([...new Set(v.results.filter((x) => x.status !== "n/a").map((x) => x.scheme))], own[v.name]);
  // A known finding, so the adapters are seen to report a peer's refusal and acceptance as they are:
  // stripe-node checks the tolerance in one direction only.
  const stripe = verifiers.find((v) => v.name === "stripe");
  assert.equal(stripe.results.find((x) => x.id === "stripe/301-s-ahead").status, "fail");
  assert.equal(stripe.results.find((x) => x.id === "stripe/301-s-old").status, "pass");
  const only = JSON.parse(cli(["conformance", "--peer", "stripe", "--json"]).stdout);
  assert.deepEqual(only.verifiers.map((v) => v.name), ["hookline", "stripe"]);
});

test("conformance: a vector hookline gets wrong is reported (exit 1, the case by bug class); peers not installed are said so", () => {
  const copy = structuredClone(published);
  const valid = copy.cases.find((c) => c.id === "github/push-event");
  valid.input.payload = valid.input.payload.replace("Fix typo", "Fix typos"); // still expects valid
  const code = copy.cases.find((c) => c.id === "stripe/301-s-ahead");
  code.expect = { valid: false, code: "timestamp_too_old", category: "timestamp_too_old" }; // hookline says too new
  writeFileSync(join(dir, "tampered-vectors.json"), JSON.stringify(copy));
  const r = cli(["conformance", "--vectors", join(dir, "tampered-vectors.json"), "--peer", "stripe"]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const n = copy.cases.length;
  assert.ok(new RegExp(`^hookline \\S+\\s+${n}\\s+${n - 2}\\s+2\\s+0$`, "m").test(r.stdout), r.stdout);
  assert.ok(r.stdout.includes("hookline: 2 failed"), r.stdout);
  assert.ok(r.stdout.includes("github/push-event: expected valid, got refused (no_matching_signature)"), r.stdout);
  assert.ok(r.stdout.includes("stripe/301-s-ahead: expected refused (timestamp_too_old), got refused (timestamp_too_new)"), r.stdout);
  // From a directory with no peer installed above it.
  const away = spawnSync(bin, ["conformance", "--json"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  assert.equal(away.status, 0, away.stdout + away.stderr);
  const peers = JSON.parse(away.stdout).verifiers.slice(1);
  assert.deepEqual(peers.map((v) => [v.name, v.installed, v.run, v.not_applicable]), PEERS.map((p) => [p, false, 0, n]));
  const text = spawnSync(bin, ["conformance"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  for (const p of PEERS) assert.ok(text.stdout.includes(`not installed in this project (npm install ${p} to compare)`), text.stdout);
  // Usage errors: an unknown peer, a file that is not the format.
  assert.equal(cli(["conformance", "--peer", "nosuch"]).status, 2);
  writeFileSync(join(dir, "other.json"), "{}");
  const other = cli(["conformance", "--vectors", join(dir, "other.json")]);
  assert.equal(other.status, 2);
  assert.ok(other.stderr.includes("not hookline-conformance-vectors version 1"), other.stderr);
});

const result = await run("node-cli");
rmSync(dir, { recursive: true, force: true });
report(result);
if (result.failed || result.passed === 0) process.exitCode = 1;
