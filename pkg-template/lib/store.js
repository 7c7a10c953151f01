// The endpoint registry, outbox and delivery log on PostgreSQL and PGlite (the same SQL) and on
// Cloudflare D1 (SQLite: the statements that lean on PostgreSQL's locking are its own): I/O
// only. It stores what a sender registers (endpoints per owner, their secrets encrypted at rest
// with AES-256-GCM through WebCrypto, their health) and answers the dispatcher's `resolveKeys`.
// Ids and secrets come from the core; every rule that must hold under concurrency (the
// per-owner cap) is one SQL statement.
// `hookline/store`: an entry of its own, so a receiver never loads it. It takes the core from the
// package's main entry, whichever runtime's that is.
import { buildEnvelope, checkTarget, eventId, generateSecret, matchSubscriptions, SenderError } from "hookline";

/** Versioned migrations; `store.migrate()` applies the ones a database lacks, in order. */
export const storeMigrations = [
  {
    version: 1,
    name: "endpoint registry",
    sql: `
CREATE TABLE hookline_owners (
  owner          TEXT    PRIMARY KEY,
  endpoint_count INTEGER NOT NULL DEFAULT 0 CHECK (endpoint_count >= 0)
);
CREATE TABLE hookline_endpoints (
  id                  TEXT    PRIMARY KEY,
  owner               TEXT    NOT NULL REFERENCES hookline_owners (owner),
  url                 TEXT    NOT NULL,
  description         TEXT    NOT NULL DEFAULT '',
  event_types         JSONB   NOT NULL DEFAULT '[]',
  channels            JSONB   NOT NULL DEFAULT '[]',
  enabled             BOOLEAN NOT NULL DEFAULT TRUE,
  secret_version      INTEGER NOT NULL,
  secret_sealed       TEXT    NOT NULL,
  previous_sealed     TEXT,
  previous_until_ms   BIGINT,
  health              JSONB   NOT NULL DEFAULT '{}',
  created_at_ms       BIGINT  NOT NULL,
  updated_at_ms       BIGINT  NOT NULL
);
-- an owner's endpoints in id order: the keyset the list cursor walks
CREATE INDEX hookline_endpoints_owner_id ON hookline_endpoints (owner, id);
`,
    // D1 runs one statement at a time, so the cap is a count inside the insert: no owners table.
    sqlite: `
CREATE TABLE hookline_endpoints (
  id                  TEXT    PRIMARY KEY,
  owner               TEXT    NOT NULL,
  url                 TEXT    NOT NULL,
  description         TEXT    NOT NULL DEFAULT '',
  event_types         TEXT    NOT NULL DEFAULT '[]',
  channels            TEXT    NOT NULL DEFAULT '[]',
  enabled             INTEGER NOT NULL DEFAULT 1,
  secret_version      INTEGER NOT NULL,
  secret_sealed       TEXT    NOT NULL,
  previous_sealed     TEXT,
  previous_until_ms   INTEGER,
  health              TEXT    NOT NULL DEFAULT '{}',
  created_at_ms       INTEGER NOT NULL,
  updated_at_ms       INTEGER NOT NULL
);
CREATE INDEX hookline_endpoints_owner_id ON hookline_endpoints (owner, id);
`,
  },
  {
    version: 2,
    name: "outbox and delivery log",
    sql: `
CREATE TABLE hookline_events (
  id            TEXT   PRIMARY KEY,
  owner         TEXT   NOT NULL,
  type          TEXT   NOT NULL,
  body          TEXT   NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE TABLE hookline_deliveries (
  id                 TEXT    PRIMARY KEY,
  event_id           TEXT    NOT NULL REFERENCES hookline_events (id),
  endpoint_id        TEXT    NOT NULL,
  owner              TEXT    NOT NULL,
  url                TEXT    NOT NULL,
  secret_version     INTEGER NOT NULL,
  state              TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempt            INTEGER NOT NULL DEFAULT 1,
  next_attempt_at_ms BIGINT  NOT NULL,
  lease_until_ms     BIGINT,
  created_at_ms      BIGINT  NOT NULL,
  updated_at_ms      BIGINT  NOT NULL
);
-- what is due: pending deliveries by time (the worker never scans the whole table)
CREATE INDEX hookline_deliveries_due ON hookline_deliveries (next_attempt_at_ms) WHERE state = 'pending';
CREATE INDEX hookline_deliveries_event ON hookline_deliveries (event_id);
CREATE TABLE hookline_attempts (
  seq             BIGSERIAL PRIMARY KEY,
  delivery_id     TEXT    NOT NULL REFERENCES hookline_deliveries (id),
  endpoint_id     TEXT    NOT NULL,
  attempt         INTEGER NOT NULL,
  attempted_at_ms BIGINT  NOT NULL,
  outcome         TEXT    NOT NULL,
  status          INTEGER,
  record          JSONB   NOT NULL
);
-- an endpoint's attempts, newest first
CREATE INDEX hookline_attempts_endpoint_time ON hookline_attempts (endpoint_id, attempted_at_ms DESC, seq DESC);
CREATE INDEX hookline_attempts_delivery ON hookline_attempts (delivery_id, seq);
`,
    // publish_nonce: D1 has no interactive transaction, so an event's deliveries are inserted
    // only where its row carries this publish's nonce (a duplicate publish inserts none).
    sqlite: `
CREATE TABLE hookline_events (
  id            TEXT    PRIMARY KEY,
  owner         TEXT    NOT NULL,
  type          TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  publish_nonce TEXT
);
CREATE TABLE hookline_deliveries (
  id                 TEXT    PRIMARY KEY,
  event_id           TEXT    NOT NULL REFERENCES hookline_events (id),
  endpoint_id        TEXT    NOT NULL,
  owner              TEXT    NOT NULL,
  url                TEXT    NOT NULL,
  secret_version     INTEGER NOT NULL,
  state              TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempt            INTEGER NOT NULL DEFAULT 1,
  next_attempt_at_ms INTEGER NOT NULL,
  lease_until_ms     INTEGER,
  created_at_ms      INTEGER NOT NULL,
  updated_at_ms      INTEGER NOT NULL
);
CREATE INDEX hookline_deliveries_due ON hookline_deliveries (next_attempt_at_ms) WHERE state = 'pending';
CREATE INDEX hookline_deliveries_event ON hookline_deliveries (event_id);
CREATE TABLE hookline_attempts (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id     TEXT    NOT NULL REFERENCES hookline_deliveries (id),
  endpoint_id     TEXT    NOT NULL,
  attempt         INTEGER NOT NULL,
  attempted_at_ms INTEGER NOT NULL,
  outcome         TEXT    NOT NULL,
  status          INTEGER,
  record          TEXT    NOT NULL
);
CREATE INDEX hookline_attempts_endpoint_time ON hookline_attempts (endpoint_id, attempted_at_ms DESC, seq DESC);
CREATE INDEX hookline_attempts_delivery ON hookline_attempts (delivery_id, seq);
`,
  },
  {
    version: 3,
    name: "receiver dedupe",
    sql: `
CREATE TABLE hookline_dedupe (
  key           TEXT   PRIMARY KEY,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX hookline_dedupe_expiry ON hookline_dedupe (expires_at_ms);
`,
    sqlite: `
CREATE TABLE hookline_dedupe (
  key           TEXT    PRIMARY KEY,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX hookline_dedupe_expiry ON hookline_dedupe (expires_at_ms);
`,
  },
];

const DEFAULT_MAX_ENDPOINTS = 50;
const DEFAULT_GRACE_MS = 24 * 3_600_000;
const MAX_PAGE = 100;
const FIELD_LIMITS = { url: 2048, description: 1024 };

const safeUrl = (text) => {
  try {
    return new URL(text);
  } catch {
    return null;
  }
};
const invalid = (message) => new SenderError("invalid_argument", message);
const notFound = (what) => new SenderError("not_found", `${what} not found`);
const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A JSON column as a value: PostgreSQL's driver parses JSONB, SQLite hands back the text. */
const fromJson = (v) => (typeof v === "string" ? JSON.parse(v) : v);
/** SQLite's numbered parameters are ?N; the statements here are written with PostgreSQL's $N. */
const sqliteText = (text) => text.replace(/\$(\d+)/g, "?$1");
const sqliteValue = (v) => (v === undefined ? null : typeof v === "boolean" ? (v ? 1 : 0) : v);

