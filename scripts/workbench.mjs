// The hookline workbench server: serves www/ and a built package directory on 127.0.0.1, runs
// the package's CLI receiver (`hookline listen`) for the live panel, and the durable sender
// (`hookline/store` on PGlite, its management API and delivery worker) for the endpoints panel.
//
//   node scripts/workbench.mjs [--port 8080] [--pkg pkg] [--secret whsec_...] [--db DIR]
//
// The sender's database is PGlite in memory, gone when the workbench stops; --db DIR keeps it
// (PGlite's files in DIR/pgdata, the sealing key in DIR/encryption.key).
//
// The browser only ever talks to this server (same origin, no CORS):
//   /                  www/ (index.html, app.mjs, style.css)
//   /hookline/...      the package directory (browser.mjs, glue.mjs, hookline_bg.wasm)
//   /api/config        the receiver's secret and paths, for the live panel
//   /api/receiver      what the receiver printed (one JSON object per webhook, from --json)
//   /live/<mode>/...   proxied to `hookline listen`; <mode> can stand in for a failing receiver:
//                      ok (always proxy), flaky (503 twice per webhook-id, then proxy),
//                      down (always 503), gone (410), limited (429 with Retry-After: 1)
//   /api/sender/...    the management API of the sender, as tenant "workbench"
//                      (/v1/tenants/workbench/...); this server adds no token: it answers
//                      loopback requests addressed to it by name only
//   /sink/<mode>/...   a receiver for the sender's endpoints, with the same modes; it verifies
//                      each delivery with the secrets the API handed out (create, rotate)
//   /api/sink          what the sink received
// SIGINT/SIGTERM close the server and stop the receiver, then exit 0.
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".md": "text/plain; charset=utf-8",
};
const MODES = new Set(["ok", "flaky", "down", "gone", "limited"]);
const FLAKY_FAILURES = 2;
const LOG_LIMIT = 200;

/** A file under `dir` for a URL path, or null (no traversal out of `dir`, files only). */
function fileUnder(dir, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const file = resolve(dir, `.${decoded.startsWith("/") ? "" : "/"}${decoded}`);
  if (file !== dir && !file.startsWith(dir + sep)) return null;
  const target = existsSync(file) && statSync(file).isDirectory() ? join(file, "index.html") : file;
  return existsSync(target) && statSync(target).isFile() ? target : null;
}

function sendFile(res, file) {
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
  createReadStream(file).pipe(res);
}

function sendJson(res, status, value) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(value));
}

/**
 * The durable sender on PGlite, in this process: the store, its management API (tenant
 * "workbench") and a delivery worker, from the package's `hookline/store`.
 */
async function startSender(pkg, dbDir) {
  const { PGlite } = await import("@electric-sql/pglite");
  const { createStore, createManagementApi } = await import(pathToFileURL(join(pkg, "store.mjs")).href);
  const { createDispatcher } = await import(pathToFileURL(join(pkg, "node.mjs")).href);
  let encryptionKey;
  let db;
  if (dbDir) {
    mkdirSync(dbDir, { recursive: true });
    const keyFile = join(dbDir, "encryption.key");
    if (!existsSync(keyFile)) writeFileSync(keyFile, Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("base64"), { mode: 0o600 });
    encryptionKey = readFileSync(keyFile, "utf8").trim();
    db = new PGlite(join(dbDir, "pgdata"));
  } else {
    encryptionKey = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("base64");
    db = new PGlite();
  }
  await db.waitReady;
  const allow = ["127.0.0.1", "localhost"];
  const store = await createStore({ db, encryptionKey, ssrf: { allow }, maxEndpointsPerOwner: 10 });
  await store.migrate();
  const dispatcher = createDispatcher({ retries: "none", resolveKeys: store.keysFor, retry: { schedule: [0, 2000, 5000, 10_000] }, ssrf: { allow }, timeoutMs: 5000, userAgent: "hookline-workbench" });
  const worker = store.startWorker(dispatcher, { concurrency: 8, idleMs: 200, onError: (e) => console.error(`workbench sender: ${e?.code ?? "error"}: ${e?.message ?? e}`) });
  const api = createManagementApi({ store, authorize: () => true });
  return {
    api,
    close: async () => {
      await worker.stop();
      await db.close();
    },
  };
}

/** A request's body, up to `limit` bytes (null past it). */
function readBody(req, limit) {
  return new Promise((resolveBody, rejectBody) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > limit) {
        req.destroy();
        resolveBody(null);
      } else chunks.push(c);
    });
    req.on("end", () => resolveBody(Buffer.concat(chunks)));
    req.on("error", rejectBody);
  });
}

