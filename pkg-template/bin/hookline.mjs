#!/usr/bin/env node
// hookline: sign, verify, send, receive and replay webhooks from the command line (Node >= 20).
// Every error is one line on stderr and a non-zero exit; --json prints machine-readable output.
// This file does I/O only: what a signature, a retry schedule or a target means is the library's.
import { isUtf8 } from "node:buffer";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { parseArgs } from "node:util";
// The package by its own name (Node resolves a package's self-reference through its exports).
import * as hookline from "hookline";

const KEY_USAGE = "[--secret S ... | --secret-file F ... | env HOOKLINE_SECRET] [--public-key K ...]";
const HELP = {
  main: `hookline: webhook signing, verification and delivery

usage: hookline <command> [options]
       hookline --version

commands:
  listen   run a receiver on 127.0.0.1 that verifies (or just shows) and prints every request
  send     build (or take as is), sign and deliver an event, retrying briefly
  replay   send a request saved by "listen --save" again, byte for byte
  sign     print the signature headers for a payload (file or stdin)
  verify   check a saved request (headers file + body file, or a saved .http file) and say why it fails
  secret   generate a whsec_ secret or a whsk_/whpk_ key pair
  serve    the management API and the delivery worker on PostgreSQL or PGlite
  conformance  run the published vectors (hookline/vectors) against hookline and the peer SDKs installed here

Secrets: --secret S, --secret-file F (one secret per line; # starts a comment) or the environment
variable HOOKLINE_SECRET (read when neither option is given). A secret is never printed back.

run "hookline <command> --help" for a command's options`,
  serve: `usage: hookline serve --db <postgres URL | directory for PGlite> [--port 8788] [--host 127.0.0.1] [--concurrency 32] [--schedule 0,1s,5s | --retry <preset | policy.json>] [--allow-targets 127.0.0.1,10.0.0.0/8] [--max-endpoints 50,acme=500,trial=5] [--operator-url URL] [--lease 60s] [--grace 24h] [--max-block 1h]

Runs the management API (/v1/tenants/{tenant}/...) and the delivery worker in one process, on
PostgreSQL (the "pg" package) or PGlite in a directory (the "@electric-sql/pglite" package;
one process per directory: a second serve on it refuses to start); install the one you use
beside hookline. HOOKLINE_API_TOKEN (16+ characters) is the bearer token;
HOOKLINE_ENCRYPTION_KEY (32 bytes, base64) seals the endpoint secrets, and serve refuses to
start when it does not open the secrets already stored. Migrations are applied at start.
--host is the address to listen on (default 127.0.0.1; 0.0.0.0 or :: for every interface).
--concurrency is how many attempts are in flight at once (1 to 1000, default 32; at most half
of them to one endpoint).
--schedule is the wait before each attempt, counted from the end of the one before (0,1s,5s:
three attempts, the second 1 s after the first failed); every wait but 0 needs its unit (ms,
s, m, h, d). --retry is a preset (standard-webhooks, the default: 10 attempts over 3 days;
svix) or a JSON file holding a retry policy ({"schedule": [0, 5000, 60000]}, {"exponential":
{...}}, {"preset": "svix", "maxAttempts": 5}), checked at start.
--max-endpoints is each tenant's endpoint cap: a number for every tenant (default 50) and
tenant=n for chosen ones (--max-endpoints 50,acme=500,trial=5).
--grace is how long a rotated-out secret keeps signing beside the new one (default 24h;
rotate-secret with {"graceMs": 0} ends it at once).
--max-block is how long the head of an ordered endpoint's key may keep failing before it is
given up so the rest of the key can go (default 1h).
--operator-url URL: every change of an endpoint's state (endpoint.failing: its failures
reached 50, 70 or 90 % of the 5 days after which it is disabled; endpoint.disabled;
endpoint.enabled; endpoint.recovered) is delivered there as a webhook signed with
HOOKLINE_OPERATOR_SECRET (a whsec_ secret), through the same outbox, retries and log as any
delivery; the URL is yours, so loopback and private addresses are allowed for it alone.
GET /v1/openapi.json is the API's OpenAPI document; POST /v1/tenants/{tenant}/tokens (with
HOOKLINE_API_TOKEN) makes a tenant token, and /portal/#tenant=<tenant>&token=<token> is the
page for that tenant's customers.
GET /health answers the readiness verdict as JSON (database reachable, keys open, worker
alive, age of the oldest due delivery): 200 when ready (status ok or degraded), 503 when not.
GET /metrics answers the Prometheus text format (install "prom-client" beside hookline).
Neither needs the token: keep the port on a private network. A lost database connection is
logged and retried, never fatal. SIGTERM or Ctrl-C stops claiming, lets attempts in flight
finish and exits; a process killed outright loses nothing (its attempts are recorded as
unknown and made again when their lease ends, --lease after the claim: at least 2s, and each
attempt's timeout is kept under half of it). The SSRF guard is on: endpoint URLs come from
API callers (--allow-targets widens it).`,
  listen: `usage: hookline listen [--port 8787] ${KEY_USAGE} [--scheme auto] [--tolerance 300] [--forward URL] [--timeout 30000] [--max-body 4mb] [--save DIR] [--json]

Receives on 127.0.0.1 and prints one block per request: time, method, path, then
  with keys: the verdict (scheme, id, event type and which key matched, or the error code, its
    hint, the headers and the first 4 KiB of the body when rejected); answers 204 when verified
    and 401 with {"code": ...} otherwise;
  without keys (inspect mode): the headers and the first 4 KiB of the body, marked NOT VERIFIED;
    answers 204.
--forward URL passes each verified request (every request in inspect mode) on to URL with the
same method, headers and body bytes, and answers the sender with the app's own status, headers
and body: a 503 from the app is a 503 to the sender, so the sender retries. When the app cannot
be reached the answer is 502 ({"code":"forward_failed"}), when it does not answer within
--timeout ms 504 ({"code":"forward_timeout"}).
--max-body (bytes, or with kb/mb; default 4mb): a larger request is answered 413
({"code":"payload_too_large"}) and its connection closed without reading the rest.
--save DIR writes each request whose body was read to DIR as an HTTP/1.1 message (request
line, headers, blank line, the body bytes); "hookline replay FILE --to URL" sends it again.
Authorization and Cookie values are hidden in what is printed (not in saved files).
--port 0 picks a free port. Ctrl-C stops it.`,
  send: `usage: hookline send --url URL ${KEY_USAGE.replace(" [--public-key K ...]", "")} --type TYPE [--data JSON | --data-file F] [--raw] [--scheme standard-webhooks] [--schedule 0,1s,5s | --retry standard-webhooks|svix|none] [--max-attempts N] [--timeout 15000] [--guard] [--json]

Builds an envelope ({"id", "type", "timestamp", "data"}) around --data, signs it and delivers it,
printing each attempt (status, latency, outcome, next retry, the start of the response body) and
a summary; exits 1 when delivery gives up.
--raw sends the --data or --data-file text as it is, no envelope (UTF-8 text), signed with
--scheme: e.g. a Stripe fixture with --scheme stripe, a GitHub one with --scheme github.
Retries: by default 4 attempts, waiting 1 s, 2 s and 4 s (--max-attempts N: N attempts, each
wait doubling up to 10 s). --schedule gives the wait before each attempt (0,1s,5s: three
attempts); --retry a published schedule (standard-webhooks: 10 attempts over 3 days; svix;
none: one attempt); --max-attempts N stops either after N attempts.
The URL you type is trusted: loopback and private addresses are allowed (a note on stderr says
what the guard would have refused). --guard keeps the SSRF guard on, as the library's dispatcher and "hookline serve" do for
URLs that come from elsewhere. (--allow-private is accepted and does nothing: it is the default.)
--json prints one JSON line per attempt as it happens, then the summary line.`,
  replay: `usage: hookline replay FILE --to URL [--timeout 15000] [--json]

Sends a request saved by "hookline listen --save DIR" to URL again, byte for byte: the same
method, headers (signature headers included) and body bytes; only Host, Content-Length and
Connection are the new connection's own. Prints the status and the start of the response body;
exits 0 for a 2xx answer, 1 otherwise. A signature's timestamp is not renewed: a receiver
with a tolerance rejects a replay older than that (hookline's default: 5 minutes).`,
  sign: `usage: hookline sign ${KEY_USAGE.replace(" [--public-key K ...]", "")} [--scheme standard-webhooks] [--id ID] [--timestamp UNIX] [--file F] [--json]

Prints the headers that sign the payload read from --file or stdin, as "name: value" lines (or
JSON with --json). Several secrets give one signature each (key rotation).`,
  verify: `usage: hookline verify (--headers FILE --body FILE | --request FILE) ${KEY_USAGE} [--scheme auto] [--tolerance 300] [--now UNIX] [--json]

FILE for --headers holds "Name: value" lines (as curl -D writes them) or a JSON object; --request
is a request saved by "hookline listen --save". Exits 0 when the request verifies, 1 with the
error code and a hint when it does not.`,
  conformance: `usage: hookline conformance [--peer NAME ...] [--vectors FILE] [--json]

Runs the conformance vectors published as hookline/vectors (positive and negative cases for every
scheme, each tagged with the bug class it targets: tolerance checked one way only, seconds vs
milliseconds, whsec_ prefix, rotation, legacy SHA-1 ...) through hookline and through each peer
SDK installed in the current project's node_modules: standardwebhooks, svix, stripe and
@octokit/webhooks-methods (--peer chooses among them; default all four). Prints a row per
verifier (cases run, passed, failed, not applicable), passed/run per scheme, and the failed cases
by bug class. A peer that is not installed, a scheme it does not implement or an option it lacks
is shown as not applicable, never as passed. --vectors runs another file of the same format.
Exits 1 when hookline itself fails a case; a peer's failures are reported, not fatal.`,
  secret: `usage: hookline secret [--type whsec|whsk] [--json]

whsec (default): a Standard Webhooks secret of 32 random bytes. whsk: an ed25519 key pair for
Standard Webhooks v1a (the whsk_ secret key, the whpk_ public key and its hex form).`,
};

