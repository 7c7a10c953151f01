// `hookline`, the main entry: the receiver (lib/receiver.js, the raw-ABI build every entry
// verifies on) and the sender's exports, which load the sender's wasm-bindgen build the first
// time one of them is used (lib/sender.js). Importing `hookline` to verify webhooks costs what
// importing `hookline/receiver` does.
//
// The sender's names are the build's exports (src/wasm, and createDispatcher of
// lib/dispatcher.js): scripts/build.mjs checks this list against the build, both ways.
import receiver from "./receiver.js";
import { lazyClass, lazyFunction, senderMemoryBytes, setSender } from "./sender.js";

export { HooklineError, Verifier, verify, verifyRequest, verifyWebhook, wasmMemoryBytes, Webhook, WebhookVerificationError } from "./receiver.js";
export { SenderError } from "./errors.js";

/** The default export, which no entry's `export *` passes on: the runtime's sender loader. */
export default setSender;

receiver.countMemory(senderMemoryBytes);

export const DeliveryEndpoint = lazyClass("DeliveryEndpoint");
export const EnvelopeBuilder = lazyClass("EnvelopeBuilder");
export const HealthTracker = lazyClass("HealthTracker");
export const Matcher = lazyClass("Matcher");
export const RetryPlanner = lazyClass("RetryPlanner");
export const Signer = lazyClass("Signer");
export const TenantTokens = lazyClass("TenantTokens");

export const beginProbe = lazyFunction("beginProbe");
export const buildEnvelope = lazyFunction("buildEnvelope");
export const cancelDelivery = lazyFunction("cancelDelivery");
export const checkAddress = lazyFunction("checkAddress");
export const checkLease = lazyFunction("checkLease");
export const checkOrderingPolicy = lazyFunction("checkOrderingPolicy");
export const checkRateLimit = lazyFunction("checkRateLimit");
export const checkResolved = lazyFunction("checkResolved");
export const checkTarget = lazyFunction("checkTarget");
export const classifyOutcome = lazyFunction("classifyOutcome");
export const createDispatcher = lazyFunction("createDispatcher");
export const disableEndpoint = lazyFunction("disableEndpoint");
export const enableEndpoint = lazyFunction("enableEndpoint");
export const endpointAdmission = lazyFunction("endpointAdmission");
export const endpointChange = lazyFunction("endpointChange");
export const endpointEvent = lazyFunction("endpointEvent");
export const endpointHealth = lazyFunction("endpointHealth");
export const endpointStatus = lazyFunction("endpointStatus");
export const eventId = lazyFunction("eventId");
export const generateKeyPair = lazyFunction("generateKeyPair");
export const generateSecret = lazyFunction("generateSecret");
export const generateTestHeaderString = lazyFunction("generateTestHeaderString");
export const matchSubscriptions = lazyFunction("matchSubscriptions");
export const nextAttempt = lazyFunction("nextAttempt");
export const nextWait = lazyFunction("nextWait");
export const orderedAttempt = lazyFunction("orderedAttempt");
export const orderingKeyFor = lazyFunction("orderingKeyFor");
export const parseRetryAfter = lazyFunction("parseRetryAfter");
export const publicKeyFromSecretKey = lazyFunction("publicKeyFromSecretKey");
export const readiness = lazyFunction("readiness");
export const recordAttempt = lazyFunction("recordAttempt");
export const recoveryPlan = lazyFunction("recoveryPlan");
export const retrySchedule = lazyFunction("retrySchedule");
export const signHeaders = lazyFunction("signHeaders");
export const supportQuery = lazyFunction("supportQuery");
export const throttleAdmit = lazyFunction("throttleAdmit");
export const throttleObserve = lazyFunction("throttleObserve");
export const throttlePace = lazyFunction("throttlePace");
export const throttleReset = lazyFunction("throttleReset");
export const traceChild = lazyFunction("traceChild");
export const traceparent = lazyFunction("traceparent");
export const unstartedAttempt = lazyFunction("unstartedAttempt");
export const validateEventType = lazyFunction("validateEventType");
export const validateEventTypePattern = lazyFunction("validateEventTypePattern");
