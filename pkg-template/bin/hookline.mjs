#!/usr/bin/env node
// hookline: sign, verify, send and receive webhooks from the command line (Node >= 20).
// Every error is one line on stderr and a non-zero exit; --json prints machine-readable output.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import * as hookline from "../node.mjs";

const HELP = {
  main: `hookline: webhook signing, verification and delivery

usage: hookline <command> [options]

commands:
  listen   run a receiver on 127.0.0.1 that verifies and prints every webhook
  send     build, sign and deliver an event, retrying per policy
  sign     print the signature headers for a payload (file or stdin)
  verify   check a saved request (headers file + body file) and say why it fails
  secret   generate a whsec_ secret or a whsk_/whpk_ key pair
  serve    the management API and the delivery worker on PostgreSQL or PGlite

run "hookline <command> --help" for a command's options`,
  serve: `usage: hookline serve --db <postgres URL | directory for PGlite> [--port 8788] [--schedule 0,1s,5s | --retry standard-webhooks] [--allow-targets 127.0.0.1,10.0.0.0/8] [--max-endpoints 50] [--lease 60s]

Runs the management API (/v1/tenants/{tenant}/...) on 127.0.0.1 and the delivery worker in one
process, on PostgreSQL (the "pg" package) or PGlite in a directory (the "@electric-sql/pglite"
package); install the one you use beside hookline. HOOKLINE_API_TOKEN (16+ characters) is the
bearer token; HOOKLINE_ENCRYPTION_KEY (32 bytes, base64) seals the endpoint secrets. Migrations
are applied at start. SIGTERM or Ctrl-C stops claiming, lets attempts in flight finish and exits;
a process killed outright loses nothing (claimed deliveries are due again when their lease ends,
--lease after the claim: at least 2s, and each attempt's timeout is kept under half of it).`,
  listen: `usage: hookline listen [--port 8787] [--secret S ...] [--public-key K ...] [--scheme auto] [--forward URL] [--tolerance 300] [--json]

Receives on 127.0.0.1, verifies each request (scheme detected from the headers unless --scheme),
prints one block per webhook: time, scheme, id, event type, verdict (with the error code when
rejected) and the JSON body. Answers 204 when verified, 401 otherwise. --forward passes verified
requests on to URL unchanged. --port 0 picks a free port. Ctrl-C stops it.`,
  send: `usage: hookline send --url URL --secret S --type TYPE [--data JSON | --data-file F] [--scheme standard-webhooks] [--retry svix|standard-webhooks|none] [--timeout 15000] [--allow-private] [--json]

Builds an envelope, signs it and delivers it with the dispatcher, printing each attempt (status,
latency, next retry) and a summary. Exits 1 when delivery gives up. --allow-private lets the SSRF
guard pass loopback and private targets (for local receivers).`,
  sign: `usage: hookline sign --secret S [--scheme standard-webhooks] [--id ID] [--timestamp UNIX] [--file F] [--json]

Prints the headers that sign the payload read from --file or stdin, as "name: value" lines (or
JSON with --json).`,
  verify: `usage: hookline verify --headers FILE --body FILE (--secret S | --public-key K) [--scheme auto] [--tolerance 300] [--now UNIX] [--json]

FILE for --headers holds "Name: value" lines (as curl -D writes them) or a JSON object. Exits 0
when the request verifies, 1 with the error code and a hint when it does not.`,
  secret: `usage: hookline secret [--type whsec|whsk] [--json]

whsec (default): a Standard Webhooks secret of 32 random bytes. whsk: an ed25519 key pair for
Standard Webhooks v1a (the whsk_ secret key, the whpk_ public key and its hex form).`,
};

class CliError extends Error {}

function fail(message, json) {
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  else process.stderr.write(`hookline: ${message}\n`);
  process.exit(2);
}

function parse(command, options) {
  try {
    return parseArgs({ args: process.argv.slice(3), options: { help: { type: "boolean", short: "h" }, json: { type: "boolean" }, ...options }, allowPositionals: false }).values;
  } catch (e) {
    throw new CliError(`${e.message.split("\n")[0]} (see hookline ${command} --help)`);
  }
}

function keysFrom(v) {
  const keys = {};
  if (v.secret?.length) keys.secrets = v.secret;
  if (v["public-key"]?.length) keys.publicKeys = v["public-key"];
  if (!keys.secrets && !keys.publicKeys) throw new CliError("--secret or --public-key is required");
  return keys;
}

