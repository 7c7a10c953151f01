// Receive Standard Webhooks with Deno.serve.
//   WEBHOOK_SECRET=whsec_... deno run --allow-net=127.0.0.1 --allow-env=WEBHOOK_SECRET,PORT main.ts
import { Webhook, WebhookVerificationError } from "npm:hookline/receiver";

const wh = new Webhook(Deno.env.get("WEBHOOK_SECRET") ?? "");

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.env.get("PORT") ?? 8000),
  onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}/`),
}, async (req) => {
  if (req.method !== "POST") return new Response("POST a webhook", { status: 405 });
  try {
    // The raw bytes, exactly as sent: never a re-serialized req.json().
    const event = wh.verify(new Uint8Array(await req.arrayBuffer()), req.headers);
    console.log(`verified ${req.headers.get("webhook-id")}: ${(event as { type?: string }).type}`);
    return new Response(null, { status: 204 });
  } catch (e) {
    if (!(e instanceof WebhookVerificationError)) throw e;
    return Response.json({ code: e.code }, { status: 400 });
  }
});
