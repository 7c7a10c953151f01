// The Worker that `node middleware.mjs workerd` bundles with esbuild and runs in Miniflare: the
// Hono example as it would be deployed (its secret from env), and withWebhook with the secret
// and the limit read from env per request.
import { withWebhook } from "hookline/middleware";
import honoExample from "./examples/framework-receivers/hono.mjs";

const fetchRoute = withWebhook(
  (request, env) => ({ secret: env.WEBHOOK_SECRET, maxPayloadBytes: Number(env.MAX_BYTES) }),
  (request, webhook, env, ctx) => new Response(null, { status: 204, headers: { "x-webhook-id": webhook.id, "x-wait-until": typeof ctx.waitUntil } }),
);

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/fetch") return fetchRoute(request, env, ctx);
    return honoExample.fetch(request, env, ctx);
  },
};
