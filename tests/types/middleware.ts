// Compiled with `tsc --strict` by npm test, with Hono's own types: hookline/middleware fits Hono's
// routes as written in its docs, the Fetch wrapper fits a Worker's fetch, and misuse fails.
import { Hono } from "hono";
import type { VerifiedRequest } from "hookline";
import { hooklineExpress, hooklineHono, withWebhook, type NodeMiddleware } from "hookline/middleware";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// Hono: the variable declared once, read typed in the route.
const app = new Hono<{ Bindings: { WEBHOOK_SECRET: string }; Variables: { webhook: VerifiedRequest } }>();
app.post("/hook", hooklineHono({ secret, maxPayloadBytes: 1 << 20 }), (c) => {
  const webhook: VerifiedRequest = c.get("webhook");
  const raw: Uint8Array = webhook.body;
  // @ts-expect-error the payload is unknown until the caller says what it is
  webhook.payload.type;
  return c.body(raw.byteLength ? null : null, 204);
});
// The secret from the Worker's bindings, per request: c.env is typed from the app's Bindings.
app.post("/env", hooklineHono((c) => ({ secret: c.env.WEBHOOK_SECRET })), (c) => c.body(null, 204));
// Bindings declared as an interface are named.
interface Bindings {
  SECRET: string;
}
const named = new Hono<{ Bindings: Bindings }>();
named.post("/hook", hooklineHono<Bindings>((c) => ({ secret: c.env.SECRET })), (c) => c.body(null, 204));
// @ts-expect-error bindings the app does not have
named.post("/hook", hooklineHono<{ OTHER: string }>((c) => ({ secret: c.env.OTHER })), (c) => c.body(null, 204));
// @ts-expect-error options are required
hooklineHono();

// A Worker: env and ctx reach the options and the handler, typed.
interface Env {
  WEBHOOK_SECRET: string;
}
interface Ctx {
  waitUntil(p: Promise<unknown>): void;
}
const worker: { fetch(request: Request, env: Env, ctx: Ctx): Promise<Response> } = {
  fetch: withWebhook(
    (request, env: Env, ctx: Ctx) => ({ secret: env.WEBHOOK_SECRET }),
    async (request, webhook, env, ctx) => {
      ctx.waitUntil(Promise.resolve(env.WEBHOOK_SECRET.length));
      return new Response(webhook.id ?? null, { status: 200 });
    },
  ),
};
// Deno.serve / Bun.serve: (request) => Promise<Response>.
const served: (request: Request) => Promise<Response> = withWebhook({ secret }, (request, webhook) => Response.json({ scheme: webhook.scheme }));
// @ts-expect-error the handler must answer with a Response
withWebhook({ secret }, () => "ok");

// Express and node:http: (req, res, next).
const express: NodeMiddleware = hooklineExpress({ secret });
// Behind a proxy that overwrites X-Forwarded-Proto/-Host, the URL the provider called is rebuilt from them.
const behindProxy: NodeMiddleware = hooklineExpress({ scheme: "twilio", secret, trustProxy: true });
// @ts-expect-error trustProxy is a flag
hooklineExpress({ secret, trustProxy: "yes" });
// @ts-expect-error not verifier options
hooklineExpress({ secret: 42 });

export { app, express, named, served, worker };