/** Start `hookline listen --json` from the package and resolve once it prints its URL. */
function startReceiver(pkgDir, secret, onLine) {
  const cli = join(pkgDir, "bin", "hookline.mjs");
  if (!existsSync(cli)) throw new Error(`no CLI at ${cli}: is ${pkgDir} a built hookline package?`);
  const child = spawn(process.execPath, [cli, "listen", "--port", "0", "--secret", secret, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
  let buffered = "";
  let stderr = "";
  const ready = new Promise((resolveReady, rejectReady) => {
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop();
      for (const line of lines) {
        if (!line.trim()) continue;
        let parsed;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        if (parsed.listening) resolveReady(parsed.listening);
        else onLine(parsed);
      }
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", rejectReady);
    child.once("exit", (code, signal) => rejectReady(new Error(`hookline listen exited (${signal ?? code}) ${stderr.trim()}`)));
  });
  return { child, ready };
}

/**
 * Start the workbench. Resolves with `{ url, receiverUrl, close() }`; `close()` stops the HTTP
 * server and the receiver process.
 */
export async function startWorkbench({ port = 8080, host = "127.0.0.1", pkgDir = join(root, "pkg"), wwwDir = join(root, "www"), secret, dbDir } = {}) {
  const pkg = realpathSync(resolve(pkgDir));
  const www = realpathSync(resolve(wwwDir));
  if (!existsSync(join(pkg, "browser.mjs"))) throw new Error(`${pkg} has no browser.mjs: build the package first (npm run build)`);
  const { generateSecret, verifyWebhook } = await import(pathToFileURL(join(pkg, "node.mjs")).href);
  const receiverSecret = secret ?? generateSecret();

  const log = [];
  const flakyCounts = new Map();
  const receiver = startReceiver(pkg, receiverSecret, (entry) => {
    log.push({ seq: log.length + 1, ...entry });
    if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
  });
  let receiverUrl;
  try {
    receiverUrl = new URL(await receiver.ready);
  } catch (e) {
    receiver.child.kill("SIGTERM");
    throw e;
  }
  let receiverAlive = true;
  receiver.child.once("exit", () => (receiverAlive = false));
  let sender;
  try {
    sender = await startSender(pkg, dbDir);
  } catch (e) {
    receiver.child.kill("SIGTERM");
    throw new Error(`the sender (PGlite) did not start: ${e.message}`);
  }
  // The secrets the sender's API handed out (create, rotate), so the sink can verify.
  const sinkSecrets = [];
  const sinkLog = [];

  async function senderApi(req, res, path, search) {
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req, 1024 * 1024);
    if (body === null) return sendJson(res, 413, { code: "payload_too_large", message: "1 MiB at most" });
    const headers = req.headers["content-type"] ? { "content-type": req.headers["content-type"] } : {};
    const answer = await sender.api(new Request(`http://workbench/v1/tenants/workbench/${path}${search}`, { method: req.method, headers, body }));
    const text = await answer.text();
    if (answer.ok && text.includes('"secret"')) {
      const secret = JSON.parse(text).secret;
      if (typeof secret === "string") sinkSecrets.push(secret);
      if (sinkSecrets.length > 100) sinkSecrets.shift();
    }
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json", "cache-control": "no-store" }).end(text);
  }

  async function sink(req, res) {
    const body = await readBody(req, 1024 * 1024);
    if (body === null) return sendJson(res, 413, { code: "payload_too_large", message: "1 MiB at most" });
    const entry = { seq: (sinkLog.at(-1)?.seq ?? 0) + 1, at: new Date().toISOString(), deliveryId: req.headers["webhook-delivery-id"] ?? null };
    try {
      if (sinkSecrets.length === 0) throw Object.assign(new Error("no endpoint registered yet"), { code: "no_secret" });
      const v = verifyWebhook(body, req.headers, { secrets: sinkSecrets, scheme: "standard-webhooks" });
      Object.assign(entry, { ok: true, id: v.id, eventType: v.payload?.type ?? null });
    } catch (e) {
      Object.assign(entry, { ok: false, code: e.code ?? "error", id: req.headers["webhook-id"] ?? null });
    }
    sinkLog.push(entry);
    if (sinkLog.length > LOG_LIMIT) sinkLog.splice(0, sinkLog.length - LOG_LIMIT);
    res.writeHead(entry.ok ? 204 : 401, { "cache-control": "no-store" }).end();
  }

  function proxy(req, res, rest) {
    if (!receiverAlive) return sendJson(res, 502, { code: "receiver_down", message: "the hookline listen process is not running" });
    const headers = { ...req.headers, host: receiverUrl.host };
    delete headers.connection;
    const upstream = httpRequest({ host: receiverUrl.hostname, port: receiverUrl.port, method: req.method, path: rest, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once("error", (e) => {
      if (!res.headersSent) sendJson(res, 502, { code: "receiver_unreachable", message: e.code ?? e.message });
      else res.destroy();
    });
    req.pipe(upstream);
  }

  function live(req, res, path, deliver) {
    const [, prefix, mode = "", ...restParts] = path.split("/");
    if (!MODES.has(mode)) return sendJson(res, 404, { code: "unknown_mode", message: `use /${prefix}/{${[...MODES].join(",")}}/` });
    if (req.method !== "POST") return sendJson(res, 405, { code: "method_not_allowed", message: "POST a webhook here" });
    const rest = `/${restParts.join("/")}`;
    const fail = (status, extra = {}) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...extra });
        res.end(JSON.stringify({ code: `simulated_${status}`, message: `the workbench answered ${status} for /${prefix}/${mode}/ (the receiver was not asked)` }));
      });
    };
    if (mode === "down") return fail(503);
    if (mode === "gone") return fail(410);
    if (mode === "limited") return fail(429, { "retry-after": "1" });
    if (mode === "flaky") {
      const key = String(req.headers["webhook-delivery-id"] ?? req.headers["webhook-id"] ?? "");
      const seen = flakyCounts.get(key) ?? 0;
      if (seen < FLAKY_FAILURES) {
        flakyCounts.set(key, seen + 1);
        if (flakyCounts.size > 1000) flakyCounts.delete(flakyCounts.keys().next().value);
        return fail(503);
      }
    }
    return deliver(req, res, rest);
  }

  const server = createServer((req, res) => {
    // The page receives the receiver's secret: answer only requests addressed to this loopback
    // server by name (a DNS-rebinding page would send its own host name).
    const port = server.address()?.port;
    if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(String(req.headers.host ?? "").toLowerCase())) {
      return sendJson(res, 421, { code: "wrong_host", message: `use http://127.0.0.1:${port}/` });
    }
    let path;
    try {
      path = new URL(req.url ?? "/", "http://workbench").pathname;
    } catch {
      return sendJson(res, 400, { code: "bad_request", message: "unreadable URL" });
    }
    if (path === "/live" || path.startsWith("/live/")) return live(req, res, path, proxy);
    if (path === "/sink" || path.startsWith("/sink/")) return live(req, res, path, sink);
    if (path.startsWith("/api/sender/")) {
      const search = new URL(req.url ?? "/", "http://workbench").search;
      return senderApi(req, res, path.slice("/api/sender/".length), search).catch((e) => {
        if (!res.headersSent) sendJson(res, 500, { code: "internal", message: e.message });
        else res.destroy();
      });
    }
    if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { code: "method_not_allowed", message: "GET only" });
    if (path === "/api/config") {
      return sendJson(res, 200, { receiverSecret, livePath: "/live/", modes: [...MODES], receiverAlive });
    }
    if (path === "/api/sink") {
      const since = Number(new URL(req.url, "http://workbench").searchParams.get("since") ?? 0);
      return sendJson(res, 200, { entries: sinkLog.filter((e) => e.seq > since) });
    }
    if (path === "/api/receiver") {
      const since = Number(new URL(req.url, "http://workbench").searchParams.get("since") ?? 0);
      return sendJson(res, 200, { entries: log.filter((e) => e.seq > since) });
    }
    const file = path.startsWith("/hookline/") ? fileUnder(pkg, path.slice("/hookline".length)) : fileUnder(www, path);
    if (!file) return sendJson(res, 404, { code: "not_found", message: path });
    sendFile(res, file);
  });
  await new Promise((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(port, host, resolveListen);
  }).catch(async (e) => {
    receiver.child.kill("SIGTERM");
    await sender.close();
    throw new Error(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`);
  });
  const url = `http://${host}:${server.address().port}/`;

  let closing;
  const close = () =>
    (closing ??= (async () => {
      await new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections?.();
      });
      await sender.close();
      if (receiverAlive) {
        const exited = new Promise((r) => receiver.child.once("exit", r));
        receiver.child.kill("SIGTERM");
        const timer = setTimeout(() => receiver.child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
    })());
  // Never leave the receiver behind, even when this process exits some other way.
  process.once("exit", () => receiverAlive && receiver.child.kill("SIGKILL"));
  return { url, receiverUrl: receiverUrl.href, close };
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { port: { type: "string", short: "p" }, pkg: { type: "string" }, secret: { type: "string" }, db: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (e) {
    console.error(`workbench: ${e.message.split("\n")[0]}`);
    process.exit(2);
  }
  if (values.help) {
    console.log("usage: node scripts/workbench.mjs [--port 8080] [--pkg <package dir, default pkg/>] [--secret whsec_...] [--db DIR]\n--port 0 picks a free port; --db keeps the sender's PGlite database in DIR (default: in memory).");
    return;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("workbench: --port is 0 to 65535");
    process.exit(2);
  }
  let wb;
  try {
    wb = await startWorkbench({ port, pkgDir: values.pkg ?? join(root, "pkg"), secret: values.secret, dbDir: values.db ? resolve(values.db) : undefined });
  } catch (e) {
    console.error(`workbench: ${e.message}`);
    process.exit(1);
  }
  console.log(`hookline workbench: ${wb.url}`);
  console.log(`  live receiver: hookline listen on ${wb.receiverUrl}, proxied at ${wb.url}live/ok/ (Ctrl-C to stop)`);
  console.log(`  sender: hookline/store on PGlite (${values.db ? resolve(values.db) : "in memory"}), its API at ${wb.url}api/sender/, endpoints panel at ${wb.url}#endpoints`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await wb.close();
    console.log("workbench stopped");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await main();
