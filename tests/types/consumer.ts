// Compiled with `tsc --strict` against the installed tarball by npm test: the published types
// must describe every export well enough for a strict TypeScript consumer.
import {
  DeliveryEndpoint,
  SenderError,
  endpointEvent,
  readiness,
  traceChild,
  traceparent,
  type EndpointEvent,
  type Readiness,
  checkResolved,
  checkOrderingPolicy,
  checkRateLimit,
  nextWait,
  orderedAttempt,
  orderingKeyFor,
  throttleAdmit,
  throttlePace,
  throttleReset,
  type ThrottleAdmitted,
  type AttemptBegin,
  type AttemptFinished,
  type DeliveryJob,
  type DeliveryPlan,
  EnvelopeBuilder,
  HealthTracker,
  Matcher,
  RetryPlanner,
  Signer,
  Verifier,
  Webhook,
  WebhookVerificationError,
  HooklineError,
  beginProbe,
  buildEnvelope,
  checkAddress,
  checkTarget,
  classifyOutcome,
  createDispatcher,
  disableEndpoint,
  enableEndpoint,
  endpointAdmission,
  endpointHealth,
  eventId,
  generateKeyPair,
  generateSecret,
  generateTestHeaderString,
  matchSubscriptions,
  nextAttempt,
  parseRetryAfter,
  publicKeyFromSecretKey,
  recordAttempt,
  retrySchedule,
  signHeaders,
  validateEventType,
  verify,
  verifyRequest,
  verifyWebhook,
  type AttemptRecord,
  type Admission,
  type Decision,
  type EndpointHealth,
  type Envelope,
  type VerifiedWebhook,
} from "hookline";
import { createDedupe, createManagementApi, createStore, kvDedupe, memoryDedupe, nodeListener, storeMigrations, type D1Like, type DeliveryMessage, type EndpointStats, type InFlightAttempt, type KeyReport, type LaterDelivery, type Store, type StoredEndpoint, type StoredEndpointEvent, type StoreHealth, type WorkerStatus } from "hookline/store";
import { createDedupe as dedupeOnly, memoryDedupe as memoryOnly, type Dedupe } from "hookline/dedupe";
import { HooklineError as ErrorsEntryError, SenderError as ErrorsEntrySenderError } from "hookline/errors";
import { createMetrics, type Metrics } from "hookline/metrics";

const secret: string = generateSecret();
const wh = new Webhook(secret, { tolerance: 60 });
const signature: string = wh.sign("msg_1", new Date(), "{}");
const parsed: unknown = wh.verify("{}", { "webhook-id": "msg_1", "webhook-signature": signature, "webhook-timestamp": "1" });
const headers: Record<string, string> = signHeaders({ secret, payload: new Uint8Array([1]), scheme: "standard-webhooks" });
const verifier = new Verifier({ secrets: [{ id: "2026", key: secret }], scheme: "stripe", tolerance: 300 });
const result: VerifiedWebhook = verifier.verify("{}", new Headers(headers), { now: new Date() });
const scheme: string = result.scheme;
const keyIndex: number = result.keyIndex;
const detailed = verifyWebhook("{}", new Map([["a", "b"]]), { secret, now: 1 });
const body: unknown = verify("{}", headers, { secret, jsonParse: false });
async function viaRequest(req: Request): Promise<Uint8Array> {
  return (await verifyRequest(req, { publicKey: generateKeyPair().publicKey })).body;
}
const stripeHeader: string = generateTestHeaderString({ payload: "{}", secret: "whsec_x", timestamp: 1 });
const pair = publicKeyFromSecretKey(generateKeyPair().secretKey);
const pub: string = pair.publicKeyHex;

