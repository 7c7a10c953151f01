// Operational events: each change of an endpoint's state (endpoint.failing, endpoint.disabled,
// endpoint.enabled, endpoint.recovered), recorded once and delivered to the operator. I/O only:
// the core decides what changed and names it (`event.key`, from an attempt's result or an owner's
// change); here it is stored and handed on.
//
// An operational event is an event of the reserved owner "~operator" (an API tenant cannot be
// named so: owners are [A-Za-z0-9_.:-]), with an id that names the endpoint, its revision and
// the event's key. The primary key (owner, id) is what keeps one of each when several workers
// report the same change: SQL decides under concurrency, and only the insert that made the row
// tells the hook. The event is recorded only while the endpoint is at the revision the change
// was decided at (an owner's change meanwhile makes it moot). The operator's endpoint ("op_operator",
// set by `setOperatorEndpoint`) gets a delivery of each, through the same outbox, worker, retries
// and log as any tenant's; its URL is the operator's own, so the SSRF guard, which protects the
// sender from its tenants' URLs, does not judge it.
import { buildEnvelope, checkTarget, eventId, signHeaders } from "hookline";
import { SenderError } from "hookline/errors";
import { fromJson } from "./driver.js";
import { invalid } from "./endpoints.js";

/** The reserved owner of operational events and of the operator's endpoint. */
export const OPERATOR = "~operator";
/** The operator's endpoint: one per store. */
export const OPERATOR_ENDPOINT = "op_operator";
/** Endpoints of the operator's own: their changes are no operational event (nobody else to tell). */
export const isOperatorEndpoint = (id) => typeof id === "string" && id.startsWith("op_");

/** The URL without its credentials, for an event's data. */
function shownUrl(text) {
  try {
    const u = new URL(text);
    u.username = "";
    u.password = "";
    return u.href;
  } catch {
    return "";
  }
}

/**
 * Operational events over driver `sql`, with `clock`, the sealer `seal`, and `onEndpointEvent`
 * (called once per event, by the process whose insert recorded it).
 */
