// Receive Standard Webhooks (and Svix) in Express.
//   WEBHOOK_SECRET=whsec_... PORT=3000 node server.mjs
import express from "express";
import { Webhook, WebhookVerificationError } from "hookline/receiver";

const wh = new Webhook(process.env.WEBHOOK_SECRET); // "whsec_..."; the key is prepared once here
const app = express();

// The signature covers the exact bytes that were sent, so this route keeps its body raw (a
// Buffer). Mount it before any express.json(), which would replace the body with a parsed object.
app.post("/webhooks", express.raw({ type: "application/json" }), (req, res) => {
  try {
    const event = wh.verify(req.body, req.headers); // the parsed JSON, once verified
    console.log(`verified ${req.get("webhook-id")}: ${event.type}`);
    res.sendStatus(204);
  } catch (e) {
    if (!(e instanceof WebhookVerificationError)) throw e;
    res.status(400).json({ code: e.code }); // e.g. "no_matching_signature", "timestamp_too_old"
  }
});

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks`);
});
