// A sender built from hookline's pure decisions, with your own fetch, storage and scheduler: one
// attempt per matching subscription, then what to do next.
//   node decisions.mjs subscriptions.json
// ALLOW_TARGETS=127.0.0.1 lets a local receiver through the SSRF guard (hosts or CIDRs, comma-separated).
import { readFileSync } from "node:fs";
import { lookup } from "node:dns/promises";
import { buildEnvelope, signHeaders, Matcher, nextAttempt, checkTarget, checkAddress,
         recordAttempt, endpointAdmission } from "hookline";

const subscriptions = JSON.parse(readFileSync(process.argv[2] ?? "subscriptions.json", "utf8")); // from your database
const allow = (process.env.ALLOW_TARGETS ?? "").split(",").filter(Boolean);

const env = buildEnvelope({ type: "invoice.paid", data: { invoice: "in_1" }, tenant: "acme" });
// env.body: the canonical bytes of {"id":"msg_01J…","type":"invoice.paid","timestamp":"…","tenant_id":"acme","data":{…}}

const matcher = new Matcher(subscriptions);          // index once: 10,000 subscriptions in ~10 ms
for (const sub of matcher.match(env)) {               // ~13 µs per event at 10,000 (bench/matching.mjs)
  if (endpointAdmission(sub.health).kind === "disabled") continue;  // or "deny": its circuit is open
  try {
    const target = checkTarget(sub.url, { allow });   // SSRF guard; throws target_not_allowed
    if (target.hostKind === "domain") {                // and what the name resolves to
      for (const { address } of await lookup(target.host, { all: true })) checkAddress(address, { allow });
    }
  } catch (e) {
    console.log(`${sub.id}: blocked (${e.code})`);
    continue;
  }
  const headers = signHeaders({ secret: sub.secret, payload: env.body, id: env.id });
  const attempt = 1;                                  // your log knows which try this is
  const res = await fetch(sub.url, { method: "POST", body: env.body, redirect: "manual",
                                     headers: { "content-type": "application/json", ...headers } });
  const decision = nextAttempt("svix", attempt, { kind: "status", status: res.status, retryAfter: res.headers.get("retry-after") ?? undefined });
  // { kind: "retry", atMs, delayMs, attempt, reason } | { kind: "delivered" } | { kind: "giveUp", reason } | { kind: "disableEndpoint", reason }
  sub.health = recordAttempt(sub.health, { kind: res.ok ? "delivered" : "failed", status: res.status });
  const when = decision.kind === "retry" ? ` in ${decision.delayMs} ms` : "";  // store atMs for your scheduler
  console.log(`${sub.id}: ${res.status} ${decision.kind}${when}${decision.reason ? ` (${decision.reason})` : ""}, endpoint ${sub.health.state}`);
}
