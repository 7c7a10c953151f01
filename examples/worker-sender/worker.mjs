// A complete webhook sender on Cloudflare Workers: endpoints, secrets, outbox and delivery log in
// D1, attempts driven by Queues (messages carry a delivery id and attempt number, nothing else),
// a Cron trigger that sweeps what a queue lost, and the management API under /v1/tenants/{id}/.
// Secrets: HOOKLINE_API_TOKEN (bearer token, 16+ characters) and HOOKLINE_ENCRYPTION_KEY (32
// random bytes in base64: `openssl rand -base64 32`), set with `wrangler secret put`.
import { createDispatcher } from "hookline";
import { createManagementApi, createStore } from "hookline/store";

const MAX_QUEUE_DELAY_S = 43_200; // Queues delay a message 12 h at most: later ones hop

let service; // made in the first handler of an isolate (Workers allow randomness only there)
const serviceFor = (env) =>
  (service ??= (async () => {
    const ssrf = { allow: JSON.parse(env.ALLOW_TARGETS ?? "[]") }; // private targets let through
    const store = await createStore({ db: env.DB, encryptionKey: env.HOOKLINE_ENCRYPTION_KEY, maxEndpointsPerOwner: Number(env.MAX_ENDPOINTS ?? 50), ssrf });
    await store.migrate();
    const dispatcher = createDispatcher({ retries: "none", resolveKeys: store.keysFor, retry: JSON.parse(env.RETRY_POLICY ?? '"standard-webhooks"'), ssrf });
    const enqueue = async (messages) => {
      for (let i = 0; i < messages.length; i += 100) {
        const delay = (atMs) => Math.min(MAX_QUEUE_DELAY_S, Math.max(0, Math.ceil(((atMs ?? 0) - Date.now()) / 1000)));
        await env.DELIVERIES.sendBatch(messages.slice(i, i + 100).map((m) => ({ body: { deliveryId: m.deliveryId, attempt: m.attempt }, delaySeconds: delay(m.atMs) })));
      }
    };
    return { store, dispatcher, enqueue, api: createManagementApi({ store, token: env.HOOKLINE_API_TOKEN, enqueue }) };
  })().catch((e) => ((service = undefined), Promise.reject(e))));

export default {
  async fetch(request, env) {
    return (await serviceFor(env)).api(request);
  },
  async queue(batch, env) {
    const { store, dispatcher, enqueue } = await serviceFor(env);
    const { later } = await store.deliverQueued(dispatcher, batch.messages.map((m) => m.body));
    await enqueue(later); // retries, and hops of a wait longer than the queue's delay
    batch.ackAll();
  },
  async scheduled(controller, env) {
    const { store, dispatcher, enqueue } = await serviceFor(env);
    // Deliveries whose message was lost or whose worker died mid-attempt (the lease ran out).
    await enqueue((await store.deliverDue(dispatcher, { overdueMs: 60_000, limit: 50 })).retries);
    await store.prune({ olderThanMs: Date.now() - Number(env.RETENTION_DAYS ?? 30) * 86_400_000 });
  },
};