export function operatorEvents({ sql, clock, seal, onEndpointEvent, observe }) {
  const sqlite = sql.dialect === "sqlite";

  /** One change's statements: its event (once, at its revision) and the operator's delivery. */
  function statements(change, now) {
    const { owner, endpointId, revision, url, event } = change;
    const id = `op.${endpointId}.r${revision}.${event.key}`;
    const data = { tenant: owner, endpointId, url: shownUrl(url), revision, ...event };
    const envelope = buildEnvelope({ id, type: event.type, data }, { now });
    const body = new TextDecoder().decode(envelope.body);
    const deliveryId = eventId("dlv_", { now });
    const at = "SELECT 1 FROM hookline_endpoints WHERE id = CAST($5 AS TEXT) AND revision = CAST($6 AS INTEGER)";
    if (sqlite) {
      const nonce = eventId("n_", { now });
      return {
        id,
        data,
        list: [
          [`INSERT INTO hookline_events (id, owner, type, body, created_at_ms, publish_nonce) SELECT $1, '${OPERATOR}', $2, $3, $4, $7 WHERE EXISTS (${at})
            ON CONFLICT (owner, id) DO NOTHING RETURNING id`, [id, event.type, body, now, endpointId, revision, nonce]],
          [`INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
            SELECT $1, $2, op.id, '${OPERATOR}', op.url, op.secret_version, $3, $3, $3 FROM hookline_endpoints op
            WHERE op.id = '${OPERATOR_ENDPOINT}' AND op.enabled AND EXISTS (SELECT 1 FROM hookline_events WHERE owner = '${OPERATOR}' AND id = $2 AND publish_nonce = $4)`,
            [deliveryId, id, now, nonce]],
        ],
      };
    }
    return {
      id,
      data,
      list: [
        [`WITH ev AS (
            INSERT INTO hookline_events (id, owner, type, body, created_at_ms)
            SELECT CAST($1 AS TEXT), '${OPERATOR}', CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS BIGINT) WHERE EXISTS (${at})
            ON CONFLICT (owner, id) DO NOTHING RETURNING id
          ), dl AS (
            INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
            SELECT CAST($7 AS TEXT), ev.id, op.id, '${OPERATOR}', op.url, op.secret_version, CAST($4 AS BIGINT), CAST($4 AS BIGINT), CAST($4 AS BIGINT) FROM ev JOIN hookline_endpoints op ON op.id = '${OPERATOR_ENDPOINT}' AND op.enabled
            RETURNING 1
          )
          SELECT id FROM ev`, [id, event.type, body, now, endpointId, revision, deliveryId]],
      ],
    };
  }

  /** Tell the hook (and the metrics) of a new event; what the hook throws is its own business. */
  function tell(id, data) {
    const told = { id, ...data };
    observe?.(told);
    if (!onEndpointEvent) return;
    try {
      const r = onEndpointEvent(told);
      if (r && typeof r.catch === "function") r.catch(() => {});
    } catch {
      // the hook failed; the event stands, recorded and delivered
    }
  }

  /**
   * Record `changes` (`[{ owner, endpointId, revision, url, event }]`, each event the core's),
   * each once: the new ones are told to the hook. Events of the operator's own endpoints are not
   * operational events.
   */
  async function record(changes) {
    const now = clock();
    for (const change of changes) {
      if (!change.event || isOperatorEndpoint(change.endpointId)) continue;
      const { id, data, list } = statements(change, now);
      const results = await sql.batch(list);
      if (results[0].length === 1) tell(id, data);
    }
  }

  return {
    record,

    /** The operational events of recorded attempts (`completeAll`'s items), before they are recorded. */
    fromAttempts(items) {
      const changes = [];
      for (const { job, event } of items) {
        if (event) changes.push({ owner: job.owner, endpointId: job.endpointId, revision: job.revision, url: job.url, event });
      }
      return changes.length ? record(changes) : undefined;
    },

    /**
     * The operator's endpoint: operational events are delivered to `url`, signed with `secret`
     * (a whsec_ secret the operator holds). Made, or changed when the URL or the secret differ;
     * enabled again with a fresh health either way (the operator said where to send).
     */
    async setOperatorEndpoint({ url, secret } = {}) {
      let parsed;
      try {
        parsed = new URL(String(url));
      } catch {
        throw new SenderError("invalid_url", "the operator URL is not a URL");
      }
      // The core's rules for a URL to deliver to (http or https, no user:password@, which a fetch
      // refuses at each delivery): the operator's own host, trusted, is allowed by name.
      try {
        checkTarget(parsed.href, { allow: [parsed.hostname.replace(/^\[|\]$/g, "")] });
      } catch (e) {
        throw new SenderError("invalid_url", `the operator URL cannot be delivered to: ${e?.message ?? "refused"}`);
      }
      if (typeof secret !== "string" || !secret.startsWith("whsec_")) throw invalid("the operator secret must be a whsec_ secret");
      signHeaders({ secret, payload: "" }); // the core reads it: invalid_secret otherwise
      const now = clock();
      const [row] = await sql.rows("SELECT url, secret_sealed, secret_version FROM hookline_endpoints WHERE id = $1", [OPERATOR_ENDPOINT]);
      const same = row ? await seal.open(OPERATOR_ENDPOINT, row.secret_sealed).then((s) => s === secret, () => false) : false;
      const sealed = same ? row.secret_sealed : await seal.seal(OPERATOR_ENDPOINT, secret);
      const version = row ? Number(row.secret_version) + (same ? 0 : 1) : 1;
      const list = [];
      if (!sqlite) list.push([`INSERT INTO hookline_owners (owner, endpoint_count) VALUES ('${OPERATOR}', 1) ON CONFLICT (owner) DO NOTHING`, []]);
      list.push([
        `INSERT INTO hookline_endpoints (id, owner, url, description, event_types, channels, enabled, secret_version, secret_sealed, created_at_ms, updated_at_ms, health)
         VALUES ($1, '${OPERATOR}', $2, 'operational events', '[]', '[]', $3, $4, $5, $6, $6, '{}')
         ON CONFLICT (id) DO UPDATE SET url = $2, enabled = $3, secret_version = $4, secret_sealed = $5, previous_sealed = NULL, previous_until_ms = NULL,
           health = '{}', revision = hookline_endpoints.revision + 1, updated_at_ms = $6`,
        [OPERATOR_ENDPOINT, parsed.href, true, version, sealed, now],
      ]);
      await sql.batch(list);
      return { id: OPERATOR_ENDPOINT, url: parsed.href, secretVersion: version };
    },

    /** The operational events recorded, newest first (`limit` 1 to 100): the operator's log. */
    async listEndpointEvents({ limit = 20 } = {}) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid("limit must be a whole number from 1 to 100");
      const rows = await sql.rows(`SELECT id, body FROM hookline_events WHERE owner = '${OPERATOR}' ORDER BY created_at_ms DESC, id DESC LIMIT $1`, [limit]);
      return rows.map((r) => ({ id: r.id, ...fromJson(r.body).data }));
    },
  };
}
