// The management API as one fetch handler, and a bridge from Node's http server to it. I/O
// only: the store and the core decide; this file reads requests and writes RFC 9457 problems.
// A caller's mistake is a 4xx with a stable code; a database failure is a 503, logged with its
// cause; anything else is a 500, logged. A driver's text never reaches a client.
import { supportQuery } from "hookline";
import { HooklineError, SenderError } from "hookline/errors";
import openapi from "../../openapi.json" with { type: "json" };
import { checkOwner } from "./endpoints.js";
import { tenantTokens } from "./tokens.js";

const MAX_API_BODY = 1024 * 1024;
/** The status of each code a caller can cause; any other code of ours is a 400. */
const STATUS_OF = {
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  endpoint_limit: 409,
  endpoint_disabled: 409,
  delivery_ended: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  database_unavailable: 503,
};

/** An RFC 9457 problem: `{ type, title, status, code, detail }`, never a secret. */
export function problem(status, code, detail) {
  return new Response(JSON.stringify({ type: `https://hookline.dev/problems/${code}`, title: code.replace(/_/g, " "), status, code, detail }), {
    status,
    headers: { "content-type": "application/problem+json", ...(status === 503 ? { "retry-after": "5" } : {}) },
  });
}

const json = (status, body) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { "content-type": "application/json" } });

/**
 * The request's JSON body, read up to MAX_API_BODY bytes and no further. `optional`: a request
 * with no body (and no content type) reads as `{}`.
 */
async function readJson(request, optional = false) {
  const type = request.headers.get("content-type");
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type ?? "") && !(optional && type === null)) {
    throw new SenderError("unsupported_media_type", "the body must be application/json");
  }
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_API_BODY) throw new SenderError("payload_too_large", `the body is over ${MAX_API_BODY} bytes`);
  const reader = request.body?.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const r = reader ? await reader.read() : { done: true };
    if (r.done) break;
    size += r.value.length;
    if (size > MAX_API_BODY) {
      reader.cancel().catch(() => {});
      throw new SenderError("payload_too_large", `the body is over ${MAX_API_BODY} bytes`);
    }
    chunks.push(r.value);
  }
  if (optional && size === 0) return {};
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new SenderError("invalid_argument", "the body is not JSON");
  }
}

/** Only `allowed` keys in a request body's object; the unknown ones named. */
function only(body, allowed, what) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new SenderError("invalid_argument", `${what}: the body must be a JSON object`);
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new SenderError("invalid_argument", `${what}: unknown field${unknown.length > 1 ? "s" : ""} ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 64))).join(", ")} (known: ${allowed.join(", ") || "none"})`);
  return body;
}

/**
 * A bearer-token check that leaks nothing through timing: the platform's HMAC verify compares the
 * presented token's tag with the expected one (WebCrypto's comparison, not ours). The key is
 * random per process and made on first use (Workers allow random values only inside a handler).
 */
function tokenChecker(token) {
  let ready = null;
  const setup = async () => {
    const key = await globalThis.crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    const tag = await globalThis.crypto.subtle.sign("HMAC", key, new TextEncoder().encode(token));
    return { key, tag };
  };
  return async (presented) => {
    ready ??= setup();
    const { key, tag } = await ready;
    return globalThis.crypto.subtle.verify("HMAC", key, tag, new TextEncoder().encode(presented));
  };
}

/** A path segment decoded, or `invalid_argument` for a malformed escape. */
function segment(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new SenderError("invalid_argument", "a path segment is not valid percent-encoding");
  }
}

/** `limit` and `cursor` of a list of endpoints; any other parameter is refused (the core's reading). */
function pageOf(url) {
  const { limit, cursor } = supportQuery("endpoints", [...url.searchParams]);
  return { limit, cursor };
}