function readHeaders(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return JSON.parse(trimmed);
  const headers = {};
  for (const line of trimmed.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at <= 0 || /^HTTP\//i.test(line)) continue;
    const name = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

function errorLine(e) {
  return `${e.code ?? "error"}: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ""}`;
}

function readStdin() {
  try {
    return readFileSync(0);
  } catch {
    return Buffer.alloc(0);
  }
}

async function cmdSecret(v) {
  if ((v.type ?? "whsec") === "whsec") {
    const secret = hookline.generateSecret();
    console.log(v.json ? JSON.stringify({ secret }) : secret);
  } else if (v.type === "whsk") {
    const pair = hookline.generateKeyPair();
    console.log(v.json ? JSON.stringify(pair) : `secret key: ${pair.secretKey}\npublic key: ${pair.publicKey}\npublic key (hex): ${pair.publicKeyHex}`);
  } else throw new CliError("--type is whsec or whsk");
}

async function cmdSign(v) {
  if (!v.secret) throw new CliError("--secret is required");
  const payload = v.file ? readFileSync(v.file) : readStdin();
  const headers = hookline.signHeaders({
    secret: v.secret,
    scheme: v.scheme,
    payload: new Uint8Array(payload),
    ...(v.id ? { id: v.id } : {}),
    ...(v.timestamp ? { timestamp: Number(v.timestamp) } : {}),
  });
  console.log(v.json ? JSON.stringify(headers) : Object.entries(headers).map(([k, x]) => `${k}: ${x}`).join("\n"));
}

async function cmdVerify(v) {
  if (!v.headers || !v.body) throw new CliError("--headers and --body are required");
  const headers = readHeaders(readFileSync(v.headers, "utf8"));
  const body = new Uint8Array(readFileSync(v.body));
  const options = keysFrom(v);
  if (v.scheme && v.scheme !== "auto") options.scheme = v.scheme;
  if (v.tolerance) options.tolerance = Number(v.tolerance);
  if (v.now) options.now = Number(v.now);
  try {
    const r = hookline.verifyWebhook(body, headers, options);
    if (v.json) console.log(JSON.stringify({ ok: true, ...r }));
    else console.log(`verified: ${r.scheme}, key ${r.keyId}${r.id ? `, id ${r.id}` : ""}${r.eventType ? `, event ${r.eventType}` : ""}${r.timestamp ? `, signed ${new Date(r.timestamp * 1000).toISOString()}` : ""}`);
  } catch (e) {
    if (!e.code) throw e;
    if (v.json) console.log(JSON.stringify({ ok: false, code: e.code, message: e.message, hint: e.hint }));
    else console.log(`rejected: ${errorLine(e)}`);
    process.exitCode = 1;
  }
}

async function cmdListen(v) {
  const verifier = new hookline.Verifier({ ...keysFrom(v), ...(v.scheme && v.scheme !== "auto" ? { scheme: v.scheme } : {}), ...(v.tolerance ? { tolerance: Number(v.tolerance) } : {}) });
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const at = new Date().toISOString();
      let result;
      try {
        const r = verifier.verify(body, req.headers);
        result = { ok: true, at, scheme: r.scheme, id: r.id, eventType: r.eventType ?? r.payload?.type, keyId: r.keyId, payload: r.payload };
      } catch (e) {
        result = { ok: false, at, code: e.code ?? "error", message: e.message, hint: e.hint, bytes: body.length };
      }
      if (v.json) console.log(JSON.stringify(result));
      else if (result.ok) {
        console.log(`\n${at}  ${req.method} ${req.url}  VERIFIED (${result.scheme}, key ${result.keyId})`);
        if (result.id) console.log(`  id:    ${result.id}`);
        if (result.eventType) console.log(`  event: ${result.eventType}`);
        console.log(typeof result.payload === "string" ? result.payload : JSON.stringify(result.payload, null, 2).replace(/^/gm, "  "));
      } else {
        console.log(`\n${at}  ${req.method} ${req.url}  REJECTED ${result.code}: ${result.message}${result.hint ? `\n  hint: ${result.hint}` : ""}`);
      }
      if (result.ok && v.forward) {
        try {
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "content-length", "connection"].includes(k)));
          const f = await fetch(v.forward, { method: "POST", headers, body, redirect: "manual" });
          console.log(`  forwarded to ${v.forward}: HTTP ${f.status}`);
        } catch (e) {
          console.log(`  forward to ${v.forward} failed: ${e.message}`);
        }
      }
      res.writeHead(result.ok ? 204 : 401, result.ok ? {} : { "content-type": "application/json" }).end(result.ok ? undefined : JSON.stringify({ code: result.code }));
    });
  });
  const port = v.port === undefined ? 8787 : Number(v.port);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  }).catch((e) => {
    throw new CliError(`cannot listen on 127.0.0.1:${port}: ${e.code ?? e.message}`);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  if (v.json) console.log(JSON.stringify({ listening: url }));
  else console.log(`hookline listening on ${url} (Ctrl-C to stop)`);
  const stop = () => {
    server.close();
    server.closeAllConnections?.();
    if (!v.json) console.log("\nstopped");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function cmdSend(v) {
  if (!v.url || !v.secret || !v.type) throw new CliError("--url, --secret and --type are required");
  let data = {};
  try {
    if (v["data-file"]) data = JSON.parse(readFileSync(v["data-file"], "utf8"));
    else if (v.data) data = JSON.parse(v.data);
  } catch (e) {
    throw new CliError(`--data is not JSON: ${e.message}`);
  }
  const retry = v.retry === "none" ? { schedule: [0] } : v.retry ?? "standard-webhooks";
  const dispatcher = createDispatcherFor(v, retry);
  const summary = await dispatcher.dispatch({ type: v.type, data }, [{ id: "cli", url: v.url, secret: v.secret, scheme: v.scheme }]);
  const last = summary.records[summary.records.length - 1];
  if (v.json) console.log(JSON.stringify({ ok: summary.delivered === 1, eventId: summary.eventId, attempts: summary.records.length, outcome: last?.outcome, status: last?.status }));
  else console.log(`\n${summary.delivered ? "delivered" : "gave up"}: event ${summary.eventId}, ${summary.records.length} attempt(s), last outcome ${last?.outcome}${last?.status ? ` (HTTP ${last.status})` : ""}`);
  if (!summary.delivered) process.exitCode = 1;
}

function createDispatcherFor(v, retry) {
  return hookline.createDispatcher({
    retry,
    timeoutMs: v.timeout ? Number(v.timeout) : 15_000,
    concurrency: 1,
    ssrf: v["allow-private"] ? { allow: ["127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "localhost"] } : {},
    userAgent: "hookline-cli",
    onAttempt: (r) => {
      if (v.json) return;
      const result = r.status ? `HTTP ${r.status}` : r.error;
      console.log(`attempt ${r.attempt}: ${result} in ${r.durationMs} ms -> ${r.outcome}${r.nextRetryAt ? `, next at ${r.nextRetryAt}` : ""}`);
    },
  });
}

/** "0,1s,5s,2m" as milliseconds. */
function scheduleFrom(text) {
  const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return text.split(",").map((part) => {
    const m = /^\s*(\d+)(ms|s|m|h|d)?\s*$/.exec(part);
    if (!m) throw new CliError(`--schedule: "${part}" is not a delay such as 0, 500ms, 5s, 2m, 1h`);
    return Number(m[1]) * units[m[2] ?? "ms"];
  });
}

async function openDatabase(target) {
  if (/^postgres(ql)?:\/\//.test(target)) {
    const pg = await import("pg").catch(() => null);
    if (!pg) throw new CliError('--db is a PostgreSQL URL: install the "pg" package beside hookline');
    const pool = new (pg.default ?? pg).Pool({ connectionString: target, max: 10 });
    return { db: pool, close: () => pool.end() };
  }
  const lite = await import("@electric-sql/pglite").catch(() => null);
  if (!lite) throw new CliError('--db is a directory: install the "@electric-sql/pglite" package beside hookline');
  const db = new lite.PGlite(target);
  await db.waitReady;
  return { db, close: () => db.close() };
}

async function cmdServe(v) {
  if (!v.db) throw new CliError("--db is required: a postgres:// URL, or a directory for PGlite");
  const token = process.env.HOOKLINE_API_TOKEN;
  const encryptionKey = process.env.HOOKLINE_ENCRYPTION_KEY;
  if (!token || token.length < 16) throw new CliError("HOOKLINE_API_TOKEN must be set to a bearer token of 16 or more characters");
  if (!encryptionKey) throw new CliError("HOOKLINE_ENCRYPTION_KEY must be set to 32 random bytes in base64 (it seals the endpoint secrets)");
  const allow = v["allow-targets"] ? v["allow-targets"].split(",").map((t) => t.trim()).filter(Boolean) : [];
  const retry = v.schedule ? { schedule: scheduleFrom(v.schedule) } : v.retry ?? "standard-webhooks";
  const { createStore, createManagementApi, nodeListener } = await import("../store.mjs");
  const { db, close } = await openDatabase(v.db);
  const store = await createStore({ db, encryptionKey, ssrf: { allow }, maxEndpointsPerOwner: v["max-endpoints"] ? Number(v["max-endpoints"]) : undefined });
  const applied = await store.migrate();
  const api = createManagementApi({ store, token });
  const [leaseMs] = v.lease ? scheduleFrom(v.lease) : [60_000];
  if (v.lease && (v.lease.includes(",") || leaseMs < 2000)) throw new CliError("--lease: one duration of at least 2s, such as 30s or 2m");
  // An attempt must end well inside its lease, or a second worker could take the delivery.
  const timeoutMs = Math.min(15_000, Math.floor(leaseMs / 2));
  const dispatcher = hookline.createDispatcher({ retries: "none", retry, resolveKeys: store.keysFor, ssrf: { allow }, concurrency: 32, timeoutMs, userAgent: "hookline-serve" });
  const server = createServer(nodeListener(api));
  await new Promise((resolve) => server.listen(Number(v.port ?? 8788), "127.0.0.1", resolve));
  console.log(`hookline serve: API on http://127.0.0.1:${server.address().port}/v1/tenants/{tenant}/, worker running${applied.length ? ` (migrations applied: ${applied.join(", ")})` : ""}`);
  const worker = store.startWorker(dispatcher, {
    concurrency: 32,
    leaseMs,
    onError: (e) => console.error(`hookline serve: worker: ${e?.code ?? "error"}: ${e?.message ?? e}`),
  });
  await new Promise((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, resolve);
  });
  // Drain: no new claims or requests; the attempts in flight finish and are recorded.
  server.close();
  server.closeAllConnections?.();
  await worker.stop();
  await close();
  console.log("hookline serve: stopped");
}

const commands = {
  serve: [cmdServe, { db: { type: "string" }, port: { type: "string", short: "p" }, schedule: { type: "string" }, retry: { type: "string" }, "allow-targets": { type: "string" }, "max-endpoints": { type: "string" }, lease: { type: "string" } }],
  listen: [cmdListen, { port: { type: "string", short: "p" }, secret: { type: "string", multiple: true }, "public-key": { type: "string", multiple: true }, scheme: { type: "string" }, forward: { type: "string" }, tolerance: { type: "string" } }],
  send: [cmdSend, { url: { type: "string" }, secret: { type: "string" }, type: { type: "string" }, data: { type: "string" }, "data-file": { type: "string" }, scheme: { type: "string" }, retry: { type: "string" }, timeout: { type: "string" }, "allow-private": { type: "boolean" } }],
  sign: [cmdSign, { secret: { type: "string" }, scheme: { type: "string" }, id: { type: "string" }, timestamp: { type: "string" }, file: { type: "string" } }],
  verify: [cmdVerify, { headers: { type: "string" }, body: { type: "string" }, secret: { type: "string", multiple: true }, "public-key": { type: "string", multiple: true }, scheme: { type: "string" }, tolerance: { type: "string" }, now: { type: "string" } }],
  secret: [cmdSecret, { type: { type: "string" } }],
};

const name = process.argv[2];
if (!name || name === "--help" || name === "-h" || name === "help") {
  console.log(HELP.main);
  process.exit(name ? 0 : 2);
}
const entry = commands[name];
const json = process.argv.includes("--json");
if (!entry) fail(`unknown command "${name}" (see hookline --help)`, json);
try {
  const values = parse(name, entry[1]);
  if (values.help) {
    console.log(HELP[name]);
  } else {
    await entry[0](values);
  }
} catch (e) {
  fail(e instanceof CliError ? e.message : e.code ? errorLine(e) : `${e.message}`, json);
}