const envelope = buildEnvelope({ type: "invoice.paid", data: { n: 1 }, tenant: "t" }, { maxPayloadBytes: 1024, now: 1 });
const bytes: Uint8Array = envelope.body;
const id: string = eventId("evt_");
validateEventType("invoice.paid");
const matcher = new Matcher([{ id: "a", url: "https://x.example.com", eventTypes: ["invoice.*"], extra: 1 }], { lenient: true });
const matched: number = matcher.match({ type: "invoice.paid" }).length + matchSubscriptions({ type: "a" }, []).length;
const decision: Decision = nextAttempt({ preset: "svix", jitter: { kind: "full" } }, 1, { kind: "status", status: 503, retryAfter: "5" }, { now: 1, rand: 7 });
if (decision.kind === "retry") {
  const at: number = decision.atMs;
  console.log(at);
}
const offsets: number[] = retrySchedule({ schedule: [0, 1000] });
const classification = classifyOutcome({ kind: "networkError" });
const wait: number | undefined = parseRetryAfter("120");
const target = checkTarget(new URL("https://hooks.example.com"), { httpsOnly: true });
checkAddress("93.184.216.34");
let health = endpointHealth(undefined);
health = recordAttempt(health, { kind: "failed", status: 503 }, { now: 1, policy: { circuitBreaker: { failureThreshold: 3 } } });
const admission = endpointAdmission(health, { now: 2 });
health = beginProbe(health, { now: 3 });
health = disableEndpoint(enableEndpoint(health), "manual", { now: 4 });