// What is shown of a body in a printed block (rejected or inspected); --save keeps it all.
const SHOWN_BODY_BYTES = 4096;
const DEFAULT_MAX_BODY = 4 * 1024 * 1024;
// Headers that belong to one connection, not to the request: never forwarded nor replayed.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect"]);
// Header values not printed (they are often credentials of the sender's own).
const HIDDEN = new Set(["authorization", "proxy-authorization", "cookie"]);

class CliError extends Error {}

function fail(message, json) {
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  else process.stderr.write(`hookline: ${message}\n`);
  process.exit(2);
}

/**
 * The command's options. A parse error names the option at fault but never quotes a value or a
 * stray argument: that is where a secret pasted in the wrong place would be printed back.
 */
function parse(command, options, positionals = false) {
  try {
    const { values, positionals: rest } = parseArgs({ args: process.argv.slice(3), options: { help: { type: "boolean", short: "h" }, json: { type: "boolean" }, ...options }, allowPositionals: positionals });
    return { ...values, _: rest };
  } catch (e) {
    const see = `(see hookline ${command} --help)`;
    if (e.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new CliError(`unexpected argument: hookline ${command} takes values only after their --option ${see}`);
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const name = /^Unknown option '(--?[A-Za-z][A-Za-z0-9-]{0,39})'/.exec(e.message)?.[1];
      throw new CliError(`unknown option${name ? ` ${name}` : ""} ${see}`);
    }
    // node:util's other messages name the option and its expected form, not the value given.
    throw new CliError(`${e.message.split("\n")[0]} ${see}`);
  }
}

