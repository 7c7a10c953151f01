// npm run bench:outbox -- a benchmark that prints figures, never a timed test.
// EVENTS (default 3,000) events to one endpoint on a loopback receiver (another process), at
// concurrency 64: the in-memory dispatcher (dispatch) and the durable sender on PostgreSQL (a
// throwaway cluster) take turns for ROUNDS rounds (default 5), so a noisy machine slows both
// alike; the ratio is each round's, reported as the median. Then the durable sender on PGlite,
// once. The durable sender publishes each event (the event and its delivery in one statement)
// while the worker `hookline serve` runs (store.startWorker) claims, attempts and records.
// Prints events/s, the ratio to the in-memory dispatcher (target >= 0.5 on PostgreSQL), and
// p50/p99 from publish to delivered (the attempt's end). SOAK (default 0; the figure is
// 100,000) adds RSS before and after that many events through PostgreSQL.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { startCluster } from "../tests/js/pg-cluster.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { createDispatcher } = await import(join(here, "..", "pkg", "node.mjs"));
const { createStore } = await import(join(here, "..", "pkg", "store.mjs"));
const EVENTS = Number(process.env.EVENTS ?? 3_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SOAK = Number(process.env.SOAK ?? 0);
const CONCURRENCY = 64;
const KEY = Buffer.alloc(32, 3).toString("base64");
const event = (i) => ({ type: "invoice.paid", data: { invoice: `in_${i}`, amount: 4200 } });
const median = (xs) => quantile(xs, 0.5);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const receiver = fork(join(here, "receiver.mjs"), { stdio: "inherit" });
const port = await new Promise((resolve) => receiver.once("message", (m) => resolve(m.port)));
const url = `http://127.0.0.1:${port}/hook`;

async function pool(n, task) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await task(next++);
  }));
}

async function inMemory(n) {
  const d = createDispatcher({ concurrency: CONCURRENCY, perEndpointConcurrency: CONCURRENCY, ssrf: { allow: ["127.0.0.1"] } });
  const subs = [{ id: "ep_mem", url, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }];
  const t = performance.now();
  await pool(n, (i) => d.dispatch(event(i), subs));
  return { rate: n / ((performance.now() - t) / 1000) };
}

/** Publish n events through `store` while worker loops deliver them; rate and latencies. */
async function durable(db, n, owner) {
  const store = await createStore({ db, encryptionKey: KEY, ssrf: { allow: ["127.0.0.1"] }, maxEndpointsPerOwner: 10 });
  await store.migrate();
  await store.createEndpoint(owner, { url });
  const latencies = [];
  const publishedAt = new Map();
  let delivered = 0;
  let allDelivered;
  const finished = new Promise((r) => (allDelivered = r));
  const d = createDispatcher({
    retries: "none",
    resolveKeys: store.keysFor,
    ssrf: { allow: ["127.0.0.1"] },
    concurrency: CONCURRENCY,
    perEndpointConcurrency: CONCURRENCY,
    onAttempt: (record) => {
      if (record.outcome !== "delivered") return;
      latencies.push(record.attemptedAtMs + record.durationMs - publishedAt.get(record.eventId));
      if (++delivered === n) allDelivered();
    },
  });
  // The worker `hookline serve` runs: up to CONCURRENCY attempts in flight, records batched.
  const worker = store.startWorker(d, { concurrency: CONCURRENCY, leaseMs: 60_000, idleMs: 2 });
  const t = performance.now();
  await pool(n, async (i) => {
    // The id is chosen here, so the time is known before a worker can deliver the event.
    const id = `msg_${owner}_${i}`;
    publishedAt.set(id, Date.now());
    await store.publish(owner, { id, ...event(i) });
  });
  await finished;
  await worker.stop(); // the last records written
  const rate = n / ((performance.now() - t) / 1000);
  return { rate, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), delivered };
}

const cluster = await startCluster();
const pgPool = new pg.Pool({ host: "127.0.0.1", port: cluster.port, user: "postgres", database: "postgres", max: 20 });
try {
  await inMemory(500); // warm-up: connections, JIT
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const mem = await inMemory(EVENTS);
    const onPg = await durable(pgPool, EVENTS, `bench_pg${r}`);
    rounds.push({ mem, onPg, ratio: onPg.rate / mem.rate });
    console.log(`round ${r + 1}: in-memory ${mem.rate.toFixed(0)}/s, PostgreSQL ${onPg.rate.toFixed(0)}/s, ratio ${(onPg.rate / mem.rate).toFixed(2)}`);
  }
  const lite = new PGlite();
  await lite.waitReady;
  const onLite = await durable(lite, EVENTS, "bench_lite");
  await lite.close();
  const memRate = median(rounds.map((x) => x.mem.rate));
  const ratios = rounds.map((x) => x.ratio);
  console.log(`\nOutbox: ${EVENTS} events to one endpoint (loopback receiver in another process), concurrency ${CONCURRENCY}, one store.startWorker (what hookline serve runs), ${ROUNDS} alternating rounds, Node ${process.version}`);
  console.log("| sender | events/s (median) | ratio to in-memory (median of rounds) | publish to delivered p50 / p99 (ms, median of rounds) |");
  console.log("|---|---|---|---|");
  console.log(`| in-memory dispatcher (dispatch) | ${memRate.toFixed(0)} | 1.00 | - |`);
  console.log(`| durable, PostgreSQL | ${median(rounds.map((x) => x.onPg.rate)).toFixed(0)} | ${median(ratios).toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}; target >= 0.5) | ${median(rounds.map((x) => x.onPg.p50))} / ${median(rounds.map((x) => x.onPg.p99))} |`);
  console.log(`| durable, PGlite (in memory, one round) | ${onLite.rate.toFixed(0)} | ${(onLite.rate / memRate).toFixed(2)} | ${onLite.p50} / ${onLite.p99} |`);
  console.log(`delivered: ${rounds.map((x) => x.onPg.delivered).join(", ")} on PostgreSQL, ${onLite.delivered} on PGlite`);
  if (SOAK > 0) {
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const soak = await durable(pgPool, SOAK, "bench_soak");
    globalThis.gc?.();
    const after = process.memoryUsage().rss;
    console.log(`RSS over ${SOAK} events on PostgreSQL: before ${(before / 1048576).toFixed(1)} MiB, after ${(after / 1048576).toFixed(1)} MiB (${soak.rate.toFixed(0)} events/s)`);
  }
} finally {
  await pgPool.end();
  cluster.stop();
  receiver.send("stop");
}
