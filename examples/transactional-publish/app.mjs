// An Express app that stores an order and its `order.created` webhook in one transaction: both
// are saved, or neither is (and nothing is sent). The management API (register endpoints, read
// the delivery log) and the delivery worker run in the same process, on the same pg pool.
//   DATABASE_URL=postgres://... HOOKLINE_API_TOKEN=... HOOKLINE_ENCRYPTION_KEY=... node app.mjs
import express from "express";
import pg from "pg";
import { createDispatcher } from "hookline";
import { createManagementApi, createStore, nodeListener } from "hookline/store";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
pool.on("error", (e) => console.error(`database connection lost (${e.code}); the pool reconnects`));
const ssrf = { allow: (process.env.ALLOW_TARGETS ?? "").split(",").filter(Boolean) };
const store = await createStore({ db: pool, encryptionKey: process.env.HOOKLINE_ENCRYPTION_KEY, ssrf });
await store.migrate();
await pool.query("CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, total INTEGER NOT NULL CHECK (total > 0))");
const worker = store.startWorker(createDispatcher({ retries: "none", resolveKeys: store.keysFor, ssrf }));
const api = nodeListener(createManagementApi({ store, token: process.env.HOOKLINE_API_TOKEN }));

const app = express();
app.use((req, res, next) => (req.url.startsWith("/v1/") ? api(req, res) : next()));
app.post("/tenants/:tenant/orders", express.json(), async (req, res) => {
  const { id, total } = req.body;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("INSERT INTO orders (id, tenant, total) VALUES ($1, $2, $3)", [id, req.params.tenant, total]);
    // The event joins the order's transaction: the rollback below takes it back too.
    const { eventId } = await store.publish(req.params.tenant, { id: `order_${id}`, type: "order.created", data: { id, total } }, { db: client });
    await client.query("COMMIT");
    res.status(201).json({ order: id, eventId });
  } catch {
    await client.query("ROLLBACK").catch(() => {});
    res.status(400).json({ error: "the order was refused; nothing was stored or sent" });
  } finally {
    client.release();
  }
});

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.once("SIGTERM", async () => {
  server.close();
  await worker.stop();
  await pool.end();
});