/** Why a file could not be read, without Node's "ENOENT: ..., open 'path'" form. */
function fileProblem(e) {
  return { ENOENT: "no such file", EACCES: "permission denied", EISDIR: "it is a directory", ENOTDIR: "a part of the path is not a directory" }[e?.code] ?? e?.code ?? "unreadable";
}

/** A file's bytes; `what` names it in the error. `quiet` leaves its path out (--secret-file). */
function readBytes(file, what, quiet = false) {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read ${what}${quiet ? "" : ` ${file}`}: ${fileProblem(e)}`);
  }
}

/** Secrets from --secret, --secret-file (one per line), else HOOKLINE_SECRET. */
function secretsFrom(v) {
  const list = [...(v.secret ?? [])];
  for (const file of v["secret-file"] ?? []) {
    const lines = readBytes(file, "the --secret-file", true)
      .toString("utf8")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    if (lines.length === 0) throw new CliError("the --secret-file holds no secret (one per line; # starts a comment)");
    list.push(...lines);
  }
  if (list.length === 0 && process.env.HOOKLINE_SECRET?.trim()) list.push(process.env.HOOKLINE_SECRET.trim());
  return list;
}

/** Keys named so that a verdict says "the secret" or "secret 2", never where they sat in a list. */
function named(list, what) {
  return list.map((key, i) => ({ id: list.length === 1 ? what : `${what} ${i + 1}`, key }));
}

/** A verifier's keys, or null when none were given (`required`: an error instead). */
function keysFrom(v, required = true) {
  const secrets = secretsFrom(v);
  const publicKeys = v["public-key"] ?? [];
  if (secrets.length === 0 && publicKeys.length === 0) {
    if (required) throw new CliError("a key is required: --secret, --secret-file, HOOKLINE_SECRET or --public-key");
    return null;
  }
  const keys = {};
  if (secrets.length) keys.secrets = named(secrets, "secret");
  if (publicKeys.length) keys.publicKeys = named(publicKeys, "public key");
  return keys;
}

/** A signer's keys: one secret, or several during a rotation (one signature each). */
function signingKeys(v) {
  const secrets = secretsFrom(v);
  if (secrets.length === 0) throw new CliError("a secret is required: --secret, --secret-file or HOOKLINE_SECRET");
  return secrets.length === 1 ? { secret: secrets[0] } : { secrets };
}

/** "the secret", "secret 2", "public key 1": a verdict's keyId as a person reads it. */
const keyLabel = (keyId) => (/\d$/.test(keyId) ? keyId : `the ${keyId}`);

function readHeaders(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      throw new CliError("--headers starts with { but is not JSON");
    }
  }
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

/** "4mb", "512kb", "1048576" as bytes. */
function sizeFrom(text, option) {
  const m = /^\s*(\d+)\s*(b|kb?|kib|mb?|mib)?\s*$/i.exec(text);
  const unit = { b: 1, k: 1024, kb: 1024, kib: 1024, m: 1048576, mb: 1048576, mib: 1048576 }[(m?.[2] ?? "b").toLowerCase()];
  const n = m ? Number(m[1]) * unit : NaN;
  if (!(n >= 1 && n <= 1024 * 1048576)) throw new CliError(`${option}: a size from 1 byte to 1024mb, such as 65536, 512kb or 4mb`);
  return n;
}

/** A whole number from `min` to `max`. */
function wholeFrom(text, option, min, max) {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new CliError(`${option}: a whole number from ${min} to ${max}`);
  return n;
}

/** Text safe for a terminal: control characters (escape sequences included) shown as \uXXXX. */
function printable(text, keepNewlines = false) {
  const pattern = keepNewlines ? /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g : /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
  return text.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The first SHOWN_BODY_BYTES of a body, as text when it is UTF-8, else base64. */
function bodyPreview(body) {
  const shown = body.subarray(0, SHOWN_BODY_BYTES);
  const truncated = body.length > shown.length;
  // A cut can split a character: the whole body decides whether it is text.
  if (isUtf8(body)) return { text: new TextDecoder().decode(shown), bytes: body.length, truncated };
  return { base64: shown.toString("base64"), bytes: body.length, truncated };
}

function previewLines(body) {
  const p = bodyPreview(body);
  const what = p.truncated ? `first ${SHOWN_BODY_BYTES} of ${p.bytes} bytes` : `${p.bytes} bytes`;
  if (p.bytes === 0) return ["  body: (empty)"];
  if (p.text !== undefined) return [`  body (${what}):`, printable(p.text, true).replace(/^/gm, "    ")];
  return [`  body (${what}, not UTF-8; base64):`, `    ${p.base64}`];
}

/** Header name/value pairs from a raw list ([name, value, name, value, ...]). */
function pairsOf(raw) {
  const pairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
  return pairs;
}

/** The pairs a request carries end to end: hop-by-hop headers and those Connection names dropped. */
function endToEnd(pairs) {
  const named = new Set(pairs.filter(([k]) => k.toLowerCase() === "connection").flatMap(([, v]) => v.split(",").map((t) => t.trim().toLowerCase())));
  return pairs.filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()) && !named.has(k.toLowerCase()));
}

const shownValue = (name, value) => (HIDDEN.has(name.toLowerCase()) ? `(hidden, ${value.length} characters)` : value);

function headerLines(pairs) {
  return ["  headers:", ...pairs.map(([k, v]) => `    ${printable(k)}: ${printable(shownValue(k, v))}`)];
}

function headerObject(pairs) {
  const out = {};
  for (const [k, v] of pairs) {
    const name = k.toLowerCase();
    const value = shownValue(k, v);
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

/**
 * One HTTP exchange: `body` sent to `url` with exactly `pairs` as headers (plus Host,
 * Content-Length and Connection, in that order around them), the answer read up to `maxBytes`. Resolves to
 * `{ status, pairs, body }` or `{ error, timedOut }`; never rejects.
 */
function exchange(url, method, pairs, body, { timeoutMs, maxBytes }) {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  // NOTE: with headers given as a list, Node adds no Host header of its own.
  const headers = ["host", url.host, ...pairs.flat(), "content-length", String(body.length)];
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value) => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    const signal = AbortSignal.timeout(timeoutMs);
    let out;
    try {
      out = send(url, { method, headers, signal, agent: false }, (res) => {
        const chunks = [];
        let size = 0;
        res.on("data", (c) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            settle({ error: `the answer is larger than ${maxBytes} bytes` });
          } else chunks.push(c);
        });
        res.on("end", () => settle({ status: res.statusCode, pairs: pairsOf(res.rawHeaders), body: Buffer.concat(chunks) }));
        res.on("error", (e) => settle({ error: e.code ?? e.message, timedOut: signal.aborted }));
      });
    } catch (e) {
      // A header the HTTP client refuses (a saved file edited by hand).
      return settle({ error: e.code ?? e.message });
    }
    out.on("error", (e) => settle({ error: signal.aborted ? `no answer within ${timeoutMs} ms` : e.code ?? e.message, timedOut: signal.aborted }));
    // A 101 is no answer to forward (Node hands it to "upgrade", not to the callback above).
    out.on("upgrade", (res, socket) => {
      socket.destroy();
      settle({ error: `the app answered ${res.statusCode} Switching Protocols, which is not forwarded` });
    });
    // Whatever else keeps the exchange open, the timeout ends it.
    signal.addEventListener("abort", () => {
      out.destroy();
      settle({ error: `no answer within ${timeoutMs} ms`, timedOut: true });
    });
    out.end(body);
  });
}

/** An http: or https: URL given to `option`. */
function httpUrl(text, option) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`${option} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`${option} must be an http: or https: URL`);
  return url;
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
  const payload = v.file ? readBytes(v.file, "--file") : readStdin();
  const headers = hookline.signHeaders({
    ...signingKeys(v),
    scheme: v.scheme,
    payload: new Uint8Array(payload),
    ...(v.id ? { id: v.id } : {}),
    ...(v.timestamp ? { timestamp: Number(v.timestamp) } : {}),
  });
  console.log(v.json ? JSON.stringify(headers) : Object.entries(headers).map(([k, x]) => `${k}: ${x}`).join("\n"));
}

