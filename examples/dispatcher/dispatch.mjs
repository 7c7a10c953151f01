// Deliver one event to the subscriptions it matches, every attempt appended to a log.
//   WEBHOOK_URL=https://hooks.example.com/in WEBHOOK_SECRET=whsec_... node dispatch.mjs
// ALLOW_TARGETS=127.0.0.1 lets a local receiver through the SSRF guard (hosts or CIDRs, comma-separated).
import { createDispatcher } from "hookline";
import { db } from "./db.mjs"; // your database client; here a stand-in that appends JSON lines

const dispatcher = createDispatcher({
  retry: "svix",                    // or a policy object (above)
  timeoutMs: 15_000,                // per request, through an AbortSignal
  concurrency: 10,
  onAttempt: (record) => db.insert("webhook_attempts", record),   // the append-only log
  ssrf: { allow: (process.env.ALLOW_TARGETS ?? "").split(",").filter(Boolean) },
  // fetch, clock, sleep and random are injectable: a test double, undici, a proxying fetch
});

const summary = await dispatcher.dispatch(
  { type: "invoice.paid", data: { invoice: "in_1" } },
  [
    { id: "ep_1", url: process.env.WEBHOOK_URL, secret: process.env.WEBHOOK_SECRET, eventTypes: ["invoice.*"] },
    { id: "ep_2", url: process.env.WEBHOOK_URL, secret: process.env.WEBHOOK_SECRET, eventTypes: ["customer.*"] },
  ], // or a Matcher built once from the list, for many events
);
// { eventId, matched, delivered, failed, pending, records, jobs }
console.log(`event ${summary.eventId}: ${summary.matched} matched, ${summary.delivered} delivered, ${summary.failed} failed`);
