// Receive webhooks with Hono on Workers, Deno, Bun or Node: hookline/middleware reads c.req.raw
// (never past maxPayloadBytes), verifies it and sets c.get("webhook").
//   Workers: main = "hono.mjs" (wrangler secret put WEBHOOK_SECRET); Bun: bun hono.mjs;
//   Deno: deno serve --allow-net --allow-env hono.mjs; Node: @hono/node-server's serve(app).
import { Hono } from "hono";
import { env } from "hono/adapter";
import { hooklineHono } from "hookline/middleware";

const app = new Hono();

// The secret per request, from the Worker's env or the process environment.
const verified = hooklineHono((c) => ({ secret: env(c).WEBHOOK_SECRET, maxPayloadBytes: 1024 * 1024 }));

app.post("/webhooks", verified, (c) => {
  const { id, payload } = c.get("webhook"); // refused ones got 401/413 {"code": ...} already
  console.log(`verified ${id}: ${payload.type}`);
  return c.body(null, 204);
});

export default app;