async function cmdVerify(v) {
  let headers;
  let body;
  if (v.request) {
    const saved = readSaved(v.request);
    headers = Object.fromEntries(saved.pairs.map(([k]) => [k.toLowerCase(), []]));
    for (const [k, x] of saved.pairs) headers[k.toLowerCase()].push(x);
    for (const k of Object.keys(headers)) headers[k] = headers[k].join(", ");
    body = saved.body;
  } else {
    if (!v.headers || !v.body) throw new CliError("--headers and --body (or --request) are required");
    headers = readHeaders(readBytes(v.headers, "--headers").toString("utf8"));
    body = readBytes(v.body, "--body");
  }
  const options = keysFrom(v);
  if (v.scheme && v.scheme !== "auto") options.scheme = v.scheme;
  if (v.tolerance) options.tolerance = Number(v.tolerance);
  if (v.now) options.now = Number(v.now);
  try {
    const r = hookline.verifyWebhook(new Uint8Array(body), headers, options);
    if (v.json) console.log(JSON.stringify({ ok: true, ...r }));
    else console.log(`verified: ${r.scheme}, ${keyLabel(r.keyId)}${r.id ? `, id ${r.id}` : ""}${r.eventType ? `, event ${r.eventType}` : ""}${r.timestamp ? `, signed ${new Date(r.timestamp * 1000).toISOString()}` : ""}`);
  } catch (e) {
    if (!e.code) throw e;
    if (v.json) console.log(JSON.stringify({ ok: false, code: e.code, message: e.message, hint: e.hint }));
    else console.log(`rejected: ${errorLine(e)}`);
    process.exitCode = 1;
  }
}

/** A request saved by `listen --save`: method, target, header pairs and the body bytes. */
function readSaved(file) {
  const bytes = readBytes(file, "the saved request");
  const end = bytes.indexOf("\r\n\r\n");
  const head = end < 0 ? [] : bytes.subarray(0, end).toString("latin1").split("\r\n");
  const line = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/.exec(head[0] ?? "");
  if (!line) throw new CliError(`${file} is not a saved request (an HTTP/1.1 request line, headers, a blank line, the body)`);
  const pairs = head.slice(1).map((h) => {
    const at = h.indexOf(":");
    if (at <= 0) throw new CliError(`${file}: a header line without a name`);
    return [h.slice(0, at), h.slice(at + 1).replace(/^[ \t]+|[ \t]+$/g, "")];
  });
  const body = bytes.subarray(end + 4);
  const declared = pairs.find(([k]) => k.toLowerCase() === "content-length")?.[1];
  // An editor that adds a final newline changes the bytes a signature covers: say so.
  if (declared !== undefined && Number(declared) !== body.length) {
    throw new CliError(`${file}: the body is ${body.length} bytes but its Content-Length says ${declared} (was the file edited?)`);
  }
  return { method: line[1], target: line[2], pairs, body };
}

/**
 * The request's body, read up to `max` bytes. Resolves to the bytes, to "too large" (reading
 * stopped at once: nothing more is read) or to null when the client went away.
 */
function readBody(req, max) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    const onData = (c) => {
      size += c.length;
      if (size > max) {
        req.pause();
        req.off("data", onData);
        resolve("too large");
      } else chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => resolve(null));
    req.on("close", () => resolve(null));
  });
}

