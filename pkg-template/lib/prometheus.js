// `hookline/metrics`: a store's metrics in the Prometheus text format, through prom-client (the
// well-kept Prometheus client for Node, which Deno and Bun run too). An entry of its own, so
// that nothing else in the package needs prom-client: install it beside hookline to use this.
// Not for Workers: a scrape would reach one isolate of many, whose counters say little; a
// Worker's figures are the database's (`store.stats()`).
//
// What this process records is counted as it is written (`store.onAttempts`,
// `store.onEndpointEvents`); what the database holds is read at scrape time (`store.stats()`,
// one read per scrape at most every second). Labels are a closed set each (an outcome, a
// state, a reason, an event type) and each is capped: past MAX_LABEL_VALUES distinct values a
// label reads "other". Never a label per endpoint or tenant.
import client from "prom-client";
import { HooklineError } from "hookline/errors";

const MAX_LABEL_VALUES = 20;
/** Seconds: a webhook answered in 50 ms to one that took the whole 30 s. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

const invalid = (message) => Object.assign(new TypeError(message), { code: "invalid_argument" });

/** `value` as a label value, or "other" once `seen` holds MAX_LABEL_VALUES others. */
function bounded(seen, value) {
  const v = String(value ?? "");
  if (seen.has(v)) return v;
  if (seen.size >= MAX_LABEL_VALUES) return "other";
  seen.add(v);
  return v;
}

/**
 * Metrics of `store` (from `createStore`), registered in `registry` (default: a new one) under
 * `prefix` (default "hookline_"). Returns `{ registry, handler, close }`: `handler(request)`
 * answers `GET` with the text format (a `Response`); `close()` stops counting.
 */
export function createMetrics({ store, registry = new client.Registry(), prefix = "hookline_" } = {}) {
  if (typeof store?.onAttempts !== "function" || typeof store?.stats !== "function") throw invalid("createMetrics: store must come from createStore");
  if (typeof prefix !== "string" || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(prefix)) throw invalid("createMetrics: prefix must be a metric name's start ([a-zA-Z_][a-zA-Z0-9_]*)");
  const outcomes = new Set();
  const types = new Set();
  const states = new Set();
  const reasons = new Set();

  const attempts = new client.Counter({
    name: `${prefix}attempts_total`,
    help: "Delivery attempts this process recorded, by outcome (delivered, retry, failed, endpointDisabled, blocked, circuitOpen, cancelled, unknown).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: `${prefix}attempt_duration_seconds`,
    help: "Time from sending an attempt's request to its answer (or its failure), for the attempts this process recorded that sent one, by outcome.",
    labelNames: ["outcome"],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const events = new client.Counter({
    name: `${prefix}endpoint_events_total`,
    help: "Operational events this process recorded (endpoint.failing, endpoint.disabled, endpoint.enabled, endpoint.recovered), by type.",
    labelNames: ["type"],
    registers: [registry],
  });

  // One read of the database per scrape (and at most one a second), shared by the gauges.
  let read = null;
  const stats = () => {
    if (!read || Date.now() - read.at > 1000) {
      read = { at: Date.now(), value: store.stats() };
      read.value.catch(() => (read = null));
    }
    return read.value;
  };
  new client.Gauge({
    name: `${prefix}deliveries_pending`,
    help: "Deliveries waiting for an attempt (due or not), in the database.",
    registers: [registry],
    async collect() {
      this.set((await stats()).pending);
    },
  });
  new client.Gauge({
    name: `${prefix}deliveries_due`,
    help: "Pending deliveries due now that no worker holds.",
    registers: [registry],
    async collect() {
      this.set((await stats()).due);
    },
  });
  new client.Gauge({
    name: `${prefix}oldest_due_delivery_age_seconds`,
    help: "How long the oldest due delivery no worker holds has waited (0 when none is due).",
    registers: [registry],
    async collect() {
      const s = await stats();
      this.set(s.oldestDueAtMs === null ? 0 : Math.max(0, s.atMs - s.oldestDueAtMs) / 1000);
    },
  });
  new client.Gauge({
    name: `${prefix}endpoints`,
    help: "Endpoints by the state their health is in (healthy, failing, disabled) and why a disabled one is (manual, gone, failing_too_long).",
    labelNames: ["state", "reason"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const e of (await stats()).endpoints) {
        this.inc({ state: bounded(states, e.state), reason: bounded(reasons, e.reason ?? "") }, e.count);
      }
    },
  });

  const offAttempts = store.onAttempts((items) => {
    for (const { record } of items) {
      const outcome = bounded(outcomes, record?.outcome);
      attempts.inc({ outcome });
      // An attempt that sent a request has its request headers on record; a skipped one none.
      if (record?.requestHeaders) duration.observe({ outcome }, Math.max(0, Number(record.durationMs) || 0) / 1000);
    }
  });
  const offEvents = store.onEndpointEvents((e) => events.inc({ type: bounded(types, e.type) }));

  return {
    registry,
    /** `GET /metrics`: the text format, or a 503 problem when the database cannot be read. */
    async handler(request) {
      if (request?.method !== undefined && request.method !== "GET" && request.method !== "HEAD") {
        return new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
      }
      try {
        const text = await registry.metrics();
        return new Response(request?.method === "HEAD" ? null : text, { status: 200, headers: { "content-type": registry.contentType } });
      } catch (e) {
        if (!(e instanceof HooklineError) || e.code !== "database_unavailable") throw e;
        const body = JSON.stringify({ type: "https://hookline.dev/problems/database_unavailable", title: "database unavailable", status: 503, code: "database_unavailable", detail: "the metrics could not read the database; try again later" });
        return new Response(body, { status: 503, headers: { "content-type": "application/problem+json", "retry-after": "5" } });
      }
    },
    /** Stop counting this store's attempts and events. */
    close() {
      offAttempts();
      offEvents();
    },
  };
}
