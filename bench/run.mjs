// npm run bench -- the verify/sign benchmark of issue 7. A script that prints tables, never a test.
//   1. verify + sign throughput in Node (a fresh child process), then verify in Deno, Bun and workerd
//      (Miniflare), each running bench/verify-suite.mjs: hookline next to node:crypto, WebCrypto and
//      the peer packages, interleaved rounds, medians;
//   2. cold start (import + first verify) in fresh Node processes, then in Deno and Bun, interleaved, medians;
//   3. what each entry point loads, raw / gzip / brotli;
//   4. the issue's targets, met or not, with the figure.
// Tables go to the terminal and to bench/results.md (raw samples to bench/results.json).
// Environment: BENCH_QUICK=1 (3 sizes, 3 rounds, short windows, 7 cold processes),
//   BENCH_RUNTIMES=node,deno,bun,workerd  BENCH_ROUNDS=5  BENCH_WINDOW_MS=100  BENCH_COLD=20
//   BENCH_OTHER_ROUNDS=3  BENCH_OTHER_WINDOW_MS=80 (Deno, Bun, workerd)
//   BENCH_SIZES=256,1024  BENCH_SKIP=cold,size
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus, totalmem, release, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync, constants as zc } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const pkg = join(root, "pkg");
const bin = (name) => join(root, "node_modules", ".bin", name);
const QUICK = process.env.BENCH_QUICK === "1";
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(",").map(Number) : QUICK ? [256, 1024, 1048576] : [256, 1024, 4096, 65536, 1048576];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 3 : 5));
const WINDOW = Number(process.env.BENCH_WINDOW_MS ?? (QUICK ? 60 : 100));
// The other runtimes run verify only, with shorter windows to keep the whole run in minutes.
const OTHER_ROUNDS = Number(process.env.BENCH_OTHER_ROUNDS ?? 3);
const OTHER_WINDOW = Number(process.env.BENCH_OTHER_WINDOW_MS ?? (QUICK ? 50 : 80));
const COLD = Number(process.env.BENCH_COLD ?? (QUICK ? 7 : 20));
const RUNTIMES = (process.env.BENCH_RUNTIMES ?? "node,deno,bun,workerd").split(",");
const SKIP = (process.env.BENCH_SKIP ?? "").split(",");
const started = Date.now();
const note = (m) => console.error(`bench: ${m}`);
const pkgVersion = (p) => {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", p, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
};
const firstLine = (cmd, args) => (spawnSync(cmd, args, { encoding: "utf8" }).stdout ?? "").split("\n")[0].trim();

