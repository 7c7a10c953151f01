// The customers' portal: a tenant's endpoints (add, rotate the secret, delete), the delivery log
// with filters and payloads, redeliver and recover, over the management API with a tenant token.
// Opened as /portal/#tenant=<tenant>&token=<hlt_...>: the fragment never reaches a server or its
// logs, and is taken off the address bar at once. Plain fetch, no framework; every value from
// the API is written as text, never as HTML. The API decides everything; this page only shows.
const params = new URLSearchParams(location.hash.slice(1));
const saved = JSON.parse(sessionStorage.getItem("hookline-portal") ?? "null");
const tenant = params.get("tenant") ?? saved?.tenant;
const token = params.get("token") ?? saved?.token;
if (location.hash) history.replaceState(null, "", location.pathname + location.search);
const $ = (id) => document.getElementById(id);

function notice(text, bad = false) {
  $("notice").textContent = text;
  $("notice").className = bad ? "bad" : "";
}

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function button(text, onClick, className) {
  const b = element("button", text, className);
  b.type = "button";
  b.addEventListener("click", () => onClick(b).catch((e) => notice(e.message, true)));
  return b;
}

async function api(method, path, body) {
  const response = await fetch(`/v1/tenants/${encodeURIComponent(tenant)}/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(answer?.code === "token_expired" ? "This link has expired: ask for a new one." : `${answer?.detail ?? response.status} (${answer?.code ?? "error"})`);
  return answer;
}

/** A datetime-local value (the browser's time zone) as an RFC 3339 time. */
const isoOf = (local) => new Date(local).toISOString();
const when = (ms) => new Date(ms).toLocaleString();

let endpoints = [];

async function loadEndpoints() {
  endpoints = [];
  for (let cursor = null; ; ) {
    const page = await api("GET", `endpoints?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    endpoints.push(...page.data);
    if (!(cursor = page.nextCursor)) break;
  }
  const list = $("endpoints");
  list.replaceChildren();
  for (const ep of endpoints) {
    const li = element("li");
    li.dataset.id = ep.id;
    const text = element("div", undefined, "grow");
    text.append(element("div", ep.url), element("div", `${ep.enabled ? "enabled" : `disabled (${ep.status.reason})`} · ${ep.eventTypes.length ? ep.eventTypes.join(", ") : "all events"}`, "muted"));
    li.append(
      text,
      button("Rotate secret", async () => {
        const { secret } = await api("POST", `endpoints/${encodeURIComponent(ep.id)}/rotate-secret`, {});
        showSecret(ep.url, secret);
      }, "quiet"),
      button("Delete", async () => {
        if (!confirm(`Delete ${ep.url}?`)) return;
        await api("DELETE", `endpoints/${encodeURIComponent(ep.id)}`);
        notice(`Deleted ${ep.url}.`);
        await loadEndpoints();
      }, "danger"),
    );
    list.append(li);
  }
  if (endpoints.length === 0) list.append(element("li", "No endpoints yet.", "muted"));
  for (const select of [$("log-endpoint"), $("recover-endpoint")]) {
    const chosen = select.value;
    select.replaceChildren(...endpoints.map((ep) => Object.assign(element("option", ep.url), { value: ep.id })));
    if (endpoints.some((ep) => ep.id === chosen)) select.value = chosen;
  }
}

function showSecret(url, secret) {
  const box = $("secret");
  box.replaceChildren(element("div", `Signing secret for ${url} (shown once; keep it now):`), element("code", secret));
}

let nextCursor = null;
let filters = null;
let logEndpoint = null;

async function loadAttempts(more = false) {
  const form = new FormData($("filters"));
  if (!more) {
    filters = new URLSearchParams({ limit: "20" });
    for (const name of ["status", "statusClass"]) if (form.get(name)) filters.set(name, form.get(name));
    if (form.get("since")) filters.set("since", isoOf(form.get("since")));
    logEndpoint = form.get("endpoint");
    $("attempts").replaceChildren();
  }
  if (!logEndpoint) return;
  const query = new URLSearchParams(filters);
  if (more && nextCursor) query.set("cursor", nextCursor);
  const page = await api("GET", `endpoints/${encodeURIComponent(logEndpoint)}/attempts?${query}`);
  for (const a of page.data) $("attempts").append(attemptRow(a));
  if (!more && page.data.length === 0) $("attempts").append(element("li", "Nothing matches.", "muted"));
  nextCursor = page.nextCursor;
  $("more").hidden = !nextCursor;
}

function attemptRow(a) {
  const li = element("li");
  li.dataset.delivery = a.deliveryId;
  const ok = a.outcome === "delivered";
  const text = element("div", undefined, "grow");
  text.append(
    element("div", `${a.eventType ?? ""} · attempt ${a.attempt} · ${a.outcome}${a.status ? ` (${a.status})` : ""}`, ok ? "good" : a.outcome === "started" ? "" : "bad"),
    element("div", `${when(a.attemptedAtMs)}${a.error ? ` · ${a.error}` : ""}`, "muted"),
  );
  const payload = element("pre");
  payload.hidden = true;
  li.append(
    text,
    button("Payload", async () => {
      if (payload.hidden) {
        const event = await api("GET", `events/${encodeURIComponent(a.eventId)}`);
        payload.textContent = JSON.stringify(event.payload, null, 2);
      }
      payload.hidden = !payload.hidden;
    }, "quiet"),
    button("Redeliver", async (b) => {
      const again = await api("POST", `deliveries/${encodeURIComponent(a.deliveryId)}/redeliver`);
      b.disabled = true;
      notice(`Sent again as ${again.deliveryId}.`);
    }, "quiet"),
    payload,
  );
  return li;
}

$("add").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const eventTypes = String(form.get("eventTypes") ?? "").split(",").map((t) => t.trim()).filter(Boolean);
  api("POST", "endpoints", { url: form.get("url"), ...(eventTypes.length ? { eventTypes } : {}) })
    .then(async ({ endpoint, secret }) => {
      e.target.reset();
      showSecret(endpoint.url, secret);
      notice(`Added ${endpoint.url}.`);
      await loadEndpoints();
    })
    .catch((err) => notice(err.message, true));
});

$("filters").addEventListener("submit", (e) => {
  e.preventDefault();
  loadAttempts().catch((err) => notice(err.message, true));
});
$("more").addEventListener("click", () => loadAttempts(true).catch((err) => notice(err.message, true)));

$("recover").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  (async () => {
    let recovered = 0;
    for (let more = true; more; ) {
      const r = await api("POST", `endpoints/${encodeURIComponent(form.get("endpoint"))}/recover`, { since: isoOf(form.get("since")) });
      recovered += r.recovered;
      more = r.more;
    }
    notice(`${recovered} failed ${recovered === 1 ? "delivery" : "deliveries"} sent again.`);
  })().catch((err) => notice(err.message, true));
});

if (!tenant || !token) {
  notice("Open this page with the link you were given (it ends in #tenant=...&token=...).", true);
} else {
  sessionStorage.setItem("hookline-portal", JSON.stringify({ tenant, token }));
  $("tenant").textContent = tenant;
  loadEndpoints()
    .then(() => loadAttempts())
    .catch((e) => notice(e.message, true));
}