/**
 * The one interface the store talks to, whatever the caller holds: `rows(text, params)`,
 * `batch([[text, params], ...])` (all or nothing; the rows of each) and, on PostgreSQL,
 * `transaction(fn)` with a client whose `query` stays inside it.
 */
function driverFor(db) {
  if (db && typeof db.prepare === "function" && typeof db.batch === "function" && typeof db.query !== "function") {
    // Cloudflare D1: every statement runs alone and a batch is one transaction.
    const statement = ([text, params = []]) => db.prepare(sqliteText(text)).bind(...params.map(sqliteValue));
    return {
      dialect: "sqlite",
      rows: async (text, params) => (await statement([text, params]).all()).results ?? [],
      batch: async (list) => (await db.batch(list.map(statement))).map((r) => r.results ?? []),
    };
  }
  if (typeof db?.query !== "function") {
    throw invalid("createStore: db must be a PostgreSQL client (pg Pool or Client), a PGlite instance or a D1 database");
  }
  let transaction;
  if (typeof db.transaction === "function" && typeof db.exec === "function") {
    // PGlite: its own transaction(), serialized on its single connection.
    transaction = (fn) => db.transaction((tx) => fn(tx));
  } else if (typeof db.connect === "function" && typeof db.totalCount === "number") {
    // pg Pool: one pooled client per transaction.
    transaction = async (fn) => {
      const client = await db.connect();
      try {
        await client.query("BEGIN");
        const out = await fn(client);
        await client.query("COMMIT");
        return out;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    };
  } else {
    // One connection (a pg Client): transactions run one at a time on it.
    let chain = Promise.resolve();
    transaction = (fn) => {
      const run = chain.then(async () => {
        await db.query("BEGIN");
        try {
          const out = await fn(db);
          await db.query("COMMIT");
          return out;
        } catch (e) {
          await db.query("ROLLBACK").catch(() => {});
          throw e;
        }
      });
      chain = run.catch(() => {});
      return run;
    };
  }
  return {
    dialect: "postgres",
    rows: async (text, params) => (await db.query(text, params)).rows,
    batch: (list) =>
      transaction(async (q) => {
        const out = [];
        for (const [text, params] of list) out.push((await q.query(text, params)).rows);
        return out;
      }),
    transaction,
  };
}

/** Apply the migrations a database lacks, in order; the versions applied. */
async function migrate(sql, clock) {
  const table = "CREATE TABLE IF NOT EXISTS hookline_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)";
  const statements = (text) => text.split(";").map((t) => t.trim()).filter(Boolean);
  if (sql.dialect === "sqlite") {
    // D1: each migration is one batch (one transaction); a concurrent migrator's batch fails
    // on the tables this one made, and the versions are read again.
    await sql.rows(table);
    const applied = [];
    for (const m of storeMigrations) {
      const done = new Set((await sql.rows("SELECT version FROM hookline_migrations")).map((r) => Number(r.version)));
      if (done.has(m.version)) continue;
      try {
        await sql.batch([...statements(m.sqlite).map((t) => [t, []]), ["INSERT INTO hookline_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)", [m.version, m.name, clock()]]]);
        applied.push(m.version);
      } catch (e) {
        const again = await sql.rows("SELECT version FROM hookline_migrations WHERE version = $1", [m.version]);
        if (again.length === 0) throw e;
      }
    }
    return applied;
  }
  return sql.transaction(async (q) => {
    await q.query(table);
    // One migrator at a time, whatever the process.
    await q.query("LOCK TABLE hookline_migrations IN EXCLUSIVE MODE");
    const done = new Set((await q.query("SELECT version FROM hookline_migrations")).rows.map((r) => r.version));
    const applied = [];
    for (const m of storeMigrations) {
      if (done.has(m.version)) continue;
      for (const statement of statements(m.sql)) await q.query(statement);
      await q.query("INSERT INTO hookline_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)", [m.version, m.name, clock()]);
      applied.push(m.version);
    }
    return applied;
  });
}

/**
 * The sealing keys: `{ current: "k2", keys: { k1: "<base64 of 32 bytes>", k2: ... } }` or one
 * base64 key (id "k1"). New secrets are sealed with `current`; any listed key opens what it sealed,
 * so the key is rotated by adding a new one as `current` and re-sealing at leisure (`store.reseal()`).
 */
async function sealingKeys(spec) {
  const normalized = typeof spec === "string" ? { current: "k1", keys: { k1: spec } } : spec;
  if (!normalized || typeof normalized.current !== "string" || typeof normalized.keys !== "object" || !normalized.keys[normalized.current]) {
    throw invalid("createStore: encryptionKey must be a base64 32-byte key, or { current, keys: { id: key } } with the current id among the keys");
  }
  const keys = new Map();
  for (const [id, text] of Object.entries(normalized.keys)) {
    let raw;
    try {
      raw = unb64(String(text));
    } catch {
      raw = null;
    }
    if (!raw || raw.length !== 32 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      throw invalid(`createStore: encryption key ${JSON.stringify(id)} must be 32 bytes in base64 under an id of [A-Za-z0-9_-]`);
    }
    keys.set(id, await globalThis.crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  return { current: normalized.current, keys };
}

/**
 * Create the registry. `db`: a PGlite instance, a pg Pool or a pg Client. `encryptionKey`: see
 * sealingKeys. `maxEndpointsPerOwner` (default 50), `graceMs` (rotation overlap, default 24 h) and
 * `clock` (unix ms) are optional.
 */
export async function createStore(options) {
  if (options === null || typeof options !== "object") throw invalid("createStore: options must be an object with db and encryptionKey");
  const { db } = options;
  const sql = driverFor(db);
  const sqlite = sql.dialect === "sqlite";
  // A list of ids as one parameter $n: D1 reads a JSON array, PostgreSQL a text[].
  const inList = (column, n) => (sqlite ? `${column} IN (SELECT value FROM json_each($${n}))` : `${column} = ANY($${n}::text[])`);
  const listParam = (ids) => (sqlite ? JSON.stringify(ids) : ids);
  const sealing = await sealingKeys(options.encryptionKey);
  const clock = options.clock ?? (() => Date.now());
  const maxEndpoints = options.maxEndpointsPerOwner ?? DEFAULT_MAX_ENDPOINTS;
  if (!Number.isInteger(maxEndpoints) || maxEndpoints < 1) throw invalid("createStore: maxEndpointsPerOwner must be a whole number of 1 or more");
  const defaultGrace = options.graceMs ?? DEFAULT_GRACE_MS;
  if (!Number.isInteger(defaultGrace) || defaultGrace < 0) throw invalid("createStore: graceMs must be a whole number of milliseconds");

  // The endpoint id is the AAD: a sealed secret copied onto another row does not open.
  async function seal(endpointId, secret) {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const data = new TextEncoder().encode(secret);
    const aad = new TextEncoder().encode(endpointId);
    const ct = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, sealing.keys.get(sealing.current), data));
    return `v1.${sealing.current}.${b64(iv)}.${b64(ct)}`;
  }

  async function open(endpointId, sealed) {
    const [version, keyId, iv, ct] = String(sealed).split(".");
    const key = sealing.keys.get(keyId);
    if (version !== "v1" || !key) throw new SenderError("keys_unavailable", `endpoint ${endpointId}: its secret is sealed with key ${JSON.stringify(keyId)}, which this store was not given`);
    try {
      const aad = new TextEncoder().encode(endpointId);
      const plain = await globalThis.crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv), additionalData: aad }, key, unb64(ct));
      return new TextDecoder().decode(plain);
    } catch {
      throw new SenderError("keys_unavailable", `endpoint ${endpointId}: its secret does not open with key ${JSON.stringify(keyId)}`);
    }
  }

  // Opened secrets by endpoint and sealed text (which names its key and nonce, so it never
  // changes meaning): an attempt does not pay a decryption each time. Bounded.
  const opened = new Map();
  function openOnce(endpointId, sealed) {
    const k = `${endpointId}|${sealed}`;
    let secret = opened.get(k);
    if (!secret) {
      if (opened.size >= 10_000) opened.clear();
      secret = open(endpointId, sealed);
      opened.set(k, secret);
      secret.catch(() => opened.delete(k));
    }
    return secret;
  }

  // The signing rows of the endpoints a claim just took, so each attempt's keysFor does not
  // read them again; a row is used for PREFETCH_MS at most, and this store's own changes to an
  // endpoint drop it at once.
  const PREFETCH_MS = 2000;
  const prefetched = new Map();
  const signingColumns = "id, secret_version, secret_sealed, previous_sealed, previous_until_ms, health";
  async function prefetch(endpointIds) {
    const ids = [...new Set(endpointIds)];
    const rows = await sql.rows(`SELECT ${signingColumns} FROM hookline_endpoints WHERE ${inList("id", 1)}`, [listParam(ids)]);
    if (prefetched.size > 10_000) prefetched.clear();
    const at = clock();
    for (const row of rows) prefetched.set(row.id, { row, at });
  }

  /** What a caller may see of an endpoint: never a secret, sealed or not. */
  function view(row) {
    return {
      id: row.id,
      owner: row.owner,
      url: row.url,
      description: row.description,
      eventTypes: fromJson(row.event_types),
      channels: fromJson(row.channels),
      enabled: row.enabled === true || row.enabled === 1,
      secretVersion: Number(row.secret_version),
      health: fromJson(row.health),
      createdAtMs: Number(row.created_at_ms),
      updatedAtMs: Number(row.updated_at_ms),
    };
  }

  /** Checked fields of a create or an update: the URL by the core (parse + SSRF guard). */
  function fields(input, partial) {
    if (input === null || typeof input !== "object") throw invalid("endpoint fields must be an object");
    const out = {};
    if (input.url !== undefined || !partial) {
      if (typeof input.url !== "string" || input.url.length > FIELD_LIMITS.url) throw invalid(`url must be a string of at most ${FIELD_LIMITS.url} characters`);
      // The core reads the URL and judges it with the guard the dispatcher will use (throws
      // target_not_allowed or invalid_url); with the guard off, the platform's parser reads it.
      if (options.ssrf === false) {
        if (!safeUrl(input.url)) throw new SenderError("invalid_url", "url is not a URL");
      } else checkTarget(input.url, options.ssrf ?? {});
      out.url = input.url;
    }
    if (input.description !== undefined) {
      if (typeof input.description !== "string" || input.description.length > FIELD_LIMITS.description) throw invalid(`description must be a string of at most ${FIELD_LIMITS.description} characters`);
      out.description = input.description;
    }
    for (const [key, column] of [["eventTypes", "event_types"], ["channels", "channels"]]) {
      if (input[key] === undefined) continue;
      if (!Array.isArray(input[key]) || input[key].length > 100 || !input[key].every((t) => typeof t === "string" && t.length <= 256)) {
        throw invalid(`${key} must be an array of at most 100 strings`);
      }
      out[column] = JSON.stringify(input[key]);
    }
    if (input.enabled !== undefined) {
      if (typeof input.enabled !== "boolean") throw invalid("enabled must be true or false");
      out.enabled = input.enabled;
    }
    return out;
  }

  function checkOwner(owner) {
    if (typeof owner !== "string" || !/^[A-Za-z0-9_.:-]{1,128}$/.test(owner)) throw invalid("owner must be 1 to 128 characters of [A-Za-z0-9_.:-]");
  }

  /** An event's deliveries on D1, in as few statements as its limit of 100 parameters allows. */
  function deliveryInserts(eventIdValue, owner, now, rows, nonce) {
    const out = [];
    for (let at = 0; at < rows.length; at += 24) {
      const chunk = rows.slice(at, at + 24);
      const values = chunk.map((_, i) => `($${i * 4 + 5}, $${i * 4 + 6}, $${i * 4 + 7}, $${i * 4 + 8})`).join(", ");
      out.push([
        `INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
         SELECT v.column1, $1, v.column2, $2, v.column3, v.column4, $3, $3, $3 FROM (VALUES ${values}) v
         WHERE EXISTS (SELECT 1 FROM hookline_events WHERE id = $1 AND publish_nonce = $4)`,
        [eventIdValue, owner, now, nonce, ...chunk.flat()],
      ]);
    }
    return out;
  }

  const endpointsSql = "SELECT id, owner, url, event_types, channels, secret_version FROM hookline_endpoints";

  /** The deliveries an event gets from its owner's endpoints: the core matches, ids are new. */
  function plan(item, endpointRows) {
    const subs = endpointRows.map((r) => {
      const types = fromJson(r.event_types);
      const channels = fromJson(r.channels);
      return { id: r.id, url: r.url, eventTypes: types.length ? types : undefined, channels: channels.length ? channels : undefined, secretVersion: Number(r.secret_version) };
    });
    const matched = matchSubscriptions({ type: item.type, channels: item.channels }, subs);
    const deliveryIds = matched.map(() => eventId("dlv_", { now: item.now }));
    return { deliveryIds, rows: matched.map((sub, i) => [deliveryIds[i], sub.id, sub.url, sub.secretVersion]) };
  }

  /**
   * PostgreSQL's publishes, written in groups: while one group is being written, the next
   * gathers (at most 256 events; an id already in a group waits for the next), then one read of
   * the owners' endpoints and one statement write them all; each caller learns its own result.
   */
  const publishing = (() => {
    let waiting = [];
    let writing = false;
    async function write(group) {
      const owners = [...new Set(group.map((g) => g.item.owner))];
      const byOwner = new Map(owners.map((o) => [o, []]));
      for (const r of await sql.rows(`${endpointsSql} WHERE owner = ANY($1::text[]) AND enabled ORDER BY id`, [owners])) byOwner.get(r.owner).push(r);
      const plans = group.map((g) => plan(g.item, byOwner.get(g.item.owner)));
      const deliveries = group.flatMap((g, i) => plans[i].rows.map(([id, endpointId, url, version]) => [id, g.item.id, endpointId, g.item.owner, url, version, g.item.now]));
      const column = (list, k) => list.map((x) => x[k]);
      // One statement (data-modifying CTEs are atomic together): the events, and the deliveries
      // of the events that are new.
      const fresh = new Set(
        (
          await sql.rows(
            `WITH ev AS (
               INSERT INTO hookline_events (id, owner, type, body, created_at_ms)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
               ON CONFLICT (id) DO NOTHING RETURNING id
             ), dl AS (
               INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
               SELECT d.id, d.event_id, d.endpoint_id, d.owner, d.url, d.secret_version, d.at, d.at, d.at
               FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::bigint[]) AS d (id, event_id, endpoint_id, owner, url, secret_version, at)
               WHERE d.event_id IN (SELECT id FROM ev) RETURNING 1
             )
             SELECT id FROM ev`,
            [
              ...["id", "owner", "type", "body", "now"].map((k) => group.map((g) => g.item[k])),
              ...[0, 1, 2, 3, 4, 5, 6].map((k) => column(deliveries, k)),
            ],
          )
        ).map((r) => r.id),
      );
      const repeated = group.filter((g) => !fresh.has(g.item.id)).map((g) => g.item.id);
      const earlier = new Map(repeated.map((id) => [id, []]));
      if (repeated.length) {
        for (const r of await sql.rows("SELECT id, event_id FROM hookline_deliveries WHERE event_id = ANY($1::text[]) ORDER BY id", [repeated])) earlier.get(r.event_id).push(r.id);
      }
      group.forEach((g, i) => {
        const id = g.item.id;
        if (fresh.has(id)) g.resolve({ eventId: id, matched: plans[i].rows.length, deliveryIds: plans[i].deliveryIds, duplicate: false });
        else g.resolve({ eventId: id, matched: earlier.get(id).length, deliveryIds: earlier.get(id), duplicate: true });
      });
    }
    async function drain() {
      writing = true;
      while (waiting.length) {
        const group = [];
        const ids = new Set();
        const later = [];
        for (const g of waiting) {
          if (group.length < 256 && !ids.has(g.item.id)) {
            ids.add(g.item.id);
            group.push(g);
          } else later.push(g);
        }
        waiting = later;
        try {
          await write(group);
        } catch (e) {
          for (const g of group) g.reject(e);
        }
      }
      writing = false;
    }
    return {
      add(item) {
        return new Promise((resolve, reject) => {
          waiting.push({ item, resolve, reject });
          // The publishes of this turn of the event loop go together.
          if (!writing) {
            writing = true;
            setTimeout(drain, 0);
          }
        });
      },
    };
  })();

  const toJob = (r, event) => ({
    deliveryId: r.id,
    attempt: Number(r.attempt),
    endpointId: r.endpoint_id,
    url: r.url,
    secretVersion: Number(r.secret_version),
    leaseUntilMs: Number(r.lease_until_ms),
    envelope: { id: event.id, type: event.type, body: event.body },
  });

  return {
    /** Apply the migrations this database lacks; returns the versions applied. */
    migrate: () => migrate(sql, clock),

    /**
     * Register an endpoint for `owner`: `{ endpoint, secret }`, the only time the secret is
     * returned. Refused with `endpoint_limit` past the owner's cap, even under concurrent creates.
     */
    async createEndpoint(owner, input) {
      checkOwner(owner);
      const f = fields(input, false);
      const now = clock();
      const id = eventId("ep_", { now });
      const secret = generateSecret();
      const sealed = await seal(id, secret);
      const values = [id, owner, f.url, f.description ?? "", f.event_types ?? "[]", f.channels ?? "[]", f.enabled ?? true, sealed, now];
      const limited = () => new SenderError("endpoint_limit", `owner ${owner} has ${maxEndpoints} endpoints, the most allowed`);
      if (sqlite) {
        // D1 runs statements one at a time: the count and the insert are one statement.
        const rows = await sql.rows(
          `INSERT INTO hookline_endpoints (id, owner, url, description, event_types, channels, enabled, secret_version, secret_sealed, created_at_ms, updated_at_ms)
           SELECT $1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9 WHERE (SELECT count(*) FROM hookline_endpoints WHERE owner = $2) < $10 RETURNING *`,
          [...values, maxEndpoints],
        );
        if (rows.length === 0) throw limited();
        return { endpoint: view(rows[0]), secret };
      }
      const row = await sql.transaction(async (q) => {
        // The owner's row is the lock: concurrent creates for one owner take turns here.
        const counted = await q.query(
          `INSERT INTO hookline_owners (owner, endpoint_count) VALUES ($1, 1)
           ON CONFLICT (owner) DO UPDATE SET endpoint_count = hookline_owners.endpoint_count + 1
           WHERE hookline_owners.endpoint_count < $2
           RETURNING endpoint_count`,
          [owner, maxEndpoints],
        );
        if (counted.rows.length === 0) throw limited();
        const inserted = await q.query(
          `INSERT INTO hookline_endpoints (id, owner, url, description, event_types, channels, enabled, secret_version, secret_sealed, created_at_ms, updated_at_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9) RETURNING *`,
          values,
        );
        return inserted.rows[0];
      });
      return { endpoint: view(row), secret };
    },

    async getEndpoint(owner, id) {
      checkOwner(owner);
      const rows = await sql.rows("SELECT * FROM hookline_endpoints WHERE owner = $1 AND id = $2", [owner, String(id)]);
      if (rows.length === 0) throw notFound(`endpoint ${id}`);
      return view(rows[0]);
    },

    /**
     * An owner's endpoints in id (creation) order, `limit` (1 to 100, default 20) at a time:
     * `{ data, nextCursor }`. The cursor is the last id seen, so rows inserted meanwhile are
     * neither skipped nor repeated.
     */
    async listEndpoints(owner, { limit = 20, cursor } = {}) {
      checkOwner(owner);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid(`limit must be a whole number from 1 to ${MAX_PAGE}`);
      let after = "";
      if (cursor !== undefined && cursor !== null) {
        try {
          after = new TextDecoder().decode(unb64(String(cursor).replace(/-/g, "+").replace(/_/g, "/")));
        } catch {
          throw invalid("cursor is not one this store gave");
        }
        if (!after.startsWith("ep_")) throw invalid("cursor is not one this store gave");
      }
      const rows = await sql.rows("SELECT * FROM hookline_endpoints WHERE owner = $1 AND id > $2 ORDER BY id LIMIT $3", [owner, after, limit + 1]);
      const page = rows.slice(0, limit).map(view);
      const nextCursor = rows.length > limit ? b64(new TextEncoder().encode(page.at(-1).id)).replace(/\+/g, "-").replace(/\//g, "_") : null;
      return { data: page, nextCursor };
    },

    /** Change `url`, `description`, `eventTypes`, `channels` or `enabled`; `updatedAtMs` records when. */
    async updateEndpoint(owner, id, input) {
      checkOwner(owner);
      prefetched.delete(String(id));
      const f = fields(input, true);
      const columns = Object.keys(f);
      if (columns.length === 0) return this.getEndpoint(owner, id);
      const sets = columns.map((c, i) => `${c} = $${i + 3}`).join(", ");
      const rows = await sql.rows(
        `UPDATE hookline_endpoints SET ${sets}, updated_at_ms = $${columns.length + 3} WHERE owner = $1 AND id = $2 RETURNING *`,
        [owner, String(id), ...columns.map((c) => f[c]), clock()],
      );
      if (rows.length === 0) throw notFound(`endpoint ${id}`);
      return view(rows[0]);
    },

    async deleteEndpoint(owner, id) {
      checkOwner(owner);
      prefetched.delete(String(id));
      const del = ["DELETE FROM hookline_endpoints WHERE owner = $1 AND id = $2 RETURNING id", [owner, String(id)]];
      if (sqlite) {
        if ((await sql.rows(...del)).length === 0) throw notFound(`endpoint ${id}`);
        return;
      }
      await sql.transaction(async (q) => {
        const { rows } = await q.query(...del);
        if (rows.length === 0) throw notFound(`endpoint ${id}`);
        await q.query("UPDATE hookline_owners SET endpoint_count = endpoint_count - 1 WHERE owner = $1", [owner]);
      });
    },

    /**
     * A new secret for the endpoint, returned once: `{ endpoint, secret }`. The previous one keeps
     * signing beside it for `graceMs` (both signatures are sent), then is dropped.
     */
    async rotateSecret(owner, id, { graceMs = defaultGrace } = {}) {
      checkOwner(owner);
      prefetched.delete(String(id));
      if (!Number.isInteger(graceMs) || graceMs < 0) throw invalid("graceMs must be a whole number of milliseconds");
      const secret = generateSecret();
      const sealed = await seal(String(id), secret);
      const now = clock();
      const rows = await sql.rows(
        `UPDATE hookline_endpoints
         SET previous_sealed = secret_sealed, previous_until_ms = $3, secret_sealed = $4,
             secret_version = secret_version + 1, updated_at_ms = $5
         WHERE owner = $1 AND id = $2 RETURNING *`,
        [owner, String(id), now + graceMs, sealed, now],
      );
      if (rows.length === 0) throw notFound(`endpoint ${id}`);
      return { endpoint: view(rows[0]), secret };
    },

    /**
     * The dispatcher's `resolveKeys`: the endpoint's secrets as they sign at `secretVersion`
     * (the current one, plus the previous one during its grace period), opened from the store.
     */
    async keysFor(endpointId, secretVersion) {
      const id = String(endpointId);
      const newer = (row) => secretVersion !== undefined && Number(secretVersion) > Number(row.secret_version);
      const hit = prefetched.get(id);
      let row = hit && clock() - hit.at < PREFETCH_MS && !newer(hit.row) ? hit.row : null;
      if (!row) {
        const rows = await sql.rows(`SELECT ${signingColumns} FROM hookline_endpoints WHERE id = $1`, [id]);
        if (rows.length === 0) throw new SenderError("keys_unavailable", `endpoint ${endpointId} is not registered`);
        row = rows[0];
      }
      if (newer(row)) throw new SenderError("keys_unavailable", `endpoint ${endpointId} has no secret version ${secretVersion}`);
      const secrets = [await openOnce(row.id, row.secret_sealed)];
      if (row.previous_sealed && Number(row.previous_until_ms) > clock()) secrets.push(await openOnce(row.id, row.previous_sealed));
      return { secrets, health: fromJson(row.health) };
    },

    /**
     * Store an event and one pending delivery per matching enabled endpoint of `owner`, at once,
     * before any network I/O: `{ eventId, matched, deliveryIds, duplicate }`. The same `id` twice
     * is one event (the second call matches nothing new and says `duplicate`). On PostgreSQL,
     * publishes made while another is being written are written together, in one statement.
     */
    async publish(owner, event) {
      checkOwner(owner);
      const now = clock();
      // The core builds the envelope (a given `id` kept, else a new one) and checks the event.
      const envelope = buildEnvelope(event, { now });
      const item = { owner, now, id: envelope.id, type: envelope.type, channels: envelope.channels ?? [], body: new TextDecoder().decode(envelope.body) };
      if (!sqlite) return publishing.add(item);
      // D1 (no interactive transaction): the endpoints are read, then one batch writes the event
      // and its deliveries, the deliveries only where the event row carries this publish's nonce.
      const planned = plan(item, await sql.rows(`${endpointsSql} WHERE owner = $1 AND enabled ORDER BY id`, [owner]));
      const nonce = b64(globalThis.crypto.getRandomValues(new Uint8Array(12)));
      const [inserted] = await sql.batch([
        ["INSERT INTO hookline_events (id, owner, type, body, created_at_ms, publish_nonce) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id", [item.id, owner, item.type, item.body, now, nonce]],
        ...deliveryInserts(item.id, owner, now, planned.rows, nonce),
      ]);
      if (inserted.length === 1) return { eventId: item.id, matched: planned.rows.length, deliveryIds: planned.deliveryIds, duplicate: false };
      const rows = await sql.rows("SELECT id FROM hookline_deliveries WHERE event_id = $1 ORDER BY id", [item.id]);
      return { eventId: item.id, matched: rows.length, deliveryIds: rows.map((r) => r.id), duplicate: true };
    },

    /**
     * Take up to `limit` due deliveries for `leaseMs` (default 60 s) as dispatcher jobs. Two
     * workers never take the same delivery (PostgreSQL: FOR UPDATE SKIP LOCKED; D1: one
     * statement); a lease that runs out (its worker died) makes the delivery due again.
     * `ids` limits the claim to those deliveries (a queue message's); `overdueMs` takes only
     * deliveries due at least that long ago (a sweep that leaves timely ones to their queue).
     */
    async claimDue({ limit = 32, leaseMs = 60_000, ids, overdueMs = 0 } = {}) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid("claimDue: limit must be a whole number from 1 to 1000");
      if (!Number.isInteger(leaseMs) || leaseMs < 1) throw invalid("claimDue: leaseMs must be a whole number of milliseconds");
      if (!Number.isInteger(overdueMs) || overdueMs < 0) throw invalid("claimDue: overdueMs must be a whole number of milliseconds");
      if (ids !== undefined && (!Array.isArray(ids) || ids.length > 1000 || !ids.every((i) => typeof i === "string"))) throw invalid("claimDue: ids must be an array of at most 1000 delivery ids");
      if (ids?.length === 0) return [];
      const now = clock();
      const only = ids ? `AND ${inList("id", 5)}` : "";
      const params = [now, now + leaseMs, limit, now - overdueMs, ...(ids ? [listParam(ids)] : [])];
      const due = `SELECT id FROM hookline_deliveries
           WHERE state = 'pending' AND next_attempt_at_ms <= $4 AND (lease_until_ms IS NULL OR lease_until_ms <= $1) ${only}
           ORDER BY next_attempt_at_ms LIMIT $3`;
      if (sqlite) {
        // One statement: D1 runs it alone, so two claims never take the same row.
        const claimed = await sql.rows(
          `UPDATE hookline_deliveries SET lease_until_ms = $2, updated_at_ms = $1 WHERE id IN (${due})
           RETURNING id, event_id, endpoint_id, url, secret_version, attempt, lease_until_ms`,
          params,
        );
        if (claimed.length === 0) return [];
        await prefetch(claimed.map((r) => r.endpoint_id));
        const eventIds = [...new Set(claimed.map((r) => r.event_id))];
        const events = new Map((await sql.rows(`SELECT id, type, body FROM hookline_events WHERE ${inList("id", 1)}`, [listParam(eventIds)])).map((e) => [e.id, e]));
        return claimed.map((r) => toJob(r, events.get(r.event_id)));
      }
      const rows = await sql.rows(
        `UPDATE hookline_deliveries d SET lease_until_ms = $2, updated_at_ms = $1
         FROM hookline_events e
         WHERE d.event_id = e.id AND d.id IN (${due} FOR UPDATE SKIP LOCKED)
         RETURNING d.id, d.endpoint_id, d.url, d.secret_version, d.attempt, d.lease_until_ms, e.id AS event_id, e.type, e.body`,
        params,
      );
      if (rows.length > 0) await prefetch(rows.map((r) => r.endpoint_id));
      return rows.map((r) => toJob(r, { id: r.event_id, type: r.type, body: r.body }));
    },

    /**
     * Record what `dispatcher.attempt(job)` returned for a claimed job: append the attempt, move
     * the delivery on (delivered, failed, or due again at the plan's time) and keep the
     * endpoint's health. Ignored (false) when the job's lease was lost to another worker.
     */
    async complete(job, result) {
      return (await this.completeAll([{ job, ...result }]))[0];
    },

    /**
     * `complete` for many jobs at once (`[{ job, record, plan, health }]`), in one statement on
     * PostgreSQL and one batch on D1; a boolean per job, in order.
     */
    async completeAll(items) {
      if (!Array.isArray(items) || items.length > 1000) throw invalid("completeAll: items must be an array of at most 1000 { job, record, plan, health }");
      if (items.length === 0) return [];
      const now = clock();
      const rows = items.map(({ job, record, plan, health }) => ({
        deliveryId: job.deliveryId,
        lease: job.leaseUntilMs,
        state: plan.kind === "done" ? "delivered" : plan.kind === "retry" ? "pending" : "failed",
        attempt: plan.kind === "retry" ? plan.attempt : job.attempt,
        nextAt: plan.kind === "retry" ? plan.atMs : now,
        record,
        health: health ? JSON.stringify(health) : null,
      }));
      if (sqlite) {
        // One batch (one transaction): per job, the record and the health are written only
        // while this worker holds the lease, checked before the delivery moves on.
        const held = "FROM hookline_deliveries WHERE id = $1 AND state = 'pending' AND lease_until_ms = $2";
        const results = await sql.batch(
          rows.flatMap((r) => [
            [`INSERT INTO hookline_attempts (delivery_id, endpoint_id, attempt, attempted_at_ms, outcome, status, record) SELECT id, endpoint_id, $3, $4, $5, $6, $7 ${held}`,
              [r.deliveryId, r.lease, r.record.attempt, r.record.attemptedAtMs, r.record.outcome, r.record.status ?? null, JSON.stringify(r.record)]],
            [`UPDATE hookline_endpoints SET health = COALESCE($3, health) WHERE id = (SELECT endpoint_id ${held})`, [r.deliveryId, r.lease, r.health]],
            [`UPDATE hookline_deliveries SET state = $3, attempt = $4, next_attempt_at_ms = $5, lease_until_ms = NULL, updated_at_ms = $6
              WHERE id = $1 AND state = 'pending' AND lease_until_ms = $2 RETURNING id`, [r.deliveryId, r.lease, r.state, r.attempt, r.nextAt, now]],
          ]),
        );
        return rows.map((_, i) => results[i * 3 + 2].length === 1);
      }
      // PostgreSQL: one statement (data-modifying CTEs are atomic together). A delivery moves
      // on only while its worker still holds the lease, and its record and health follow only
      // then; an endpoint with several jobs here keeps the health of the latest attempt.
      const moved = await sql.rows(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::bigint[], $8::text[], $9::int[], $10::jsonb[], $11::jsonb[])
             AS t (delivery_id, lease, state, attempt, next_at, rec_attempt, attempted_at, outcome, status, record, health)
         ), moved AS (
           UPDATE hookline_deliveries d SET state = i.state, attempt = i.attempt, next_attempt_at_ms = i.next_at, lease_until_ms = NULL, updated_at_ms = $12
           FROM input i WHERE d.id = i.delivery_id AND d.state = 'pending' AND d.lease_until_ms = i.lease
           RETURNING d.id, d.endpoint_id
         ), logged AS (
           INSERT INTO hookline_attempts (delivery_id, endpoint_id, attempt, attempted_at_ms, outcome, status, record)
           SELECT m.id, m.endpoint_id, i.rec_attempt, i.attempted_at, i.outcome, i.status, i.record FROM moved m JOIN input i ON i.delivery_id = m.id
           ORDER BY i.attempted_at RETURNING 1
         ), healed AS (
           UPDATE hookline_endpoints e SET health = h.health FROM (
             SELECT DISTINCT ON (m.endpoint_id) m.endpoint_id, i.health FROM moved m JOIN input i ON i.delivery_id = m.id
             WHERE i.health IS NOT NULL ORDER BY m.endpoint_id, i.attempted_at DESC
           ) h WHERE e.id = h.endpoint_id RETURNING 1
         )
         SELECT id FROM moved`,
        [
          rows.map((r) => r.deliveryId),
          rows.map((r) => r.lease),
          rows.map((r) => r.state),
          rows.map((r) => r.attempt),
          rows.map((r) => r.nextAt),
          rows.map((r) => r.record.attempt),
          rows.map((r) => r.record.attemptedAtMs),
          rows.map((r) => r.record.outcome),
          rows.map((r) => r.record.status ?? null),
          rows.map((r) => JSON.stringify(r.record)),
          rows.map((r) => r.health),
          now,
        ],
      );
      const done = new Set(moved.map((m) => m.id));
      return rows.map((r) => done.has(r.deliveryId));
    },

    /**
     * One claim-attempt-complete round through `dispatcher` (made with `resolveKeys:
     * store.keysFor`): `{ claimed, completed, retries }`, where `retries` lists the deliveries
     * due again, `[{ deliveryId, attempt, atMs }]` (for a queue that carries delivery ids): the
     * plan's retries, and the attempts that could not start (no keys) when their lease runs out.
     */
    async deliverDue(dispatcher, options = {}) {
      const jobs = await this.claimDue(options);
      const retries = [];
      const attempted = [];
      await Promise.all(
        jobs.map(async (job) => {
          try {
            attempted.push({ job, ...(await dispatcher.attempt(job)) });
          } catch {
            // No keys now (a secret store blip): the delivery is due again when the lease runs out.
            retries.push({ deliveryId: job.deliveryId, attempt: job.attempt, atMs: job.leaseUntilMs });
          }
        }),
      );
      const completed = await this.completeAll(attempted);
      attempted.forEach(({ job, plan }, i) => {
        if (completed[i] && plan.kind === "retry") retries.push({ deliveryId: job.deliveryId, attempt: plan.attempt, atMs: plan.atMs });
      });
      return { claimed: jobs.length, completed: completed.filter(Boolean).length, retries };
    },

    /**
     * A delivery worker that keeps up to `concurrency` (default 32) attempts in flight: it
     * claims as slots free up (so one slow endpoint holds one slot, not a whole round), records
     * finished attempts together every few milliseconds, and polls every `idleMs` (default 100)
     * when nothing is due. `stop()` stops claiming and resolves once every attempt in flight is
     * recorded. `onError(error)` hears what a claim or a record could not do (it is retried).
     */
    startWorker(dispatcher, { concurrency = 32, leaseMs = 60_000, idleMs = 100, onError = () => {} } = {}) {
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) throw invalid("startWorker: concurrency must be a whole number from 1 to 1000");
      if (!Number.isInteger(idleMs) || idleMs < 1) throw invalid("startWorker: idleMs must be a whole number of milliseconds");
      const store = this;
      let stopping = false;
      let inFlight = 0;
      let wake = null;
      const nap = (ms) => new Promise((r) => {
        const timer = setTimeout(r, ms);
        wake = () => (clearTimeout(timer), r());
      });
      const signal = () => wake?.();
      // Finished attempts wait here up to 5 ms (or until 64 are waiting) and are recorded
      // together; each attempt's promise settles once its own batch is written.
      let current = null;
      const flushBatch = async (c) => {
        if (c.flushed) return;
        c.flushed = true;
        clearTimeout(c.timer);
        if (current === c) current = null;
        try {
          await store.completeAll(c.items);
        } catch (e) {
          // Unrecorded: the leases run out and the deliveries are attempted again.
          onError(e);
        }
        c.resolve();
      };
      const record = (item) => {
        if (!current) {
          const c = { items: [], flushed: false };
          c.done = new Promise((r) => (c.resolve = r));
          c.timer = setTimeout(() => flushBatch(c), 5);
          current = c;
        }
        const c = current;
        c.items.push(item);
        if (c.items.length >= 64) flushBatch(c);
        return c.done;
      };
      const attemptOne = async (job) => {
        try {
          await record({ job, ...(await dispatcher.attempt(job)) });
        } catch {
          // No keys now: the lease runs out and the delivery is due again.
        } finally {
          inFlight--;
          signal();
        }
      };
      const loop = (async () => {
        while (!stopping) {
          const room = concurrency - inFlight;
          // Claim when a quarter of the slots are free, not one slot at a time.
          if (room < Math.max(1, Math.floor(concurrency / 4))) {
            await nap(idleMs);
            continue;
          }
          let jobs = [];
          try {
            jobs = await store.claimDue({ limit: room, leaseMs });
          } catch (e) {
            onError(e);
          }
          if (stopping && jobs.length === 0) break;
          for (const job of jobs) {
            inFlight++;
            attemptOne(job);
          }
          if (jobs.length === 0) await nap(idleMs);
        }
        // Every attempt in flight finishes and its record is written before stop() resolves.
        while (inFlight > 0) await nap(50);
      })();
      return {
        stop() {
          stopping = true;
          signal();
          return loop;
        },
      };
    },

    /**
     * The queue consumer's round: `messages` are `{ deliveryId, attempt }` as a queue carried
     * them. A message whose delivery ended, moved to another attempt or is leased by a worker
     * now is stale and dropped (the holder of the lease goes on); one not due yet comes back in
     * `later`; the rest are claimed, attempted and completed. Returns `{ completed, later }`,
     * `later` being `[{ deliveryId, attempt, atMs }]` to send to the queue again (retries
     * included), so a queue carries ids and attempt numbers, never a secret or a body.
     */
    async deliverQueued(dispatcher, messages, options = {}) {
      if (!Array.isArray(messages) || messages.length > 1000) throw invalid("deliverQueued: messages must be an array of at most 1000 { deliveryId, attempt }");
      const wanted = new Map();
      for (const m of messages) {
        if (typeof m?.deliveryId === "string" && Number.isInteger(m.attempt)) wanted.set(m.deliveryId, m.attempt);
      }
      if (wanted.size === 0) return { completed: 0, later: [] };
      const now = clock();
      const list = [...wanted.keys()];
      const pending = await sql.rows(`SELECT id, attempt, next_attempt_at_ms, lease_until_ms FROM hookline_deliveries WHERE state = 'pending' AND ${inList("id", 1)}`, [listParam(list)]);
      const later = [];
      const due = [];
      for (const r of pending) {
        if (Number(r.attempt) !== wanted.get(r.id)) continue; // stale: another message carries this delivery now
        if (r.lease_until_ms !== null && Number(r.lease_until_ms) > now) continue; // a worker holds it
        if (Number(r.next_attempt_at_ms) > now) later.push({ deliveryId: r.id, attempt: Number(r.attempt), atMs: Number(r.next_attempt_at_ms) });
        else due.push(r.id);
      }
      const round = await this.deliverDue(dispatcher, { ...options, ids: due, limit: Math.max(1, due.length) });
      return { completed: round.completed, later: [...later, ...round.retries] };
    },

    /** A delivery and its attempts, oldest first. */
    async getDelivery(owner, id) {
      checkOwner(owner);
      const rows = await sql.rows("SELECT * FROM hookline_deliveries WHERE owner = $1 AND id = $2", [owner, String(id)]);
      if (rows.length === 0) throw notFound(`delivery ${id}`);
      const attempts = await sql.rows("SELECT record FROM hookline_attempts WHERE delivery_id = $1 ORDER BY seq", [String(id)]);
      const d = rows[0];
      return { id: d.id, eventId: d.event_id, endpointId: d.endpoint_id, state: d.state, attempt: Number(d.attempt), nextAttemptAtMs: Number(d.next_attempt_at_ms), attempts: attempts.map((r) => fromJson(r.record)) };
    },

    /**
     * An endpoint's attempt records, newest first, `limit` (1 to 100, default 20) at a time:
     * `{ data, nextCursor }`. The cursor is the last record's place, so attempts appended
     * meanwhile (they are newer) never shift a page.
     */
    async listAttempts(owner, endpointId, { limit = 20, cursor } = {}) {
      checkOwner(owner);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid(`limit must be a whole number from 1 to ${MAX_PAGE}`);
      await this.getEndpoint(owner, endpointId);
      let before = null;
      if (cursor !== undefined && cursor !== null) {
        const m = /^a(\d{1,15})\.(\d{1,15})$/.exec(String(cursor));
        if (!m) throw invalid("cursor is not one this store gave");
        before = [Number(m[1]), Number(m[2])];
      }
      const rows = await sql.rows(
        before
          ? `SELECT seq, attempted_at_ms, record FROM hookline_attempts
             WHERE endpoint_id = $1 AND (attempted_at_ms < $3 OR (attempted_at_ms = $3 AND seq < $4))
             ORDER BY attempted_at_ms DESC, seq DESC LIMIT $2`
          : "SELECT seq, attempted_at_ms, record FROM hookline_attempts WHERE endpoint_id = $1 ORDER BY attempted_at_ms DESC, seq DESC LIMIT $2",
        before ? [String(endpointId), limit + 1, ...before] : [String(endpointId), limit + 1],
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { data: page.map((r) => fromJson(r.record)), nextCursor: rows.length > limit ? `a${last.attempted_at_ms}.${last.seq}` : null };
    },

    /**
     * Send a past delivery's event again to the same endpoint as a new delivery (attempt 1, due
     * now, a new delivery id); the old delivery and its records are left as they are.
     */
    async redeliver(owner, deliveryId) {
      checkOwner(owner);
      const now = clock();
      const id = eventId("dlv_", { now });
      const rows = await sql.rows(
        `INSERT INTO hookline_deliveries (id, event_id, endpoint_id, owner, url, secret_version, next_attempt_at_ms, created_at_ms, updated_at_ms)
         SELECT CAST($3 AS TEXT), d.event_id, d.endpoint_id, d.owner, e.url, e.secret_version, CAST($4 AS BIGINT), CAST($4 AS BIGINT), CAST($4 AS BIGINT)
         FROM hookline_deliveries d JOIN hookline_endpoints e ON e.id = d.endpoint_id WHERE d.owner = $1 AND d.id = $2
         RETURNING id, event_id`,
        [owner, String(deliveryId), id, now],
      );
      if (rows.length === 0) throw notFound(`delivery ${deliveryId} (or its endpoint)`);
      return { deliveryId: id, eventId: rows[0].event_id };
    },

    /**
     * Retention: remove events older than `olderThanMs` (unix ms) whose deliveries have all
     * ended, with those deliveries and their attempt records. Pending work is never removed.
     */
    async prune({ olderThanMs }) {
      if (!Number.isFinite(olderThanMs)) throw invalid("prune needs olderThanMs, unix milliseconds");
      const old = `SELECT id FROM hookline_events ev WHERE ev.created_at_ms < $1
          AND NOT EXISTS (SELECT 1 FROM hookline_deliveries d WHERE d.event_id = ev.id AND d.state = 'pending')`;
      const results = await sql.batch([
        [`DELETE FROM hookline_attempts WHERE delivery_id IN (SELECT id FROM hookline_deliveries WHERE event_id IN (${old}))`, [olderThanMs]],
        [`DELETE FROM hookline_deliveries WHERE event_id IN (${old})`, [olderThanMs]],
        [`DELETE FROM hookline_events WHERE id IN (${old}) RETURNING id`, [olderThanMs]],
      ]);
      return results[2].length;
    },

    /** Seal every secret again with the current key (after adding a new key as `current`). */
    async reseal() {
      const rows = await sql.rows("SELECT id, secret_sealed, previous_sealed FROM hookline_endpoints");
      let count = 0;
      for (const row of rows) {
        if (row.secret_sealed.startsWith(`v1.${sealing.current}.`) && (!row.previous_sealed || row.previous_sealed.startsWith(`v1.${sealing.current}.`))) continue;
        const secret = await seal(row.id, await open(row.id, row.secret_sealed));
        const previous = row.previous_sealed ? await seal(row.id, await open(row.id, row.previous_sealed)) : null;
        await sql.rows("UPDATE hookline_endpoints SET secret_sealed = $2, previous_sealed = $3 WHERE id = $1 AND secret_sealed = $4", [row.id, secret, previous, row.secret_sealed]);
        count++;
      }
      return count;
    },
  };
}

// ---- the receiver's dedupe stores ----------------------------------------------------------------
// `verifyRequest(request, { secret, dedupe })` asks `dedupe.claim(key, expiresAtMs)` once a
// delivery has verified; the core chose the key and its lifetime. Each store only answers
// whether it already held the key.

const MAX_DEDUPE_KEY = 512;
function checkClaim(key, expiresAtMs) {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_DEDUPE_KEY) throw invalid(`dedupe: key must be a string of 1 to ${MAX_DEDUPE_KEY} characters`);
  if (!Number.isFinite(expiresAtMs)) throw invalid("dedupe: expiresAtMs must be unix milliseconds");
}

/**
 * Dedupe on PostgreSQL, PGlite or D1 (the store's database and migrations): a claim is one
 * INSERT ... ON CONFLICT, atomic whatever the concurrency; an expired key is claimed again.
 */
export function createDedupe({ db, clock = () => Date.now() } = {}) {
  const sql = driverFor(db);
  return {
    migrate: () => migrate(sql, clock),
    async claim(key, expiresAtMs) {
      checkClaim(key, expiresAtMs);
      const rows = await sql.rows(
        `INSERT INTO hookline_dedupe (key, expires_at_ms) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET expires_at_ms = excluded.expires_at_ms WHERE hookline_dedupe.expires_at_ms <= $3
         RETURNING key`,
        [key, Math.trunc(expiresAtMs), clock()],
      );
      return rows.length === 1;
    },
    /** Forget expired keys; how many. */
    async prune() {
      return (await sql.rows("DELETE FROM hookline_dedupe WHERE expires_at_ms <= $1 RETURNING key", [clock()])).length;
    },
  };
}

/**
 * Dedupe in this process's memory, for one instance: at most `maxEntries` keys (default
 * 100,000); past that the oldest claims are forgotten first, so size it above the deliveries
 * of one retention period.
 */
export function memoryDedupe({ maxEntries = 100_000, clock = () => Date.now() } = {}) {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw invalid("memoryDedupe: maxEntries must be a whole number of 1 or more");
  const held = new Map(); // key -> expiresAtMs, in claim order
  return {
    claim(key, expiresAtMs) {
      checkClaim(key, expiresAtMs);
      const now = clock();
      const until = held.get(key);
      if (until !== undefined && until > now) return false;
      held.delete(key);
      held.set(key, expiresAtMs);
      // A few of the oldest claims per call: expired ones go, and the bound holds.
      for (let i = 0; i < 4 || held.size > maxEntries; i++) {
        const first = held.entries().next();
        if (first.done || (held.size <= maxEntries && first.value[1] > now)) break;
        held.delete(first.value[0]);
      }
      return true;
    },
    get size() {
      return held.size;
    },
  };
}

/**
 * Dedupe on Workers KV. KV is eventually consistent and has no insert-if-absent, so two
 * deliveries of one id at the same moment (in different locations) can both pass: best effort.
 * Use `createDedupe` on D1 where a duplicate must never pass.
 */
export function kvDedupe(namespace, { prefix = "hookline-dedupe:" } = {}) {
  if (!namespace || typeof namespace.get !== "function" || typeof namespace.put !== "function") throw invalid("kvDedupe: pass a Workers KV namespace binding");
  return {
    async claim(key, expiresAtMs) {
      checkClaim(key, expiresAtMs);
      if ((await namespace.get(prefix + key)) !== null) return false;
      // KV keeps a key at least 60 s.
      const expiration = Math.max(Math.ceil(expiresAtMs / 1000), Math.ceil(Date.now() / 1000) + 60);
      await namespace.put(prefix + key, "1", { expiration });
      return true;
    },
  };
}

const MAX_API_BODY = 1024 * 1024;
const STATUS_OF = {
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  endpoint_limit: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
};

/** An RFC 9457 problem: `{ type, title, status, code, detail }`, never a secret. */
function problem(status, code, detail) {
  return new Response(JSON.stringify({ type: `https://hookline.dev/problems/${code}`, title: code.replace(/_/g, " "), status, code, detail }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
}