// ---------------------------------------------------------------- 1. throughput per runtime
function runChild(cmd, args, label) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (code !== 0 || !line) return reject(new Error(`${label} exited ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice("BENCH_RESULT ".length)));
    });
  });
}

async function runWorkerd(opts) {
  const esbuild = await import("esbuild");
  const { Miniflare } = await import("miniflare");
  const out = mkdtempSync(join(tmpdir(), "hookline-bench-workerd-"));
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: [join(here, "verify-worker.mjs")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      loader: { ".wasm": "copy" },
      external: ["node:*"],
      outdir: out,
      logLevel: "warning",
    });
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(out, "verify-worker.js"),
      modulesRoot: out,
      modulesRules: [
        { type: "ESModule", include: ["**/*.js"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
      compatibilityDate: "2025-01-01",
      compatibilityFlags: ["nodejs_compat"],
      host: "127.0.0.1",
    });
    try {
      const res = await mf.dispatchFetch(`http://127.0.0.1/?opts=${encodeURIComponent(JSON.stringify(opts))}`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`workerd answered ${res.status}: ${text.slice(0, 2000)}`);
      const result = JSON.parse(text);
      result.version = `workerd ${pkgVersion("workerd")} via Miniflare ${pkgVersion("miniflare")}`;
      return result;
    } finally {
      await mf.dispose();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const results = [];
const nodeOpts = { sizes: SIZES, rounds: ROUNDS, windowMs: WINDOW, ops: ["verify", "sign"] };
const otherOpts = { sizes: SIZES, rounds: OTHER_ROUNDS, windowMs: OTHER_WINDOW, ops: ["verify"] };
for (const rt of RUNTIMES) {
  const t = Date.now();
  note(`${rt}: running (${rt === "node" ? `${ROUNDS} rounds x ${WINDOW} ms, verify + sign` : `${OTHER_ROUNDS} rounds x ${OTHER_WINDOW} ms, verify`})`);
  try {
    if (rt === "node") results.push(await runChild(process.execPath, [join(here, "verify-runtime.mjs"), JSON.stringify(nodeOpts)], "node"));
    else if (rt === "deno") results.push(await runChild(bin("deno"), ["run", "-A", join(here, "verify-runtime.mjs"), JSON.stringify(otherOpts)], "deno"));
    else if (rt === "bun") results.push(await runChild(bin("bun"), [join(here, "verify-runtime.mjs"), JSON.stringify(otherOpts)], "bun"));
    else if (rt === "workerd") results.push(await runWorkerd(otherOpts));
    else note(`unknown runtime ${rt}`);
  } catch (e) {
    note(`${rt} failed: ${e.message}`);
    results.push({ runtime: rt, error: e.message.split("\n")[0], cases: [] });
  }
  note(`${rt}: ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

// ---------------------------------------------------------------- 2. cold start
const { signHeaders } = await import(join(pkg, "node.mjs"));
const { makePayload } = await import(join(here, "verify-suite.mjs"));

function coldScripts() {
  const body = makePayload(1024);
  const ts = Math.floor(Date.now() / 1000);
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const sw = signHeaders({ scheme: "standard-webhooks", secret, payload: body, id: "msg_cold", timestamp: ts });
  const gh = signHeaders({ scheme: "github", secret: "gh", payload: body });
  const st = signHeaders({ scheme: "stripe", secret, payload: body, timestamp: ts });
  const J = JSON.stringify;
  const nm = (p) => J(join(root, "node_modules", p));
  const pre = `const t0 = performance.now(); import { createRequire } from "node:module"; const require = createRequire(${J(join(root, "x.js"))});
const body = ${J(body)}; const headers = ${J(sw)};`;
  // Each script: t0, load, t1, first verify (must succeed), t2, print.
  const end = `if (!ok) throw new Error("cold verify failed"); const t2 = performance.now();
console.log(JSON.stringify({ load: t1 - t0, first: t2 - t1, total: t2 - t0, sinceStart: t2 }));`;
  return {
    "hookline/receiver (ESM receiver-node.mjs)": `${pre} const { Webhook } = await import(${J(join(pkg, "receiver-node.mjs"))}); const t1 = performance.now();
const ok = new Webhook(${J(secret)}).verify(body, headers, { jsonParse: false }) === undefined; ${end}`,
    "hookline/receiver (require receiver.cjs)": `${pre} const { Webhook } = require(${J(join(pkg, "receiver.cjs"))}); const t1 = performance.now();
const ok = new Webhook(${J(secret)}).verify(body, headers, { jsonParse: false }) === undefined; ${end}`,
    "hookline (ESM node.mjs)": `${pre} const { Webhook } = await import(${J(join(pkg, "node.mjs"))}); const t1 = performance.now();
const ok = new Webhook(${J(secret)}).verify(body, headers, { jsonParse: false }) === undefined; ${end}`,
    "hookline (require node.cjs)": `${pre} const { Webhook } = require(${J(join(pkg, "node.cjs"))}); const t1 = performance.now();
const ok = new Webhook(${J(secret)}).verify(body, headers, { jsonParse: false }) === undefined; ${end}`,
    "standardwebhooks": `${pre} const { Webhook } = require(${nm("standardwebhooks")}); const t1 = performance.now();
const ok = new Webhook(${J(secret)}).verify(body, headers, { jsonParse: false }) === undefined; ${end}`,
    // The same package through Node's ESM loader (import of its CommonJS file), the like-for-like
    // peer of hookline's ESM entries: Node's ESM loader costs a few ms over require().
    "standardwebhooks (ESM import)": `${pre} const { Webhook } = await import(${J(join(root, "node_modules/standardwebhooks/dist/index.js"))}); const t1 = performance.now();
const ok = new Webhook(${J(secret)}).verify(body, headers, { jsonParse: false }) === undefined; ${end}`,
    "svix (package index)": `${pre} const { Webhook } = require(${nm("svix")}); const t1 = performance.now();
const ok = new Webhook(${J(secret)}).verify(body, headers).type === "invoice.paid"; ${end}`,
    "@octokit/webhooks-methods": `${pre} const { verify } = await import(${J(join(root, "node_modules/@octokit/webhooks-methods/dist-node/index.js"))}); const t1 = performance.now();
const ok = await verify("gh", body, ${J(gh["x-hub-signature-256"])}); ${end}`,
    "stripe": `${pre} const Stripe = require(${nm("stripe")}); const t1 = performance.now();
const ok = new Stripe("sk_test_cold").webhooks.signature.verifyHeader(body, ${J(st["stripe-signature"])}, ${J(secret)}, 300); ${end}`,
    "node:crypto (floor)": `${pre} const { createHmac, timingSafeEqual } = await import("node:crypto"); const t1 = performance.now();
const mac = createHmac("sha256", Buffer.from(${J(secret.slice(6))}, "base64")).update(\`\${headers["webhook-id"]}.\${headers["webhook-timestamp"]}.\`).update(body).digest();
const ok = timingSafeEqual(mac, Buffer.from(headers["webhook-signature"].slice(3), "base64")); ${end}`,
    "empty process (node -e '')": null,
  };
}

const cold = {};
if (!SKIP.includes("cold")) {
  note(`cold start: ${COLD} processes per contender, interleaved`);
  const scripts = coldScripts();
  for (const name of Object.keys(scripts)) cold[name] = { load: [], first: [], total: [], sinceStart: [], wall: [] };
  for (let i = 0; i < COLD; i++) {
    for (const [name, code] of Object.entries(scripts)) {
      const t = performance.now();
      const r = code === null
        ? spawnSync(process.execPath, ["-e", ""], { encoding: "utf8" })
        : spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", cwd: root });
      const wall = performance.now() - t;
      if (r.status !== 0) throw new Error(`cold ${name}: ${r.stderr}`);
      cold[name].wall.push(wall);
      if (code !== null) {
        const m = JSON.parse(r.stdout.trim().split("\n").pop());
        for (const k of ["load", "first", "total", "sinceStart"]) cold[name][k].push(m[k]);
      }
    }
  }
}

// The same contenders in Deno and Bun (hookline through each runtime's own entry), from script
// files, interleaved, medians: import + first verify inside the process.
const coldOther = {};
if (!SKIP.includes("cold")) {
  const scripts = coldScripts();
  const dir = mkdtempSync(join(tmpdir(), "hookline-cold-"));
  const entries = {
    deno: { bin: bin("deno"), args: (f) => ["run", "--quiet", "-A", f], hookline: "deno.mjs", receiver: "receiver-deno.mjs" },
    bun: { bin: bin("bun"), args: (f) => [f], hookline: "node.mjs", receiver: "receiver-node.mjs" },
  };
  try {
    for (const [runtime, how] of Object.entries(entries)) {
      if (!RUNTIMES.includes(runtime)) continue;
      note(`cold start in ${runtime}: ${COLD} processes per contender, interleaved`);
      const files = {};
      for (const [name, code] of Object.entries(scripts)) {
        if (code === null || name.includes("require ") || name === "stripe" || name.includes("(ESM import)")) continue;
        const receiver = name.startsWith("hookline/receiver");
        const entry = receiver ? how.receiver : how.hookline;
        const label = name.startsWith("hookline") ? `${receiver ? "hookline/receiver" : "hookline"} (${entry})` : name;
        const file = join(dir, `${runtime}-${Object.keys(files).length}.mjs`);
        const from = JSON.stringify(join(pkg, receiver ? "receiver-node.mjs" : "node.mjs"));
        writeFileSync(file, code.replace(from, JSON.stringify(join(pkg, entry))));
        files[label] = file;
      }
      coldOther[runtime] = Object.fromEntries(Object.keys(files).map((k) => [k, []]));
      for (let i = 0; i < COLD; i++) {
        for (const [label, file] of Object.entries(files)) {
          const r = spawnSync(how.bin, how.args(file), { encoding: "utf8", cwd: root, env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } });
          if (r.status !== 0) throw new Error(`cold ${runtime} ${label}: ${r.stderr}`);
          coldOther[runtime][label].push(JSON.parse(r.stdout.trim().split("\n").pop()).total);
        }
      }
    }
  } catch (e) {
    note(`cold start in Deno/Bun skipped: ${e.message.split("\n")[0]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- 3. size
const size = {};
if (!SKIP.includes("size")) {
  const measure = (files) => {
    const bufs = files.map((f) => readFileSync(join(pkg, f)));
    const raw = bufs.reduce((a, b) => a + b.length, 0);
    const gz = bufs.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0);
    const br = bufs.reduce((a, b) => a + brotliCompressSync(b, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length, 0);
    return { files, raw, gz, br };
  };
  size.files = Object.fromEntries(["receiver_bg.wasm", "receiver_ed_bg.wasm", "receiver.cjs", "receiver-node.mjs", "receiver_ed.cjs", "receiver-glue.mjs", "errors.cjs", "hookline_bg.wasm", "glue.mjs", "node.cjs", "node.mjs", "deno.mjs", "workerd.mjs", "browser.mjs"].map((f) => [f, measure([f])]));
  size.entries = {
    "hookline/receiver, node (import)": measure(["receiver-node.mjs", "errors.cjs", "receiver_bg.wasm"]),
    "hookline/receiver, node (require)": measure(["receiver.cjs", "errors.cjs", "receiver_bg.wasm"]),
    "hookline/receiver, node, after an ed25519 key": measure(["receiver.cjs", "errors.cjs", "receiver_bg.wasm", "receiver_ed.cjs", "receiver_ed_bg.wasm"]),
    "hookline/receiver, deno/workerd/browser (both builds compiled at import)": measure(["receiver-browser.mjs", "receiver-glue.mjs", "errors.mjs", "receiver_bg.wasm", "receiver_ed_bg.wasm"]),
    "node (import)": measure(["node.mjs", "errors.cjs", "hookline_bg.wasm"]),
    "node (require)": measure(["node.cjs", "errors.cjs", "hookline_bg.wasm"]),
    "deno": measure(["deno.mjs", "glue.mjs", "errors.mjs", "hookline_bg.wasm"]),
    "workerd": measure(["workerd.mjs", "glue.mjs", "errors.mjs", "hookline_bg.wasm"]),
    "browser": measure(["browser.mjs", "glue.mjs", "errors.mjs", "hookline_bg.wasm"]),
  };
  // For scale: the peers bundled and minified for a browser/worker (what a receiver would ship).
  try {
    const esbuild = await import("esbuild");
    size.peers = {};
    for (const [name, entry] of [["standardwebhooks", "standardwebhooks"], ["svix (Webhook only)", "svix/dist/webhook.js"], ["@octokit/webhooks-methods (web)", "@octokit/webhooks-methods"]]) {
      const r = await esbuild.build({
        absWorkingDir: root,
        stdin: { contents: `export * from ${JSON.stringify(entry)};`, resolveDir: root },
        bundle: true, minify: true, format: "esm", platform: "browser", write: false, logLevel: "silent",
      });
      const b = Buffer.from(r.outputFiles[0].contents);
      size.peers[name] = { raw: b.length, gz: gzipSync(b, { level: 9 }).length, br: brotliCompressSync(b).length };
    }
  } catch (e) {
    note(`peer sizes skipped: ${e.message}`);
  }
}

// ---------------------------------------------------------------- 4. report
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtOps = (x) => (x == null ? "–" : x >= 100_000 ? `${(x / 1000).toFixed(0)}k` : x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtSize = (n) => (n >= 1048576 ? `${n / 1048576} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`);
const fmtKB = (n) => `${(n / 1000).toFixed(1)} KB`;
const fmtR = (x) => (x == null || !isFinite(x) ? "–" : `${x.toFixed(2)}×`);
const mbps = (ops, bytes) => (ops * bytes) / 1e6;

// Which hookline figure is compared with which peer, per (op, group).
const PAIRS = {
  "verify/standard-webhooks": [["rx-noparse", "sw-noparse"], ["rx-noparse", "node-crypto"], ["hl-noparse", "sw-noparse"], ["hl-parse", "sw-parse"], ["hl-parse", "svix"], ["hl-noparse", "node-crypto"], ["hl-noparse", "webcrypto"]],
  "verify/github": [["rx-raw", "octokit"], ["rx-raw", "node-crypto"], ["hl-raw", "octokit"], ["hl-raw", "node-crypto"], ["hl-raw", "webcrypto"]],
  "verify/stripe": [["hl-raw", "stripe"], ["hl-raw", "node-crypto"]],
  "sign/standard-webhooks": [["hl", "sw"], ["hl", "node-crypto"], ["hl", "webcrypto"]],
  "sign/github": [["hl", "octokit"], ["hl", "node-crypto"], ["hl", "webcrypto"]],
};
const MAIN = { "verify/standard-webhooks": "hl-noparse", "verify/github": "hl-raw", "verify/stripe": "hl-raw", "sign/standard-webhooks": "hl", "sign/github": "hl" };

const lines = [];
const out = (s = "") => lines.push(s);
const date = new Date().toISOString();
out(`# hookline verify/sign benchmark (issue 7)`);
out();
out(`Generated by \`npm run bench\` (\`node bench/run.mjs\`) on ${date}. Machine: ${cpus().length} shared cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}; other work shares the cores, so figures are noisy — each is the median of interleaved rounds (contenders A, B, C, A, B, C, … within each case, start rotated per round).`);
out();
out(`Runtimes: ${results.map((r) => r.version ?? r.runtime).join("; ")}. Peers: standardwebhooks ${pkgVersion("standardwebhooks")}, svix ${pkgVersion("svix")} (its own standardwebhooks ${pkgVersion("svix/node_modules/standardwebhooks")}), @octokit/webhooks-methods ${pkgVersion("@octokit/webhooks-methods")}, stripe ${pkgVersion("stripe")}.`);
out();
out(`Settings: Node ${ROUNDS} rounds × ${WINDOW} ms windows (verify and sign); Deno/Bun/workerd ${OTHER_ROUNDS} rounds × ${OTHER_WINDOW} ms (verify). Payloads: JSON of exactly the given size; "string" is a JS string, "bytes" a Uint8Array (a zero-copy Buffer view for peers that take Buffer but not Uint8Array; "–" where a peer takes strings only). One verifier object reused (\`new Webhook(secret)\`, \`new Verifier({...})\`); headers a plain object. Async contenders (WebCrypto, octokit) are awaited one at a time. ${QUICK ? "**BENCH_QUICK=1 run (fewer sizes, rounds, shorter windows).**" : ""}`);
out();
out(`JSON parse: hookline can skip it (\`Webhook.verify(p, h, { jsonParse: false })\`, \`new Verifier({ raw: true })\`), so "verify without JSON parse" is measured directly; standardwebhooks has \`{ jsonParse: false }\` too; svix's \`verify\` always parses (no option passed through); octokit, stripe's \`verifyHeader\`, node:crypto and WebCrypto never parse. The node:crypto and WebCrypto rows are hand-written floors doing the same work (timestamp window, header split, signature decode, HMAC over the same signed content, constant-time compare).`);
out();

const legend = new Map();
for (const r of results) {
  out(`## ${r.runtime}: ${r.version ?? ""}`);
  out();
  if (r.error) {
    out(`Not run: ${r.error}`);
    out();
    continue;
  }
  if (r.skipped?.length || r.notes?.length) {
    out(`Notes: ${[...(r.notes ?? []), ...(r.skipped?.length ? [`not available here: ${r.skipped.join(", ")}`] : [])].join("; ")}`);
    out();
  }
  const keys = [...new Set(r.cases.map((c) => `${c.op}/${c.group}`))];
  for (const key of keys) {
    const cs = r.cases.filter((c) => `${c.op}/${c.group}` === key);
    const ids = [...new Set(cs.flatMap((c) => Object.keys(c.results)))];
    for (const c of cs) for (const [id, v] of Object.entries(c.results)) legend.set(`${key}:${id}`, v.label);
    out(`### ${r.runtime} — ${key.replace("/", " — ")}: ops/s (median of ${r.rounds})`);
    out();
    out(`| size | input | ${ids.join(" | ")} | ${MAIN[key]} MB/s |`);
    out(`|---|---|${ids.map(() => "---:").join("|")}|---:|`);
    for (const c of cs) {
      const main = c.results[MAIN[key]]?.median;
      out(`| ${fmtSize(c.size)} | ${c.kind} | ${ids.map((id) => fmtOps(c.results[id]?.median)).join(" | ")} | ${main ? mbps(main, c.size).toFixed(1) : "–"} |`);
    }
    out();
    const pairs = (PAIRS[key] ?? []).filter(([a, b]) => ids.includes(a) && ids.includes(b));
    if (pairs.length) {
      out(`Ratios (hookline / peer, > 1 = hookline faster):`);
      out();
      out(`| size | input | ${pairs.map(([a, b]) => `${a} / ${b}`).join(" | ")} |`);
      out(`|---|---|${pairs.map(() => "---:").join("|")}|`);
      for (const c of cs) {
        out(`| ${fmtSize(c.size)} | ${c.kind} | ${pairs.map(([a, b]) => fmtR(c.results[a]?.median / c.results[b]?.median)).join(" | ")} |`);
      }
      out();
    }
    out(`Legend: ${ids.map((id) => `\`${id}\` = ${legend.get(`${key}:${id}`)}`).join("; ")}.`);
    out();
  }
}

if (Object.keys(cold).length) {
  out(`## Cold start (Node ${process.version}): import + first verify of a 1 KiB Standard Webhooks (GitHub for octokit, Stripe for stripe) delivery in a fresh process, median of ${COLD} processes, interleaved`);
  out();
  out(`| contender | load (import/require) ms | first verify ms | load + first verify ms | ratio to standardwebhooks | process start → verified ms | spawn → exit wall ms |`);
  out(`|---|---:|---:|---:|---:|---:|---:|`);
  const base = med(cold.standardwebhooks.total);
  for (const [name, m] of Object.entries(cold)) {
    const f = (xs) => (xs.length ? med(xs).toFixed(2) : "–");
    out(`| ${name} | ${f(m.load)} | ${f(m.first)} | ${f(m.total)} | ${m.total.length ? fmtR(med(m.total) / base) : "–"} | ${f(m.sinceStart)} | ${f(m.wall)} |`);
  }
  out();
  const esm = cold["standardwebhooks (ESM import)"];
  if (esm?.total.length) {
    const like = (name, peer) => `${name}: ${fmtR(med(cold[name].total) / med(peer.total))}`;
    out(`Like for like (the same loader on both sides, the target's ratio): ${like("hookline/receiver (require receiver.cjs)", cold.standardwebhooks)} against standardwebhooks by require; ${like("hookline/receiver (ESM receiver-node.mjs)", esm)} against standardwebhooks by import. The target is 0.50× or less.`);
    out();
  }
  out(`"load + first verify" is measured inside the process from before the import to after the first verify returned (what the target counts); "process start → verified" adds Node's own boot (performance.now() from the time origin); the wall column is the parent's spawnSync time.`);
  out();
}

if (Object.keys(cold).length) {
  out(`Cold start in workerd is not in these tables: workerd's clocks (\`Date.now()\`, \`performance.now()\`) stand still while a script runs and move only across I/O (a Spectre mitigation), so an import + first verify inside a Worker reads 0 ms, and a Worker's start through Miniflare is dominated by starting workerd itself. The receiver's size table below is what a Worker pays to load.`);
  out();
}

for (const [runtime, table] of Object.entries(coldOther)) {
  out(`## Cold start (${runtime}): import + first verify of the same 1 KiB delivery in a fresh process, median of ${COLD} processes, interleaved`);
  out();
  out(`| contender | load + first verify ms | ratio to standardwebhooks |`);
  out(`|---|---:|---:|`);
  const base = table.standardwebhooks?.length ? med(table.standardwebhooks) : NaN;
  for (const [name, xs] of Object.entries(table)) out(`| ${name} | ${med(xs).toFixed(2)} | ${(med(xs) / base).toFixed(2)} |`);
  out();
}

if (size.entries) {
  out(`## Size: what each entry point loads (gzip -9, brotli q11)`);
  out();
  out(`| entry | files | raw | gzip | brotli |`);
  out(`|---|---|---:|---:|---:|`);
  for (const [name, e] of Object.entries(size.entries)) out(`| ${name} | ${e.files.join(" + ")} | ${fmtKB(e.raw)} | ${fmtKB(e.gz)} | ${fmtKB(e.br)} |`);
  out();
  out(`| file | raw | gzip | brotli |`);
  out(`|---|---:|---:|---:|`);
  for (const [name, e] of Object.entries(size.files)) out(`| ${name} | ${fmtKB(e.raw)} | ${fmtKB(e.gz)} | ${fmtKB(e.br)} |`);
  out();
  if (size.peers) {
    out(`For scale, the JS peers bundled + minified with esbuild (browser platform):`);
    out();
    out(`| peer | raw | gzip | brotli |`);
    out(`|---|---:|---:|---:|`);
    for (const [name, e] of Object.entries(size.peers)) out(`| ${name} | ${fmtKB(e.raw)} | ${fmtKB(e.gz)} | ${fmtKB(e.br)} |`);
    out();
  }
  out(`\`hookline/receiver\` loads the receiver's wasm (the core without the sender: HMAC schemes, no serde) and its glue; its ed25519 build is loaded in Node and Bun only when a key needs it (Deno, workerd and browsers compile both at import and instantiate the second on demand). \`hookline\` loads the full wasm (signing, delivery, SSRF guard, matching, ed25519).`);
  out();
}

// ---- targets
const find = (rt, op, group, sz, kind, id) => results.find((r) => r.runtime === rt)?.cases.find((c) => c.op === op && c.group === group && c.size === sz && c.kind === kind)?.results[id]?.median;
const targets = [];
const tgt = (name, figure, met) => targets.push({ name, figure, met });
const ratioFig = (a, b) => (a && b ? a / b : undefined);
{
  const s = ratioFig(find("node", "verify", "standard-webhooks", 1024, "string", "hl-noparse"), find("node", "verify", "standard-webhooks", 1024, "string", "sw-noparse"));
  const b = ratioFig(find("node", "verify", "standard-webhooks", 1024, "bytes", "hl-noparse"), find("node", "verify", "standard-webhooks", 1024, "bytes", "sw-noparse"));
  tgt("Node 1 KiB verify without JSON parse ≥ 3× standardwebhooks", `string ${fmtR(s)}, Uint8Array/Buffer ${fmtR(b)}`, s != null && b != null ? s >= 3 && b >= 3 : undefined);
}
{
  const r256 = ratioFig(find("node", "verify", "github", 256, "string", "hl-raw"), find("node", "verify", "github", 256, "string", "octokit"));
  const r1k = ratioFig(find("node", "verify", "github", 1024, "string", "hl-raw"), find("node", "verify", "github", 1024, "string", "octokit"));
  tgt("Node ≥ 0.9× octokit's node:crypto verify at 256 B and 1 KiB (GitHub, string)", `256 B ${fmtR(r256)}, 1 KiB ${fmtR(r1k)}`, r256 != null && r1k != null ? r256 >= 0.9 && r1k >= 0.9 : undefined);
}
{
  const s = ratioFig(find("workerd", "verify", "standard-webhooks", 1024, "string", "hl-noparse"), find("workerd", "verify", "standard-webhooks", 1024, "string", "webcrypto"));
  const b = ratioFig(find("workerd", "verify", "standard-webhooks", 1024, "bytes", "hl-noparse"), find("workerd", "verify", "standard-webhooks", 1024, "bytes", "webcrypto"));
  const g = ratioFig(find("workerd", "verify", "github", 1024, "string", "hl-raw"), find("workerd", "verify", "github", 1024, "string", "octokit"));
  tgt("workerd 1 KiB verify ≥ 8× WebCrypto-based verify", `vs hand-written WebCrypto (key imported once): string ${fmtR(s)}, Uint8Array ${fmtR(b)}; vs octokit's WebCrypto build (imports the key per call): ${fmtR(g)}`, s != null && b != null ? s >= 8 && b >= 8 : undefined);
}
{
  const s = find("node", "verify", "standard-webhooks", 1048576, "string", "hl-noparse");
  const b = find("node", "verify", "standard-webhooks", 1048576, "bytes", "hl-noparse");
  const gb = find("node", "verify", "github", 1048576, "bytes", "hl-raw");
  const f = (x) => (x ? `${mbps(x, 1048576).toFixed(0)} MB/s` : "–");
  tgt("bulk ≥ 400 MB/s at 1 MiB in Node (verify, no JSON parse)", `Standard Webhooks string ${f(s)}, Uint8Array ${f(b)}; GitHub Uint8Array ${f(gb)}`, s && b ? mbps(s, 1048576) >= 400 && mbps(b, 1048576) >= 400 : undefined);
}
// ---- issue 18 (the lean receiver), on hookline/receiver
{
  const s = ratioFig(find("node", "verify", "standard-webhooks", 1024, "string", "rx-noparse"), find("node", "verify", "standard-webhooks", 1024, "string", "sw-noparse"));
  const b = ratioFig(find("node", "verify", "standard-webhooks", 1024, "bytes", "rx-noparse"), find("node", "verify", "standard-webhooks", 1024, "bytes", "sw-noparse"));
  tgt("18: receiver 1 KiB verify ≥ 4× standardwebhooks (Node)", `string ${fmtR(s)}, Uint8Array/Buffer ${fmtR(b)}`, s != null && b != null ? s >= 4 && b >= 4 : undefined);
  const n = ratioFig(find("node", "verify", "standard-webhooks", 1024, "string", "rx-noparse"), find("node", "verify", "standard-webhooks", 1024, "string", "node-crypto"));
  const g = ratioFig(find("node", "verify", "github", 1024, "string", "rx-raw"), find("node", "verify", "github", 1024, "string", "node-crypto"));
  tgt("18: receiver 1 KiB verify ≥ 0.8× hand-written node:crypto (Node)", `Standard Webhooks ${fmtR(n)}, GitHub ${fmtR(g)}`, n != null && g != null ? n >= 0.8 && g >= 0.8 : undefined);
  const bs = ratioFig(find("node", "verify", "standard-webhooks", 1048576, "bytes", "rx-noparse"), find("node", "verify", "standard-webhooks", 1048576, "bytes", "node-crypto"));
  const bg = ratioFig(find("node", "verify", "github", 1048576, "bytes", "rx-raw"), find("node", "verify", "github", 1048576, "bytes", "node-crypto"));
  tgt("18: receiver bulk ≥ 0.9× node:crypto at 1 MiB (Node, bytes)", `Standard Webhooks ${fmtR(bs)}, GitHub ${fmtR(bg)}`, bs != null && bg != null ? bs >= 0.9 && bg >= 0.9 : undefined);
}
if (size.entries) {
  const r = size.entries["hookline/receiver, node (require)"];
  const e = size.entries["hookline/receiver, node, after an ed25519 key"];
  tgt("18: receiver import (wasm + JS it loads) ≤ 12 KB gzipped", `${fmtKB(r.gz)} gzipped (${r.files.join(" + ")})`, r.gz <= 12_288);
  tgt("18: receiver with ed25519 ≤ 24 KB gzipped", `${fmtKB(e.gz)} gzipped`, e.gz <= 24_576);
}
if (cold["hookline/receiver (ESM receiver-node.mjs)"]) {
  const base = med(cold.standardwebhooks.total);
  const e = med(cold["hookline/receiver (ESM receiver-node.mjs)"].total);
  const c = med(cold["hookline/receiver (require receiver.cjs)"].total);
  tgt("18: receiver cold start to first verify ≤ 0.5× standardwebhooks (Node)", `ESM ${e.toFixed(1)} ms (${fmtR(e / base)}), require ${c.toFixed(1)} ms (${fmtR(c / base)}), standardwebhooks ${base.toFixed(1)} ms`, e <= base / 2 && c <= base / 2);
}
if (size.entries) {
  const w = size.entries.workerd;
  const rx = size.entries["hookline/receiver, node (require)"];
  tgt("7: receiver entry (wasm + glue for verification) ≤ 20 KB gzipped", `hookline/receiver: ${fmtKB(rx.gz)} gzipped (the full entry in workerd: ${fmtKB(w.gz)})`, rx.gz <= 20_000);
  const wasm = size.files["hookline_bg.wasm"];
  tgt("full package wasm ≤ 80 KB gzipped", `${fmtKB(wasm.gz)} gzipped (${fmtKB(wasm.raw)} raw)`, wasm.gz <= 80_000);
}
if (cold["hookline (ESM node.mjs)"]) {
  const e = med(cold["hookline (ESM node.mjs)"].total);
  const c = med(cold["hookline (require node.cjs)"].total);
  tgt("cold start to first verify ≤ 5 ms in Node", `import + first verify: ESM ${e.toFixed(1)} ms, require ${c.toFixed(1)} ms (standardwebhooks ${med(cold.standardwebhooks.total).toFixed(1)} ms, node:crypto ${med(cold["node:crypto (floor)"].total).toFixed(1)} ms)`, e <= 5 && c <= 5);
}
out(`## Targets (issue 7 and issue 18)`);
out();
out(`| target | figure | status |`);
out(`|---|---|---|`);
for (const t of targets) out(`| ${t.name} | ${t.figure} | ${t.met === undefined ? "not measured" : t.met ? "**met**" : "**not met**"} |`);
out();
out(`Total bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`);

const text = lines.join("\n") + "\n";
console.log(text);
// NOTE: the file ends with `npm run bench:outbox`'s figures, recorded by hand from one of its runs
// ("## Outbox" to the end): this run does not measure them, so it carries them over unchanged.
let outbox = "";
try {
  const before = readFileSync(join(here, "results.md"), "utf8");
  const at = before.indexOf("\n## Outbox");
  if (at >= 0) outbox = before.slice(at);
} catch {
  // no earlier results.md
}
writeFileSync(join(here, "results.md"), text + outbox);
writeFileSync(join(here, "results.json"), JSON.stringify({ date, results, cold, size }, null, 1));
note(`wrote bench/results.md and bench/results.json`);