const dispatcher = createDispatcher({
  retry: "standard-webhooks",
  timeoutMs: 1000,
  onAttempt: (record: AttemptRecord) => console.log(record.status, record.outcome),
  clock: () => 0,
  sleep: async () => {},
  random: () => 4,
});
// Jobs without secrets, resolved at attempt time; the core's state machine on its own.
const queued = createDispatcher({ retries: "none", resolveKeys: async (id: string, version: string | number | undefined) => ({ secret, scheme: "standard-webhooks" as const }), onError: (e: unknown, r: AttemptRecord) => console.error(e, r.deliveryId) });
const job: DeliveryJob = queued.makeJob({ id: "msg_1", type: "a.b", body: "{}" }, { id: "e", url: "https://x.example.com", secret, secretVersion: 2 });
const hold: number | null = queued.holdFor(job, 43_200_000);
const endpoint = new DeliveryEndpoint({ url: "https://x.example.com", secret, ssrf: { allow: [] } });
const begun: AttemptBegin = endpoint.begin(1, 0, "msg_1", "{}");
if (begun.kind === "send") {
  const finished: AttemptFinished = endpoint.finish(1, { kind: "status", status: 503 }, 10, 0);
  const plan: DeliveryPlan = finished.plan;
  console.log(begun.probe, begun.headers["webhook-signature"], plan.kind, finished.outcome, hold);
} else console.log(begun.outcome, begun.plan.kind);
const waitMs: number | undefined = nextWait(10, 0, 5);
// Throttled and ordered delivery, decided by the core.
const admitted: ThrottleAdmitted = throttleAdmit(checkRateLimit({ rateLimit: 10 }), throttleReset(0), 0, 60_000, [null, 5]);
const firstStart = admitted.starts[0];
const paced: { atMs: number; sent: { tatMs: number } } = throttlePace(admitted.pace, {}, firstStart.kind === "start" ? firstStart.atMs : firstStart.untilMs);
const key: string | undefined = orderingKeyFor(true, "cus_1");
const bounded: AttemptFinished = orderedAttempt(finished0(), 0, 10, checkOrderingPolicy({ maxBlockMs: 600_000 }));
function finished0(): AttemptFinished {
  return { outcome: "retry", plan: { kind: "retry", atMs: 5, delayMs: 5, attempt: 2, reason: "server_error" }, state: "pending", status: 500, error: null };
}
console.log(paced.atMs, key, bounded.plan.kind);
checkResolved("hooks.example.com", "93.184.216.34", { allow: [] });
const senderError: typeof HooklineError = SenderError;
// The registry: a typed store over any PostgreSQL-like client.
async function register(): Promise<StoredEndpoint> {
  const store: Store = await createStore({ db: { query: async () => ({ rows: [] }) }, encryptionKey: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=", maxEndpointsPerOwner: 5 });
  const versions: number[] = await store.migrate();
  const { endpoint, secret } = await store.createEndpoint("acme", { url: "https://x.example.com", eventTypes: ["a.*"] });
  const page = await store.listEndpoints("acme", { limit: 10, cursor: null });
  console.log(versions, secret.length, page.nextCursor, storeMigrations.length, (await store.keysFor(endpoint.id, 1)).secrets);
  const published = await store.publish("acme", { type: "a.b", data: {}, orderingKey: "cus_1" });
  const limited: StoredEndpoint = await store.updateEndpoint("acme", endpoint.id, { rateLimit: 10, rateLimitBurst: 2, ordered: true });
  const rate: number | null = limited.rateLimit;
  console.log(rate, limited.ordered, limited.rateLimitBurst);
  const worker = createDispatcher({ retries: "none", resolveKeys: store.keysFor });
  const round: { claimed: number; completed: number } = await store.deliverDue(worker, { limit: 8, leaseMs: 30_000 });
  const running = store.startWorker(worker, { concurrency: 16, perEndpointConcurrency: 4, onError: (e) => console.error(e), onRecover: () => {} });
  const workerState: WorkerStatus = running.status();
  console.log(workerState.database === "ok", workerState.inFlight);
  await running.stop();
  // Publish in the caller's transaction; keys checked against what is stored.
  const inTx = await store.publish("acme", { type: "a.b", data: {} }, { db: { query: async () => ({ rows: [] }) } });
  const report: KeyReport = await store.checkKeys();
  console.log(inTx.duplicate, Object.keys(report.missing), store.keyReport?.keys);
  const disabled: StoredEndpoint = await store.updateEndpoint("acme", endpoint.id, { enabled: false });
  console.log(disabled.status.state === "disabled" ? disabled.status.reason : "enabled");
  await store.rotateSecret("acme", endpoint.id, { graceMs: 0 });
  const recorded: boolean[] = await store.completeAll([]);
  const delivery = await store.getDelivery("acme", published.deliveryIds[0]);
  const log = await store.listAttempts("acme", endpoint.id, { limit: 20, cursor: null });
  const flying: InFlightAttempt[] = log.inFlight;
  console.log(delivery.inFlight?.attempt, delivery.endedReason, flying.length);
  const again = await store.redeliver("acme", delivery.id);
  const pruned: number = await store.prune({ olderThanMs: Date.now() - 30 * 86_400_000 });
  console.log(round.claimed, recorded.length, delivery.state, delivery.attempts.length, log.nextCursor, again.deliveryId, pruned);
  // Support: the log filtered, deliveries and events listed, an event with its payload, cancel, recover.
  const failed = await store.listAttempts("acme", endpoint.id, { status: "failed", statusClass: "5xx", since: new Date(0), until: "2026-12-07T10:00:00Z" });
  const deliveries = await store.listDeliveries("acme", { endpoint: endpoint.id, status: "failed", limit: 50 });
  const events = await store.listEvents("acme", { type: "a.b", since: 0 });
  const storedEvent = await store.getEvent("acme", published.eventId);
  const cancelled = await store.cancelDelivery("acme", delivery.id);
  const recovered = await store.recoverEndpoint("acme", endpoint.id, { since: "2026-12-07T10:00:00Z", limit: 100 });
  console.log(failed.data.length, deliveries.data[0]?.recoveredBy, events.data[0]?.createdAtMs, storedEvent.payload.type, storedEvent.moreDeliveries, cancelled.inFlight, recovered.more);
  const api: (request: Request) => Promise<Response> = createManagementApi({ store, token: "a-token-of-16-chars-or-more", tokenKey: "another-secret-of-16-chars" });
  const res: Response = await api(new Request("http://x/v1/tenants/acme/endpoints"));
  console.log(res.status, typeof nodeListener(api));
  // Operators: caps per tenant, operational events, readiness, metrics, trace context, stats.
  const operated: Store = await createStore({
    db: { query: async () => ({ rows: [] }) },
    encryptionKey: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
    maxEndpointsPerOwner: async (tenant: string) => (tenant.startsWith("trial-") ? 3 : 50),
    onEndpointEvent: (e: StoredEndpointEvent) => console.log(e.type === "endpoint.failing" ? e.percent : e.type, e.tenant, e.revision),
  });
  const op = await operated.setOperatorEndpoint({ url: "https://alerts.example.com/hook", secret: "whsec_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=" });
  const verdict: StoreHealth = await operated.health({ worker: running, policy: { lateAfterMs: null } });
  const ready: boolean = verdict.ready && verdict.checks.worker !== "stalled";
  const traced = await operated.publish("acme", { type: "a.b" }, { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });
  const chart: EndpointStats = await operated.endpointStats("acme", endpoint.id, { bucketMs: 60_000 });
  const stopListening = operated.onAttempts((items) => console.log(items.map((i) => i.event?.key)));
  stopListening();
  const metrics: Metrics = createMetrics({ store: operated, prefix: "webhooks_" });
  const scraped: Response = await metrics.handler(new Request("http://x/metrics"));
  const verdictOfCore: Readiness = readiness({ nowMs: Date.now(), database: true, worker: null });
  const span: string = traceChild(traced.traceparent ?? "", new Uint8Array(8));
  const event: EndpointEvent | null = endpointEvent(undefined, { state: "disabled", disabledReason: "manual" }, { now: 0 });
  console.log(op.secretVersion, ready, chart.data.length, scraped.status, verdictOfCore.status, span, event?.key, traceparent(null), (await operated.stats()).due, (await operated.listEndpointEvents()).length);
  metrics.close();
  // The same store on a D1 binding, driven by a queue of delivery ids.
  const d1: D1Like = { prepare: (q: string) => ({ bind: (...v: unknown[]) => ({ q, v }) }), batch: async () => [] };
  const onD1: Store = await createStore({ db: d1, encryptionKey: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=" });
  const messages: DeliveryMessage[] = [{ deliveryId: "dlv_1", attempt: 1 }];
  const { later }: { later: LaterDelivery[] } = await onD1.deliverQueued(worker, messages);
  const swept = await onD1.deliverDue(worker, { overdueMs: 60_000, ids: ["dlv_1"] });
  const queuedApi = createManagementApi({ store: onD1, token: "a-token-of-16-chars-or-more", enqueue: async (m: DeliveryMessage[]) => m.length });
  console.log(later.map((l) => l.atMs), swept.retries.length, typeof queuedApi);
  // The receiver's dedupe, on the same database, in memory or on KV.
  const dedupe = createDedupe({ db: d1 });
  const fresh: boolean | "pending" = await dedupe.claim("k", Date.now() + 1000);
  await dedupe.complete("k", Date.now() + 60_000);
  const memory = memoryDedupe({ maxEntries: 10 });
  const kv = kvDedupe({ get: async () => null, put: async () => {}, delete: async () => {} });
  const verifiedOnce = await verifyRequest(new Request("http://x/"), { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", dedupe: memory, dedupeRetention: 86_400 });
  // The claim holds until the work is done: complete it (or release it when the work fails).
  await verifiedOnce.dedupe?.complete();
  console.log(fresh, memory.size, typeof kv.claim, verifiedOnce.id, await dedupe.prune());
  // hookline/dedupe: the same stores, for a receiver that loads nothing of the sender.
  const receiverDedupe: Dedupe = memoryOnly({ maxEntries: 10 });
  const onDb = dedupeOnly({ db: d1 });
  const refused = (e: unknown): string | undefined => (e instanceof ErrorsEntrySenderError || e instanceof ErrorsEntryError ? e.code : undefined);
  console.log(await receiverDedupe.claim("k", 1), typeof onDb.migrate, refused(new Error("x")));
  return endpoint;
}
// The prepared objects a sender keeps.
const signer = new Signer({ scheme: "standard-webhooks", secret });
const signedOnce: Record<string, string> = signer.sign("{}", "msg_1", 1_700_000_000);
const planner = new RetryPlanner("svix");
const planned: Decision = planner.next(1, { kind: "status", status: 503 }, { now: 0, rand: 1 });
const tracker = new HealthTracker(undefined, { policy: { disableAfterMs: null } });
tracker.record({ kind: "failed", status: 500 }, { now: 1 });
const trackerAdmission: Admission = tracker.admission({ now: 2 });
const trackedState: EndpointHealth = tracker.state;
const built: Envelope = new EnvelopeBuilder({ idPrefix: "evt_" }).build({ type: "a.b", data: {} }, { now: 0 });
const attemptsAllowed: number = planner.attempts;
async function sendWithMatcher(): Promise<number> {
  const summary = await dispatcher.dispatch({ type: "a.b", data: {} }, new Matcher([{ id: "e", url: "https://x.example.com", secret }]));
  return summary.matched;
}
async function send(): Promise<number> {
  const summary = await dispatcher.dispatch({ type: "a.b", data: {} }, [{ id: "e", url: "https://x.example.com", secret }]);
  return summary.delivered;
}

// The caller names the payload's type; without a name it stays unknown.
type InvoicePaid = { type: "invoice.paid"; data: { id: string } };
const typed: InvoicePaid = wh.verify<InvoicePaid>("{}", headers);
const typedKind: "invoice.paid" = typed.type;
const typedDetail: string = verifier.verify<InvoicePaid>("{}", headers).payload.data.id;
const typedOnce: string = verifyWebhook<InvoicePaid>("{}", headers, { secret }).payload.data.id;
const typedBody: InvoicePaid = verify<InvoicePaid>("{}", headers, { secret });
async function typedRequest(req: Request): Promise<string> {
  const got = await verifyRequest<InvoicePaid>(req, { secret, jsonParse: true });
  return got.payload.data.id + got.body.length;
}
// @ts-expect-error the payload is unknown until the caller names its type
wh.verify("{}", headers).type;
// @ts-expect-error the payload is unknown until the caller names its type
verifyWebhook("{}", headers, { secret }).payload.type;
// Keys are required: options without any would throw invalid_secret at run time.
// @ts-expect-error a Verifier needs a secret, secrets, publicKey or publicKeys
new Verifier({ scheme: "github" });
// @ts-expect-error the one-call receivers need a key too
verifyWebhook("{}", headers, { scheme: "stripe", now: 1 });
// @ts-expect-error a signer needs a key
new Signer({ scheme: "github" });
// @ts-expect-error signHeaders needs a key
signHeaders({ payload: "{}" });
// A key from the environment may be undefined at compile time (a missing one throws at run time).
declare const env: { GITHUB_WEBHOOK_SECRET?: string };
new Verifier({ scheme: "github", secret: env.GITHUB_WEBHOOK_SECRET });
// @ts-expect-error `raw` is not an option: jsonParse: false is the one name for an unparsed body
new Verifier({ secret, raw: true });
new Verifier({ publicKeys: [generateKeyPair().publicKey], format: "raw", jsonParse: false });
// The providers' schemes: verified with the URL (and method) they sign, per verifier or per call.
const twilio = new Verifier({ scheme: "twilio", secret, url: "https://example.com/sms" });
twilio.verify("a=1", headers, { url: "https://example.com/sms?x=1", method: "POST", now: 1 });
verifyWebhook("{}", headers, { scheme: "sendgrid", publicKey: "MFkw...", tolerance: 600 });
const viaRequestHandshake = async (req: Request): Promise<string | undefined> => (await verifyRequest(req, { secret, scheme: "zoom" })).handshake?.body;
// @ts-expect-error the providers' schemes are verified, not signed
new Signer({ scheme: "twilio", secret });
// @ts-expect-error signHeaders signs with hookline's schemes only
signHeaders({ scheme: "paddle", secret, payload: "{}" });
console.log(typedKind, typedDetail, typedOnce, typedBody, typedRequest, viaRequestHandshake);

try {
  verify("{}", {}, { secret });
} catch (e) {
  if (e instanceof WebhookVerificationError || e instanceof HooklineError) {
    const code: string = e.code;
    console.log(code, e.hint);
  }
}
console.log(parsed, scheme, keyIndex, detailed, body, viaRequest, stripeHeader, pub, bytes, id, matched, offsets, classification, wait, target, admission, send, signedOnce, planned, trackerAdmission, trackedState, built, attemptsAllowed, sendWithMatcher);

// hookline/receiver: the receiver alone, with the same types.
import * as receiver from "hookline/receiver";
{
  const wh = new receiver.Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  const body: unknown = wh.verify("{}", { "webhook-id": "x" });
  void body;
  const v: receiver.VerifiedWebhook = new receiver.Verifier({ scheme: "github", secret: "s" }).verify("{}", new Headers());
  const scheme: receiver.SchemeName = v.scheme;
  void scheme;
  const r: Promise<receiver.VerifiedRequest> = receiver.verifyRequest(new Request("http://x/", { method: "POST", body: "{}" }), { secret: "s" });
  void r;
  const e: unknown = null;
  if (e instanceof receiver.WebhookVerificationError) {
    const code: receiver.ErrorCode = e.code;
    void code;
  }
  const bytes: number = receiver.wasmMemoryBytes();
  void bytes;
  // @ts-expect-error the receiver entry has no sender exports
  receiver.createDispatcher;
}