/** Answer and end; `close`: end the connection once the answer is written, reading nothing more. */
function answer(res, status, pairs, body, close = false) {
  // 1xx, 204 and 304 carry no body and no Content-Length (RFC 9110).
  const bodyless = status < 200 || status === 204 || status === 304;
  const headers = [...pairs.flat(), ...(bodyless ? [] : ["content-length", String(body?.length ?? 0)])];
  if (close) headers.push("connection", "close");
  // An app's own Date is passed on, not doubled.
  if (pairs.some(([k]) => k.toLowerCase() === "date")) res.sendDate = false;
  res.writeHead(status, headers);
  const socket = res.socket;
  res.end(bodyless ? undefined : body, () => {
    if (close) socket?.destroy();
  });
}

const JSON_TYPE = ["content-type", "application/json"];
const codeBody = (code, extra = {}) => Buffer.from(JSON.stringify({ code, ...extra }));

async function cmdListen(v) {
  const keys = keysFrom(v, false);
  const maxBody = v["max-body"] ? sizeFrom(v["max-body"], "--max-body") : DEFAULT_MAX_BODY;
  const timeoutMs = v.timeout ? wholeFrom(v.timeout, "--timeout", 1, 600_000) : 30_000;
  const forward = v.forward ? httpUrl(v.forward, "--forward") : null;
  const verifier = keys
    ? new hookline.Verifier({ ...keys, maxPayloadBytes: maxBody, ...(v.scheme && v.scheme !== "auto" ? { scheme: v.scheme } : {}), ...(v.tolerance ? { tolerance: Number(v.tolerance) } : {}) })
    : null;
  if (v.save) {
    try {
      mkdirSync(v.save, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new CliError(`cannot use --save ${v.save}: ${fileProblem(e)}`);
    }
  }
  let seq = 0;
  const print = (lines) => console.log(lines.filter((l) => l !== undefined).join("\n"));

  function save(at, req, body) {
    // The file is a valid HTTP/1.1 message: the body is stored decoded, so its framing is a
    // Content-Length whatever the sender used (chunked or not).
    const pairs = pairsOf(req.rawHeaders).filter(([k]) => !["content-length", "transfer-encoding"].includes(k.toLowerCase()));
    const head = [`${req.method} ${req.url} HTTP/1.1`, ...pairs.map(([k, x]) => `${k}: ${x}`), `Content-Length: ${body.length}`].join("\r\n");
    const file = join(v.save, `${at.replace(/[:.]/g, "-")}-${++seq}.http`);
    try {
      writeFileSync(file, Buffer.concat([Buffer.from(`${head}\r\n\r\n`, "latin1"), body]), { mode: 0o600, flag: "wx" });
      return { file };
    } catch (e) {
      return { error: `cannot save to ${file}: ${fileProblem(e)}` };
    }
  }

  async function handle(req, res) {
    const at = new Date().toISOString();
    const pairs = pairsOf(req.rawHeaders);
    const base = { at, method: req.method, path: req.url };
    const title = `\n${at}  ${printable(req.method)} ${printable(req.url)}`;
    const declared = req.headers["content-length"];
    const body = declared !== undefined && !(Number(declared) <= maxBody) ? "too large" : await readBody(req, maxBody);
    if (body === null) return;
    if (body === "too large") {
      const entry = { ...base, ok: false, code: "payload_too_large", message: `body larger than --max-body (${maxBody} bytes)`, headers: headerObject(pairs) };
      if (v.json) console.log(JSON.stringify(entry));
      else print([`${title}  REFUSED 413 payload_too_large: ${entry.message}; the rest was not read`, ...headerLines(pairs)]);
      return answer(res, 413, [JSON_TYPE], codeBody("payload_too_large"), true);
    }
    const saved = v.save ? save(at, req, body) : null;
    let entry;
    let lines;
    if (!verifier) {
      const p = bodyPreview(body);
      entry = { ...base, verified: false, note: "inspect mode: nothing was verified (no --secret or --public-key)", headers: headerObject(pairs), body: p.text, bodyBase64: p.base64, bytes: p.bytes, truncated: p.truncated };
      lines = [`${title}  NOT VERIFIED (inspect mode: no --secret or --public-key given)`, ...headerLines(pairs), ...previewLines(body)];
    } else {
      try {
        const r = verifier.verify(body, req.headers);
        entry = { ...base, ok: true, verified: true, scheme: r.scheme, id: r.id, eventType: r.eventType ?? r.payload?.type, keyId: r.keyId, payload: r.payload };
        lines = [
          `${title}  VERIFIED (${r.scheme}, ${keyLabel(r.keyId)})`,
          entry.id !== undefined ? `  id:    ${printable(String(entry.id))}` : undefined,
          entry.eventType !== undefined ? `  event: ${printable(String(entry.eventType))}` : undefined,
          typeof r.payload === "string" ? printable(r.payload, true) : r.payload === undefined ? "  (empty body, or not UTF-8)" : printable(JSON.stringify(r.payload, null, 2), true).replace(/^/gm, "  "),
        ];
      } catch (e) {
        const p = bodyPreview(body);
        entry = { ...base, ok: false, verified: false, code: e.code ?? "error", message: e.message, hint: e.hint, headers: headerObject(pairs), body: p.text, bodyBase64: p.base64, bytes: p.bytes, truncated: p.truncated };
        lines = [`${title}  REJECTED ${entry.code}: ${e.message}`, e.hint ? `  hint: ${e.hint}` : undefined, ...headerLines(pairs), ...previewLines(body)];
      }
    }
    if (saved?.file) {
      entry.saved = saved.file;
      lines.push(`  saved: ${saved.file}`);
    } else if (saved?.error) {
      entry.saveError = saved.error;
      lines.push(`  ${saved.error}`);
    }
    if (entry.ok === false) {
      if (v.json) console.log(JSON.stringify(entry));
      else print(lines);
      return answer(res, 401, [JSON_TYPE], codeBody(entry.code));
    }
    if (!forward) {
      if (v.json) console.log(JSON.stringify(entry));
      else print(lines);
      return answer(res, 204, [], undefined);
    }
    // The app's answer is the sender's answer: its status decides whether the sender retries.
    const f = await exchange(forward, req.method, endToEnd(pairs), body, { timeoutMs, maxBytes: maxBody });
    if (f.status !== undefined) {
      entry.forwarded = { status: f.status };
      lines.push(`  forwarded to ${forward.href}: HTTP ${f.status}, answered the sender with it`);
    } else {
      const status = f.timedOut ? 504 : 502;
      entry.forwarded = { status, error: f.error };
      lines.push(`  forward to ${forward.href} failed (${printable(f.error)}): answered ${status}`);
    }
    if (v.json) console.log(JSON.stringify(entry));
    else print(lines);
    if (f.status !== undefined) return answer(res, f.status, endToEnd(f.pairs), f.body);
    return answer(res, entry.forwarded.status, [JSON_TYPE], codeBody(f.timedOut ? "forward_timeout" : "forward_failed"));
  }

  const server = createServer({ requestTimeout: Math.max(timeoutMs * 2, 60_000), headersTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((e) => {
      console.error(`hookline listen: ${e?.message ?? e}`);
      if (!res.headersSent) answer(res, 500, [JSON_TYPE], codeBody("error"), true);
    });
  });
  const port = v.port === undefined ? 8787 : wholeFrom(v.port, "--port", 0, 65535);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  }).catch((e) => {
    throw new CliError(`cannot listen on 127.0.0.1:${port}: ${e.code ?? e.message}`);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  const mode = verifier ? "verifying" : "inspect mode: nothing is verified without --secret or --public-key";
  if (v.json) console.log(JSON.stringify({ listening: url, verifying: Boolean(verifier), forward: forward?.href, save: v.save }));
  else console.log(`hookline listening on ${url} (${mode}${forward ? `; forwarding to ${forward.href}` : ""}${v.save ? `; saving to ${v.save}` : ""}) Ctrl-C to stop`);
  const stop = () => {
    server.close();
    server.closeAllConnections?.();
    if (!v.json) console.log("\nstopped");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** The retry policy of `send`: the options, passed on; the library says what they mean. */
function sendRetry(v) {
  const max = v["max-attempts"] === undefined ? undefined : wholeFrom(v["max-attempts"], "--max-attempts", 1, 100);
  if (v.schedule && v.retry) throw new CliError("give --schedule or --retry, not both");
  const capped = max === undefined ? {} : { maxAttempts: max };
  if (v.schedule) return { schedule: durationsFrom(v.schedule, "--schedule"), ...capped };
  if (v.retry === "none") return { schedule: [0], ...capped };
  if (v.retry) return { preset: v.retry, ...capped };
  // A person is watching: a few attempts over seconds, not the library's 3-day schedule.
  return { exponential: { baseMs: 1000, factor: 2, maxMs: 10_000, attempts: max ?? 4 } };
}

async function cmdSend(v) {
  if (!v.url) throw new CliError("--url is required");
  httpUrl(v.url, "--url");
  if (!v.type) throw new CliError("--type is required (the event type; with --raw it is sent in the webhook-event-type header only)");
  const keys = signingKeys(v);
  // A key the scheme cannot sign with is a usage error now, not a failed attempt later.
  hookline.signHeaders({ ...keys, ...(v.scheme ? { scheme: v.scheme } : {}), payload: "" });
  const retry = sendRetry(v);
  let event;
  if (v.raw) {
    const bytes = v["data-file"] ? readBytes(v["data-file"], "--data-file") : Buffer.from(v.data ?? "", "utf8");
    if (!isUtf8(bytes)) throw new CliError("--raw sends text: the body is not UTF-8");
    event = { id: hookline.eventId("msg_"), type: v.type, body: bytes.toString("utf8") };
  } else {
    let data = {};
    const text = v["data-file"] ? readBytes(v["data-file"], "--data-file").toString("utf8") : v.data;
    if (text !== undefined) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        throw new CliError(`${v["data-file"] ? "--data-file" : "--data"} is not JSON: ${e.message} (--raw sends a body as it is)`);
      }
    }
    event = { type: v.type, data };
  }
  const dispatcher = hookline.createDispatcher({
    retry,
    timeoutMs: v.timeout ? wholeFrom(v.timeout, "--timeout", 1, 600_000) : 15_000,
    concurrency: 1,
    ssrf: v.guard ? {} : false,
    userAgent: "hookline-cli",
    onAttempt: (r) => {
      if (v.json) {
        console.log(JSON.stringify({ attempt: r.attempt, status: r.status, outcome: r.outcome, durationMs: r.durationMs, error: r.error, nextRetryAt: r.nextRetryAt, responseBody: r.responseBody }));
        return;
      }
      const result = r.status ? `HTTP ${r.status}` : r.error;
      const said = r.status && r.status >= 300 && r.responseBody ? `; said: ${printable(r.responseBody.slice(0, 200))}` : "";
      console.log(`attempt ${r.attempt}: ${result} in ${r.durationMs} ms -> ${r.outcome}${r.nextRetryAt ? `, next at ${r.nextRetryAt}` : ""}${said}`);
    },
  });
  if (!v.guard) {
    // The operator typed this URL: it is trusted, and a private one is said so once.
    try {
      hookline.checkTarget(v.url);
    } catch (e) {
      if (e?.code === "target_not_allowed") process.stderr.write(`hookline send: the SSRF guard would refuse this URL (${e.message.replace(/^target not allowed: /, "")}); sending anyway because you typed it (--guard refuses it)\n`);
    }
  }
  const summary = await dispatcher.dispatch(event, [{ id: "cli", url: v.url, ...keys, scheme: v.scheme }]);
  const last = summary.records[summary.records.length - 1];
  if (v.json) console.log(JSON.stringify({ ok: summary.delivered === 1, eventId: summary.eventId, attempts: summary.records.length, outcome: last?.outcome, status: last?.status, error: last?.error ?? undefined }));
  else console.log(`\n${summary.delivered ? "delivered" : "gave up"}: event ${summary.eventId}, ${summary.records.length} attempt(s), last outcome ${last?.outcome}${last?.status ? ` (HTTP ${last.status})` : ""}`);
  if (!summary.delivered) process.exitCode = 1;
}

async function cmdReplay(v) {
  if (v._.length !== 1) throw new CliError("one saved request file is required: hookline replay FILE --to URL");
  if (!v.to) throw new CliError("--to URL is required");
  const to = httpUrl(v.to, "--to");
  const saved = readSaved(v._[0]);
  const timeoutMs = v.timeout ? wholeFrom(v.timeout, "--timeout", 1, 600_000) : 15_000;
  const r = await exchange(to, saved.method, endToEnd(saved.pairs), saved.body, { timeoutMs, maxBytes: DEFAULT_MAX_BODY });
  if (r.status === undefined) {
    if (v.json) console.log(JSON.stringify({ ok: false, error: r.error }));
    else console.log(`replay to ${to.href} failed: ${printable(r.error)}`);
    process.exitCode = 1;
    return;
  }
  const ok = r.status >= 200 && r.status < 300;
  const p = bodyPreview(r.body);
  if (v.json) console.log(JSON.stringify({ ok, status: r.status, body: p.text, bodyBase64: p.base64, bytes: p.bytes }));
  else console.log([`replayed ${saved.method} ${saved.body.length} bytes to ${to.href}: HTTP ${r.status}`, ...(r.body.length ? previewLines(r.body) : [])].join("\n"));
  if (!ok) process.exitCode = 1;
}

/**
 * "0,1s,5s,2m" as milliseconds: each a number with its unit (ms, s, m, h, d); only 0 may go
 * without one. A bare "2" is refused, not read as 2 ms.
 */
function durationsFrom(text, option) {
  const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return text.split(",").map((part) => {
    const m = /^\s*(\d{1,9})(ms|s|m|h|d)?\s*$/.exec(part);
    if (!m) throw new CliError(`${option}: "${part.trim().slice(0, 20)}" is not a duration such as 0, 500ms, 5s, 2m, 1h`);
    if (m[2] === undefined && Number(m[1]) !== 0) throw new CliError(`${option}: "${part.trim()}" needs a unit: ${m[1]}ms, ${m[1]}s or ${m[1]}m`);
    return Number(m[1]) * units[m[2] ?? "ms"];
  });
}

/** One duration, such as 30s or 2m. */
function durationFrom(text, option) {
  const list = durationsFrom(text, option);
  if (list.length !== 1) throw new CliError(`${option}: one duration, such as 30s or 2m`);
  return list[0];
}

/**
 * --retry: a preset's name, or a JSON file holding a policy; either is checked by the core now,
 * and a bad one is one line naming it.
 */
function serveRetry(text) {
  let policy = text;
  const isFile = /\.json$/i.test(text) || /[/\\]/.test(text);
  if (isFile) {
    let raw;
    try {
      raw = readFileSync(text, "utf8");
    } catch (e) {
      throw new CliError(`--retry ${text}: cannot read it (${e.code ?? "error"})`);
    }
    try {
      policy = JSON.parse(raw);
    } catch (e) {
      throw new CliError(`--retry ${text}: not JSON (${e.message})`);
    }
  }
  try {
    hookline.retrySchedule(policy);
  } catch (e) {
    throw new CliError(`--retry ${isFile ? text : JSON.stringify(text.slice(0, 40))}: ${e.code ?? "invalid_policy"}: ${e.message}${isFile ? "" : " (a preset such as standard-webhooks or svix, or a .json file holding a policy)"}`);
  }
  return policy;
}

/** --max-endpoints 50,acme=500,trial=5: the default cap and tenants' own. */
function endpointCaps(text) {
  const caps = { default: 50, tenants: new Map() };
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_.:-]{1,128})=(\d+)$/.exec(part);
    if (m) caps.tenants.set(m[1], wholeFrom(m[2], `--max-endpoints ${m[1]}`, 0, 100_000));
    else if (/^\d+$/.test(part)) caps.default = wholeFrom(part, "--max-endpoints", 1, 100_000);
    else throw new CliError(`--max-endpoints: "${part.slice(0, 40)}" is neither a number nor tenant=number (such as 50,acme=500)`);
  }
  return caps;
}

