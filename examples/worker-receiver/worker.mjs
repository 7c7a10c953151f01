// Receive Stripe webhooks on Cloudflare Workers. The secret is a Worker secret:
//   wrangler secret put STRIPE_WEBHOOK_SECRET     (the endpoint's "whsec_..." signing secret)
import { verifyRequest, WebhookVerificationError } from "hookline/receiver";

export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response("POST a webhook", { status: 405 });
    try {
      // Reads the body once as bytes and checks Stripe-Signature (t=...,v1=...) and its timestamp.
      const { payload: event } = await verifyRequest(request, { scheme: "stripe", secret: env.STRIPE_WEBHOOK_SECRET });
      console.log(`verified ${event.id}: ${event.type}`);
      return new Response(null, { status: 204 });
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) throw e;
      return Response.json({ code: e.code }, { status: 400 });
    }
  },
};
