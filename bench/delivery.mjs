// npm run bench:delivery -- a benchmark that prints figures, never a timed test.
// 10,000 events to a loopback receiver (another process) at concurrency 64, through the
// dispatcher and through plain fetch loops POSTing each event's JSON (bare; with a timeout; with
// redirect mode "error"; as the dispatcher's own request), interleaved, medians of ROUNDS (7); each round runs the senders in
// the opposite order of the round before, and its dispatcher/plain ratio is taken on its own (so a
// slow minute on a shared machine weighs on both sides of it); then RSS before and after 100,000
// events through one dispatcher.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { createDispatcher, generateSecret, Matcher } = await import(join(here, "..", "pkg", "node.mjs"));
const EVENTS = Number(process.env.EVENTS ?? 10_000);
const SOAK = Number(process.env.SOAK ?? 100_000);
const CONCURRENCY = 64;
const ROUNDS = Number(process.env.ROUNDS ?? 7);

const receiver = fork(join(here, "receiver.mjs"), { stdio: "inherit" });
const port = await new Promise((resolve) => receiver.once("message", (m) => resolve(m.port)));
const url = `http://127.0.0.1:${port}/hook`;
const secret = generateSecret();
const subscription = { id: "ep_bench", url, secret };
// One Matcher for the subscription list, as a sender keeps it while the list is unchanged.
const matcher = new Matcher([subscription]);
const event = (i) => ({ type: "invoice.paid", data: { invoice: `in_${i}`, amount: 4200, lines: [{ sku: "a", qty: 1 }] } });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function pool(n, task) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await task(next++);
  }));
}

// Each run returns [events per second, this process's CPU microseconds per event]: the second
// is the steadier figure on a shared machine, where wall time also measures the neighbours.
async function timed(n, body) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await body();
  const used = process.cpuUsage(cpu);
  return [n / ((performance.now() - t) / 1000), (used.user + used.system) / n];
}

// The headers the dispatcher sends (Standard Webhooks scheme), as fixed strings of the same sizes.
const sameHeaders = {
  "content-type": "application/json",
  "user-agent": "hookline",
  "webhook-event-type": "invoice.paid",
  "webhook-delivery-id": "dlv_01JEXAMPLE0000000000000000",
  "webhook-id": "msg_01JEXAMPLE0000000000000000",
  "webhook-timestamp": "1764590000",
  "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
};

// In Node the dispatcher sends with redirect mode "error": undici copies the request body (a
// stream tee) for any other mode, "follow" (fetch's default) and "manual" included.
async function plainFetch(n, withTimeout = false, same = false, redirect = undefined) {
  // The floor: each event serialized and POSTed, with no envelope, signing, matching, retry or
  // logging; optionally with the per-request AbortSignal timeout the dispatcher always sets, with
  // another redirect mode, or as the same HTTP request the dispatcher sends (its seven headers,
  // redirect mode "error").
  return timed(n, () => pool(n, async (i) => {
    const init = { method: "POST", body: JSON.stringify(event(i)), headers: same ? { ...sameHeaders } : { "content-type": "application/json" } };
    if (same || redirect) init.redirect = same ? "error" : redirect;
    let timer;
    if (withTimeout) {
      const c = new AbortController();
      timer = setTimeout(() => c.abort(), 15_000);
      init.signal = c.signal;
    }
    const r = await fetch(url, init);
    await r.arrayBuffer();
    clearTimeout(timer);
  }));
}

async function viaDispatcher(n, onAttempt, fetch) {
  const d = createDispatcher({ concurrency: CONCURRENCY, ssrf: { allow: ["127.0.0.1"] }, onAttempt, fetch });
  let delivered = 0;
  const result = await timed(n, () => pool(n, async (i) => {
    const summary = await d.dispatch(event(i), matcher);
    delivered += summary.delivered;
  }));
  if (delivered !== n) throw new Error(`delivered ${delivered} of ${n}`);
  return result;
}

