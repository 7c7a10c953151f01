// A webhook sender on Cloudflare Workers and Queues, on the hookline core.
//
// POST /events { "type": "invoice.paid", "data": {...} }
//   builds the envelope, matches it against the subscriptions and puts one delivery job per
//   endpoint on the DELIVERIES queue; answers 202 with the event id. A job holds ids, the URL and
//   the event, never a secret: resolveKeys looks the secret up when an attempt needs it.
// queue(DELIVERIES): one attempt per message through dispatcher.attempt(); the attempt number is
//   the job's (message.attempts also counts hops and key retries). The plan drives the queue:
//   done -> ack; retry -> send the next job with its delay, ack; give up / disable -> the job, its
//   last record and the plan go to DEAD_LETTERS, ack. Queues delay a message 12 h at most, so a
//   job that arrives before its time is sent again for the rest (at most 12 h) and acked: a 20 h
//   wait is two hops. When the keys cannot be had, the same message is retried in 30 s.
// queue(DEAD_LETTERS): where exhausted deliveries land; here they are kept in the RESULTS KV for
//   inspection (a real deployment would alert and offer redelivery).
// Every attempt record is appended to RESULTS as the delivery log (use D1 or Postgres for real).
import { buildEnvelope, createDispatcher, matchSubscriptions } from "hookline";

// #region dispatcher
// The secret store: env.SUBSCRIPTIONS here, read at attempt time (use Secrets Store, KV or D1 for
// real). A job names the secret's version; a rotated-out one is kept in `previousSecrets`.
function keysFor(env, endpointId, secretVersion) {
  const sub = JSON.parse(env.SUBSCRIPTIONS ?? "[]").find((s) => s.id === endpointId);
  const secret = sub?.secretVersion === secretVersion ? sub.secret : sub?.previousSecrets?.[secretVersion];
  if (!secret) throw new Error(`no secret for ${endpointId} at version ${secretVersion}`);
  return secret;
}

function dispatcher(env) {
  return createDispatcher({
    retries: "none", // the queue schedules retries
    retry: env.RETRY_POLICY ? JSON.parse(env.RETRY_POLICY) : "standard-webhooks",
    timeoutMs: 10_000,
    ssrf: { allow: env.ALLOW_TARGETS ? JSON.parse(env.ALLOW_TARGETS) : [] },
    resolveKeys: (endpointId, secretVersion) => keysFor(env, endpointId, secretVersion),
  });
}
// #endregion dispatcher

async function log(env, key, value) {
  if (env.RESULTS) await env.RESULTS.put(key, JSON.stringify(value));
}

export default {
  async fetch(request, env) {
    if (request.method !== "POST" || new URL(request.url).pathname !== "/events") {
      return new Response("POST /events", { status: 404 });
    }
    let event;
    try {
      event = await request.json();
    } catch {
      return Response.json({ error: "body must be JSON" }, { status: 400 });
    }
    const subscriptions = JSON.parse(env.SUBSCRIPTIONS ?? "[]");
    let envelope;
    try {
      envelope = buildEnvelope(event);
    } catch (e) {
      return Response.json({ error: e.code, message: e.message }, { status: 422 });
    }
    const matched = matchSubscriptions(envelope, subscriptions);
    const d = dispatcher(env);
    if (matched.length) await env.DELIVERIES.sendBatch(matched.map((sub) => ({ body: d.makeJob(envelope, sub) })));
    return Response.json({ eventId: envelope.id, queued: matched.length }, { status: 202 });
  },

  // #region queue
  async queue(batch, env) {
    if (batch.queue === env.DEAD_LETTER_QUEUE_NAME) {
      for (const message of batch.messages) {
        await log(env, `dead/${message.body.job.deliveryId}`, message.body);
        message.ack();
      }
      return;
    }
    const MAX_DELAY_MS = 43_200_000; // the longest delay Queues accept: 12 h
    const delaySeconds = (ms) => Math.ceil(Math.min(ms, MAX_DELAY_MS) / 1000);
    const d = dispatcher(env);
    for (const message of batch.messages) {
      const job = message.body; // ids, URL and event only: no secret
      const hold = d.holdFor(job, MAX_DELAY_MS);
      if (hold !== null) {
        // Not due yet (a wait over 12 h): one more hop, no attempt.
        await env.DELIVERIES.send(job, { delaySeconds: delaySeconds(hold) });
        message.ack();
        continue;
      }
      let result;
      try {
        result = await d.attempt(job);
      } catch (e) {
        if (e?.code !== "keys_unavailable") throw e;
        message.retry({ delaySeconds: 30 }); // the secret store failed: the same job again soon
        continue;
      }
      const { record, plan, next } = result;
      await log(env, `attempt/${record.deliveryId}/${record.attempt}`, record);
      if (plan.kind === "retry") await env.DELIVERIES.send(next, { delaySeconds: delaySeconds(plan.delayMs) });
      else if (plan.kind !== "done") await env.DEAD_LETTERS.send({ job, record, plan });
      message.ack();
    }
  },
  // #endregion queue
};
