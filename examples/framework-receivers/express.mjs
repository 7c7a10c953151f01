// Receive webhooks in Express with hookline/middleware: it reads the raw body itself (no
// express.raw(), and never past maxPayloadBytes), verifies it and sets req.webhook.
//   import { app } from "./express.mjs"; app.listen(3000, "127.0.0.1");   (WEBHOOK_SECRET=whsec_...)
import express from "express";
import { hooklineExpress } from "hookline/middleware";

export const app = express();

// Refused deliveries are answered by the middleware: 401 {"code":"no_matching_signature"},
// 401 {"code":"timestamp_too_old"}, 413 {"code":"payload_too_large"} past 1 MiB, ...
const verified = hooklineExpress({ secret: process.env.WEBHOOK_SECRET, maxPayloadBytes: 1024 * 1024 });

app.post("/webhooks", verified, (req, res) => {
  const { id, payload } = req.webhook; // payload: the parsed JSON; req.webhook.body: the raw bytes
  console.log(`verified ${id}: ${payload.type}`);
  res.sendStatus(204);
});

// The rest of the app may parse JSON: registered after the webhook route, the parser never
// consumes its body. (Registered before it, the middleware refuses with invalid_payload.)
app.use(express.json());
app.post("/api/echo", (req, res) => res.json(req.body));
