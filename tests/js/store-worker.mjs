// A delivery worker process for the store's crash test: claims due deliveries on PostgreSQL and
// attempts them until killed. `node store-worker.mjs <port> <database> <receiver base>`.
import * as hookline from "hookline";
import { createStore } from "hookline/store";
import pg from "pg";

const [port, database] = process.argv.slice(2);
const pool = new pg.Pool({ host: "127.0.0.1", port: Number(port), user: "postgres", database, max: 4 });
const store = await createStore({ db: pool, encryptionKey: Buffer.alloc(32, 7).toString("base64"), ssrf: { allow: ["127.0.0.1"] } });
const dispatcher = hookline.createDispatcher({ retries: "none", resolveKeys: store.keysFor, ssrf: { allow: ["127.0.0.1"] }, retry: { schedule: [0, 200, 200, 200] }, timeoutMs: 2000 });
process.send?.("ready");
for (;;) {
  const { claimed } = await store.deliverDue(dispatcher, { limit: 8, leaseMs: 1500 });
  if (claimed === 0) await new Promise((r) => setTimeout(r, 50));
}
