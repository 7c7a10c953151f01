// Types of `hookline/middleware`: receiving in Express, Hono and Fetch handlers without the raw-body trap.
import type { VerifiedRequest, VerifyRequestOptions } from "./index.js";

/**
 * `verifyRequest`'s options plus how the middleware learns the URL the provider called (Twilio,
 * Square and HubSpot sign it): `url` fixes it; otherwise it is the request's own (Express: the
 * connection's protocol, `Host` and `originalUrl`), or with `trustProxy: true` the one
 * `X-Forwarded-Proto` and `X-Forwarded-Host` name. Trust them only behind a proxy that
 * overwrites them: a client can send them.
 */
export type MiddlewareOptions = VerifyRequestOptions & {
  /** Rebuild the URL from `X-Forwarded-Proto` and `X-Forwarded-Host` (their first values). Default false. */
  trustProxy?: boolean;
};

/**
 * How every middleware here answers a delivery it refuses, with a JSON body `{ "code": ... }`:
 * 401 for a failed verification (`no_matching_signature`, `timestamp_too_old`, ...), 413 for
 * `payload_too_large` (the body is read no further than `maxPayloadBytes`, 25 MiB when unset),
 * 200 for `duplicate` (with a `dedupe` store: seen before, the route does not run), 503 for
 * `dedupe_unavailable`. Anything else (a bad secret, a body another middleware already read) is
 * thrown to the framework's error handling. A provider's endpoint verification (Slack's
 * `url_verification`, Zoom's `endpoint.url_validation`, Discord's PING), once verified, is
 * answered 200 with its JSON answer, and the route is not called.
 */
export interface MiddlewareRefusal {
  /** The error's stable code, e.g. `"no_matching_signature"`. */
  code: string;
}