async function cmdServe(v) {
  if (!v.db) throw new CliError("--db is required: a postgres:// URL, or a directory for PGlite");
  const token = process.env.HOOKLINE_API_TOKEN;
  const encryptionKey = process.env.HOOKLINE_ENCRYPTION_KEY;
  if (!token || token.length < 16) throw new CliError("HOOKLINE_API_TOKEN must be set to a bearer token of 16 or more characters");
  if (!encryptionKey) throw new CliError("HOOKLINE_ENCRYPTION_KEY must be set to 32 random bytes in base64 (it seals the endpoint secrets)");
  if (v.schedule && v.retry) throw new CliError("give --schedule or --retry, not both");
  let operator = null;
  if (v["operator-url"] !== undefined) {
    const secret = process.env.HOOKLINE_OPERATOR_SECRET;
    if (!secret || !secret.startsWith("whsec_")) throw new CliError("--operator-url needs HOOKLINE_OPERATOR_SECRET: the whsec_ secret its receiver verifies with (hookline secret makes one)");
    operator = { url: httpUrl(v["operator-url"], "--operator-url").href, secret };
  }
  const leaseMs = v.lease ? durationFrom(v.lease, "--lease") : 60_000;
  if (leaseMs < 2000) throw new CliError("--lease: at least 2s, such as 30s or 2m");
  const maxBlockMs = v["max-block"] === undefined ? undefined : durationFrom(v["max-block"], "--max-block");
  if (maxBlockMs === 0) throw new CliError("--max-block: more than 0, such as 10m or 1h");
  const { serve } = await import("./serve.mjs");
  await serve(
    hookline,
    {
      db: v.db,
      port: v.port === undefined ? 8788 : wholeFrom(v.port, "--port", 0, 65535),
      host: v.host ?? "127.0.0.1",
      concurrency: v.concurrency === undefined ? 32 : wholeFrom(v.concurrency, "--concurrency", 1, 1000),
      retry: v.schedule ? { schedule: durationsFrom(v.schedule, "--schedule") } : serveRetry(v.retry ?? "standard-webhooks"),
      leaseMs,
      graceMs: v.grace === undefined ? undefined : durationFrom(v.grace, "--grace"),
      maxBlockMs,
      allow: v["allow-targets"] ? v["allow-targets"].split(",").map((t) => t.trim()).filter(Boolean) : [],
      caps: endpointCaps(v["max-endpoints"] ?? "50"),
      operator,
      token,
      encryptionKey,
    },
    (message) => new CliError(message),
  );
}

