// The trial a new sender runs against `hookline serve` or the Worker template: five endpoints for
// one owner (the sixth refused), each secret shown once, a list walked by cursor, a rotation, an
// event, its delivery log and a redelivery. `node trial.mjs <API URL> <receiver URL>`, token in
// HOOKLINE_API_TOKEN.
const [base, receiver] = process.argv.slice(2);
const api = async (method, path, body) => {
  const headers = { authorization: `Bearer ${process.env.HOOKLINE_API_TOKEN}`, "content-type": "application/json" };
  const res = await fetch(`${base}/v1/tenants/acme/${path}`, { method, headers, body: body && JSON.stringify(body) });
  return { status: res.status, ...(await res.json()) };
};
const created = [];
for (let i = 0; i < 6; i++) created.push(await api("POST", "endpoints", { url: `${receiver}/ep${i}`, eventTypes: ["invoice.*"] }));
const listed = [];
for (let cursor = ""; cursor !== null; ) {
  const page = await api("GET", `endpoints?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
  listed.push(...page.data.map((e) => e.id));
  cursor = page.nextCursor;
}
const first = created[0].endpoint.id;
const rotated = await api("POST", `endpoints/${first}/rotate-secret`);
const event = await api("POST", "events", { type: "invoice.paid", data: { invoice: "in_1" } });
let log = { data: [] };
for (const until = Date.now() + 20_000; !log.data.some((a) => a.outcome === "delivered") && Date.now() < until; ) {
  await new Promise((r) => setTimeout(r, 200));
  log = await api("GET", `endpoints/${first}/attempts?limit=10`);
}
const again = await api("POST", `deliveries/${log.data[0]?.deliveryId}/redeliver`);
const secretsShown = created.filter((c) => c.secret).length + (rotated.secret ? 1 : 0);
console.log(JSON.stringify({ created: created.map((c) => c.status), secretsShown, listed: listed.length, rotatedVersion: rotated.endpoint.secretVersion, matched: event.matched, log: log.data.map((a) => a.outcome), redelivered: again.status }));
