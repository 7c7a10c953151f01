// `hookline/store`: the endpoint registry, outbox and delivery log on PostgreSQL and PGlite (the
// same SQL) and on Cloudflare D1 (SQLite), the workers that drive deliveries from it, and the
// management API over it. An entry of its own, so a receiver never loads it; it takes the core
// from the package's main entry, whichever runtime's that is. One module per concern:
//   driver.js      the database, whatever the caller holds; its failures typed
//   migrations/    versioned .sql files per dialect, and the migrator
//   sealing.js     secrets at rest (AES-GCM through WebCrypto) and the start-up key check
//   endpoints.js   the registry: endpoints, their one state, rotation, resolveKeys
//   outbox.js      publish: an event and its deliveries, in the store's or the caller's transaction
//   deliveries.js  claim, record, redelivery, retention
//   support.js     the delivery log as support reads it (attempts, deliveries, events), cancel, recover
//   worker.js      the worker, a sweep's round, a queue consumer's round
//   operator.js    operational events (an endpoint's changes of state), once, to the operator
//   metrics.js     readiness, the figures a scrape reads, an endpoint's stats over time
//   api.js         the management API (a fetch handler) and a Node http bridge
//   tokens.js      tenant-scoped tokens for the management API (the core signs and checks them)
import { SenderError } from "hookline/errors";
import { deliveryLog } from "./deliveries.js";
import { driverFor } from "./driver.js";
import { endpointRegistry } from "./endpoints.js";
import { monitoring } from "./metrics.js";
import { migrate, schemaVersion } from "./migrations/index.js";
import { operatorEvents } from "./operator.js";
import { outbox } from "./outbox.js";
import { checkKeys, sealer, sealingKeys } from "./sealing.js";
import { supportLog } from "./support.js";
import { runners } from "./worker.js";

export { createManagementApi, nodeListener } from "./api.js";
export { storeMigrations } from "./migrations/index.js";
// The receiver's dedupe stores live in hookline/dedupe; here too, for earlier imports.
export { createDedupe, kvDedupe, memoryDedupe } from "../dedupe.js";

const DEFAULT_MAX_ENDPOINTS = 50;
const DEFAULT_GRACE_MS = 24 * 3_600_000;
const invalid = (message) => new SenderError("invalid_argument", message);

/**
 * Create the store. `db`: a PGlite instance, a pg Pool or Client, or a D1 binding.
 * `encryptionKey`: see sealingKeys. `maxEndpointsPerOwner` (default 50; or a function of the
 * owner giving its cap), `graceMs` (rotation overlap, default 24 h), `ssrf` (the guard for
 * registered URLs), `clock` (unix ms) and `onEndpointEvent` (each operational event, once) are
 * optional. When the database already holds endpoints, the keys are checked against them here
 * (and again by `migrate`): a key that does not open what it sealed refuses the store.
 */
export async function createStore(options) {
  if (options === null || typeof options !== "object") throw invalid("createStore: options must be an object with db and encryptionKey");
  const sql = driverFor(options.db);
  const seal = sealer(await sealingKeys(options.encryptionKey));
  const clock = options.clock ?? (() => Date.now());
  if (typeof clock !== "function") throw invalid("createStore: clock must be a function returning unix milliseconds");
  const maxEndpoints = options.maxEndpointsPerOwner ?? DEFAULT_MAX_ENDPOINTS;
  if (typeof maxEndpoints !== "function" && (!Number.isInteger(maxEndpoints) || maxEndpoints < 1)) {
    throw invalid("createStore: maxEndpointsPerOwner must be a whole number of 1 or more, or a function of the owner giving one");
  }
  const { onEndpointEvent } = options;
  if (onEndpointEvent !== undefined && typeof onEndpointEvent !== "function") throw invalid("createStore: onEndpointEvent must be a function of an operational event");
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  if (!Number.isInteger(graceMs) || graceMs < 0) throw invalid("createStore: graceMs must be a whole number of milliseconds");
  let keyReport = null;
  // An owner's change of state is an operational event (the core's), recorded by `operator`.
  const registry = endpointRegistry({ sql, seal, clock, settings: { maxEndpoints, graceMs, ssrf: options.ssrf }, onChange: (change) => operator.record([change]) });
  const monitor = monitoring({ sql, clock, registry, keyReport: () => keyReport });
  const operator = operatorEvents({ sql, clock, seal, onEndpointEvent, observe: monitor.event });
  const { publish } = outbox({ sql, clock });
  const log = deliveryLog({ sql, clock, registry });
  const support = supportLog({ sql, clock, registry });

  /**
   * Record attempts: their operational events first (the core's, each recorded once: a crash
   * after this loses none, and a retry of the batch records none twice), then the attempts.
   */
  const record = async (items) => {
    if (Array.isArray(items)) await operator.fromAttempts(items);
    const done = await log.record(items);
    monitor.recorded(items, done.moved);
    return done;
  };
  const completeAll = async (items) => (await record(items)).moved;
  const run = runners({ log: { ...log, completeAll, record }, sql, clock });

  const keysChecked = async () => (keyReport = await checkKeys(sql, seal));
  if ((await schemaVersion(sql)) >= 1) await keysChecked();

  return {
    /**
     * Apply the migrations this database lacks (one migrator at a time), then check the keys
     * against the stored secrets; returns the versions applied.
     */
    async migrate() {
      const applied = await migrate(sql, clock);
      await keysChecked();
      return applied;
    },
    /**
     * What the encryption keys open: `{ keys: { id: secrets }, missing: { id: secrets } }`.
     * Throws `keys_unavailable` when a configured key does not open what it sealed.
     */
    checkKeys: keysChecked,
    /** The last key check's report, or null before the schema exists. */
    get keyReport() {
      return keyReport;
    },
    createEndpoint: registry.createEndpoint,
    getEndpoint: registry.getEndpoint,
    listEndpoints: registry.listEndpoints,
    updateEndpoint: registry.updateEndpoint,
    deleteEndpoint: registry.deleteEndpoint,
    rotateSecret: registry.rotateSecret,
    keysFor: registry.keysFor,
    reseal: registry.reseal,
    publish,
    claimDue: log.claimDue,
    completeAll,
    /** Record one claimed job's attempt (see completeAll); false when its claim was lost. */
    async complete(job, result) {
      return (await completeAll([{ job, ...result }]))[0];
    },
    getDelivery: log.getDelivery,
    listAttempts: support.listAttempts,
    listDeliveries: support.listDeliveries,
    listEvents: support.listEvents,
    getEvent: support.getEvent,
    cancelDelivery: support.cancelDelivery,
    recoverEndpoint: support.recoverEndpoint,
    redeliver: log.redeliver,
    prune: log.prune,
    deliverDue: run.deliverDue,
    deliverQueued: run.deliverQueued,
    startWorker: run.startWorker,
    health: monitor.health,
    stats: monitor.stats,
    endpointStats: monitor.endpointStats,
    onAttempts: monitor.onAttempts,
    onEndpointEvents: monitor.onEndpointEvents,
    setOperatorEndpoint: operator.setOperatorEndpoint,
    listEndpointEvents: operator.listEndpointEvents,
  };
}