async function cmdConformance(v) {
  const file = v.vectors ?? new URL("../vectors.json", import.meta.url);
  let vectors;
  try {
    vectors = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`the vectors${v.vectors ? " (--vectors)" : ""}: ${e instanceof SyntaxError ? "not JSON" : fileProblem(e)}`);
  }
  if (vectors?.format !== "hookline-conformance-vectors" || vectors.version !== 1 || !Array.isArray(vectors.cases)) throw new CliError("the vectors: not hookline-conformance-vectors version 1");
  const { PEERS, conformance, formatReports } = await import("./conformance.mjs");
  const peers = [...new Set(v.peer ?? Object.keys(PEERS))];
  for (const p of peers) if (!Object.hasOwn(PEERS, p)) throw new CliError(`--peer is one of ${Object.keys(PEERS).join(", ")}`);
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const reports = await conformance(hookline, { version, vectors, peers, cwd: process.cwd() });
  if (v.json) console.log(JSON.stringify({ ok: reports[0].failed === 0, vectors: { format: vectors.format, version: vectors.version, cases: vectors.cases.length }, verifiers: reports }));
  else console.log(formatReports(reports, vectors));
  if (reports[0].failed > 0) process.exitCode = 1;
}

const keyOptions = { secret: { type: "string", multiple: true }, "secret-file": { type: "string", multiple: true } };
const commands = {
  serve: [cmdServe, { db: { type: "string" }, port: { type: "string", short: "p" }, host: { type: "string" }, concurrency: { type: "string" }, schedule: { type: "string" }, retry: { type: "string" }, "allow-targets": { type: "string" }, "max-endpoints": { type: "string" }, "operator-url": { type: "string" }, lease: { type: "string" }, grace: { type: "string" }, "max-block": { type: "string" } }],
  listen: [cmdListen, { port: { type: "string", short: "p" }, ...keyOptions, "public-key": { type: "string", multiple: true }, scheme: { type: "string" }, forward: { type: "string" }, timeout: { type: "string" }, tolerance: { type: "string" }, "max-body": { type: "string" }, save: { type: "string" } }],
  send: [cmdSend, { url: { type: "string" }, ...keyOptions, type: { type: "string" }, data: { type: "string" }, "data-file": { type: "string" }, raw: { type: "boolean" }, scheme: { type: "string" }, schedule: { type: "string" }, retry: { type: "string" }, "max-attempts": { type: "string" }, timeout: { type: "string" }, guard: { type: "boolean" }, "allow-private": { type: "boolean" } }],
  replay: [cmdReplay, { to: { type: "string" }, timeout: { type: "string" } }, true],
  sign: [cmdSign, { ...keyOptions, scheme: { type: "string" }, id: { type: "string" }, timestamp: { type: "string" }, file: { type: "string" } }],
  verify: [cmdVerify, { headers: { type: "string" }, body: { type: "string" }, request: { type: "string" }, ...keyOptions, "public-key": { type: "string", multiple: true }, scheme: { type: "string" }, tolerance: { type: "string" }, now: { type: "string" } }],
  secret: [cmdSecret, { type: { type: "string" } }],
  conformance: [cmdConformance, { peer: { type: "string", multiple: true }, vectors: { type: "string" } }],
};

const name = process.argv[2];
if (name === "--version" || name === "-V" || name === "version") {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  console.log(version);
  process.exit(0);
}
if (!name || name === "--help" || name === "-h" || name === "help") {
  console.log(HELP.main);
  process.exit(name ? 0 : 2);
}
const json = process.argv.includes("--json");
// Object.hasOwn: "constructor" or "__proto__" is not a command.
const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
if (!entry) fail(/^[a-z][a-z-]{0,20}$/.test(name) ? `unknown command "${name}" (see hookline --help)` : "unknown command (see hookline --help)", json);
try {
  const values = parse(name, entry[1], entry[2]);
  if (values.help) {
    console.log(HELP[name]);
  } else {
    await entry[0](values);
  }
} catch (e) {
  // A hookline error has a stable code; a system error (a socket, a file) is said in words.
  fail(e instanceof CliError ? e.message : typeof e?.code === "string" && !e.syscall ? errorLine(e) : e?.syscall ? `${e.syscall} failed: ${e.code}` : `${e?.message ?? e}`, json);
}
