// `hookline/middleware`: receiving in Express (or any node:http middleware stack), Hono and plain
// Fetch handlers without the raw-body trap. Each reads the raw body itself, no further than the
// size limit, verifies it with the package's `verifyRequest` and hands the verified delivery to
// the route. I/O only: the keys, the limit, the verdict and the error codes all come from the
// core; this file maps a typed error's code to the HTTP answer, answers a provider's endpoint
// verification (Slack, Zoom, Discord: `webhook.handshake`, verified first) without calling the
// route, and gives the schemes that sign the URL the URL the provider called.
// An entry of its own that takes the receiver from `hookline/receiver` (the lean wasm), whichever
// runtime's that is; it imports nothing else, so it loads in Node, Deno, Bun, workerd and
// browsers alike.
import { HooklineError, Verifier, WebhookVerificationError, verifyRequest } from "hookline/receiver";

// ---- shared -------------------------------------------------------------------------------------

/**
 * Options as given: an object is checked once, now, so a bad secret stops the app at start-up
 * instead of answering every delivery; a function (for secrets that live in a Worker's `env` or
 * Hono's context) is called per request with the handler's own arguments.
 */
function optionsSource(options) {
  if (typeof options === "function") return options;
  // The library's own check of the keys and limits (it throws its typed errors); the verifier is
  // not kept, since verifyRequest takes the options.
  new Verifier(options).free();
  return () => options;
}

/**
 * The answer for an error `verifyRequest` threw, or undefined when the error is the server's own
 * (a configuration mistake, a failing handler) and must reach the framework's error handling.
 * `invalid_secret` is a receiver set up wrongly, not a verdict on the request, though it is a
 * `WebhookVerificationError` too.
 */
function answerFor(error) {
  if (!(error instanceof HooklineError)) return undefined;
  switch (error.code) {
    case "payload_too_large":
      return { status: 413, code: error.code };
    case "duplicate":
      // Seen before: a 2xx stops the sender's retries, and the route does not run again.
      return { status: 200, code: error.code };
    case "in_progress":
      // Another request is handling it: the sender should try again later, when that one has
      // completed (a duplicate then) or released it (handled then).
      return { status: 409, code: error.code };
    case "dedupe_unavailable":
      // Unknown whether it was seen: the sender should try again later.
      return { status: 503, code: error.code };
    case "invalid_secret":
      return undefined;
    default:
      return error instanceof WebhookVerificationError ? { status: 401, code: error.code } : undefined;
  }
}

const answerBody = (code) => JSON.stringify({ code });

/** A provider's endpoint verification, verified by verifyRequest: answered here, never routed. */
const JSON_TYPE = { "content-type": "application/json" };

/** The first value of a comma-separated forwarding header, trimmed, or undefined. */
function firstForwarded(value) {
  if (typeof value !== "string") return undefined;
  const first = value.split(",", 1)[0].trim();
  return first === "" ? undefined : first;
}

/**
 * Whether the options say `trustProxy: true` themselves (or their class does): one inherited from
 * Object.prototype (prototype pollution) is not theirs to say.
 */
function trustsProxy(options) {
  for (let o = options; o !== null && o !== undefined && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.getOwnPropertyDescriptor(o, "trustProxy") !== undefined) return options.trustProxy === true;
  }
  return false;
}