const json = (status, body) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { "content-type": "application/json" } });

/** The request's JSON body, read up to MAX_API_BODY bytes and no further. */
async function readJson(request) {
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new SenderError("unsupported_media_type", "the body must be application/json");
  }
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_API_BODY) throw new SenderError("payload_too_large", `the body is over ${MAX_API_BODY} bytes`);
  const reader = request.body?.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const r = reader ? await reader.read() : { done: true };
    if (r.done) break;
    size += r.value.length;
    if (size > MAX_API_BODY) {
      reader.cancel().catch(() => {});
      throw new SenderError("payload_too_large", `the body is over ${MAX_API_BODY} bytes`);
    }
    chunks.push(r.value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw invalid("the body is not JSON");
  }
}

/**
 * A bearer-token check that leaks nothing through timing: the platform's HMAC verify compares the
 * presented token's tag with the expected one (WebCrypto's comparison, not ours). The key is
 * random per process and made on first use (Workers allow random values only inside a handler).
 */
function tokenChecker(token) {
  let ready = null;
  const setup = async () => {
    const key = await globalThis.crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    const tag = await globalThis.crypto.subtle.sign("HMAC", key, new TextEncoder().encode(token));
    return { key, tag };
  };
  return async (presented) => {
    ready ??= setup();
    const { key, tag } = await ready;
    return globalThis.crypto.subtle.verify("HMAC", key, tag, new TextEncoder().encode(presented));
  };
}

