// hookline/middleware from the tarball, against real signed, tampered, stale and oversized
// requests. Node: the Express example over real sockets on 127.0.0.1 (the server's bytes read
// are measured, so "never past the limit" is checked, not assumed), Express set-ups that get it
// wrong (a JSON parser first, a bad secret), dedupe; Hono and the Fetch wrapper called with Fetch
// Requests whose endless bodies count what was pulled. Deno and Bun: the Hono and Fetch examples
// served by Deno.serve / Bun.serve on 127.0.0.1, plus the same in-process checks.
// Usage (cwd = the consumer, examples/framework-receivers copied into it):
//   node middleware.mjs | deno run --allow-net=127.0.0.1 --allow-env middleware.mjs | bun middleware.mjs
import { Buffer } from "node:buffer";
import { connect } from "node:net";
import process from "node:process";
import { generateSecret, HooklineError, signHeaders, WebhookVerificationError } from "hookline";
import { hooklineExpress, hooklineHono, withWebhook } from "hookline/middleware";
import { memoryDedupe } from "hookline/store";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";
import { providerRoutes, registerProviderMiddlewareTests } from "./middleware-providers.mjs";

// `node middleware.mjs workerd`: the Worker in middleware-worker.mjs, bundled and run in Miniflare.
const workerd = process.argv[2] === "workerd";
const runtime = workerd ? "workerd-middleware" : globalThis.Deno ? "deno-middleware" : globalThis.Bun ? "bun-middleware" : "node-middleware";
const { test, run } = createHarness();
const SECRET = generateSecret();
const OTHER = generateSecret();
// The examples read it when they are imported (Hono's per request).
process.env.WEBHOOK_SECRET = SECRET;
const MiB = 1024 * 1024;
const EXAMPLE_LIMIT = MiB; // maxPayloadBytes in the Express and Hono examples
const DEFAULT_LIMIT = 25 * MiB; // verifyRequest's cap when none is set (the Fetch example)
const { default: honoExample } = await import("./examples/framework-receivers/hono.mjs");
const { default: fetchExample } = await import("./examples/framework-receivers/fetch.mjs");

const cleanups = [];
const event = () => JSON.stringify({ type: "invoice.paid", id: `evt_${Math.random().toString(36).slice(2)}`, data: { invoice: "in_1", amount: 4200 } });
const signed = (body, secret = SECRET, extra = {}) => ({ "content-type": "application/json", ...signHeaders({ secret, payload: body, ...extra }) });
const codeOf = (res) => {
  try {
    return JSON.parse(res.body).code;
  } catch {
    return `not JSON: ${res.body.slice(0, 200)}`;
  }
};

/**
 * The deliveries every receiver must judge. `send(body, headers)` and `sendOversized(headers,
 * { declared, bytes })` return `{ status, body }` plus, where the transport can tell, `read`: the
 * body bytes the receiver took in. `limit` is the receiver's size limit.
 */
