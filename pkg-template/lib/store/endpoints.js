// The endpoint registry: endpoints per owner (tenant), their secrets sealed at rest, their one
// state. I/O only: the core checks URLs (`checkTarget`) and event-type patterns
// (`validateEventTypePattern`), makes ids and secrets, and decides what an owner's change does
// to an endpoint's state and its pending deliveries (`endpointChange`). SQL keeps what must
// hold under concurrency: the per-owner cap, and the deliveries a change ends.
import { checkTarget, endpointChange, endpointStatus, eventId, generateSecret, validateEventTypePattern } from "hookline";
import { SenderError } from "hookline/errors";
import { fromJson, listSql } from "./driver.js";
import { dropKeys, repairKeys } from "./ordering.js";
import { rateLimitColumns, rateLimitView } from "./throttle.js";

const MAX_PAGE = 100;
const FIELD_LIMITS = { url: 2048, description: 1024 };
/** The fields an endpoint has; anything else in a create or an update is refused by name. */
const FIELDS = ["url", "description", "eventTypes", "channels", "enabled", "rateLimit", "rateLimitBurst", "ordered"];

export const invalid = (message) => new SenderError("invalid_argument", message);
export const notFound = (what) => new SenderError("not_found", `${what} not found`);
const b64url = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, "-").replace(/\//g, "_");
const unb64url = (text) => new TextDecoder().decode(Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

export function checkOwner(owner) {
  if (typeof owner !== "string" || !/^[A-Za-z0-9_.:-]{1,128}$/.test(owner)) throw invalid("owner must be 1 to 128 characters of [A-Za-z0-9_.:-]");
}

/** An id the store could have made (visible ASCII): anything else cannot name a row. */
export const plausibleId = (id) => typeof id === "string" && /^[\x21-\x7e]{1,256}$/.test(id);

/** `limit` of a page: 1 to 100, default 20. */
export function pageLimit(limit = 20) {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid(`limit must be a whole number from 1 to ${MAX_PAGE}`);
  return limit;
}

/** The endpoint rows a delivery needs to sign: read with the claim, and by keysFor. */
export const SIGNING_COLUMNS = "id, secret_version, secret_sealed, previous_sealed, previous_until_ms, health, revision";

/**
 * The registry over driver `sql`: `seal` seals and opens secrets, `clock` is unix ms,
 * `settings` holds `maxEndpoints` (a number, or a function of the owner), `graceMs` and `ssrf`;
 * `onChange` records the operational event of an owner's change (`{ owner, endpointId,
 * revision, url, event }`).
 */
export function endpointRegistry({ sql, seal, clock, settings, onChange }) {
  const sqlite = sql.dialect === "sqlite";
  const { inList, listParam } = listSql(sql.dialect);

  // The signing rows of endpoints a claim just read, so each attempt's keysFor does not read
  // them again; a row is used for PREFETCH_MS at most, and this store's own changes to an
  // endpoint drop it at once.
  const PREFETCH_MS = 2000;
  const prefetched = new Map();
  const remember = (rows) => {
    if (prefetched.size > 10_000) prefetched.clear();
    const at = clock();
    for (const row of rows) prefetched.set(row.id, { row, at });
  };
  const forget = (id) => prefetched.delete(id);

  /** What a caller may see of an endpoint: never a secret, sealed or not. */
  function view(row) {
    const health = fromJson(row.health);
    const status = endpointStatus(health);
    return {
      id: row.id,
      owner: row.owner,
      url: row.url,
      description: row.description,
      eventTypes: fromJson(row.event_types),
      channels: fromJson(row.channels),
      enabled: status.state === "enabled",
      status,
      secretVersion: Number(row.secret_version),
      ...rateLimitView(row),
      ordered: row.ordered === true || row.ordered === 1,
      health,
      createdAtMs: Number(row.created_at_ms),
      updatedAtMs: Number(row.updated_at_ms),
    };
  }

  /**
   * Checked fields of a create or an update (of the stored `row`): the URL, the patterns and the
   * rate limit by the core.
   */
  function fields(input, partial, row) {
    if (input === null || typeof input !== "object" || Array.isArray(input)) throw invalid("endpoint fields must be an object");
    const unknown = Object.keys(input).filter((k) => !FIELDS.includes(k));
    if (unknown.length) {
      throw invalid(`unknown endpoint field${unknown.length > 1 ? "s" : ""} ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 64))).join(", ")} (known: ${FIELDS.join(", ")})`);
    }
    const out = {};
    if (input.url !== undefined || !partial) {
      if (typeof input.url !== "string" || input.url.length > FIELD_LIMITS.url) throw invalid(`url must be a string of at most ${FIELD_LIMITS.url} characters`);
      // The core reads the URL and judges it with the guard the dispatcher will use (throws
      // target_not_allowed or invalid_url); with the guard off, the platform's parser reads it.
      if (settings.ssrf === false) {
        if (!safeUrl(input.url)) throw new SenderError("invalid_url", "url is not a URL");
      } else checkTarget(input.url, settings.ssrf ?? {});
      out.url = input.url;
    }
    if (input.description !== undefined) {
      if (typeof input.description !== "string" || input.description.length > FIELD_LIMITS.description || input.description.includes("\u0000")) {
        throw invalid(`description must be a string of at most ${FIELD_LIMITS.description} characters, without NUL`);
      }
      out.description = input.description;
    }
    for (const [key, column, check] of [["eventTypes", "event_types", validateEventTypePattern], ["channels", "channels", channelName]]) {
      if (input[key] === undefined) continue;
      if (!Array.isArray(input[key]) || input[key].length > 100 || !input[key].every((t) => typeof t === "string" && t.length <= 256)) {
        throw invalid(`${key} must be an array of at most 100 strings`);
      }
      input[key].forEach((value, i) => {
        try {
          check(value);
        } catch (e) {
          // The core's verdict, naming the entry it is about.
          throw new SenderError(e.code ?? "invalid_argument", `${key}[${i}] ${JSON.stringify(value.slice(0, 64))}: ${e.message}`);
        }
      });
      out[column] = JSON.stringify(input[key]);
    }
    if (input.enabled !== undefined && typeof input.enabled !== "boolean") throw invalid("enabled must be true or false");
    if (input.ordered !== undefined) {
      if (typeof input.ordered !== "boolean") throw invalid("ordered must be true or false");
      out.ordered = input.ordered;
    }
    Object.assign(out, rateLimitColumns(input, row, clock()).columns);
    return { columns: out, enabled: input.enabled };
  }

  async function getRow(owner, id) {
    checkOwner(owner);
    if (!plausibleId(id)) throw notFound("endpoint");
    const rows = await sql.rows("SELECT * FROM hookline_endpoints WHERE owner = $1 AND id = $2", [owner, id]);
    if (rows.length === 0) throw notFound(`endpoint ${id}`);
    return rows[0];
  }

  /** End an endpoint's pending deliveries (cancelled, `reason`): the statement and its params. */
  const cancelPending = (endpointId, reason, now) => [
    `UPDATE hookline_deliveries SET state = 'cancelled', ended_reason = $2, lease_until_ms = NULL, claim_token = NULL, updated_at_ms = $3
     WHERE endpoint_id = $1 AND state = 'pending'`,
    [endpointId, reason, now],
  ];

  const limited = (owner, cap) => new SenderError("endpoint_limit", `owner ${owner} has ${cap} endpoints, the most allowed`);
  /** The owner's cap: the setting, or what its function says for this owner. */
  const capOf = async (owner) => {
    const cap = typeof settings.maxEndpoints === "function" ? await settings.maxEndpoints(owner) : settings.maxEndpoints;
    if (!Number.isInteger(cap) || cap < 0) throw new SenderError("invalid_argument", `maxEndpointsPerOwner gave ${typeof cap === "number" ? cap : typeof cap} for owner ${owner}: a whole number of 0 or more is needed`);
    return cap;
  };

  return {
    view,
    remember,
    forget,
    cancelPending,

    /**
     * Register an endpoint for `owner`: `{ endpoint, secret }`, the only time the secret is
     * returned. Refused with `endpoint_limit` past the owner's cap, even under concurrent creates.
     */
    async createEndpoint(owner, input) {
      checkOwner(owner);
      const { columns: f, enabled } = fields(input, false);
      const cap = await capOf(owner);
      if (cap === 0) throw limited(owner, cap);
      const now = clock();
      const id = eventId("ep_", { now });
      const secret = generateSecret();
      const sealed = await seal.seal(id, secret);
      // Created disabled is the owner's choice: the core says what state that is.
      const health = enabled === false ? endpointChange(undefined, { enabled: false }, { now }).health : {};
      const values = [id, owner, f.url, f.description ?? "", f.event_types ?? "[]", f.channels ?? "[]", enabled !== false, sealed, now, JSON.stringify(health), f.rate_limit ?? null, f.rate_limit_burst ?? null, f.ordered === true];
      if (sqlite) {
        // D1 runs statements one at a time: the count and the insert are one statement.
        const rows = await sql.rows(
          `INSERT INTO hookline_endpoints (id, owner, url, description, event_types, channels, enabled, secret_version, secret_sealed, created_at_ms, updated_at_ms, health, rate_limit, rate_limit_burst, ordered)
           SELECT $1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9, $10, $11, $12, $13 WHERE (SELECT count(*) FROM hookline_endpoints WHERE owner = $2) < $14 RETURNING *`,
          [...values, cap],
        );
        if (rows.length === 0) throw limited(owner, cap);
        return { endpoint: view(rows[0]), secret };
      }
      const row = await sql.transaction(async (q) => {
        // The owner's row is the lock: concurrent creates for one owner take turns here.
        const counted = await q.query(
          `INSERT INTO hookline_owners (owner, endpoint_count) VALUES ($1, 1)
           ON CONFLICT (owner) DO UPDATE SET endpoint_count = hookline_owners.endpoint_count + 1
           WHERE hookline_owners.endpoint_count < $2
           RETURNING endpoint_count`,
          [owner, cap],
        );
        if (counted.rows.length === 0) throw limited(owner, cap);
        const inserted = await q.query(
          `INSERT INTO hookline_endpoints (id, owner, url, description, event_types, channels, enabled, secret_version, secret_sealed, created_at_ms, updated_at_ms, health, rate_limit, rate_limit_burst, ordered)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9, $10, $11, $12, $13) RETURNING *`,
          values,
        );
        return inserted.rows[0];
      });
      return { endpoint: view(row), secret };
    },

    async getEndpoint(owner, id) {
      return view(await getRow(owner, id));
    },

    /**
     * An owner's endpoints in id (creation) order, `limit` (1 to 100, default 20) at a time:
     * `{ data, nextCursor }`. The cursor is the last id seen, so rows inserted meanwhile are
     * neither skipped nor repeated.
     */
    async listEndpoints(owner, { limit, cursor } = {}) {
      checkOwner(owner);
      const size = pageLimit(limit);
      let after = "";
      if (cursor !== undefined && cursor !== null) {
        try {
          after = unb64url(String(cursor));
        } catch {
          throw invalid("cursor is not one this store gave");
        }
        if (!after.startsWith("ep_") || !plausibleId(after)) throw invalid("cursor is not one this store gave");
      }
      const rows = await sql.rows("SELECT * FROM hookline_endpoints WHERE owner = $1 AND id > $2 ORDER BY id LIMIT $3", [owner, after, size + 1]);
      const page = rows.slice(0, size).map(view);
      return { data: page, nextCursor: rows.length > size ? b64url(page.at(-1).id) : null };
    },

    /**
     * Change `url`, `description`, `eventTypes`, `channels`, `enabled`, `rateLimit` (null: none),
     * `rateLimitBurst` or `ordered`. What a change of `enabled` or `url` does to the endpoint's
     * state is the core's (`endpointChange`): enabling resets its health; disabling ends its
     * pending deliveries. A new rate limit starts a new bucket; `ordered` applies to deliveries
     * published after the change (those already held still wait for their key's head).
     */
    async updateEndpoint(owner, id, input) {
      const row = await getRow(owner, id);
      const { columns, enabled } = fields(input, true, row);
      if (Object.keys(columns).length === 0 && enabled === undefined) return view(row);
      forget(row.id);
      const now = clock();
      const changed = endpointChange(fromJson(row.health), { enabled, urlChanged: columns.url !== undefined && columns.url !== row.url }, { now });
      const set = { ...columns, health: JSON.stringify(changed.health), enabled: changed.enabled };
      const names = Object.keys(set);
      const bump = changed.renewed || set.url !== undefined ? 1 : 0;
      const update = [
        `UPDATE hookline_endpoints SET ${names.map((c, i) => `${c} = $${i + 3}`).join(", ")}, revision = revision + ${bump}, updated_at_ms = $${names.length + 3}
         WHERE owner = $1 AND id = $2 RETURNING *`,
        [owner, row.id, ...names.map((c) => set[c]), now],
      ];
      const list = changed.cancelPending ? [update, cancelPending(row.id, changed.cancelPending, now)] : [update];
      // Enabled again: its ordering keys are counted again (disabling ended their deliveries).
      if (changed.enabled && !(row.enabled === true || row.enabled === 1)) list.push(...repairKeys(sql.dialect, row.id, now));
      const [rows] = await sql.batch(list);
      if (rows.length === 0) throw notFound(`endpoint ${id}`);
      // The change's operational event (the core's), recorded at the revision it made.
      if (changed.event && onChange) await onChange({ owner, endpointId: row.id, revision: Number(rows[0].revision), url: rows[0].url, event: changed.event });
      return view(rows[0]);
    },

    /** Remove an endpoint: its pending deliveries end (cancelled, `endpoint_gone`) with it. */
    async deleteEndpoint(owner, id) {
      const row = await getRow(owner, id);
      forget(row.id);
      const now = clock();
      const { cancelPending: reason } = endpointChange(fromJson(row.health), { deleted: true }, { now });
      const del = ["DELETE FROM hookline_endpoints WHERE owner = $1 AND id = $2 RETURNING id", [owner, row.id]];
      if (sqlite) {
        const [deleted] = await sql.batch([del, cancelPending(row.id, reason, now), ...dropKeys(sql.dialect, row.id)]);
        if (deleted.length === 0) throw notFound(`endpoint ${id}`);
        return;
      }
      await sql.transaction(async (q) => {
        if ((await q.query(...del)).rows.length === 0) throw notFound(`endpoint ${id}`);
        await q.query(...cancelPending(row.id, reason, now));
        for (const statement of dropKeys(sql.dialect, row.id)) await q.query(...statement);
        await q.query("UPDATE hookline_owners SET endpoint_count = endpoint_count - 1 WHERE owner = $1", [owner]);
      });
    },

    /**
     * A new secret for the endpoint, returned once: `{ endpoint, secret }`. The previous one
     * keeps signing beside it for `graceMs` (both signatures are sent), then is dropped; 0 ends
     * it at once (a leaked secret).
     */
    async rotateSecret(owner, id, { graceMs = settings.graceMs } = {}) {
      if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > 30 * 86_400_000) throw invalid("graceMs must be a whole number of milliseconds from 0 to 30 days");
      const row = await getRow(owner, id);
      forget(row.id);
      const secret = generateSecret();
      const sealed = await seal.seal(row.id, secret);
      const now = clock();
      // graceMs 0: the old secret is dropped now, not kept for a grace period of none.
      const rows = await sql.rows(
        `UPDATE hookline_endpoints
         SET previous_sealed = CASE WHEN $3 THEN secret_sealed ELSE NULL END, previous_until_ms = $6,
             secret_sealed = $4, secret_version = secret_version + 1, updated_at_ms = $5
         WHERE owner = $1 AND id = $2 RETURNING *`,
        [owner, row.id, graceMs > 0, sealed, now, graceMs > 0 ? now + graceMs : null],
      );
      if (rows.length === 0) throw notFound(`endpoint ${id}`);
      return { endpoint: view(rows[0]), secret };
    },

    /**
     * The dispatcher's `resolveKeys`: the endpoint's secrets as they sign at `secretVersion`
     * (the current one, plus the previous one during its grace period, until `expiresAtMs`),
     * opened from the store, and its stored health. `not_found` when the endpoint is gone.
     */
    async keysFor(endpointId, secretVersion) {
      const id = String(endpointId);
      const newer = (row) => secretVersion !== undefined && Number(secretVersion) > Number(row.secret_version);
      const hit = prefetched.get(id);
      let row = hit && clock() - hit.at < PREFETCH_MS && !newer(hit.row) ? hit.row : null;
      if (!row) {
        if (!plausibleId(id)) throw notFound(`endpoint ${id}`);
        const rows = await sql.rows(`SELECT ${SIGNING_COLUMNS} FROM hookline_endpoints WHERE id = $1`, [id]);
        if (rows.length === 0) throw notFound(`endpoint ${id}`);
        row = rows[0];
      }
      if (newer(row)) throw new SenderError("keys_unavailable", `endpoint ${endpointId} has no secret version ${secretVersion}`);
      const secrets = [await seal.openOnce(row.id, row.secret_sealed)];
      const until = row.previous_until_ms === null || row.previous_until_ms === undefined ? null : Number(row.previous_until_ms);
      const now = clock();
      if (row.previous_sealed && until !== null && until > now) secrets.push(await seal.openOnce(row.id, row.previous_sealed));
      const keys = { secrets, health: fromJson(row.health) };
      if (secrets.length > 1) keys.expiresAtMs = until;
      // The operator's own endpoint (its URL set by the operator, never by an API caller) is not
      // judged by the guard that protects the sender from tenants' URLs.
      if (row.id.startsWith("op_")) keys.ssrf = false;
      return keys;
    },

    /** Seal every secret again with the current key (after adding a new key as `current`). */
    async reseal() {
      const rows = await sql.rows("SELECT id, secret_sealed, previous_sealed FROM hookline_endpoints");
      let count = 0;
      for (const row of rows) {
        if (seal.current(row.secret_sealed) && (!row.previous_sealed || seal.current(row.previous_sealed))) continue;
        const secret = await seal.seal(row.id, await seal.open(row.id, row.secret_sealed));
        const previous = row.previous_sealed ? await seal.seal(row.id, await seal.open(row.id, row.previous_sealed)) : null;
        await sql.rows("UPDATE hookline_endpoints SET secret_sealed = $2, previous_sealed = $3 WHERE id = $1 AND secret_sealed = $4", [row.id, secret, previous, row.secret_sealed]);
        count++;
      }
      return count;
    },

    inList,
    listParam,
  };
}

/** A channel name: 1 to 256 characters, no NUL (it is stored as text and compared as given). */
function channelName(value) {
  if (value.length === 0 || value.includes("\u0000")) throw invalid("a channel must be 1 to 256 characters, without NUL");
}

function safeUrl(text) {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