/** `sinceMs`, `untilMs` and `bucketMs` of an endpoint's stats, as whole numbers when given. */
function statsOf(url) {
  const out = {};
  const unknown = [...url.searchParams.keys()].filter((k) => !["sinceMs", "untilMs", "bucketMs"].includes(k));
  if (unknown.length) throw new SenderError("invalid_argument", `unknown query parameter ${JSON.stringify(unknown[0].slice(0, 64))} (known: sinceMs, untilMs, bucketMs)`);
  for (const name of ["sinceMs", "untilMs", "bucketMs"]) {
    const v = url.searchParams.get(name);
    if (v === null) continue;
    if (!/^\d{1,16}$/.test(v)) throw new SenderError("invalid_argument", `${name} must be a whole number of milliseconds`);
    out[name] = Number(v);
  }
  return out;
}

/** What a server log gets of an error: its code and message, and its cause's (never a secret). */
export function describe(e) {
  const cause = e?.cause;
  const own = `${e?.code ?? e?.name ?? "error"}: ${e?.message ?? e}`;
  return cause ? `${own} (cause: ${cause.code ?? cause.name ?? "error"}: ${cause.message ?? cause})` : own;
}

/**
 * The management API under `/v1/tenants/{tenant}/` as one fetch handler, `(request) =>
 * Promise<Response>`, for Workers, Deno.serve, Bun.serve, Hono or Node. A tenant is a store
 * owner. Auth: `authorize(request, tenant)` (true to let it through) or, by default, a bearer
 * `token`; beside it, tenant tokens (`POST tokens`, the operator's alone) signed with a key
 * derived from `tokenKey` (default: `token`). `onError(message, error)` hears the server's
 * faults (default: console.error). `GET /v1/openapi.json` is the API's OpenAPI document.
 */