function receiverTests(name, { send, sendOversized, limit }) {
  test(`${name}: a correctly signed webhook reaches the route (204)`, async () => {
    const body = event();
    const res = await send(body, signed(body));
    assert.equal(res.status, 204, `answer ${res.body}:`);
  });
  test(`${name}: a tampered body is refused (401 no_matching_signature)`, async () => {
    const body = event();
    const res = await send(body.replace("4200", "4201"), signed(body));
    assert.deepEqual([res.status, codeOf(res)], [401, "no_matching_signature"]);
  });
  test(`${name}: a wrong secret is refused (401 no_matching_signature)`, async () => {
    const body = event();
    const res = await send(body, signed(body, OTHER));
    assert.deepEqual([res.status, codeOf(res)], [401, "no_matching_signature"]);
  });
  test(`${name}: a replayed hour-old webhook is refused (401 timestamp_too_old)`, async () => {
    const body = event();
    const res = await send(body, signed(body, SECRET, { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    assert.deepEqual([res.status, codeOf(res)], [401, "timestamp_too_old"]);
  });
  test(`${name}: no signature headers is refused (401 unknown_scheme)`, async () => {
    const res = await send(event(), { "content-type": "application/json" });
    assert.deepEqual([res.status, codeOf(res)], [401, "unknown_scheme"]);
  });
  test(`${name}: a signed body one byte past the limit, declared, is refused unread (413 payload_too_large)`, async () => {
    const body = "x".repeat(limit + 1);
    const res = await sendOversized(signed(body), { declared: true, bytes: limit + 1 });
    assert.deepEqual([res.status, codeOf(res)], [413, "payload_too_large"]);
    if (res.read !== undefined) assert.ok(res.read <= 256 * 1024, `read ${res.read} bytes of a body declared too large`);
  });
  test(`${name}: a chunked body with no length, far past the limit, is refused once the limit is passed (413)`, async () => {
    const body = event();
    const res = await sendOversized(signed(body), { declared: false, bytes: 3 * limit });
    assert.deepEqual([res.status, codeOf(res)], [413, "payload_too_large"]);
    if (res.read !== undefined) assert.ok(res.read <= limit + MiB, `read ${res.read} bytes for a limit of ${limit}`);
  });
}

// ---- transports ---------------------------------------------------------------------------------

const CHUNK = 64 * 1024;

/** A body stream of `bytes` bytes, made as it is pulled; `counter.pulled` says how much was. */
function countedStream(bytes, counter) {
  return new ReadableStream({
    pull(controller) {
      const n = Math.min(CHUNK, bytes - counter.pulled);
      if (n <= 0) return controller.close();
      counter.pulled += n;
      controller.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
}

/** A fetch handler, called with a Fetch Request made of `(url, init)`. */
const calling = (handler) => (url, init) => handler(new Request(url, init));

/**
 * In-process: `fetchLike(url, init)` (a handler `calling`, or Miniflare's dispatchFetch) for
 * `path`. Through Miniflare (`viaMiniflare`) the body goes to workerd over a loopback connection,
 * so what the stream gave is not what the Worker read; and workerd resets that connection when
 * it answers before the rest of the body was sent (it was never read), which can lose the answer
 * in flight: such an oversized request is sent again, up to 5 times, until its answer is seen.
 */
function direct(fetchLike, path = "/webhooks", { viaMiniflare = false } = {}) {
  const url = `http://127.0.0.1${path}`;
  const oversizedOnce = async (headers, { declared, bytes }) => {
    const counter = { pulled: 0 };
    const all = { ...headers };
    if (declared) all["content-length"] = String(bytes);
    else delete all["content-length"];
    // Declared: a real body of that size with its length; else a stream that says nothing.
    const body = declared ? new Uint8Array(bytes).fill(0x61) : countedStream(bytes, counter);
    const res = await fetchLike(url, { method: "POST", body, headers: all, duplex: "half" });
    return { status: res.status, body: await res.text(), read: declared || viaMiniflare ? undefined : counter.pulled };
  };
  return {
    async send(body, headers) {
      const res = await fetchLike(url, { method: "POST", body, headers });
      return { status: res.status, body: await res.text() };
    },
    async sendOversized(headers, shape) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await oversizedOnce(headers, shape);
        } catch (e) {
          const reset = ["ECONNRESET", "EPIPE"].includes(e?.cause?.code);
          if (!viaMiniflare || !reset || attempt === 5) throw e;
        }
      }
    },
  };
}

/**
 * Over a real socket, written by hand so that an oversized body can be declared or streamed
 * without end: `body` is a string (sent with its length) or `{ declared, bytes }` (a body of that
 * many bytes, with a content-length or chunked). Resolves when the whole answer is in, however
 * much of the body was written by then.
 */
function rawPost(base, path, headers, body) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const timer = setTimeout(() => finish(new Error(`no complete answer in 20 s (got ${JSON.stringify(received.toString("latin1").slice(0, 200))})`)), 20000);
    let received = Buffer.alloc(0);
    let done = false;
    let sent = 0;
    const finish = (error, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const fixed = typeof body === "string" ? Buffer.from(body) : null;
    const lines = [`POST ${path} HTTP/1.1`, `host: ${hostname}:${port}`];
    for (const [k, v] of Object.entries(headers)) if (k !== "content-length") lines.push(`${k}: ${v}`);
    if (fixed) lines.push(`content-length: ${fixed.length}`);
    else if (body.declared) lines.push(`content-length: ${body.bytes}`);
    else lines.push("transfer-encoding: chunked");
    socket.on("connect", () => {
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (fixed) {
        socket.write(fixed);
        sent = fixed.length;
        return;
      }
      const pump = () => {
        while (!done && sent < body.bytes) {
          const n = Math.min(CHUNK, body.bytes - sent);
          const chunk = Buffer.alloc(n, 0x61);
          sent += n;
          const framed = body.declared ? chunk : Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
          if (!socket.write(framed)) return void socket.once("drain", pump);
        }
        if (!done && !body.declared) socket.write("0\r\n\r\n");
      };
      pump();
    });
    socket.on("data", (data) => {
      received = Buffer.concat([received, data]);
      const answer = parseAnswer(received);
      if (answer) finish(null, { ...answer, sent, localPort: socket.localPort });
    });
    // A server that closes after answering may reset a socket it did not read to the end.
    socket.on("error", (e) => {
      const answer = parseAnswer(received);
      finish(answer ? null : e, answer && { ...answer, sent, localPort: socket.localPort });
    });
    socket.on("close", () => {
      const answer = parseAnswer(received);
      finish(answer ? null : new Error(`closed without a complete answer (${received.length} bytes)`), answer && { ...answer, sent, localPort: socket.localPort });
    });
  });
}

/** A complete HTTP/1.1 answer in `data` (content-length or chunked), or undefined. */
function parseAnswer(data) {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const head = data.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(head[0].split(" ")[1]);
  const headers = Object.fromEntries(head.slice(1).map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  let rest = data.subarray(end + 4);
  if (headers["content-length"] !== undefined) {
    const n = Number(headers["content-length"]);
    return rest.length >= n ? { status, headers, body: rest.subarray(0, n).toString() } : undefined;
  }
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
    const parts = [];
    for (;;) {
      const eol = rest.indexOf("\r\n");
      if (eol < 0) return undefined;
      const size = parseInt(rest.subarray(0, eol).toString("latin1"), 16);
      if (rest.length < eol + 2 + size + 2) return undefined;
      if (size === 0) return { status, headers, body: Buffer.concat(parts).toString() };
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
  }
  return { status, headers, body: "" };
}

/** Over real sockets to a server at `base`; `readFor(answer)` tells what the server read, if known. */
function overSockets(base, path, readFor = async () => undefined) {
  return {
    send: (body, headers) => rawPost(base, path, headers, body),
    async sendOversized(headers, shape) {
      const answer = await rawPost(base, path, headers, shape);
      return { ...answer, read: await readFor(answer) };
    },
  };
}

/** Start `handler` with the runtime's own Fetch server on 127.0.0.1; resolves with its base URL. */
async function serveFetch(handler) {
  if (globalThis.Deno) {
    const ready = Promise.withResolvers();
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => ready.resolve(`http://127.0.0.1:${port}`) }, handler);
    cleanups.push(() => server.shutdown());
    return ready.promise;
  }
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
  cleanups.push(() => server.stop(true));
  return `http://127.0.0.1:${server.port}`;
}

