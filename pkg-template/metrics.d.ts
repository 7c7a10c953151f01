// hookline/metrics: a store's metrics in the Prometheus text format, through prom-client (an
// optional peer dependency: install it beside hookline). Node, Deno and Bun.
import type { Registry } from "prom-client";
import type { Store } from "./store.js";

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** The store whose attempts, events and database figures are measured. */
  store: Store;
  /** The prom-client registry to register in (default: a new one), e.g. your app's. */
  registry?: Registry;
  /** The metric names' start; default "hookline_". */
  prefix?: string;
}

/** What `createMetrics` returns. */
export interface Metrics {
  /** The prom-client registry holding the metrics. */
  registry: Registry;
  /**
   * `GET /metrics` as a fetch handler: the text format (`registry.contentType`), a 503 problem
   * `database_unavailable` when the database cannot be read, 405 for other methods.
   */
  handler(request?: Request): Promise<Response>;
  /** Stop counting the store's attempts and events. */
  close(): void;
}

/**
 * The store's metrics: `hookline_attempts_total{outcome}` and
 * `hookline_attempt_duration_seconds{outcome}` (this process's recorded attempts),
 * `hookline_endpoint_events_total{type}` (operational events it recorded),
 * `hookline_deliveries_pending`, `hookline_deliveries_due`,
 * `hookline_oldest_due_delivery_age_seconds` and `hookline_endpoints{state,reason}` (read from
 * the database at scrape time). No label per endpoint or tenant; each label is capped at 20
 * values ("other" past that).
 */
export function createMetrics(options: MetricsOptions): Metrics;