/** A path segment decoded, or `invalid_argument` for a malformed escape. */
function segment(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid("a path segment is not valid percent-encoding");
  }
}

const pageOf = (url) => {
  const limit = url.searchParams.get("limit");
  return { limit: limit === null ? undefined : Number(limit), cursor: url.searchParams.get("cursor") };
};

/**
 * The management API as one fetch handler, `(request) => Promise<Response>`, for Workers,
 * Deno.serve, Bun.serve, Hono or Node. Routes live under `/v1/tenants/{tenant}/`; a tenant is a
 * store owner. Auth: `authorize(request, tenant)` (true to let it through) or, by default, a
 * bearer `token`. Errors are RFC 9457 problems with a stable `code`.
 */
export function createManagementApi({ store, token, authorize, enqueue } = {}) {
  if (!store || typeof store.createEndpoint !== "function") throw invalid("createManagementApi: store must come from createStore");
  if (enqueue !== undefined && typeof enqueue !== "function") throw invalid("createManagementApi: enqueue must be a function of [{ deliveryId, attempt }]");
  // New deliveries are stored before this runs; if the queue refuses them, a sweep
  // (`deliverDue` with `overdueMs`) finds them, so the request still succeeds.
  const queued = async (deliveryIds) => {
    if (!enqueue || deliveryIds.length === 0) return;
    try {
      await enqueue(deliveryIds.map((deliveryId) => ({ deliveryId, attempt: 1 })));
    } catch (e) {
      console.error(`hookline management API: enqueue failed for ${deliveryIds.length} deliveries (a sweep will take them): ${e?.name ?? "Error"}`);
    }
  };
  if (authorize === undefined && (typeof token !== "string" || token.length < 16)) {
    throw invalid("createManagementApi: pass a bearer token of 16 or more characters, or authorize(request, tenant)");
  }
  const tokenMatches = authorize ? null : tokenChecker(token);
  const allowed = async (request, tenant) => {
    if (authorize) return (await authorize(request, tenant)) === true;
    const header = request.headers.get("authorization") ?? "";
    return header.startsWith("Bearer ") && tokenMatches(header.slice(7));
  };
  const routes = [
    ["POST", /^endpoints$/, async (t, _m, req) => json(201, await store.createEndpoint(t, await readJson(req)))],
    ["GET", /^endpoints$/, async (t, _m, _r, url) => json(200, await store.listEndpoints(t, pageOf(url)))],
    ["GET", /^endpoints\/([^/]+)$/, async (t, m) => json(200, await store.getEndpoint(t, m[1]))],
    ["PATCH", /^endpoints\/([^/]+)$/, async (t, m, req) => json(200, await store.updateEndpoint(t, m[1], await readJson(req)))],
    ["DELETE", /^endpoints\/([^/]+)$/, async (t, m) => (await store.deleteEndpoint(t, m[1]), json(204))],
    ["POST", /^endpoints\/([^/]+)\/rotate-secret$/, async (t, m) => json(200, await store.rotateSecret(t, m[1]))],
    ["GET", /^endpoints\/([^/]+)\/attempts$/, async (t, m, _r, url) => json(200, await store.listAttempts(t, m[1], pageOf(url)))],
    ["POST", /^events$/, async (t, _m, req) => {
      const { eventId, matched, duplicate, deliveryIds } = await store.publish(t, await readJson(req));
      if (!duplicate) await queued(deliveryIds);
      return json(202, { eventId, matched, duplicate });
    }],
    ["GET", /^deliveries\/([^/]+)$/, async (t, m) => json(200, await store.getDelivery(t, m[1]))],
    ["POST", /^deliveries\/([^/]+)\/redeliver$/, async (t, m) => {
      const again = await store.redeliver(t, m[1]);
      await queued([again.deliveryId]);
      return json(202, again);
    }],
  ];
  return async function handle(request) {
    try {
      const url = new URL(request.url);
      const m = /^\/v1\/tenants\/([^/]+)\/(.+?)\/?$/.exec(url.pathname);
      if (!m) return problem(404, "not_found", "no such route");
      const tenant = segment(m[1]);
      if (!(await allowed(request, tenant))) return problem(401, "unauthorized", "a valid bearer token is required");
      const matches = routes.filter(([, re]) => re.test(m[2]));
      if (matches.length === 0) return problem(404, "not_found", "no such route");
      const route = matches.find(([method]) => method === request.method);
      if (!route) return problem(405, "method_not_allowed", `use ${matches.map(([method]) => method).join(", ")}`);
      return await route[2](tenant, route[1].exec(m[2]).map((s) => (s === undefined ? s : segment(s))), request, url);
    } catch (e) {
      if (e instanceof SenderError || typeof e?.code === "string") {
        return problem(STATUS_OF[e.code] ?? 400, e.code, e.message);
      }
      // Not ours (the database is down, say): the details stay in the server's log.
      console.error("hookline management API:", e);
      return problem(500, "internal", "the request could not be completed");
    }
  };
}

