// The one interface the store talks to, whatever database the caller holds: PostgreSQL (a pg
// Pool or Client), PGlite, or Cloudflare D1 (SQLite). I/O only: every statement is written
// with PostgreSQL's $N parameters and SQLite's are derived from them.
//
// A failure of the database itself (a lost connection, a server that refused a statement) is
// thrown as a SenderError with code `database_unavailable` and the driver's error as its
// `cause`: callers answer it with a 503 and log the cause; a driver's text or SQLSTATE never
// reaches an API client.
import { HooklineError, SenderError } from "hookline/errors";

/** A database failure, with what the driver said kept as `cause` (for logs only). */
export function databaseError(cause) {
  return Object.assign(new SenderError("database_unavailable", "the database could not complete the request; try again later"), { cause });
}

/** Errors of ours (a cap reached, a row not found) pass through; anything else is the database's. */
const ours = (e) => e instanceof HooklineError;
const guarded = (fn) => async (...args) => {
  try {
    return await fn(...args);
  } catch (e) {
    throw ours(e) ? e : databaseError(e);
  }
};

/**
 * PostgreSQL's verdicts that ask for the same work again: a deadlock it broke (40P01) and a
 * serialization failure (40001). The statement (or batch) was rolled back whole, so running it
 * again is safe; it is tried at most `RETRIES` more times, after a short random pause so that
 * the two sides of a deadlock do not meet again. Only the store's own statements, batches and
 * transactions (whose functions only run statements) are retried, never a caller's transaction
 * (which the database has aborted).
 */
const RETRIES = 3;
const conflict = (e) => ["40P01", "40001"].includes(e?.code === "database_unavailable" ? e.cause?.code : e?.code);
const retried = (fn) => async (...args) => {
  for (let tries = 0; ; tries++) {
    try {
      return await fn(...args);
    } catch (e) {
      if (!conflict(e) || tries >= RETRIES) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 20 * (tries + 1))));
    }
  }
};

/** SQLite's numbered parameters are ?N; the statements here are written with PostgreSQL's $N. */
const sqliteText = (text) => text.replace(/\$(\d+)/g, "?$1");
const sqliteValue = (v) => (v === undefined ? null : typeof v === "boolean" ? (v ? 1 : 0) : v);

/** Whether `db` is a Cloudflare D1 binding (prepare and batch, no query). */
export const isD1 = (db) => Boolean(db) && typeof db.prepare === "function" && typeof db.batch === "function" && typeof db.query !== "function";

/** D1's prepared statement for `[text, params]`. */
export const d1Statement = (db, [text, params = []]) => db.prepare(sqliteText(text)).bind(...params.map(sqliteValue));

/**
 * The driver for `db`: `rows(text, params)`, `batch([[text, params], ...])` (all or nothing; the
 * rows of each) and, on PostgreSQL, `transaction(fn)` with a client whose `query` stays inside it.
 * `dialect` is "postgres" or "sqlite".
 */
export function driverFor(db) {
  if (isD1(db)) {
    // Cloudflare D1: every statement runs alone and a batch is one transaction.
    return {
      dialect: "sqlite",
      rows: guarded(async (text, params) => (await d1Statement(db, [text, params]).all()).results ?? []),
      batch: guarded(async (list) => (await db.batch(list.map((s) => d1Statement(db, s)))).map((r) => r.results ?? [])),
    };
  }
  if (typeof db?.query !== "function") {
    throw new SenderError("invalid_argument", "createStore: db must be a PostgreSQL client (pg Pool or Client), a PGlite instance or a D1 database");
  }
  let transaction;
  if (typeof db.transaction === "function" && typeof db.exec === "function") {
    // PGlite: its own transaction(), serialized on its single connection.
    transaction = (fn) => db.transaction((tx) => fn(tx));
  } else if (typeof db.connect === "function" && typeof db.totalCount === "number") {
    // pg Pool: one pooled client per transaction.
    transaction = async (fn) => {
      const client = await db.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const out = await fn(client);
        await client.query("COMMIT");
        return out;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => (broken = true));
        throw e;
      } finally {
        // A client whose connection failed is not given back to the pool for reuse.
        client.release(broken || undefined);
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
  return postgres((text, params) => db.query(text, params), guarded(transaction), retried);
}

/**
 * A driver over a client the caller holds inside a transaction of their own (a pg client after
 * BEGIN, a PGlite transaction): every statement runs through it, and nothing here begins,
 * commits or rolls back. PostgreSQL only (on D1 a caller's batch takes statements instead).
 */
export function callerDriver(client) {
  if (typeof client?.query !== "function") {
    throw new SenderError("invalid_argument", "db must be the client of your transaction: a pg client inside BEGIN, or a PGlite transaction");
  }
  return postgres((text, params) => client.query(text, params), guarded((fn) => fn(client)));
}

function postgres(query, transaction, again = (fn) => fn) {
  return {
    dialect: "postgres",
    rows: guarded(again(async (text, params) => (await query(text, params)).rows)),
    batch: again((list) =>
      transaction(async (q) => {
        const out = [];
        for (const [text, params] of list) out.push((await q.query(text, params)).rows);
        return out;
      })),
    transaction: again(transaction),
  };
}

/** A JSON column as a value: PostgreSQL's driver parses JSONB, SQLite hands back the text. */
export const fromJson = (v) => (typeof v === "string" ? JSON.parse(v) : v);

/** SQL for "`column` is one of the list in parameter $n", and that parameter's value. */
export function listSql(dialect) {
  const sqlite = dialect === "sqlite";
  return {
    inList: (column, n) => (sqlite ? `${column} IN (SELECT value FROM json_each($${n}))` : `${column} = ANY($${n}::text[])`),
    listParam: (ids) => (sqlite ? JSON.stringify(ids) : ids),
  };
}
