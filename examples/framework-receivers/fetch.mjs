// A Fetch handler that only ever sees verified webhooks: Deno.serve, Bun.serve, Workers.
//   WEBHOOK_SECRET=whsec_... deno serve --allow-net --allow-env=WEBHOOK_SECRET fetch.mjs
//   WEBHOOK_SECRET=whsec_... bun fetch.mjs
// (On Workers the secret is in env: withWebhook((request, env) => ({ secret: env.WEBHOOK_SECRET }), ...).)
import { withWebhook } from "hookline/middleware";

const receive = withWebhook({ secret: process.env.WEBHOOK_SECRET }, async (request, webhook) => {
  // Refused deliveries never get here: 401/413 {"code": ...} were answered already.
  console.log(`verified ${webhook.scheme} webhook ${webhook.id}: ${webhook.payload.type}`);
  return new Response(null, { status: 204 });
});

export default { fetch: receive };
