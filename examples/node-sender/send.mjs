// Send one signed webhook with retries, logging every attempt.
//   WEBHOOK_SECRET=whsec_... node send.mjs https://hooks.example.com/in
// The SSRF guard refuses private and loopback targets; ALLOW_TARGETS=127.0.0.1 lets a local
// receiver through (comma-separated hosts or CIDRs). Exits 1 when the webhook was not delivered.
import { createDispatcher } from "hookline";

const url = process.argv[2] ?? process.env.WEBHOOK_URL;
const dispatcher = createDispatcher({
  retry: { schedule: [0, 1_000, 10_000, 60_000] }, // the wait before each try, after the one before; or "svix", "standard-webhooks"
  timeoutMs: 10_000,
  ssrf: { allow: (process.env.ALLOW_TARGETS ?? "").split(",").filter(Boolean) },
  // One record per try: append it to your delivery log (a schema: docs/sending.md).
  onAttempt: (r) => {
    const next = r.nextRetryAt ? `, next try at ${r.nextRetryAt}` : "";
    console.log(`attempt ${r.attempt} of ${r.deliveryId}: ${r.status ?? "-"} ${r.outcome} in ${r.durationMs} ms${next}${r.error ? ` (${r.error})` : ""}`);
  },
});

const summary = await dispatcher.dispatch(
  { type: "invoice.paid", data: { invoice: "in_1", amount: 4200 } },
  [{ id: "ep_1", url, secret: process.env.WEBHOOK_SECRET }],
);
console.log(`event ${summary.eventId}: ${summary.delivered} delivered, ${summary.failed} failed`);
process.exitCode = summary.delivered === summary.matched ? 0 : 1;