const HOST = /^[A-Za-z0-9.\-_~%!$&'()*+,;=:[\]]{1,255}$/;

/**
 * The URL the provider called, for the schemes that sign it (Twilio, Square, HubSpot), from its
 * parts: `X-Forwarded-Proto` and `X-Forwarded-Host` (their first values) only when the options say
 * `trustProxy: true` (a client can send them; only a proxy that overwrites them makes them true),
 * the connection's own otherwise. Undefined when the parts are not a URL's.
 */
function publicUrl(options, get, own) {
  let { proto, host } = own;
  if (trustsProxy(options)) {
    proto = firstForwarded(get("x-forwarded-proto")) ?? proto;
    host = firstForwarded(get("x-forwarded-host")) ?? host;
  }
  if ((proto !== "http" && proto !== "https") || typeof host !== "string" || !HOST.test(host)) return undefined;
  return `${proto}://${host}${own.path}`;
}

/** A Fetch Request's URL as the provider called it, when a proxy is trusted; else undefined (its own URL is used). */
function fetchUrl(options, request) {
  if (!trustsProxy(options) || options.url !== undefined) return undefined;
  let own;
  try {
    own = new URL(request.url);
  } catch {
    return undefined;
  }
  const get = (name) => request.headers.get(name);
  return publicUrl(options, get, { proto: own.protocol.slice(0, -1), host: own.host, path: own.pathname + own.search });
}

/** The options with the rebuilt URL, when there is one to add. */
function withUrl(options, url) {
  return url === undefined ? options : { ...options, url };
}

/**
 * Settle a dedupe claim once the route has answered: a 2xx completes it (the delivery was
 * handled), anything else releases it so the sender's retry is handled. A store that fails
 * here only leaves the claim to its lease (a completed delivery the sender was told about, or a
 * released one the next retry finds pending until the lease ends), so its error is not the
 * request's.
 */
function settle(webhook, ok) {
  const d = webhook?.dedupe;
  if (!d) return undefined;
  return (ok ? d.complete() : d.release()).catch(() => {});
}

function answerResponse({ status, code }) {
  return new Response(answerBody(code), { status, headers: { "content-type": "application/json" } });
}

/** Whether a Request's body was read, or is being read by another reader (locked). */
function bodyGone(request) {
  return request?.bodyUsed === true || request?.body?.locked === true;
}

/** The typed error for a body another part of the app read before the middleware could. */
function bodyAlreadyRead(what, hint) {
  return new HooklineError("invalid_payload", `the request body was already ${what}, so the signed bytes are gone`, hint);
}

// ---- Fetch handlers: Deno.serve, Bun.serve, Workers ---------------------------------------------

/**
 * Wrap a Fetch handler: `withWebhook(options, (request, webhook, ...rest) => Response)` returns
 * `(request, ...rest) => Promise<Response>` that answers 401/413 itself and calls the handler
 * only with a verified delivery.
 */
export function withWebhook(options, handler) {
  if (typeof handler !== "function") {
    throw new TypeError("withWebhook(options, handler): handler must be a function (request, webhook) => Response");
  }
  const optionsFor = optionsSource(options);
  return async function verifiedHandler(request, ...rest) {
    if (bodyGone(request)) {
      throw bodyAlreadyRead("read", "pass the untouched Request to the wrapped handler; it gets the verified bytes as webhook.body and the parsed JSON as webhook.payload");
    }
    let webhook;
    try {
      const options = optionsFor(request, ...rest);
      webhook = await verifyRequest(request, withUrl(options, fetchUrl(options, request)));
    } catch (error) {
      const answer = answerFor(error);
      if (!answer) throw error;
      return answerResponse(answer);
    }
    if (webhook.handshake) {
      await settle(webhook, true);
      return new Response(webhook.handshake.body, { status: 200, headers: JSON_TYPE });
    }
    let response;
    try {
      response = await handler(request, webhook, ...rest);
    } catch (error) {
      await settle(webhook, false);
      throw error;
    }
    await settle(webhook, response instanceof Response && response.ok);
    return response;
  };
}

// ---- Hono (Workers, Deno, Bun, Node) ------------------------------------------------------------

/**
 * Hono middleware: reads `c.req.raw`, answers 401/413 itself, and otherwise sets the verified
 * delivery with `c.set("webhook", ...)` and calls `next()`. Nothing of Hono is imported: any
 * context with `req.raw` and `set` will do.
 */
export function hooklineHono(options) {
  const optionsFor = optionsSource(options);
  return async function hooklineMiddleware(c, next) {
    const request = c.req.raw;
    if (bodyGone(request)) {
      throw bodyAlreadyRead(
        "read (c.req.json(), c.req.text(), a validator or another middleware ran first)",
        "put hooklineHono() first on the webhook route, before anything that reads the body; the handler gets the verified body from c.get(\"webhook\")",
      );
    }
    let webhook;
    try {
      const options = optionsFor(c);
      webhook = await verifyRequest(request, withUrl(options, fetchUrl(options, request)));
    } catch (error) {
      const answer = answerFor(error);
      if (!answer) throw error;
      return answerResponse(answer);
    }
    if (webhook.handshake) {
      await settle(webhook, true);
      return new Response(webhook.handshake.body, { status: 200, headers: JSON_TYPE });
    }
    c.set("webhook", webhook);
    try {
      await next();
    } catch (error) {
      await settle(webhook, false);
      throw error;
    }
    // Hono answers a handler's throw with onError's response (c.error set), not by rethrowing.
    await settle(webhook, c.error === undefined && c.res?.ok === true);
  };
}

// ---- Express and node:http ----------------------------------------------------------------------

/**
 * Express (or connect) middleware for one route: reads the raw body from the node:http request
 * stream itself, the way `express.raw()` would but bounded by the verifier's limit, sets
 * `req.webhook` and calls `next()`; answers 401/413 itself; passes anything else to `next(error)`.
 */
export function hooklineExpress(options) {
  const optionsFor = optionsSource(options);
  return function hooklineMiddleware(req, res, next) {
    let source;
    let options;
    try {
      source = nodeBody(req);
      options = optionsFor(req);
    } catch (error) {
      next(error);
      return;
    }
    const headers = nodeHeaders(req.headers);
    // The URL and method the signing schemes need: node:http has only the path and the Host.
    const own = {
      proto: req.socket?.encrypted ? "https" : "http",
      host: headers.get("host") ?? undefined,
      path: typeof req.originalUrl === "string" ? req.originalUrl : String(req.url ?? ""),
    };
    // An absolute-form target (`POST https://host/path`): its authority is the host (RFC 9112,
    // 3.2.2) and its path the path; the scheme is still the connection's, never the client's.
    if (!own.path.startsWith("/")) {
      let target = null;
      try {
        target = new URL(own.path);
      } catch {
        // not a URL: no URL is made (below)
      }
      own.host = target?.host || undefined;
      own.path = target ? target.pathname + target.search : "";
    }
    // Parts that make no URL (no Host, a malformed forwarded host): the path alone, which no
    // provider signed, so the request fails verification (401), as the client's doing, instead of
    // reaching the app's error handling as url_required.
    const url = options?.url === undefined ? (publicUrl(options, (n) => headers.get(n), own) ?? (own.path || "/")) : undefined;
    const method = typeof req.method === "string" ? req.method : undefined;
    verifyRequest({ headers, body: source.stream, bodyUsed: false, url, method }, options).then(
      (webhook) => {
        if (webhook.handshake) {
          settle(webhook, true);
          res.statusCode = 200;
          res.setHeader("content-type", "application/json");
          res.end(webhook.handshake.body);
          return;
        }
        req.webhook = webhook;
        if (webhook.dedupe) {
          // The route answers later: a 2xx completes the claim; anything else (an error page,
          // a connection closed before the answer) releases it.
          let done = false;
          const end = (ok) => {
            if (done) return;
            done = true;
            settle(webhook, ok);
          };
          res.on("finish", () => end(res.statusCode >= 200 && res.statusCode < 300));
          res.on("close", () => end(false));
        }
        next();
      },
      (error) => {
        // The client went away mid-body: there is nobody to answer.
        if (source.failed && req.destroyed) return;
        const answer = answerFor(error);
        if (!answer) return next(error);
        res.statusCode = answer.status;
        res.setHeader("content-type", "application/json");
        // The rest of an oversized body is never read: the connection closes after the answer.
        if (answer.status === 413) res.setHeader("connection", "close");
        res.end(answerBody(answer.code));
      },
    );
  };
}

/**
 * The request's body as a ReadableStream that reads from node only when pulled (so the core's
 * bounded read is the only reader), or the bytes `express.raw()` already collected. Cancelling
 * pauses the request instead of destroying it, so the 413 can still be written to its socket.
 */
function nodeBody(req) {
  const read = req.readableDidRead === true || req.readableEnded === true;
  if (read) {
    const kept = req.body;
    if (kept instanceof Uint8Array) {
      return {
        stream: new ReadableStream({
          start(controller) {
            controller.enqueue(kept);
            controller.close();
          },
        }),
      };
    }
    throw bodyAlreadyRead(
      kept === undefined || kept === null ? "read by another middleware" : "parsed by another middleware (express.json(), express.text() or express.urlencoded())",
      "mount hooklineExpress() on the webhook route and register that route before app.use(express.json()), or keep the parser off its path; express.raw() before it is fine",
    );
  }
  const source = { failed: false, stream: undefined };
  let chunks;
  source.stream = new ReadableStream(
    {
      async pull(controller) {
        chunks ??= req[Symbol.asyncIterator]();
        let step;
        try {
          step = await chunks.next();
        } catch (error) {
          source.failed = true;
          throw error;
        }
        if (step.done) controller.close();
        else controller.enqueue(step.value);
      },
      cancel() {
        req.pause();
      },
    },
    { highWaterMark: 0 },
  );
  return source;
}

/** node:http's header object as the `get(name)` the core reads (repeated values joined by ", "). */
function nodeHeaders(headers) {
  return {
    get(name) {
      const key = String(name).toLowerCase();
      const value = Object.hasOwn(headers, key) ? headers[key] : undefined;
      if (Array.isArray(value)) return value.join(", ");
      return typeof value === "string" ? value : null;
    },
  };
}