// ---- in every runtime: Hono and the Fetch wrapper with Fetch Requests ---------------------------

if (!workerd) {
  {
    // The providers' handshakes and Twilio's URL, through withWebhook and Hono.
    const { Hono } = await import("hono");
    const seen = { routed: 0 };
    const routes = new Map(providerRoutes.map(([path, options]) => [path, withWebhook(options, () => {
      seen.routed++;
      return new Response(null, { status: 204 });
    })]));
    const fetchApp = (request) => routes.get(new URL(request.url).pathname)(request);
    const hono = new Hono();
    for (const [path, options] of providerRoutes) {
      hono.post(path, hooklineHono(options), (c) => {
        seen.routed++;
        return c.body(null, 204);
      });
    }
    const ownUrl = (path) => `http://127.0.0.1${path}`;
    for (const [name, app] of [["withWebhook", fetchApp], ["hono", (request) => hono.fetch(request)]]) {
      const send = async (path, body, headers) => {
        const res = await app(new Request(ownUrl(path), { method: "POST", body, headers }));
        return { status: res.status, body: await res.text() };
      };
      registerProviderMiddlewareTests(test, name, { send, seen, ownUrl });
    }
  }

  receiverTests("hono example (app.fetch)", { ...direct(calling((request) => honoExample.fetch(request))), limit: EXAMPLE_LIMIT });
  receiverTests("fetch example (withWebhook, default limit)", { ...direct(calling(fetchExample.fetch)), limit: DEFAULT_LIMIT });

  test("hono: the route gets the verified delivery from c.get(\"webhook\"), with the secret from c.env", async () => {
    const { Hono } = await import("hono");
    const app = new Hono();
    const seen = [];
    app.post("/webhooks", hooklineHono((c) => ({ secret: c.env.WEBHOOK_SECRET })), (c) => {
      seen.push(c.get("webhook"));
      return c.body(null, 204);
    });
    const body = event();
    const headers = signed(body);
    const res = await app.fetch(new Request("http://127.0.0.1/webhooks", { method: "POST", body, headers }), { WEBHOOK_SECRET: SECRET });
    assert.equal(res.status, 204);
    assert.equal(seen.length, 1);
    const [w] = seen;
    assert.deepEqual([w.scheme, w.id, w.payload, new TextDecoder().decode(w.body)], ["standard-webhooks", headers["webhook-id"], JSON.parse(body), body]);
    const refused = await app.fetch(new Request("http://127.0.0.1/webhooks", { method: "POST", body, headers }), { WEBHOOK_SECRET: OTHER });
    assert.deepEqual([refused.status, seen.length], [401, 1], "a refused delivery never reaches the route");
  });

  test("hono: a body read before the middleware (c.req.json()) is a HooklineError invalid_payload to app.onError, not a 401", async () => {
    const { Hono } = await import("hono");
    const app = new Hono();
    const errors = [];
    app.onError((e, c) => {
      errors.push(e);
      return c.json({ code: e.code }, 500);
    });
    let reached = false;
    app.use("/webhooks", async (c, next) => {
      await c.req.json();
      await next();
    });
    app.post("/webhooks", hooklineHono({ secret: SECRET }), (c) => {
      reached = true;
      return c.body(null, 204);
    });
    const body = event();
    const res = await app.fetch(new Request("http://127.0.0.1/webhooks", { method: "POST", body, headers: signed(body) }));
    assert.deepEqual([res.status, reached, errors.length], [500, false, 1]);
    const [e] = errors;
    assert.ok(e instanceof HooklineError && !(e instanceof WebhookVerificationError), `${e?.name}`);
    assert.equal(e.code, "invalid_payload");
    assert.ok(/already read/.test(e.message) && /hooklineHono\(\) first/.test(e.hint), `${e.message} / ${e.hint}`);
  });

  test("hono: a bad secret throws invalid_secret where the middleware is made", () => {
    assert.throws(() => hooklineHono({ secret: "" }), "invalid_secret", WebhookVerificationError);
  });

  test("withWebhook: the server's arguments after the request reach the options and the handler", async () => {
    const env = { WEBHOOK_SECRET: SECRET };
    const ctx = { waitUntil() {} };
    const handler = withWebhook(
      (request, e) => ({ secret: e.WEBHOOK_SECRET }),
      (request, webhook, e, c) => Response.json({ type: webhook.payload.type, env: e === env, ctx: c === ctx, used: request.bodyUsed }),
    );
    const body = event();
    const res = await handler(new Request("http://127.0.0.1/", { method: "POST", body, headers: signed(body) }), env, ctx);
    assert.deepEqual([res.status, await res.json()], [200, { type: "invoice.paid", env: true, ctx: true, used: true }]);
  });

  test("withWebhook: a Request whose body was read already rejects with HooklineError invalid_payload", async () => {
    const body = event();
    const request = new Request("http://127.0.0.1/", { method: "POST", body, headers: signed(body) });
    await request.text();
    const e = await withWebhook({ secret: SECRET }, () => new Response(null))(request).then(() => null, (e) => e);
    assert.ok(e instanceof HooklineError && !(e instanceof WebhookVerificationError), `got ${e?.name}: ${e?.message}`);
    assert.equal(e.code, "invalid_payload");
  });

  test("withWebhook: a Request whose body another reader holds (locked, unread) rejects with HooklineError invalid_payload", async () => {
    const body = event();
    const request = new Request("http://127.0.0.1/", { method: "POST", body, headers: signed(body) });
    request.body.getReader();
    const e = await withWebhook({ secret: SECRET }, () => new Response(null))(request).then(() => null, (e) => e);
    assert.ok(e instanceof HooklineError && !(e instanceof WebhookVerificationError), `got ${e?.name}: ${e?.message}`);
    assert.equal(e.code, "invalid_payload");
  });

  test("withWebhook: the handler's own error is rethrown unchanged; a bad secret from a per-request function is thrown, never a 401", async () => {
    const boom = new Error("handler failed");
    const body = event();
    const request = () => new Request("http://127.0.0.1/", { method: "POST", body, headers: signed(body) });
    const thrown = await withWebhook({ secret: SECRET }, () => {
      throw boom;
    })(request()).then(() => null, (e) => e);
    assert.equal(thrown, boom);
    const bad = await withWebhook(() => ({ secret: "" }), () => new Response(null))(request()).then(() => null, (e) => e);
    assert.equal(bad?.code, "invalid_secret");
    assert.throws(() => withWebhook({ secret: SECRET }), undefined, TypeError);
  });

  test("withWebhook: a handler that fails releases its claim: the sender's retry is handled, once (500, 204, 200 duplicate)", async () => {
    // Before, the claim was final before the handler ran: 500, then 200 duplicate, and the
    // event was handled zero times.
    let calls = 0;
    let handled = 0;
    const handler = withWebhook({ secret: SECRET, dedupe: memoryDedupe() }, async () => {
      calls++;
      if (calls === 1) throw new Error("the database was down");
      handled++;
      return new Response(null, { status: 204 });
    });
    const body = event();
    const headers = signed(body);
    const send = () => handler(new Request("http://127.0.0.1/", { method: "POST", body, headers })).then((r) => r.status, () => 500);
    const answers = [await send(), await send(), await send()];
    assert.deepEqual([answers, handled], [[500, 204, 200], 1]);
    // A handler's own non-2xx answer releases the claim too.
    let statuses = [503, 204];
    const flaky = withWebhook({ secret: SECRET, dedupe: memoryDedupe() }, () => new Response(null, { status: statuses.shift() ?? 204 }));
    const again = () => flaky(new Request("http://127.0.0.1/", { method: "POST", body, headers })).then((r) => r.status);
    assert.deepEqual([await again(), await again(), await again()], [503, 204, 200]);
  });

  test("withWebhook: with a dedupe store, the same delivery twice answers 200 duplicate and the handler runs once", async () => {
    let calls = 0;
    const handler = withWebhook({ secret: SECRET, dedupe: memoryDedupe() }, () => {
      calls++;
      return new Response(null, { status: 204 });
    });
    const body = event();
    const headers = signed(body);
    const first = await handler(new Request("http://127.0.0.1/", { method: "POST", body, headers }));
    const again = await handler(new Request("http://127.0.0.1/", { method: "POST", body, headers }));
    assert.deepEqual([first.status, again.status, await again.json(), calls], [204, 200, { code: "duplicate" }, 1]);
    const down = withWebhook({ secret: SECRET, dedupe: { claim: () => Promise.reject(new Error("store down")), complete() {}, release() {} } }, () => new Response(null));
    const res = await down(new Request("http://127.0.0.1/", { method: "POST", body, headers }));
    assert.deepEqual([res.status, await res.json()], [503, { code: "dedupe_unavailable" }]);
  });

}