try {
  await plainFetch(500); // warm-up: connections, JIT
  await viaDispatcher(500);
  const plain = [];
  const timedOut = [];
  const noCopy = [];
  const sameRequest = [];
  const ours = [];
  const alone = [];
  // hookline's own work: the same dispatcher with a fetch that answers 204 at once (no socket).
  const noContent = { status: 204, type: "basic", body: null, headers: new Headers() };
  const answerAtOnce = async () => noContent;
  const senders = [
    [plain, () => plainFetch(EVENTS)],
    [timedOut, () => plainFetch(EVENTS, true)],
    [noCopy, () => plainFetch(EVENTS, false, false, "error")],
    [sameRequest, () => plainFetch(EVENTS, true, true)],
    [ours, () => viaDispatcher(EVENTS)],
    [alone, () => viaDispatcher(EVENTS, undefined, answerAtOnce)],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [runs, send] of round % 2 ? [...senders].reverse() : senders) runs.push(await send());
  }
  const rate = (runs) => median(runs.map((r) => r[0]));
  const cpu = (runs) => median(runs.map((r) => r[1]));
  // The dispatcher against the plain loop, round by round: the median and the middle half.
  const paired = ours.map((r, i) => r[0] / plain[i][0]).sort((a, b) => a - b);
  const quarter = (q) => paired[Math.min(paired.length - 1, Math.floor(paired.length * q))];
  const row = (name, runs) => `| ${name} | ${rate(runs).toFixed(0)} | ${cpu(runs).toFixed(0)} | ${runs.map((r) => r[0].toFixed(0)).join(", ")} |`;
  console.log(`\nDelivery: ${EVENTS} events, concurrency ${CONCURRENCY}, loopback receiver in another process, Node ${process.version}`);
  console.log(`| sender | events/s (median of ${ROUNDS}) | sender CPU us/event (median) | runs, events/s |`);
  console.log(`|---|---|---|---|`);
  console.log(row("plain fetch loop", plain));
  console.log(row("plain fetch loop + AbortSignal timeout", timedOut));
  console.log(row('plain fetch loop + redirect: "error"', noCopy));
  console.log(row('plain fetch loop, the dispatcher\'s HTTP request (7 headers, timeout, redirect: "error")', sameRequest));
  console.log(row("hookline dispatcher (envelope, match, SSRF check, sign, timeout, classify, health, record)", ours));
  console.log(`ratio dispatcher / plain fetch: ${(rate(ours) / rate(plain)).toFixed(2)} (target >= 0.9); / plain fetch with a timeout: ${(rate(ours) / rate(timedOut)).toFixed(2)}; / plain fetch with redirect "error": ${(rate(ours) / rate(noCopy)).toFixed(2)}; / the same HTTP request sent by a plain loop: ${(rate(ours) / rate(sameRequest)).toFixed(2)}`);
  console.log(`ratio dispatcher / plain fetch, round by round: median ${quarter(0.5).toFixed(2)}, middle half ${quarter(0.25).toFixed(2)} to ${quarter(0.75).toFixed(2)}, all ${paired.map((x) => x.toFixed(2)).join(", ")}`);
  console.log(`what the HTTP request itself costs, plain fetch with the dispatcher's request / plain fetch: ${(rate(sameRequest) / rate(plain)).toFixed(2)}`);
  console.log(`sender CPU per event, plain / dispatcher: ${(cpu(plain) / cpu(ours)).toFixed(2)}`);
  console.log(`hookline's own work, the dispatcher with a fetch that answers at once: ${cpu(alone).toFixed(0)} us CPU per event (${rate(alone).toFixed(0)} events/s), ${((cpu(alone) / cpu(plain)) * 100).toFixed(0)}% of the plain loop's CPU per event`);

  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let records = 0;
  await viaDispatcher(SOAK, () => records++);
  globalThis.gc?.();
  const after = process.memoryUsage().rss;
  console.log(`\nRSS over ${SOAK} events: before ${(before / 1048576).toFixed(1)} MiB, after ${(after / 1048576).toFixed(1)} MiB (${records} attempt records passed to onAttempt and dropped)`);
} finally {
  receiver.send("stop");
}