/** What the Express middleware reads of a request: node:http's `IncomingMessage`, Express's `req`. */
export interface NodeRequestLike {
  headers: Record<string, string | string[] | undefined>;
  /** The method and path (Express: `originalUrl`), for the schemes that sign the URL. */
  method?: string;
  url?: string;
  originalUrl?: string;
  /** The connection: a TLS socket (`encrypted`) makes the rebuilt URL `https`. */
  socket?: object;
  /** What a body parser left: a `Buffer` from `express.raw()` is verified; anything else is refused. */
  body?: unknown;
  /** The verified delivery, once `hooklineExpress()` has run. */
  webhook?: VerifiedRequest;
  readableDidRead?: boolean;
  readableEnded?: boolean;
  destroyed?: boolean;
  /** Stops reading an oversized body; the connection closes after the 413. */
  pause(): unknown;
  /** The body, read chunk by chunk and only as far as the size limit. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
}

/** What the Express middleware writes to a response: node:http's `ServerResponse`, Express's `res`. */
export interface NodeResponseLike {
  statusCode: number;
  /** Sets one response header. */
  setHeader(name: string, value: string): unknown;
  /** Sends the body and finishes the response. */
  end(body: string): unknown;
}

/**
 * Express (connect) middleware: `(req, res, next) => void`. `Req` is the framework's request
 * type where it is known (Express's `Request`, with its `params`), node:http's otherwise.
 */
export type NodeMiddleware<Req extends NodeRequestLike = NodeRequestLike> = (req: Req, res: NodeResponseLike, next: (error?: unknown) => void) => void;

/**
 * Express middleware for one webhook route:
 * `app.post("/hook", hooklineExpress({ secret }), (req, res) => { req.webhook.payload ... })`.
 * It reads the raw body from the request stream itself (so no `express.raw()` is needed), no
 * further than the size limit, verifies it with `verifyRequest` and sets `req.webhook`. It
 * answers refusals itself (see `MiddlewareRefusal`). A body that `express.json()` (or any
 * other parser) already consumed cannot be verified: that is passed to `next(error)` as a
 * `HooklineError` with code `invalid_payload` and a hint saying where to mount the route. A body
 * that arrives slowly is bounded in time by the server's own timeouts (Node's
 * `server.requestTimeout`, 300 s by default).
 *
 * @param options `verifyRequest`'s options (keys, scheme, tolerance, `maxPayloadBytes`, dedupe),
 * checked at once (a bad secret throws here, at start-up); or a function of the request that
 * returns them, called per request. Annotate its parameter with Express's `Request` to read
 * Express's fields: `hooklineExpress((req: Request<{ tenant: string }>) => ({ secret: secrets[req.params.tenant] }))`.
 */
export function hooklineExpress<Req extends NodeRequestLike = NodeRequestLike>(
  options: MiddlewareOptions | ((req: Req) => MiddlewareOptions),
): NodeMiddleware<Req>;

/** What the Hono middleware uses of Hono's context `c`. */
export interface HonoContextLike {
  req: { raw: Request };
  /** Where the verified delivery goes: `c.get("webhook")` in the route. */
  set(key: "webhook", value: VerifiedRequest): void;
}

/** A Hono middleware for contexts of type `C`: `(c, next) => Promise<Response | void>`. */
export type HonoMiddleware<C extends HonoContextLike = HonoContextLike> = (c: C, next: () => Promise<void>) => Promise<Response | void>;

/**
 * Hono middleware for one webhook route (Workers, Deno, Bun, Node):
 * `app.post("/hook", hooklineHono({ secret }), (c) => { c.get("webhook").payload ... })`.
 * Declare the variable for typed access: `new Hono<{ Variables: { webhook: VerifiedRequest } }>()`.
 * It reads `c.req.raw` no further than the size limit, verifies it with `verifyRequest` and sets
 * `c.set("webhook", ...)`; it answers refusals itself (see `MiddlewareRefusal`). A body already
 * read by `c.req.json()`, a validator or another middleware throws a `HooklineError` with code
 * `invalid_payload` to `app.onError`.
 *
 * @param options `verifyRequest`'s options, checked at once (a bad secret throws here).
 */
export function hooklineHono(options: MiddlewareOptions): HonoMiddleware;
/**
 * Hono middleware whose options come from the context per request, e.g. a Worker's secret:
 * `hooklineHono((c) => ({ secret: c.env.WEBHOOK_SECRET }))`. `Bindings` is the type of `c.env`
 * (name it when it is an interface: `hooklineHono<Env>(...)`).
 *
 * @param options A function of the context that returns `verifyRequest`'s options.
 */
export function hooklineHono<Bindings = Record<string, string | undefined>>(
  options: (c: HonoContextLike & { env: Bindings }) => MiddlewareOptions,
): HonoMiddleware<HonoContextLike & { env: Bindings }>;

/**
 * A Fetch handler that gets only verified deliveries, for `Deno.serve`, `Bun.serve` and Workers:
 * `withWebhook({ secret }, async (request, webhook) => new Response(null, { status: 204 }))`.
 * The returned handler reads the body no further than the size limit, verifies it with
 * `verifyRequest`, answers refusals itself (see `MiddlewareRefusal`) and otherwise calls
 * `handler(request, webhook, ...rest)`, where `rest` is what the server passed after the request
 * (Workers: `env, ctx`; Deno: `info`; Bun: `server`). A `Request` whose body was already read
 * rejects with a `HooklineError` of code `invalid_payload`.
 *
 * @param options `verifyRequest`'s options, checked at once; or a function of the handler's
 * arguments that returns them per request (Workers: `(request, env) => ({ secret: env.WEBHOOK_SECRET })`).
 * @param handler Called with the request (its body consumed), the verified delivery and `rest`.
 */
export function withWebhook<Rest extends unknown[] = []>(
  options: MiddlewareOptions | ((request: Request, ...rest: Rest) => MiddlewareOptions),
  handler: (request: Request, webhook: VerifiedRequest, ...rest: Rest) => Response | Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response>;

declare global {
  namespace Express {
    /** Express's request, as `hooklineExpress()` leaves it on its route. */
    interface Request {
      /** The verified delivery: scheme, key, id, timestamp, `payload` (parsed JSON) and `body` (raw bytes). */
      webhook?: VerifiedRequest;
    }
  }
}
