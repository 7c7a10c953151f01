// A support task against `hookline serve` (or any createManagementApi): a customer says their
// endpoint missed webhooks during an outage. Find the endpoint's failed deliveries since T, see
// the payload that was sent, then send every failed delivery since T again (once; a second run
// sends nothing twice).
//   HOOKLINE_API_TOKEN=... node support.mjs <API URL> <tenant> <endpoint id> <since: ISO time or unix ms>
const [base, tenant, endpointId, since] = process.argv.slice(2);
const api = async (method, path, body) => {
  const headers = { authorization: `Bearer ${process.env.HOOKLINE_API_TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) };
  const res = await fetch(`${base}/v1/tenants/${tenant}/${path}`, { method, headers, body: body && JSON.stringify(body) });
  const answer = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${answer.code}: ${answer.detail}`);
  return answer;
};

// 1. The failed deliveries of the endpoint since T, every page.
const failed = [];
for (let cursor = null; ; ) {
  const query = new URLSearchParams({ endpoint: endpointId, status: "failed", since, ...(cursor ? { cursor } : {}) });
  const page = await api("GET", `deliveries?${query}`);
  failed.push(...page.data);
  if (!(cursor = page.nextCursor)) break;
}
// 2. What the receiver answered to each attempt (the failed ones since T), and each payload sent.
const attempts = await api("GET", `endpoints/${endpointId}/attempts?status=failed&since=${encodeURIComponent(since)}&limit=100`);
for (const d of failed) {
  const event = await api("GET", `events/${encodeURIComponent(d.eventId)}`);
  const answers = attempts.data.filter((a) => a.deliveryId === d.id).map((a) => a.status ?? a.error);
  console.log(`${d.id} ${event.type} ${JSON.stringify(event.payload.data)}: ${d.endedReason} (${answers.join(", ")})`);
}
// 3. Send them again, at most 100 a call, until none are left.
let recovered = 0;
for (let more = true; more; ) {
  const r = await api("POST", `endpoints/${endpointId}/recover`, { since });
  recovered += r.recovered;
  more = r.more;
}
console.log(JSON.stringify({ failed: failed.length, recovered }));
