// A stand-in for your database client: db.insert(table, row) appends the row as one JSON line to
// <table>.jsonl in DB_DIR (default: the current folder). Use Postgres, D1, SQLite... instead.
import { appendFileSync } from "node:fs";
import { join } from "node:path";

export const db = {
  insert(table, row) {
    appendFileSync(join(process.env.DB_DIR ?? ".", `${table}.jsonl`), `${JSON.stringify(row)}\n`);
  },
};