/**
 * A fetch handler (`createManagementApi`'s, or any `(Request) => Response`) as a Node
 * `http.createServer` listener: the request's body is streamed to the handler (which bounds
 * what it reads), headers keep their repeated values, and a handler that throws answers a 500
 * problem without its details. `base` is the origin the request URLs are read against.
 */
export function nodeListener(handler, { base = "http://127.0.0.1" } = {}) {
  if (typeof handler !== "function") throw invalid("nodeListener: handler must be a function of a Request");
  return async (req, res) => {
    const verb = req.method ?? "GET";
    let response;
    try {
      const headers = new Headers();
      const raw = req.rawHeaders ?? [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        try {
          headers.append(raw[i], raw[i + 1]);
        } catch {
          // A header value fetch refuses: left out, as a proxy would.
        }
      }
      const body = verb === "GET" || verb === "HEAD" ? undefined : ReadableStream.from(req);
      response = await handler(new Request(new URL(req.url ?? "/", base), { method: verb, headers, body, duplex: "half" }));
    } catch (e) {
      console.error(`hookline nodeListener: ${e?.name ?? "Error"}: the handler failed`);
      response = problem(500, "internal", "the request could not be completed");
    }
    res.writeHead(response.status, [...response.headers].flat());
    if (!response.body || verb === "HEAD") return res.end();
    try {
      for await (const chunk of response.body) res.write(chunk);
      res.end();
    } catch {
      res.destroy();
    }
  };
}