export function createManagementApi({ store, token, authorize, enqueue, onError, tokenKey } = {}) {
  if (!store || typeof store.createEndpoint !== "function") throw new SenderError("invalid_argument", "createManagementApi: store must come from createStore");
  if (enqueue !== undefined && typeof enqueue !== "function") throw new SenderError("invalid_argument", "createManagementApi: enqueue must be a function of [{ deliveryId, attempt }]");
  if (onError !== undefined && typeof onError !== "function") throw new SenderError("invalid_argument", "createManagementApi: onError must be a function");
  const report = (message, e) => {
    try {
      (onError ?? ((m) => console.error(m)))(`hookline management API: ${message}`, e);
    } catch {
      // the reporter failed; the response stands
    }
  };
  // New deliveries are stored before this runs; if the queue refuses them, a sweep
  // (`deliverDue` with `overdueMs`) finds them, so the request still succeeds.
  const queued = async (deliveryIds) => {
    if (!enqueue || deliveryIds.length === 0) return;
    try {
      await enqueue(deliveryIds.map((deliveryId) => ({ deliveryId, attempt: 1 })));
    } catch (e) {
      report(`enqueue failed for ${deliveryIds.length} deliveries (a sweep will take them): ${e?.name ?? "Error"}`, e);
    }
  };
  if (authorize === undefined && (typeof token !== "string" || token.length < 16)) {
    throw new SenderError("invalid_argument", "createManagementApi: pass a bearer token of 16 or more characters, or authorize(request, tenant)");
  }
  if (tokenKey !== undefined && (typeof tokenKey !== "string" || tokenKey.length < 16)) {
    throw new SenderError("invalid_argument", "createManagementApi: tokenKey must be a secret of 16 or more characters");
  }
  const tokenMatches = authorize ? null : tokenChecker(token);
  const bearerOf = (request) => {
    const header = request.headers.get("authorization") ?? "";
    return header.startsWith("Bearer ") ? header.slice(7) : null;
  };
  const allowed = async (request, tenant) => {
    if (authorize) return (await authorize(request, tenant)) === true;
    const bearer = bearerOf(request);
    return bearer !== null && tokenMatches(bearer);
  };
  // Tenant tokens: the core decides (signature, expiry, tenant, read-only); with `authorize`
  // and no tokenKey there are none.
  const tokens = (tokenKey ?? token) ? tenantTokens(tokenKey ?? token) : null;
  /** A tenant token's verdict for `access`, as a problem, or null when it lets the request through. */
  const tokenRefusal = (bearer, tenant, access) => {
    try {
      tokens.check(bearer, tenant, access);
      return null;
    } catch (e) {
      if (!(e instanceof HooklineError)) throw e;
      // Not a token of ours (or a forged one): the same answer as any wrong token.
      if (e.code === "invalid_token") return problem(401, "unauthorized", "a valid bearer token is required");
      return problem(STATUS_OF[e.code] ?? 403, e.code, e.message);
    }
  };
  // [method, path, handler, a tenant token's access (default: read for GET, else write), a list
  // (it reads its own query parameters)]
  const routes = [
    ["POST", /^endpoints$/, async (t, _m, req) => json(201, await store.createEndpoint(t, await readJson(req)))],
    ["GET", /^endpoints$/, async (t, _m, _r, url) => json(200, await store.listEndpoints(t, pageOf(url))), "read", true],
    ["GET", /^endpoints\/([^/]+)$/, async (t, m) => json(200, await store.getEndpoint(t, m[1]))],
    ["PATCH", /^endpoints\/([^/]+)$/, async (t, m, req) => json(200, await store.updateEndpoint(t, m[1], await readJson(req)))],
    ["DELETE", /^endpoints\/([^/]+)$/, async (t, m) => (await store.deleteEndpoint(t, m[1]), json(204))],
    ["POST", /^endpoints\/([^/]+)\/rotate-secret$/, async (t, m, req) => {
      const { graceMs } = only(await readJson(req, true), ["graceMs"], "rotate-secret");
      return json(200, await store.rotateSecret(t, m[1], graceMs === undefined ? {} : { graceMs }));
    }],
    ["GET", /^endpoints\/([^/]+)\/attempts$/, async (t, m, _r, url) => json(200, await store.listAttempts(t, m[1], url.searchParams)), "read", true],
    ["GET", /^endpoints\/([^/]+)\/stats$/, async (t, m, _r, url) => json(200, await store.endpointStats(t, m[1], statsOf(url))), "read", true],
    ["POST", /^endpoints\/([^/]+)\/recover$/, async (t, m, req) => {
      const recovered = await store.recoverEndpoint(t, m[1], await readJson(req));
      await queued(recovered.deliveryIds);
      return json(202, recovered);
    }],
    ["GET", /^events$/, async (t, _m, _r, url) => json(200, await store.listEvents(t, url.searchParams)), "read", true],
    ["GET", /^events\/([^/]+)$/, async (t, m) => json(200, await store.getEvent(t, m[1]))],
    ["GET", /^deliveries$/, async (t, _m, _r, url) => json(200, await store.listDeliveries(t, url.searchParams)), "read", true],
    ["POST", /^deliveries\/([^/]+)\/cancel$/, async (t, m) => json(200, await store.cancelDelivery(t, m[1]))],
    ["POST", /^tokens$/, async (t, _m, req) => {
      if (!tokens) throw new SenderError("not_found", "tenant tokens are not set up: pass tokenKey to createManagementApi");
      checkOwner(t);
      return json(201, tokens.issue(t, await readJson(req, true)));
    }, "issue"],
    ["POST", /^events$/, async (t, _m, req) => {
      // A W3C traceparent is stored with the event (an invalid one is ignored: the core's reading).
      const { eventId, matched, duplicate, deliveryIds } = await store.publish(t, await readJson(req), { traceparent: req.headers.get("traceparent") });
      if (!duplicate) await queued(deliveryIds);
      return json(202, { eventId, matched, duplicate });
    }],
    ["GET", /^deliveries\/([^/]+)$/, async (t, m) => json(200, await store.getDelivery(t, m[1]))],
    ["POST", /^deliveries\/([^/]+)\/redeliver$/, async (t, m) => {
      const again = await store.redeliver(t, m[1]);
      await queued([again.deliveryId]);
      return json(202, again);
    }],
  ];
  return async function handle(request) {
    try {
      const url = new URL(request.url);
      if (url.pathname === "/v1/openapi.json") {
        if (request.method !== "GET") return problem(405, "method_not_allowed", "use GET");
        return json(200, openapi);
      }
      const m = /^\/v1\/tenants\/([^/]+)\/(.+?)\/?$/.exec(url.pathname);
      if (!m) return problem(404, "not_found", "no such route");
      const tenant = segment(m[1]);
      const operator = await allowed(request, tenant);
      const bearer = bearerOf(request);
      if (!operator) {
        if (!tokens || bearer === null) return problem(401, "unauthorized", "a valid bearer token is required");
        const refused = tokenRefusal(bearer, tenant, "read");
        if (refused) return refused;
      }
      const matches = routes.filter(([, re]) => re.test(m[2]));
      if (matches.length === 0) return problem(404, "not_found", "no such route");
      const route = matches.find(([method]) => method === request.method);
      if (!route) return problem(405, "method_not_allowed", `use ${matches.map(([method]) => method).join(", ")}`);
      // The lists read their own parameters; every other route takes none (the core's reading).
      if (!route[4]) supportQuery("item", [...url.searchParams]);
      // A tenant token's access for this route: to read, to change, or to issue tokens.
      const access = route[3] ?? (request.method === "GET" ? "read" : "write");
      if (!operator && access !== "read") {
        const refused = tokenRefusal(bearer, tenant, access);
        if (refused) return refused;
      }
      return await route[2](tenant, route[1].exec(m[2]).map((s) => (s === undefined ? s : segment(s))), request, url);
    } catch (e) {
      if (e instanceof HooklineError) {
        const status = STATUS_OF[e.code] ?? 400;
        if (status >= 500) report(`${request.method} ${new URL(request.url).pathname}: ${describe(e)}`, e);
        return problem(status, e.code, e.message);
      }
      // The package's TypeError with a code: a value of the wrong type in the request (an
      // orderingKey that is no string, a body nested too deep to read): the caller's, a 400.
      if (e instanceof TypeError && typeof e.code === "string" && /^[a-z][a-z_]*$/.test(e.code)) {
        return problem(400, e.code, e.message);
      }
      // Not ours (a bug, a hook that threw): the details stay in the server's log.
      report(`${request.method} ${safePath(request)}: ${describe(e)}`, e);
      return problem(500, "internal", "the request could not be completed");
    }
  };
}

