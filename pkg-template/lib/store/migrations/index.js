// The store's versioned migrations: one .sql file per version and dialect beside this file
// (inlined into the package by the build), applied in order by `migrate`, each once.
import pg001 from "./postgres/001_endpoint_registry.sql";
import pg002 from "./postgres/002_outbox_and_delivery_log.sql";
import pg003 from "./postgres/003_receiver_dedupe.sql";
import pg004 from "./postgres/004_tenant_events_endpoint_lifecycle_honest_log.sql";
import pg006 from "./postgres/006_support.sql";
import pg007 from "./postgres/007_operations.sql";
import pg008 from "./postgres/008_throttle_and_order.sql";
import pg009 from "./postgres/009_cheaper_claims.sql";
import lite001 from "./sqlite/001_endpoint_registry.sql";
import lite002 from "./sqlite/002_outbox_and_delivery_log.sql";
import lite003 from "./sqlite/003_receiver_dedupe.sql";
import lite004 from "./sqlite/004_tenant_events_endpoint_lifecycle_honest_log.sql";
import lite006 from "./sqlite/006_support.sql";
import lite007 from "./sqlite/007_operations.sql";
import lite008 from "./sqlite/008_throttle_and_order.sql";
import lite009 from "./sqlite/009_cheaper_claims.sql";

/** `{ version, name, sql, sqlite }` per version: PostgreSQL's (and PGlite's) text, and D1's. */
export const storeMigrations = [
  { version: 1, name: "endpoint registry", sql: pg001, sqlite: lite001 },
  { version: 2, name: "outbox and delivery log", sql: pg002, sqlite: lite002 },
  { version: 3, name: "receiver dedupe", sql: pg003, sqlite: lite003 },
  { version: 4, name: "tenant events, endpoint lifecycle, honest log", sql: pg004, sqlite: lite004 },
  { version: 6, name: "support: log indexes, recoveries", sql: pg006, sqlite: lite006 },
  { version: 7, name: "operations: trace context on events", sql: pg007, sqlite: lite007 },
  { version: 8, name: "throttle and order", sql: pg008, sqlite: lite008 },
  { version: 9, name: "cheaper claims", sql: pg009, sqlite: lite009 },
];

/** A migration's statements: `--` comment lines dropped, split at the `;` that ends a line. */
export function statements(text) {
  return text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(/;\s*\n/)
    .map((t) => t.trim().replace(/;$/, ""))
    .filter(Boolean);
}

const TABLE = "CREATE TABLE IF NOT EXISTS hookline_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)";
const RECORD = "INSERT INTO hookline_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)";

/** Apply the migrations a database lacks, in order, one migrator at a time; the versions applied. */
export async function migrate(sql, clock) {
  if (sql.dialect === "sqlite") {
    // D1: each migration is one batch (one transaction); a concurrent migrator's batch fails on
    // the tables this one made, and the versions are read again.
    await sql.rows(TABLE);
    const applied = [];
    for (const m of storeMigrations) {
      const done = new Set((await sql.rows("SELECT version FROM hookline_migrations")).map((r) => Number(r.version)));
      if (done.has(m.version)) continue;
      try {
        await sql.batch([...statements(m.sqlite).map((t) => [t, []]), [RECORD, [m.version, m.name, clock()]]]);
        applied.push(m.version);
      } catch (e) {
        const again = await sql.rows("SELECT version FROM hookline_migrations WHERE version = $1", [m.version]);
        if (again.length === 0) throw e;
      }
    }
    return applied;
  }
  return sql.transaction(async (q) => {
    // Before the table exists there is nothing to lock: two migrators starting at once on a new
    // database (two `hookline serve`) would both create it, and one fail. A lock of our own first.
    await q.query("SELECT pg_advisory_xact_lock(7242381604219862528)");
    await q.query(TABLE);
    await q.query("LOCK TABLE hookline_migrations IN EXCLUSIVE MODE");
    const done = new Set((await q.query("SELECT version FROM hookline_migrations")).rows.map((r) => r.version));
    const applied = [];
    for (const m of storeMigrations) {
      if (done.has(m.version)) continue;
      for (const statement of statements(m.sql)) await q.query(statement);
      await q.query(RECORD, [m.version, m.name, clock()]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** The newest version applied to the database, or 0 when it has none (no table yet). */
export async function schemaVersion(sql) {
  const exists = sql.dialect === "sqlite"
    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'hookline_migrations'"
    : "SELECT to_regclass('hookline_migrations') IS NOT NULL AS found";
  const found = await sql.rows(exists);
  if (found.length === 0 || found[0].found === false) return 0;
  const rows = await sql.rows("SELECT max(version) AS v FROM hookline_migrations");
  return Number(rows[0]?.v ?? 0);
}