// ---- per runtime: real sockets, or Miniflare ----------------------------------------------------

if (workerd) {
  const { join } = await import("node:path");
  const esbuild = await import("esbuild");
  const { Miniflare } = await import("miniflare");
  const dist = join(process.cwd(), "middleware-worker-dist");
  // The conditions wrangler uses: the package's workerd entry, its .wasm kept as a module.
  await esbuild.build({
    entryPoints: [join(process.cwd(), "middleware-worker.mjs")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    loader: { ".wasm": "copy" },
    outdir: dist,
    logLevel: "warning",
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dist, "middleware-worker.js"),
    modulesRoot: dist,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-01-01",
    bindings: { WEBHOOK_SECRET: SECRET, MAX_BYTES: String(EXAMPLE_LIMIT) },
  });
  cleanups.push(() => mf.dispose());
  await mf.ready;
  const inWorker = (path) => direct((url, init) => mf.dispatchFetch(url, init), path, { viaMiniflare: true });
  receiverTests("hono example (workerd)", { ...inWorker("/webhooks"), limit: EXAMPLE_LIMIT });
  receiverTests("withWebhook, secret and limit from env (workerd)", { ...inWorker("/fetch"), limit: EXAMPLE_LIMIT });
  test("withWebhook (workerd): the handler gets the verified delivery and the Worker's ctx", async () => {
    const body = event();
    const headers = signed(body);
    const res = await mf.dispatchFetch("http://127.0.0.1/fetch", { method: "POST", body, headers });
    assert.deepEqual([res.status, res.headers.get("x-webhook-id"), res.headers.get("x-wait-until")], [204, headers["webhook-id"], "function"]);
  });
} else if (runtime === "node-middleware") {
  const { createServer } = await import("node:http");
  const { default: express } = await import("express");
  const { app: expressExample } = await import("./examples/framework-receivers/express.mjs");

  /** Listen on 127.0.0.1; `readFor(answer)` gives the bytes the server read from that client's socket. */
  const listen = async (app) => {
    const server = createServer(app);
    const bytesRead = new Map(); // client port -> bytes the server read, once its socket closed
    const closed = new Map();
    server.on("connection", (socket) => {
      const port = socket.remotePort;
      closed.set(port, new Promise((resolve) => socket.on("close", () => resolve(bytesRead.set(port, socket.bytesRead)))));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(() => server.closeAllConnections());
    const base = `http://127.0.0.1:${server.address().port}`;
    // The head of the request counts too: a few hundred bytes.
    const readFor = async (answer) => {
      await Promise.race([closed.get(answer.localPort), new Promise((r) => setTimeout(r, 5000))]);
      return bytesRead.get(answer.localPort);
    };
    return { base, readFor };
  };

  {
    // The providers' handshakes and Twilio's URL, through Express over sockets.
    const seen = { routed: 0 };
    const app = express();
    for (const [path, options] of providerRoutes) {
      app.post(path, hooklineExpress(options), (req, res) => {
        seen.routed++;
        res.status(204).end();
      });
    }
    const { base } = await listen(app);
    const send = (path, body, headers) => rawPost(base, path, headers, body);
    registerProviderMiddlewareTests(test, "express", { send, seen, ownUrl: (path) => `${base}${path}` });
    test("express: a Twilio request without Host (HTTP/1.0) is refused 401, never url_required in the app's error handler", async () => {
      const { port } = new URL(base);
      const answer = await new Promise((resolve, reject) => {
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.end("POST /twilio-untrusted HTTP/1.0\r\nx-twilio-signature: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\ncontent-length: 3\r\n\r\na=1");
        });
        let data = "";
        socket.on("data", (d) => (data += d));
        socket.on("error", reject);
        socket.on("close", () => resolve(data));
      });
      assert.ok(answer.startsWith("HTTP/1.1 401"), answer.split("\r\n")[0]);
      assert.ok(answer.endsWith('{"code":"no_matching_signature"}'), answer);
    });
    test("express: an absolute-form target gives the host and path, never the scheme: a Twilio request signed for another https URL is refused", async () => {
      const { port } = new URL(base);
      const { createHmac } = await import("node:crypto");
      // Twilio's recipe: HMAC-SHA1 of the URL and the sorted parameters (node:crypto, not hookline).
      const signedFor = (url) => createHmac("sha1", "hookline-FAKE-twilio-auth-token").update(`${url}a1`).digest("base64");
      const raw = (target, url, host) =>
        new Promise((resolve, reject) => {
          const socket = connect(Number(port), "127.0.0.1", () => {
            socket.end(`POST ${target} HTTP/1.0\r\n${host ? `host: ${host}\r\n` : ""}content-type: application/x-www-form-urlencoded\r\nx-twilio-signature: ${signedFor(url)}\r\ncontent-length: 3\r\n\r\na=1`);
          });
          let data = "";
          socket.on("data", (d) => (data += d));
          socket.on("error", reject);
          socket.on("close", () => resolve(data.split("\r\n")[0]));
        });
      // Before, with no Host the whole target was taken for the URL, its https included.
      assert.equal(await raw("https://other-app.example/twilio-untrusted", "https://other-app.example/twilio-untrusted"), "HTTP/1.1 401 Unauthorized");
      assert.equal(await raw("https://other-app.example/twilio-untrusted", "https://other-app.example/twilio-untrusted", "other-app.example"), "HTTP/1.1 401 Unauthorized");
      // Its authority and path with the connection's scheme: the URL the server was called at.
      const own = `http://127.0.0.1:${port}/twilio-untrusted`;
      assert.equal(await raw(own, own), "HTTP/1.1 204 No Content");
    });
  }

  const example = await listen(expressExample);
  receiverTests("express example", { ...overSockets(example.base, "/webhooks", example.readFor), limit: EXAMPLE_LIMIT });

  test("express example: the oversized body's connection is closed after the 413", async () => {
    const body = event();
    const res = await rawPost(example.base, "/webhooks", signed(body), { declared: false, bytes: 3 * EXAMPLE_LIMIT });
    assert.deepEqual([res.status, res.headers.connection], [413, "close"]);
  });
  test("express example: the app's other routes still parse JSON (the parser is registered after the webhook route)", async () => {
    const res = await rawPost(example.base, "/api/echo", { "content-type": "application/json" }, JSON.stringify({ a: 1 }));
    assert.deepEqual([res.status, JSON.parse(res.body)], [200, { a: 1 }]);
  });

  /** An app with `before` in front of the webhook route, recording what reached the route and the error handler. */
  const appWith = async (before, options = { secret: SECRET }) => {
    const app = express();
    const seen = { routes: [], errors: [] };
    if (before) app.use(before);
    app.post("/webhooks", hooklineExpress(options), (req, res) => {
      seen.routes.push(req.webhook);
      res.sendStatus(204);
    });
    app.use((err, req, res, next) => {
      seen.errors.push(err);
      res.status(500).json({ code: err.code });
    });
    return { ...(await listen(app)), seen };
  };

  test("express: app.use(express.json()) before the route: HooklineError invalid_payload to the error handler, telling where to mount", async () => {
    const { base, seen } = await appWith(express.json());
    const body = event();
    const res = await rawPost(base, "/webhooks", signed(body), body);
    assert.deepEqual([res.status, seen.routes.length, seen.errors.length], [500, 0, 1]);
    const [e] = seen.errors;
    assert.ok(e instanceof HooklineError && !(e instanceof WebhookVerificationError), `${e?.name}: ${e?.message}`);
    assert.equal(e.code, "invalid_payload");
    assert.ok(/parsed by another middleware \(express\.json\(\)/.test(e.message), e.message);
    assert.ok(/before app\.use\(express\.json\(\)\)/.test(e.hint), e.hint);
  });
  test("express: express.text() before the route is refused the same way (a decoded string is not the signed bytes)", async () => {
    const { base, seen } = await appWith(express.text({ type: "*/*" }));
    const body = event();
    await rawPost(base, "/webhooks", signed(body), body);
    assert.deepEqual([seen.routes.length, seen.errors.map((e) => e.code)], [0, ["invalid_payload"]]);
  });
  test("express: express.raw() before the route is fine: its Buffer is verified (signed 204, tampered 401)", async () => {
    const { base, seen } = await appWith(express.raw({ type: "*/*" }));
    const body = event();
    const ok = await rawPost(base, "/webhooks", signed(body), body);
    const bad = await rawPost(base, "/webhooks", signed(body), body.replace("4200", "4201"));
    assert.deepEqual([ok.status, bad.status, codeOf(bad), seen.errors.length], [204, 401, "no_matching_signature", 0]);
    assert.deepEqual(seen.routes[0].payload, JSON.parse(body));
  });
  test("express: req.webhook carries the verified delivery: scheme, id, payload and the raw bytes", async () => {
    const { base, seen } = await appWith(null);
    const body = event();
    const headers = signed(body);
    assert.equal((await rawPost(base, "/webhooks", headers, body)).status, 204);
    const [w] = seen.routes;
    assert.deepEqual([w.scheme, w.id, w.payload, Buffer.from(w.body).toString()], ["standard-webhooks", headers["webhook-id"], JSON.parse(body), body]);
  });
  test("express: a bad secret throws at once; from a per-request function it goes to next(error) (500), never a 401", async () => {
    assert.throws(() => hooklineExpress({ secret: "" }), "invalid_secret", WebhookVerificationError);
    const { base, seen } = await appWith(null, () => ({ secret: "" }));
    const body = event();
    const res = await rawPost(base, "/webhooks", signed(body), body);
    assert.deepEqual([res.status, seen.errors.map((e) => e.code), seen.routes.length], [500, ["invalid_secret"], 0]);
  });
  test("express: with a dedupe store the same delivery twice answers 200 duplicate; the route runs once", async () => {
    const { base, seen } = await appWith(null, { secret: SECRET, dedupe: memoryDedupe() });
    const body = event();
    const headers = signed(body);
    const first = await rawPost(base, "/webhooks", headers, body);
    const again = await rawPost(base, "/webhooks", headers, body);
    assert.deepEqual([first.status, again.status, codeOf(again), seen.routes.length], [204, 200, "duplicate", 1]);
  });
  test("express: a route that fails releases its claim: the sender's retry is handled, once (500, 204, 200 duplicate)", async () => {
    // Before, hooklineExpress claimed before the route ran: 500, then 200 duplicate, and the
    // event was handled zero times.
    const app = express();
    let calls = 0;
    let handled = 0;
    app.post("/webhooks", hooklineExpress({ secret: SECRET, dedupe: memoryDedupe() }), (req, res, next) => {
      calls++;
      if (calls === 1) return next(new Error("the database was down"));
      handled++;
      res.sendStatus(204);
    });
    app.use((err, req, res, next) => res.status(500).json({ code: "internal" }));
    const { base } = await listen(app);
    const body = event();
    const headers = signed(body);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await rawPost(base, "/webhooks", headers, body)).status);
    assert.deepEqual([answers, handled], [[500, 204, 200], 1]);
  });
  test("express: a client that goes away mid-body reaches neither the route nor the error handler", async () => {
    const { base, seen } = await appWith(null);
    const { port } = new URL(base);
    await new Promise((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: Number(port) }, () => {
        socket.write(`POST /webhooks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 1000\r\nwebhook-id: msg_1\r\n\r\n${"a".repeat(100)}`);
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on("close", resolve);
      socket.on("error", () => {});
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual([seen.routes.length, seen.errors.length], [0, 0]);
    const body = event();
    assert.equal((await rawPost(base, "/webhooks", signed(body), body)).status, 204, "the server still answers");
  });
} else {
  const honoBase = await serveFetch((request) => honoExample.fetch(request));
  receiverTests(`hono example (${globalThis.Deno ? "Deno.serve" : "Bun.serve"})`, { ...overSockets(honoBase, "/webhooks"), limit: EXAMPLE_LIMIT });
  const fetchBase = await serveFetch(fetchExample.fetch);
  receiverTests(`fetch example (${globalThis.Deno ? "Deno.serve" : "Bun.serve"}, default limit)`, { ...overSockets(fetchBase, "/"), limit: DEFAULT_LIMIT });
}

try {
  const result = await run(runtime);
  report(result);
  if (result.failed || result.passed === 0) process.exitCode = 1;
} finally {
  for (const f of cleanups.reverse()) await Promise.resolve(f()).catch((e) => console.log(`  cleanup: ${e?.message}`));
}