function safePath(request) {
  try {
    return new URL(request.url).pathname;
  } catch {
    return "(unreadable url)";
  }
}

/**
 * A fetch handler (`createManagementApi`'s, or any `(Request) => Response`) as a Node
 * `http.createServer` listener: the request's body is streamed to the handler (which bounds
 * what it reads), headers keep their repeated values, and a handler that throws answers a 500
 * problem without its details. `base` is the origin the request URLs are read against.
 */
export function nodeListener(handler, { base = "http://127.0.0.1" } = {}) {
  if (typeof handler !== "function") throw new SenderError("invalid_argument", "nodeListener: handler must be a function of a Request");
  return async (req, res) => {
    const verb = req.method ?? "GET";
    let response;
    try {
      const headers = new Headers();
      const raw = req.rawHeaders ?? [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        try {
          headers.append(raw[i], raw[i + 1]);
        } catch {
          // A header value fetch refuses: left out, as a proxy would.
        }
      }
      const body = verb === "GET" || verb === "HEAD" ? undefined : ReadableStream.from(req);
      response = await handler(new Request(new URL(req.url ?? "/", base), { method: verb, headers, body, duplex: "half" }));
    } catch (e) {
      console.error(`hookline nodeListener: ${e?.name ?? "Error"}: the handler failed`);
      response = problem(500, "internal", "the request could not be completed");
    }
    res.writeHead(response.status, [...response.headers].flat());
    if (!response.body || verb === "HEAD") return res.end();
    try {
      for await (const chunk of response.body) res.write(chunk);
      res.end();
    } catch {
      res.destroy();
    }
  };
}
