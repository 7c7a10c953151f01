// A webhook sender on Cloudflare Workers and Queues, on the hookline core.
//
// POST /events { "type": "invoice.paid", "data": {...} }
//   builds the envelope, matches it against the subscriptions and puts one delivery job per
//   endpoint on the DELIVERIES queue; answers 202 with the event id.
// queue(DELIVERIES): one attempt per message through dispatcher.attempt(); the plan drives the
//   queue: done -> ack, retry -> message.retry({ delaySeconds }), give up / disable -> the job and
//   its last record go to DEAD_LETTERS, then ack. Cloudflare counts attempts in message.attempts.
// queue(DEAD_LETTERS): where exhausted deliveries land; here they are kept in the RESULTS KV for
//   inspection (a real deployment would alert and offer redelivery).
// Every attempt record is appended to RESULTS as the delivery log (use D1 or Postgres for real).
import { buildEnvelope, createDispatcher, matchSubscriptions } from "hookline";

// #region dispatcher
function dispatcher(env) {
  return createDispatcher({
    retries: "none", // the queue schedules retries
    retry: env.RETRY_POLICY ? JSON.parse(env.RETRY_POLICY) : "standard-webhooks",
    timeoutMs: 10_000,
    ssrf: { allow: env.ALLOW_TARGETS ? JSON.parse(env.ALLOW_TARGETS) : [] },
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
    const d = dispatcher(env);
    for (const message of batch.messages) {
      const job = { ...message.body, attempt: message.attempts };
      const { record, plan } = await d.attempt(job);
      await log(env, `attempt/${record.deliveryId}/${record.attempt}`, record);
      if (plan.kind === "done") message.ack();
      else if (plan.kind === "retry") message.retry({ delaySeconds: Math.max(0, Math.ceil(plan.delayMs / 1000)) });
      else {
        await env.DEAD_LETTERS.send({ job, record, plan });
        message.ack();
      }
    }
  },
  // #endregion queue
};
